//! The office laptop opening the app (figures, not pass/fail). Build and run in release mode:
//!
//! ```sh
//! cargo build --release -p tests --bins
//! target/release/app-open-bench [--units 30] [--years 5] [--periods 4] [--samples 10]
//! ```
//!
//! A real `plansync serve` with the seed plan published for `--years` years from 2026 and
//! `--units` units; each unit writes a year of history into every year's records document (per
//! task: status, and for each of `--periods` periods the progress, the result typed in three
//! saves, difficulties on a quarter of the tasks, an actual per target and the sending; done on
//! a third), each edit its own Automerge change made by `records::apply` as the unit's laptop
//! makes it (its user and device), on a bare samod peer of that user that sends them in one
//! sync (one durable commit and status update per edit through `Client::edit_record` took the
//! set-up past 25 minutes); the office's reviewer then accepts half and returns a quarter of
//! every period's reports the same way, and the units' and the office's real clients download
//! everything into their SQLite files. Then, with the server still up:
//!
//! 1. **Start**: the office laptop's client is opened on its data directory (offline, as at an
//!    app start before any link) and brings up what the app's first screen shows, as the app
//!    asks for it (`load_plan`, then `overview`): the plan and the dashboard's consolidated
//!    report of 2026 (`Client::report`). Timed from `Client::open_with` to the report. The same
//!    for a unit's laptop: the plan and the unit's report (the staff's task list).
//! 2. **Refresh after one unit's change**: with sync on, one unit's laptop edits a task; once
//!    the office has the change, `Client::report` again (the dashboard's refresh), timed.
//! 3. **A new office laptop**: the office's first login on an empty data directory downloads
//!    everything while the dashboard is on screen, read again whenever documents changed (as
//!    the app's overview does); timed: the download, and the dashboard's data ready after the
//!    last document arrived. Then starts on that directory, as in 1.
//!
//! What the webview then draws is not included.

use std::time::{Duration, Instant};

use automerge::ChangeHash;
use client::{Client, DocumentId};
use shared::calendar::{Date, PeriodId};
use shared::documents::records::{self, RecordEdit, TaskStatus, TextField};
use shared::documents::review::{self, Verdict};
use shared::documents::{ChangeAuthor, DocumentKind};
use shared::plan::{Task, TaskId};
use shared::report::Scope;
use tests::bench::arg_or;
use tests::laptop::{test_config, Laptop};
use tests::rogue::RoguePeer;
use tests::server::{TestServer, PASSWORD};

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// The records document of `unit` for `year` on `client`.
fn records_doc(client: &Client, unit: &str, year: i32) -> DocumentId {
    client
        .documents()
        .into_iter()
        .find(|d| {
            d.kind == DocumentKind::Records
                && d.unit.as_deref() == Some(unit)
                && d.year == Some(year)
        })
        .unwrap_or_else(|| panic!("no records document of {unit} for {year}"))
        .id
}

fn main() {
    tests::bench::use_sibling_server();
    if let Some(dir) = tests::bench::arg("--start") {
        // One start, in a process of its own, as the app starts (see `start`).
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap();
        let scope = tests::bench::arg("--unit").map_or(Scope::AllUnits, Scope::Unit);
        let sync = std::env::args().any(|a| a == "--sync");
        runtime.block_on(start(std::path::Path::new(&dir), scope, sync));
        return;
    }
    let n_units = arg_or("--units", 30);
    let n_years = arg_or("--years", 5) as i32;
    let n_samples = arg_or("--samples", 10);
    // Periods of each year with a result and actuals written (4: the whole year's history).
    let n_periods = arg_or("--periods", 4);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(run(n_units, n_years, n_periods, n_samples));
}

