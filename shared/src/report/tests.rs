//! Report snapshots on hand-built documents: a small plan, two units' records and reviews.

use automerge::Automerge;
use expect_test::{expect, Expect};

use super::{build, Report, ReportError, ReportRequest, ReportStatus, Scope, UnitDocuments};
use crate::calendar::{CalendarConfig, Date, PeriodId};
use crate::documents::records::{self, RecordEdit, TaskSkeleton, TaskStatus, TextField};
use crate::documents::review::{self, Verdict};
use crate::documents::ChangeAuthor;
use crate::plan::{Plan, TaskId};

fn plan() -> Plan {
    let task = |id: &str, code: &str, title: &str, lead: &str, targets: serde_json::Value| {
        serde_json::json!({
            "id": id, "code": code, "title": title, "content": "", "lead": [lead], "support": [],
            "lead_text": lead, "support_text": "", "timeframe": {"text": "Hàng năm", "kind": "yearly"},
            "products": [], "targets": targets, "source": "line 1"
        })
    };
    let percent = serde_json::json!([
        {"operator": ">=", "value": 80.0, "unit": "%", "text": "từ 80% trở lên"},
        {"operator": "<=", "value": null, "unit": "số lượng biên chế được giao",
         "text": "không vượt quá số lượng biên chế được giao"}
    ]);
    serde_json::from_value(serde_json::json!({
        "number": "/KH-SXD", "date": "ngày tháng 01 năm 2026",
        "date_parts": {"day": null, "month": 1, "year": 2026},
        "place": "Tuyên Quang", "issuer": "Sở Xây dựng", "kind": "KẾ HOẠCH",
        "title": "Duy trì, cải thiện và nâng cao Chỉ số PAR INDEX", "period": null,
        "units": {"entries": []},
        "appendices": [
            {"index": "PAR_INDEX", "number": "I", "title": "NHIỆM VỤ PAR INDEX", "tasks": [],
             "sections": [
                {"code": "I", "title": "CÔNG TÁC CHỈ ĐẠO ĐIỀU HÀNH", "sections": [], "tasks": [
                    task("PAR_INDEX/I/1", "1", "Tỷ lệ hồ sơ trực tuyến", "Các phòng, ban, đơn vị thuộc Sở", percent),
                    task("PAR_INDEX/I/2", "2", "Tuyên truyền CCHC", "Phòng Quản lý hạ tầng", serde_json::json!([])),
                ]},
                {"code": "II", "title": "CẢI CÁCH THỂ CHẾ", "sections": [], "tasks": [
                    task("PAR_INDEX/II/1", "1", "Rà soát văn bản", "Văn phòng Sở", serde_json::json!([])),
                ]},
             ]},
            {"index": "SIPAS", "number": "III", "title": "NHIỆM VỤ SIPAS", "tasks": [],
             "sections": [
                {"code": "A", "title": "CHÍNH SÁCH", "tasks": [], "sections": [
                    {"code": "I", "title": "Trách nhiệm giải trình", "sections": [], "tasks": [
                        task("SIPAS/A/I/1", "1", "Đối thoại với người dân", "UBND tỉnh", serde_json::json!([])),
                    ]},
                ]},
             ]},
        ]
    }))
    .expect("the test plan deserialises")
}

fn author(user: &str) -> ChangeAuthor {
    ChangeAuthor {
        user: user.into(),
        device: format!("{user}-laptop"),
        what: String::new(),
    }
}

fn q3() -> PeriodId {
    "2026-Q3".parse().unwrap()
}

