//! Scenario: a unit's staff member attaches an evidence file (tài liệu kiểm chứng) to the
//! period's record by typing its path while the server is down; the page lists it as "Chờ tải
//! lên" and the sync bar counts it. The server comes back, the engine uploads it and the page
//! says "Đã tải lên". The office (a reviewer's laptop) then downloads byte-identical content.

use std::time::Duration;

use anyhow::Context;
use fantoccini::{Client, Locator};
use shared::TaskId;
use tests::laptop::{eventually, Laptop};
use tests::server::TestServer;

use crate::sync_bar::with_app;
use crate::task_record::open_task;
use crate::{save_screenshot, texts, wait_for};

const FILE_NAME: &str = "Báo cáo kiểm chứng quý.pdf";

/// 2,5 MB that are not all alike, so a chunk out of place would show.
fn file_bytes() -> Vec<u8> {
    (0..2_621_440u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect()
}

/// The upload state shown for the file named `name`.
async fn state_of(client: &Client, name: &str) -> anyhow::Result<Option<String>> {
    for item in client.find_all(Locator::Css(".evidence-item")).await? {
        let text = item.text().await?;
        if text.contains(name) {
            let state = item
                .find(Locator::Css(".evidence-state"))
                .await?
                .text()
                .await?;
            return Ok(Some(state.trim().to_string()));
        }
    }
    Ok(None)
}

async fn type_path_and_attach(client: &Client, path: &str) -> anyhow::Result<()> {
    crate::scroll_to(client, "evidence-path", "center").await?;
    // A re-render while typing can put the field's previous value back (clearing it fires no
    // input event): type until the field holds exactly the path.
    let mut typed = false;
    for _ in 0..5 {
        let input = client.find(Locator::Css("#evidence-path")).await?;
        input.clear().await?;
        input.send_keys(path).await?;
        if input.prop("value").await?.as_deref() == Some(path) {
            typed = true;
            break;
        }
    }
    anyhow::ensure!(typed, "the path field would not hold {path}");
    crate::click_when_ready(client, "#evidence-attach").await?;
    Ok(())
}

#[test]
fn evidence_attached_offline_is_uploaded_and_read_by_the_office() {
    let Some(app) = crate::e2e_app("evidence_attached_offline_is_uploaded_and_read_by_the_office")
    else {
        return;
    };
    let mut server =
        TestServer::with_accounts(&[("lan", "QLHT", "staff"), ("thu", "VP", "reviewer")]);
    server.start();
    let url = server.url();
    let data_dir = tempfile::tempdir().expect("a temporary data directory");
    let files = tempfile::tempdir().expect("a folder for the file to attach");
    let source = files.path().join(FILE_NAME);
    let bytes = file_bytes();
    std::fs::write(&source, &bytes).expect("the file to attach");
    let env = crate::app_env(data_dir.path(), &url, "lan");
    let live = &mut server;
    with_app(
        &app,
        &env,
        "e2e-evidence-failure.png",
        |client| async move {
            let office = Laptop::login(&url, "thu").await;
            office.wait_up_to_date(Duration::from_secs(30)).await;
            let records_doc = office.doc("records", "QLHT");
            let task = office.unit_tasks("QLHT").await?.into_iter().next();
            let task = task.context("QLHT reports on at least one task")?;
            let task_id: TaskId = task.id.clone();

            crate::wait_up_to_date(&client, Duration::from_secs(30)).await?;
            open_task(&client, &task_id).await?;
            let period = crate::shown_period(&client).await?;
            let empty = texts(&client, "#record-evidence .hint").await?;
            assert!(
                empty.iter().any(|t| t == "Chưa có tài liệu kiểm chứng."),
                "no evidence yet: {empty:?}"
            );

            live.kill();
            crate::wait_server_gone(&client).await?;

            // A path that is not a file is refused in plain words.
            let missing = files.path().join("không có.pdf");
            type_path_and_attach(&client, &missing.display().to_string()).await?;
            let refused = wait_for(
                "the page to refuse a missing file",
                Duration::from_secs(15),
                || async { Ok(texts(&client, "#evidence-error").await?.into_iter().next()) },
            )
            .await?;
            assert_eq!(
                refused,
                "Không tìm thấy tệp: hãy chọn tệp hoặc kiểm tra lại đường dẫn"
            );

            type_path_and_attach(&client, &source.display().to_string()).await?;
            let waiting = wait_for(
                "the file to be listed as waiting for upload",
                Duration::from_secs(30),
                || state_of(&client, FILE_NAME),
            )
            .await?;
            assert_eq!(waiting, "Chờ tải lên", "attached offline, not uploaded yet");
            let sizes = texts(&client, ".evidence-item .evidence-size").await?;
            assert_eq!(sizes, ["2,5 MB"]);
            let bar = wait_for(
                "the sync bar to count the waiting file",
                Duration::from_secs(15),
                || async { Ok(texts(&client, "#sync-uploads").await?.into_iter().next()) },
            )
            .await?;
            assert_eq!(bar, "1 tệp chờ tải lên (2,5 MB)");
            save_screenshot(&client, "e2e-evidence-offline.png").await?;

            live.start();
            wait_for(
                "the page to say the file is on the server",
                Duration::from_secs(90),
                || async {
                    Ok(state_of(&client, FILE_NAME)
                        .await?
                        .filter(|s| s == "Đã tải lên"))
                },
            )
            .await?;
            wait_for(
                "the sync bar to stop counting uploads",
                Duration::from_secs(30),
                || async {
                    Ok(texts(&client, "#sync-uploads")
                        .await?
                        .is_empty()
                        .then_some(()))
                },
            )
            .await?;
            crate::scroll_to(&client, "record-evidence", "center").await?;
            save_screenshot(&client, "e2e-evidence.png").await?;

            // The office downloads exactly the bytes attached.
            let sha256 = eventually(
                Duration::from_secs(30),
                "the office to see the evidence entry",
                || {
                    let office = &office;
                    let records_doc = records_doc.clone();
                    let task_id = task_id.clone();
                    async move {
                        let p = office.period_record(&records_doc, &task_id, period).await?;
                        p.evidence
                            .iter()
                            .find(|e| e.name == FILE_NAME)
                            .map(|e| e.sha256.clone())
                    }
                },
            )
            .await;
            let fetched = office.client.fetch_evidence(&records_doc, &sha256).await?;
            let downloaded = std::fs::read(&fetched)?;
            assert!(
                downloaded == bytes,
                "the office's copy differs ({} bytes, {} attached)",
                downloaded.len(),
                bytes.len()
            );
            Ok(())
        },
    );
}

/// Scenario: a unit attaches a program and a program renamed as a PDF; "Mở" on either shows it
/// in its folder with why, and never starts it.
#[test]
fn a_program_attached_as_evidence_is_shown_in_its_folder_not_run() {
    let Some(app) = crate::e2e_app("a_program_attached_as_evidence_is_shown_in_its_folder_not_run")
    else {
        return;
    };
    let mut server = TestServer::with_accounts(&[("lan", "QLHT", "staff")]);
    server.start();
    let url = server.url();
    let data_dir = tempfile::tempdir().expect("a temporary data directory");
    let files = tempfile::tempdir().expect("a folder for the files to attach");
    let program = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff";
    let cases = [
        ("cai-dat.exe", "Không mở trực tiếp tệp .exe"),
        (
            "Báo cáo quý.pdf",
            "Không mở trực tiếp tệp này: nội dung không phải tệp .pdf",
        ),
    ];
    for (name, _) in cases {
        // Different bytes, so two entries (evidence is keyed by content).
        let bytes = [&program[..], name.as_bytes()].concat();
        std::fs::write(files.path().join(name), bytes).expect("the file to attach");
    }
    let env = crate::app_env(data_dir.path(), &url, "lan");
    let files = files.path();
    with_app(
        &app,
        &env,
        "e2e-evidence-program-failure.png",
        |client| async move {
            let staff = Laptop::login(&url, "lan").await;
            staff.wait_up_to_date(Duration::from_secs(30)).await;
            let task = staff.unit_tasks("QLHT").await?.into_iter().next();
            let task_id: TaskId = task.context("QLHT reports on a task")?.id.clone();
            crate::wait_up_to_date(&client, Duration::from_secs(30)).await?;
            open_task(&client, &task_id).await?;
            for (name, why) in cases {
                type_path_and_attach(&client, &files.join(name).display().to_string()).await?;
                wait_for("the file to be listed", Duration::from_secs(30), || {
                    state_of(&client, name)
                })
                .await?;
                let mut open_button = None;
                for item in client.find_all(Locator::Css(".evidence-item")).await? {
                    if item.text().await?.contains(name) {
                        open_button = Some(item.find(Locator::Css(".evidence-open")).await?);
                    }
                }
                open_button.context("the file has \"Mở\"")?.click().await?;
                let note = wait_for("the answer", Duration::from_secs(30), || async {
                    let refused = client
                        .find_all(Locator::Css("#evidence-opened[data-refused=\"true\"]"))
                        .await?;
                    Ok(match refused.first() {
                        Some(p) => Some(p.text().await?),
                        None => None,
                    }
                    .filter(|t| t.contains(why)))
                })
                .await?;
                let path = client
                    .find(Locator::Css("#evidence-opened-path"))
                    .await?
                    .prop("value")
                    .await?
                    .unwrap_or_default();
                assert!(
                    path.ends_with(name),
                    "the path of the copy is shown: {path}"
                );
                assert!(
                    !note.contains("Đã mở tệp bằng ứng dụng mặc định"),
                    "{name} is not started: {note}"
                );
            }
            save_screenshot(&client, "e2e-evidence-program.png").await?;
            staff.client.shutdown().await;
            Ok(())
        },
    );
}
