//! A day of use compressed into minutes, watching memory (figures, and a leak check). Build and
//! run in release mode:
//!
//! ```sh
//! cargo build --release -p tests --bins
//! target/release/soak-bench [--units 6] [--minutes 4] [--hours 24] [--seed N] [--bound-pct 10]
//!     [--bound-kib 256] [--inject-leak-kib N]
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
//! 3. **Growth, and the leak check.** Every 250 ms the bench samples each process's RSS,
//!    threads and open file descriptors (`/proc`), and each client reports its live heap: the
//!    bytes its Rust code holds allocated (this binary counts them in its global allocator,
//!    `cap`). After a warm-up (the first eighth of the run) the medians of the three thirds of
//!    the day are compared. The bench exits with status 1, naming the process, when
//!    - the server's RSS grew by more than `--bound-pct` per cent (default 10) from the first
//!      third to the last;
//!    - a process's threads or open descriptors rose from each third to the next (a
//!      connection, runtime or file leaked as the day goes; the reader a client opens once on
//!      its first restart is a single step);
//!    - **a client keeps what its data does not explain**: at the end of the day, once up to
//!      date and with every period's report read, its live heap is above that of a new process
//!      opened on the same data folder and brought to the same point (up to date, every
//!      report read) by more than `--bound-pct` per cent or `--bound-kib` KiB (default 256),
//!      whichever is larger. The floor covers what differs without growing: an HTTP
//!      connection kept alive (30-40 KiB of buffers) and Automerge's layout of a document
//!      built change by change against one loaded whole (tens of KiB either way).
//!
//!    `--inject-leak-kib N` makes every client keep N KiB for good at each action (a leak made
//!    on purpose): the check must then fail.
//!
//!    A client's heap and RSS through the day are shown, not judged: its documents grow with
//!    every edit and its report caches fill as periods are read, which is no leak. RSS also
//!    holds the pages the C allocator keeps for reuse after a burst (a restart, a download).
//!    SQLite's page caches are outside the counted heap; they are bounded per connection, and
//!    a leaked connection shows as descriptors (`tests/tests/client/restarts.rs` checks that
//!    a client closed and opened again keeps none of the old ones).

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

/// Counts the bytes this process holds allocated: a client's live heap (see the module's docs).
#[global_allocator]
static HEAP: cap::Cap<std::alloc::System> = cap::Cap::new(std::alloc::System, usize::MAX);

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
    let bound_kib = arg_or("--bound-kib", 256) as f64;
    let ok = run(n_units, hours, hour, seed, bound_pct, bound_kib);
    std::process::exit(if ok { 0 } else { 1 });
}

