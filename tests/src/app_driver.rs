//! Driving the desktop app end to end: a private X server (Xvfb), tauri-driver in front of
//! WebKitWebDriver, and a fantoccini WebDriver session on the app's window.
//!
//! Every process started here is stopped with SIGTERM when its guard drops. tauri-driver must not
//! get SIGKILL: it would leave WebKitWebDriver running, holding its port.

use std::ffi::OsString;
use std::io::{BufRead, BufReader};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use fantoccini::{Client, ClientBuilder};

/// A private X server; stopped when dropped.
pub struct Xvfb {
    child: Child,
    display: String,
}

impl Xvfb {
    /// Starts Xvfb on a free display with one `width`x`height` screen.
    pub fn start(width: u32, height: u32) -> anyhow::Result<Xvfb> {
        // -displayfd makes Xvfb pick a free display and print its number once it accepts clients.
        let mut child = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-nolisten",
                "tcp",
                "-screen",
                "0",
                &format!("{width}x{height}x24"),
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .context("starting Xvfb (apt package xvfb; scripts/setup.sh installs it)")?;
        let stdout = child.stdout.take().context("Xvfb's stdout")?;
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .context("reading Xvfb's display number")?;
        let number = line.trim();
        if number.is_empty() || !number.chars().all(|c| c.is_ascii_digit()) {
            let _ = child.kill();
            bail!("Xvfb did not report a display number (got {line:?})");
        }
        Ok(Xvfb {
            display: format!(":{number}"),
            child,
        })
    }

    /// The `DISPLAY` value for clients (":99").
    pub fn display(&self) -> &str {
        &self.display
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        terminate(&mut self.child, "Xvfb");
    }
}

/// A running tauri-driver; stopped with SIGTERM when dropped.
pub struct TauriDriver {
    child: Child,
    port: u16,
}

impl TauriDriver {
    /// Starts tauri-driver on free ports with `env` added to its environment; tauri-driver passes
    /// its environment on to WebKitWebDriver, which passes it on to the app.
    pub fn start(env: &[(&str, OsString)]) -> anyhow::Result<TauriDriver> {
        let port = free_port()?;
        let native_port = free_port()?;
        let mut command = Command::new("tauri-driver");
        command
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .stdin(Stdio::null());
        for (name, value) in env {
            command.env(name, value);
        }
        let child = command
            .spawn()
            .context("starting tauri-driver (cargo install tauri-driver --locked)")?;
        let mut driver = TauriDriver { child, port };
        driver.wait_for_port(Duration::from_secs(15))?;
        Ok(driver)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    fn wait_for_port(&mut self, timeout: Duration) -> anyhow::Result<()> {
        let start = Instant::now();
        while start.elapsed() < timeout {
            if let Some(status) = self.child.try_wait()? {
                bail!("tauri-driver exited at start ({status})");
            }
            if TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        bail!(
            "tauri-driver did not listen on port {} within {timeout:?}",
            self.port
        )
    }

    /// Opens a WebDriver session, which launches `app`.
    pub async fn session(&self, app: &Path) -> anyhow::Result<Client> {
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), "wry".into());
        caps.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": app }),
        );
        ClientBuilder::native()
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await
            .with_context(|| format!("opening a WebDriver session on {}", app.display()))
    }
}

impl Drop for TauriDriver {
    fn drop(&mut self) {
        terminate(&mut self.child, "tauri-driver");
    }
}

/// A TCP port nobody listens on right now.
pub fn free_port() -> anyhow::Result<u16> {
    let listener = TcpListener::bind(("127.0.0.1", 0)).context("finding a free port")?;
    Ok(listener.local_addr()?.port())
}

/// Sends SIGTERM and waits up to five seconds; only a process that ignores SIGTERM is killed.
fn terminate(child: &mut Child, name: &str) {
    if matches!(child.try_wait(), Ok(Some(_))) {
        return;
    }
    let pid = child.id().to_string();
    let sent = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .is_ok_and(|s| s.success());
    let start = Instant::now();
    while sent && start.elapsed() < Duration::from_secs(5) {
        if matches!(child.try_wait(), Ok(Some(_))) {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    eprintln!("{name} (pid {pid}) did not stop on SIGTERM; killing it");
    let _ = child.kill();
    let _ = child.wait();
}
