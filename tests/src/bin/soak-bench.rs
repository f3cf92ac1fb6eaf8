//! A day of use compressed into minutes, watching memory (figures, and a leak check). Build and
//! run in release mode:
//!
//! ```sh
//! cargo build --release -p tests --bins
//! target/release/soak-bench [--units 6] [--minutes 4] [--hours 24] [--seed N] [--bound-pct 10]
//! ```
//!
//! A real `plansync serve` (release) with the seed plan and `--units` units, and real clients,
//! each a process of its own (this program with `--laptop`) with its own SQLite files: one
//! staff laptop per unit and the office's reviewer. Memory is read from `/proc/PID/status`
//! (`VmRSS`): the server's, and each client's.
//!
//! 1. **Per document and per client.** The server alone; then the office's client logs in and
//!    downloads every document (the server loads them all: its growth over the documents is
//!    the server's memory per document, the client's growth from before its login the app's);
//!    then every unit's laptop connects (the server's growth over them: per connected client).
//! 2. **Soak.** Every client goes through `--hours` hours of use, each hour `--minutes` × 60 /
//!    `--hours` seconds, chosen by a seeded random generator (the seed is printed; `--seed`
//!    repeats a run): staff edit their records (status, progress, results typed in saves,
//!    actuals), attach small evidence files (uploaded by the engine), read their unit's report,
//!    a record and its history, lose the link and reconnect, and restart the client (closed
//!    and opened again in the same process, as the app's session ends and starts); the office
//!    refreshes the consolidated dashboard, accepts and returns reports, reads histories, and
//!    logs out and in once or so a day (everything is downloaded again).
//! 3. **Growth.** RSS is sampled every 250 ms. After a warm-up (the first eighth of the run),
//!    the median of the last third of the samples is compared with the median of the first
//!    third, for the server and for each client. The bench exits with status 1 when any of them
//!    grew by more than `--bound-pct` per cent (default 10), naming it.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use client::{Client, ClientError, DocumentId};
use shared::calendar::{Date, PeriodId};
use shared::documents::records::{self, RecordEdit, TaskStatus, TextField};
use shared::documents::review::Verdict;
use shared::documents::DocumentKind;
use shared::plan::TaskId;
use shared::report::Scope;
use tests::bench::{arg, arg_or};
use tests::laptop::test_config;
use tests::server::{proc_status_kib, TestServer, PASSWORD};

fn main() {
    tests::bench::use_sibling_server();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    if let Some(dir) = arg("--laptop") {
        runtime.block_on(laptop(Path::new(&dir)));
        return;
    }
    let n_units = arg_or("--units", 6);
    let minutes = arg("--minutes")
        .and_then(|m| m.parse::<f64>().ok())
        .unwrap_or(4.0);
    let hours = arg_or("--hours", 24);
    let seed = arg("--seed")
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs()
        });
    let bound_pct = arg_or("--bound-pct", 10) as f64;
    let hour = Duration::from_secs_f64(minutes * 60.0 / hours as f64);
    let ok = run(n_units, hours, hour, seed, bound_pct);
    std::process::exit(if ok { 0 } else { 1 });
}

/// A client process and what it said.
struct LaptopProcess {
    name: String,
    child: Child,
    lines: Arc<Mutex<Vec<String>>>,
}

