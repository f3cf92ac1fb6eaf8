//! A laptop for tests: a real `client::Client` with its own data directory (its own SQLite
//! files), logged in to a test server, syncing in the background.

use std::time::{Duration, Instant};

use client::{Client, ClientConfig, DocumentId, SyncState, SyncStatus};
use samod::BackoffConfig;

use crate::server::PASSWORD;
use shared::calendar::PeriodId;
use shared::plan::{Task, TaskId};
use shared::record::PeriodRecord;

pub struct Laptop {
    pub name: String,
    pub client: Client,
    dir: tempfile::TempDir,
}

/// Client settings for tests: quick reconnects, so a restarted server is found within a second.
pub fn test_config() -> ClientConfig {
    ClientConfig {
        backoff: BackoffConfig {
            initial_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(800),
            max_retries: None,
        },
        refresh_every: Duration::from_secs(2),
        logout_retry_every: Duration::from_millis(300),
        ..ClientConfig::default()
    }
}

impl Laptop {
    /// Opens a fresh data directory and logs in as `username`; sync is started.
    pub async fn login(server_url: &str, username: &str) -> Laptop {
        Laptop::login_with(server_url, username, test_config()).await
    }

    /// Like [`Laptop::login`], with the client settings given (e.g. a CA file to trust).
    pub async fn login_with(server_url: &str, username: &str, config: ClientConfig) -> Laptop {
        let dir = tempfile::tempdir().expect("temp dir");
        let client = Client::open_with(dir.path(), config)
            .await
            .expect("client opens");
        client
            .login(server_url, username, PASSWORD)
            .await
            .unwrap_or_else(|e| panic!("{username} logs in: {e}"));
        client.start_sync();
        Laptop {
            name: username.to_string(),
            client,
            dir,
        }
    }

    /// The laptop's data directory.
    pub fn data_dir(&self) -> &std::path::Path {
        self.dir.path()
    }

    /// Closes the client and opens it again on the same files (an app restart).
    pub async fn restart(&mut self) {
        self.client.shutdown().await;
        self.client = Client::open_with(self.dir.path(), test_config())
            .await
            .expect("client reopens");
        self.client.start_sync();
    }

    pub fn status(&self) -> SyncStatus {
        self.client.status().borrow().clone()
    }

    /// Waits until the client is up to date with the server (every listed document here and
    /// every local change confirmed).
    pub async fn wait_up_to_date(&self, within: Duration) {
        let deadline = Instant::now() + within;
        let mut status = self.client.status();
        loop {
            if matches!(status.borrow().state, SyncState::UpToDate { .. })
                && status.borrow().n_unconfirmed == 0
            {
                return;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero(),
                "{} not up to date within {within:?}: {:?}",
                self.name,
                self.status()
            );
            let _ =
                tokio::time::timeout(left.min(Duration::from_millis(200)), status.changed()).await;
        }
    }

    /// The plan's tasks that `unit`'s records document holds, in plan order (the tasks the unit
    /// reports on), read from this laptop's copies.
    pub async fn unit_tasks(&self, unit: &str) -> anyhow::Result<Vec<Task>> {
        let records_doc = self.doc("records", unit);
        let task_ids = self
            .client
            .with_doc(&records_doc, shared::documents::records::task_ids)
            .await??;
        let plan = self
            .client
            .plan()
            .await?
            .ok_or_else(|| anyhow::anyhow!("{} has no plan yet", self.name))?;
        Ok(plan
            .tasks()
            .into_iter()
            .map(|(_, t)| t)
            .filter(|t| task_ids.contains(&t.id))
            .cloned()
            .collect())
    }

    /// `task_id`'s record for `period` in the records document `doc` as this laptop has it;
    /// `None` while it cannot be read (not downloaded yet) or holds nothing for the period.
    pub async fn period_record(
        &self,
        doc: &DocumentId,
        task_id: &TaskId,
        period: PeriodId,
    ) -> Option<PeriodRecord> {
        let record = self.client.read_record(doc, task_id).await.ok()?;
        record.periods.into_iter().find(|p| p.period == period)
    }

    /// The id of a listed document.
    pub fn doc(&self, kind: &str, unit: &str) -> DocumentId {
        self.client
            .documents()
            .into_iter()
            .find(|d| d.kind.as_str() == kind && d.unit.as_deref().unwrap_or("-") == unit)
            .unwrap_or_else(|| panic!("{} has no {kind} document for {unit}", self.name))
            .id
    }
}

/// Polls `check` until it returns `Some`, or panics after `within` with `what`.
pub async fn eventually<T, F, Fut>(within: Duration, what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + within;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            Instant::now() < deadline,
            "timed out after {within:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The record cell edit number `i` writes in `laptop-under-test`: (task index, period index,
/// target index), distinct for every `i`.
pub fn edit_cell(i: usize, n_tasks: usize) -> (usize, usize, usize) {
    (i % n_tasks, (i / n_tasks) % 4, i / (4 * n_tasks))
}
