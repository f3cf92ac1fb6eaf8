//! The command line: argument parsing and one function per command. Commands print to the
//! writer they are given, so tests can read their output.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use serde::Serialize;
use shared::calendar::{Date, PeriodId};
use shared::import::{import_bytes, ImportOutcome, Warning};
use shared::plan::{Plan, Section};
use shared::unit::Assignee;

use crate::access::Role;
use crate::registry::{Profile, Registry};
use crate::report::{ExportRequest, ReportFormat};

#[derive(Debug, Parser)]
#[command(name = "plansync", version, about = "PlanSync server and admin tools")]
pub struct Cli {
    /// The server's data directory (registry and documents, SQLite).
    #[arg(long, global = true, value_name = "DIR", env = "PLANSYNC_DATA")]
    pub data: Option<PathBuf>,
    /// A config file (TOML) whose keys are option names (`data`, `listen`, `tls-cert`, ...):
    /// the command line beats the environment, which beats the file (docs/OPERATIONS.md).
    #[arg(long, global = true, value_name = "FILE", env = crate::config_file::CONFIG_ENV)]
    pub config: Option<PathBuf>,
    /// How log lines (on stderr) look: `text` for people, `json` (one object a line) for log
    /// shippers.
    #[arg(
        long,
        global = true,
        value_name = "FORMAT",
        env = "PLANSYNC_LOG_FORMAT",
        default_value = "text"
    )]
    pub log_format: LogFormat,
    #[command(subcommand)]
    pub command: Command,
}

/// `--log-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// First setup of an empty data directory in one go: the office unit, the first admin
    /// (password: one line on standard input) and, with --plan, the plan published.
    Init {
        /// The office's unit code, e.g. VP.
        #[arg(long, value_name = "CODE")]
        office_code: String,
        /// The office's name, e.g. "Văn phòng Sở".
        #[arg(long, value_name = "NAME")]
        office_name: String,
        /// The first admin's user name (role admin, in the office unit).
        #[arg(long, value_name = "USERNAME")]
        admin: String,
        /// A plan file (text or DOCX) to publish, as `plan publish FILE` does.
        #[arg(long, value_name = "FILE")]
        plan: Option<PathBuf>,
        /// The plan's reporting year (default: the current year).
        #[arg(long, requires = "plan")]
        year: Option<i32>,
    },
    /// Work with plan files.
    #[command(subcommand)]
    Plan(PlanCommand),
    /// Reporting years: a running server opens each year by itself when its first data window
    /// starts (15/12 of the year before, by default); this does it by hand.
    #[command(subcommand)]
    Year(YearCommand),
    /// Manage the units of the Sở.
    #[command(subcommand)]
    Unit(UnitCommand),
    /// Manage user accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Export reports.
    #[command(subcommand)]
    Report(ReportCommand),
    /// Print a document's history as the server vouches for it: every change, who the server
    /// saw send it and when, and the author the change claims (marked when they differ).
    Audit {
        /// The document id (as `plan publish` and `GET /api/docs` give it).
        doc_id: String,
    },
    /// Back up the data directory while the server runs: its databases (SQLite's online
    /// backup), the evidence files and a manifest of hashes, in one tar file.
    Backup {
        /// The backup file to write (it must not exist yet). Either this or --out-dir.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Write `plansync-backup-<UTC time>.tar` into this directory instead (for a timer);
        /// --out, when given, wins.
        #[arg(long, value_name = "DIR", env = "PLANSYNC_BACKUP_DIR")]
        out_dir: Option<PathBuf>,
        /// With --out-dir: keep only the newest N backups there, deleting older ones.
        #[arg(long, value_name = "N", env = "PLANSYNC_BACKUP_KEEP")]
        keep: Option<usize>,
    },
    /// Check a backup file: everything the manifest lists is there and unchanged, every
    /// evidence file matches its hash, every database is sound and every document loads.
    Verify {
        /// The backup file.
        file: PathBuf,
    },
    /// Restore a backup into a new, empty data directory (--data), after verifying it.
    Restore {
        /// The backup file.
        file: PathBuf,
    },
    /// Run the sync server.
    Serve {
        /// Address to listen on, e.g. 127.0.0.1:8080.
        #[arg(
            long,
            value_name = "ADDR",
            env = "PLANSYNC_LISTEN",
            default_value = "127.0.0.1:8080"
        )]
        listen: std::net::SocketAddr,
        /// The largest evidence file accepted, in MiB.
        #[arg(long, value_name = "MB", env = "PLANSYNC_MAX_FILE_MB", default_value_t = crate::files::DEFAULT_MAX_FILE_MB)]
        max_file_mb: u64,
        /// The evidence each unit may hold, in MiB.
        #[arg(long, value_name = "MB", env = "PLANSYNC_UNIT_QUOTA_MB", default_value_t = crate::files::DEFAULT_UNIT_QUOTA_MB)]
        unit_quota_mb: u64,
        /// Disk space evidence uploads must leave free, in MiB (documents and logs need room).
        #[arg(long, value_name = "MB", env = "PLANSYNC_MIN_FREE_MB", default_value_t = crate::files::DEFAULT_RESERVE_MB)]
        min_free_mb: u64,
        /// How long a unit's evidence file that none of its documents lists any more is kept
        /// before it is deleted, in hours.
        #[arg(
            long,
            value_name = "HOURS",
            env = "PLANSYNC_EVIDENCE_GRACE_HOURS",
            default_value_t = 168
        )]
        evidence_grace_hours: u64,
        /// The longest a client may take to send a request's headers, in seconds.
        #[arg(
            long,
            value_name = "SECS",
            env = "PLANSYNC_HEADER_TIMEOUT_SECS",
            default_value_t = 10
        )]
        header_timeout_secs: u64,
        /// How often the server pings each sync connection, in seconds.
        #[arg(
            long,
            value_name = "SECS",
            env = "PLANSYNC_PING_SECS",
            default_value_t = 30
        )]
        ping_secs: u64,
        /// A sync connection on which nothing arrived for this long is closed, in seconds.
        #[arg(
            long,
            value_name = "SECS",
            env = "PLANSYNC_IDLE_TIMEOUT_SECS",
            default_value_t = 90
        )]
        idle_timeout_secs: u64,
        /// Serve HTTPS and WSS with this certificate chain (PEM); needs --tls-key. The files
        /// are read again when they change (a renewed certificate needs no restart).
        // Not `requires`: clap would not see a key coming from the config file; `run` checks
        // that both or neither are given.
        #[arg(long, value_name = "FILE", env = "PLANSYNC_TLS_CERT")]
        tls_cert: Option<std::path::PathBuf>,
        /// The private key of --tls-cert (PEM).
        #[arg(long, value_name = "FILE", env = "PLANSYNC_TLS_KEY")]
        tls_key: Option<std::path::PathBuf>,
        /// How often the certificate files are looked at for a renewal, in seconds.
        #[arg(
            long,
            value_name = "SECS",
            env = "PLANSYNC_TLS_RELOAD_SECS",
            default_value_t = 10
        )]
        tls_reload_secs: u64,
        /// A reverse proxy (nginx) in front of the server: requests from this address are
        /// taken to come from the address its X-Forwarded-For header names (for the login
        /// throttle and logs). Repeat for several; comma-separated in the environment.
        #[arg(
            long = "trusted-proxy",
            value_name = "IP",
            env = "PLANSYNC_TRUSTED_PROXIES",
            value_delimiter = ','
        )]
        trusted_proxies: Vec<std::net::IpAddr>,
        /// Serve Prometheus metrics (`GET /metrics`) on this address, e.g. 127.0.0.1:9464;
        /// never on the public port. Off when not given.
        #[arg(long, value_name = "ADDR", env = "PLANSYNC_METRICS_LISTEN")]
        metrics_listen: Option<std::net::SocketAddr>,
        /// The date to take as today when opening reporting years, dd/mm/yyyy (to rehearse a
        /// date such as 15/12, when next year's first data window opens). Default: the date in
        /// Vietnam, day by day.
        #[arg(long, value_name = "DATE", env = "PLANSYNC_TODAY")]
        today: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum YearCommand {
    /// Open a reporting year: every unit that reports on a task in that year gets its records
    /// and review documents (idempotent; refused while a server runs on the directory, which
    /// opens years itself).
    Open {
        /// The year, e.g. 2027.
        year: i32,
    },
}

