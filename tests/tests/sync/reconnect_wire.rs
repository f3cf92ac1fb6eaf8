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

/// samod patch 10 (`with_whole_documents_declined`, as the server runs): a laptop that made more
/// changes offline than a third of its document's history sends the server those changes, not
/// its whole document. A whole document costs the server a full load of it and a walk for the
/// changes it lacks, on every such reconnect (23 % + 18 % of the server's CPU in the 200-unit
/// reconnect of `js-bench`, whose stock JS clients send their whole document).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_laptop_uploads_its_changes_not_its_whole_document() {
    use tests::reconnect_wire::reconnect;
    // 30 edits offline on a records document of about a dozen changes.
    let (n_history, n_edits) = (10, 30);
    // A stock samod server: the laptop's automerge sends the whole document, so the scenario
    // is the one the patch is for.
    let stock = reconnect(samod::Repo::build_tokio().load().await, n_history, n_edits).await;
    assert!(
        stock.up.whole_documents > 0,
        "to a stock server, the laptop sends its whole document: {stock:?}"
    );
    let declining = reconnect(
        samod::Repo::build_tokio()
            .with_whole_documents_declined()
            .load()
            .await,
        n_history,
        n_edits,
    )
    .await;
    assert_eq!(
        declining.up.whole_documents, 0,
        "to a server that declines whole documents, the laptop sends changes: {declining:?}"
    );
    println!("stock server: {stock:?}\ndeclining server: {declining:?}");
    // The changes went up all the same (`reconnect` waits for both replicas to hold the same
    // heads), in about their own size.
    assert!(
        declining.up.sync_bytes <= 2 * declining.change_bytes as u64 + 1024,
        "{declining:?}"
    );
}
