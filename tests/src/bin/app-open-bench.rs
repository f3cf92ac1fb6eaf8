//! The office laptop opening the app (figures, not pass/fail). Build and run in release mode:
//!
//! ```sh
//! cargo build --release -p tests --bins
//! target/release/app-open-bench [--units 30] [--years 5] [--periods 4] [--samples 10]
//! ```
//!
//! A real `plansync serve` with the seed plan published for `--years` years from 2026 and
//! `--units` units; each unit's laptop writes a year of history into every year's records
//! document offline (per task: status, progress, and for each of `--periods` periods a result
//! and an actual per target, each its own change), then sends it in one reconnect; the office's reviewer appraises half of 2026's tasks, and the
//! office's laptop downloads everything. Then, with the server still up:
//!
//! 1. **Start**: the office laptop's client is opened on its data directory (offline, as at an
//!    app start before any link) and brings up what the first screens show: the plan, the
//!    task list (`search_tasks("")`, every unit's tasks) and the dashboard's consolidated
//!    report of 2026 (`Client::report`). Timed from `Client::open_with` to the report.
//! 2. **Refresh after one unit's change**: with sync on, one unit's laptop edits a task; once
//!    the office has the change, `Client::report` again (the dashboard's refresh), timed.
//!
//! What the webview then draws is not included.

use std::time::{Duration, Instant};

use client::{Client, DocumentId};
use shared::calendar::{Date, PeriodId};
use shared::documents::records::{RecordEdit, TaskStatus, TextField};
use shared::documents::review::Verdict;
use shared::documents::DocumentKind;
use shared::plan::TaskId;
use shared::report::Scope;
use tests::bench::arg_or;
use tests::laptop::{test_config, Laptop};
use tests::server::TestServer;

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

    // Every unit writes a year of history into each year's records, its laptops side by side.
    let mut writers = Vec::new();
    for user in users.clone() {
        let url = url.clone();
        let code = codes[writers.len()].clone();
        writers.push(tokio::spawn(async move {
            let laptop = Laptop::login(&url, &user).await;
            laptop.wait_up_to_date(Duration::from_secs(300)).await;
            let tasks = laptop.unit_tasks(&code).await.unwrap();
            // Written offline, then sent in one reconnect: the same history (one change per
            // edit) without a sync round per edit, which made the setup take 25 minutes.
            laptop.client.stop_sync();
            let mut n_edits = 0;
            for year in 2026..2026 + n_years {
                let doc = records_doc(&laptop.client, &code, year);
                for (n, task) in tasks.iter().enumerate() {
                    let mut edits = vec![
                        RecordEdit::Status {
                            status: TaskStatus::InProgress,
                        },
                        RecordEdit::Progress { percent: 40 },
                    ];
                    for period in PeriodId::of_year(year).into_iter().take(n_periods) {
                        edits.push(RecordEdit::Text {
                            period,
                            field: TextField::Result,
                            text: format!(
                                "{}: đơn vị {code} đã triển khai nhiệm vụ {}, tổ chức hội nghị và ban hành văn bản hướng dẫn.",
                                period.label(),
                                task.code
                            ),
                        });
                        for target in 0..task.targets.len() {
                            edits.push(RecordEdit::Actual {
                                period,
                                target,
                                value: Some(60.0 + (n % 40) as f64),
                            });
                        }
                    }
                    if n % 3 == 0 {
                        edits.push(RecordEdit::Status {
                            status: TaskStatus::Done,
                        });
                    }
                    for edit in edits {
                        laptop.client.edit_record(&doc, &task.id, edit).await.unwrap();
                        n_edits += 1;
                    }
                }
            }
            laptop.client.start_sync();
            laptop.wait_up_to_date(Duration::from_secs(600)).await;
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
        "{n_edits} edits written and confirmed by the server after {:.0} s",
        started.elapsed().as_secs_f64()
    );
    let office = Laptop::login(&url, "thamdinh").await;
    office.wait_up_to_date(Duration::from_secs(600)).await;
    let period: PeriodId = "2026".parse().unwrap();
    for code in &codes {
        let tasks = office.unit_tasks(code).await.unwrap();
        let review = office
            .client
            .review_doc_for(code, 2026)
            .expect("the review document")
            .id;
        for task in tasks.iter().step_by(2) {
            office
                .client
                .set_verdict(&review, &task.id, period, Verdict::Accepted, "Đạt yêu cầu.")
                .await
                .unwrap();
        }
    }
    office.wait_up_to_date(Duration::from_secs(600)).await;
    let n_docs = office.client.documents().len();
    let office_dir = office.data_dir().to_path_buf();
    office.client.shutdown().await;
    let stored = std::fs::metadata(office_dir.join("documents.sqlite3"))
        .map(|m| m.len())
        .unwrap_or(0);
    println!(
        "# PlanSync app-open benchmark ({} build): {n_units} units x {n_years} years, {n_edits} edits, {n_docs} documents on the office laptop ({:.1} MB of documents.sqlite3), set up in {:.0} s",
        if cfg!(debug_assertions) { "debug" } else { "release" },
        stored as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );

    let today = Date::new(2026, 12, 10).unwrap();
    let (mut opening, mut listing, mut reporting, mut ready) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut refreshes = Vec::new();
    let mut n_rows = 0;
    for sample in 0..n_samples {
        let t = Instant::now();
        let client = Client::open_with(&office_dir, test_config()).await.unwrap();
        let opened = t.elapsed();
        let plan = client.plan().await.unwrap().expect("the plan");
        let rows = client.search_tasks("").await.unwrap();
        let listed = t.elapsed();
        let report = client
            .report(&plan, period, Scope::AllUnits, today)
            .await
            .unwrap();
        let all = t.elapsed();
        n_rows = rows.len();
        assert!(
            report_rows(&report) * n_years as usize <= n_rows,
            "every year's tasks are listed"
        );
        assert!(
            report_rows(&report) >= n_units,
            "the report holds every unit"
        );
        opening.push(opened);
        listing.push(listed - opened);
        reporting.push(all - listed);
        ready.push(all);

        // One unit's change arrives; the dashboard refreshes.
        client.start_sync();
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
        loop {
            let have = client.doc_heads(&doc).await.unwrap_or_default();
            if heads.iter().all(|h| have.contains(h)) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
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
        client.shutdown().await;
    }
    println!(
        "start to data ready (median of {n_samples}): {:.0} ms = open the client {:.0} ms + plan and task list ({} rows) {:.0} ms + dashboard report {:.0} ms",
        ms(median(ready)),
        ms(median(opening)),
        n_rows,
        ms(median(listing)),
        ms(median(reporting)),
    );
    println!(
        "dashboard refresh after one unit's change (median of {n_samples}): {:.1} ms",
        ms(median(refreshes))
    );
    for laptop in laptops {
        laptop.client.shutdown().await;
    }
}

/// The report's unit rows: each unit's report on each task.
fn report_rows(report: &shared::report::Report) -> usize {
    report
        .indexes
        .iter()
        .flat_map(|i| &i.sections)
        .flat_map(|s| &s.tasks)
        .map(|t| t.units.len())
        .sum()
}
