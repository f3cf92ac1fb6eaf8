//! What the bench binaries (`src/bin/*-bench.rs`) share: their flags, the server they run and
//! its data, and what they read of the machine.

use crate::server::{TestServer, PASSWORD};

/// The value after `--name` on the command line, if given.
pub fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

/// The number after `--name`, or `default` when it is not given (or not a number).
pub fn arg_or(name: &str, default: usize) -> usize {
    arg(name).and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Unless `PLANSYNC_SERVER_BIN` names one, the server the bench starts is the
/// `plansync-under-test` built beside it (so a release bench runs a release server).
pub fn use_sibling_server() {
    if std::env::var_os("PLANSYNC_SERVER_BIN").is_none() {
        let sibling = std::env::current_exe()
            .unwrap()
            .with_file_name("plansync-under-test");
        std::env::set_var("PLANSYNC_SERVER_BIN", sibling);
    }
}

/// A data directory (server not started) with the units `(code, name, kind)` (plus "VP", the
/// office, if not among them) and the accounts `(username, unit code, role)` (password
/// [`PASSWORD`]), then the seed plan published for 2026, so that each unit has its records and
/// review documents. The admin CLI takes one unit or user a call, so the calls run `parallel` at
/// a time (each `user add` hashes a password: that is most of the time).
pub fn server_with_units(
    units: &[(String, String, &str)],
    accounts: &[(String, String, &str)],
    parallel: usize,
) -> TestServer {
    let server = TestServer::on_data_dir(tempfile::tempdir().expect("temp dir"));
    // The first call creates the registry; the rest then only add rows.
    server.cli(
        &[
            "unit",
            "add",
            "VP",
            "--name",
            "Văn phòng Sở",
            "--kind",
            "office",
        ],
        None,
    );
    let calls: Vec<(Vec<&str>, Option<&str>)> = units
        .iter()
        .filter(|(code, _, _)| code != "VP")
        .map(|(code, name, kind)| {
            let args = vec!["unit", "add", code, "--name", name, "--kind", kind];
            (args, None)
        })
        .collect();
    run_parallel(&server, &calls, parallel);
    let calls: Vec<(Vec<&str>, Option<&str>)> = accounts
        .iter()
        .map(|(user, unit, role)| {
            let args = vec![
                "user",
                "add",
                user,
                "--unit",
                unit,
                "--role",
                role,
                "--password-stdin",
            ];
            (args, Some(PASSWORD))
        })
        .collect();
    run_parallel(&server, &calls, parallel);
    let fixture = crate::repo::root().join("fixtures/plans/tuyen-quang-sxd-2026.txt");
    let out = server.cli(
        &[
            "plan",
            "publish",
            fixture.to_str().unwrap(),
            "--year",
            "2026",
        ],
        None,
    );
    let mut server = server;
    // "kind<TAB>unit<TAB>...<TAB>document id<TAB>...", as `TestServer::with_accounts` reads it.
    server.documents = out
        .lines()
        .filter_map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            (cols.len() == 5 && cols[0] != "unit added")
                .then(|| (cols[0].into(), cols[1].into(), cols[3].into()))
        })
        .collect();
    assert!(
        server.documents.len() >= 2 * units.len(),
        "publish printed every unit's documents: {out}"
    );
    server
}

/// Runs the admin commands `calls` (arguments, standard input) on `server`'s data directory,
/// `parallel` at a time.
fn run_parallel(server: &TestServer, calls: &[(Vec<&str>, Option<&str>)], parallel: usize) {
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..parallel.max(1) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some((args, stdin)) = calls.get(i) else {
                    break;
                };
                server.cli(args, *stdin);
            });
        }
    });
}

/// The 1-minute load average (other work on the machine skews the figures).
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_string))
        .unwrap_or_default()
}

/// "node v20.1.0", or "node missing".
pub fn node_version() -> String {
    std::process::Command::new("node")
        .arg("--version")
        .output()
        .map(|o| format!("node {}", String::from_utf8_lossy(&o.stdout).trim()))
        .unwrap_or_else(|_| "node missing".into())
}

/// How many files a process has open (entries of `/proc/PID/fd`).
pub fn open_fds(pid: u32) -> Option<usize> {
    Some(std::fs::read_dir(format!("/proc/{pid}/fd")).ok()?.count())
}

/// A process's open-files limit, soft and hard, as `/proc/PID/limits` says ("unlimited" or a
/// number).
pub fn open_files_limit(pid: u32) -> Option<(String, String)> {
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    let mut values = line["Max open files".len()..].split_whitespace();
    Some((values.next()?.to_string(), values.next()?.to_string()))
}

/// The whole machine's CPU time so far (all cores), in seconds: (busy, total). Busy is all but
/// idle and iowait.
pub fn machine_cpu_seconds() -> (f64, f64) {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let ticks: Vec<u64> = stat
        .lines()
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .skip(1)
        .filter_map(|t| t.parse().ok())
        .collect();
    let total: u64 = ticks.iter().take(8).sum();
    let idle = ticks.get(3).copied().unwrap_or(0) + ticks.get(4).copied().unwrap_or(0);
    // In USER_HZ ticks (100 a second on Linux/x86), whatever the kernel's own rate.
    ((total - idle) as f64 / 100.0, total as f64 / 100.0)
}

/// The CPU time (user + system) of one thread `tid` of process `pid` so far, in seconds
/// (`/proc/PID/TID/stat` would give the whole process's).
pub fn thread_cpu_seconds(pid: u32, tid: u32) -> f64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/task/{tid}/stat")) else {
        return 0.0;
    };
    // utime and stime: fields 14 and 15, counted after the name (in parentheses, maybe spaced).
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let ticks: u64 = after
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|f| f.parse::<u64>().ok())
        .sum();
    ticks as f64 / 100.0 // USER_HZ, 100 on Linux/x86
}

/// How long one thread `tid` of process `pid` has waited for a CPU while runnable so far, in
/// seconds (`/proc/PID/task/TID/schedstat`): time a busy machine took from it.
pub fn thread_run_queue_wait_seconds(pid: u32, tid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/task/{tid}/schedstat"))
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or(0.0, |ns| ns as f64 / 1e9)
}

/// Logs `user` in (waiting out the server's "busy" answers: it runs a bounded number of
/// password checks); returns the session's token and peer id.
pub async fn login_as(
    http: &reqwest::Client,
    base: &str,
    user: &str,
    password: &str,
) -> (String, String) {
    let body = serde_json::json!({"username": user, "password": password, "device": format!("bench-{user}")});
    loop {
        let response = http
            .post(format!("{base}/api/login"))
            .json(&body)
            .send()
            .await
            .unwrap();
        if response.status() == 503 {
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            continue;
        }
        let reply: serde_json::Value = response.json().await.unwrap();
        return (
            reply["token"].as_str().expect("logged in").to_string(),
            reply["peer_id"].as_str().unwrap().to_string(),
        );
    }
}
