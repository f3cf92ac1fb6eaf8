//! Overview benchmarks (figures, not pass/fail): how long the office's screens take to compute
//! for a whole department, the work the app repeats whenever a document changes.
//!
//! ```sh
//! cargo build --release -p tests --bins
//! target/release/overview-bench [--units 30] [--samples 20]
//! ```
//!
//! The seed plan (57 tasks) is given to N units, each reporting on every task with a result,
//! difficulties, an actual per target, a status, and the office's verdict on half of them; then,
//! per sample: copying every unit's records and review documents (the app copies them out of
//! the sync engine), `shared::report::build` for the consolidated report, and the dashboard's
//! and indicators' computations (`shared::overview`); then the app's refresh after one unit's
//! change (the units' parts kept between refreshes, only the changed unit read again); and
//! separately each export writer.

use std::time::{Duration, Instant};

use automerge::Automerge;
use shared::calendar::{CalendarConfig, Date, PeriodId};
use shared::documents::records::{self, RecordEdit, TaskSkeleton, TaskStatus, TextField};
use shared::documents::review::{self, Verdict};
use shared::documents::ChangeAuthor;
use shared::overview::{indicators, reminder, section_summaries, unit_summaries, TaskFilter};
use shared::report::{
    build, read_unit, PartCache, PartKey, ReportContext, ReportRequest, Scope, UnitDocuments,
};
use tests::bench::arg_or;

