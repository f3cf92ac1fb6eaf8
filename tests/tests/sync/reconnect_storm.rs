//! Issue #13's collapse, kept from coming back: 200 laptops (4 of each of 50 units) edit their
//! unit's records offline and then reconnect at once. Every edit reaches the office's replica,
//! and while they sync the server stays small: a bounded number of threads and little new
//! memory. (Before the fix the server did work per connection × per loaded document on every
//! event — it loads every records and review document, here 101 — and at 200 units never
//! converged, grew to 3.2 GB and 492 threads.) Speed is measured by `js-bench`, not here; the
//! bounds are generous and only catch growth with the number of connections.
//!
//! The laptops are bare samod repos (in memory) that dial `/sync` with their bearer token, as the
//! app's engine does; the server is the real program (this crate's debug build) on a data
//! directory set up through the registry and `plan publish`. 50 units rather than 200 keep the
//! set-up (publishing documents in a debug build) under half a minute.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use automerge::{ChangeHash, ReadDoc};
use futures::StreamExt;
use samod::{BackoffConfig, DocHandle, DocumentId, PeerId, Repo};
use serde_json::{json, Value};
use server::access::Role;
use server::registry::Registry;
use shared::calendar::PeriodId;
use shared::documents::records::{self, RecordEdit};
use shared::documents::ChangeAuthor;
use shared::plan::TaskId;
use tests::bearer_dialer::{BearerDialer, Refused};
use tests::process_watch::{cpu_seconds, Watched, Watcher};
use tests::repo;
use tests::server::{plansync_binary, proc_status_kib, PASSWORD};

