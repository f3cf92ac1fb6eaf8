//! A real `plansync` server for tests: its own data directory, set up through the admin CLI,
//! started as a child process on loopback, and killable (SIGKILL) or restartable on the same port.

use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::repo;

/// The password every test account gets.
pub const PASSWORD: &str = "mật khẩu thử nghiệm";

/// The date test servers take as today (`PLANSYNC_TODAY`) unless a test sets another: inside
/// 2026, the year the fixture is published for, so a server opens no later reporting year by
/// itself whatever the real date is.
pub const SERVER_TODAY: &str = "01/07/2026";

pub struct TestServer {
    data: tempfile::TempDir,
    addr: Option<SocketAddr>,
    child: Option<Child>,
    /// Extra environment for the server process.
    env: Vec<(String, String)>,
    /// (kind, unit or "-", document id) as printed by `plan publish`.
    pub documents: Vec<(String, String, String)>,
    /// "https" once the server said it serves TLS.
    scheme: &'static str,
    /// A program the server is started through (e.g. `prlimit --nofile=256:`).
    wrapper: Vec<String>,
}

/// The server program: `PLANSYNC_SERVER_BIN` when set (e.g. a release build for benchmarks),
/// else this crate's own build of it, which cargo rebuilds with the tests.
pub fn plansync_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("PLANSYNC_SERVER_BIN") {
        return PathBuf::from(path);
    }
    let path = repo::target_dir().join("debug").join("plansync-under-test");
    assert!(
        path.exists(),
        "{} is missing: build it with `cargo build -p tests`",
        path.display()
    );
    path
}

impl TestServer {
    /// A data directory with the seed fixture published for 2026, units registered by the
    /// plan, and the given `(username, unit code, role)` accounts (password [`PASSWORD`]).
    pub fn with_accounts(accounts: &[(&str, &str, &str)]) -> TestServer {
        let units: Vec<(&str, String, &str)> = [
            ("VP", "Văn phòng Sở", "office"),
            ("KHTC", "Phòng Kế hoạch – Tài chính", "division"),
            ("QLHT", "Phòng Quản lý hạ tầng", "division"),
            ("PTDT", "Phòng Phát triển đô thị và nhà ở", "division"),
            (
                "MOTCUA",
                "Bộ phận tiếp nhận và trả kết quả giải quyết TTHC tại Trung tâm PVHCC",
                "one-stop-desk",
            ),
        ]
        .into_iter()
        .map(|(code, name, kind)| (code, name.to_string(), kind))
        .collect();
        TestServer::with_units_and_accounts(&units, accounts)
    }

    /// Like [`TestServer::with_accounts`], with the given `(code, name, kind)` units (plus "VP",
    /// the office, if not among them) registered before the plan is published.
    pub fn with_units_and_accounts(
        units: &[(&str, String, &str)],
        accounts: &[(&str, &str, &str)],
    ) -> TestServer {
        let data = tempfile::tempdir().expect("temp dir");
        let mut server = TestServer {
            data,
            addr: None,
            child: None,
            env: Vec::new(),
            documents: Vec::new(),
            scheme: "http",
            wrapper: Vec::new(),
        };
        if !units.iter().any(|(code, _, _)| *code == "VP") {
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
        }
        for (code, name, kind) in units {
            server.cli(&["unit", "add", code, "--name", name, "--kind", kind], None);
        }
        for (user, unit, role) in accounts {
            server.cli(
                &[
                    "user",
                    "add",
                    user,
                    "--unit",
                    unit,
                    "--role",
                    role,
                    "--password-stdin",
                ],
                Some(PASSWORD),
            );
        }
        let fixture = repo::root().join("fixtures/plans/tuyen-quang-sxd-2026.txt");
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
        server.documents = out
            .lines()
            .filter_map(|line| {
                let cols: Vec<&str> = line.split('\t').collect();
                (cols.len() == 5 && cols[0] != "unit added").then(|| {
                    (
                        cols[0].to_string(),
                        cols[1].to_string(),
                        cols[3].to_string(),
                    )
                })
            })
            .collect();
        assert!(
            server.documents.len() >= 3,
            "publish printed documents: {out}"
        );
        server
    }