fn author(user: &str) -> ChangeAuthor {
    ChangeAuthor {
        user: user.into(),
        device: format!("{user}-laptop"),
        what: String::new(),
    }
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn main() {
    let n_units = arg_or("--units", 30);
    let n_samples = arg_or("--samples", 20);
    let plan = server::publish::load_plan(&tests::repo::seed_plan()).expect("the seed plan");
    let period: PeriodId = "2026".parse().unwrap();
    let tasks: Vec<_> = plan.tasks().into_iter().map(|(_, t)| t.clone()).collect();
    let skeletons: Vec<TaskSkeleton> = tasks
        .iter()
        .map(|t| TaskSkeleton {
            task_id: t.id.clone(),
            n_targets: t.targets.len(),
        })
        .collect();
    let started = Instant::now();
    let mut units = Vec::new();
    for idx in 0..n_units {
        let code = format!("U{idx:02}");
        let mut records_doc = Automerge::new();
        records::ensure_structure(
            &mut records_doc,
            &author("server"),
            0,
            &code,
            2026,
            &skeletons,
        )
        .unwrap();
        let mut review_doc = Automerge::new();
        let ids: Vec<_> = tasks.iter().map(|t| t.id.clone()).collect();
        review::ensure_structure(&mut review_doc, &author("server"), 0, &code, 2026, &ids).unwrap();
        for (n, task) in tasks.iter().enumerate() {
            let edits = [
                RecordEdit::Status {
                    status: if n % 3 == 0 {
                        TaskStatus::Done
                    } else {
                        TaskStatus::InProgress
                    },
                },
                RecordEdit::Progress { percent: 50 },
                RecordEdit::Text {
                    period,
                    field: TextField::Result,
                    text: format!("Đơn vị {code} đã triển khai nhiệm vụ {}: tổ chức hội nghị, ban hành văn bản hướng dẫn.", task.code),
                },
                RecordEdit::Text {
                    period,
                    field: TextField::Difficulties,
                    text: "Thiếu kinh phí và nhân lực.".into(),
                },
            ];
            for edit in edits {
                records::apply(&mut records_doc, &author("lan"), 1, &task.id, &edit).unwrap();
            }
            for target_idx in 0..task.targets.len() {
                let edit = RecordEdit::Actual {
                    period,
                    target: target_idx,
                    value: Some(80.0 + n as f64 % 20.0),
                };
                records::apply(&mut records_doc, &author("lan"), 1, &task.id, &edit).unwrap();
            }
            if n % 2 == 0 {
                review::set_verdict(
                    &mut review_doc,
                    &author("thu"),
                    2,
                    &task.id,
                    period,
                    Verdict::Accepted,
                    "Đạt yêu cầu.",
                )
                .unwrap();
            }
        }
        units.push((code, records_doc, review_doc));
    }
    println!(
        "# PlanSync overview benchmarks ({} build): {n_units} units × {} tasks, set up in {:.1} s",
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        },
        tasks.len(),
        started.elapsed().as_secs_f64()
    );
    let sizes: usize = units
        .iter()
        .map(|(_, r, v)| r.save().len() + v.save().len())
        .sum();
    println!("documents saved: {:.1} MB in all", sizes as f64 / 1e6);

    let calendar = CalendarConfig::default();
    let today = Date::new(2026, 12, 10).unwrap();
    let (mut copying, mut building, mut summarising) = (Vec::new(), Vec::new(), Vec::new());
    let mut last_report = None;
    for _ in 0..n_samples {
        let t = Instant::now();
        let copies: Vec<(String, Automerge, Automerge)> = units
            .iter()
            .map(|(c, r, v)| (c.clone(), r.clone(), v.clone()))
            .collect();
        copying.push(t.elapsed());
        let t = Instant::now();
        let docs: Vec<UnitDocuments<'_>> = copies
            .iter()
            .map(|(code, records, review)| UnitDocuments {
                code,
                name: code,
                records,
                review: Some(review),
            })
            .collect();
        let report = build(&ReportRequest {
            plan: &plan,
            period,
            calendar: &calendar,
            today,
            units: &docs,
            scope: Scope::AllUnits,
        })
        .unwrap();
        building.push(t.elapsed());
        let t = Instant::now();
        let n = unit_summaries(&report).len()
            + section_summaries(&report).len()
            + indicators(&report).len()
            + TaskFilter::default().apply(&report).len()
            + usize::from(reminder(&report).is_some());
        summarising.push(t.elapsed());
        assert!(n > 0);
        last_report = Some(report);
    }
    println!(
        "per refresh (median of {n_samples}): copy documents {:.1} ms, build the report {:.1} ms, dashboard + indicators + list {:.2} ms",
        median(copying).as_secs_f64() * 1e3,
        median(building).as_secs_f64() * 1e3,
        median(summarising).as_secs_f64() * 1e3,
    );
    // The app's refresh after one unit's change: every document's heads are compared with the
    // parts kept from the last refresh, and only the changed unit is copied and read again.
    let context = ReportContext {
        plan: &plan,
        period,
        calendar: &calendar,
        today,
    };
    let key_of = |name: &str, records: &Automerge, review: &Automerge| PartKey {
        name: name.to_string(),
        records: records.get_heads(),
        review: Some(review.get_heads()),
    };
    let mut cache = PartCache::default();
    cache.use_context(&context);
    for (code, records_doc, review_doc) in &units {
        let docs = UnitDocuments {
            code,
            name: code,
            records: records_doc,
            review: Some(review_doc),
        };
        cache.insert(
            key_of(code, records_doc, review_doc),
            read_unit(&context, &docs),
        );
    }
    let order: Vec<String> = units.iter().map(|(code, _, _)| code.clone()).collect();
    let order: Vec<&str> = order.iter().map(String::as_str).collect();
    let mut incremental = Vec::new();
    for sample in 0..n_samples {
        let changed = sample % units.len();
        let (_, records_doc, _) = &mut units[changed];
        let task = &tasks[sample % tasks.len()];
        let edit = RecordEdit::Progress {
            percent: (sample % 100) as u8,
        };
        records::apply(
            records_doc,
            &author("lan"),
            10 + sample as i64,
            &task.id,
            &edit,
        )
        .unwrap();
        let t = Instant::now();
        cache.use_context(&context);
        let mut n_read = 0;
        for (code, records_doc, review_doc) in &units {
            if cache
                .get(code, &key_of(code, records_doc, review_doc))
                .is_some()
            {
                continue;
            }
            let (records_copy, review_copy) = (records_doc.clone(), review_doc.clone());
            let docs = UnitDocuments {
                code,
                name: code,
                records: &records_copy,
                review: Some(&review_copy),
            };
            let part = read_unit(&context, &docs);
            cache.insert(key_of(code, &records_copy, &review_copy), part);
            n_read += 1;
        }
        let report = cache.assemble(&context, &order, &Scope::AllUnits).unwrap();
        incremental.push(t.elapsed());
        assert_eq!(n_read, 1, "only the changed unit is read again");
        assert!(report.completion.n_tasks > 0);
    }
    println!(
        "refresh after one unit's change (median of {n_samples}): {:.1} ms (heads compared for {} documents, 1 unit read again, report assembled)",
        median(incremental).as_secs_f64() * 1e3,
        units.len() * 2,
    );
    let report = last_report.expect("at least one sample");
    for format in [export::ReportFormat::Docx, export::ReportFormat::Xlsx] {
        let t = Instant::now();
        let heading = shared::report::ReportHeading::for_report(&plan, None);
        let bytes = export::render(&report, &heading, format, None).unwrap();
        println!(
            "export {}: {:.0} ms, {:.0} KB",
            format.as_str(),
            t.elapsed().as_secs_f64() * 1e3,
            bytes.len() as f64 / 1e3
        );
    }
}
