//! An accepted period is locked, and the server enforces it: edits of the period that reach
//! the server after the acceptance (from a peer that ignores the client's rule, or from a laptop
//! that edited offline before it heard of the acceptance) are undone by a change of the server's,
//! while other periods and the task's status stay editable; once the verdict is "returned" the
//! period is open again.

use std::time::Duration;

use samod::DocHandle;
use shared::calendar::PeriodId;
use shared::documents::history::history;
use shared::documents::records::{self, RecordEdit, TaskRecord, TaskStatus, TextField};
use shared::documents::review::Verdict;
use shared::documents::ChangeAuthor;
use shared::plan::TaskId;
use tests::laptop::{eventually, Laptop};
use tests::rogue::RoguePeer;
use tests::server::{TestServer, PASSWORD};

const WAIT: Duration = Duration::from_secs(40);
const ACCEPTED_TEXT: &str = "Đã rà soát 12 thủ tục hành chính, đạt 100%.";

fn task() -> TaskId {
    TaskId("PAR_INDEX/I/4".into())
}

fn q1() -> PeriodId {
    "2026-Q1".parse().unwrap()
}

fn q3() -> PeriodId {
    "2026-Q3".parse().unwrap()
}

fn text(period: PeriodId, text: &str) -> RecordEdit {
    RecordEdit::Text {
        period,
        field: TextField::Result,
        text: text.into(),
    }
}

fn actual(period: PeriodId, value: f64) -> RecordEdit {
    RecordEdit::Actual {
        period,
        target: 0,
        value: Some(value),
    }
}

/// (result, actual #0) of a period.
fn period_of(record: &TaskRecord, period: PeriodId) -> (String, Option<f64>) {
    let p = record.periods.iter().find(|p| p.period == period).unwrap();
    let actual = p
        .actuals
        .iter()
        .find(|(i, _)| *i == 0)
        .and_then(|(_, v)| v.current().copied());
    (p.result.clone(), actual)
}

fn accepted() -> (String, Option<f64>) {
    (ACCEPTED_TEXT.to_string(), Some(12.0))
}

/// A unit's staff member records Q1, the office accepts it, and every laptop has heard.
async fn accepted_q1(server: &TestServer) -> (Laptop, Laptop) {
    let url = server.url();
    let lan = Laptop::login(&url, "lan").await;
    let office = Laptop::login(&url, "thamdinh").await;
    lan.wait_up_to_date(WAIT).await;
    office.wait_up_to_date(WAIT).await;
    let records_doc = lan.doc("records", "QLHT");
    lan.client
        .edit_record(&records_doc, &task(), text(q1(), ACCEPTED_TEXT))
        .await
        .unwrap();
    lan.client
        .edit_record(&records_doc, &task(), actual(q1(), 12.0))
        .await
        .unwrap();
    lan.wait_up_to_date(WAIT).await;
    eventually(WAIT, "the office to receive Q1", || async {
        let record = office
            .client
            .read_record(&records_doc, &task())
            .await
            .ok()?;
        (period_of(&record, q1()) == accepted()).then_some(())
    })
    .await;
    office
        .client
        .set_verdict(
            &office.doc("review", "QLHT"),
            &task(),
            q1(),
            Verdict::Accepted,
            "Đạt",
        )
        .await
        .unwrap();
    office.wait_up_to_date(WAIT).await;
    (lan, office)
}

fn fresh_doc(laptop: &Laptop) -> client::DocumentId {
    laptop.doc("records", "QLHT")
}

async fn set_verdict(office: &Laptop, verdict: Verdict) {
    office
        .client
        .set_verdict(&office.doc("review", "QLHT"), &task(), q1(), verdict, "")
        .await
        .unwrap();
    office.wait_up_to_date(WAIT).await;
}

