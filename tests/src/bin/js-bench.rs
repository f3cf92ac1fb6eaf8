//! Side-by-side convergence benchmark (figures, not pass/fail): the reference JS sync server
//! (`tests/js-bench/reference-server.mjs`, set up as automerge-repo-sync-server does) and
//! `plansync serve`, driven by the same stock JS automerge-repo clients
//! (`tests/js-bench/driver.mjs`). Build and run in release mode:
//!
//! ```sh
//! cargo build --release -p tests --bins
//! target/release/js-bench [--cases 30x200,60x20,100x20,200x20] [--servers reference,plansync]
//!                         [--repeat 1] [--timeout 120] [--unit-procs 2]
//! ```
//!
//! `--servers` may also name another build of the server, `plansync=PATH` (e.g. an older
//! commit's `plansync-under-test`), to compare builds on the same clients and data. Runs are
//! interleaved across servers; the load average before each run is shown, since other work on
//! the machine skews the figures.
//!
//! Per case (units × edits) and server: every unit's client gets its records document (the same
//! document for both servers: the one `plan publish` made for that unit), edits it offline, then
//! all reconnect at once; timed until the office's client holds every unit's edits. The server
//! process is watched through `/proc`: CPU seconds from the reconnect to the end, the highest RSS
//! and most threads seen from the reconnect on and over the whole run (setup included: logins,
//! first downloads), and the clients' CPU seconds over the reconnect (the driver's own count:
//! the office's process and the units' processes).
//!
//! The office's client runs in the driver's process and the units' clients in `--unit-procs`
//! processes of their own (0: all in the driver's process, as the first version of the bench
//! had them; one node thread then did all the clients' work and its CPU, not the server, set
//! the time).
//! `PLANSYNC_BENCH_PERF=FILE` records a `perf` profile of the server over the reconnect.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use automerge::Automerge;
use serde_json::{json, Value};
use tests::bench::{arg, load_average, node_version};
use tests::process_watch::{cpu_seconds, Watched, Watcher};
use tests::server::{plansync_binary, TestServer, PASSWORD};

fn main() {
    if std::env::args().nth(1).as_deref() == Some("--office-process") {
        samod_office::run();
    }
    tests::bench::use_sibling_server();
    let bench_dir = tests::repo::root().join("tests/js-bench");
    assert!(
        bench_dir
            .join("node_modules/@automerge/automerge-repo")
            .exists(),
        "npm packages missing: run scripts/setup.sh (npm install in tests/js-bench)"
    );
    let cases: Vec<(usize, usize)> = arg("--cases")
        .unwrap_or_else(|| "30x200,60x20,100x20,200x20".into())
        .split(',')
        .map(|c| {
            let (u, e) = c.split_once('x').expect("cases look like 30x200");
            (u.parse().unwrap(), e.parse().unwrap())
        })
        .collect();
    let servers: Vec<String> = arg("--servers")
        .unwrap_or_else(|| "reference,plansync".into())
        .split(',')
        .map(str::to_string)
        .collect();
    let repeat: usize = arg("--repeat").map_or(1, |r| r.parse().unwrap());
    let timeout: u64 = arg("--timeout").map_or(120, |t| t.parse().unwrap());
    let unit_procs: usize = arg("--unit-procs").map_or(2, |p| p.parse().unwrap());
    let office_client = arg("--office-client").unwrap_or_else(|| "js".into());
    assert!(
        ["js", "samod"].contains(&office_client.as_str()),
        "--office-client is js (a stock JS client) or samod (the app's sync engine)"
    );
    println!(
        "# side-by-side convergence ({} build of plansync, {}, the units' clients in {unit_procs} node processes, the office's client: {office_client})",
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        },
        node_version()
    );
    println!(
        "| units × edits | server | converged | server CPU s | server RSS MiB: reconnect / whole run | threads: reconnect / whole run | clients' CPU s: all (office + units) | load before |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- |");
    for &(n_units, n_edits) in &cases {
        let setup = Setup::new(n_units, unit_procs, &office_client);
        let mut times: Vec<Vec<Option<f64>>> = vec![Vec::new(); servers.len()];
        // Interleaved (reference, plansync, reference, ...) so that whatever else the machine
        // does weighs on both alike.
        for _ in 0..repeat {
            for (server, times) in servers.iter().zip(&mut times) {
                let load = load_average();
                let run = match server.split_once('=') {
                    None if server == "reference" => {
                        setup.run_reference(&bench_dir, n_edits, timeout)
                    }
                    None if server == "plansync" => {
                        setup.run_plansync(&bench_dir, n_edits, timeout, &plansync_binary())
                    }
                    Some(("plansync", binary)) => {
                        setup.run_plansync(&bench_dir, n_edits, timeout, Path::new(binary))
                    }
                    _ => panic!("unknown server {server}: reference, plansync or plansync=BINARY"),
                };
                println!(
                    "| {n_units} × {n_edits} | {server} | {} | {:.2} | {:.0} / {:.0} | {} / {} | {} | {load} |",
                    run.outcome(),
                    run.cpu_s,
                    run.watch.marked_rss_kib as f64 / 1024.0,
                    run.watch.peak_rss_kib as f64 / 1024.0,
                    run.watch.marked_threads,
                    run.watch.max_threads,
                    run.clients_cpu.shown(),
                );
                times.push(run.seconds.filter(|_| run.complete));
            }
        }
        let medians: Vec<Option<f64>> = times.iter().map(|t| median(t)).collect();
        let reference = servers
            .iter()
            .position(|s| s == "reference")
            .and_then(|i| medians[i]);
        for (server, median) in servers.iter().zip(&medians) {
            let shown = median.map_or("—".to_string(), |m| format!("{m:.2} s"));
            let ratio = match (median, reference) {
                (Some(m), Some(r)) if server != "reference" => {
                    format!(", {:.2} × the reference", m / r)
                }
                _ => String::new(),
            };
            println!(
                "| {n_units} × {n_edits} | median of {repeat}: {server} | {shown}{ratio} | | | | | |"
            );
        }
    }
}

