//! The server is killed (SIGKILL) at the worst moments and restarted: nothing it relayed or
//! confirmed is lost.

use std::time::Duration;

use shared::calendar::PeriodId;
use shared::documents::records::{RecordEdit, TextField};
use shared::plan::TaskId;
use tests::laptop::{eventually, Laptop};
use tests::server::TestServer;

const WAIT: Duration = Duration::from_secs(40);

#[tokio::test(flavor = "multi_thread")]
async fn a_change_relayed_to_the_office_survives_a_kill() {
    let mut server =
        TestServer::with_accounts(&[("lan", "QLHT", "staff"), ("thamdinh", "VP", "reviewer")]);
    server.start();
    let url = server.url();
    let unit = Laptop::login(&url, "lan").await;
    let office = Laptop::login(&url, "thamdinh").await;
    unit.wait_up_to_date(WAIT).await;
    office.wait_up_to_date(WAIT).await;
    let doc = unit.doc("records", "QLHT");
    let task = TaskId("PAR_INDEX/II/1".into());
    let period: PeriodId = "2026-H1".parse().unwrap();
    for round in 0..3 {
        let text = format!("Lần {round}: đã tổ chức 05 hoạt động theo dõi thi hành pháp luật.");
        unit.client
            .edit_record(
                &doc,
                &task,
                RecordEdit::Text {
                    period,
                    field: TextField::Result,
                    text: text.clone(),
                },
            )
            .await
            .unwrap();
        // The moment the office has it, the server dies without any chance to flush.
        eventually(WAIT, "the office to receive the edit", || async {
            let record = office.client.read_record(&doc, &task).await.ok()?;
            record
                .periods
                .iter()
                .any(|p| p.period == period && p.result == text)
                .then_some(())
        })
        .await;
        server.kill();
        server.start();
        // A fresh client with no local state gets the change from the restarted server.
        let fresh = Laptop::login(&url, "thamdinh").await;
        fresh.wait_up_to_date(WAIT).await;
        let record = fresh.client.read_record(&doc, &task).await.unwrap();
        let result = &record
            .periods
            .iter()
            .find(|p| p.period == period)
            .unwrap()
            .result;
        assert_eq!(
            result, &text,
            "round {round}: the relayed change survived the kill"
        );
        fresh.client.shutdown().await;
        unit.wait_up_to_date(WAIT).await;
        office.wait_up_to_date(WAIT).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn killed_mid_sync_converges_with_nothing_lost() {
    let mut server =
        TestServer::with_accounts(&[("lan", "QLHT", "staff"), ("thamdinh", "VP", "reviewer")]);
    server.start();
    let url = server.url();
    let unit = Laptop::login(&url, "lan").await;
    unit.wait_up_to_date(WAIT).await;
    let doc = unit.doc("records", "QLHT");
    let tasks: Vec<TaskId> = [
        "PAR_INDEX/I/4",
        "PAR_INDEX/I/6",
        "PAR_INDEX/III/6",
        "PAR_INDEX/VII/1",
    ]
    .iter()
    .map(|t| TaskId((*t).into()))
    .collect();
    let period: PeriodId = "2026".parse().unwrap();
    // Forty edits stream out while the server is killed twice and restarted.
    for n in 0..40 {
        let task = &tasks[n % tasks.len()];
        unit.client
            .edit_record(
                &doc,
                task,
                RecordEdit::Actual {
                    period,
                    target: n / tasks.len(),
                    value: Some(n as f64),
                },
            )
            .await
            .unwrap();
        if n == 12 || n == 27 {
            server.kill();
            tokio::time::sleep(Duration::from_millis(200)).await;
            server.start();
        }
    }
    unit.wait_up_to_date(WAIT).await;
    let office = Laptop::login(&url, "thamdinh").await;
    office.wait_up_to_date(WAIT).await;
    for n in 0..40 {
        let task = &tasks[n % tasks.len()];
        let record = office.client.read_record(&doc, task).await.unwrap();
        let actuals = &record
            .periods
            .iter()
            .find(|p| p.period == period)
            .unwrap()
            .actuals;
        let value = actuals
            .iter()
            .find(|(idx, _)| *idx == n / tasks.len())
            .and_then(|(_, v)| v.current().copied());
        assert_eq!(value, Some(n as f64), "edit {n} reached the office");
    }
}