/// A unit's records and review documents, with `edits` applied and `verdicts` given.
fn unit_docs(
    unit: &str,
    tasks: &[&str],
    edits: &[(&str, RecordEdit)],
    verdicts: &[(&str, Verdict, &str)],
) -> (Automerge, Automerge) {
    let ids: Vec<TaskId> = tasks.iter().map(|t| TaskId(t.to_string())).collect();
    let skeleton: Vec<TaskSkeleton> = ids
        .iter()
        .map(|t| TaskSkeleton {
            task_id: t.clone(),
            n_targets: 2,
        })
        .collect();
    let server = author("server");
    let mut records_doc = Automerge::new();
    records::ensure_structure(&mut records_doc, &server, 1_000, unit, 2026, &skeleton).unwrap();
    let mut review_doc = Automerge::new();
    review::ensure_structure(&mut review_doc, &server, 1_000, unit, 2026, &ids).unwrap();
    for (task, edit) in edits {
        let task = TaskId(task.to_string());
        records::apply(&mut records_doc, &author("lan"), 2_000, &task, edit).unwrap();
    }
    for (task, verdict, comment) in verdicts {
        let task = TaskId(task.to_string());
        review::set_verdict(
            &mut review_doc,
            &author("thamdinh"),
            3_000,
            &task,
            q3(),
            *verdict,
            comment,
        )
        .unwrap();
    }
    (records_doc, review_doc)
}

fn status(status: TaskStatus) -> RecordEdit {
    RecordEdit::Status { status }
}

fn text(field: TextField, text: &str) -> RecordEdit {
    RecordEdit::Text {
        period: q3(),
        field,
        text: text.into(),
    }
}

fn actual(period: &str, value: f64) -> RecordEdit {
    RecordEdit::Actual {
        period: period.parse().unwrap(),
        target: 0,
        value: Some(value),
    }
}

/// QLHT finished I/1 (86,5% ≥ 80%: met, accepted), left I/2 untouched and does not apply II/1;
/// KHTC is still on I/1 (75%: not met, returned) and finished II/1.
fn documents() -> Vec<(&'static str, &'static str, Automerge, Automerge)> {
    let (qlht_records, qlht_review) = unit_docs(
        "QLHT",
        &["PAR_INDEX/I/1", "PAR_INDEX/I/2", "PAR_INDEX/II/1"],
        &[
            ("PAR_INDEX/I/1", status(TaskStatus::Done)),
            (
                "PAR_INDEX/I/1",
                text(TextField::Result, "Đã xử lý 1.245 hồ sơ trực tuyến."),
            ),
            ("PAR_INDEX/I/1", actual("2026-Q3", 86.5)),
            ("PAR_INDEX/I/1", actual("2026-Q1", 40.0)),
            ("PAR_INDEX/II/1", status(TaskStatus::NotApplicable)),
        ],
        &[(
            "PAR_INDEX/I/1",
            Verdict::Accepted,
            "Số liệu khớp hệ thống một cửa.",
        )],
    );
    let (khtc_records, khtc_review) = unit_docs(
        "KHTC",
        &["PAR_INDEX/I/1", "PAR_INDEX/II/1"],
        &[
            ("PAR_INDEX/I/1", status(TaskStatus::InProgress)),
            ("PAR_INDEX/I/1", actual("2026-Q3", 75.0)),
            (
                "PAR_INDEX/I/1",
                text(TextField::Difficulties, "Thiếu kinh phí số hoá."),
            ),
            (
                "PAR_INDEX/I/1",
                text(TextField::Proposals, "Bổ sung kinh phí năm 2027."),
            ),
            ("PAR_INDEX/II/1", status(TaskStatus::Done)),
        ],
        &[("PAR_INDEX/I/1", Verdict::Returned, "Bổ sung minh chứng.")],
    );
    vec![
        ("QLHT", "Phòng Quản lý hạ tầng", qlht_records, qlht_review),
        (
            "KHTC",
            "Phòng Kế hoạch – Tài chính",
            khtc_records,
            khtc_review,
        ),
    ]
}

/// The units' documents as the report reads them.
fn unit_documents<'a>(
    docs: &'a [(&'static str, &'static str, Automerge, Automerge)],
) -> Vec<UnitDocuments<'a>> {
    docs.iter()
        .map(|(code, name, records, review)| UnitDocuments {
            code,
            name,
            records,
            review: Some(review),
        })
        .collect()
}

