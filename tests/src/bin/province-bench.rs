//! A province on one server (issue #13 item 3; figures, not pass/fail): every unit's laptop and
//! the office's clients connected to one `plansync serve` at once, each unit editing every few
//! seconds, for a bounded time. Build and run in release mode:
//!
//! ```sh
//! cargo build --release -p tests --bins
//! target/release/province-bench --units 1000 --offices 20 --every-ms 5000 --seconds 60
//!                               [--procs 2] [--drain 15] [--seed N] [--setup-parallel 3]
//!                               [--unit-client js|rust] [--office-client rust|js]
//!                               [--office-procs 1] [--clients-nice 0]
//! ```
//!
//! Setup (not measured): a data directory with `--units` units, one staff account each, and
//! `--offices` reviewers of the office unit (VP), the seed plan published (each unit has its
//! records document); then `plansync serve` (release, beside the bench) on loopback. The
//! clients are stock JS automerge-repo clients (`tests/js-bench/province.mjs`), split over
//! `--procs` node processes (units and offices dealt round-robin), since one node process runs
//! on one core. With `--office-client rust` (the default) the offices are samod repos, as the
//! office's app runs them, in `--office-procs` processes of their own (offices dealt
//! round-robin). `--clients-nice N` runs every clients' process at niceness N, so that the
//! server, alone at the default priority, is served first on the cores they share, as if the
//! clients ran on machines of their own.
//!
//! 1. Every client logs in (no websocket yet): the server's RSS here is the "before any
//!    connection" figure.
//! 2. Every client connects over its own websocket and stays connected: a unit's client holds its
//!    records document, an office's client every unit's records document.
//! 3. From one shared start, each unit's client writes the wall-clock time (ms) into one actual of
//!    its records document at a random offset within the first `--every-ms` (seeded, the seed is
//!    printed), then every `--every-ms`, until `--seconds` have passed; the offices watch every
//!    document and take, for each value they had not seen, latency = now − the value written.
//!    `--drain` seconds after the last edit each process reports.
//!
//! Meanwhile the server process is watched through `/proc` (RSS, threads, open files, CPU),
//! with a line every 10 s, and so are the node processes' CPU and the whole machine's.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tests::bench::{
    arg, arg_or, load_average, machine_cpu_seconds, node_version, open_fds, open_files_limit,
    server_with_units, thread_cpu_seconds, thread_run_queue_wait_seconds,
};
use tests::process_watch::{cpu_seconds, Watcher};
use tests::server::{proc_status_kib, PASSWORD};

