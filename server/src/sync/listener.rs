//! Accepting HTTP connections: hyper with a timeout for reading request headers (a client that
//! sends its headers slowly, or not at all, cannot hold a socket), HTTP/1.1 and HTTP/2,
//! websocket upgrades, the client's address handed to handlers (`ConnectInfo`), TLS when the
//! server has a certificate ([`super::tls`]), and a graceful stop that lets requests in flight
//! finish for a while.

use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tower::Service;

/// Limits on HTTP connections.
#[derive(Debug, Clone, Copy)]
pub struct HttpLimits {
    /// The longest a client may take to send a request's headers.
    pub header_timeout: Duration,
    /// How long requests in flight may run on after a stop was asked.
    pub drain_timeout: Duration,
}

impl Default for HttpLimits {
    fn default() -> HttpLimits {
        HttpLimits {
            header_timeout: Duration::from_secs(10),
            drain_timeout: Duration::from_secs(10),
        }
    }
}

/// How many connections the kernel may hold, handshake done, until the server accepts them.
/// Every laptop of a department reconnects at once after an outage: with the 128 that
/// `TcpListener::bind` asks for, connections beyond it had their first packet dropped and came
/// back only after TCP's one-second retry (51 of 200 units in `js-bench`'s reconnect). The
/// kernel caps it at `net.core.somaxconn` (4096 on current kernels).
pub const LISTEN_BACKLOG: u32 = 4096;

/// A listening socket on `address` with a backlog of [`LISTEN_BACKLOG`] (and `SO_REUSEADDR`, as
/// `TcpListener::bind` sets, so a restarted server can listen again at once).
pub fn bind(address: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = match address {
        SocketAddr::V4(_) => tokio::net::TcpSocket::new_v4()?,
        SocketAddr::V6(_) => tokio::net::TcpSocket::new_v6()?,
    };
    #[cfg(unix)]
    socket.set_reuseaddr(true)?;
    socket.bind(address)?;
    socket.listen(LISTEN_BACKLOG)
}

