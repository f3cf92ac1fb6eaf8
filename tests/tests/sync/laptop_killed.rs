//! The app killed (SIGKILL) at an arbitrary moment loses nothing it reported saved: a laptop
//! process makes edits, printing each once `edit_record` returned, and is killed mid-stream;
//! reopening its data directory shows every edit it reported.
//!
//! With `PLANSYNC_WINE_LAPTOP=FILE.exe` the laptop is the Windows build of `laptop-under-test`
//! run under Wine (`tests/windows/wine-test.sh` sets it, with the Wine prefix it prepared): the
//! Windows process is killed, and the Linux client reopens the files it wrote.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use client::Client;
use shared::calendar::PeriodId;
use shared::documents::records;
use tests::laptop::test_config;
use tests::repo;
use tests::server::{TestServer, PASSWORD};

/// Names the Windows build of `laptop-under-test` to run under Wine instead of the Linux one.
const WINE_LAPTOP_VAR: &str = "PLANSYNC_WINE_LAPTOP";

/// The laptop process with its data directory: the Linux build, or the Windows build under Wine
/// (given the directory as a Windows path; Wine's drive Z: is the Linux root).
fn laptop_command(data_dir: &Path) -> Command {
    match std::env::var_os(WINE_LAPTOP_VAR).filter(|exe| !exe.is_empty()) {
        Some(exe) => {
            let mut command = Command::new("wine");
            let windows_dir = format!("Z:{}", data_dir.display()).replace('/', "\\");
            command.arg(exe).arg(windows_dir);
            command
        }
        None => {
            let mut command =
                Command::new(repo::target_dir().join("debug").join("laptop-under-test"));
            command.arg(data_dir);
            command
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn killing_the_app_loses_nothing_reported_saved() {
    let mut server = TestServer::with_accounts(&[("lan", "QLHT", "staff")]);
    server.start();
    let dir = tempfile::tempdir().unwrap();
    // Recorded kill points (edits reported before the kill), so a failure can be replayed.
    for kill_after in [3usize, 17, 41] {
        let mut child = laptop_command(dir.path())
            .args([&server.url(), "lan", PASSWORD, "QLHT", "1000"])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("laptop-under-test starts");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut last_saved = None;
        while let Some(Ok(line)) = lines.next() {
            let i: usize = line.strip_prefix("saved ").unwrap().parse().unwrap();
            last_saved = Some(i);
            if i >= kill_after {
                break;
            }
        }
        child.kill().unwrap();
        child.wait().unwrap();
        let last_saved = last_saved.expect("the laptop reported edits");

        // Reopen the same files (no network needed) and look for every reported edit.
        let client = Client::open_with(dir.path(), test_config()).await.unwrap();
        let doc = client.records_doc_for("QLHT", 2026).unwrap().id;
        let task_ids = client
            .with_doc(&doc, records::task_ids)
            .await
            .unwrap()
            .unwrap();
        let periods = PeriodId::of_year(2026);
        for i in 0..=last_saved {
            let (task, period, target) = tests::laptop::edit_cell(i, task_ids.len());
            let record = client.read_record(&doc, &task_ids[task]).await.unwrap();
            let actual = record
                .periods
                .iter()
                .find(|p| p.period == periods[period])
                .and_then(|p| p.actuals.iter().find(|(t, _)| *t == target))
                .and_then(|(_, v)| v.current().copied());
            // Later rounds overwrite nothing: each round starts again at edit 0 with the same values.
            assert_eq!(
                actual,
                Some(i as f64),
                "kill after {kill_after}: edit {i} was reported saved"
            );
        }
        client.shutdown().await;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
