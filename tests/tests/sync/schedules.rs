//! Random schedules of edits, disconnects, reconnects and restarts (of the server and of
//! laptops) against a real server: afterwards every replica is the same document and every edit
//! made anywhere is in it.
//!
//! A modest number of schedules runs by default; `PLANSYNC_SYNC_CASES=N` runs N. A failing
//! schedule is saved by proptest beside this file (`schedules.regressions`) and replayed first
//! on every later run.

use std::collections::BTreeSet;
use std::time::Duration;

use automerge::ReadDoc;
use client::ChangeHash;
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, TestRunner};
use shared::calendar::PeriodId;
use shared::documents::records::{RecordEdit, TaskStatus, TextField};
use shared::plan::TaskId;
use tests::laptop::Laptop;
use tests::server::TestServer;

const TASKS: [&str; 3] = ["PAR_INDEX/I/4", "PAR_INDEX/I/6", "SIPAS/A/I/1"];
const WAIT: Duration = Duration::from_secs(60);

#[derive(Debug, Clone)]
enum Step {
    Edit {
        laptop: usize,
        task: usize,
        edit: EditKind,
    },
    Disconnect(usize),
    Reconnect(usize),
    RestartLaptop(usize),
    RestartServer,
    Pause,
}

#[derive(Debug, Clone)]
enum EditKind {
    Status(usize),
    Progress(u8),
    Result(String),
    Actual(u8),
}

fn step() -> impl Strategy<Value = Step> {
    let laptop = 0usize..2;
    let edit = prop_oneof![
        (0usize..4).prop_map(EditKind::Status),
        (0u8..=100).prop_map(EditKind::Progress),
        "[a-zđăâêôơư ]{0,12}".prop_map(EditKind::Result),
        any::<u8>().prop_map(EditKind::Actual),
    ];
    prop_oneof![
        6 => (laptop.clone(), 0usize..TASKS.len(), edit).prop_map(|(laptop, task, edit)| Step::Edit { laptop, task, edit }),
        1 => laptop.clone().prop_map(Step::Disconnect),
        1 => laptop.clone().prop_map(Step::Reconnect),
        1 => laptop.prop_map(Step::RestartLaptop),
        1 => Just(Step::RestartServer),
        1 => Just(Step::Pause),
    ]
}

fn record_edit(kind: &EditKind) -> RecordEdit {
    let period: PeriodId = "2026-Q3".parse().unwrap();
    match kind {
        EditKind::Status(s) => RecordEdit::Status {
            status: TaskStatus::ALL[*s],
        },
        EditKind::Progress(p) => RecordEdit::Progress { percent: *p },
        EditKind::Result(text) => RecordEdit::Text {
            period,
            field: TextField::Result,
            text: text.clone(),
        },
        EditKind::Actual(v) => RecordEdit::Actual {
            period,
            target: 0,
            value: Some(f64::from(*v)),
        },
    }
}

async fn run_schedule(steps: Vec<Step>) -> Result<(), TestCaseError> {
    let mut server = TestServer::with_accounts(&[
        ("lan", "QLHT", "staff"),
        ("minh", "QLHT", "staff"),
        ("thamdinh", "VP", "reviewer"),
    ]);
    server.start();
    let url = server.url();
    let mut laptops = vec![
        Laptop::login(&url, "lan").await,
        Laptop::login(&url, "minh").await,
    ];
    for laptop in &laptops {
        laptop.wait_up_to_date(WAIT).await;
    }
    let doc = laptops[0].doc("records", "QLHT");
    let mut made: BTreeSet<ChangeHash> = BTreeSet::new();
    for step in &steps {
        match step {
            Step::Edit { laptop, task, edit } => {
                let client = &laptops[*laptop].client;
                let before: BTreeSet<ChangeHash> =
                    client.doc_heads(&doc).await.unwrap().into_iter().collect();
                client
                    .edit_record(&doc, &TaskId(TASKS[*task].into()), record_edit(edit))
                    .await
                    .unwrap();
                let after: BTreeSet<ChangeHash> =
                    client.doc_heads(&doc).await.unwrap().into_iter().collect();
                made.extend(after.difference(&before).copied());
            }
            Step::Disconnect(l) => laptops[*l].client.stop_sync(),
            Step::Reconnect(l) => laptops[*l].client.start_sync(),
            Step::RestartLaptop(l) => laptops[*l].restart().await,
            Step::RestartServer => {
                server.kill();
                server.start();
            }
            Step::Pause => tokio::time::sleep(Duration::from_millis(150)).await,
        }
    }
    for laptop in &laptops {
        laptop.client.start_sync();
    }
    for laptop in &laptops {
        laptop.wait_up_to_date(WAIT).await;
    }
    let office = Laptop::login(&url, "thamdinh").await;
    office.wait_up_to_date(WAIT).await;
    laptops.push(office);

    let mut all_heads = Vec::new();
    for laptop in &laptops {
        let expected = made.clone();
        let (mut heads, missing) = laptop
            .client
            .with_doc(&doc, move |d| {
                let missing: Vec<ChangeHash> = expected
                    .iter()
                    .filter(|h| d.get_change_by_hash(h).is_none())
                    .copied()
                    .collect();
                (d.get_heads(), missing)
            })
            .await
            .unwrap();
        prop_assert!(
            missing.is_empty(),
            "{} lacks {} of the {} edits made",
            laptop.name,
            missing.len(),
            made.len()
        );
        heads.sort();
        all_heads.push(heads);
    }
    prop_assert!(
        all_heads.windows(2).all(|w| w[0] == w[1]),
        "every replica is the same document"
    );
    for laptop in laptops {
        laptop.client.shutdown().await;
    }
    Ok(())
}

fn cases() -> u32 {
    std::env::var("PLANSYNC_SYNC_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(8)
}

#[test]
fn random_schedules_converge_with_nothing_lost() {
    let config = Config {
        cases: cases(),
        max_shrink_iters: 20,
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("regressions"))),
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let result = runner.run(&prop::collection::vec(step(), 5..30), |steps| {
        runtime.block_on(run_schedule(steps))
    });
    if let Err(err) = result {
        panic!("{err}");
    }
}