impl LaptopProcess {
    fn spawn(
        dir: &Path,
        url: &str,
        user: &str,
        unit: &str,
        hours: usize,
        hour: Duration,
        seed: u64,
    ) -> LaptopProcess {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .arg("--laptop")
            .arg(dir)
            .args(["--url", url, "--user", user, "--unit", unit])
            .args(["--hours", &hours.to_string()])
            .args(["--hour-ms", &hour.as_millis().to_string()])
            .args(["--seed", &seed.to_string()])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the laptop process starts");
        let lines = Arc::new(Mutex::new(Vec::new()));
        let out = child.stdout.take().unwrap();
        let kept = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                kept.lock().unwrap().push(line);
            }
        });
        LaptopProcess {
            name: user.to_string(),
            child,
            lines,
        }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The first line starting with `word`, waiting for it up to `within`.
    fn wait_for(&self, word: &str, within: Duration) -> String {
        let deadline = Instant::now() + within;
        loop {
            if let Some(line) = self
                .lines
                .lock()
                .unwrap()
                .iter()
                .find(|l| l.starts_with(word))
            {
                return line.clone();
            }
            assert!(
                Instant::now() < deadline,
                "{} did not say {word:?} within {within:?}",
                self.name
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The number after `word` in the line starting with it (`word N ...`), by position.
    fn number(&self, word: &str, position: usize, within: Duration) -> f64 {
        let line = self.wait_for(word, within);
        line.split_whitespace()
            .nth(position)
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{}: no number in {line:?}", self.name))
    }
}

fn mib(kib: f64) -> f64 {
    kib / 1024.0
}

fn rss_kib(pid: u32) -> f64 {
    proc_status_kib(pid, "VmRSS:").unwrap_or(0) as f64
}

fn run(n_units: usize, hours: usize, hour: Duration, seed: u64, bound_pct: f64) -> bool {
    println!(
        "# PlanSync soak benchmark ({} build): {n_units} units + the office, {hours} hours of use at {:.1} s an hour, seed {seed}",
        if cfg!(debug_assertions) { "debug" } else { "release" },
        hour.as_secs_f64()
    );
    let codes: Vec<String> = (1..=n_units).map(|i| format!("U{i:02}")).collect();
    let users: Vec<String> = (1..=n_units).map(|i| format!("u{i:02}")).collect();
    let mut accounts: Vec<(&str, &str, &str)> = users
        .iter()
        .zip(&codes)
        .map(|(u, c)| (u.as_str(), c.as_str(), "staff"))
        .collect();
    accounts.push(("thamdinh", "VP", "reviewer"));
    let mut server = TestServer::with_units_and_accounts(
        &codes
            .iter()
            .map(|c| (c.as_str(), format!("Phòng Thử nghiệm {c}"), "division"))
            .collect::<Vec<_>>(),
        &accounts,
    );
    server.start();
    let url = server.url();
    let server_pid = server.pid().expect("the server runs");
    // Two logins at once first: the password pool's threads (one per core) each take their
    // argon2 work area (19 MiB) once, which is no client's cost.
    warm_password_pool(&url, &users);
    std::thread::sleep(Duration::from_secs(1));
    let server_idle = rss_kib(server_pid);
    let dirs = tempfile::tempdir().unwrap();

    // The office downloads everything: memory per document.
    let office_dir = dirs.path().join("thamdinh");
    let office = LaptopProcess::spawn(&office_dir, &url, "thamdinh", "VP", hours, hour, seed);
    let opened = office.number("opened", 1, Duration::from_secs(60));
    let n_docs = office.number("ready", 1, Duration::from_secs(300));
    let office_ready = office.number("ready", 2, Duration::from_secs(1));
    std::thread::sleep(Duration::from_secs(1));
    let server_docs = rss_kib(server_pid);
    println!(
        "server: {:.1} MiB idle, {:.1} MiB with the office's {n_docs} documents loaded: {:.0} KiB per document",
        mib(server_idle),
        mib(server_docs),
        (server_docs - server_idle) / n_docs
    );
    println!(
        "office's app client: {:.1} MiB opened, {:.1} MiB with its {n_docs} documents: {:.0} KiB per document",
        mib(opened),
        mib(office_ready),
        (office_ready - opened) / n_docs
    );

    // Every unit's laptop connects: memory per connected client.
    let mut laptops = Vec::new();
    for (i, (user, code)) in users.iter().zip(&codes).enumerate() {
        let dir = dirs.path().join(user);
        laptops.push(LaptopProcess::spawn(
            &dir,
            &url,
            user,
            code,
            hours,
            hour,
            seed + 1 + i as u64,
        ));
    }
    let mut staff_ready = Vec::new();
    for laptop in &laptops {
        staff_ready.push(laptop.number("ready", 2, Duration::from_secs(300)));
    }
    std::thread::sleep(Duration::from_secs(1));
    let server_clients = rss_kib(server_pid);
    println!(
        "server: {:.1} MiB with {} clients connected: {:.0} KiB per connected client (beyond the documents)",
        mib(server_clients),
        n_units + 1,
        (server_clients - server_docs) / n_units as f64
    );
    println!(
        "staff's app client with its unit's documents: {:.1}-{:.1} MiB",
        mib(staff_ready.iter().copied().fold(f64::MAX, f64::min)),
        mib(staff_ready.iter().copied().fold(0.0, f64::max)),
    );

    // The soak: every client goes through the day; RSS sampled every 250 ms.
    for p in std::iter::once(&office).chain(&laptops) {
        writeln!(std::io::stderr(), "{} starts its day", p.name).ok();
    }
    let go = dirs.path().join("go");
    std::fs::write(&go, b"").unwrap();
    let mut pids: Vec<(String, u32)> = vec![("server".into(), server_pid)];
    pids.extend(
        std::iter::once(&office)
            .chain(&laptops)
            .map(|p| (p.name.clone(), p.pid())),
    );
    let mut samples: Vec<Vec<f64>> = vec![Vec::new(); pids.len()];
    let soak_started = Instant::now();
    let mut everyone: Vec<LaptopProcess> = std::iter::once(office).chain(laptops).collect();
    loop {
        for ((_, pid), series) in pids.iter().zip(&mut samples) {
            let rss = rss_kib(*pid);
            if rss > 0.0 {
                series.push(rss);
            }
        }
        let mut running = 0;
        for p in &mut everyone {
            if p.child.try_wait().unwrap().is_none() {
                running += 1;
            }
        }
        if running == 0 {
            break;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    let soaked = soak_started.elapsed();
    let mut ok = true;
    for p in &mut everyone {
        let status = p.child.wait().unwrap();
        if !status.success() {
            println!("{} failed: {status}", p.name);
            ok = false;
        }
    }
    let server_peak = proc_status_kib(server_pid, "VmHWM:").unwrap_or(0) as f64;
    server.stop();
    println!(
        "soak: {:.0} s; what the clients did: ",
        soaked.as_secs_f64()
    );
    for p in &everyone {
        if let Some(line) = p
            .lines
            .lock()
            .unwrap()
            .iter()
            .find(|l| l.starts_with("done"))
        {
            println!("  {}: {}", p.name, &line[5..]);
        }
    }
    println!(
        "server peak RSS (VmHWM) over the whole run: {:.1} MiB",
        mib(server_peak)
    );
    println!(
        "growth after warm-up (median RSS of the first and the last third, bound {bound_pct:.0} %):"
    );
    for ((name, _), series) in pids.iter().zip(&samples) {
        let Some((first, last)) = thirds(series) else {
            println!("  {name}: too few samples ({})", series.len());
            ok = false;
            continue;
        };
        let growth = 100.0 * (last - first) / first;
        let verdict = if growth > bound_pct {
            ok = false;
            "GROWS"
        } else {
            "ok"
        };
        println!(
            "  {name}: {:.1} MiB -> {:.1} MiB ({growth:+.1} %, max {:.1} MiB) {verdict}; by eighths: {}",
            mib(first),
            mib(last),
            mib(series.iter().copied().fold(0.0, f64::max)),
            eighths(series)
                .iter()
                .map(|m| format!("{:.1}", mib(*m)))
                .collect::<Vec<_>>()
                .join(" "),
        );
    }
    println!(
        "{}",
        if ok {
            "no growth beyond the bound"
        } else {
            "FAILED"
        }
    );
    ok
}

/// Logs in twice at once over HTTP (and forgets the sessions).
fn warm_password_pool(url: &str, users: &[String]) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let http = tests::http_client();
        let logins = users.iter().cycle().take(2).map(|user| {
            http.post(format!("{url}/api/login"))
                .json(&serde_json::json!({"username": user, "password": PASSWORD, "device": "warm-up"}))
                .send()
        });
        for answer in futures::future::join_all(logins).await {
            assert!(answer.unwrap().status().is_success(), "a warm-up login");
        }
    });
}

/// The median of each eighth of `series`: how it went over the run.
fn eighths(series: &[f64]) -> Vec<f64> {
    let n = series.len() / 8;
    if n == 0 {
        return Vec::new();
    }
    series
        .chunks(n)
        .take(8)
        .map(|part| {
            let mut part = part.to_vec();
            part.sort_by(f64::total_cmp);
            part[part.len() / 2]
        })
        .collect()
}

/// The medians of the first and the last third of `series` after its first eighth (warm-up).
fn thirds(series: &[f64]) -> Option<(f64, f64)> {
    let after = &series[series.len() / 8..];
    let third = after.len() / 3;
    if third < 4 {
        return None;
    }
    let median = |part: &[f64]| {
        let mut part = part.to_vec();
        part.sort_by(f64::total_cmp);
        part[part.len() / 2]
    };
    Some((
        median(&after[..third]),
        median(&after[after.len() - third..]),
    ))
}

/// A small seeded generator (SplitMix64): the same seed, the same day.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, p: f64) -> bool {
        ((self.next() >> 11) as f64 / (1u64 << 53) as f64) < p
    }
}