/// Writes `edit` straight into the peer's copy, as a client that skips every check would.
fn rogue_edit(handle: &DocHandle, edit: &RecordEdit) {
    let author = ChangeAuthor {
        user: "lan".into(),
        device: "rogue".into(),
        what: String::new(),
    };
    handle
        .with_document(|doc| records::apply(doc, &author, 1_700_000_000_000, &task(), edit))
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn edits_of_an_accepted_period_are_undone_everywhere() {
    let mut server = TestServer::with_accounts(&[
        ("lan", "QLHT", "staff"),
        ("minh", "QLHT", "staff"),
        ("thamdinh", "VP", "reviewer"),
    ]);
    server.start();
    let url = server.url();
    // Minh's laptop has the documents, then goes offline before the acceptance.
    let minh = Laptop::login(&url, "minh").await;
    minh.wait_up_to_date(WAIT).await;
    minh.client.stop_sync();
    let (lan, office) = accepted_q1(&server).await;
    let records_doc = server.doc("records", "QLHT");

    // (1) A peer of the unit that ignores the client's rule edits the accepted period, another
    // period and the status.
    let rogue = RoguePeer::connect(&url, "lan", PASSWORD, "rogue").await;
    let handle = rogue
        .fetch(&records_doc)
        .await
        .expect("staff read own records");
    eventually(WAIT, "the rogue peer to have Q1", || async {
        let record = records::read(&handle.with_document(|d| d.clone()), &task()).ok()?;
        (period_of(&record, q1()) == accepted()).then_some(())
    })
    .await;
    rogue_edit(&handle, &text(q1(), "Sửa lại sau khi đã được duyệt"));
    rogue_edit(&handle, &actual(q1(), 99.0));
    rogue_edit(&handle, &text(q3(), "Quý III: đang triển khai"));
    rogue_edit(
        &handle,
        &RecordEdit::Status {
            status: TaskStatus::Done,
        },
    );
    let fresh = Laptop::login(&url, "thamdinh").await;
    // The server received the rogue's edits (they are in history) and Q1 is the accepted one.
    let records_id = fresh_doc(&fresh);
    let record = eventually(
        WAIT,
        "a fresh reviewer to see the rogue's open edits and the accepted Q1",
        || async {
            fresh.wait_up_to_date(WAIT).await;
            let record = fresh.client.read_record(&records_id, &task()).await.ok()?;
            let entries = fresh.client.history(&records_id).await.ok()?;
            let received = entries
                .iter()
                .filter(|h| h.device == "rogue" && h.what.ends_with("2026-Q1"))
                .count()
                == 2;
            (received
                && period_of(&record, q3()).0 == "Quý III: đang triển khai"
                && period_of(&record, q1()) == accepted())
            .then_some(record)
        },
    )
    .await;
    assert_eq!(
        record.status.current(),
        Some(&TaskStatus::Done),
        "status stays editable"
    );
    // The rogue's own copy is brought back too.
    eventually(WAIT, "the rogue's copy to converge", || async {
        let record = records::read(&handle.with_document(|d| d.clone()), &task()).ok()?;
        (period_of(&record, q1()) == accepted()).then_some(())
    })
    .await;
    rogue.stop().await;

    // (2) Minh edited Q1 offline, before hearing of the acceptance, then syncs.
    let minh_doc = minh.doc("records", "QLHT");
    minh.client
        .edit_record(
            &minh_doc,
            &task(),
            text(q1(), "Bản của Minh soạn khi mất mạng"),
        )
        .await
        .expect("the laptop does not know about the acceptance yet");
    minh.client.start_sync();
    minh.wait_up_to_date(WAIT).await;
    for laptop in [&minh, &lan, &office, &fresh] {
        eventually(WAIT, "every laptop to hold the accepted Q1", || async {
            laptop.wait_up_to_date(WAIT).await;
            let record = laptop.client.read_record(&minh_doc, &task()).await.ok()?;
            (period_of(&record, q1()) == accepted()).then_some(())
        })
        .await;
    }
    let entries = office.client.history(&minh_doc).await.unwrap();
    assert!(
        entries
            .iter()
            .any(|h| h.user == "minh" && h.what == "result 2026-Q1"),
        "the offline edit is in history"
    );
    assert!(
        entries.iter().any(|h| h.user == "plansync"
            && h.device.starts_with("server")
            && h.what == "PAR_INDEX/I/4 2026-Q1 locked: accepted"),
        "the server's restore names itself: {entries:?}"
    );
    let heads = office.client.doc_heads(&minh_doc).await.unwrap();
    for laptop in [&minh, &lan, &fresh] {
        let mut theirs = laptop.client.doc_heads(&minh_doc).await.unwrap();
        theirs.sort();
        let mut ours = heads.clone();
        ours.sort();
        assert_eq!(theirs, ours, "{} holds the same document", laptop.name);
    }
    for laptop in [minh, lan, office, fresh] {
        laptop.client.shutdown().await;
    }

    // The server's own copy, read from its data directory after a clean stop.
    server.stop();
    let (registry, storage) = server::sync::open_data(server.data_dir()).unwrap();
    let repo = server::sync::open_repo(registry, storage).await;
    let handle = server::publish::find_registered(&repo, &records_doc)
        .await
        .unwrap();
    let (record, entries) =
        handle.with_document(|doc| (records::read(doc, &task()).unwrap(), history(doc)));
    assert_eq!(period_of(&record, q1()), accepted());
    assert_eq!(period_of(&record, q3()).0, "Quý III: đang triển khai");
    assert!(
        entries.iter().any(|h| h.device == "rogue"),
        "the attempt is in history"
    );
    repo.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_returned_period_is_open_again() {
    let mut server =
        TestServer::with_accounts(&[("lan", "QLHT", "staff"), ("thamdinh", "VP", "reviewer")]);
    server.start();
    let (lan, office) = accepted_q1(&server).await;
    let records_doc = lan.doc("records", "QLHT");
    set_verdict(&office, Verdict::Returned).await;
    eventually(WAIT, "the unit to hear the period was returned", || async {
        lan.wait_up_to_date(WAIT).await;
        let review = lan
            .client
            .read_review(&lan.doc("review", "QLHT"), &task(), q1())
            .await
            .ok()?;
        (review.verdict.current() == Some(&Verdict::Returned)).then_some(())
    })
    .await;
    let revised = "Bổ sung: đã rà soát 15 thủ tục hành chính.";
    lan.client
        .edit_record(&records_doc, &task(), text(q1(), revised))
        .await
        .unwrap();
    lan.client
        .edit_record(&records_doc, &task(), actual(q1(), 15.0))
        .await
        .unwrap();
    lan.wait_up_to_date(WAIT).await;
    eventually(WAIT, "the office to receive the revision", || async {
        office.wait_up_to_date(WAIT).await;
        let record = office
            .client
            .read_record(&records_doc, &task())
            .await
            .ok()?;
        (period_of(&record, q1()) == (revised.to_string(), Some(15.0))).then_some(())
    })
    .await;
    // Still there a while later: nothing undid it.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    for laptop in [&lan, &office] {
        laptop.wait_up_to_date(WAIT).await;
        let record = laptop
            .client
            .read_record(&records_doc, &task())
            .await
            .unwrap();
        assert_eq!(period_of(&record, q1()), (revised.to_string(), Some(15.0)));
        let entries = laptop.client.history(&records_doc).await.unwrap();
        assert!(!entries.iter().any(|h| h.what.ends_with("locked: accepted")));
    }
    for laptop in [lan, office] {
        laptop.client.shutdown().await;
    }
}

/// A peer that changes the records document's header (so that a lock check which first reads
/// the header would skip the document), edits the accepted period while the header is broken,
/// then puts the header back. The server refuses the header change before it reaches the
/// document, so the edit that depends on it never applies.
#[tokio::test(flavor = "multi_thread")]
async fn a_header_change_cannot_carry_an_edit_past_the_lock() {
    let mut server =
        TestServer::with_accounts(&[("lan", "QLHT", "staff"), ("thamdinh", "VP", "reviewer")]);
    server.start();
    let url = server.url();
    let (lan, office) = accepted_q1(&server).await;
    let records_doc = server.doc("records", "QLHT");
    let rogue = RoguePeer::connect(&url, "lan", PASSWORD, "rogue").await;
    let handle = rogue
        .fetch(&records_doc)
        .await
        .expect("staff read own records");
    eventually(WAIT, "the rogue peer to have Q1", || async {
        let record = records::read(&handle.with_document(|d| d.clone()), &task()).ok()?;
        (period_of(&record, q1()) == accepted()).then_some(())
    })
    .await;
    use automerge::transaction::Transactable;
    rogue
        .write_raw(&handle, |tx| {
            tx.put(automerge::ROOT, "schema", "plansync/records@0")
                .unwrap()
        })
        .await;
    rogue_edit_unchecked(&handle, &text(q1(), "Sửa lén khi tiêu đề hỏng"));
    rogue_edit_unchecked(&handle, &actual(q1(), 99.0));
    // Long enough for the server to judge the broken-header state.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    rogue
        .write_raw(&handle, |tx| {
            tx.put(automerge::ROOT, "schema", records::SCHEMA).unwrap()
        })
        .await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    rogue.stop().await;

    // A reviewer who logs in now gets the server's copy: the accepted Q1 and a sound header.
    let fresh = Laptop::login(&url, "thamdinh").await;
    fresh.wait_up_to_date(WAIT).await;
    let record = fresh
        .client
        .read_record(&fresh_doc(&fresh), &task())
        .await
        .expect("the records document reads: its header is intact");
    assert_eq!(
        period_of(&record, q1()),
        accepted(),
        "the edit made under a broken header did not get past the lock"
    );
    let entries = fresh.client.history(&fresh_doc(&fresh)).await.unwrap();
    assert!(
        !entries.iter().any(|h| h.user == "unknown"),
        "no change of the rogue peer (they carry no author) reached the server: {entries:?}"
    );
    // The unit's honest laptop still writes its open periods.
    let records_doc = fresh_doc(&lan);
    lan.client
        .edit_record(&records_doc, &task(), text(q3(), "Quý III: tiếp tục"))
        .await
        .unwrap();
    lan.wait_up_to_date(WAIT).await;
    eventually(WAIT, "the office to receive Q3", || async {
        office.wait_up_to_date(WAIT).await;
        let record = office
            .client
            .read_record(&records_doc, &task())
            .await
            .ok()?;
        (period_of(&record, q3()).0 == "Quý III: tiếp tục").then_some(())
    })
    .await;
    for laptop in [lan, office, fresh] {
        laptop.client.shutdown().await;
    }
}

/// Like [`rogue_edit`], on a copy whose header may be broken: writes the period's text or actual
/// by path, without checking the schema.
fn rogue_edit_unchecked(handle: &DocHandle, edit: &RecordEdit) {
    use automerge::transaction::Transactable;
    use automerge::ReadDoc;
    fn obj(doc: &impl ReadDoc, keys: &[&str]) -> automerge::ObjId {
        let mut obj = automerge::ROOT;
        for key in keys {
            obj = doc.get(&obj, *key).unwrap().unwrap().1;
        }
        obj
    }
    handle.with_document(|doc| {
        let task = task();
        let period = q1().to_string();
        let base = ["tasks", task.0.as_str(), "periods", period.as_str()];
        let mut tx = doc.transaction();
        match edit {
            RecordEdit::Text { text, .. } => {
                let mut path = base.to_vec();
                path.push("result");
                let id = obj(&tx, &path);
                let n = tx.length(&id) as isize;
                tx.splice_text(&id, 0, n, text).unwrap();
            }
            RecordEdit::Actual { value, .. } => {
                let mut path = base.to_vec();
                path.push("actuals");
                let id = obj(&tx, &path);
                tx.put(&id, "0", value.unwrap()).unwrap();
            }
            _ => unreachable!("only texts and actuals"),
        }
        tx.commit();
    });
}

/// Writes an edit of the accepted Q1 straight into the stopped server's storage, as if the
/// server had stored it from a peer and crashed before judging it.
async fn store_unjudged_edit(server: &TestServer, records_doc: &str) {
    let (registry, storage) = server::sync::open_data(server.data_dir()).unwrap();
    let repo = server::sync::open_repo(registry, storage.clone()).await;
    let handle = server::publish::find_registered(&repo, records_doc)
        .await
        .unwrap();
    rogue_edit(&handle, &text(q1(), "Lưu ngay trước khi máy chủ sập"));
    repo.stop().await;
    assert!(storage.failure().is_none());
}

/// Reads Q1 as a reviewer who logs in afresh.
async fn q1_as_a_fresh_reviewer(url: &str) -> (String, Option<f64>) {
    let fresh = Laptop::login(url, "thamdinh").await;
    let doc = fresh_doc(&fresh);
    let q1 = eventually(WAIT, "the accepted Q1 to be back", || async {
        fresh.wait_up_to_date(WAIT).await;
        let record = fresh.client.read_record(&doc, &task()).await.ok()?;
        let q1 = period_of(&record, q1());
        (q1 == accepted()).then_some(q1)
    })
    .await;
    fresh.client.shutdown().await;
    q1
}

#[tokio::test(flavor = "multi_thread")]
async fn a_change_stored_just_before_a_crash_is_judged_after_the_restart() {
    let mut server =
        TestServer::with_accounts(&[("lan", "QLHT", "staff"), ("thamdinh", "VP", "reviewer")]);
    server.start();
    let (lan, office) = accepted_q1(&server).await;
    // Give the server time to judge and persist what it has, then crash it.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    for laptop in [lan, office] {
        laptop.client.shutdown().await;
    }
    server.kill();
    let records_doc = server.doc("records", "QLHT");
    store_unjudged_edit(&server, &records_doc).await;
    server.start();
    assert_eq!(q1_as_a_fresh_reviewer(&server.url()).await, accepted());
}

