//! The reporting year rolls over by itself: with the server's clock at 15/12/2026 (the day
//! 2027-Q1's data window opens), every unit that reports on a task, including one registered
//! after the plan was published and one registered while the server runs, gets its 2027
//! records and review documents without an administrator; a laptop records a 2027-Q1 result
//! that reaches the office, and 2026 stays readable. `plansync year open` does the same by
//! hand, idempotently, and refuses a year the plan does not cover.

use std::collections::BTreeSet;
use std::time::Duration;

use client::DocInfo;
use shared::calendar::PeriodId;
use shared::documents::records::{RecordEdit, TextField};
use shared::documents::DocumentKind;
use shared::plan::TaskId;
use tests::laptop::{eventually, Laptop};
use tests::server::TestServer;

const WAIT: Duration = Duration::from_secs(60);
/// Registered after publishing, before the server starts.
const GDXD: (&str, &str) = ("GDXD", "Phòng Giám định xây dựng");
/// Registered while the server runs.
const TTKD: (&str, &str) = ("TTKD", "Trung tâm Kiểm định chất lượng công trình xây dựng");
/// The seed plan's task whose time frame reads "Kế hoạch đã hoàn thành": reported in the
/// plan's first year only.
const ALREADY_DONE: &str = "PAR_INDEX/I/1";

fn result(period: &str, text: &str) -> RecordEdit {
    RecordEdit::Text {
        period: period.parse::<PeriodId>().unwrap(),
        field: TextField::Result,
        text: text.into(),
    }
}

fn units_with(docs: &[DocInfo], kind: DocumentKind, year: i32) -> BTreeSet<String> {
    docs.iter()
        .filter(|d| d.kind == kind && d.year == Some(year))
        .filter_map(|d| d.unit.clone())
        .collect()
}