async fn run(n_units: usize, n_years: i32, n_periods: usize, n_samples: usize) {
    let started = Instant::now();
    let codes: Vec<String> = (1..=n_units).map(|i| format!("U{i:02}")).collect();
    let users: Vec<String> = (1..=n_units).map(|i| format!("u{i:02}")).collect();
    let mut accounts: Vec<(&str, &str, &str)> = users
        .iter()
        .zip(&codes)
        .map(|(u, c)| (u.as_str(), c.as_str(), "staff"))
        .collect();
    accounts.push(("thamdinh", "VP", "reviewer"));
    let mut server = TestServer::with_units_and_accounts(
        &codes
            .iter()
            .map(|c| (c.as_str(), format!("Phòng Thử nghiệm {c}"), "division"))
            .collect::<Vec<_>>(),
        &accounts,
    );
    let fixture = tests::repo::seed_plan();
    for year in 2027..2026 + n_years {
        server.cli(
            &[
                "plan",
                "publish",
                fixture.to_str().unwrap(),
                "--year",
                &year.to_string(),
            ],
            None,
        );
    }
    server.start();
    let url = server.url();

    // Every unit writes a year of history into each year's records. Each edit is its own
    // Automerge change, made as the unit's laptop makes it (`records::apply` with the laptop's
    // user and device, so its actor) but in one go on a bare samod peer of that user, which
    // sends them in one sync: the same documents without a durable commit and a status
    // recompute per edit, which made the set-up take over 25 minutes. The unit's laptop then
    // receives its own history, as after a reinstall.
    let mut writers = Vec::new();
    let next = std::sync::Arc::new(tokio::sync::Semaphore::new(4));
    for (i, user) in users.iter().enumerate() {
        let (url, user, code) = (url.clone(), user.clone(), codes[i].clone());
        let next = next.clone();
        writers.push(tokio::spawn(async move {
            let _turn = next.acquire_owned().await.unwrap();
            let laptop = Laptop::login(&url, &user).await;
            laptop.wait_up_to_date(Duration::from_secs(300)).await;
            let tasks = laptop.unit_tasks(&code).await.unwrap();
            let author = ChangeAuthor {
                user: user.clone(),
                device: laptop.client.device().to_string(),
                what: String::new(),
            };
            let peer = RoguePeer::connect(&url, &user, PASSWORD, &author.device).await;
            let mut n_edits = 0;
            let mut written = Vec::new();
            for year in 2026..2026 + n_years {
                let doc = records_doc(&laptop.client, &code, year);
                let handle = peer
                    .fetch(&doc.to_string())
                    .await
                    .expect("the unit's records");
                let (author, code, tasks) = (author.clone(), code.clone(), tasks.clone());
                let (n, heads) = tokio::task::spawn_blocking(move || {
                    handle.with_document(|doc| {
                        let n = write_year(doc, &author, &code, year, &tasks, n_periods);
                        (n, doc.get_heads())
                    })
                })
                .await
                .unwrap();
                n_edits += n;
                written.push((doc, heads));
            }
            // Sent once the laptop holds every change: the server had them first.
            for (doc, heads) in &written {
                wait_for_heads(&laptop.client, doc, heads, Duration::from_secs(600)).await;
            }
            peer.stop().await;
            laptop.client.stop_sync();
            (laptop, n_edits)
        }));
    }
    let mut laptops = Vec::new();
    let mut n_edits = 0;
    for writer in writers {
        let (laptop, n) = writer.await.unwrap();
        n_edits += n;
        laptops.push(laptop);
    }
    eprintln!(
        "{n_edits} edits written and received by the units' laptops after {:.0} s",
        started.elapsed().as_secs_f64()
    );
    // The office's appraisals: every period of every year, half of each unit's tasks accepted
    // and a quarter returned with a comment, each verdict its own change, the same way.
    let office = Laptop::login(&url, "thamdinh").await;
    office.wait_up_to_date(Duration::from_secs(600)).await;
    let reviewer = ChangeAuthor {
        user: "thamdinh".into(),
        device: office.client.device().to_string(),
        what: String::new(),
    };
    let peer = RoguePeer::connect(&url, "thamdinh", PASSWORD, &reviewer.device).await;
    let mut n_verdicts = 0;
    let mut written = Vec::new();
    for code in &codes {
        let tasks: Vec<TaskId> = office
            .unit_tasks(code)
            .await
            .unwrap()
            .into_iter()
            .map(|t| t.id)
            .collect();
        for year in 2026..2026 + n_years {
            let review = office
                .client
                .review_doc_for(code, year)
                .expect("the review document")
                .id;
            let handle = peer.fetch(&review.to_string()).await.expect("the review");
            let (reviewer, tasks) = (reviewer.clone(), tasks.clone());
            let (n, heads) = tokio::task::spawn_blocking(move || {
                handle.with_document(|doc| {
                    let n = appraise_year(doc, &reviewer, year, &tasks, n_periods);
                    (n, doc.get_heads())
                })
            })
            .await
            .unwrap();
            n_verdicts += n;
            written.push((review, heads));
        }
    }
    for (doc, heads) in &written {
        wait_for_heads(&office.client, doc, heads, Duration::from_secs(600)).await;
    }
    peer.stop().await;
    office.wait_up_to_date(Duration::from_secs(600)).await;
    eprintln!(
        "{n_verdicts} verdicts written and received by the office after {:.0} s",
        started.elapsed().as_secs_f64()
    );
    let period: PeriodId = "2026".parse().unwrap();
    let n_docs = office.client.documents().len();
    let office_dir = office.data_dir().to_path_buf();
    office.client.shutdown().await;
    let stored: u64 = ["documents.sqlite3", "documents.sqlite3-wal"]
        .iter()
        .filter_map(|f| std::fs::metadata(office_dir.join(f)).ok())
        .map(|m| m.len())
        .sum();
    println!(
        "# PlanSync app-open benchmark ({} build): {n_units} units x {n_years} years, {n_edits} edits, {n_docs} documents on the office laptop ({:.1} MB of documents.sqlite3), set up in {:.0} s",
        if cfg!(debug_assertions) { "debug" } else { "release" },
        stored as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );

    let today = today();
    // Starts, each in a process of its own: the office's, offline and with sync started at
    // once (as the app does when a session is stored: the engine then loads every document in
    // the background); the first is the first start after the download, before any report
    // was kept.
    let mut offline = Vec::new();
    let mut syncing = Vec::new();
    let mut first = None;
    for sample in 0..n_samples {
        let started = start_process(&office_dir, None, false);
        eprintln!("office start {sample} (offline): {started}");
        assert!(started.n_units >= n_units, "the report holds every unit");
        if first.is_none() {
            first = Some(started);
            continue;
        }
        offline.push(started);
        let started = start_process(&office_dir, None, true);
        eprintln!("office start {sample} (sync started): {started}");
        syncing.push(started);
    }
    let first = first.expect("one sample at least");
    println!("office: first start after the download (no report kept yet): {first}");
    println!(
        "office: start to data ready, offline (median of {}): {}",
        offline.len(),
        Started::median(&offline)
    );
    println!(
        "office: start to data ready, sync started at once (median of {}): {}",
        syncing.len(),
        Started::median(&syncing)
    );

    // The running app: the office's client up to date, its dashboard shown; one unit's change
    // arrives and the dashboard refreshes.
    let client = Client::open_with(&office_dir, test_config()).await.unwrap();
    client.start_sync();
    let plan = client.plan().await.unwrap().expect("the plan");
    client
        .report(&plan, period, Scope::AllUnits, today)
        .await
        .unwrap();
    let mut refreshes = Vec::new();
    for sample in 0..n_samples {
        let laptop = &laptops[sample % laptops.len()];
        let code = &codes[sample % codes.len()];
        laptop.client.start_sync();
        let doc = records_doc(&laptop.client, code, 2026);
        let task: TaskId = laptop.unit_tasks(code).await.unwrap()[sample % 10]
            .id
            .clone();
        laptop
            .client
            .edit_record(
                &doc,
                &task,
                RecordEdit::Progress {
                    percent: (50 + sample) as u8,
                },
            )
            .await
            .unwrap();
        laptop.wait_up_to_date(Duration::from_secs(60)).await;
        let heads = laptop.client.doc_heads(&doc).await.unwrap();
        wait_for_heads(&client, &doc, &heads, Duration::from_secs(60)).await;
        let t = Instant::now();
        let refreshed = client
            .report(&plan, period, Scope::AllUnits, today)
            .await
            .unwrap();
        refreshes.push(t.elapsed());
        let shown = refreshed
            .indexes
            .iter()
            .flat_map(|i| &i.sections)
            .flat_map(|s| &s.tasks)
            .filter(|t| t.task_id == task)
            .flat_map(|t| &t.units)
            .any(|u| u.unit_code == *code && u.progress == Some((50 + sample) as u8));
        assert!(shown, "the refreshed report shows the new progress");
        laptop.client.stop_sync();
    }
    client.shutdown().await;
    println!(
        "office: dashboard refresh after one unit's change (median of {n_samples}): {:.1} ms (slowest {:.1} ms)",
        ms(median(refreshes.clone())),
        ms(*refreshes.iter().max().unwrap()),
    );

    // A new office laptop: the first login downloads everything with the dashboard on screen.
    let new_laptop = tempfile::tempdir().unwrap();
    let downloaded = download_with_dashboard(new_laptop.path(), &url, period, n_units).await;
    println!("office: a new laptop's first login, the dashboard on screen: {downloaded}");
    let mut after_download = Vec::new();
    for _ in 0..n_samples.min(5) {
        after_download.push(start_process(new_laptop.path(), None, false));
    }
    println!(
        "office: start after that download (median of {}): {}",
        after_download.len(),
        Started::median(&after_download)
    );

    // A unit's staff start on their own task list (the unit's report of the period): the first
    // start after the download, then again.
    let (mut staff_first, mut staff) = (Vec::new(), Vec::new());
    for sample in 0..n_samples {
        let laptop = &mut laptops[sample % n_units];
        let code = &codes[sample % n_units];
        laptop.client.shutdown().await;
        for again in [false, true] {
            let started = start_process(laptop.data_dir(), Some(code), false);
            assert_eq!(started.n_units, 1, "the unit's own report");
            if again {
                staff.push(started);
            } else {
                staff_first.push(started);
            }
        }
        laptop.client = Client::open_with(laptop.data_dir(), test_config())
            .await
            .unwrap();
    }
    println!(
        "staff: first start after the download (median of {n_samples}): {}",
        Started::median(&staff_first)
    );
    println!(
        "staff: start to the unit's task list ready (median of {n_samples}): {}",
        Started::median(&staff)
    );
    for laptop in laptops {
        laptop.client.shutdown().await;
    }
}

