//! History the server vouches for: a change says who made it, but any client can write that as
//! it likes; the server records who sent each change and when, the history shows the server's
//! record and marks a change whose claimed author is not its sender, and `plansync audit` prints
//! it.

use std::time::Duration;

use shared::documents::records::{self, RecordEdit, TaskStatus};
use shared::documents::ChangeAuthor;
use shared::plan::TaskId;
use tests::laptop::{eventually, Laptop};
use tests::rogue::RoguePeer;
use tests::server::{TestServer, PASSWORD};

const WAIT: Duration = Duration::from_secs(40);

#[tokio::test(flavor = "multi_thread")]
async fn a_change_claiming_another_author_is_recorded_as_its_sender() {
    let mut server =
        TestServer::with_accounts(&[("lan", "QLHT", "staff"), ("thamdinh", "VP", "reviewer")]);
    server.start();
    let url = server.url();
    let records_doc = server.doc("records", "QLHT");
    let task = TaskId("PAR_INDEX/I/4".into());

    // An honest edit from lan's laptop.
    let lan = Laptop::login(&url, "lan").await;
    lan.wait_up_to_date(WAIT).await;
    let doc = lan.doc("records", "QLHT");
    lan.client
        .edit_record(&doc, &task, RecordEdit::Progress { percent: 30 })
        .await
        .unwrap();
    lan.wait_up_to_date(WAIT).await;

    // A peer logged in as lan writes a change that says the reviewer made it.
    let rogue = RoguePeer::connect(&url, "lan", PASSWORD, "rogue").await;
    let handle = rogue.fetch(&records_doc).await.unwrap();
    let forged = ChangeAuthor {
        user: "thamdinh".into(),
        device: "vp-pc".into(),
        what: String::new(),
    };
    handle
        .with_document(|d| {
            records::apply(
                d,
                &forged,
                1_700_000_000_000,
                &task,
                &RecordEdit::Status {
                    status: TaskStatus::Done,
                },
            )
        })
        .unwrap();
    tokio::time::sleep(Duration::from_millis(1000)).await;
    rogue.stop().await;

    let office = Laptop::login(&url, "thamdinh").await;
    let entries = eventually(WAIT, "the office's history to have both edits", || async {
        office.wait_up_to_date(WAIT).await;
        let entries = office.client.history(&doc).await.ok()?;
        let has = |what: &str| {
            entries
                .iter()
                .any(|e| e.what == what && e.receipt.is_some())
        };
        (has("progress=30") && has("status=done")).then_some(entries)
    })
    .await;
    let forged_entry = entries.iter().find(|e| e.what == "status=done").unwrap();
    let receipt = forged_entry.receipt.as_ref().unwrap();
    assert_eq!(forged_entry.user, "thamdinh", "what the change claims");
    assert_eq!(
        (receipt.username.as_str(), receipt.device.as_str()),
        ("lan", "rogue"),
        "who the server saw send it"
    );
    assert!(forged_entry.author_differs, "and the difference is marked");
    let honest = entries.iter().find(|e| e.what == "progress=30").unwrap();
    assert_eq!(honest.receipt.as_ref().unwrap().username, "lan");
    assert!(
        !honest.author_differs,
        "an honest change is not marked: {honest:?}"
    );

    // The administrator's view, beside the running server.
    let out = server.cli(&["audit", &records_doc], None);
    let forged_line = out
        .lines()
        .find(|l| l.contains("status=done"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        forged_line.contains("lan (rogue)") && forged_line.contains("CLAIMS ANOTHER AUTHOR"),
        "{forged_line}"
    );
    assert!(
        out.contains("1 claiming another author than their sender"),
        "{out}"
    );
    for laptop in [lan, office] {
        laptop.client.shutdown().await;
    }
}
