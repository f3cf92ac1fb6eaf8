//! A throwaway PlanSync server in a temporary directory, driven through its CLI.

use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct TestServer {
    pub url: String,
    pub data: PathBuf,
    listen: String,
    binary: PathBuf,
    child: Child,
    _dir: tempfile::TempDir,
}

/// The server binary, or `None` (after saying why) when it has not been built.
pub fn binary() -> Option<PathBuf> {
    let binary = match std::env::var_os("PLANSYNC_BIN") {
        Some(path) => PathBuf::from(path),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/debug/plansync"),
    };
    if binary.exists() {
        Some(binary)
    } else {
        eprintln!(
            "SKIPPED: no server binary at {} (build it with `cargo build -p server`, or set PLANSYNC_BIN)",
            binary.display()
        );
        None
    }
}

impl TestServer {
    /// Publishes the Tuyên Quang plan for 2026 (with unit VP = Văn phòng Sở) and serves it.
    pub fn start(binary: PathBuf) -> TestServer {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("server");
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../fixtures/plans/tuyen-quang-sxd-2026.txt");
        let cli = |args: &[&str]| {
            let output = Command::new(&binary)
                .arg("--data")
                .arg(&data)
                .args(args)
                .output()
                .unwrap();
            assert!(
                output.status.success(),
                "plansync {args:?} failed: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            String::from_utf8(output.stdout).unwrap()
        };
        cli(&[
            "unit",
            "add",
            "VP",
            "--name",
            "Văn phòng Sở",
            "--kind",
            "office",
        ]);
        cli(&[
            "plan",
            "publish",
            fixture.to_str().unwrap(),
            "--year",
            "2026",
        ]);
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let listen = format!("127.0.0.1:{port}");
        let child = serve(&binary, &data, &listen);
        TestServer {
            url: format!("http://{listen}"),
            data,
            listen,
            binary,
            child,
            _dir: dir,
        }
    }

    /// Kills the server (no clean shutdown, as in a crash or power loss).
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Starts the server again on the same address and data.
    pub fn restart(&mut self) {
        self.kill();
        self.child = serve(&self.binary, &self.data, &self.listen);
    }

    /// Runs an admin command against the server's data (while it serves).
    pub fn cli(&self, args: &[&str]) -> String {
        let output = Command::new(&self.binary)
            .arg("--data")
            .arg(&self.data)
            .args(args)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "plansync {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    }

    pub fn add_user(&self, username: &str, unit: &str, role: &str, password: &str) {
        let mut child = Command::new(&self.binary)
            .arg("--data")
            .arg(&self.data)
            .args(["user", "add", username, "--unit", unit, "--role", role])
            .arg("--password-stdin")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
        let output = child.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "user add {username} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

fn serve(binary: &Path, data: &Path, listen: &str) -> Child {
    let child = Command::new(binary)
        .arg("--data")
        .arg(data)
        .args(["serve", "--listen", listen])
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(listen).is_err() {
        assert!(
            Instant::now() < deadline,
            "the server did not listen on {listen}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    child
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