/// What a new laptop's first login took: the download, and the dashboard after it.
struct Downloaded {
    n_docs: usize,
    download: Duration,
    ready_after: Duration,
    n_reads: usize,
}

impl std::fmt::Display for Downloaded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} documents downloaded in {:.1} s; the dashboard's data ready {:.0} ms after the last \
             one arrived ({} reads of the dashboard during the download)",
            self.n_docs,
            self.download.as_secs_f64(),
            ms(self.ready_after),
            self.n_reads
        )
    }
}

/// The office's first login on a new laptop (`dir` empty), as the app makes it: the client
/// logs in and downloads every document while the dashboard is on screen, and the dashboard is
/// read again whenever documents changed (the app's overview follows `n_doc_changes`, one read
/// at a time). Timed: the download, to up to date; then the dashboard's data ready after it.
async fn download_with_dashboard(
    dir: &std::path::Path,
    url: &str,
    period: PeriodId,
    n_units: usize,
) -> Downloaded {
    let client = Client::open_with(dir, test_config()).await.unwrap();
    let started = Instant::now();
    client.login(url, "thamdinh", PASSWORD).await.unwrap();
    client.start_sync();
    let mut status = client.status();
    let mut n_reads = 0;
    // The document changes the dashboard was last read at, and when that read ended with
    // every unit in it.
    let mut read_at: Option<u64> = None;
    let mut complete_at: Option<(u64, Instant)> = None;
    let mut downloaded_at: Option<Instant> = None;
    loop {
        let (n_changes, up_to_date) = {
            let now = status.borrow_and_update();
            let up_to_date =
                matches!(now.state, client::SyncState::UpToDate { .. }) && now.n_unconfirmed == 0;
            (now.n_doc_changes, up_to_date)
        };
        if up_to_date && downloaded_at.is_none() {
            downloaded_at = Some(Instant::now());
        }
        if let (Some(downloaded_at), Some((changes, ready_at))) = (downloaded_at, complete_at) {
            if changes == n_changes {
                let n_docs = client.documents().len();
                client.shutdown().await;
                return Downloaded {
                    n_docs,
                    download: downloaded_at - started,
                    ready_after: ready_at.saturating_duration_since(downloaded_at),
                    n_reads,
                };
            }
        }
        if read_at != Some(n_changes) {
            // Documents changed since the dashboard was last read: read it again, as the app.
            read_at = Some(n_changes);
            let Some(plan) = client.plan().await.unwrap() else {
                continue;
            };
            if let Ok(report) = client.report(&plan, period, Scope::AllUnits, today()).await {
                n_reads += 1;
                if units_in(&report) >= n_units {
                    complete_at = Some((n_changes, Instant::now()));
                }
            }
            continue;
        }
        assert!(
            started.elapsed() < Duration::from_secs(1800),
            "the download did not end within 30 minutes"
        );
        let _ = tokio::time::timeout(Duration::from_millis(500), status.changed()).await;
    }
}

