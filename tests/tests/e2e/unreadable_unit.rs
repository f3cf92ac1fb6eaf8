//! Scenario: one unit's records document in the server's storage holds what no client may write
//! any more (as a bug or a restore of an old backup can leave it): its header says another year
//! and one task's progress is a word instead of a number. The server restores the header before
//! it accepts a connection; the progress is data, which it does not guess. The office's app opens
//! on the dashboard built from every unit, with a banner naming the unit, the task and the part
//! that could not be read.

use std::time::Duration;

use automerge::transaction::Transactable;
use automerge::ReadDoc;
use fantoccini::Locator;
use tests::server::TestServer;

use crate::sync_bar::with_app;
use crate::{save_screenshot, texts, wait_for};

#[test]
fn the_dashboard_names_a_unit_whose_records_cannot_be_read() {
    let Some(app) = crate::e2e_app("the_dashboard_names_a_unit_whose_records_cannot_be_read")
    else {
        return;
    };
    let mut server = TestServer::with_accounts(&[("thu", "VP", "reviewer")]);
    // Written into the stopped server's storage, as no client may.
    let qlht = server.doc("records", "QLHT");
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let (registry, storage) = server::sync::open_data(server.data_dir()).unwrap();
        let repo = server::sync::open_repo(registry, storage).await;
        let handle = server::publish::find_registered(&repo, &qlht)
            .await
            .unwrap();
        handle.with_document(|doc| {
            doc.transact::<_, _, automerge::AutomergeError>(|tx| {
                tx.put(automerge::ROOT, "year", 2025_i64)?;
                let (_, tasks) = tx.get(automerge::ROOT, "tasks")?.expect("a map of tasks");
                let first = tx.keys(&tasks).next().expect("QLHT has tasks");
                let (_, task) = tx.get(&tasks, first.as_str())?.expect("the task's map");
                tx.put(&task, "progress", "một nửa")?;
                Ok(())
            })
            .unwrap();
        });
        repo.stop().await;
    });
    server.start();
    let url = server.url();
    let data_dir = tempfile::tempdir().expect("a temporary data directory");
    with_app(
        &app,
        &crate::app_env(data_dir.path(), &url, "thu"),
        "e2e-dashboard-unreadable-failure.png",
        |client| async move {
            crate::wait_up_to_date(&client, Duration::from_secs(60)).await?;
            let banner = wait_for("the banner", Duration::from_secs(30), || async {
                Ok(texts(&client, "#unreadable-banner")
                    .await?
                    .into_iter()
                    .next())
            })
            .await?;
            assert!(
                banner.contains("Một số số liệu của Phòng Quản lý hạ tầng bị ghi sai")
                    && banner.contains("– tiến độ"),
                "the banner names the unit, the task and the part: {banner}"
            );
            assert!(
                !banner.contains("năm 2025"),
                "the header was restored by the server: {banner}"
            );
            let units = texts(&client, "#table-units tbody tr").await?;
            assert!(
                units
                    .iter()
                    .any(|u| u.starts_with("Phòng Kế hoạch – Tài chính")),
                "the other units are counted: {units:?}"
            );
            assert!(
                units.iter().any(|u| u.starts_with("Phòng Quản lý hạ tầng")),
                "the unit is still counted from what can be read: {units:?}"
            );
            let whole = texts(&client, "#table-units tr.unreadable").await?;
            assert!(whole.is_empty(), "no unit is wholly unreadable: {whole:?}");
            assert!(
                !client
                    .find_all(Locator::Css("#chart-units .bar"))
                    .await?
                    .is_empty(),
                "the charts are drawn from the other units"
            );
            save_screenshot(&client, "e2e-dashboard-unreadable.png").await?;
            Ok(())
        },
    );
}