    /// A server on a data directory that already holds data (a restored backup, an older
    /// release's directory); nothing is added to it.
    pub fn on_data_dir(data: tempfile::TempDir) -> TestServer {
        TestServer {
            data,
            addr: None,
            child: None,
            env: Vec::new(),
            documents: Vec::new(),
            scheme: "http",
            wrapper: Vec::new(),
        }
    }

    /// Starts the server through `wrapper` (a program and its arguments, which then runs the
    /// server), from the next start on.
    pub fn set_wrapper(&mut self, wrapper: &[&str]) {
        self.wrapper = wrapper.iter().map(|s| s.to_string()).collect();
    }

    /// Sets an environment variable for the server process (from the next start on).
    pub fn set_env(&mut self, key: &str, value: &str) {
        self.env.push((key.to_string(), value.to_string()));
    }

    pub fn data_dir(&self) -> &Path {
        self.data.path()
    }

    /// Runs an admin command on this server's data directory; panics with its stderr on failure.
    pub fn cli(&self, args: &[&str], stdin: Option<&str>) -> String {
        let out = self.try_cli(args, stdin);
        assert!(
            out.status.success(),
            "plansync {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs an admin command on this server's data directory and returns how it ended.
    pub fn try_cli(&self, args: &[&str], stdin: Option<&str>) -> std::process::Output {
        let mut child = Command::new(plansync_binary())
            .arg("--data")
            .arg(self.data.path())
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("plansync starts");
        if let Some(input) = stdin {
            writeln!(child.stdin.take().unwrap(), "{input}").unwrap();
        }
        child.wait_with_output().unwrap()
    }

    /// The id of the document of `kind` ("plan", "records", "review") for `unit` ("-" for the plan).
    pub fn doc(&self, kind: &str, unit: &str) -> String {
        self.documents
            .iter()
            .find(|(k, u, _)| k == kind && u == unit)
            .map(|(_, _, id)| id.clone())
            .unwrap_or_else(|| panic!("no {kind} document for {unit}: {:?}", self.documents))
    }

    /// Starts the server (on the same port as before, after a restart) and waits until it answers.
    pub fn start(&mut self) {
        assert!(self.child.is_none(), "already running");
        let listen = self
            .addr
            .map_or_else(|| "127.0.0.1:0".to_string(), |a| a.to_string());
        let mut command = match self.wrapper.split_first() {
            Some((program, args)) => {
                let mut command = Command::new(program);
                command.args(args).arg(plansync_binary());
                command
            }
            None => Command::new(plansync_binary()),
        };
        let mut child = command
            .args(["serve", "--listen", &listen, "--data"])
            .arg(self.data.path())
            // `PLANSYNC_TEST_SERVER_LOG` shows more of the server's log when a test is debugged.
            .env(
                "PLANSYNC_LOG",
                std::env::var("PLANSYNC_TEST_SERVER_LOG").unwrap_or_else(|_| "warn".into()),
            )
            .env("PLANSYNC_TODAY", SERVER_TODAY)
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("plansync serve starts");
        let mut first_line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first_line)
            .unwrap();
        self.scheme = if first_line.contains("https://") {
            "https"
        } else {
            "http"
        };
        let addr: SocketAddr = first_line
            .split("://")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|a| a.parse().ok())
            .unwrap_or_else(|| panic!("server did not say where it listens: {first_line:?}"));
        self.addr = Some(addr);
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(addr).is_err() {
            assert!(Instant::now() < deadline, "server did not start listening");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The server process's id while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// The server process's peak resident memory so far (`VmHWM`), in KiB.
    pub fn peak_rss_kib(&self) -> Option<u64> {
        proc_status_kib(self.pid()?, "VmHWM:")
    }

    /// `http://ADDR`, or `https://ADDR` when the server serves TLS.
    pub fn url(&self) -> String {
        format!("{}://{}", self.scheme, self.addr.expect("started once"))
    }

    /// SIGKILL: no shutdown, no flushing.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().expect("kill");
            child.wait().expect("reaped");
        }
    }

    /// SIGTERM and wait for a clean stop.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill")
                .arg("-TERM")
                .arg(child.id().to_string())
                .status();
            let deadline = Instant::now() + Duration::from_secs(10);
            while child.try_wait().ok().flatten().is_none() {
                if Instant::now() > deadline {
                    let _ = child.kill();
                    break;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = child.wait();
        }
    }
}

/// A `kB` field of `/proc/PID/status`.
pub fn proc_status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix(field))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.kill();
    }
}