/// The day the bench's reports are made (the 2026 year report is due on the 14th).
fn today() -> Date {
    Date::new(2026, 12, 10).unwrap()
}

/// What one start took, in milliseconds.
#[derive(Debug, Clone, Copy)]
struct Started {
    open: f64,
    plan: f64,
    report: f64,
    n_units: usize,
}

impl Started {
    fn total(&self) -> f64 {
        self.open + self.plan + self.report
    }

    /// The start of median total, and the slowest total.
    fn median(all: &[Started]) -> String {
        let mut all = all.to_vec();
        all.sort_by(|a, b| a.total().total_cmp(&b.total()));
        let slowest = all.last().map_or(0.0, Started::total);
        format!("{} (slowest {slowest:.0} ms)", all[all.len() / 2])
    }
}

impl std::fmt::Display for Started {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:.0} ms = open the client {:.0} ms + plan {:.0} ms + report {:.0} ms",
            self.total(),
            self.open,
            self.plan,
            self.report
        )
    }
}

/// Runs one start in a process of its own (this program with `--start`) and reads its times.
fn start_process(dir: &std::path::Path, unit: Option<&str>, sync: bool) -> Started {
    let mut command = std::process::Command::new(std::env::current_exe().unwrap());
    command.arg("--start").arg(dir);
    if let Some(unit) = unit {
        command.args(["--unit", unit]);
    }
    if sync {
        command.arg("--sync");
    }
    let out = command
        .stderr(std::process::Stdio::inherit())
        .output()
        .unwrap();
    assert!(out.status.success(), "the start failed");
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("started "))
        .unwrap_or_else(|| panic!("no times from the start: {text}"));
    let v: Vec<f64> = line.split(' ').map(|x| x.parse().unwrap()).collect();
    Started {
        open: v[0],
        plan: v[1],
        report: v[2],
        n_units: v[3] as usize,
    }
}