fn main() {
    if let Some(config) = arg("--office-process") {
        return offices::run(&config);
    }
    if let Some(config) = arg("--unit-process") {
        return units::run(&config);
    }
    tests::bench::use_sibling_server();
    let js_units = match arg("--unit-client").as_deref() {
        None | Some("js") => true,
        Some("rust") => false,
        Some(other) => panic!("--unit-client js or rust, not {other}"),
    };
    let bench_dir = tests::repo::root().join("tests/js-bench");
    assert!(
        !js_units
            || bench_dir
                .join("node_modules/@automerge/automerge-repo")
                .exists(),
        "npm packages missing: run scripts/setup.sh (npm install in tests/js-bench)"
    );
    let n_units = arg_or("--units", 1000);
    let n_offices = arg_or("--offices", 20);
    let every_ms = arg_or("--every-ms", 5000);
    let seconds = arg_or("--seconds", 60);
    let drain_s = arg_or("--drain", 15);
    let n_procs = arg_or("--procs", 2).max(1);
    let n_office_procs = arg_or("--office-procs", 1).max(1);
    let setup_parallel = arg_or("--setup-parallel", 3);
    let seed: u64 = arg("--seed").map_or_else(|| now_ms() as u64, |s| s.parse().unwrap());
    let js_offices = match arg("--office-client").as_deref() {
        None | Some("rust") => false,
        Some("js") => true,
        Some(other) => panic!("--office-client rust or js, not {other}"),
    };
    assert!(
        js_units || !js_offices,
        "--office-client js needs --unit-client js (the node processes run both)"
    );
    let n_clients = n_units + n_offices;
    println!(
        "# a province on one server: {n_units} units + {n_offices} offices = {n_clients} clients, \
         an edit every {every_ms} ms per unit for {seconds} s (+{drain_s} s drain), seed {seed}, \
         {n_procs} {} for the units{}; {} build, {}, {}, load {}",
        if js_units {
            "node process(es) of stock JS clients"
        } else {
            "process(es) of samod repos"
        },
        if js_offices {
            " and the offices (stock JS clients)"
        } else {
            ", the offices in process(es) of samod repos"
        },
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        },
        node_version(),
        date(),
        load_average(),
    );

    // Setup.
    let started = Instant::now();
    let codes: Vec<String> = (1..=n_units).map(|i| format!("U{i:04}")).collect();
    let users: Vec<String> = (1..=n_units).map(|i| format!("u{i:04}")).collect();
    let offices: Vec<String> = (1..=n_offices).map(|i| format!("vp{i:02}")).collect();
    let mut accounts: Vec<(String, String, &str)> = users
        .iter()
        .zip(&codes)
        .map(|(u, c)| (u.clone(), c.clone(), "staff"))
        .collect();
    accounts.extend(offices.iter().map(|o| (o.clone(), "VP".into(), "reviewer")));
    let mut server = server_with_units(
        &codes
            .iter()
            .map(|c| (c.clone(), format!("Phòng Thử nghiệm {c}"), "division"))
            .collect::<Vec<_>>(),
        &accounts,
        setup_parallel,
    );
    let docs: Vec<String> = codes.iter().map(|c| server.doc("records", c)).collect();
    println!(
        "- setup: {n_units} units, {} accounts, plan published: {:.0} s",
        accounts.len(),
        started.elapsed().as_secs_f64()
    );
    // Started with a stock soft limit of open files (1024, less than the clients), which the
    // server raises to the hard limit itself.
    server.set_wrapper(&["prlimit", "--nofile=1024:"]);
    // Its Prometheus metrics (durable waits, storage commits, messages) on a port of their own.
    let metrics_addr = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().to_string()
    };
    server.set_env("PLANSYNC_METRICS_LISTEN", &metrics_addr);
    server.start();
    let pid = server.pid().unwrap();
    let (soft, hard) = open_files_limit(pid).unwrap_or_default();
    println!(
        "- server started with a soft open-files limit of 1024 (prlimit); its limit once running (/proc/PID/limits): soft {soft}, hard {hard}"
    );
    let idle = Sample::take(pid);
    println!("- server idle after start: {}", idle.show());
    let watcher = Watcher::start(pid);

    // The clients: units and offices dealt round-robin over the node processes.
    let mut rng = SplitMix(seed);
    let offsets: Vec<u64> = (0..n_units)
        .map(|_| rng.next() % every_ms.max(1) as u64)
        .collect();
    let (tx, rx) = mpsc::channel::<(usize, Value)>();
    let mut drivers: Vec<Driver> = (0..n_procs)
        .map(|k| {
            let units: Vec<Value> = (k..n_units)
                .step_by(n_procs)
                .map(|i| json!({"user": users[i], "doc": docs[i], "offset_ms": offsets[i]}))
                .collect();
            let offices: Vec<&String> = if js_offices {
                offices.iter().skip(k).step_by(n_procs).collect()
            } else {
                Vec::new()
            };
            let config = json!({"base": server.url(), "password": PASSWORD,
                "every_ms": every_ms, "seconds": seconds, "drain_s": drain_s,
                "login_concurrency": 2, "connect_concurrency": 50,
                "units": units, "offices": offices, "docs": docs});
            if !js_units {
                let mut command = Command::new(std::env::current_exe().unwrap());
                command.arg("--unit-process");
                return Driver::start(command, &format!("units {k}"), k, &config, tx.clone());
            }
            // PLANSYNC_BENCH_DRIVER_NODE_ARGS: extra node options (e.g. --cpu-prof).
            let node_args = std::env::var("PLANSYNC_BENCH_DRIVER_NODE_ARGS").unwrap_or_default();
            let mut command = Command::new("node");
            command
                .args(node_args.split_whitespace())
                .arg(bench_dir.join("province.mjs"));
            Driver::start(command, &format!("node {k}"), k, &config, tx.clone())
        })
        .collect();
    if !js_offices {
        for k in 0..n_office_procs {
            let offices: Vec<&String> = offices.iter().skip(k).step_by(n_office_procs).collect();
            let config = json!({"base": server.url(), "password": PASSWORD,
                "seconds": seconds, "drain_s": drain_s, "offices": offices, "docs": docs});
            let mut command = Command::new(std::env::current_exe().unwrap());
            command.arg("--office-process");
            drivers.push(Driver::start(
                command,
                &format!("offices {k}"),
                n_procs + k,
                &config,
                tx.clone(),
            ));
        }
    }
    drop(tx);
    let n_drivers = drivers.len();
    let driver_pids: Vec<u32> = drivers.iter().map(|d| d.child.id()).collect();
    let mut monitor = Monitor::new(pid, driver_pids.clone());

    let started = Instant::now();
    monitor.wait_for(&rx, "logged_in", 0..n_drivers);
    let before = Sample::take(pid);
    println!(
        "- logins ({n_clients}): {:.0} s; server before any connection: {}",
        started.elapsed().as_secs_f64(),
        before.show()
    );
    // The units' clients first, then the offices' (whose downloads would otherwise crowd out
    // the units' own: a stock client gives up on a document after 60 s).
    let metrics_before = scrape(&metrics_addr);
    let started = Instant::now();
    drivers[..n_procs]
        .iter_mut()
        .for_each(|d| d.send("connect"));
    monitor.wait_for(&rx, "connected", 0..n_procs);
    let units_s = started.elapsed().as_secs_f64();
    drivers[n_procs..]
        .iter_mut()
        .for_each(|d| d.send("connect"));
    monitor.wait_for(&rx, "connected", n_procs..n_drivers);
    let connect_s = started.elapsed().as_secs_f64();
    println!(
        "- connecting: the units' clients {units_s:.0} s, then the offices' {:.0} s; server {}",
        connect_s - units_s,
        Metrics::between(&metrics_before, &scrape(&metrics_addr)).show()
    );
    // A few quiet seconds with everyone connected: the server's RSS, and its CPU at rest.
    let quiet = Marks::take(pid, &driver_pids);
    std::thread::sleep(Duration::from_secs(5));
    let connected = Sample::take(pid);
    let rest = Marks::take(pid, &driver_pids);
    let rest_cpu = (rest.server_cpu - quiet.server_cpu) / (rest.at - quiet.at).as_secs_f64();
    let node_rss: Vec<String> = driver_pids
        .iter()
        .map(|&p| format!("{:.0}", mib(proc_status_kib(p, "VmRSS:").unwrap_or(0))))
        .collect();
    println!(
        "- all {n_clients} connected in {connect_s:.0} s; server: {}, CPU at rest {:.1} % of a core; clients' processes' RSS {} MiB",
        connected.show(),
        100.0 * rest_cpu,
        node_rss.join(", ")
    );

    // The edits.
    let go = now_ms() + 2000;
    drivers.iter_mut().for_each(|d| d.send(&format!("go {go}")));
    std::thread::sleep(Duration::from_millis(
        u64::try_from(go - now_ms()).unwrap_or(0),
    ));
    watcher.mark();
    let at_go = Marks::take(pid, &driver_pids);
    println!("\nthe edits (t: seconds since the first could be made):");
    monitor.restart();
    let window_end = go + (seconds * 1000) as i64;
    let metrics_at_go = scrape(&metrics_addr);
    let results = monitor.wait_for(&rx, "result", 0..n_drivers);
    let edit_metrics = Metrics::between(&metrics_at_go, &scrape(&metrics_addr));
    let at_end = Marks::take(pid, &driver_pids);
    let rss_trend = monitor.rss_trend(window_end);
    let watched = watcher.stop();
    // The server first, so that it sees no connection end unannounced.
    server.stop();
    for d in &mut drivers {
        d.send("exit");
        d.finish();
    }

    // Figures.
    let mut made = 0u64;
    let mut last_written = std::collections::HashMap::new();
    for r in &results {
        for u in r["units"].as_array().unwrap() {
            made += u["made"].as_u64().unwrap();
            last_written.insert(u["doc"].as_str().unwrap().to_string(), u["last"].as_f64());
        }
    }
    let mut latencies: Vec<f64> = Vec::new();
    let mut seen_per_office: Vec<(String, u64, usize)> = Vec::new();
    for r in &results {
        for o in r["offices"].as_array().unwrap() {
            latencies.extend(
                o["latencies"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter_map(Value::as_f64),
            );
            // Documents whose newest edit this office holds at the end.
            let current = o["last"]
                .as_array()
                .unwrap()
                .iter()
                .zip(&docs)
                .filter(|(v, d)| last_written.get(*d).copied().flatten() == v.as_f64())
                .count();
            seen_per_office.push((
                o["user"].as_str().unwrap().into(),
                o["seen"].as_u64().unwrap(),
                current,
            ));
        }
    }
    seen_per_office.sort();
    latencies.sort_by(f64::total_cmp);
    let mut acks: Vec<f64> = results
        .iter()
        .filter_map(|r| r["acks"].as_array())
        .flatten()
        .filter_map(Value::as_f64)
        .collect();
    acks.sort_by(f64::total_cmp);
    let pct = |p: f64| percentile(&latencies, p);
    let wall = (at_end.at - at_go.at).as_secs_f64();
    let server_cpu = at_end.server_cpu - at_go.server_cpu;
    let clients = n_clients as f64;
    println!("\n| what | figure |\n| --- | --- |");
    println!("| clients connected at once | {n_clients} ({n_units} units, {n_offices} offices), connected in {connect_s:.0} s |");
    println!(
        "| edits made ({seconds} s) | {made} ({:.0} a second) |",
        made as f64 / seconds as f64
    );
    println!(
        "| edit to office, over {} (office, edit) pairs seen of {} | p50 {} ms, p90 {} ms, p99 {} ms, max {} ms |",
        latencies.len(),
        made * n_offices as u64,
        pct(0.50),
        pct(0.90),
        pct(0.99),
        pct(1.0)
    );
    println!(
        "| edit to the server's acknowledgment (durable), over {} of {made} edits | p50 {} ms, p90 {} ms, p99 {} ms, max {} ms |",
        acks.len(),
        percentile(&acks, 0.50),
        percentile(&acks, 0.90),
        percentile(&acks, 0.99),
        percentile(&acks, 1.0)
    );
    let seen: Vec<u64> = seen_per_office.iter().map(|s| s.1).collect();
    let current: Vec<usize> = seen_per_office.iter().map(|s| s.2).collect();
    println!(
        "| edits seen per office (of {made}) | min {}, max {} |",
        seen.iter().min().unwrap_or(&0),
        seen.iter().max().unwrap_or(&0)
    );
    println!(
        "| documents whose newest edit each office holds at the end (of {n_units}) | min {}, max {} |",
        current.iter().min().unwrap_or(&0),
        current.iter().max().unwrap_or(&0)
    );
    println!(
        "| server CPU from the first edit to the reports ({wall:.0} s) | {server_cpu:.1} s ({:.0} % of one core); {:.2} ms per edit |",
        100.0 * server_cpu / wall,
        1000.0 * server_cpu / made.max(1) as f64,
    );
    println!(
        "| the same less the server's CPU at rest with everyone connected ({:.1} % of a core) | {:.2} ms per edit |",
        100.0 * rest_cpu,
        1000.0 * (server_cpu - rest_cpu * wall).max(0.0) / made.max(1) as f64,
    );
    println!(
        "| server RSS: before any connection / all connected / peak (VmHWM) | {:.0} / {:.0} / {:.0} MiB |",
        mib(before.rss_kib),
        mib(connected.rss_kib),
        mib(watched.peak_rss_kib)
    );
    println!(
        "| server RSS per connected client (all connected − before) / clients | {:.0} KiB |",
        connected.rss_kib.saturating_sub(before.rss_kib) as f64 / clients
    );
    println!(
        "| server RSS over the edits: at the start / end of the edits / after the drain; highest | {} |",
        rss_trend
    );
    println!(
        "| server threads: all connected / most seen | {} / {} |",
        connected.threads, watched.max_threads
    );
    println!(
        "| server open files: idle / all connected / most seen; limit (soft, hard) | {} / {} / {}; {soft}, {hard} |",
        idle.fds,
        connected.fds,
        monitor.max_fds.max(connected.fds)
    );
    let driver_cpu: Vec<f64> = at_end
        .drivers_cpu
        .iter()
        .zip(&at_go.drivers_cpu)
        .map(|(e, g)| e - g)
        .collect();
    let delays: Vec<String> = results
        .iter()
        .zip(&drivers)
        .map(|(r, driver)| {
            let d = &r["event_loop_delay_ms"];
            format!(
                "{}: p99 {:.0} ms, max {:.0} ms",
                driver.name,
                d["p99"].as_f64().unwrap_or(0.0),
                d["max"].as_f64().unwrap_or(0.0)
            )
        })
        .collect();
    println!(
        "| clients' processes' CPU over the same span (% of one core); their event-loop (node) or timer (offices) delay | {}; {} |",
        driver_cpu
            .iter()
            .zip(&drivers)
            .map(|(c, d)| format!("{} {:.0} %", d.name, 100.0 * c / wall))
            .collect::<Vec<_>>()
            .join(", "),
        delays.join("; ")
    );
    let disconnects: u64 = results
        .iter()
        .map(|r| r["disconnects"].as_u64().unwrap_or(0))
        .sum();
    let retries: u64 = results
        .iter()
        .map(|r| r["http_retries"].as_u64().unwrap_or(0))
        .sum();
    let refinds: u64 = results
        .iter()
        .map(|r| r["find_retries"].as_u64().unwrap_or(0))
        .sum();
    println!(
        "| clients disconnected during the edits; while connecting: documents asked for again after a client gave up, HTTP requests sent again (a kept-alive connection the server had closed) | {disconnects}; {refinds}, {retries} |"
    );
    // The busiest threads: one near 100 % is a serial stage that caps the server.
    let mut waited = 0.0;
    let mut threads: Vec<(String, f64)> = at_end
        .server_threads
        .iter()
        .map(|(tid, name, cpu, wait)| {
            let (cpu_before, wait_before) = at_go
                .server_threads
                .iter()
                .find(|t| t.0 == *tid)
                .map_or((0.0, 0.0), |t| (t.2, t.3));
            waited += wait - wait_before;
            let main = if *tid == pid { " (main)" } else { "" };
            (format!("{name}{main}"), cpu - cpu_before)
        })
        .collect();
    threads.sort_by(|a, b| b.1.total_cmp(&a.1));
    println!(
        "| the server's busiest threads over the same span (% of one core) | {} |",
        threads
            .iter()
            .take(4)
            .map(|(name, cpu)| format!("{name} {:.0} %", 100.0 * cpu / wall))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!(
        "| the server's threads' time runnable but waiting for a CPU over the same span (threads alive at the end) | {waited:.1} s ({:.0} % of its CPU time) |",
        100.0 * waited / server_cpu.max(f64::MIN_POSITIVE)
    );
    println!(
        "| the server's own metrics over the same span | {} |",
        edit_metrics.show()
    );
    let busy = at_end.machine.0 - at_go.machine.0;
    let total = at_end.machine.1 - at_go.machine.1;
    let others = busy - server_cpu - driver_cpu.iter().sum::<f64>();
    println!(
        "| machine over the same span: busy / of {:.1} cores; other processes | {:.0} % ; {:.1} cores |",
        total / wall,
        100.0 * busy / total.max(f64::MIN_POSITIVE),
        others / wall
    );
    println!(
        "\nedits seen per office: {}",
        seen_per_office
            .iter()
            .map(|(o, s, _)| format!("{o} {s}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// Nearest rank; "—" when there is nothing.
fn percentile(sorted: &[f64], p: f64) -> String {
    if sorted.is_empty() {
        return "—".into();
    }
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    format!("{:.0}", sorted[rank - 1])
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

fn date() -> String {
    Command::new("date")
        .args(["-u", "+%Y-%m-%d %H:%M UTC"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}

/// A small seeded generator (splitmix64), so a run's edit schedule can be repeated.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// The server process at one moment.
#[derive(Clone, Copy)]
struct Sample {
    rss_kib: u64,
    threads: u64,
    fds: usize,
}

impl Sample {
    fn take(pid: u32) -> Sample {
        Sample {
            rss_kib: proc_status_kib(pid, "VmRSS:").unwrap_or(0),
            threads: proc_status_kib(pid, "Threads:").unwrap_or(0),
            fds: open_fds(pid).unwrap_or(0),
        }
    }

    fn show(&self) -> String {
        format!(
            "RSS {:.1} MiB, {} threads, {} open files",
            mib(self.rss_kib),
            self.threads,
            self.fds
        )
    }
}

/// CPU counters at one moment: the server's, each clients' process's and the machine's.
struct Marks {
    at: Instant,
    server_cpu: f64,
    /// (thread id, name, CPU seconds, seconds waited for a CPU) of each of the server's threads.
    server_threads: Vec<(u32, String, f64, f64)>,
    drivers_cpu: Vec<f64>,
    machine: (f64, f64),
}

impl Marks {
    fn take(pid: u32, drivers: &[u32]) -> Marks {
        let server_threads = std::fs::read_dir(format!("/proc/{pid}/task"))
            .into_iter()
            .flatten()
            .filter_map(|entry| {
                let tid: u32 = entry.ok()?.file_name().to_str()?.parse().ok()?;
                let name = std::fs::read_to_string(format!("/proc/{pid}/task/{tid}/comm")).ok()?;
                Some((
                    tid,
                    name.trim().to_string(),
                    thread_cpu_seconds(pid, tid),
                    thread_run_queue_wait_seconds(pid, tid),
                ))
            })
            .collect();
        Marks {
            at: Instant::now(),
            server_cpu: cpu_seconds(pid),
            server_threads,
            drivers_cpu: drivers.iter().map(|&p| cpu_seconds(p)).collect(),
            machine: machine_cpu_seconds(),
        }
    }
}

/// Waits for the clients' processes' phases, printing a line about the server every 10 s and
/// counting its open files every second meanwhile.
struct Monitor {
    pid: u32,
    drivers: Vec<u32>,
    since: Instant,
    last: Marks,
    next_line: Instant,
    max_fds: usize,
    /// (ms since the epoch, RSS KiB) of each 10-s line.
    rss: Vec<(i64, u64)>,
}

impl Monitor {
    fn header() {
        println!("\n| t s | server RSS MiB | threads | open files | server CPU % | clients' CPU % (each process) | machine busy % |");
        println!("| --- | --- | --- | --- | --- | --- | --- |");
    }

    fn new(pid: u32, drivers: Vec<u32>) -> Monitor {
        Monitor::header();
        let last = Marks::take(pid, &drivers);
        Monitor {
            pid,
            drivers,
            since: Instant::now(),
            next_line: Instant::now() + Duration::from_secs(10),
            last,
            max_fds: 0,
            rss: Vec::new(),
        }
    }

    /// Counts time from now (the lines show seconds since).
    fn restart(&mut self) {
        Monitor::header();
        self.since = Instant::now();
        self.next_line = self.since + Duration::from_secs(10);
        self.last = Marks::take(self.pid, &self.drivers);
        self.rss = vec![(now_ms(), proc_status_kib(self.pid, "VmRSS:").unwrap_or(0))];
    }

    /// The message of `phase` of each process of `which`, in that order; panics if one of
    /// them ends first.
    fn wait_for(
        &mut self,
        rx: &Receiver<(usize, Value)>,
        phase: &str,
        which: std::ops::Range<usize>,
    ) -> Vec<Value> {
        let mut got: Vec<Option<Value>> = vec![None; which.end];
        while which.clone().any(|k| got[k].is_none()) {
            match rx.recv_timeout(Duration::from_secs(1)) {
                Ok((k, message)) if message["phase"] == phase => got[k] = Some(message),
                Ok((k, message)) if message.is_null() => {
                    assert!(
                        got.get(k).is_some_and(Option::is_some) || !which.contains(&k),
                        "clients' process {k} ended before saying {phase}"
                    );
                }
                Ok((k, message)) => {
                    panic!("clients' process {k}: {message} while waiting for {phase}")
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => panic!("every clients' process ended"),
            }
            self.tick();
        }
        got.into_iter()
            .skip(which.start)
            .map(Option::unwrap)
            .collect()
    }

    fn tick(&mut self) {
        self.max_fds = self.max_fds.max(open_fds(self.pid).unwrap_or(0));
        if Instant::now() < self.next_line {
            return;
        }
        self.next_line += Duration::from_secs(10);
        let now = Marks::take(self.pid, &self.drivers);
        let wall = (now.at - self.last.at).as_secs_f64();
        let sample = Sample::take(self.pid);
        self.rss.push((now_ms(), sample.rss_kib));
        let drivers: Vec<String> = now
            .drivers_cpu
            .iter()
            .zip(&self.last.drivers_cpu)
            .map(|(n, l)| format!("{:.0}", 100.0 * (n - l) / wall))
            .collect();
        println!(
            "| {:.0} | {:.1} | {} | {} | {:.0} | {} | {:.0} |",
            self.since.elapsed().as_secs_f64(),
            mib(sample.rss_kib),
            sample.threads,
            sample.fds,
            100.0 * (now.server_cpu - self.last.server_cpu) / wall,
            drivers.join(", "),
            100.0 * (now.machine.0 - self.last.machine.0)
                / (now.machine.1 - self.last.machine.1).max(f64::MIN_POSITIVE),
        );
        self.last = now;
    }

    /// RSS at the start of the edits, at the end of the edit window, at the end, and the
    /// highest of the 10-s lines (MiB).
    fn rss_trend(&self, window_end: i64) -> String {
        let at = |t: i64| {
            self.rss
                .iter()
                .rev()
                .find(|(when, _)| *when <= t)
                .map_or(0, |r| r.1)
        };
        let first = self.rss.first().map_or(0, |r| r.1);
        let last = self.rss.last().map_or(0, |r| r.1);
        let highest = self.rss.iter().map(|r| r.1).max().unwrap_or(0);
        format!(
            "{:.0} / {:.0} / {:.0}; {:.0} MiB",
            mib(first),
            mib(at(window_end)),
            mib(last),
            mib(highest)
        )
    }
}

/// One process of clients: node running `province.mjs`, or the office process.
struct Driver {
    name: String,
    child: Child,
    stdin: ChildStdin,
    _config: tempfile::NamedTempFile,
}

impl Driver {
    /// Starts `command` with a config file as its last argument; its stdout's JSON lines go to
    /// `tx` as `(k, message)`, then `(k, null)` when it ends.
    fn start(
        mut command: Command,
        name: &str,
        k: usize,
        config: &Value,
        tx: mpsc::Sender<(usize, Value)>,
    ) -> Driver {
        let config_file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(config_file.path(), config.to_string()).unwrap();
        // `--clients-nice N`: the clients' processes run at a lower CPU priority (`nice -n N`,
        // which execs the program: the same process id), as if on machines of their own.
        let niceness = arg_or("--clients-nice", 0);
        if niceness > 0 {
            let mut niced = Command::new("nice");
            niced
                .arg("-n")
                .arg(niceness.to_string())
                .arg(command.get_program())
                .args(command.get_args());
            command = niced;
        }
        let mut child = command
            .arg(config_file.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the clients' process starts");
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                match serde_json::from_str::<Value>(&line) {
                    Ok(message) => {
                        let _ = tx.send((k, message));
                    }
                    Err(_) => eprintln!("clients' process {k}: {line}"),
                }
            }
            let _ = tx.send((k, Value::Null));
        });
        Driver {
            name: name.to_string(),
            stdin: child.stdin.take().unwrap(),
            child,
            _config: config_file,
        }
    }

    fn send(&mut self, line: &str) {
        writeln!(self.stdin, "{line}").expect("the clients' process reads its input");
    }

    /// Waits a little for the process to exit, then kills it.
    fn finish(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.child.try_wait().ok().flatten().is_none() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The office's clients as the app has them: samod repos (in memory), one per office, each
/// logged in as its reviewer with its own websocket, holding every unit's records document.
/// Run as a child process (`province-bench --office-process CONFIG`), speaking the same lines as
/// `province.mjs` (its header says which), so that its CPU is counted apart from the harness.
mod offices {
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};

    use automerge::{ObjType, ReadDoc, ScalarValue, Value as AmValue, ROOT};
    use futures::StreamExt;
    use samod::{BackoffConfig, DocHandle, DocumentId, PeerId, Repo};
    use serde_json::{json, Value};
    use tests::bearer_dialer::BearerDialer;

    /// Documents asked for again after samod gave up on them.
    static FIND_RETRIES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

    /// What one office saw.
    #[derive(Default)]
    struct Seen {
        latencies: Vec<f64>,
        n_seen: u64,
        /// The newest value seen of each document's actual, in the order of the config's docs.
        last: Vec<f64>,
    }

    struct Office {
        user: String,
        token: String,
        peer_id: String,
        repo: Option<Repo>,
        handles: Vec<DocHandle>,
        seen: Arc<Mutex<Seen>>,
    }

    pub fn run(config_path: &str) {
        let config: Value =
            serde_json::from_str(&std::fs::read_to_string(config_path).unwrap()).unwrap();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(main(config));
        std::process::exit(0);
    }

    fn say(message: Value) {
        println!("{message}");
    }

    async fn main(config: Value) {
        let base = config["base"].as_str().unwrap().to_string();
        let password = config["password"].as_str().unwrap().to_string();
        let docs: Vec<DocumentId> = config["docs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d.as_str().unwrap().parse().unwrap())
            .collect();
        // The harness's lines (a thread: this crate's tokio has no stdin).
        let (line_tx, mut lines) = tokio::sync::mpsc::unbounded_channel::<String>();
        std::thread::spawn(move || {
            for line in std::io::stdin().lines() {
                let Ok(line) = line else { break };
                if line_tx.send(line).is_err() {
                    break;
                }
            }
        });
        let http = tests::http_client();

        // 1. Logins, two at a time (the server runs a bounded number of password checks).
        let started = Instant::now();
        let users: Vec<String> = config["offices"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u.as_str().unwrap().to_string())
            .collect();
        let offices: Vec<Office> = futures::stream::iter(users)
            .map(|user| login(&http, &base, user, &password))
            .buffered(2)
            .collect()
            .await;
        eprintln!(
            "[offices] {} logins in {:.1} s",
            offices.len(),
            started.elapsed().as_secs_f64()
        );
        say(json!({"phase": "logged_in"}));
        lines.recv().await.expect("the harness says connect");

        // 2. Every office connects and finds every unit's records document, all at once.
        let started = Instant::now();
        let disconnects = Arc::new(Mutex::new(Some(0u64)));
        let offices: Vec<Office> = futures::future::join_all(
            offices
                .into_iter()
                .map(|office| connect(office, &base, &docs, disconnects.clone())),
        )
        .await;
        eprintln!(
            "[offices] all connected in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        say(json!({"phase": "connected", "clients": offices.len()}));

        // 3. Watch every document from the start of the edits.
        let line = lines.recv().await.expect("the harness says go");
        let go: i64 = line.split(' ').nth(1).unwrap().parse().unwrap();
        let seconds = config["seconds"].as_i64().unwrap();
        let drain_s = config["drain_s"].as_i64().unwrap();
        let lateness = Arc::new(Mutex::new(Vec::<f64>::new()));
        tokio::spawn(super::measure_lateness(lateness.clone()));
        for office in &offices {
            office.seen.lock().unwrap().last = office
                .handles
                .iter()
                .map(|h| h.with_document(|d| read(d).unwrap_or(0.0)))
                .collect();
            for (i, handle) in office.handles.iter().enumerate() {
                let (handle, seen) = (handle.clone(), office.seen.clone());
                tokio::spawn(async move {
                    let mut changes = handle.changes();
                    while changes.next().await.is_some() {
                        let Some(value) = handle.with_document(|d| read(d)) else {
                            continue;
                        };
                        let now = super::now_ms() as f64;
                        let mut seen = seen.lock().unwrap();
                        if value > seen.last[i] {
                            seen.latencies.push(now - value);
                            seen.n_seen += 1;
                            seen.last[i] = value;
                        }
                    }
                });
            }
        }
        let end = go + (seconds + drain_s) * 1000;
        tokio::time::sleep(Duration::from_millis(
            u64::try_from(end - super::now_ms()).unwrap_or(0),
        ))
        .await;
        let mut late = lateness.lock().unwrap().clone();
        late.sort_by(f64::total_cmp);
        let at = |p: f64| {
            late.get(((p * late.len() as f64) as usize).min(late.len().saturating_sub(1)))
                .copied()
                .unwrap_or(0.0)
        };
        let results: Vec<Value> = offices
            .iter()
            .map(|o| {
                let seen = o.seen.lock().unwrap();
                json!({"user": o.user, "seen": seen.n_seen, "last": seen.last,
                    "latencies": seen.latencies})
            })
            .collect();
        say(json!({"phase": "result", "units": [], "offices": results,
            "event_loop_delay_ms": {"p50": at(0.5), "p99": at(0.99), "max": late.last().copied().unwrap_or(0.0)},
            "disconnects": disconnects.lock().unwrap().take(),
            "find_retries": FIND_RETRIES.load(std::sync::atomic::Ordering::Relaxed)}));
        let _ = lines.recv().await;
    }

    /// Connects `office` and finds every document of `docs` in its repo.
    async fn connect(
        mut office: Office,
        base: &str,
        docs: &[DocumentId],
        disconnects: Arc<Mutex<Option<u64>>>,
    ) -> Office {
        let repo = Repo::build_tokio()
            .with_peer_id(PeerId::from(office.peer_id.as_str()))
            .load()
            .await;
        let dialer = repo
            .dial(
                BackoffConfig::default(),
                Arc::new(BearerDialer::new(base, &office.token, false)),
            )
            .unwrap();
        tokio::time::timeout(Duration::from_secs(120), dialer.established())
            .await
            .expect("office connects within 120 s")
            .expect("office connects");
        let user = office.user.clone();
        tokio::spawn(async move {
            let mut events = dialer.events();
            while let Some(event) = events.next().await {
                if let samod::DialerEvent::Disconnected { reason } = event {
                    // None counts once the results are out (the server stops then).
                    let mut n = disconnects.lock().unwrap();
                    if let Some(n) = n.as_mut() {
                        eprintln!("[offices] {user} disconnected: {reason}");
                        *n += 1;
                    }
                }
            }
        });
        let t = Instant::now();
        office.handles = futures::stream::iter(docs.iter().cloned())
            .map(|doc| {
                let repo = repo.clone();
                async move {
                    // samod gives up on a document nobody answered for ("unavailable"); asked
                    // again, the server may answer.
                    for _ in 0..3 {
                        let find = repo.find(doc.clone());
                        let found = tokio::time::timeout(Duration::from_secs(600), find)
                            .await
                            .unwrap_or_else(|_| panic!("{doc} found within 600 s"))
                            .unwrap();
                        if let Some(handle) = found {
                            return handle;
                        }
                        FIND_RETRIES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    }
                    panic!("{doc} unavailable three times")
                }
            })
            .buffered(32)
            .collect()
            .await;
        eprintln!(
            "[offices] {} holds {} documents ({:.1} s)",
            office.user,
            office.handles.len(),
            t.elapsed().as_secs_f64()
        );
        office.repo = Some(repo);
        office
    }

    async fn login(http: &reqwest::Client, base: &str, user: String, password: &str) -> Office {
        let (token, peer_id) = tests::bench::login_as(http, base, &user, password).await;
        Office {
            token,
            peer_id,
            user,
            repo: None,
            handles: Vec::new(),
            seen: Arc::default(),
        }
    }

    /// The actual the units write (`province.mjs`: the first task's first period, target 0).
    fn read(doc: &automerge::Automerge) -> Option<f64> {
        let map = |obj: &automerge::ObjId, key: &str| match doc.get(obj, key).ok()?? {
            (AmValue::Object(ObjType::Map), id) => Some(id),
            _ => None,
        };
        let first = |obj: &automerge::ObjId| {
            let mut keys: Vec<String> = doc.keys(obj).collect();
            keys.sort();
            keys.into_iter().next()
        };
        let tasks = map(&ROOT, "tasks")?;
        let task = map(&tasks, &first(&tasks)?)?;
        let periods = map(&task, "periods")?;
        let period = map(&periods, &first(&periods)?)?;
        let actuals = map(&period, "actuals")?;
        match doc.get(&actuals, "0").ok()?? {
            (AmValue::Scalar(v), _) => match v.as_ref() {
                ScalarValue::Int(n) => Some(*n as f64),
                ScalarValue::Uint(n) => Some(*n as f64),
                ScalarValue::F64(f) => Some(*f),
                _ => None,
            },
            _ => None,
        }
    }
}

/// The server's Prometheus text (`GET /metrics` on its metrics address), or "" when it does not
/// answer.
fn scrape(addr: &str) -> String {
    use std::io::Read;
    // A busy server may take a while; three tries.
    for _ in 0..3 {
        let Ok(mut stream) = std::net::TcpStream::connect(addr) else {
            continue;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
        let _ = write!(stream, "GET /metrics HTTP/1.0\r\nHost: {addr}\r\n\r\n");
        let mut text = String::new();
        if stream.read_to_string(&mut text).is_ok() && text.contains("plansync_") {
            return text;
        }
    }
    eprintln!("the server's metrics did not answer");
    String::new()
}

/// What the server's metrics say happened between two scrapes.
struct Metrics {
    /// Outgoing messages about a document: how many, their total wait for the document's
    /// changes to be on disk (s), and how many waited longer than 0.1 s and 1 s.
    durable: (f64, f64, f64, f64),
    /// Storage transactions: how many, total seconds, longer than 0.1 s, longer than 1 s.
    commits: (f64, f64, f64, f64),
    /// Sync messages in and out.
    messages: (f64, f64),
}

impl Metrics {
    fn between(before: &str, after: &str) -> Metrics {
        let value = |text: &str, name: &str| -> f64 {
            text.lines()
                .find(|l| l.split_whitespace().next() == Some(name))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
                .unwrap_or(0.0)
        };
        let delta = |name: &str| value(after, name) - value(before, name);
        let histogram = |base: &str| {
            let count = delta(&format!("{base}_count"));
            (
                count,
                delta(&format!("{base}_sum")),
                count - delta(&format!("{base}_bucket{{le=\"0.1\"}}")),
                count - delta(&format!("{base}_bucket{{le=\"1\"}}")),
            )
        };
        Metrics {
            durable: histogram("plansync_durable_wait_seconds"),
            commits: histogram("plansync_storage_commit_seconds"),
            messages: (
                delta("plansync_sync_messages_total{direction=\"in\"}"),
                delta("plansync_sync_messages_total{direction=\"out\"}"),
            ),
        }
    }

    fn show(&self) -> String {
        let mean_ms = |(n, sum, _, _): (f64, f64, f64, f64)| 1000.0 * sum / n.max(1.0);
        format!(
            "{:.0} sync messages in, {:.0} out; outgoing messages' wait for the disk: mean {:.1} ms, {:.0} over 0.1 s, {:.0} over 1 s; {:.0} storage commits: mean {:.1} ms, {:.0} over 0.1 s, {:.0} over 1 s",
            self.messages.0,
            self.messages.1,
            mean_ms(self.durable),
            self.durable.2,
            self.durable.3,
            self.commits.0,
            mean_ms(self.commits),
            self.commits.2,
            self.commits.3,
        )
    }
}

/// The units' laptops as samod repos (in memory) instead of stock JS clients: one per unit,
/// each logged in as its unit's staff member with its own websocket, holding its records
/// document and writing into it as `province.mjs` does. Run as a child process
/// (`province-bench --unit-process CONFIG`, several with `--procs`), speaking the same lines.
/// A samod repo costs far less CPU than a stock JS client, so this machine can drive a
/// thousand of them.
mod units {
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};

    use automerge::{transaction::Transactable, ObjId, ObjType, ReadDoc, Value as AmValue, ROOT};
    use futures::StreamExt;
    use samod::{BackoffConfig, DocHandle, DocumentId, PeerId, Repo};
    use serde_json::{json, Value};
    use tests::bearer_dialer::BearerDialer;

    struct Unit {
        user: String,
        doc: DocumentId,
        offset_ms: i64,
        token: String,
        peer_id: String,
        repo: Option<Repo>,
        handle: Option<DocHandle>,
    }

    /// What the units of this process did during the edits.
    #[derive(Default)]
    struct Tally {
        acks: Vec<f64>,
        disconnects: u64,
        reported: bool,
    }

    pub fn run(config_path: &str) {
        let config: Value =
            serde_json::from_str(&std::fs::read_to_string(config_path).unwrap()).unwrap();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(main(config));
        std::process::exit(0);
    }

    fn say(message: Value) {
        println!("{message}");
    }

    async fn main(config: Value) {
        let base = config["base"].as_str().unwrap().to_string();
        let password = config["password"].as_str().unwrap().to_string();
        let (line_tx, mut lines) = tokio::sync::mpsc::unbounded_channel::<String>();
        std::thread::spawn(move || {
            for line in std::io::stdin().lines() {
                let Ok(line) = line else { break };
                if line_tx.send(line).is_err() {
                    break;
                }
            }
        });
        let http = tests::http_client();

        // 1. Logins (the server runs a bounded number of password checks at once).
        let started = Instant::now();
        let configs: Vec<Value> = config["units"].as_array().unwrap().clone();
        let units: Vec<Unit> = futures::stream::iter(configs)
            .map(|u| login(&http, &base, u, &password))
            .buffered(2)
            .collect()
            .await;
        eprintln!(
            "[units {}] {} logins in {:.1} s",
            std::process::id(),
            units.len(),
            started.elapsed().as_secs_f64()
        );
        say(json!({"phase": "logged_in"}));
        lines.recv().await.expect("the harness says connect");

        // 2. Every unit connects and finds its records document, 50 at a time.
        let started = Instant::now();
        let tally = Arc::new(Mutex::new(Tally::default()));
        let units: Vec<Unit> = futures::stream::iter(units)
            .map(|unit| connect(unit, &base, tally.clone()))
            .buffer_unordered(50)
            .collect()
            .await;
        eprintln!(
            "[units {}] {} connected in {:.1} s",
            std::process::id(),
            units.len(),
            started.elapsed().as_secs_f64()
        );
        say(json!({"phase": "connected", "clients": units.len()}));

        // 3. The edits, from one shared start.
        let line = lines.recv().await.expect("the harness says go");
        let go: i64 = line.split(' ').nth(1).unwrap().parse().unwrap();
        let seconds = config["seconds"].as_i64().unwrap();
        let drain_s = config["drain_s"].as_i64().unwrap();
        let every_ms = config["every_ms"].as_i64().unwrap().max(1);
        let end = go + seconds * 1000;
        let lateness = Arc::new(Mutex::new(Vec::<f64>::new()));
        tokio::spawn(super::measure_lateness(lateness.clone()));
        let mut editors = Vec::new();
        for unit in &units {
            let handle = unit.handle.clone().unwrap();
            let (tally, first) = (tally.clone(), go + unit.offset_ms);
            editors.push(tokio::spawn(edit(handle, tally, first, every_ms, end)));
        }
        let mut results = Vec::new();
        for (unit, editor) in units.iter().zip(editors) {
            let (made, last) = editor.await.unwrap();
            results.push(json!({"doc": unit.doc.to_string(), "made": made, "last": last}));
        }
        tokio::time::sleep(Duration::from_millis(
            u64::try_from(end + drain_s * 1000 - super::now_ms()).unwrap_or(0),
        ))
        .await;
        let mut late = lateness.lock().unwrap().clone();
        late.sort_by(f64::total_cmp);
        let at = |p: f64| {
            late.get(((p * late.len() as f64) as usize).min(late.len().saturating_sub(1)))
                .copied()
                .unwrap_or(0.0)
        };
        let (acks, disconnects) = {
            let mut tally = tally.lock().unwrap();
            tally.reported = true;
            (tally.acks.clone(), tally.disconnects)
        };
        say(json!({"phase": "result", "units": results, "offices": [],
            "event_loop_delay_ms": {"p50": at(0.5), "p99": at(0.99), "max": late.last().copied().unwrap_or(0.0)},
            "disconnects": disconnects, "acks": acks}));
        let _ = lines.recv().await;
        drop(units);
    }

    /// Writes the wall-clock time into the unit's actual at `first`, then every `every_ms`
    /// until `end`, each time timing until the server's sync state holds the change; returns
    /// the edits made and the last value written.
    async fn edit(
        handle: DocHandle,
        tally: Arc<Mutex<Tally>>,
        first: i64,
        every_ms: i64,
        end: i64,
    ) -> (u64, i64) {
        let actuals = handle
            .with_document(|d| field(d))
            .expect("the unit's actual");
        let (initial, updates) = handle.peers();
        let their_heads = Arc::new(Mutex::new(
            initial
                .into_values()
                .filter_map(|p| p.their_heads)
                .flatten()
                .collect::<Vec<_>>(),
        ));
        let pending: Arc<Mutex<Option<(automerge::ChangeHash, i64)>>> = Arc::default();
        {
            let (their_heads, pending, tally) =
                (their_heads.clone(), pending.clone(), tally.clone());
            tokio::spawn(async move {
                let mut updates = Box::pin(updates);
                while let Some(update) = updates.next().await {
                    let heads: Vec<_> = update
                        .into_values()
                        .filter_map(|p| p.their_heads)
                        .flatten()
                        .collect();
                    let mut pending = pending.lock().unwrap();
                    if let Some((head, at)) = *pending {
                        if heads.contains(&head) {
                            tally
                                .lock()
                                .unwrap()
                                .acks
                                .push((super::now_ms() - at) as f64);
                            *pending = None;
                        }
                    }
                    *their_heads.lock().unwrap() = heads;
                }
            });
        }
        let (mut made, mut last) = (0u64, 0i64);
        let mut due = first;
        while due < end {
            tokio::time::sleep(Duration::from_millis(
                u64::try_from(due - super::now_ms()).unwrap_or(0),
            ))
            .await;
            // A strictly newer value each time, so that every edit is one the offices lack.
            let now = super::now_ms().max(last + 1);
            let head = handle.with_document(|d| {
                let mut tx = d.transaction();
                tx.put(&actuals, "0", now).expect("the actual is written");
                tx.commit();
                d.get_heads()[0]
            });
            *pending.lock().unwrap() = Some((head, now));
            made += 1;
            last = now;
            due += every_ms;
        }
        (made, last)
    }

    /// The map of actuals the units write into (the first task's first period), as
    /// `province.mjs`'s `field`.
    fn field(doc: &automerge::Automerge) -> Option<ObjId> {
        let map = |obj: &ObjId, key: &str| match doc.get(obj, key).ok()?? {
            (AmValue::Object(ObjType::Map), id) => Some(id),
            _ => None,
        };
        let first = |obj: &ObjId| {
            let mut keys: Vec<String> = doc.keys(obj).collect();
            keys.sort();
            keys.into_iter().next()
        };
        let tasks = map(&ROOT, "tasks")?;
        let task = map(&tasks, &first(&tasks)?)?;
        let periods = map(&task, "periods")?;
        let period = map(&periods, &first(&periods)?)?;
        map(&period, "actuals")
    }

    async fn connect(mut unit: Unit, base: &str, tally: Arc<Mutex<Tally>>) -> Unit {
        let repo = Repo::build_tokio()
            .with_peer_id(PeerId::from(unit.peer_id.as_str()))
            .load()
            .await;
        let dialer = repo
            .dial(
                BackoffConfig::default(),
                Arc::new(BearerDialer::new(base, &unit.token, false)),
            )
            .unwrap();
        tokio::time::timeout(Duration::from_secs(300), dialer.established())
            .await
            .unwrap_or_else(|_| panic!("{} connects within 300 s", unit.user))
            .expect("unit connects");
        let user = unit.user.clone();
        tokio::spawn(async move {
            let mut events = dialer.events();
            while let Some(event) = events.next().await {
                if let samod::DialerEvent::Disconnected { reason } = event {
                    let mut tally = tally.lock().unwrap();
                    if !tally.reported {
                        eprintln!("[units] {user} disconnected: {reason}");
                        tally.disconnects += 1;
                    }
                }
            }
        });
        for _ in 0..3 {
            let find = repo.find(unit.doc.clone());
            let found = tokio::time::timeout(Duration::from_secs(600), find)
                .await
                .unwrap_or_else(|_| panic!("{} found within 600 s", unit.doc))
                .unwrap();
            if let Some(handle) = found {
                unit.handle = Some(handle);
                break;
            }
        }
        assert!(
            unit.handle.is_some(),
            "{} unavailable three times",
            unit.doc
        );
        unit.repo = Some(repo);
        unit
    }

    async fn login(http: &reqwest::Client, base: &str, config: Value, password: &str) -> Unit {
        let user = config["user"].as_str().unwrap().to_string();
        let (token, peer_id) = tests::bench::login_as(http, base, &user, password).await;
        Unit {
            token,
            peer_id,
            doc: config["doc"].as_str().unwrap().parse().unwrap(),
            offset_ms: config["offset_ms"].as_i64().unwrap(),
            user,
            repo: None,
            handle: None,
        }
    }
}

/// How late a 10 ms timer fires, over and over (ms): a clients' process's scheduling delay, the
/// counterpart of node's event-loop delay.
async fn measure_lateness(into: std::sync::Arc<std::sync::Mutex<Vec<f64>>>) {
    loop {
        let t = Instant::now();
        tokio::time::sleep(Duration::from_millis(10)).await;
        let late = t.elapsed().as_secs_f64() * 1000.0 - 10.0;
        into.lock().unwrap().push(late.max(0.0));
    }
}