/// A client process and what it said.
struct LaptopProcess {
    name: String,
    child: Child,
    lines: Arc<Mutex<Vec<String>>>,
    /// The live heap (KiB) the client reports every 250 ms through its day (`heap N` lines).
    heap_kib: Arc<Mutex<Vec<f64>>>,
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
        LaptopProcess::spawn_with(
            dir,
            url,
            user,
            unit,
            &[
                "--inject-leak-kib",
                &arg_or("--inject-leak-kib", 0).to_string(),
                "--hours",
                &hours.to_string(),
                "--hour-ms",
                &hour.as_millis().to_string(),
                "--seed",
                &seed.to_string(),
            ],
        )
    }

    /// The live heap (KiB) of a new client process opened on `dir` once it is up to date: the
    /// heap the data at that point asks for, with nothing of a day's use.
    fn fresh_heap_kib(dir: &Path, url: &str, user: &str, unit: &str) -> f64 {
        let mut fresh = LaptopProcess::spawn_with(dir, url, user, unit, &["--fresh"]);
        let bytes = fresh.number("freshheap", 1, Duration::from_secs(300));
        let status = fresh.child.wait().unwrap();
        assert!(status.success(), "{user}'s fresh client failed: {status}");
        bytes / 1024.0
    }

    fn spawn_with(dir: &Path, url: &str, user: &str, unit: &str, args: &[&str]) -> LaptopProcess {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .arg("--laptop")
            .arg(dir)
            .args(["--url", url, "--user", user, "--unit", unit])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the laptop process starts");
        let lines = Arc::new(Mutex::new(Vec::new()));
        let heap_kib = Arc::new(Mutex::new(Vec::new()));
        let out = child.stdout.take().unwrap();
        let (kept, heap) = (lines.clone(), heap_kib.clone());
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                match line
                    .strip_prefix("heap ")
                    .and_then(|n| n.parse::<f64>().ok())
                {
                    Some(bytes) => heap.lock().unwrap().push(bytes / 1024.0),
                    None => kept.lock().unwrap().push(line),
                }
            }
        });
        LaptopProcess {
            name: user.to_string(),
            child,
            lines,
            heap_kib,
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

/// One process's samples through the soak.
struct Watched {
    name: String,
    pid: u32,
    rss_kib: Vec<f64>,
    threads: Vec<f64>,
    descriptors: Vec<f64>,
    /// A client's live heap (KiB), as it reports it; none for the server.
    heap_kib: Option<Arc<Mutex<Vec<f64>>>>,
}

impl Watched {
    fn new(name: &str, pid: u32, heap_kib: Option<Arc<Mutex<Vec<f64>>>>) -> Watched {
        Watched {
            name: name.to_string(),
            pid,
            rss_kib: Vec::new(),
            threads: Vec::new(),
            descriptors: Vec::new(),
            heap_kib,
        }
    }

    /// Reads RSS, threads and descriptors from `/proc` (nothing once the process has ended).
    fn sample(&mut self) {
        let (Some(rss), Some(threads), Ok(fds)) = (
            proc_status_kib(self.pid, "VmRSS:"),
            proc_status_kib(self.pid, "Threads:"),
            std::fs::read_dir(format!("/proc/{}/fd", self.pid)),
        ) else {
            return;
        };
        self.rss_kib.push(rss as f64);
        self.threads.push(threads as f64);
        self.descriptors.push(fds.count() as f64);
    }

    /// Prints the growth and says whether it stays within the bound (see the module's docs).
    fn judge(&self, bound_pct: f64) -> bool {
        let name = &self.name;
        let mut ok = true;
        let mut parts = Vec::new();
        let heap = self.heap_kib.as_ref().map(|h| h.lock().unwrap().clone());
        // The server's RSS is judged; a client's memory is shown (its leak check is what the day
        // keeps beyond its data, judged in `run`).
        let judged = heap.is_none();
        let memory = heap.as_deref().unwrap_or(&self.rss_kib);
        let memory_what = if judged { "RSS" } else { "live heap" };
        let mut series = vec![(memory_what, memory)];
        if !judged {
            series.push(("RSS", &self.rss_kib));
        }
        for (what, samples) in series {
            let Some((first, last)) = thirds(samples) else {
                ok = false;
                parts.push(format!("{what}: too few samples ({})", samples.len()));
                continue;
            };
            let growth = 100.0 * (last - first) / first;
            let verdict = if !judged {
                "shown"
            } else if growth > bound_pct {
                ok = false;
                "GROWS"
            } else {
                "ok"
            };
            parts.push(format!(
                "{what} {:.1} -> {:.1} MiB ({growth:+.1} %) {verdict}",
                mib(first),
                mib(last)
            ));
        }
        for (what, series) in [
            ("threads", &self.threads),
            ("descriptors", &self.descriptors),
        ] {
            let Some([first, middle, last]) = third_medians(series) else {
                continue;
            };
            let verdict = if first < middle && middle < last {
                ok = false;
                "GROW"
            } else {
                "ok"
            };
            parts.push(format!("{what} {first:.0} {middle:.0} {last:.0} {verdict}"));
        }
        println!(
            "  {name}: {}; {memory_what} by eighths (MiB): {}",
            parts.join("; "),
            eighths(memory)
                .iter()
                .map(|m| format!("{:.1}", mib(*m)))
                .collect::<Vec<_>>()
                .join(" "),
        );
        ok
    }
}

fn run(
    n_units: usize,
    hours: usize,
    hour: Duration,
    seed: u64,
    bound_pct: f64,
    bound_kib: f64,
) -> bool {
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
    let mut watched: Vec<Watched> = vec![Watched::new("server", server_pid, None)];
    watched.extend(
        std::iter::once(&office)
            .chain(&laptops)
            .map(|p| Watched::new(&p.name, p.pid(), Some(p.heap_kib.clone()))),
    );
    let soak_started = Instant::now();
    let mut everyone: Vec<LaptopProcess> = std::iter::once(office).chain(laptops).collect();
    loop {
        for process in &mut watched {
            process.sample();
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
    // What a day of use keeps beyond its data: each client's heap at the end of the day
    // against a new process's on the same data (one at a time, each up to date).
    let mut kept = Vec::new();
    for p in &everyone {
        let end = p.number("endheap", 1, Duration::from_secs(1)) / 1024.0;
        let unit = if p.name == "thamdinh" {
            "VP"
        } else {
            &codes[users.iter().position(|u| *u == p.name).unwrap()]
        };
        let fresh = LaptopProcess::fresh_heap_kib(&dirs.path().join(&p.name), &url, &p.name, unit);
        kept.push((p.name.clone(), end, fresh));
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
        "growth after warm-up (median of the first and the last third; the server's RSS judged, bound {bound_pct:.0} %; threads and descriptors judged by third):"
    );
    for process in &watched {
        ok &= process.judge(bound_pct);
    }
    println!(
        "what a day of use keeps beyond its data (live heap at the end of the day, and of a new process opened on the same data; bound {bound_pct:.0} % or {bound_kib:.0} KiB, the larger):"
    );
    for (name, end, fresh) in &kept {
        let kept_pct = 100.0 * (end - fresh) / fresh;
        let verdict = if end - fresh > (fresh * bound_pct / 100.0).max(bound_kib) {
            ok = false;
            "KEEPS"
        } else {
            "ok"
        };
        println!(
            "  {name}: {:.2} MiB at the end of the day, {:.2} MiB fresh ({kept_pct:+.1} %) {verdict}",
            mib(*end),
            mib(*fresh)
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
    third_medians(series).map(|[first, _, last]| (first, last))
}

/// The medians of the three thirds of `series` after its first eighth (warm-up).
fn third_medians(series: &[f64]) -> Option<[f64; 3]> {
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
    Some([
        median(&after[..third]),
        median(&after[third..after.len() - third]),
        median(&after[after.len() - third..]),
    ])
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

/// What `--inject-leak-kib` keeps for good, per action: a leak made on purpose, to see the leak
/// check catch one.
static INJECTED_LEAK: Mutex<Vec<Vec<u8>>> = Mutex::new(Vec::new());

/// How long a client is left alone before its heap is read at the end of the day, and in a
/// fresh process (the last sync messages and saves done).
const SETTLE: Duration = Duration::from_secs(2);

/// One client's process: logs in, downloads, says `ready`, waits for the parent's go, then
/// lives through the day.
async fn laptop(dir: &Path) {
    let url = arg("--url").unwrap();
    let user = arg("--user").unwrap();
    let unit = arg("--unit").unwrap();
    let hours = arg_or("--hours", 24);
    let hour = Duration::from_millis(arg_or("--hour-ms", 10_000) as u64);
    let injected_leak = arg_or("--inject-leak-kib", 0);
    let mut rng = Rng(arg("--seed").and_then(|s| s.parse().ok()).unwrap_or(1));
    let office = user == "thamdinh";
    if std::env::args().any(|a| a == "--fresh") {
        let client = Client::open_with(dir, test_config()).await.unwrap();
        client.start_sync();
        wait_ready(&client).await;
        read_every_report(&client, &unit, office).await;
        tokio::time::sleep(SETTLE).await;
        println!("freshheap {}", HEAP.allocated());
        client.shutdown().await;
        return;
    }
    let mut client = Client::open_with(dir, test_config()).await.unwrap();
    println!("opened {:.0}", self_rss_kib());
    client.login(&url, &user, PASSWORD).await.unwrap();
    client.start_sync();
    let n_docs = wait_ready(&client).await;
    println!("ready {n_docs} {:.0}", self_rss_kib());
    while !dir.parent().unwrap().join("go").exists() {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // The live heap, for the parent's leak check, every 250 ms until the day is over.
    let heap_reports = tokio::spawn(async {
        let mut every = tokio::time::interval(Duration::from_millis(250));
        loop {
            every.tick().await;
            println!("heap {}", HEAP.allocated());
        }
    });
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
            if injected_leak > 0 {
                INJECTED_LEAK
                    .lock()
                    .unwrap()
                    .push(vec![1; injected_leak * 1024]);
            }
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
    heap_reports.abort();
    read_every_report(&client, &unit, office).await;
    tokio::time::sleep(SETTLE).await;
    println!("endheap {}", HEAP.allocated());
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

/// Reads the report of every period of the year the day works in, as the office or the unit:
/// a client's report caches hold the same at the end of the day and in a fresh process.
async fn read_every_report(client: &Client, unit: &str, office: bool) {
    let plan = client.plan().await.unwrap().expect("the plan");
    let scope = if office {
        Scope::AllUnits
    } else {
        Scope::Unit(unit.to_string())
    };
    let today = Date::new(2026, 12, 10).unwrap();
    for period in PeriodId::of_year(2026) {
        client
            .report(&plan, period, scope.clone(), today)
            .await
            .unwrap();
    }
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