/// One start of the app's client on `dir`, as the app starts: the client opened (sync started
/// at once with `sync`, as when a session is stored), the plan (`load_plan`), then the report
/// of the first screen (`overview`): the office's dashboard or the unit's task list. Prints
/// `started OPEN PLAN REPORT N_UNITS` (milliseconds).
async fn start(dir: &std::path::Path, scope: Scope, sync: bool) {
    let t = Instant::now();
    let client = Client::open_with(dir, test_config()).await.unwrap();
    if sync {
        client.start_sync();
    }
    let opened = t.elapsed();
    let plan = client.plan().await.unwrap().expect("the plan");
    let planned = t.elapsed();
    let period: PeriodId = "2026".parse().unwrap();
    let report = client.report(&plan, period, scope, today()).await.unwrap();
    let all = t.elapsed();
    println!(
        "started {:.1} {:.1} {:.1} {}",
        ms(opened),
        ms(planned - opened),
        ms(all - planned),
        units_in(&report)
    );
    client.shutdown().await;
}

/// How many units report in `report`.
fn units_in(report: &shared::report::Report) -> usize {
    let units: std::collections::BTreeSet<&str> = report
        .indexes
        .iter()
        .flat_map(|i| &i.sections)
        .flat_map(|s| &s.tasks)
        .flat_map(|t| &t.units)
        .map(|u| u.unit_code.as_str())
        .collect();
    units.len()
}

/// Milliseconds since the epoch of noon (Vietnam) on `date`.
fn millis_of(date: Date) -> i64 {
    date.days_since_epoch() * 86_400_000 + 5 * 3_600_000
}