const UNITS: usize = 50;
const LAPTOPS_PER_UNIT: usize = 4;
const EDITS: usize = 10;
/// Generous for a debug build on a busy 2-core machine: about 11 s when written (the server
/// before the fix, a release build, took 104 s).
const CONVERGE_WITHIN: Duration = Duration::from_secs(60);
/// The server's threads while the units sync (tokio's workers and blocking pool, the storage
/// writer, the share-policy thread): the collapse had 492.
const MAX_THREADS: u64 = 128;
/// What the server's RSS may grow by while the units sync: the collapse grew by gigabytes.
const MAX_RSS_GROWTH_MIB: u64 = 400;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_laptops_reconnect_at_once() {
    let started = Instant::now();
    let data = tempfile::tempdir().unwrap();
    let (users, records) = set_up(data.path());
    let server = Server::start(data.path());
    let base = server.base.clone();
    eprintln!("set up in {:?}", started.elapsed());

    // Every laptop logs in (a few at a time: logins are slow on purpose) and gets its unit's
    // records; the office gets every unit's.
    let office = Peer::connect(&base, &login(&base, "thamdinh", "office").await).await;
    let laptops: Vec<(usize, usize)> = (0..UNITS)
        .flat_map(|unit| (0..LAPTOPS_PER_UNIT).map(move |n| (unit, n)))
        .collect();
    let units: Vec<(Peer, DocHandle, usize)> = futures::stream::iter(laptops)
        .map(|(unit, n)| {
            let (base, user, doc_id) = (base.clone(), users[unit].clone(), records[unit].clone());
            async move {
                let peer =
                    Peer::connect(&base, &login(&base, &user, &format!("laptop{n}")).await).await;
                let handle = peer.find(&doc_id).await;
                (peer, handle, unit)
            }
        })
        .buffer_unordered(8)
        .collect()
        .await;
    let mut office_handles = Vec::new();
    for doc_id in &records {
        office_handles.push(office.find(doc_id).await);
    }
    eprintln!(
        "{} laptops connected in {:?}",
        units.len(),
        started.elapsed()
    );

    // Offline: every laptop edits its unit's records.
    for (peer, _, _) in &units {
        peer.disconnect().await;
    }
    let tasks = [
        "PAR_INDEX/I/4",
        "PAR_INDEX/I/6",
        "PAR_INDEX/III/6",
        "PAR_INDEX/III/7",
    ];
    let periods = PeriodId::of_year(2026);
    let mut made: Vec<BTreeSet<ChangeHash>> = vec![BTreeSet::new(); UNITS];
    for (n, (_, handle, unit)) in units.iter().enumerate() {
        let author = ChangeAuthor {
            user: users[*unit].clone(),
            device: format!("laptop{n}"),
            what: String::new(),
        };
        let hashes: Vec<ChangeHash> = handle.with_document(|doc| {
            let before = doc.get_heads();
            for e in 0..EDITS {
                let task = TaskId(tasks[(n + e) % tasks.len()].into());
                let edit = RecordEdit::Actual {
                    period: periods[e % periods.len()],
                    target: e % 3,
                    value: Some((n * EDITS + e) as f64 + 0.5),
                };
                records::apply(doc, &author, 1_000 + e as i64, &task, &edit).unwrap();
            }
            doc.get_changes(&before).iter().map(|c| c.hash()).collect()
        });
        made[*unit].extend(hashes);
    }

    // All reconnect at once.
    let rss_before = proc_status_kib(server.pid(), "VmRSS:").unwrap();
    let watcher = Watcher::start(server.pid());
    watcher.mark();
    let cpu_before = (cpu_seconds(server.pid()), cpu_seconds(std::process::id()));
    let reconnect = Instant::now();
    for (peer, _, _) in &units {
        peer.dial(&base);
    }
    let mut pending: Vec<usize> = (0..UNITS).collect();
    while !pending.is_empty() {
        assert!(
            reconnect.elapsed() < CONVERGE_WITHIN,
            "after {CONVERGE_WITHIN:?} the office still lacks edits of {} of {UNITS} units",
            pending.len()
        );
        pending.retain(|&i| {
            !office_handles[i]
                .with_document(|doc| made[i].iter().all(|h| doc.get_change_by_hash(h).is_some()))
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let converged = reconnect.elapsed();
    let cpu = (
        cpu_seconds(server.pid()) - cpu_before.0,
        cpu_seconds(std::process::id()) - cpu_before.1,
    );
    let Watched {
        marked_rss_kib: max_rss,
        marked_threads: max_threads,
        ..
    } = watcher.stop();
    let growth_mib = max_rss.saturating_sub(rss_before) / 1024;
    eprintln!(
        "{} laptops x {EDITS} edits converged in {converged:?} (CPU: server {:.1} s, laptops \
         and office {:.1} s); server threads at most {max_threads}, RSS {} MiB -> at most {} MiB",
        units.len(),
        cpu.0,
        cpu.1,
        rss_before / 1024,
        max_rss / 1024
    );
    assert!(
        max_threads <= MAX_THREADS,
        "the server ran {max_threads} threads while the laptops synced (bound {MAX_THREADS})"
    );
    assert!(
        growth_mib <= MAX_RSS_GROWTH_MIB,
        "the server's RSS grew by {growth_mib} MiB while the laptops synced (bound {MAX_RSS_GROWTH_MIB} MiB)"
    );
    for (peer, _, _) in units {
        peer.repo.stop().await;
    }
    office.repo.stop().await;
}

/// Registers the units and their staff (through the registry, in this process: the admin CLI
/// would take a process per account) and publishes the seed plan for 2026. Returns the staff
/// user names and their units' records documents.
fn set_up(data: &std::path::Path) -> (Vec<String>, Vec<String>) {
    let registry = Registry::open(&data.join("registry.sqlite3")).unwrap();
    registry.add_unit("VP", "Văn phòng Sở", "office").unwrap();
    let codes: Vec<String> = (1..=UNITS).map(|i| format!("U{i:03}")).collect();
    for code in &codes {
        registry
            .add_unit(code, &format!("Phòng Thử nghiệm {code}"), "division")
            .unwrap();
    }
    registry
        .add_user("thamdinh", "VP", Role::Reviewer, PASSWORD, 0)
        .unwrap();
    let users: Vec<String> = (1..=UNITS).map(|i| format!("u{i:03}")).collect();
    // Password hashing is slow on purpose: two at a time.
    std::thread::scope(|scope| {
        for half in [0, 1] {
            let (registry, users, codes) = (&registry, &users, &codes);
            scope.spawn(move || {
                for (user, code) in users.iter().zip(codes).skip(half).step_by(2) {
                    registry
                        .add_user(user, code, Role::Staff, PASSWORD, 0)
                        .unwrap();
                }
            });
        }
    });
    drop(registry);
    let fixture = repo::root().join("fixtures/plans/tuyen-quang-sxd-2026.txt");
    let out = Command::new(plansync_binary())
        .arg("--data")
        .arg(data)
        .args(["plan", "publish"])
        .arg(&fixture)
        .args(["--year", "2026"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "publish: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed = String::from_utf8(out.stdout).unwrap();
    let records = codes
        .iter()
        .map(|code| {
            printed
                .lines()
                .map(|l| l.split('\t').collect::<Vec<_>>())
                .find(|cols| cols.len() == 5 && cols[0] == "records" && cols[1] == code)
                .unwrap_or_else(|| panic!("no records document for {code}: {printed}"))[3]
                .to_string()
        })
        .collect();
    (users, records)
}

/// `plansync serve` on loopback, killed when dropped.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start(data: &std::path::Path) -> Server {
        let mut child = Command::new(plansync_binary())
            .args(["serve", "--listen", "127.0.0.1:0", "--data"])
            .arg(data)
            .env("PLANSYNC_LOG", "warn")
            .env("PLANSYNC_TODAY", tests::server::SERVER_TODAY)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let addr = line
            .split("http://")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or_else(|| panic!("server did not say where it listens: {line:?}"))
            .to_string();
        Server {
            child,
            base: format!("http://{addr}"),
        }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Token {
    token: String,
    peer_id: String,
}

async fn login(base: &str, user: &str, device: &str) -> Token {
    // One HTTP client for all (each new one reads the system's root certificates).
    static HTTP: std::sync::OnceLock<reqwest::Client> = std::sync::OnceLock::new();
    let body: Value = HTTP
        .get_or_init(tests::http_client)
        .post(format!("{base}/api/login"))
        .json(&json!({"username": user, "password": PASSWORD, "device": device}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    Token {
        token: body["token"]
            .as_str()
            .unwrap_or_else(|| panic!("login of {user}: {body}"))
            .into(),
        peer_id: body["peer_id"].as_str().unwrap().into(),
    }
}

/// A samod repo (in memory) of one device, dialling `/sync` with its bearer token.
struct Peer {
    repo: Repo,
    token: String,
    dialer: std::sync::Mutex<Option<samod::DialerHandle<Refused>>>,
}

impl Peer {
    async fn connect(base: &str, token: &Token) -> Peer {
        let repo = Repo::build_tokio()
            .with_peer_id(PeerId::from(token.peer_id.as_str()))
            .load()
            .await;
        let peer = Peer {
            repo,
            token: token.token.clone(),
            dialer: std::sync::Mutex::new(None),
        };
        let dialer = peer.dial(base);
        tokio::time::timeout(Duration::from_secs(30), dialer.established())
            .await
            .expect("connected within 30 s")
            .expect("connected");
        peer
    }

    fn dial(&self, base: &str) -> samod::DialerHandle<Refused> {
        let dialer = self
            .repo
            .dial(
                BackoffConfig::default(),
                Arc::new(BearerDialer::new(base, &self.token, true)),
            )
            .unwrap();
        *self.dialer.lock().unwrap() = Some(dialer.clone());
        dialer
    }

    async fn disconnect(&self) {
        if let Some(dialer) = self.dialer.lock().unwrap().take() {
            dialer.close();
        }
        // Gone from the server's side too before the next connection of this peer id.
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    async fn find(&self, doc_id: &str) -> DocHandle {
        let id: DocumentId = doc_id.parse().unwrap();
        tokio::time::timeout(Duration::from_secs(60), self.repo.find(id))
            .await
            .unwrap_or_else(|_| panic!("{doc_id} not found within 60 s"))
            .unwrap()
            .unwrap_or_else(|| panic!("{doc_id} unavailable"))
    }
}
