//! Upgrades: today's server starts on a data directory an earlier PlanSync wrote
//! (fixtures/upgrade/), backs it up before migrating, migrates it, and serves all it held; a
//! directory written by a newer PlanSync is refused with a clear message and left untouched.

use std::path::Path;
use std::time::Duration;

use shared::calendar::PeriodId;
use shared::documents::records::{RecordEdit, TextField};
use shared::plan::TaskId;
use tests::laptop::Laptop;
use tests::server::TestServer;

const WAIT: Duration = Duration::from_secs(40);
/// What the fixture's laptop wrote (fixtures/upgrade/README.md).
const RESULT: &str = "Đã rà soát 12 thủ tục hành chính; cắt giảm 3 thành phần hồ sơ.";
const EVIDENCE_SHA256: &str = "fc93f24f74f771e74fadeebba46168b309fc686612c5e5793ae78b4407fe725e";

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn user_version(path: &Path) -> i64 {
    rusqlite::Connection::open(path)
        .unwrap()
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .unwrap()
}

fn older_data() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(
        &tests::repo::root().join("fixtures/upgrade/data-eaa60ab"),
        dir.path(),
    );
    dir
}

#[tokio::test(flavor = "multi_thread")]
async fn data_written_by_an_earlier_release_is_backed_up_migrated_and_served() {
    let data = older_data();
    let registry = data.path().join("registry.sqlite3");
    assert_eq!(
        user_version(&registry),
        2,
        "the fixture is the older format"
    );
    // Stored two days ago, as on a server that has run for a while; the evidence sweep, which
    // deletes files no unit holds once they are an hour old, runs every second.
    let evidence = data.path().join("files/sha256").join(EVIDENCE_SHA256);
    std::fs::File::options()
        .write(true)
        .open(&evidence)
        .unwrap()
        .set_modified(std::time::SystemTime::now() - Duration::from_secs(2 * 86_400))
        .unwrap();
    let mut server = TestServer::on_data_dir(data);
    server.set_env("PLANSYNC_SWEEP_EVERY_SECS", "1");
    server.start();

    // The backup taken before migrating, and sound.
    let backups: Vec<_> = std::fs::read_dir(server.data_dir().join("backups"))
        .expect("a backups folder")
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(
        backups.len(),
        1,
        "one backup before the upgrade: {backups:?}"
    );
    let name = backups[0]
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert!(
        name.starts_with("before-upgrade-") && name.ends_with(".tar"),
        "{name}"
    );
    let verified = server.cli(&["verify", backups[0].to_str().unwrap()], None);
    assert!(verified.contains("is sound"), "{verified}");
    let manifest = read_manifest(&backups[0]);
    let registry_in_backup = manifest["databases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["path"] == "registry.sqlite3")
        .unwrap();
    assert_eq!(
        registry_in_backup["schema_version"], 2,
        "the backup holds the data as it was before the migration"
    );
    assert_eq!(
        user_version(&server.data_dir().join("registry.sqlite3")),
        server::registry::SCHEMA_VERSION,
        "migrated"
    );

    // Everything the older release held is served: accounts, documents, the record, evidence.
    let office = Laptop::login(&server.url(), "thamdinh").await;
    office.wait_up_to_date(WAIT).await;
    let doc = office.doc("records", "QLHT");
    let task = TaskId("PAPI/1/1.1".into());
    let q3: PeriodId = "2026-Q3".parse().unwrap();
    let record = office.client.read_record(&doc, &task).await.unwrap();
    let period = record.periods.iter().find(|p| p.period == q3).unwrap();
    assert_eq!(period.result, RESULT);
    assert_eq!(period.evidence.len(), 1);
    assert_eq!(period.evidence[0].sha256, EVIDENCE_SHA256);
    let fetched = office
        .client
        .fetch_evidence(&doc, EVIDENCE_SHA256)
        .await
        .expect("the evidence file is served");
    assert_eq!(server::files::hash_file(&fetched).unwrap(), EVIDENCE_SHA256);
    // And the unit writes on: a new change on the migrated data.
    let lan = Laptop::login(&server.url(), "lan").await;
    lan.wait_up_to_date(WAIT).await;
    lan.client
        .edit_record(
            &doc,
            &task,
            RecordEdit::Text {
                period: q3,
                field: TextField::Difficulties,
                text: "Thiếu cán bộ chuyên trách.".into(),
            },
        )
        .await
        .unwrap();
    lan.wait_up_to_date(WAIT).await;
    lan.client.shutdown().await;
    office.client.shutdown().await;

    // Sweeps have run since: the migrated file is held by its unit, not deleted.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert!(
        server
            .data_dir()
            .join("files/sha256")
            .join(EVIDENCE_SHA256)
            .exists(),
        "the evidence stored before the upgrade survives the evidence sweep"
    );

    // A second start has nothing to migrate: no second backup.
    server.stop();
    server.start();
    let n_backups = std::fs::read_dir(server.data_dir().join("backups"))
        .unwrap()
        .count();
    assert_eq!(n_backups, 1, "no backup when nothing is migrated");
    server.stop();
}

#[test]
fn data_written_by_a_newer_release_is_refused_untouched() {
    let data = older_data();
    let registry = data.path().join("registry.sqlite3");
    rusqlite::Connection::open(&registry)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let before = std::fs::read(&registry).unwrap();
    let server = TestServer::on_data_dir(data);
    let output = server.try_cli(&["serve", "--listen", "127.0.0.1:0"], None);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "serve started on newer data");
    assert!(
        stderr.contains("schema version 99") && stderr.contains("update PlanSync"),
        "says why: {stderr}"
    );
    assert_eq!(
        std::fs::read(&registry).unwrap(),
        before,
        "the newer data is left as it was"
    );
    assert!(
        !server.data_dir().join("backups").exists(),
        "nothing to back up for a refused start"
    );
}

fn read_manifest(backup: &Path) -> serde_json::Value {
    let mut archive = tar::Archive::new(std::fs::File::open(backup).unwrap());
    let entry = archive
        .entries()
        .unwrap()
        .map(Result::unwrap)
        .find(|e| e.path().unwrap().to_string_lossy() == "manifest.json")
        .expect("a manifest");
    serde_json::from_reader(entry).unwrap()
}