/// A unit's year in its records document, one change per edit as its laptop saves them: the
/// status when work starts, then per period (the first `n_periods`) the progress, the result
/// typed in three saves, difficulties on some tasks, an actual per target and the sending; the
/// status again when done. Returns the number of changes.
fn write_year(
    doc: &mut automerge::Automerge,
    author: &ChangeAuthor,
    code: &str,
    year: i32,
    tasks: &[Task],
    n_periods: usize,
) -> usize {
    let calendar = shared::calendar::CalendarConfig::default();
    let mut n = 0;
    let mut apply = |doc: &mut automerge::Automerge, at: Date, task: &Task, edit: RecordEdit| {
        records::apply(doc, author, millis_of(at), &task.id, &edit).unwrap();
        n += 1;
    };
    for (i, task) in tasks.iter().enumerate() {
        let start = Date::new(year, 1 + (i % 3) as u8, 5 + (i % 20) as u8).unwrap();
        apply(
            doc,
            start,
            task,
            RecordEdit::Status {
                status: TaskStatus::InProgress,
            },
        );
        for (p, period) in PeriodId::of_year(year)
            .into_iter()
            .take(n_periods)
            .enumerate()
        {
            let due = calendar.deadline(period);
            let day = |back: i64| Date::from_days_since_epoch(due.days_since_epoch() - back);
            let percent = (20 * (p + 1) + i % 10).min(100) as u8;
            apply(doc, day(20), task, RecordEdit::Progress { percent });
            let sentences = [
                format!(
                    "{}: đơn vị {code} đã triển khai nhiệm vụ {}.",
                    period.label(),
                    task.code
                ),
                format!(
                    " Tổ chức {} hội nghị quán triệt, ban hành văn bản hướng dẫn.",
                    1 + i % 4
                ),
                " Kết quả bước đầu được cán bộ, người dân đánh giá tích cực.".to_string(),
            ];
            let mut text = String::new();
            for (s, sentence) in sentences.iter().enumerate() {
                text.push_str(sentence);
                let edit = RecordEdit::Text {
                    period,
                    field: TextField::Result,
                    text: text.clone(),
                };
                apply(doc, day(12 - 2 * s as i64), task, edit);
            }
            if i % 4 == 0 {
                let edit = RecordEdit::Text {
                    period,
                    field: TextField::Difficulties,
                    text: "Kinh phí bố trí chậm; thiếu cán bộ chuyên trách.".into(),
                };
                apply(doc, day(6), task, edit);
            }
            for target in 0..task.targets.len() {
                let value = Some(50.0 + (10 * p + i % 40) as f64);
                apply(
                    doc,
                    day(5),
                    task,
                    RecordEdit::Actual {
                        period,
                        target,
                        value,
                    },
                );
            }
            let sent = records::read_period(doc, &task.id, period).unwrap();
            let digest = sent
                .periods
                .iter()
                .find(|r| r.period == period)
                .map(shared::submission::digest)
                .unwrap();
            let edit = RecordEdit::Send {
                period,
                digest,
                answers: 0,
            };
            apply(doc, day(2), task, edit);
        }
        if i % 3 == 0 {
            let end = Date::new(year, 12, 1).unwrap();
            apply(
                doc,
                end,
                task,
                RecordEdit::Status {
                    status: TaskStatus::Done,
                },
            );
        }
    }
    n
}

/// The office's year in a unit's review document: per period, half of the tasks accepted and a
/// quarter returned with a comment. Returns the number of changes.
fn appraise_year(
    doc: &mut automerge::Automerge,
    author: &ChangeAuthor,
    year: i32,
    tasks: &[TaskId],
    n_periods: usize,
) -> usize {
    let calendar = shared::calendar::CalendarConfig::default();
    let mut n = 0;
    for period in PeriodId::of_year(year).into_iter().take(n_periods) {
        let at = millis_of(calendar.deadline(period)) + 86_400_000;
        for (i, task) in tasks.iter().enumerate() {
            let (verdict, comment) = match i % 4 {
                0 | 2 => (Verdict::Accepted, "Đạt yêu cầu."),
                1 => (Verdict::Returned, "Đề nghị bổ sung số liệu kiểm chứng."),
                _ => continue,
            };
            review::set_verdict(doc, author, at, task, period, verdict, comment).unwrap();
            n += 1;
        }
    }
    n
}

/// Waits until `client` holds `heads` of `doc`.
async fn wait_for_heads(client: &Client, doc: &DocumentId, heads: &[ChangeHash], within: Duration) {
    let deadline = Instant::now() + within;
    loop {
        let have = client.doc_heads(doc).await.unwrap_or_default();
        if heads.iter().all(|h| have.contains(h)) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{doc} not received within {within:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