fn median(times: &[Option<f64>]) -> Option<f64> {
    let mut done: Vec<f64> = times.iter().copied().collect::<Option<Vec<_>>>()?;
    done.sort_by(f64::total_cmp);
    done.get(done.len() / 2).copied()
}

struct Setup {
    /// A plansync data directory with the units, their staff, the office's reviewer and the
    /// published plan (its records documents are the ones both servers get).
    server: TestServer,
    units: Vec<(String, String)>,
    /// The records documents' bytes, for the reference server's clients to create.
    files: tempfile::TempDir,
    /// How many node processes the units' clients run in.
    unit_procs: usize,
    /// "js" or "samod".
    office_client: String,
}

impl Setup {
    fn new(n_units: usize, unit_procs: usize, office_client: &str) -> Setup {
        let codes: Vec<String> = (1..=n_units).map(|i| format!("U{i:03}")).collect();
        let users: Vec<String> = (1..=n_units).map(|i| format!("u{i:03}")).collect();
        let mut accounts: Vec<(String, String, &str)> = users
            .iter()
            .zip(&codes)
            .map(|(u, c)| (u.clone(), c.clone(), "staff"))
            .collect();
        accounts.push(("thamdinh".into(), "VP".into(), "reviewer"));
        eprintln!("setting up {n_units} units");
        let server = tests::bench::server_with_units(
            &codes
                .iter()
                .map(|c| (c.clone(), format!("Phòng Thử nghiệm {c}"), "division"))
                .collect::<Vec<_>>(),
            &accounts,
            3,
        );
        let units: Vec<(String, String)> = users
            .iter()
            .zip(&codes)
            .map(|(u, c)| (u.clone(), server.doc("records", c)))
            .collect();
        let files = tempfile::tempdir().unwrap();
        // The chunks of each document (keys "DOC/snapshot/..." and "DOC/incremental/..."),
        // snapshots first, each loaded on top of the last.
        let db = rusqlite::Connection::open(server.data_dir().join("documents.sqlite3")).unwrap();
        for (user, doc_id) in &units {
            let mut stmt = db
                .prepare("SELECT data FROM chunks WHERE key LIKE ?1 || '/%' ORDER BY key LIKE '%/incremental/%', key")
                .unwrap();
            let chunks: Vec<Vec<u8>> = stmt
                .query_map([doc_id], |row| row.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            assert!(!chunks.is_empty(), "records document {doc_id} is stored");
            let mut doc = Automerge::new();
            for chunk in &chunks {
                doc.load_incremental(chunk).unwrap();
            }
            std::fs::write(files.path().join(format!("{user}.automerge")), doc.save()).unwrap();
        }
        Setup {
            server,
            units,
            files,
            unit_procs,
            office_client: office_client.to_string(),
        }
    }

    fn run_reference(&self, bench_dir: &Path, n_edits: usize, timeout: u64) -> Run {
        let data = tempfile::tempdir().unwrap();
        let mut child = Command::new("node")
            .arg(bench_dir.join("reference-server.mjs"))
            .arg(data.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("node starts");
        let base = read_base(&mut child);
        let units: Vec<Value> = self
            .units
            .iter()
            .map(|(user, _)| {
                json!({"user": user, "file": self.files.path().join(format!("{user}.automerge"))})
            })
            .collect();
        let config = json!({"server": "reference", "base": base, "office": "thamdinh",
            "edits": n_edits, "timeout_s": timeout, "unit_procs": self.unit_procs,
            "office_client": self.office_client, "office_command": office_command(),
            "units": units});
        let run = drive(bench_dir, &config, child.id());
        let _ = child.kill();
        let _ = child.wait();
        run
    }

    fn run_plansync(&self, bench_dir: &Path, n_edits: usize, timeout: u64, binary: &Path) -> Run {
        // A fresh copy of the data directory, so every run starts from the published plan.
        let data = tempfile::tempdir().unwrap();
        for file in ["registry.sqlite3", "documents.sqlite3"] {
            copy_database(&self.server.data_dir().join(file), &data.path().join(file));
        }
        let mut child = Command::new(binary)
            .args(["serve", "--listen", "127.0.0.1:0", "--data"])
            .arg(data.path())
            .env("PLANSYNC_LOG", "warn")
            .env("PLANSYNC_TODAY", tests::server::SERVER_TODAY)
            // Each unit's ticket is taken before its offline edits; 200 units take over a
            // minute to edit, longer than a ticket lives by default.
            .env("PLANSYNC_TICKET_TTL_MS", "900000")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("plansync serve starts");
        let base = read_base(&mut child);
        let units: Vec<Value> = self
            .units
            .iter()
            .map(|(user, doc)| json!({"user": user, "doc": doc}))
            .collect();
        let config = json!({"server": "plansync", "base": base, "office": "thamdinh",
            "password": PASSWORD, "edits": n_edits, "timeout_s": timeout,
            "unit_procs": self.unit_procs, "office_client": self.office_client,
            "office_command": office_command(), "units": units});
        let run = drive(bench_dir, &config, child.id());
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(child.id().to_string())
            .status();
        let _ = child.wait();
        run
    }
}

/// The command that runs the office's samod client (this binary, `--office-process`).
fn office_command() -> Vec<String> {
    vec![
        std::env::current_exe()
            .unwrap()
            .to_string_lossy()
            .into_owned(),
        "--office-process".into(),
    ]
}

/// Copies an SQLite database with its WAL folded in (`VACUUM INTO`).
fn copy_database(from: &Path, to: &Path) {
    let conn = rusqlite::Connection::open(from).unwrap();
    conn.execute("VACUUM INTO ?1", [to.to_str().unwrap()])
        .unwrap();
}

/// Reads "... http://ADDR ..." from the server's first line of output.
fn read_base(child: &mut Child) -> String {
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("server did not say where it listens: {line:?}"));
    format!("http://{addr}")
}

struct Run {
    seconds: Option<f64>,
    complete: bool,
    n_complete: u64,
    n_units: u64,
    /// The server's CPU time from the reconnect to the end.
    cpu_s: f64,
    /// The clients' CPU time over the same span.
    clients_cpu: ClientsCpu,
    watch: Watched,
}

/// The clients' CPU seconds over the reconnect, as the driver counted them.
#[derive(Default)]
struct ClientsCpu {
    all: f64,
    /// The office's process and the units' processes, when the units have processes of their own.
    office_and_units: Option<(f64, f64)>,
}

impl ClientsCpu {
    fn from_driver(message: &Value) -> ClientsCpu {
        ClientsCpu {
            all: message["clients_cpu_s"].as_f64().unwrap_or(f64::NAN),
            office_and_units: message["office_cpu_s"]
                .as_f64()
                .zip(message["units_cpu_s"].as_f64()),
        }
    }

