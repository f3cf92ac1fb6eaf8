//! The server's base address, and the endpoints derived from it.

use std::fmt;

use url::Url;

use crate::error::ClientError;

/// An `http` or `https` base URL, normalised to end in "/" so endpoints join under it
/// (a server behind a reverse proxy at `https://host/plansync/` keeps its prefix).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerUrl(Url);

impl ServerUrl {
    pub fn parse(text: &str) -> Result<ServerUrl, ClientError> {
        let invalid = |why: &str| ClientError::InvalidServerUrl {
            url: text.to_string(),
            why: why.to_string(),
        };
        let mut url = Url::parse(text.trim()).map_err(|e| invalid(&e.to_string()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(invalid("the address must start with http:// or https://"));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(invalid("the address has no host"));
        }
        // Passwords and tokens cross the link: in clear only within this machine.
        if url.scheme() == "http" && !is_loopback(&url) {
            return Err(ClientError::InsecureServerUrl {
                url: text.trim().to_string(),
            });
        }
        url.set_query(None);
        url.set_fragment(None);
        if !url.path().ends_with('/') {
            let path = format!("{}/", url.path());
            url.set_path(&path);
        }
        Ok(ServerUrl(url))
    }

    /// An HTTP endpoint such as `api/login` (no leading slash).
    pub fn endpoint(&self, path: &str) -> Url {
        self.0.join(path).expect("a relative path always joins")
    }

    /// The websocket the repo syncs over: `ws(s)://HOST/…/sync`.
    pub fn sync_url(&self) -> Url {
        let mut url = self.endpoint("sync");
        let scheme = if url.scheme() == "https" { "wss" } else { "ws" };
        url.set_scheme(scheme)
            .expect("http(s) and ws(s) are both special schemes");
        url
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

/// Whether `url` names this machine (localhost, 127.0.0.0/8, ::1).
fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

impl fmt::Display for ServerUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use expect_test::{expect, Expect};

    use super::*;

    fn check(input: &str, expect: Expect) {
        let actual = match ServerUrl::parse(input) {
            Ok(url) => format!(
                "base {url}\nlogin {}\nsync {}",
                url.endpoint("api/login"),
                url.sync_url()
            ),
            Err(err) => format!("error {}: {err}", err.code()),
        };
        expect.assert_eq(&actual);
    }

    #[test]
    fn plain_host() {
        check(
            "http://127.0.0.1:8080",
            expect![[r#"
                base http://127.0.0.1:8080/
                login http://127.0.0.1:8080/api/login
                sync ws://127.0.0.1:8080/sync"#]],
        );
    }

    #[test]
    fn https_behind_a_prefix_keeps_the_prefix() {
        check(
            " https://sxd.tuyenquang.gov.vn/plansync?x=1 ",
            expect![[r#"
                base https://sxd.tuyenquang.gov.vn/plansync/
                login https://sxd.tuyenquang.gov.vn/plansync/api/login
                sync wss://sxd.tuyenquang.gov.vn/plansync/sync"#]],
        );
    }

    #[test]
    fn plain_http_is_refused_for_any_host_but_this_machine() {
        check(
            "http://sxd.tuyenquang.gov.vn:8080",
            expect!["error insecure_server_url: the server address http://sxd.tuyenquang.gov.vn:8080 is not encrypted (http://); use https://"],
        );
        check(
            "http://10.0.0.5:8080",
            expect!["error insecure_server_url: the server address http://10.0.0.5:8080 is not encrypted (http://); use https://"],
        );
        check(
            "http://localhost:8080",
            expect![[r#"
                base http://localhost:8080/
                login http://localhost:8080/api/login
                sync ws://localhost:8080/sync"#]],
        );
        check(
            "http://[::1]:8080",
            expect![[r#"
                base http://[::1]:8080/
                login http://[::1]:8080/api/login
                sync ws://[::1]:8080/sync"#]],
        );
    }

    #[test]
    fn other_schemes_are_refused() {
        check(
            "ftp://example.org",
            expect!["error invalid_server_url: invalid server address ftp://example.org: the address must start with http:// or https://"],
        );
        check(
            "example.org",
            expect!["error invalid_server_url: invalid server address example.org: relative URL without a base"],
        );
    }
}
