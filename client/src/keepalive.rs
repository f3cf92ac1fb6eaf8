//! The samod [`Transport`] over a client websocket, with dead-connection detection.
//!
//! A TCP connection can die without either end noticing (laptop sleep, a changed network, a NAT
//! that forgot the mapping): reads then block for as long as the OS keeps retransmitting,
//! often many minutes. So the client pings every `ping_every` and drops the connection when
//! nothing at all (data, ping or pong) arrived for `dead_after`; samod's dialer then redials.
//!
//! The websocket is driven by two tasks so that a blocked write never stops reads (the server
//! may be blocked writing to us at the same time): a reader forwarding binary frames to samod
//! over an unbounded channel (and judging silence), and a writer sending samod's frames and the
//! pings. Either ending cancels the other, also mid-write. tokio's timers use the monotonic
//! clock, which on Linux stops during suspend, so after a wake-up a dead link is noticed within
//! `dead_after` of awake time.
//!
//! Limit: liveness is judged by what arrives only. Uploading one frame that takes longer than
//! `dead_after` (megabytes on a very slow link) would be cut and retried; a laptop uploads
//! small incremental changes, so this is not expected.

use std::time::Duration;

use futures::channel::mpsc;
use futures::{SinkExt, StreamExt};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;
use tokio_util::sync::CancellationToken;

use crate::config::Keepalive;

/// Why the connection ended, as samod logs it.
#[derive(Debug, thiserror::Error)]
pub(crate) enum LinkError {
    #[error("no data from the server for {0:?}; the connection is dead")]
    Silent(Duration),
    #[error("websocket: {0}")]
    Websocket(#[from] tokio_tungstenite::tungstenite::Error),
    #[error("the server sent a text frame; the sync protocol is binary")]
    TextFrame,
}

/// How many of samod's outgoing frames may wait for the socket.
const OUTGOING_QUEUE: usize = 16;

/// Wraps `ws` into a transport and spawns its reader and writer tasks.
pub(crate) fn transport<S>(ws: WebSocketStream<S>, keepalive: Keepalive) -> samod::Transport
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (incoming, outgoing) = link(ws, keepalive);
    samod::Transport::new(incoming, outgoing)
}

type Incoming = mpsc::UnboundedReceiver<Result<Vec<u8>, LinkError>>;
type Outgoing = mpsc::Sender<Vec<u8>>;

/// Spawns the reader and writer tasks of `ws`; returns the frames received and a sink for the
/// frames to send.
fn link<S>(ws: WebSocketStream<S>, keepalive: Keepalive) -> (Incoming, Outgoing)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (mut ws_tx, mut ws_rx) = ws.split();
    let (in_tx, in_rx) = mpsc::unbounded::<Result<Vec<u8>, LinkError>>();
    let (out_tx, mut out_rx) = mpsc::channel::<Vec<u8>>(OUTGOING_QUEUE);
    let done = CancellationToken::new();

    // The reader also judges silence: it alone sees what arrives, and it never blocks, so a
    // write stuck on a dead socket cannot delay the verdict.
    let reader_done = done.clone();
    let reader_tx = in_tx.clone();
    tokio::spawn(async move {
        let _cancel_on_exit = reader_done.clone().drop_guard();
        let mut deadline = Instant::now() + keepalive.dead_after;
        loop {
            let frame = tokio::select! {
                frame = ws_rx.next() => frame,
                () = tokio::time::sleep_until(deadline) => {
                    tracing::warn!(silent_for = ?keepalive.dead_after, "sync connection silent, dropping it");
                    let _ = reader_tx.unbounded_send(Err(LinkError::Silent(keepalive.dead_after)));
                    return;
                }
                () = reader_done.cancelled() => return,
            };
            deadline = Instant::now() + keepalive.dead_after;
            let forward = match frame {
                Some(Ok(Message::Binary(bytes))) => Ok(bytes.to_vec()),
                // tungstenite answers pings itself; a pong only proves the link is alive.
                Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) => continue,
                Some(Ok(Message::Text(_))) => Err(LinkError::TextFrame),
                Some(Ok(Message::Close(_))) | None => return,
                Some(Err(err)) => Err(LinkError::Websocket(err)),
            };
            let failed = forward.is_err();
            if reader_tx.unbounded_send(forward).is_err() || failed {
                return;
            }
        }
    });

    let writer_done = done;
    tokio::spawn(async move {
        let _cancel_on_exit = writer_done.clone().drop_guard();
        let mut ping = tokio::time::interval(keepalive.ping_every);
        ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            let message = tokio::select! {
                outgoing = out_rx.next() => match outgoing {
                    Some(bytes) => Message::Binary(bytes.into()),
                    None => {
                        // samod dropped the connection: close politely (but not forever).
                        let closing = ws_tx.send(Message::Close(None));
                        let _ = tokio::time::timeout(Duration::from_secs(1), closing).await;
                        return;
                    }
                },
                _ = ping.tick() => Message::Ping(Vec::new().into()),
                () = writer_done.cancelled() => return,
            };
            let sent = tokio::select! {
                sent = ws_tx.send(message) => sent,
                () = writer_done.cancelled() => return,
            };
            if let Err(err) = sent {
                let _ = in_tx.unbounded_send(Err(LinkError::Websocket(err)));
                return;
            }
        }
    });

    (in_rx, out_tx)
}