    fn shown(&self) -> String {
        match self.office_and_units {
            Some((office, units)) => format!("{:.2} ({office:.2} + {units:.2})", self.all),
            None => format!("{:.2}", self.all),
        }
    }
}

impl Run {
    fn outcome(&self) -> String {
        match (self.seconds, self.complete) {
            (Some(s), true) => format!("{s:.2} s"),
            (Some(s), false) => format!(
                "not after {s:.0} s ({} of {} units)",
                self.n_complete, self.n_units
            ),
            (None, _) => "driver failed".into(),
        }
    }
}

/// Runs the driver against the server process `pid`, watching the process meanwhile.
fn drive(bench_dir: &Path, config: &Value, pid: u32) -> Run {
    let config_file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(config_file.path(), config.to_string()).unwrap();
    let watcher = Watcher::start(pid);
    let mut perf = None;
    // PLANSYNC_BENCH_DRIVER_NODE_ARGS: extra node options for the driver (e.g. --cpu-prof).
    let node_args = std::env::var("PLANSYNC_BENCH_DRIVER_NODE_ARGS").unwrap_or_default();
    let mut driver = Command::new("node")
        .args(node_args.split_whitespace())
        .arg(bench_dir.join("driver.mjs"))
        .arg(config_file.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("node starts");
    let mut cpu_at_reconnect = 0.0;
    let mut result = None;
    for line in BufReader::new(driver.stdout.take().unwrap()).lines() {
        let Ok(line) = line else { break };
        let Ok(message) = serde_json::from_str::<Value>(&line) else {
            eprintln!("driver: {line}");
            continue;
        };
        match message["phase"].as_str() {
            Some("reconnect") => {
                cpu_at_reconnect = cpu_seconds(pid);
                watcher.mark();
                // PLANSYNC_BENCH_PERF=FILE records a CPU profile of the server from here on.
                perf = std::env::var_os("PLANSYNC_BENCH_PERF").map(|file| {
                    Command::new("perf")
                        .args(["record", "-F", "499", "--call-graph", "dwarf,16384", "-o"])
                        .arg(file)
                        .args(["-p", &pid.to_string()])
                        .stdout(Stdio::null())
                        .stderr(Stdio::null())
                        .spawn()
                        .expect("perf starts")
                });
            }
            Some("done" | "timeout") => {
                let cpu = cpu_seconds(pid) - cpu_at_reconnect;
                result = Some((message, cpu, watcher.snapshot()));
            }
            _ => {}
        }
    }
    let _ = driver.wait();
    let watched = watcher.stop();
    if let Some(perf) = perf.as_mut() {
        let _ = Command::new("kill")
            .args(["-INT", &perf.id().to_string()])
            .status();
        let _ = perf.wait();
    }
    let Some((message, cpu_s, watch)) = result else {
        return Run {
            seconds: None,
            complete: false,
            n_complete: 0,
            n_units: 0,
            cpu_s: 0.0,
            clients_cpu: ClientsCpu::default(),
            watch: watched,
        };
    };
    Run {
        seconds: message["seconds"].as_f64(),
        complete: message["phase"] == "done",
        n_complete: message["complete"].as_u64().unwrap_or(0),
        n_units: message["of"].as_u64().unwrap_or(0),
        cpu_s,
        clients_cpu: ClientsCpu::from_driver(&message),
        watch,
    }
}

/// The office's client as the office's laptop has it: a samod repo (in memory), as the app's
/// sync engine, instead of a stock JS client. Run by the driver as a child process
/// (`js-bench --office-process`); it speaks JSON lines:
///   stdin: {"server", "base", "office", "password"}  -> stdout {"phase":"connected"}
///   stdin: {"find": [DOCUMENT_ID, ...]}               -> stdout {"phase":"found"}
///   stdin: {"watch": [[DOCUMENT_ID, [HEAD, ...]], ...], "timeout_s": T}
///          -> stdout {"phase":"done"|"timeout","complete":N,"cpu_s":C}: once the repo holds
///             every head of every document (C: this process's CPU seconds since the watch).
///   stdin: anything else: exits.
mod samod_office {
    use std::time::Duration;

    use automerge::{ChangeHash, ReadDoc};
    use futures::StreamExt;
    use samod::{DocHandle, DocumentId};
    use serde_json::{json, Value};
    use tests::process_watch::cpu_seconds;

    pub fn run() -> ! {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(main());
        std::process::exit(0);
    }

    fn say(message: Value) {
        println!("{message}");
    }

    async fn main() {
        // The driver's lines (a thread: this crate's tokio has no stdin).
        let (line_tx, mut lines) = tokio::sync::mpsc::unbounded_channel::<Value>();
        std::thread::spawn(move || {
            for line in std::io::stdin().lines() {
                let Ok(line) = line else { break };
                let value = serde_json::from_str(&line).unwrap_or(Value::Null);
                if line_tx.send(value).is_err() {
                    break;
                }
            }
        });
        let config = lines.recv().await.expect("the driver sends the settings");
        let base = config["base"].as_str().unwrap();
        let (token, peer_id) = if config["server"] == "plansync" {
            tests::bench::login_as(
                &tests::http_client(),
                base,
                config["office"].as_str().unwrap(),
                config["password"].as_str().unwrap(),
            )
            .await
        } else {
            // The reference server asks for no token (nor looks at one).
            (
                String::new(),
                format!("bench-office-{}", std::process::id()),
            )
        };
        let (repo, _dialer, established) =
            tests::rogue::dial_repo(base, &token, &peer_id, Duration::from_secs(120)).await;
        established.expect("the office connects");
        say(json!({"phase": "connected"}));

        let find = lines.recv().await.expect("the driver names the documents");
        let docs: Vec<DocumentId> = find["find"]
            .as_array()
            .expect("{\"find\": [...]}")
            .iter()
            .map(|d| d.as_str().unwrap().parse().unwrap())
            .collect();
        let handles: Vec<DocHandle> = futures::stream::iter(docs)
            .map(|doc| {
                let repo = repo.clone();
                async move {
                    tokio::time::timeout(Duration::from_secs(120), repo.find(doc.clone()))
                        .await
                        .unwrap_or_else(|_| panic!("the office finds {doc} within 120 s"))
                        .unwrap()
                        .unwrap_or_else(|| panic!("{doc} is unavailable"))
                }
            })
            .buffered(20)
            .collect()
            .await;
        say(json!({"phase": "found"}));

        let watch = lines
            .recv()
            .await
            .expect("the driver says what to wait for");
        let cpu_at_start = cpu_seconds(std::process::id());
        let timeout = Duration::from_secs(watch["timeout_s"].as_u64().unwrap_or(120));
        let (done_tx, mut done) = tokio::sync::mpsc::unbounded_channel::<()>();
        let wanted = watch["watch"].as_array().expect("{\"watch\": [...]}");
        for entry in wanted {
            let doc: DocumentId = entry[0].as_str().unwrap().parse().unwrap();
            let heads: Vec<ChangeHash> = entry[1]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| h.as_str().unwrap().parse().unwrap())
                .collect();
            let handle = handles
                .iter()
                .find(|h| *h.document_id() == doc)
                .unwrap_or_else(|| panic!("{doc} was found first"))
                .clone();
            let done_tx = done_tx.clone();
            tokio::spawn(async move {
                // Subscribed before the first look, so no change falls between the two.
                let mut changes = handle.changes();
                let holds = |h: &DocHandle| {
                    h.with_document(|d| heads.iter().all(|c| d.get_change_by_hash(c).is_some()))
                };
                while !holds(&handle) {
                    if changes.next().await.is_none() {
                        return;
                    }
                }
                let _ = done_tx.send(());
            });
        }
        drop(done_tx);
        let mut complete = 0;
        let all = async {
            while complete < wanted.len() && done.recv().await.is_some() {
                complete += 1;
            }
        };
        let timed_out = tokio::time::timeout(timeout, all).await.is_err();
        say(json!({
            "phase": if timed_out { "timeout" } else { "done" },
            "complete": complete,
            "cpu_s": cpu_seconds(std::process::id()) - cpu_at_start,
        }));
        let _ = lines.recv().await;
        repo.stop().await;
    }
}
