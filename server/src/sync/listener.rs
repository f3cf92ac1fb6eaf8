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