#[cfg(test)]
mod tests {
    use tokio_tungstenite::tungstenite::protocol::Role;

    use super::*;

    async fn pair() -> (
        WebSocketStream<tokio::io::DuplexStream>,
        WebSocketStream<tokio::io::DuplexStream>,
    ) {
        let (a, b) = tokio::io::duplex(64 * 1024);
        let client = WebSocketStream::from_raw_socket(a, Role::Client, None).await;
        let server = WebSocketStream::from_raw_socket(b, Role::Server, None).await;
        (client, server)
    }

    #[tokio::test(start_paused = true)]
    async fn a_silent_server_is_detected() {
        let (client, server) = pair().await;
        let keepalive = Keepalive {
            ping_every: Duration::from_secs(1),
            dead_after: Duration::from_secs(3),
        };
        let (mut stream, _sink) = link(client, keepalive);
        // The server never reads, so no pong ever comes back.
        let _server = server;
        let ended = tokio::time::timeout(Duration::from_secs(10), stream.next())
            .await
            .expect("the client gives up on a silent server within dead_after plus a ping");
        let err = ended.expect("an error, not a clean end").unwrap_err();
        assert!(err.to_string().contains("dead"), "{err}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_write_stuck_on_a_dead_socket_does_not_hide_the_silence() {
        let (a, b) = tokio::io::duplex(1024);
        let client = WebSocketStream::from_raw_socket(a, Role::Client, None).await;
        let _server = b; // Never read: the client's big write blocks for good.
        let keepalive = Keepalive {
            ping_every: Duration::from_secs(1),
            dead_after: Duration::from_secs(3),
        };
        let (mut stream, mut sink) = link(client, keepalive);
        sink.send(vec![0; 64 * 1024]).await.unwrap();
        let ended = tokio::time::timeout(Duration::from_secs(10), stream.next())
            .await
            .expect("silence is judged by the reader, not behind the stuck writer");
        let err = ended.expect("an error, not a clean end").unwrap_err();
        assert!(matches!(err, LinkError::Silent(_)), "{err}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_server_answering_pings_keeps_the_link() {
        let (client, mut server) = pair().await;
        let keepalive = Keepalive {
            ping_every: Duration::from_secs(1),
            dead_after: Duration::from_secs(3),
        };
        let (mut stream, _sink) = link(client, keepalive);
        // Reading makes tungstenite answer the pings.
        tokio::spawn(async move { while server.next().await.is_some() {} });
        let outcome = tokio::time::timeout(Duration::from_secs(20), stream.next()).await;
        assert!(outcome.is_err(), "nothing ended the link: {outcome:?}");
    }

    #[tokio::test]
    async fn frames_pass_both_ways() {
        let (client, mut server) = pair().await;
        let (mut stream, mut sink) = link(client, Keepalive::default());
        sink.send(b"hello".to_vec()).await.unwrap();
        let got = server.next().await.unwrap().unwrap();
        assert_eq!(got, Message::Binary(b"hello".to_vec().into()));
        server
            .send(Message::Binary(b"world".to_vec().into()))
            .await
            .unwrap();
        assert_eq!(stream.next().await.unwrap().unwrap(), b"world".to_vec());
        server.close(None).await.unwrap();
        assert!(stream.next().await.is_none(), "a close ends the stream");
    }
}
