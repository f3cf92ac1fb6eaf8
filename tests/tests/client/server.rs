//! The server these tests run against: `tests::server::TestServer` (this crate's own build of
//! the server program, a data directory with the seed plan published for 2026), with the
//! small interface the client tests use.

pub struct TestServer {
    inner: tests::server::TestServer,
    pub url: String,
}

impl TestServer {
    /// Publishes the Tuyên Quang plan for 2026 (with unit VP = Văn phòng Sở) and serves it.
    pub fn start() -> TestServer {
        let mut inner = tests::server::TestServer::with_accounts(&[]);
        inner.start();
        let url = inner.url();
        TestServer { inner, url }
    }

    /// Kills the server (no clean shutdown, as in a crash or power loss).
    pub fn kill(&mut self) {
        self.inner.kill();
    }

    /// Starts the server again on the same address and data.
    pub fn restart(&mut self) {
        self.inner.kill();
        self.inner.start();
    }

    /// Runs an admin command against the server's data (while it serves).
    pub fn cli(&self, args: &[&str]) -> String {
        self.inner.cli(args, None)
    }

    pub fn add_user(&self, username: &str, unit: &str, role: &str, password: &str) {
        self.inner.cli(
            &[
                "user",
                "add",
                username,
                "--unit",
                unit,
                "--role",
                role,
                "--password-stdin",
            ],
            Some(password),
        );
    }
}
