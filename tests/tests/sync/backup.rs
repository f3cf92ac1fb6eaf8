//! `plansync backup` while five laptops keep writing, `verify`, and `restore` into a new data
//! directory: the restored server gives a fresh laptop every change confirmed before the backup
//! began, and the evidence; a damaged backup fails `verify` naming what is wrong, and `restore`
//! refuses it leaving the directory empty.

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use shared::calendar::PeriodId;
use shared::documents::records::{self, RecordEdit, TextField};
use shared::plan::TaskId;
use tests::laptop::{eventually, Laptop};
use tests::server::TestServer;

const WAIT: Duration = Duration::from_secs(40);

/// (user, unit, index of the task it writes in its unit's records): five laptops, two of them
/// in one unit writing different tasks of the same document.
const WRITERS: [(&str, &str, usize); 5] = [
    ("lan", "QLHT", 0),
    ("nam", "QLHT", 1),
    ("hoa", "KHTC", 0),
    ("minh", "PTDT", 0),
    ("tu", "MOTCUA", 0),
];

fn round_of(text: &str) -> usize {
    text.rsplit("lần ")
        .next()
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_backup_taken_while_five_laptops_write_restores_every_confirmed_change() {
    let mut accounts: Vec<(&str, &str, &str)> = WRITERS
        .iter()
        .map(|(user, unit, _)| (*user, *unit, "staff"))
        .collect();
    accounts.push(("thamdinh", "VP", "reviewer"));
    let mut server = TestServer::with_accounts(&accounts);
    server.start();
    let url = server.url();
    let period: PeriodId = "2026-Q3".parse().unwrap();

    // Evidence in the backup: a 3 MB file attached by lan, uploaded before the backup.
    let mut laptops = Vec::new();
    for (user, unit, task_index) in WRITERS {
        let laptop = Laptop::login(&url, user).await;
        laptop.wait_up_to_date(WAIT).await;
        let doc = laptop.doc("records", unit);
        let tasks = laptop
            .client
            .with_doc(&doc, records::task_ids)
            .await
            .unwrap()
            .unwrap();
        let task: TaskId = tasks[task_index].clone();
        laptops.push((user, laptop, doc, task));
    }
    let evidence_dir = tempfile::tempdir().unwrap();
    let evidence_path = evidence_dir.path().join("Biên bản kiểm tra quý III.pdf");
    let evidence_bytes: Vec<u8> = (0..3_000_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(&evidence_path, &evidence_bytes).unwrap();
    let (_, lan, lan_doc, lan_task) = &laptops[0];
    let evidence = lan
        .client
        .attach_evidence(lan_doc, lan_task, period, &evidence_path)
        .await
        .unwrap();
    eventually(WAIT, "the evidence file to be uploaded", || async {
        (lan.status().uploads.n_files == 0).then_some(())
    })
    .await;
    lan.wait_up_to_date(WAIT).await;

    // Five writers: edit, wait until the server confirms, count the round as confirmed.
    let stop = Arc::new(AtomicBool::new(false));
    let confirmed: Arc<Vec<AtomicUsize>> =
        Arc::new(WRITERS.iter().map(|_| AtomicUsize::new(0)).collect());
    let mut writers = Vec::new();
    for (index, (user, laptop, doc, task)) in laptops.into_iter().enumerate() {
        let stop = stop.clone();
        let confirmed = confirmed.clone();
        writers.push(tokio::spawn(async move {
            let mut round = 0;
            while !stop.load(Ordering::SeqCst) {
                round += 1;
                laptop
                    .client
                    .edit_record(
                        &doc,
                        &task,
                        RecordEdit::Text {
                            period,
                            field: TextField::Result,
                            text: format!("{user}: đã rà soát hồ sơ, lần {round}"),
                        },
                    )
                    .await
                    .unwrap();
                laptop.wait_up_to_date(WAIT).await;
                confirmed[index].store(round, Ordering::SeqCst);
            }
            (laptop, doc, task, round)
        }));
    }
    eventually(WAIT, "every writer to have 3 confirmed rounds", || async {
        confirmed
            .iter()
            .all(|c| c.load(Ordering::SeqCst) >= 3)
            .then_some(())
    })
    .await;

    // The backup, while they keep writing.
    let backups = tempfile::tempdir().unwrap();
    let backup_file = backups.path().join("plansync.tar");
    let before: Vec<usize> = confirmed.iter().map(|c| c.load(Ordering::SeqCst)).collect();
    let output = {
        let args: Vec<String> = vec![
            "backup".into(),
            "--out".into(),
            backup_file.display().to_string(),
        ];
        let data = server.data_dir().to_path_buf();
        tokio::task::spawn_blocking(move || run_cli(&data, &args))
            .await
            .unwrap()
    };
    assert!(
        output.status.success(),
        "backup failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(
        printed.contains("1 evidence file ("),
        "the backup says what it holds: {printed}"
    );
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&backup_file)
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(
            mode & 0o777,
            0o600,
            "a backup holds password hashes: its owner's only"
        );
    }
    // A few more rounds after it, then stop.
    let after_backup: Vec<usize> = confirmed.iter().map(|c| c.load(Ordering::SeqCst)).collect();
    eventually(WAIT, "writers to go on after the backup", || async {
        confirmed
            .iter()
            .zip(&after_backup)
            .all(|(c, a)| c.load(Ordering::SeqCst) >= a + 2)
            .then_some(())
    })
    .await;
    stop.store(true, Ordering::SeqCst);
    let mut written = Vec::new();
    for writer in writers {
        written.push(writer.await.expect("a writer failed"));
    }
    eprintln!(
        "confirmed rounds when the backup began {before:?}, when it ended {after_backup:?}, last {:?}",
        written.iter().map(|w| w.3).collect::<Vec<_>>()
    );

    // verify
    let verified = server.cli(&["verify", backup_file.to_str().unwrap()], None);
    assert!(verified.contains("is sound"), "{verified}");

    // restore into a new directory, serve it, and read with a fresh laptop.
    let restored_dir = tempfile::tempdir().unwrap();
    let output = run_cli(
        restored_dir.path(),
        &["restore".into(), backup_file.display().to_string()],
    );
    assert!(
        output.status.success(),
        "restore failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    server.stop();
    let mut restored = TestServer::on_data_dir(restored_dir);
    restored.start();
    let fresh = Laptop::login(&restored.url(), "thamdinh").await;
    fresh.wait_up_to_date(WAIT).await;
    for (index, (laptop, doc, task, last)) in written.iter().enumerate() {
        let record = fresh.client.read_record(doc, task).await.unwrap();
        let text = record
            .periods
            .iter()
            .find(|p| p.period == period)
            .map(|p| p.result.clone())
            .unwrap_or_default();
        let round = round_of(&text);
        let user = WRITERS[index].0;
        assert!(
            round >= before[index] && round <= *last,
            "{user}: the restored server has round {round} ({text:?}); confirmed before the backup began: {}, last written {last}",
            before[index]
        );
        laptop.client.shutdown().await;
    }
    let fetched = fresh
        .client
        .fetch_evidence(&written[0].1, &evidence.sha256)
        .await
        .expect("the restored server serves the evidence file");
    assert_eq!(std::fs::read(fetched).unwrap(), evidence_bytes);
    fresh.client.shutdown().await;
    restored.stop();

    // Damaged copies fail `verify`, naming the entry; `restore` refuses them and changes nothing.
    let sha = &evidence.sha256;
    let cases = vec![
        (
            "documents",
            Damage::FlipByteIn("documents.sqlite3".into()),
            "documents.sqlite3".to_string(),
        ),
        (
            "evidence",
            Damage::FlipByteIn(format!("files/sha256/{sha}")),
            format!("files/sha256/{sha}: the evidence file is damaged"),
        ),
        (
            "truncated",
            Damage::CutInHalf,
            "manifest.json is missing".to_string(),
        ),
    ];
    for (name, damage, expected) in cases {
        let damaged = backups.path().join(format!("damaged-{name}.tar"));
        std::fs::copy(&backup_file, &damaged).unwrap();
        damage.apply(&damaged);
        let output = run_cli(
            backups.path(),
            &["verify".into(), damaged.display().to_string()],
        );
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            !output.status.success(),
            "{name}: verify passed a damaged backup"
        );
        assert!(
            stderr.contains(&expected),
            "{name}: verify names what is wrong ({expected:?}): {stderr}"
        );
        let target = tempfile::tempdir().unwrap();
        let output = run_cli(
            target.path(),
            &["restore".into(), damaged.display().to_string()],
        );
        assert!(
            !output.status.success(),
            "{name}: restore took a damaged backup"
        );
        assert!(
            !target.path().join("registry.sqlite3").exists()
                && !target.path().join("documents.sqlite3").exists(),
            "{name}: a refused restore leaves no database behind"
        );
    }
}