/// Serves `app` on `listener` until `stop` resolves, then drains. With `tls`, every connection
/// is a TLS one (HTTPS, WSS); its handshake must finish within the header timeout.
/// With `trusted_proxies`, a request arriving from one of them is taken to come from the
/// address its `X-Forwarded-For` names (see [`client_address`]).
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: HttpLimits,
    tls: Option<TlsAcceptor>,
    trusted_proxies: Arc<[IpAddr]>,
    stop: impl Future<Output = ()>,
) {
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(Some(Duration::from_secs(30)));
    let builder = Arc::new(builder);
    let graceful = GracefulShutdown::new();
    let mut stop = std::pin::pin!(stop);
    loop {
        let (socket, address) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    // Out of file descriptors and the like: wait a little, go on.
                    tracing::warn!("cannot accept a connection: {err}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let _ = socket.set_nodelay(true);
        let app = app.clone();
        let trusted = trusted_proxies.clone();
        let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            let forwarded_for = request
                .headers()
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .collect::<Vec<_>>()
                .join(",");
            let client = client_address(address, &forwarded_for, &trusted);
            request.extensions_mut().insert(ConnectInfo(client));
            app.clone().call(request)
        });
        let (builder, watcher, tls) = (builder.clone(), graceful.watcher(), tls.clone());
        tokio::spawn(async move {
            let ended = match tls {
                None => {
                    let connection =
                        builder.serve_connection_with_upgrades(TokioIo::new(socket), service);
                    watcher.watch(connection.into_owned()).await
                }
                Some(tls) => {
                    let stream =
                        match tokio::time::timeout(limits.header_timeout, tls.accept(socket)).await
                        {
                            Ok(Ok(stream)) => stream,
                            Ok(Err(err)) => {
                                tracing::debug!(%address, "TLS handshake failed: {err}");
                                return;
                            }
                            Err(_) => {
                                tracing::debug!(%address, "TLS handshake timed out");
                                return;
                            }
                        };
                    let connection =
                        builder.serve_connection_with_upgrades(TokioIo::new(stream), service);
                    watcher.watch(connection.into_owned()).await
                }
            };
            if let Err(err) = ended {
                tracing::debug!(%address, "connection ended: {err}");
            }
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(limits.drain_timeout) => {
            tracing::info!("stopping with requests still running after {:?}", limits.drain_timeout);
        }
    }
}

/// The address a request comes from: the socket's peer, unless that is a trusted reverse proxy
/// (`--trusted-proxy`): then the last address in `X-Forwarded-For` that is not itself a trusted
/// proxy (what the nearest proxy saw; earlier entries are whatever the client claimed).
pub fn client_address(peer: SocketAddr, forwarded_for: &str, trusted: &[IpAddr]) -> SocketAddr {
    if !trusted.contains(&peer.ip()) {
        return peer;
    }
    forwarded_for
        .rsplit(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(|entry| entry.parse::<IpAddr>().ok())
        .find(|ip| ip.is_none_or(|ip| !trusted.contains(&ip)))
        .flatten()
        .map_or(peer, |ip| SocketAddr::new(ip, 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> SocketAddr {
        text.parse().unwrap()
    }

    /// 600 laptops connect at once while the server is busy (here: never accepts). Each
    /// connection's handshake completes at once, queued by the kernel, instead of the ones past
    /// a backlog of 128 losing their first packet and waiting for TCP's one-second retry.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_wave_of_connections_waits_in_the_backlog_not_for_a_retry() {
        let listener = bind(at("127.0.0.1:0")).unwrap();
        let address = listener.local_addr().unwrap();
        // The kernel caps any backlog at net.core.somaxconn (4096 since Linux 5.4; 128 before).
        let cap: usize = std::fs::read_to_string("/proc/sys/net/core/somaxconn")
            .ok()
            .and_then(|text| text.trim().parse().ok())
            .unwrap_or(4096);
        let n = 600.min(cap);
        let started = std::time::Instant::now();
        let connects = (0..n).map(|_| {
            tokio::time::timeout(
                Duration::from_millis(800),
                tokio::net::TcpStream::connect(address),
            )
        });
        let results = futures::future::join_all(connects).await;
        let late = results.iter().filter(|r| r.is_err()).count();
        let failed = results.iter().filter(|r| matches!(r, Ok(Err(_)))).count();
        assert_eq!(
            (late, failed),
            (0, 0),
            "of {n} connections, {late} not made within 0.8 s and {failed} refused ({:?} in all)",
            started.elapsed()
        );
        drop(listener);
    }

    #[test]
    fn the_client_behind_a_trusted_proxy_is_the_last_address_the_proxies_did_not_add() {
        let proxy: IpAddr = "127.0.0.1".parse().unwrap();
        let trusted = [proxy];
        let from_proxy = at("127.0.0.1:50000");
        // Not a trusted proxy: its header is ignored.
        assert_eq!(
            client_address(at("203.0.113.9:4000"), "10.0.0.1", &trusted),
            at("203.0.113.9:4000")
        );
        // Through the proxy: what it saw.
        assert_eq!(
            client_address(from_proxy, "198.51.100.7", &trusted).ip(),
            "198.51.100.7".parse::<IpAddr>().unwrap()
        );
        // A client claiming an address of its own cannot choose the one that counts.
        assert_eq!(
            client_address(from_proxy, "1.2.3.4, 198.51.100.7", &trusted).ip(),
            "198.51.100.7".parse::<IpAddr>().unwrap()
        );
        // Two proxies in a row, both trusted.
        assert_eq!(
            client_address(from_proxy, "198.51.100.7, 127.0.0.1", &trusted).ip(),
            "198.51.100.7".parse::<IpAddr>().unwrap()
        );
        // No header, or garbage where the nearest entry should be: the proxy itself.
        assert_eq!(client_address(from_proxy, "", &trusted), from_proxy);
        assert_eq!(
            client_address(from_proxy, "198.51.100.7, not-an-ip", &trusted),
            from_proxy
        );
        // IPv6.
        assert_eq!(
            client_address(from_proxy, "2001:db8::5", &trusted).ip(),
            "2001:db8::5".parse::<IpAddr>().unwrap()
        );
    }
}