#[tokio::test(flavor = "multi_thread")]
async fn an_edit_right_after_restart_is_judged() {
    let mut server =
        TestServer::with_accounts(&[("lan", "QLHT", "staff"), ("thamdinh", "VP", "reviewer")]);
    server.start();
    let (lan, office) = accepted_q1(&server).await;
    let records_doc = server.doc("records", "QLHT");
    server.kill();
    server.start();
    // The first thing a peer of the unit does after the restart is edit the accepted period.
    let rogue = RoguePeer::connect(&server.url(), "lan", PASSWORD, "rogue").await;
    let handle = rogue.fetch(&records_doc).await.unwrap();
    eventually(WAIT, "the rogue peer to have Q1", || async {
        let record = records::read(&handle.with_document(|d| d.clone()), &task()).ok()?;
        (period_of(&record, q1()) == accepted()).then_some(())
    })
    .await;
    rogue_edit(
        &handle,
        &text(q1(), "Sửa ngay sau khi máy chủ khởi động lại"),
    );
    tokio::time::sleep(Duration::from_millis(1000)).await;
    rogue.stop().await;
    assert_eq!(q1_as_a_fresh_reviewer(&server.url()).await, accepted());
    for laptop in [lan, office] {
        laptop.client.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failing_lock_watcher_is_restarted_and_reported() {
    let mut server =
        TestServer::with_accounts(&[("lan", "QLHT", "staff"), ("thamdinh", "VP", "reviewer")]);
    // Every watcher fails once, right after its first judgment.
    server.set_env("PLANSYNC_TEST_LOCK_WATCHER_FAILURES", "1");
    server.start();
    let http = tests::http_client();
    let readyz = |http: reqwest::Client, url: String| async move {
        let answer = http.get(format!("{url}/readyz")).send().await.unwrap();
        let status = answer.status().as_u16();
        (status, answer.json::<serde_json::Value>().await.unwrap())
    };
    // The failures are reported, then the restarted watchers run again.
    let (_, body) = readyz(http.clone(), server.url()).await;
    let n_pairs = body["locks"]["n_pairs"].as_u64().unwrap();
    assert!(n_pairs >= 4, "a pair per unit: {body}");
    let body = eventually(WAIT, "every watcher to fail once and run again", || {
        let (http, url) = (http.clone(), server.url());
        async move {
            let (status, body) = readyz(http, url).await;
            (status == 200 && body["locks"]["n_restarts"].as_u64() >= Some(n_pairs)).then_some(body)
        }
    })
    .await;
    assert!(
        body["locks"]["last_failure"]
            .as_str()
            .is_some_and(|f| f.contains("PLANSYNC_TEST_LOCK_WATCHER_FAILURES")),
        "the failure is named: {body}"
    );
    // And the restarted watchers enforce the lock.
    let (lan, office) = accepted_q1(&server).await;
    let records_doc = server.doc("records", "QLHT");
    let rogue = RoguePeer::connect(&server.url(), "lan", PASSWORD, "rogue").await;
    let handle = rogue.fetch(&records_doc).await.unwrap();
    eventually(WAIT, "the rogue peer to have Q1", || async {
        let record = records::read(&handle.with_document(|d| d.clone()), &task()).ok()?;
        (period_of(&record, q1()) == accepted()).then_some(())
    })
    .await;
    rogue_edit(
        &handle,
        &text(q1(), "Sửa khi bộ canh khoá vừa khởi động lại"),
    );
    tokio::time::sleep(Duration::from_millis(1000)).await;
    rogue.stop().await;
    assert_eq!(q1_as_a_fresh_reviewer(&server.url()).await, accepted());
    for laptop in [lan, office] {
        laptop.client.shutdown().await;
    }
}

/// One raw write a rogue peer makes.
type Attack = Box<dyn Fn(&mut automerge::transaction::Transaction<'_>)>;

/// A peer of the unit that tries, one change at a time, to replace or delete the structure the
/// server created (the tasks map, a task, a period, a text) or to write values of the wrong
/// type: every such change is refused before it reaches the document, and the office still
/// reads every task.
#[tokio::test(flavor = "multi_thread")]
async fn a_rogue_cannot_replace_or_delete_the_structure_of_its_records() {
    use automerge::transaction::Transactable;
    use automerge::{ObjType, ReadDoc};
    let mut server =
        TestServer::with_accounts(&[("lan", "QLHT", "staff"), ("thamdinh", "VP", "reviewer")]);
    server.start();
    let url = server.url();
    let records_doc = server.doc("records", "QLHT");
    fn at(doc: &impl ReadDoc, keys: &[&str]) -> automerge::ObjId {
        let mut obj = automerge::ROOT;
        for key in keys {
            obj = doc.get(&obj, *key).unwrap().unwrap().1;
        }
        obj
    }
    let task_key = task().0;
    let attacks: Vec<(&str, Attack)> = vec![
        (
            "a new tasks map",
            Box::new(|tx| {
                tx.put_object(automerge::ROOT, "tasks", ObjType::Map)
                    .unwrap();
            }),
        ),
        ("a deleted task", {
            let key = task_key.clone();
            Box::new(move |tx| {
                let tasks = at(tx, &["tasks"]);
                tx.delete(&tasks, key.as_str()).unwrap();
            })
        }),
        ("a period replaced", {
            let key = task_key.clone();
            Box::new(move |tx| {
                let periods = at(tx, &["tasks", &key, "periods"]);
                tx.put_object(&periods, "2026-Q1", ObjType::Map).unwrap();
            })
        }),
        ("a text turned into a number", {
            let key = task_key.clone();
            Box::new(move |tx| {
                let period = at(tx, &["tasks", &key, "periods", "2026-Q1"]);
                tx.put(&period, "result", 42).unwrap();
            })
        }),
        ("a progress of 250", {
            let key = task_key.clone();
            Box::new(move |tx| {
                let task = at(tx, &["tasks", &key]);
                tx.put(&task, "progress", 250).unwrap();
            })
        }),
        (
            "a key at the root",
            Box::new(|tx| {
                tx.put(automerge::ROOT, "note", "rogue").unwrap();
            }),
        ),
    ];
    for (what, attack) in &attacks {
        // A fresh peer each time: a refused change closes the connection, and the peer's later
        // changes would depend on it.
        let rogue = RoguePeer::connect(&url, "lan", PASSWORD, "rogue").await;
        let handle = rogue
            .fetch(&records_doc)
            .await
            .expect("staff read own records");
        eventually(WAIT, "the rogue peer to have the records", || async {
            handle
                .with_document(|d| records::read(d, &task()).is_ok())
                .then_some(())
        })
        .await;
        rogue.write_raw(&handle, |tx| attack(tx)).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        rogue.stop().await;
        eprintln!("tried: {what}");
    }
    let office = Laptop::login(&url, "thamdinh").await;
    office.wait_up_to_date(WAIT).await;
    let doc = fresh_doc(&office);
    let record = office
        .client
        .read_record(&doc, &task())
        .await
        .expect("every task still reads");
    assert!(record.progress.current().is_none_or(|p| *p <= 100));
    let entries = office.client.history(&doc).await.unwrap();
    assert!(
        !entries.iter().any(|h| h.user == "unknown"),
        "none of the rogue's changes reached the server: {entries:?}"
    );
    office.client.shutdown().await;
}
