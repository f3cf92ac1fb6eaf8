//! Evidence files against a real `plansync` server and real clients: attached offline and
//! uploaded after reconnecting, a broken upload resumed, wrong hashes and oversized files refused,
//! another unit refused, and the office's download byte-identical.

mod attach;
mod bounds;
mod upload;

use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use tests::server::PASSWORD;

/// Lower-case hex SHA-256, computed here (not by the client or the server).
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `n` bytes that do not repeat in any obvious way (so a misplaced chunk changes the hash).
pub fn file_bytes(n: usize, seed: u64) -> Vec<u8> {
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..n)
        .map(|_| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) as u8
        })
        .collect()
}

/// Lists `sha` (of `size` bytes) as evidence of a task's Q3 in the laptop's unit records, as the
/// client does before uploading, and waits until the server has the entry.
pub async fn list(laptop: &tests::laptop::Laptop, unit: &str, sha: &str, size: u64) {
    use shared::documents::records::{self, RecordEdit};
    let doc = laptop.doc("records", unit);
    let task = laptop
        .client
        .with_doc(&doc, records::task_ids)
        .await
        .unwrap()
        .unwrap()[0]
        .clone();
    laptop
        .client
        .edit_record(
            &doc,
            &task,
            RecordEdit::AttachEvidence {
                period: "2026-Q3".parse().unwrap(),
                name: format!("{}.pdf", &sha[..8]),
                size,
                sha256: sha.to_string(),
                mime: None,
            },
        )
        .await
        .unwrap();
    laptop
        .wait_up_to_date(std::time::Duration::from_secs(40))
        .await;
}

/// The partial upload files under `files/partial` (every uploader's folder).
pub fn partial_files(files: &std::path::Path) -> Vec<String> {
    let mut found = Vec::new();
    for folder in std::fs::read_dir(files.join("partial")).unwrap() {
        let folder = folder.unwrap().path();
        if folder.is_dir() {
            for entry in std::fs::read_dir(&folder).unwrap() {
                found.push(entry.unwrap().file_name().to_string_lossy().into_owned());
            }
        }
    }
    found
}

/// A user talking to the server over raw HTTP (not through the client).
pub struct Raw {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Raw {
    /// Logs in as `user`.
    pub async fn login(base: &str, user: &str) -> Raw {
        let http = tests::http_client();
        let response = http
            .post(format!("{base}/api/login"))
            .json(&json!({"username": user, "password": PASSWORD, "device": "raw-http"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{user} logs in");
        let body: Value = response.json().await.unwrap();
        Raw {
            http,
            base: base.to_string(),
            token: body["token"].as_str().unwrap().to_string(),
        }
    }

    pub fn token(&self) -> &str {
        &self.token
    }

    /// `GET /api/files/{sha}/status?doc=`: (HTTP status, body).
    pub async fn status(&self, doc: &str, sha: &str) -> (u16, Value) {
        let response = self
            .http
            .get(format!("{}/api/files/{sha}/status?doc={doc}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap();
        let code = response.status().as_u16();
        (code, response.json().await.unwrap_or(Value::Null))
    }

    /// `PUT /api/files/{sha}?doc=` of `bytes` at `start` of a `total`-byte file: (HTTP status,
    /// body).
    pub async fn put(
        &self,
        doc: &str,
        sha: &str,
        start: usize,
        total: usize,
        bytes: &[u8],
    ) -> (u16, Value) {
        let range = format!("bytes {start}-{}/{total}", start + bytes.len() - 1);
        let response = self
            .http
            .put(format!("{}/api/files/{sha}?doc={doc}", self.base))
            .bearer_auth(&self.token)
            .header("content-range", range)
            .body(bytes.to_vec())
            .send()
            .await
            .unwrap();
        let code = response.status().as_u16();
        (code, response.json().await.unwrap_or(Value::Null))
    }

    /// `GET /api/files/{sha}?doc=`: (HTTP status, body bytes).
    pub async fn download(&self, doc: &str, sha: &str) -> (u16, Vec<u8>) {
        let response = self
            .http
            .get(format!("{}/api/files/{sha}?doc={doc}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap();
        let code = response.status().as_u16();
        (code, response.bytes().await.unwrap().to_vec())
    }
}