/// Counts of what a client did.
#[derive(Default)]
struct Done {
    edits: usize,
    refused: usize,
    evidence: usize,
    reports: usize,
    reads: usize,
    reconnects: usize,
    restarts: usize,
    logins: usize,
    verdicts: usize,
}

fn self_rss_kib() -> f64 {
    rss_kib(std::process::id())
}

/// One client's process: logs in, downloads, says `ready`, waits for the parent's go, then
/// lives through the day.
async fn laptop(dir: &Path) {
    let url = arg("--url").unwrap();
    let user = arg("--user").unwrap();
    let unit = arg("--unit").unwrap();
    let hours = arg_or("--hours", 24);
    let hour = Duration::from_millis(arg_or("--hour-ms", 10_000) as u64);
    let mut rng = Rng(arg("--seed").and_then(|s| s.parse().ok()).unwrap_or(1));
    let office = user == "thamdinh";
    let mut client = Client::open_with(dir, test_config()).await.unwrap();
    println!("opened {:.0}", self_rss_kib());
    client.login(&url, &user, PASSWORD).await.unwrap();
    client.start_sync();
    let n_docs = wait_ready(&client).await;
    println!("ready {n_docs} {:.0}", self_rss_kib());
    while !dir.parent().unwrap().join("go").exists() {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let today = Date::new(2026, 12, 10).unwrap();
    let periods = PeriodId::of_year(2026);
    let evidence_dir = dir.join("to-attach");
    std::fs::create_dir_all(&evidence_dir).unwrap();
    let mut done = Done::default();
    let day_started = Instant::now();
    for h in 0..hours {
        let hour_ends = day_started + hour * (h as u32 + 1);
        // The hour's activities, spread over it.
        let n_steps = 2 + rng.below(5);
        for step in 0..n_steps {
            let result = if office {
                office_step(&client, &mut rng, today, &mut done).await
            } else {
                staff_step(
                    &client,
                    &unit,
                    &mut rng,
                    periods,
                    today,
                    &evidence_dir,
                    &mut done,
                )
                .await
            };
            if let Err(err) = result {
                match err {
                    ClientError::PeriodLocked { .. } | ClientError::NotDownloaded { .. } => {
                        done.refused += 1
                    }
                    other => panic!("{user}: {other}"),
                }
            }
            let left = hour_ends.saturating_duration_since(Instant::now());
            tokio::time::sleep(left / (n_steps - step) as u32).await;
        }
        // Now and then the link drops, or the app is closed and opened again.
        if rng.chance(0.15) {
            client.stop_sync();
            tokio::time::sleep(hour / 10).await;
            client.start_sync();
            done.reconnects += 1;
        }
        if rng.chance(0.06) {
            client.shutdown().await;
            client = Client::open_with(dir, test_config()).await.unwrap();
            client.start_sync();
            done.restarts += 1;
        }
        // The office logs out and in about once a day (everything is downloaded again).
        if office && rng.chance(1.0 / hours as f64) {
            wait_ready(&client).await;
            if client.logout(false).await.is_ok() {
                client.login(&url, &user, PASSWORD).await.unwrap();
                wait_ready(&client).await;
                done.logins += 1;
            }
        }
        let left = hour_ends.saturating_duration_since(Instant::now());
        tokio::time::sleep(left).await;
    }
    wait_ready(&client).await;
    println!(
        "done {} edits ({} refused), {} evidence files, {} verdicts, {} reports, {} reads, {} reconnects, {} restarts, {} logins; RSS {:.1} MiB",
        done.edits,
        done.refused,
        done.evidence,
        done.verdicts,
        done.reports,
        done.reads,
        done.reconnects,
        done.restarts,
        done.logins,
        mib(self_rss_kib())
    );
    client.shutdown().await;
}

/// Waits until every listed document is here and every local change confirmed; returns how
/// many documents are listed.
async fn wait_ready(client: &Client) -> f64 {
    let deadline = Instant::now() + Duration::from_secs(300);
    let mut status = client.status();
    loop {
        {
            let now = status.borrow();
            if matches!(now.state, client::SyncState::UpToDate { .. }) && now.n_unconfirmed == 0 {
                return client.documents().len() as f64;
            }
        }
        assert!(Instant::now() < deadline, "not up to date within 300 s");
        let _ = tokio::time::timeout(Duration::from_millis(200), status.changed()).await;
    }
}

async fn tasks_of(client: &Client, doc: &DocumentId) -> Result<Vec<TaskId>, ClientError> {
    client
        .with_doc(doc, records::task_ids)
        .await?
        .map_err(ClientError::from)
}

/// One thing a unit's staff member does.
async fn staff_step(
    client: &Client,
    unit: &str,
    rng: &mut Rng,
    periods: [PeriodId; 4],
    today: Date,
    evidence_dir: &Path,
    done: &mut Done,
) -> Result<(), ClientError> {
    let doc = client
        .records_doc_for(unit, 2026)
        .expect("the unit's records are listed")
        .id;
    let tasks = tasks_of(client, &doc).await?;
    let task = &tasks[rng.below(tasks.len())];
    let period = periods[rng.below(periods.len())];
    match rng.below(10) {
        0..=4 => {
            let edit = match rng.below(4) {
                0 => RecordEdit::Status {
                    status: [TaskStatus::InProgress, TaskStatus::Done][rng.below(2)],
                },
                1 => RecordEdit::Progress {
                    percent: rng.below(101) as u8,
                },
                2 => RecordEdit::Actual {
                    period,
                    target: 0,
                    value: Some(rng.below(100) as f64),
                },
                _ => {
                    let sentences = 1 + rng.below(4);
                    let text: String = (0..sentences)
                        .map(|s| {
                            format!(
                                "Bước {s}: đã triển khai, tổ chức hội nghị và ban hành hướng dẫn. "
                            )
                        })
                        .collect();
                    RecordEdit::Text {
                        period,
                        field: TextField::Result,
                        text,
                    }
                }
            };
            let outcome = client.edit_record(&doc, task, edit).await;
            // A task without targets has no actual to write.
            if !matches!(outcome, Err(ClientError::Document(_))) {
                outcome?;
            }
            done.edits += 1;
        }
        5 => {
            let path = evidence_dir.join(format!("bien-ban-{}.pdf", rng.next() % 1_000_000));
            let size = 2_000 + rng.below(30_000);
            let mut bytes = b"%PDF-1.4\n".to_vec();
            bytes.extend((0..size).map(|_| (rng.next() & 0xff) as u8));
            std::fs::write(&path, bytes).unwrap();
            client.attach_evidence(&doc, task, period, &path).await?;
            std::fs::remove_file(&path).ok();
            done.evidence += 1;
        }
        6 | 7 => {
            let plan = client.plan().await?.expect("the plan");
            client
                .report(&plan, period, Scope::Unit(unit.to_string()), today)
                .await
                .map_err(|e| ClientError::Internal(e.to_string()))?;
            done.reports += 1;
        }
        _ => {
            client.read_record(&doc, task).await?;
            client.history(&doc).await?;
            done.reads += 1;
        }
    }
    Ok(())
}

/// One thing the office's reviewer does.
async fn office_step(
    client: &Client,
    rng: &mut Rng,
    today: Date,
    done: &mut Done,
) -> Result<(), ClientError> {
    let period: PeriodId = PeriodId::of_year(2026)[rng.below(4)];
    match rng.below(6) {
        0..=2 => {
            let plan = client.plan().await?.expect("the plan");
            client
                .report(&plan, period, Scope::AllUnits, today)
                .await
                .map_err(|e| ClientError::Internal(e.to_string()))?;
            done.reports += 1;
        }
        3 | 4 => {
            let reviews: Vec<_> = client
                .documents()
                .into_iter()
                .filter(|d| d.kind == DocumentKind::Review && d.year == Some(2026))
                .collect();
            let review = &reviews[rng.below(reviews.len())];
            let unit = review.unit.clone().unwrap_or_default();
            let Some(records) = client.records_doc_for(&unit, 2026) else {
                return Ok(());
            };
            let tasks = tasks_of(client, &records.id).await?;
            if tasks.is_empty() {
                return Ok(());
            }
            let task = &tasks[rng.below(tasks.len())];
            let (verdict, comment) = if rng.chance(0.7) {
                (Verdict::Accepted, "Đạt yêu cầu.")
            } else {
                (Verdict::Returned, "Đề nghị bổ sung số liệu kiểm chứng.")
            };
            client
                .set_verdict(&review.id, task, period, verdict, comment)
                .await?;
            done.verdicts += 1;
        }
        _ => {
            let docs = client.documents();
            let doc = &docs[rng.below(docs.len())];
            client.history(&doc.id).await?;
            done.reads += 1;
        }
    }
    Ok(())
}