fn report(scope: Scope, today: Date) -> Result<Report, ReportError> {
    let docs = documents();
    let units = unit_documents(&docs);
    let plan = plan();
    build(&ReportRequest {
        plan: &plan,
        period: q3(),
        calendar: &CalendarConfig::default(),
        today,
        units: &units,
        scope,
    })
}

/// The report as indented text: what a reader of the DOCX would see, without the layout.
fn render(report: &Report) -> String {
    let mut out = vec![
        report.issuer.clone(),
        report.date_line.clone(),
        format!("{} | {}", report.title, report.subtitle),
    ];
    if let Some(unit) = &report.unit {
        out.push(format!("Đơn vị: {} ({})", unit.name, unit.code));
    }
    out.push(format!(
        "Hạn: {} · {} · quá hạn {}",
        report.deadline,
        report.completion.text(),
        report.completion.n_overdue
    ));
    for index in &report.indexes {
        out.push(format!("== {}: {}", index.index, index.completion.text()));
        for section in &index.sections {
            out.push(format!(
                "{}§ {}",
                "  ".repeat(section.depth),
                section.heading()
            ));
            for task in &section.tasks {
                out.push(format!(
                    "  {} {} [chủ trì: {}]",
                    task.code, task.title, task.lead
                ));
                if task.units.is_empty() {
                    out.push("    (không có đơn vị báo cáo)".into());
                }
                for unit in &task.units {
                    let mut line = format!("    {}: {}", unit.unit_code, unit.status.label());
                    for (label, value) in [
                        ("kết quả", &unit.result),
                        ("khó khăn", &unit.difficulties),
                        ("đề xuất", &unit.proposals),
                    ] {
                        if !value.is_empty() {
                            line.push_str(&format!(" | {label}: {value}"));
                        }
                    }
                    out.push(line);
                    for actual in &unit.actuals {
                        out.push(format!("      {}", actual.summary()));
                    }
                    let review = format!("{} {}", unit.review.label(), unit.review.comment);
                    out.push(format!("      thẩm định: {}", review.trim_end()));
                }
            }
        }
    }
    out.join("\n")
}

fn check(scope: Scope, today: Date, expect: Expect) {
    let shown = match report(scope, today) {
        Ok(report) => render(&report),
        Err(err) => format!("error: {err}"),
    };
    expect.assert_eq(&shown);
}

fn date(day: u8, month: u8) -> Date {
    Date::new(2026, month, day).unwrap()
}

