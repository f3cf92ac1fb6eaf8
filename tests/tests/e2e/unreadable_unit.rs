//! Scenario: one unit's records document in the server's storage says it is of another year (as
//! a restore of an old backup can leave it). The office's app still opens on the dashboard built
//! from every other unit, with a banner naming the unit and why, and the unit's row in the table
//! of units says its data could not be read.

use std::time::Duration;

use automerge::transaction::Transactable;
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
                banner.contains(
                    "Không đọc được dữ liệu của Phòng Quản lý hạ tầng: dữ liệu ghi là của năm 2025, không phải năm 2026."
                ),
                "the banner names the unit and why: {banner}"
            );
            let units = texts(&client, "#table-units tbody tr").await?;
            assert!(
                units
                    .iter()
                    .any(|u| u.starts_with("Phòng Kế hoạch – Tài chính")),
                "the other units are counted: {units:?}"
            );
            let qlht = texts(&client, "#table-units tr.unreadable[data-unit=\"QLHT\"]").await?;
            assert_eq!(
                qlht.len(),
                1,
                "the unreadable unit has its own row: {units:?}"
            );
            assert!(qlht[0].contains("Không đọc được dữ liệu"), "{qlht:?}");
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