fn add_unit(server: &TestServer, (code, name): (&str, &str)) {
    server.cli(
        &[
            "unit",
            "add",
            code,
            "--name",
            name,
            "--kind",
            "public-service",
        ],
        None,
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn on_the_fifteenth_of_december_every_unit_gets_next_year_s_documents() {
    let mut server =
        TestServer::with_accounts(&[("lan", "QLHT", "staff"), ("thamdinh", "VP", "reviewer")]);
    add_unit(&server, GDXD);
    // 14/12: 2027 is not open yet.
    server.set_env("PLANSYNC_TODAY", "14/12/2026");
    server.start();
    let office = Laptop::login(&server.url(), "thamdinh").await;
    office.wait_up_to_date(WAIT).await;
    let docs = eventually(WAIT, "GDXD's 2026 documents", || async {
        let docs = office.client.refresh_documents().await.ok()?;
        units_with(&docs, DocumentKind::Records, 2026)
            .contains(GDXD.0)
            .then_some(docs)
    })
    .await;
    assert!(
        docs.iter().all(|d| d.year != Some(2027)),
        "nothing of 2027 before its first window opens: {docs:?}"
    );
    let units_2026 = units_with(&docs, DocumentKind::Records, 2026);
    assert!(units_2026.len() >= 5, "{units_2026:?}");
    let lan = Laptop::login(&server.url(), "lan").await;
    lan.wait_up_to_date(WAIT).await;
    let qlht_2026 = lan.client.records_doc_for("QLHT", 2026).unwrap().id;
    let task = lan.unit_tasks("QLHT").await.unwrap()[1].id.clone();
    lan.client
        .edit_record(
            &qlht_2026,
            &task,
            result("2026", "Kết quả năm 2026 của QLHT"),
        )
        .await
        .unwrap();
    lan.wait_up_to_date(WAIT).await;
    lan.client.shutdown().await;
    office.client.shutdown().await;
    server.stop();

    // 15/12: the server opens 2027 by itself, at start.
    server.set_env("PLANSYNC_TODAY", "15/12/2026");
    server.start();
    let office = Laptop::login(&server.url(), "thamdinh").await;
    let docs = eventually(WAIT, "every unit's 2027 documents", || async {
        let docs = office.client.refresh_documents().await.ok()?;
        (units_with(&docs, DocumentKind::Records, 2027) == units_2026
            && units_with(&docs, DocumentKind::Review, 2027) == units_2026)
            .then_some(docs)
    })
    .await;
    assert!(
        docs.iter().all(|d| d.year.is_none_or(|y| y <= 2027)),
        "no year past the one that opened: {docs:?}"
    );

    // A unit registered while the server runs gets both years.
    add_unit(&server, TTKD);
    eventually(
        WAIT,
        "the unit registered later gets 2026 and 2027",
        || async {
            let docs = office.client.refresh_documents().await.ok()?;
            [2026, 2027]
                .iter()
                .all(|year| {
                    units_with(&docs, DocumentKind::Records, *year).contains(TTKD.0)
                        && units_with(&docs, DocumentKind::Review, *year).contains(TTKD.0)
                })
                .then_some(())
        },
    )
    .await;

    // The laptop records a 2027-Q1 result; the office has it; 2026 is still there.
    let lan = Laptop::login(&server.url(), "lan").await;
    let qlht_2027 = eventually(WAIT, "QLHT's 2027 records on the laptop", || async {
        lan.client.refresh_documents().await.ok()?;
        lan.client.records_doc_for("QLHT", 2027)
    })
    .await
    .id;
    let tasks_2027 = eventually(WAIT, "QLHT's 2027 records downloaded", || async {
        lan.client
            .with_doc(&qlht_2027, shared::documents::records::task_ids)
            .await
            .ok()?
            .ok()
    })
    .await;
    let tasks_2026 = lan
        .client
        .with_doc(&qlht_2026, shared::documents::records::task_ids)
        .await
        .unwrap()
        .unwrap();
    let already_done = TaskId(ALREADY_DONE.into());
    assert!(tasks_2026.contains(&already_done));
    assert!(
        !tasks_2027.contains(&already_done),
        "a task done before the plan is not reported in 2027"
    );
    assert_eq!(
        tasks_2027.len() + 1,
        tasks_2026.len(),
        "every other task of 2026 is in 2027"
    );
    lan.client
        .edit_record(
            &qlht_2027,
            &task,
            result("2027-Q1", "Kết quả quý I/2027 của QLHT"),
        )
        .await
        .unwrap();
    lan.wait_up_to_date(WAIT).await;
    let q1 = "2027-Q1".parse().unwrap();
    let at_office = eventually(WAIT, "the 2027-Q1 result at the office", || async {
        office.client.refresh_documents().await.ok()?;
        office.period_record(&qlht_2027, &task, q1).await
    })
    .await;
    assert_eq!(at_office.result, "Kết quả quý I/2027 của QLHT");
    for laptop in [&lan, &office] {
        let year_2026 = eventually(WAIT, "the 2026 result still readable", || async {
            laptop
                .period_record(&qlht_2026, &task, "2026".parse().unwrap())
                .await
        })
        .await;
        assert_eq!(year_2026.result, "Kết quả năm 2026 của QLHT");
    }

    // By hand: refused while the server runs; then idempotent; never past the plan.
    let refused = server.try_cli(&["year", "open", "2028"], None);
    assert!(!refused.status.success());
    lan.client.shutdown().await;
    office.client.shutdown().await;
    server.stop();
    let first = server.cli(&["year", "open", "2028"], None);
    let created = first.lines().filter(|l| l.ends_with("\tcreated")).count();
    assert_eq!(
        created,
        2 * (units_2026.len() + 1),
        "records and review of every unit: {first}"
    );
    let again = server.cli(&["year", "open", "2028"], None);
    assert!(
        again.lines().all(|l| l.ends_with("\tupdated")) && again.lines().count() == created,
        "{again}"
    );
    let past = server.try_cli(&["year", "open", "2031"], None);
    assert!(!past.status.success());
    let why = String::from_utf8_lossy(&past.stderr);
    assert!(why.contains("2026-2030"), "{why}");
}