#[test]
fn consolidated_report_after_the_deadline_marks_unfinished_work_overdue() {
    check(
        Scope::AllUnits,
        date(20, 9),
        expect![[r#"
            SỞ XÂY DỰNG
            Tuyên Quang, ngày 20 tháng 9 năm 2026
            BÁO CÁO | Kết quả thực hiện Kế hoạch duy trì, cải thiện và nâng cao Chỉ số PAR INDEX – Quý III/2026
            Hạn: 14/09/2026 · 1/3 nhiệm vụ, 33,33% · quá hạn 2
            == PAR INDEX: 1/3 nhiệm vụ, 33,33%
            § I. CÔNG TÁC CHỈ ĐẠO ĐIỀU HÀNH
              1 Tỷ lệ hồ sơ trực tuyến [chủ trì: Các phòng, ban, đơn vị thuộc Sở]
                QLHT: Hoàn thành | kết quả: Đã xử lý 1.245 hồ sơ trực tuyến.
                  ≥ 80%: thực hiện 86,5% – Đạt
                  ≤ số lượng biên chế được giao: chưa có số liệu
                  thẩm định: Chấp nhận Số liệu khớp hệ thống một cửa.
                KHTC: Quá hạn | khó khăn: Thiếu kinh phí số hoá. | đề xuất: Bổ sung kinh phí năm 2027.
                  ≥ 80%: thực hiện 75% – Không đạt
                  ≤ số lượng biên chế được giao: chưa có số liệu
                  thẩm định: Trả lại Bổ sung minh chứng.
              2 Tuyên truyền CCHC [chủ trì: Phòng Quản lý hạ tầng]
                QLHT: Quá hạn
                  thẩm định: Chưa thẩm định
            § II. CẢI CÁCH THỂ CHẾ
              1 Rà soát văn bản [chủ trì: Văn phòng Sở]
                QLHT: Không áp dụng
                  thẩm định: Chưa thẩm định
                KHTC: Hoàn thành
                  thẩm định: Chưa thẩm định
            == SIPAS: 0/0 nhiệm vụ, 0,00%
            § A. CHÍNH SÁCH
              § I. Trách nhiệm giải trình
              1 Đối thoại với người dân [chủ trì: UBND tỉnh]
                (không có đơn vị báo cáo)"#]],
    );
}

#[test]
fn unit_report_before_the_deadline_keeps_only_the_units_tasks() {
    check(
        Scope::Unit("KHTC".into()),
        date(5, 9),
        expect![[r#"
            SỞ XÂY DỰNG
            Tuyên Quang, ngày 05 tháng 9 năm 2026
            BÁO CÁO | Kết quả thực hiện Kế hoạch duy trì, cải thiện và nâng cao Chỉ số PAR INDEX – Quý III/2026
            Đơn vị: Phòng Kế hoạch – Tài chính (KHTC)
            Hạn: 14/09/2026 · 1/2 nhiệm vụ, 50,00% · quá hạn 0
            == PAR INDEX: 1/2 nhiệm vụ, 50,00%
            § I. CÔNG TÁC CHỈ ĐẠO ĐIỀU HÀNH
              1 Tỷ lệ hồ sơ trực tuyến [chủ trì: Các phòng, ban, đơn vị thuộc Sở]
                KHTC: Đang thực hiện | khó khăn: Thiếu kinh phí số hoá. | đề xuất: Bổ sung kinh phí năm 2027.
                  ≥ 80%: thực hiện 75% – Không đạt
                  ≤ số lượng biên chế được giao: chưa có số liệu
                  thẩm định: Trả lại Bổ sung minh chứng.
            § II. CẢI CÁCH THỂ CHẾ
              1 Rà soát văn bản [chủ trì: Văn phòng Sở]
                KHTC: Hoàn thành
                  thẩm định: Chưa thẩm định
            == SIPAS: 0/0 nhiệm vụ, 0,00%"#]],
    );
}

#[test]
fn unknown_unit_is_an_error() {
    check(
        Scope::Unit("XYZ".into()),
        date(5, 9),
        expect!["error: unit XYZ has no records for this year"],
    );
}

#[test]
fn a_task_due_earlier_in_the_period_is_overdue_from_its_own_date() {
    let docs = documents();
    let units = unit_documents(&docs);
    let mut plan = plan();
    // "Tuyên truyền CCHC" is due before 10/09, earlier than the quarter's 14/09.
    let task = &mut plan.appendices[0].sections[0].tasks[1];
    task.timeframe = crate::timeframe::Timeframe::parse("Trước ngày 10/9");
    let on = |today| {
        build(&ReportRequest {
            plan: &plan,
            period: q3(),
            calendar: &CalendarConfig::default(),
            today,
            units: &units,
            scope: Scope::Unit("QLHT".into()),
        })
        .unwrap()
    };
    let status_of = |report: &Report, code: &str| {
        let task = report.indexes[0]
            .sections
            .iter()
            .flat_map(|s| &s.tasks)
            .find(|t| t.code == code && t.title == "Tuyên truyền CCHC")
            .unwrap();
        (task.deadline, task.units[0].status)
    };
    assert_eq!(
        status_of(&on(date(9, 9)), "2"),
        (date(10, 9), ReportStatus::NotStarted)
    );
    assert_eq!(
        status_of(&on(date(12, 9)), "2"),
        (date(10, 9), ReportStatus::Overdue),
        "overdue after its own date, before the quarter's deadline"
    );
}
