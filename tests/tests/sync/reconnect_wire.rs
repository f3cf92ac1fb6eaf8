//! Issue #13 item 4: a laptop that reconnects after one small edit on a records document with a
//! year of history exchanges Automerge sync messages of at most twice the edit's own bytes plus
//! 1 KiB, because both sides resume from the heads they last had in common (samod patch 7)
//! instead of exchanging bloom filters of the whole history. Before the patch: 1,694 bytes of
//! sync messages (3,566 bytes of frames) for a 159-byte change.

use tests::reconnect_wire::measure;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reconnect_after_one_small_edit_costs_little_more_than_the_edit() {
    let wire = measure(500).await;
    println!(
        "{wire:?}: sync messages {} bytes, frames {} bytes both ways",
        wire.sync_bytes(),
        wire.total_bytes()
    );
    assert!(
        wire.sync_bytes() <= wire.bound(),
        "{} bytes of sync messages both ways for a {}-byte change (bound {}): {wire:?}",
        wire.sync_bytes(),
        wire.change_bytes,
        wire.bound()
    );
    // Everything on the line, the connection's handshake and samod's framing included.
    assert!(
        wire.total_bytes() <= wire.bound() + 1024,
        "{} bytes of frames both ways: {wire:?}",
        wire.total_bytes()
    );
}

/// samod patch 10 (`with_whole_documents_declined`, as the server runs): a replica that lacks
/// more changes than a third of the document's history gets those changes, not the whole
/// document, both ways: a laptop back from a busy offline week uploads its changes, and the
/// server sends a laptop (the office's) what others wrote meanwhile. A whole document costs its
/// receiver a full load of it and a walk for the changes it lacks (23 % + 18 % of the server's
/// CPU in the 200-unit reconnect of `js-bench`, whose stock JS clients sent theirs whole).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_that_holds_the_document_gets_changes_not_the_whole_document() {
    use tests::reconnect_wire::{reconnect, EditsOn};
    // 30 edits while the laptop is offline, on a records document of about a dozen changes.
    let (n_history, n_edits) = (10, 30);
    for edits_on in [EditsOn::Laptop, EditsOn::Server] {
        // To or from a stock samod server the whole document goes: the scenario is the one
        // the patch is for.
        let stock = reconnect(
            samod::Repo::build_tokio().load().await,
            n_history,
            n_edits,
            edits_on,
        )
        .await;
        let declining = reconnect(
            samod::Repo::build_tokio()
                .with_whole_documents_declined()
                .load()
                .await,
            n_history,
            n_edits,
            edits_on,
        )
        .await;
        println!(
            "edits on {edits_on:?}:\n  stock server: {stock:?}\n  declining server: {declining:?}"
        );
        let (stock_way, declining_way) = match edits_on {
            EditsOn::Laptop => (stock.up, declining.up),
            EditsOn::Server => (stock.down, declining.down),
        };
        assert!(
            stock_way.whole_documents > 0,
            "edits on {edits_on:?}: with a stock server the whole document goes: {stock:?}"
        );
        assert_eq!(
            declining_way.whole_documents, 0,
            "edits on {edits_on:?}: with a declining server only changes go: {declining:?}"
        );
        // The changes went all the same (`reconnect` waits for both replicas to hold the same
        // heads), in about their own size.
        assert!(
            declining_way.sync_bytes <= 2 * declining.change_bytes as u64 + 1024,
            "edits on {edits_on:?}: {declining:?}"
        );
    }
}
