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