#[derive(Debug, Subcommand)]
pub enum UnitCommand {
    /// Add a unit.
    Add {
        /// A short code (letters, digits, '-' or '_'), e.g. VP.
        code: String,
        /// The unit's name, e.g. "Văn phòng Sở".
        #[arg(long)]
        name: String,
        /// office, division, public-service, one-stop-desk or other.
        #[arg(long, default_value = "division")]
        kind: String,
    },
    /// List units.
    List,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user; the password is read from standard input.
    Add {
        username: String,
        /// The unit code the user belongs to.
        #[arg(long)]
        unit: String,
        /// staff, reviewer, plan-editor or admin.
        #[arg(long)]
        role: String,
        /// Read the password from standard input (one line).
        #[arg(long, required = true)]
        password_stdin: bool,
        /// The user's full name as the app shows it, e.g. "Nguyễn Văn An" (at most 100
        /// characters).
        #[arg(long, value_name = "FULL NAME")]
        name: Option<String>,
        /// The user heads their unit (the app offers them "send all ready reports").
        #[arg(long)]
        head: bool,
    },
    /// List users: user name, unit, role, active or disabled, "head" or "-", full name.
    List,
    /// Set a user's full name as the app shows it (instead of the user name).
    SetName {
        username: String,
        /// The full name, e.g. "Nguyễn Văn An" (at most 100 characters).
        #[arg(value_name = "FULL NAME", required_unless_present = "clear")]
        name: Option<String>,
        /// Remove the full name instead (the app shows the user name).
        #[arg(long, conflicts_with = "name")]
        clear: bool,
    },
    /// Say whether a user heads their unit: --yes or --no.
    #[command(group(clap::ArgGroup::new("answer").required(true).args(["yes", "no"])))]
    SetHead {
        username: String,
        /// The user heads their unit.
        #[arg(long)]
        yes: bool,
        /// The user does not head their unit.
        #[arg(long)]
        no: bool,
    },
    /// Disable a user: their sessions end and open connections are cut.
    Disable { username: String },
    /// End every session of a user (all their devices must log in again); a running server
    /// closes their open connections within a second.
    Logout { username: String },
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Write the report of a period (every unit, or one with --unit) as DOCX, XLSX or PDF (PDF
    /// through LibreOffice, when installed); or, with --at, build again a report exported
    /// earlier from the data it was built from.
    Export {
        /// The reporting period: YYYY-Q1, YYYY-H1, YYYY-Q3 or YYYY (the year).
        #[arg(long, required_unless_present = "at")]
        period: Option<String>,
        /// docx, xlsx or pdf (pdf needs LibreOffice: soffice on the PATH, or
        /// PLANSYNC_SOFFICE naming it). Default: the --out file's extension.
        #[arg(long)]
        format: Option<String>,
        /// The file to write (replaced atomically).
        #[arg(long)]
        out: PathBuf,
        /// A unit code, for that unit's report instead of the consolidated one.
        #[arg(long, conflicts_with = "at")]
        unit: Option<String>,
        /// The report's date, dd/mm/yyyy (default: today in Vietnam); it is printed on the date
        /// line and decides which unfinished tasks are overdue.
        #[arg(long, conflicts_with = "at")]
        date: Option<String>,
        /// A DOCX or XLSX report exported earlier: build it again from the documents at the
        /// heads it records (its period, scope and date too), whatever was edited since; the
        /// same format gives the same bytes.
        #[arg(long, value_name = "FILE", conflicts_with = "period")]
        at: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum PlanCommand {
    /// Import a plan (text or DOCX) and print a summary, or the plan as JSON.
    Import {
        /// The plan file: its text form (UTF-8, tab-separated tables) or a DOCX.
        file: PathBuf,
        /// Print the plan as JSON on stdout instead of a summary.
        #[arg(long)]
        json: bool,
    },
    /// Import a plan and create its documents (plan, and each unit's records and review for
    /// the year); prints the document ids.
    Publish {
        file: PathBuf,
        /// The reporting year (default: the current year).
        #[arg(long)]
        year: Option<i32>,
        /// The plan's reporting calendar, a JSON file: {"deadline_day": 14, "windows": [[start,
        /// end] for Q1, H1, Q3 and the year, each {"day": D, "month": M, "previous_year": bool}]}.
        /// Default: CV 581/BNV-CCHC (windows from 15/12 of the year before, due before the 14th).
        #[arg(long)]
        calendar: Option<PathBuf>,
    },
    /// The office's particulars for its consolidated report (issuer, place, Kính gửi, Nơi
    /// nhận, signer), stored in the plan document and synced to every laptop.
    #[command(subcommand)]
    Heading(HeadingCommand),
}

#[derive(Debug, Subcommand)]
pub enum HeadingCommand {
    /// Print each field (TAB-separated: field, value, stored or derived from the plan).
    Show,
    /// Set the given fields; an empty value ("") gives a field back to the plan. Refused while
    /// the server runs on the data directory (plan editors edit them in the app).
    Set(Box<HeadingValues>),
}

/// The fields of `plan heading set`.
#[derive(Debug, clap::Args)]
pub struct HeadingValues {
    /// Cơ quan chủ quản: "UBND tỉnh Tuyên Quang".
    #[arg(long)]
    pub parent_agency: Option<String>,
    /// Cơ quan ban hành: "Sở Xây dựng".
    #[arg(long)]
    pub agency: Option<String>,
    /// Viết tắt, as in "Số: …/BC-SXD".
    #[arg(long)]
    pub abbreviation: Option<String>,
    /// Địa danh of the date line: "Tuyên Quang".
    #[arg(long)]
    pub place: Option<String>,
    /// Số: the report's number (normally left blank for the văn thư).
    #[arg(long)]
    pub number: Option<String>,
    /// Kính gửi: one addressee; repeat for several (replaces the list).
    #[arg(long = "addressee", value_name = "ADDRESSEE")]
    pub addressees: Vec<String>,
    /// Nơi nhận: one recipient; repeat for several (replaces the list).
    #[arg(long = "recipient", value_name = "RECIPIENT")]
    pub recipients: Vec<String>,
    /// Lưu: "VT, VP".
    #[arg(long)]
    pub archive: Option<String>,
    /// Thẩm quyền ký: "KT. GIÁM ĐỐC".
    #[arg(long)]
    pub signer_authority: Option<String>,
    /// Chức vụ người ký: "PHÓ GIÁM ĐỐC". Stored, it takes the stored --signer-authority with
    /// it (none: the head signs, no "KT." line).
    #[arg(long)]
    pub signer_title: Option<String>,
    /// Họ tên người ký.
    #[arg(long)]
    pub signer_name: Option<String>,
}

impl HeadingValues {
    /// The fields given, each with its value (a list's entries one per line).
    pub fn given(&self) -> Vec<(shared::report::HeadingField, String)> {
        use shared::report::HeadingField as F;
        let mut given = Vec::new();
        let mut text = |field, value: &Option<String>| {
            if let Some(value) = value {
                given.push((field, value.clone()));
            }
        };
        text(F::ParentAgency, &self.parent_agency);
        text(F::Agency, &self.agency);
        text(F::Abbreviation, &self.abbreviation);
        text(F::Place, &self.place);
        text(F::Number, &self.number);
        text(F::Archive, &self.archive);
        text(F::SignerAuthority, &self.signer_authority);
        text(F::SignerTitle, &self.signer_title);
        text(F::SignerName, &self.signer_name);
        if !self.addressees.is_empty() {
            given.push((F::Addressees, self.addressees.join("\n")));
        }
        if !self.recipients.is_empty() {
            given.push((F::Recipients, self.recipients.join("\n")));
        }
        given
    }
}

/// The `plansync` program: logging, arguments, one command, a one-line error on failure.
pub fn main() -> std::process::ExitCode {
    // The config file's values are the defaults of the options (`--config`, `PLANSYNC_CONFIG`).
    let cli = crate::config_file::parse();
    init_logging(cli.log_format);
    match run(cli, &mut std::io::stdout().lock()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            // One line: what was attempted, then each cause.
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Logs go to stderr so that stdout stays machine-readable (`plan import --json`, serve's
/// "listening on" line); journald records stderr as it records stdout.
fn init_logging(format: LogFormat) {
    use std::io::IsTerminal;
    let filter = tracing_subscriber::EnvFilter::try_from_env("PLANSYNC_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,samod=warn,samod_core=warn"));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        // No colour codes in the journal or a log file.
        LogFormat::Text => logs.with_ansi(std::io::stderr().is_terminal()).init(),
        LogFormat::Json => logs.json().flatten_event(true).init(),
    }
}

pub fn run(cli: Cli, out: &mut dyn Write) -> Result<()> {
    let data = || {
        cli.data
            .clone()
            .context("this command needs --data DIR (the server's data directory)")
    };
    match cli.command {
        Command::Init {
            ref office_code,
            ref office_name,
            ref admin,
            ref plan,
            year,
        } => {
            let setup = crate::init::Setup {
                office_code,
                office_name,
                admin,
                plan: plan.as_deref(),
                year,
            };
            let data = data()?;
            crate::init::init(&data, &setup, &crate::init::read_password(admin)?, out)
        }
        Command::Plan(PlanCommand::Import { file, json }) => import(&file, json, out),
        Command::Plan(PlanCommand::Publish {
            ref file,
            year,
            ref calendar,
        }) => {
            let data = data()?;
            let calendar = calendar.as_deref().map(read_calendar).transpose()?;
            runtime()?.block_on(publish(&data, file, year, calendar, out))
        }
        Command::Plan(PlanCommand::Heading(HeadingCommand::Show)) => {
            crate::heading::show(&data()?, out)
        }
        Command::Plan(PlanCommand::Heading(HeadingCommand::Set(ref values))) => {
            let data = data()?;
            runtime()?.block_on(crate::heading::set(&data, &values.given(), out))
        }
        Command::Year(YearCommand::Open { year }) => {
            let data = data()?;
            runtime()?.block_on(open_year(&data, year, out))
        }
        Command::Unit(UnitCommand::Add {
            ref code,
            ref name,
            ref kind,
        }) => add_unit(&registry(&data()?)?, code, name, kind, out),
        Command::Unit(UnitCommand::List) => {
            for unit in registry(&data()?)?.units()? {
                writeln!(out, "{}\t{}\t{}", unit.code, unit.kind, unit.name)?;
            }
            Ok(())
        }
        Command::User(UserCommand::Add {
            ref username,
            ref unit,
            ref role,
            ref name,
            head,
            ..
        }) => {
            let role = parse_role(role)?;
            let profile = Profile {
                full_name: name.clone(),
                unit_head: head,
            };
            // A refused name is said before the password is asked for.
            if let Some(name) = name {
                shared::person::full_name(name).map_err(|why| anyhow::anyhow!("{why}"))?;
            }
            let password = read_password()?;
            add_user_with(
                &registry(&data()?)?,
                username,
                unit,
                role,
                &password,
                &profile,
                out,
            )
        }
        Command::User(UserCommand::List) => list_users(&registry(&data()?)?, out),
        Command::User(UserCommand::SetName {
            ref username,
            ref name,
            clear,
        }) => {
            let name = if clear { None } else { name.as_deref() };
            set_name(&registry(&data()?)?, username, name, out)
        }
        Command::User(UserCommand::SetHead {
            ref username, yes, ..
        }) => set_head(&registry(&data()?)?, username, yes, out),
        Command::User(UserCommand::Disable { ref username }) => {
            if !registry(&data()?)?.disable_user(username)? {
                anyhow::bail!("no user {username}");
            }
            writeln!(out, "disabled {username}; their sessions are ended")?;
            Ok(())
        }
        Command::User(UserCommand::Logout { ref username }) => {
            let Some(n) = registry(&data()?)?.logout_user(username, now_ms())? else {
                anyhow::bail!("no user {username}");
            };
            writeln!(
                out,
                "ended {n} session(s) of {username}; a running server closes their connections within a second"
            )?;
            Ok(())
        }
        Command::Report(ReportCommand::Export {
            ref period,
            ref format,
            out: ref file,
            ref unit,
            ref date,
            ref at,
        }) => {
            let format: Option<ReportFormat> = format.as_deref().map(str::parse).transpose()?;
            let request = match at {
                Some(at) => {
                    let bytes = std::fs::read(at)
                        .with_context(|| format!("cannot read {}", at.display()))?;
                    let (sources, at_format) = export::sources::ReportSources::read(&bytes)
                        .with_context(|| format!("cannot build again from {}", at.display()))?;
                    let format = format
                        .or_else(|| ReportFormat::of_file(file))
                        .unwrap_or(at_format);
                    ExportRequest::at(sources, format, file.clone())
                }
                None => {
                    let period: PeriodId = period
                        .as_deref()
                        .context("--period is required (or --at FILE)")?
                        .parse()?;
                    let format = format.or_else(|| ReportFormat::of_file(file)).context(
                        "--format is required when the --out file's extension is not docx, xlsx or pdf",
                    )?;
                    let today = match date {
                        Some(date) => crate::report::parse_date(date)?,
                        None => Date::from_unix_millis_vietnam(now_ms()),
                    };
                    ExportRequest {
                        period,
                        format,
                        out: file.clone(),
                        unit: unit.clone(),
                        today,
                        at: None,
                    }
                }
            };
            if request.format == ReportFormat::Pdf && export::pdf::LibreOffice::find().is_none() {
                // Before the documents are read: say at once what is missing.
                anyhow::bail!("{}", export::pdf::PdfError::NotInstalled);
            }
            let data = data()?;
            export_report(&data, &request, out)
        }
        Command::Audit { ref doc_id } => audit(&data()?, doc_id, out),
        Command::Backup {
            out: ref file,
            ref out_dir,
            keep,
        } => backup(&data()?, file.as_deref(), out_dir.as_deref(), keep, out),
        Command::Verify { ref file } => verify_backup(file, out),
        Command::Restore { ref file } => restore_backup(&data()?, file, out),
        Command::Serve {
            listen,
            max_file_mb,
            unit_quota_mb,
            min_free_mb,
            evidence_grace_hours,
            header_timeout_secs,
            ping_secs,
            idle_timeout_secs,
            tls_cert,
            tls_key,
            tls_reload_secs,
            trusted_proxies,
            metrics_listen,
            ref today,
        } => {
            let data = data()?;
            let today = match today {
                Some(date) => crate::data::Today::fixed(crate::report::parse_date(date)?),
                None => crate::data::Today::default(),
            };
            let options = crate::sync::ServeOptions {
                max_file_bytes: max_file_bytes(max_file_mb)?,
                unit_quota_bytes: unit_quota_mb.saturating_mul(1024 * 1024),
                reserve_bytes: min_free_mb.saturating_mul(1024 * 1024),
                evidence_grace: std::time::Duration::from_secs(
                    evidence_grace_hours.saturating_mul(3600),
                ),
                http_limits: crate::sync::listener::HttpLimits {
                    header_timeout: std::time::Duration::from_secs(header_timeout_secs.max(1)),
                    ..Default::default()
                },
                keepalive: crate::sync::transport::ServerKeepalive {
                    ping_every: std::time::Duration::from_secs(ping_secs.max(1)),
                    idle_timeout: std::time::Duration::from_secs(idle_timeout_secs.max(2)),
                },
                tls: match (tls_cert, tls_key) {
                    (Some(cert), Some(key)) => Some(crate::sync::tls::TlsFiles { cert, key }),
                    (None, None) => None,
                    // Never serve plain HTTP when TLS was asked for by half.
                    _ => anyhow::bail!(
                        "--tls-cert and --tls-key go together (command line, environment or config file): give both or neither"
                    ),
                },
                tls_reload_every: std::time::Duration::from_secs(tls_reload_secs.max(1)),
                trusted_proxies,
                metrics_listen,
                today,
            };
            runtime()?.block_on(crate::sync::serve(&data, listen, options))
        }
    }
}

fn backup(
    data: &Path,
    file: Option<&Path>,
    out_dir: Option<&Path>,
    keep: Option<usize>,
    out: &mut dyn Write,
) -> Result<()> {
    let started = std::time::Instant::now();
    let (path, manifest, removed) = match (file, out_dir) {
        (Some(file), _) => (
            file.to_path_buf(),
            crate::backup::create(data, file)?,
            Vec::new(),
        ),
        (None, Some(dir)) => crate::backup::create_rotated(data, dir, keep.unwrap_or(usize::MAX))?,
        (None, None) => anyhow::bail!("say where to write the backup: --out FILE or --out-dir DIR"),
    };
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    writeln!(
        out,
        "backup written to {} ({}) in {:.1} s: {}, {}, {}, {} ({})",
        path.display(),
        human_bytes(size),
        started.elapsed().as_secs_f64(),
        counted(manifest.documents, "document"),
        counted(manifest.units, "unit"),
        counted(manifest.users, "user"),
        counted(manifest.evidence.len(), "evidence file"),
        human_bytes(manifest.evidence_bytes()),
    )?;
    for old in removed {
        writeln!(out, "deleted the older backup {}", old.display())?;
    }
    Ok(())
}

fn verify_backup(file: &Path, out: &mut dyn Write) -> Result<()> {
    let verification = crate::backup::verify(file)?;
    if !verification.is_sound() {
        anyhow::bail!(
            "{} is not a sound backup ({} problems):\n  {}",
            file.display(),
            verification.problems.len(),
            verification.problems.join("\n  ")
        );
    }
    let manifest = verification
        .manifest
        .as_ref()
        .context("a sound backup has a manifest")?;
    writeln!(
        out,
        "{} is sound: made {} by PlanSync {} from {}; {} loaded, {} matching {} ({})",
        file.display(),
        manifest.created_at,
        manifest.plansync_version,
        manifest.source,
        counted(verification.documents_loaded, "document"),
        counted(verification.evidence_checked, "evidence file"),
        if verification.evidence_checked == 1 {
            "its hash"
        } else {
            "their hashes"
        },
        human_bytes(manifest.evidence_bytes()),
    )?;
    Ok(())
}

fn restore_backup(data: &Path, file: &Path, out: &mut dyn Write) -> Result<()> {
    let verification = crate::backup::restore(data, file)?;
    let manifest = verification
        .manifest
        .as_ref()
        .context("a restored backup has a manifest")?;
    writeln!(
        out,
        "restored {} (made {}) into {}: {}, {}, {}, {}; start the server on it with `plansync --data {} serve`",
        file.display(),
        manifest.created_at,
        data.display(),
        counted(verification.documents_loaded, "document"),
        counted(manifest.units, "unit"),
        counted(manifest.users, "user"),
        counted(verification.evidence_checked, "evidence file"),
        data.display(),
    )?;
    Ok(())
}

/// "1 user", "2 users".
fn counted(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

fn human_bytes(bytes: u64) -> String {
    const MIB: f64 = 1024.0 * 1024.0;
    if bytes >= 1024 * 1024 * 1024 {
        format!("{:.2} GiB", bytes as f64 / MIB / 1024.0)
    } else {
        format!("{:.1} MiB", bytes as f64 / MIB)
    }
}

/// `--max-file-mb` (or `PLANSYNC_MAX_FILE_MB`, or the config file) in bytes.
fn max_file_bytes(mb: u64) -> Result<u64> {
    if mb == 0 {
        anyhow::bail!("the file size limit must be at least 1 MiB");
    }
    mb.checked_mul(1024 * 1024)
        .context("the file size limit is too large")
}

/// `unit add`: checks the kind, adds the unit, says so.
pub(crate) fn add_unit(
    registry: &Registry,
    code: &str,
    name: &str,
    kind: &str,
    out: &mut dyn Write,
) -> Result<()> {
    if !matches!(
        kind,
        "office" | "division" | "public-service" | "one-stop-desk" | "other"
    ) {
        anyhow::bail!(
            "unknown unit kind \"{kind}\" (office, division, public-service, one-stop-desk, other)"
        );
    }
    registry.add_unit(code, name, kind)?;
    writeln!(out, "added unit {code}")?;
    Ok(())
}

fn parse_role(role: &str) -> Result<Role> {
    Role::parse(role)
        .with_context(|| format!("unknown role \"{role}\" (staff, reviewer, plan-editor, admin)"))
}

/// A password from standard input: its first line, without the line end.
pub(crate) fn read_password() -> Result<String> {
    let mut password = String::new();
    std::io::stdin()
        .read_line(&mut password)
        .context("cannot read the password from standard input")?;
    Ok(password.trim_end_matches(['\n', '\r']).to_string())
}

/// `user add`: adds the user, says so.
pub(crate) fn add_user(
    registry: &Registry,
    username: &str,
    unit: &str,
    role: Role,
    password: &str,
    out: &mut dyn Write,
) -> Result<()> {
    add_user_with(
        registry,
        username,
        unit,
        role,
        password,
        &Profile::default(),
        out,
    )
}

/// `user add` with `--name` and `--head`.
fn add_user_with(
    registry: &Registry,
    username: &str,
    unit: &str,
    role: Role,
    password: &str,
    profile: &Profile,
    out: &mut dyn Write,
) -> Result<()> {
    registry.add_user_with(username, unit, role, password, profile, now_ms())?;
    let head = if profile.unit_head { ", head" } else { "" };
    let name = profile
        .full_name
        .as_deref()
        .map(|n| format!(": {}", shared::vietnamese::tidy(n)))
        .unwrap_or_default();
    writeln!(
        out,
        "added user {username} ({}, unit {unit}{head}){name}",
        role.as_str()
    )?;
    Ok(())
}

/// `user list`: one line a user, tab-separated.
fn list_users(registry: &Registry, out: &mut dyn Write) -> Result<()> {
    for user in registry.users()? {
        let state = if user.disabled { "disabled" } else { "active" };
        let head = if user.unit_head { "head" } else { "-" };
        writeln!(
            out,
            "{}\t{}\t{}\t{state}\t{head}\t{}",
            user.username,
            user.unit,
            user.role.as_str(),
            user.full_name.as_deref().unwrap_or("-")
        )?;
    }
    Ok(())
}

/// `user set-name`: sets (or with `None` removes) a user's full name.
fn set_name(
    registry: &Registry,
    username: &str,
    name: Option<&str>,
    out: &mut dyn Write,
) -> Result<()> {
    if !registry.set_full_name(username, name)? {
        anyhow::bail!("no user {username}");
    }
    match registry.user(username)?.and_then(|u| u.full_name) {
        Some(name) => writeln!(out, "{username} is now shown as {name}")?,
        None => writeln!(out, "{username} has no full name; the app shows {username}")?,
    }
    Ok(())
}

/// `user set-head`: whether a user heads their unit.
fn set_head(registry: &Registry, username: &str, head: bool, out: &mut dyn Write) -> Result<()> {
    if !registry.set_unit_head(username, head)? {
        anyhow::bail!("no user {username}");
    }
    let unit = registry.user(username)?.map(|u| u.unit).unwrap_or_default();
    if head {
        writeln!(out, "{username} heads unit {unit}")?;
    } else {
        writeln!(out, "{username} does not head unit {unit}")?;
    }
    Ok(())
}

/// The most threads the runtime starts for blocking work (registry and storage reads, password
/// checks, file hashing); more such work waits its turn. tokio's default (512) let a wave of
/// reconnecting units start a thread each (200 units: 208 threads) for short registry work.
const MAX_BLOCKING_THREADS: usize = 32;

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(MAX_BLOCKING_THREADS)
        .build()
        .context("cannot start the async runtime")
}

pub(crate) fn registry(data: &Path) -> Result<Registry> {
    std::fs::create_dir_all(data).with_context(|| format!("cannot create {}", data.display()))?;
    Registry::open(&crate::data::registry_path(data))
}

pub use crate::data::now_ms;

fn export_report(data: &Path, request: &ExportRequest, out: &mut dyn Write) -> Result<()> {
    let report = runtime()?.block_on(crate::report::export(data, request))?;
    // The file is written all the same; whoever runs the export must know what it lacks.
    for notice in report.read_notices() {
        eprintln!("warning: {}", notice.line());
    }
    let scope = report
        .unit
        .as_ref()
        .map_or("all units".to_string(), |u| format!("unit {}", u.code));
    writeln!(
        out,
        "wrote {} ({}, {}, {scope}): {}, {} overdue",
        request.out.display(),
        request.format.as_str(),
        request.period.label(),
        report.completion.text(),
        report.completion.n_overdue
    )?;
    Ok(())
}

/// `plansync audit DOC_ID`.
fn audit(data: &Path, doc_id: &str, out: &mut dyn Write) -> Result<()> {
    use shared::record::{attach_receipts, ChangeReceipt};
    let documents = storage::ReadOnlyDocuments::open(&crate::data::documents_path(data))?;
    let doc = documents
        .load(doc_id)?
        .with_context(|| format!("no document {doc_id} in {}", data.display()))?;
    let receipts: Vec<ChangeReceipt> =
        crate::audit::AuditLog::read_only(&crate::audit::audit_path(data), Some(doc_id))?
            .into_iter()
            .map(|r| ChangeReceipt {
                change_hash: r.change_hash,
                username: r.username,
                device: r.device,
                received_ms: r.received_ms,
            })
            .collect();
    let mut entries = shared::documents::history::history(&doc);
    attach_receipts(&mut entries, &receipts);
    let time = |ms: i64| {
        let date = Date::from_unix_millis_vietnam(ms);
        let seconds_of_day = (ms / 1000 + 7 * 3600).rem_euclid(86_400);
        format!(
            "{:02}/{:02}/{} {:02}:{:02}:{:02}",
            date.day,
            date.month,
            date.year,
            seconds_of_day / 3600,
            seconds_of_day / 60 % 60,
            seconds_of_day % 60
        )
    };
    writeln!(
        out,
        "change\treceived (server, UTC+7)\tsent by (server)\tclaims\twhat"
    )?;
    let mut n_differ = 0;
    for entry in &entries {
        let (received, sender) = match &entry.receipt {
            Some(r) => (
                time(r.received_ms),
                format!("{} ({})", r.username, r.device),
            ),
            None => (
                "-".to_string(),
                "no receipt: the server's own change, or one from before receipts".to_string(),
            ),
        };
        let mark = if entry.author_differs {
            n_differ += 1;
            "  ≠ CLAIMS ANOTHER AUTHOR"
        } else {
            ""
        };
        writeln!(
            out,
            "{}\t{received}\t{sender}\t{} ({}){mark}\t{}",
            &entry.hash[..12.min(entry.hash.len())],
            entry.user,
            entry.device,
            entry.what
        )?;
    }
    writeln!(
        out,
        "{} changes, {} with a receipt, {n_differ} claiming another author than their sender",
        entries.len(),
        entries.iter().filter(|e| e.receipt.is_some()).count()
    )?;
    Ok(())
}

/// Reads and checks a reporting calendar file (JSON).
fn read_calendar(path: &Path) -> Result<shared::calendar::CalendarConfig> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the calendar file {}", path.display()))?;
    let calendar: shared::calendar::CalendarConfig = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a reporting calendar", path.display()))?;
    calendar
        .validate()
        .map_err(|why| anyhow::anyhow!("{}: {why}", path.display()))?;
    Ok(calendar)
}

async fn publish(
    data: &Path,
    file: &Path,
    year: Option<i32>,
    calendar: Option<shared::calendar::CalendarConfig>,
    out: &mut dyn Write,
) -> Result<()> {
    let mut plan = crate::publish::load_plan(file)?;
    if calendar.is_some() {
        plan.calendar = calendar;
    }
    // Publishing writes documents: refused while a server runs on the directory.
    let lock = crate::data::DataDirLock::take(data, "plansync plan publish")?;
    publish_locked(data, &lock, &plan, year, out).await?;
    Ok(())
}

/// Publishes `plan` into `data`, whose lock the caller holds, and prints what it did.
pub(crate) async fn publish_locked(
    data: &Path,
    _lock: &crate::data::DataDirLock,
    plan: &Plan,
    year: Option<i32>,
    out: &mut dyn Write,
) -> Result<crate::publish::PublishReport> {
    let now = now_ms();
    let year = year.unwrap_or_else(|| shared::calendar::Date::from_unix_millis_vietnam(now).year);
    let (registry, storage) = crate::sync::open_data(data)?;
    let repo = crate::sync::open_repo(registry.clone(), storage.clone()).await;
    let report = crate::publish::publish(registry, &repo, plan, year, now).await;
    // Stopping waits for every pending storage write.
    repo.stop().await;
    if let Some(why) = storage.failure() {
        anyhow::bail!("document storage failed: {why}");
    }
    let report = report?;
    for unit in &report.units_added {
        writeln!(
            out,
            "unit added\t{}\t{}\t{}",
            unit.code, unit.kind, unit.name
        )?;
    }
    print_documents(&report.documents, out)?;
    Ok(report)
}

/// `year open`: opens `year` for every unit and prints each document as `plan publish` does.
async fn open_year(data: &Path, year: i32, out: &mut dyn Write) -> Result<()> {
    let _lock = crate::data::DataDirLock::take(data, "plansync year open")?;
    let (registry, storage) = crate::sync::open_data(data)?;
    let repo = crate::sync::open_repo(registry.clone(), storage.clone()).await;
    let documents = crate::publish::open_year(&registry, &repo, year, now_ms()).await;
    // Stopping waits for every pending storage write.
    repo.stop().await;
    if let Some(why) = storage.failure() {
        anyhow::bail!("document storage failed: {why}");
    }
    let documents = documents?;
    anyhow::ensure!(
        !documents.is_empty(),
        "no unit reports on any task in {year}: nothing to open"
    );
    print_documents(&documents, out)
}

fn print_documents(
    documents: &[crate::publish::PublishedDocument],
    out: &mut dyn Write,
) -> Result<()> {
    for doc in documents {
        let what = if doc.created { "created" } else { "updated" };
        let unit = doc.entry.unit.as_deref().unwrap_or("-");
        let year = doc.entry.year.map_or("-".to_string(), |y| y.to_string());
        writeln!(
            out,
            "{}\t{unit}\t{year}\t{}\t{what}",
            doc.entry.kind.as_str(),
            doc.entry.id
        )?;
    }
    Ok(())
}

/// Reads and imports a plan file; the error names the file.
pub fn import_file(file: &Path) -> Result<ImportOutcome> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    import_bytes(&bytes).with_context(|| format!("cannot import {}", file.display()))
}

#[derive(Serialize)]
struct PlanJson<'a> {
    #[serde(flatten)]
    plan: &'a Plan,
    warnings: &'a [Warning],
}

fn import(file: &Path, json: bool, out: &mut dyn Write) -> Result<()> {
    let outcome = import_file(file)?;
    if json {
        serde_json::to_writer_pretty(
            &mut *out,
            &PlanJson {
                plan: &outcome.plan,
                warnings: &outcome.warnings,
            },
        )?;
        writeln!(out)?;
    } else {
        write_summary(&outcome, out)?;
    }
    Ok(())
}

fn write_summary(outcome: &ImportOutcome, out: &mut dyn Write) -> Result<()> {
    let plan = &outcome.plan;
    writeln!(out, "{} {}", plan.kind, plan.title)?;
    let period = plan
        .period
        .map(|p| format!("{}-{}", p.from, p.to))
        .unwrap_or_else(|| "?".into());
    writeln!(
        out,
        "Số: {} · {}, {} · issued by {} · period {}",
        or_dash(&plan.number),
        or_dash(&plan.place),
        or_dash(&plan.date),
        or_dash(&plan.issuer),
        period
    )?;
    let mut n_total = 0;
    for (pos, appendix) in plan.appendices.iter().enumerate() {
        let n_tasks = appendix.n_tasks();
        n_total += n_tasks;
        let label = if appendix.number.is_empty() {
            format!("#{} (unnumbered)", pos + 1)
        } else {
            appendix.number.clone()
        };
        writeln!(
            out,
            "\nAppendix {label} – {}: {}, {}",
            appendix.index,
            plural(count_sections(&appendix.sections), "section"),
            plural(n_tasks, "task")
        )?;
        write_sections(&appendix.sections, 1, out)?;
    }
    writeln!(out, "\nTasks: {n_total}")?;
    let units: Vec<_> = plan.units.entries.iter().collect();
    writeln!(out, "Units and assignees named ({}):", units.len())?;
    for entry in units {
        let kind = match entry.assignee {
            Assignee::Unit(kind) => format!("unit, {kind:?}").to_lowercase(),
            Assignee::Collective(kind) => {
                let covers = plan.units.expand(&entry.name).len();
                format!("collective {kind:?}, covers {covers} units").to_lowercase()
            }
            Assignee::External => "outside the Sở".to_string(),
        };
        let aliases = if entry.aliases.is_empty() {
            String::new()
        } else {
            format!(" (also written: {})", entry.aliases.join("; "))
        };
        writeln!(out, "  - {} [{kind}]{aliases}", entry.name)?;
    }
    writeln!(out, "Warnings ({}):", outcome.warnings.len())?;
    for warning in &outcome.warnings {
        writeln!(out, "  - {warning}")?;
    }
    Ok(())
}

fn write_sections(sections: &[Section], depth: usize, out: &mut dyn Write) -> Result<()> {
    for section in sections {
        writeln!(
            out,
            "{}{}. {} ({})",
            "  ".repeat(depth),
            section.code,
            section.title,
            plural(section.n_tasks(), "task")
        )?;
        write_sections(&section.sections, depth + 1, out)?;
    }
    Ok(())
}

fn count_sections(sections: &[Section]) -> usize {
    sections
        .iter()
        .map(|s| 1 + count_sections(&s.sections))
        .sum()
}

fn or_dash(text: &str) -> &str {
    if text.is_empty() {
        "—"
    } else {
        text
    }
}

fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