/// How a test damages a copy of a backup.
enum Damage {
    /// Flips one byte in the middle of the named entry's content.
    FlipByteIn(String),
    /// Keeps the first half of the file.
    CutInHalf,
}

impl Damage {
    fn apply(&self, file: &Path) {
        match self {
            Damage::FlipByteIn(entry_path) => {
                // Located with the tar crate, independently of the server's reader.
                let mut archive = tar::Archive::new(std::fs::File::open(file).unwrap());
                let (offset, size) = archive
                    .entries()
                    .unwrap()
                    .map(Result::unwrap)
                    .find(|e| e.path().unwrap().to_string_lossy() == entry_path.as_str())
                    .map(|e| (e.raw_file_position(), e.size()))
                    .unwrap_or_else(|| panic!("{entry_path} is in the backup"));
                let mut bytes = std::fs::read(file).unwrap();
                let at = usize::try_from(offset + size / 2).unwrap();
                bytes[at] ^= 0x5a;
                std::fs::write(file, bytes).unwrap();
            }
            Damage::CutInHalf => {
                let bytes = std::fs::read(file).unwrap();
                std::fs::write(file, &bytes[..bytes.len() / 2]).unwrap();
            }
        }
    }
}

fn run_cli(data: &Path, args: &[String]) -> std::process::Output {
    std::process::Command::new(tests::server::plansync_binary())
        .arg("--data")
        .arg(data)
        .args(args)
        .output()
        .expect("plansync starts")
}
