//! Report snapshots on hand-built documents: a small plan, two units' records and reviews.

use automerge::Automerge;
use expect_test::{expect, Expect};

use super::{
    build, read_unit, PartCache, PartKey, Report, ReportContext, ReportError, ReportRequest,
    ReportStatus, Scope, UnitDocuments, UnitPart,
};
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

// A unit's documents broken in every way a document can be (written before the server judged
// changes, by a bug, or restored from an old backup): the report is built from everything that
// reads and names what does not.

/// `path` from the root of `doc`, through maps.
fn obj_at(doc: &Automerge, path: &[&str]) -> automerge::ObjId {
    use automerge::ReadDoc;
    path.iter().fold(automerge::ROOT, |obj, key| {
        doc.get(&obj, *key)
            .unwrap()
            .unwrap_or_else(|| panic!("no {key} in {path:?}"))
            .1
    })
}

/// Writes into `doc` directly, as no PlanSync client may.
fn tamper(
    doc: &mut Automerge,
    path: &[&str],
    write: impl FnOnce(&mut automerge::transaction::Transaction<'_>, &automerge::ObjId),
) {
    let obj = obj_at(doc, path);
    doc.transact::<_, _, automerge::AutomergeError>(|tx| {
        write(tx, &obj);
        Ok(())
    })
    .unwrap();
}

const I1: &str = "PAR_INDEX/I/1";

/// The report over [`documents`] with QLHT's records and review broken by `fault`, as a reader
/// of the files sees it: the notices, then each unit's line per task.
fn check_fault(scope: Scope, fault: impl FnOnce(&mut Automerge, &mut Automerge), expect: Expect) {
    let mut docs = documents();
    let (_, _, records, review) = &mut docs[0];
    fault(records, review);
    let units = unit_documents(&docs);
    let plan = plan();
    let built = build(&ReportRequest {
        plan: &plan,
        period: q3(),
        calendar: &CalendarConfig::default(),
        today: date(20, 9),
        units: &units,
        scope,
    });
    let shown = match built {
        Ok(report) => render_units(&report),
        Err(err) => format!("error: {err}"),
    };
    expect.assert_eq(&shown);
}

/// The notices, then per task each unit's status, texts, actuals and appraisal on one line.
fn render_units(report: &Report) -> String {
    let mut out = Vec::new();
    for notice in report.read_notices() {
        out.push(format!("! {}", notice.text));
        out.push(format!("  ({})", notice.detail));
    }
    out.push(format!("Tổng: {}", report.completion.text()));
    let tasks = report
        .indexes
        .iter()
        .flat_map(|i| &i.sections)
        .flat_map(|s| &s.tasks);
    for task in tasks {
        for unit in &task.units {
            let mut line = format!(
                "{} {} · {}: {}",
                task.code,
                task.title,
                unit.unit_code,
                unit.status.label()
            );
            if let Some(progress) = unit.progress {
                line.push_str(&format!(" {progress}%"));
            }
            for text in [&unit.result, &unit.difficulties, &unit.proposals] {
                if !text.is_empty() {
                    line.push_str(&format!(" | {text}"));
                }
            }
            for actual in unit.actuals.iter().filter(|a| a.actual.is_some()) {
                line.push_str(&format!(" | {}", actual.summary()));
            }
            line.push_str(&format!(" | {}", unit.review.label()));
            if !unit.review.comment.is_empty() {
                line.push_str(&format!(" {}", unit.review.comment));
            }
            if !unit.unreadable.is_empty() {
                let parts: Vec<String> = unit.unreadable.iter().map(|p| p.label()).collect();
                line.push_str(&format!(" [không đọc được: {}]", parts.join(", ")));
            }
            out.push(line);
        }
    }
    out.join("\n")
}

#[test]
fn a_records_document_of_another_schema_leaves_out_only_that_unit() {
    check_fault(
        Scope::AllUnits,
        |records, _| {
            tamper(records, &[], |tx, root| {
                put(tx, root, "schema", "plansync/records@0")
            })
        },
        expect![[r#"
            ! Không đọc được dữ liệu của Phòng Quản lý hạ tầng: dữ liệu được ghi theo mẫu khác (“plansync/records@0”) mà PlanSync không đọc được. Báo cáo này chưa gồm số liệu của đơn vị.
              (QLHT records: schema is "plansync/records@0", expected "plansync/records@1")
            Tổng: 1/2 nhiệm vụ, 50,00%
            1 Tỷ lệ hồ sơ trực tuyến · KHTC: Quá hạn | Thiếu kinh phí số hoá. | Bổ sung kinh phí năm 2027. | ≥ 80%: thực hiện 75% – Không đạt | Trả lại Bổ sung minh chứng.
            1 Rà soát văn bản · KHTC: Hoàn thành | Chưa thẩm định"#]],
    );
}

#[test]
fn a_records_document_without_a_schema_leaves_out_only_that_unit() {
    check_fault(
        Scope::AllUnits,
        |records, _| tamper(records, &[], |tx, root| delete(tx, root, "schema")),
        expect![[r#"
            ! Không đọc được dữ liệu của Phòng Quản lý hạ tầng: dữ liệu bị mất thông tin nhận biết mẫu dữ liệu của PlanSync. Báo cáo này chưa gồm số liệu của đơn vị.
              (QLHT records: no schema (expected "plansync/records@1"))
            Tổng: 1/2 nhiệm vụ, 50,00%
            1 Tỷ lệ hồ sơ trực tuyến · KHTC: Quá hạn | Thiếu kinh phí số hoá. | Bổ sung kinh phí năm 2027. | ≥ 80%: thực hiện 75% – Không đạt | Trả lại Bổ sung minh chứng.
            1 Rà soát văn bản · KHTC: Hoàn thành | Chưa thẩm định"#]],
    );
}

#[test]
fn a_schema_of_the_wrong_type_leaves_out_only_that_unit() {
    check_fault(
        Scope::AllUnits,
        |records, _| tamper(records, &[], |tx, root| put(tx, root, "schema", 1_i64)),
        expect![[r#"
            ! Không đọc được dữ liệu của Phòng Quản lý hạ tầng: dữ liệu bị mất thông tin nhận biết mẫu dữ liệu của PlanSync. Báo cáo này chưa gồm số liệu của đơn vị.
              (QLHT records: schema is 1, expected "plansync/records@1")
            Tổng: 1/2 nhiệm vụ, 50,00%
            1 Tỷ lệ hồ sơ trực tuyến · KHTC: Quá hạn | Thiếu kinh phí số hoá. | Bổ sung kinh phí năm 2027. | ≥ 80%: thực hiện 75% – Không đạt | Trả lại Bổ sung minh chứng.
            1 Rà soát văn bản · KHTC: Hoàn thành | Chưa thẩm định"#]],
    );
}

#[test]
fn an_empty_records_document_leaves_out_only_that_unit() {
    check_fault(
        Scope::AllUnits,
        |records, _| *records = Automerge::new(),
        expect![[r#"
            ! Không đọc được dữ liệu của Phòng Quản lý hạ tầng: dữ liệu trống (tệp lưu trữ có thể bị hỏng hoặc chưa được khôi phục đủ). Báo cáo này chưa gồm số liệu của đơn vị.
              (QLHT records: the document is empty)
            Tổng: 1/2 nhiệm vụ, 50,00%
            1 Tỷ lệ hồ sơ trực tuyến · KHTC: Quá hạn | Thiếu kinh phí số hoá. | Bổ sung kinh phí năm 2027. | ≥ 80%: thực hiện 75% – Không đạt | Trả lại Bổ sung minh chứng.
            1 Rà soát văn bản · KHTC: Hoàn thành | Chưa thẩm định"#]],
    );
}

#[test]
fn records_of_another_year_leave_out_only_that_unit() {
    check_fault(
        Scope::AllUnits,
        |records, _| tamper(records, &[], |tx, root| put(tx, root, "year", 2025_i64)),
        expect![[r#"
            ! Không đọc được dữ liệu của Phòng Quản lý hạ tầng: dữ liệu ghi là của năm 2025, không phải năm 2026. Báo cáo này chưa gồm số liệu của đơn vị.
              (QLHT records: year is 2025, expected 2026)
            Tổng: 1/2 nhiệm vụ, 50,00%
            1 Tỷ lệ hồ sơ trực tuyến · KHTC: Quá hạn | Thiếu kinh phí số hoá. | Bổ sung kinh phí năm 2027. | ≥ 80%: thực hiện 75% – Không đạt | Trả lại Bổ sung minh chứng.
            1 Rà soát văn bản · KHTC: Hoàn thành | Chưa thẩm định"#]],
    );
}

#[test]
fn a_year_written_as_text_leaves_out_only_that_unit() {
    check_fault(
        Scope::AllUnits,
        |records, _| tamper(records, &[], |tx, root| put(tx, root, "year", "2026")),
        expect![[r#"
            ! Không đọc được dữ liệu của Phòng Quản lý hạ tầng: dữ liệu không ghi năm (cần là năm 2026). Báo cáo này chưa gồm số liệu của đơn vị.
              (QLHT records: year is "2026", expected 2026)
            Tổng: 1/2 nhiệm vụ, 50,00%
            1 Tỷ lệ hồ sơ trực tuyến · KHTC: Quá hạn | Thiếu kinh phí số hoá. | Bổ sung kinh phí năm 2027. | ≥ 80%: thực hiện 75% – Không đạt | Trả lại Bổ sung minh chứng.
            1 Rà soát văn bản · KHTC: Hoàn thành | Chưa thẩm định"#]],
    );
}

#[test]
fn records_of_another_unit_leave_out_only_that_unit() {
    check_fault(
        Scope::AllUnits,
        |records, _| tamper(records, &[], |tx, root| put(tx, root, "unit", "KHTC")),
        expect![[r#"
            ! Không đọc được dữ liệu của Phòng Quản lý hạ tầng: dữ liệu ghi là của đơn vị khác (“KHTC”). Báo cáo này chưa gồm số liệu của đơn vị.
              (QLHT records: unit is "KHTC", expected "QLHT")
            Tổng: 1/2 nhiệm vụ, 50,00%
            1 Tỷ lệ hồ sơ trực tuyến · KHTC: Quá hạn | Thiếu kinh phí số hoá. | Bổ sung kinh phí năm 2027. | ≥ 80%: thực hiện 75% – Không đạt | Trả lại Bổ sung minh chứng.
            1 Rà soát văn bản · KHTC: Hoàn thành | Chưa thẩm định"#]],
    );
}

#[test]
fn records_whose_tasks_map_is_replaced_by_a_value_leave_out_only_that_unit() {
    check_fault(
        Scope::AllUnits,
        |records, _| tamper(records, &[], |tx, root| put(tx, root, "tasks", "hỏng")),
        expect![[r#"
            ! Không đọc được dữ liệu của Phòng Quản lý hạ tầng: dữ liệu bị mất danh sách nhiệm vụ. Báo cáo này chưa gồm số liệu của đơn vị.
              (QLHT records: tasks is "hỏng", not a map)
            Tổng: 1/2 nhiệm vụ, 50,00%
            1 Tỷ lệ hồ sơ trực tuyến · KHTC: Quá hạn | Thiếu kinh phí số hoá. | Bổ sung kinh phí năm 2027. | ≥ 80%: thực hiện 75% – Không đạt | Trả lại Bổ sung minh chứng.
            1 Rà soát văn bản · KHTC: Hoàn thành | Chưa thẩm định"#]],
    );
}

#[test]
fn records_without_a_tasks_map_leave_out_only_that_unit() {
    check_fault(
        Scope::AllUnits,
        |records, _| tamper(records, &[], |tx, root| delete(tx, root, "tasks")),
        expect![[r#"
            ! Không đọc được dữ liệu của Phòng Quản lý hạ tầng: dữ liệu bị mất danh sách nhiệm vụ. Báo cáo này chưa gồm số liệu của đơn vị.
              (QLHT records: no tasks map)
            Tổng: 1/2 nhiệm vụ, 50,00%
            1 Tỷ lệ hồ sơ trực tuyến · KHTC: Quá hạn | Thiếu kinh phí số hoá. | Bổ sung kinh phí năm 2027. | ≥ 80%: thực hiện 75% – Không đạt | Trả lại Bổ sung minh chứng.
            1 Rà soát văn bản · KHTC: Hoàn thành | Chưa thẩm định"#]],
    );
}

#[test]
fn two_broken_units_are_both_named_and_the_report_is_still_made() {
    let mut docs = documents();
    for (_, _, records, _) in &mut docs {
        tamper(records, &[], |tx, root| put(tx, root, "year", 2024_i64));
    }
    let units = unit_documents(&docs);
    let plan = plan();
    let report = build(&ReportRequest {
        plan: &plan,
        period: q3(),
        calendar: &CalendarConfig::default(),
        today: date(20, 9),
        units: &units,
        scope: Scope::AllUnits,
    })
    .expect("a report of no readable unit is still a report");
    expect![[r#"
        ! Không đọc được dữ liệu của Phòng Quản lý hạ tầng: dữ liệu ghi là của năm 2024, không phải năm 2026. Báo cáo này chưa gồm số liệu của đơn vị.
          (QLHT records: year is 2024, expected 2026)
        ! Không đọc được dữ liệu của Phòng Kế hoạch – Tài chính: dữ liệu ghi là của năm 2024, không phải năm 2026. Báo cáo này chưa gồm số liệu của đơn vị.
          (KHTC records: year is 2024, expected 2026)
        Tổng: 0/0 nhiệm vụ, 0,00%"#]].assert_eq(&render_units(&report));
}

#[test]
fn the_report_of_a_unit_whose_records_cannot_be_read_is_an_error_naming_it() {
    check_fault(
        Scope::Unit("QLHT".into()),
        |records, _| tamper(records, &[], |tx, root| put(tx, root, "year", 2025_i64)),
        expect!["error: the records of unit QLHT (Phòng Quản lý hạ tầng) cannot be read: year is 2025, expected 2026"],
    );
}

#[test]
fn a_task_record_replaced_by_a_value_empties_only_that_task() {
    check_fault(
        Scope::AllUnits,
        |records, _| tamper(records, &["tasks"], |tx, tasks| put(tx, tasks, I1, 7_i64)),
        expect![[r#"
            ! Một số số liệu của Phòng Quản lý hạ tầng bị ghi sai hoặc bị mất nên không đọc được và để trống trong báo cáo: nhiệm vụ 1 “Tỷ lệ hồ sơ trực tuyến” – toàn bộ số liệu của nhiệm vụ.
              (QLHT records tasks.PAR_INDEX/I/1)
            Tổng: 1/3 nhiệm vụ, 33,33%
            1 Tỷ lệ hồ sơ trực tuyến · QLHT: Quá hạn | Chấp nhận Số liệu khớp hệ thống một cửa. [không đọc được: toàn bộ số liệu của nhiệm vụ]
            1 Tỷ lệ hồ sơ trực tuyến · KHTC: Quá hạn | Thiếu kinh phí số hoá. | Bổ sung kinh phí năm 2027. | ≥ 80%: thực hiện 75% – Không đạt | Trả lại Bổ sung minh chứng.
            2 Tuyên truyền CCHC · QLHT: Quá hạn | Chưa thẩm định
            1 Rà soát văn bản · QLHT: Không áp dụng | Chưa thẩm định
            1 Rà soát văn bản · KHTC: Hoàn thành | Chưa thẩm định"#]],
    );
}

#[test]
fn periods_replaced_by_a_value_empty_only_that_task_s_period() {
    check_fault(
        Scope::AllUnits,
        |records, _| {
            tamper(records, &["tasks", I1], |tx, task| {
                put(tx, task, "periods", "hỏng")
            })
        },
        expect![[r#"
            ! Một số số liệu của Phòng Quản lý hạ tầng bị ghi sai hoặc bị mất nên không đọc được và để trống trong báo cáo: nhiệm vụ 1 “Tỷ lệ hồ sơ trực tuyến” – số liệu của kỳ báo cáo.
              (QLHT records tasks.PAR_INDEX/I/1.periods.2026-Q3)
            Tổng: 1/3 nhiệm vụ, 33,33%
            1 Tỷ lệ hồ sơ trực tuyến · QLHT: Hoàn thành | Chấp nhận Số liệu khớp hệ thống một cửa. [không đọc được: số liệu của kỳ báo cáo]
            1 Tỷ lệ hồ sơ trực tuyến · KHTC: Quá hạn | Thiếu kinh phí số hoá. | Bổ sung kinh phí năm 2027. | ≥ 80%: thực hiện 75% – Không đạt | Trả lại Bổ sung minh chứng.
            2 Tuyên truyền CCHC · QLHT: Quá hạn | Chưa thẩm định
            1 Rà soát văn bản · QLHT: Không áp dụng | Chưa thẩm định
            1 Rà soát văn bản · KHTC: Hoàn thành | Chưa thẩm định"#]],
    );
}

#[test]
fn a_period_map_replaced_by_a_value_empties_only_that_period() {
    check_fault(
        Scope::AllUnits,
        |records, _| {
            tamper(records, &["tasks", I1, "periods"], |tx, periods| {
                put(tx, periods, "2026-Q3", 3_i64)
            })
        },
        expect![[r#"
            ! Một số số liệu của Phòng Quản lý hạ tầng bị ghi sai hoặc bị mất nên không đọc được và để trống trong báo cáo: nhiệm vụ 1 “Tỷ lệ hồ sơ trực tuyến” – số liệu của kỳ báo cáo.
              (QLHT records tasks.PAR_INDEX/I/1.periods.2026-Q3)
            Tổng: 1/3 nhiệm vụ, 33,33%
            1 Tỷ lệ hồ sơ trực tuyến · QLHT: Hoàn thành | Chấp nhận Số liệu khớp hệ thống một cửa. [không đọc được: số liệu của kỳ báo cáo]
            1 Tỷ lệ hồ sơ trực tuyến · KHTC: Quá hạn | Thiếu kinh phí số hoá. | Bổ sung kinh phí năm 2027. | ≥ 80%: thực hiện 75% – Không đạt | Trả lại Bổ sung minh chứng.
            2 Tuyên truyền CCHC · QLHT: Quá hạn | Chưa thẩm định
            1 Rà soát văn bản · QLHT: Không áp dụng | Chưa thẩm định
            1 Rà soát văn bản · KHTC: Hoàn thành | Chưa thẩm định"#]],
    );
}

#[test]
fn a_lost_period_map_empties_only_that_period() {
    check_fault(
        Scope::AllUnits,
        |records, _| {
            tamper(records, &["tasks", I1, "periods"], |tx, periods| {
                delete(tx, periods, "2026-Q3")
            })
        },
        expect![[r#"
            ! Một số số liệu của Phòng Quản lý hạ tầng bị ghi sai hoặc bị mất nên không đọc được và để trống trong báo cáo: nhiệm vụ 1 “Tỷ lệ hồ sơ trực tuyến” – số liệu của kỳ báo cáo.
              (QLHT records tasks.PAR_INDEX/I/1.periods.2026-Q3)
            Tổng: 1/3 nhiệm vụ, 33,33%
            1 Tỷ lệ hồ sơ trực tuyến · QLHT: Hoàn thành | Chấp nhận Số liệu khớp hệ thống một cửa. [không đọc được: số liệu của kỳ báo cáo]
            1 Tỷ lệ hồ sơ trực tuyến · KHTC: Quá hạn | Thiếu kinh phí số hoá. | Bổ sung kinh phí năm 2027. | ≥ 80%: thực hiện 75% – Không đạt | Trả lại Bổ sung minh chứng.
            2 Tuyên truyền CCHC · QLHT: Quá hạn | Chưa thẩm định
            1 Rà soát văn bản · QLHT: Không áp dụng | Chưa thẩm định
            1 Rà soát văn bản · KHTC: Hoàn thành | Chưa thẩm định"#]],
    );
}

#[test]
fn a_result_replaced_by_a_number_empties_only_that_text() {
    check_fault(
        Scope::AllUnits,
        |records, _| {
            tamper(
                records,
                &["tasks", I1, "periods", "2026-Q3"],
                |tx, period| put(tx, period, "result", 42_i64),
            )
        },
        expect![[r#"
            ! Một số số liệu của Phòng Quản lý hạ tầng bị ghi sai hoặc bị mất nên không đọc được và để trống trong báo cáo: nhiệm vụ 1 “Tỷ lệ hồ sơ trực tuyến” – kết quả thực hiện.
              (QLHT records tasks.PAR_INDEX/I/1.periods.2026-Q3.result)
            Tổng: 1/3 nhiệm vụ, 33,33%
            1 Tỷ lệ hồ sơ trực tuyến · QLHT: Hoàn thành | ≥ 80%: thực hiện 86,5% – Đạt | Chấp nhận Số liệu khớp hệ thống một cửa. [không đọc được: kết quả thực hiện]
            1 Tỷ lệ hồ sơ trực tuyến · KHTC: Quá hạn | Thiếu kinh phí số hoá. | Bổ sung kinh phí năm 2027. | ≥ 80%: thực hiện 75% – Không đạt | Trả lại Bổ sung minh chứng.
            2 Tuyên truyền CCHC · QLHT: Quá hạn | Chưa thẩm định
            1 Rà soát văn bản · QLHT: Không áp dụng | Chưa thẩm định
            1 Rà soát văn bản · KHTC: Hoàn thành | Chưa thẩm định"#]],
    );
}

#[test]
fn a_status_of_the_wrong_type_reads_as_not_recorded_and_is_named() {
    check_fault(
        Scope::AllUnits,
        |records, _| {
            tamper(records, &["tasks", I1], |tx, task| {
                put(tx, task, "status", 3_i64)
            })
        },
        expect![[r#"
            ! Một số số liệu của Phòng Quản lý hạ tầng bị ghi sai hoặc bị mất nên không đọc được và để trống trong báo cáo: nhiệm vụ 1 “Tỷ lệ hồ sơ trực tuyến” – tình trạng.
              (QLHT records tasks.PAR_INDEX/I/1.status)
            Tổng: 1/3 nhiệm vụ, 33,33%
            1 Tỷ lệ hồ sơ trực tuyến · QLHT: Quá hạn | Đã xử lý 1.245 hồ sơ trực tuyến. | ≥ 80%: thực hiện 86,5% – Đạt | Chấp nhận Số liệu khớp hệ thống một cửa. [không đọc được: tình trạng]
            1 Tỷ lệ hồ sơ trực tuyến · KHTC: Quá hạn | Thiếu kinh phí số hoá. | Bổ sung kinh phí năm 2027. | ≥ 80%: thực hiện 75% – Không đạt | Trả lại Bổ sung minh chứng.
            2 Tuyên truyền CCHC · QLHT: Quá hạn | Chưa thẩm định
            1 Rà soát văn bản · QLHT: Không áp dụng | Chưa thẩm định
            1 Rà soát văn bản · KHTC: Hoàn thành | Chưa thẩm định"#]],
    );
}

#[test]
fn an_unknown_status_reads_as_not_recorded_and_is_named() {
    check_fault(
        Scope::AllUnits,
        |records, _| {
            tamper(records, &["tasks", I1], |tx, task| {
                put(tx, task, "status", "xong")
            })
        },
        expect![[r#"
            ! Một số số liệu của Phòng Quản lý hạ tầng bị ghi sai hoặc bị mất nên không đọc được và để trống trong báo cáo: nhiệm vụ 1 “Tỷ lệ hồ sơ trực tuyến” – tình trạng.
              (QLHT records tasks.PAR_INDEX/I/1.status)
            Tổng: 1/3 nhiệm vụ, 33,33%
            1 Tỷ lệ hồ sơ trực tuyến · QLHT: Quá hạn | Đã xử lý 1.245 hồ sơ trực tuyến. | ≥ 80%: thực hiện 86,5% – Đạt | Chấp nhận Số liệu khớp hệ thống một cửa. [không đọc được: tình trạng]
            1 Tỷ lệ hồ sơ trực tuyến · KHTC: Quá hạn | Thiếu kinh phí số hoá. | Bổ sung kinh phí năm 2027. | ≥ 80%: thực hiện 75% – Không đạt | Trả lại Bổ sung minh chứng.
            2 Tuyên truyền CCHC · QLHT: Quá hạn | Chưa thẩm định
            1 Rà soát văn bản · QLHT: Không áp dụng | Chưa thẩm định
            1 Rà soát văn bản · KHTC: Hoàn thành | Chưa thẩm định"#]],
    );
}

#[test]
fn a_progress_of_the_wrong_type_empties_only_the_progress() {
    check_fault(
        Scope::AllUnits,
        |records, _| {
            tamper(records, &["tasks", I1], |tx, task| {
                put(tx, task, "progress", "50%")
            })
        },
        expect![[r#"
            ! Một số số liệu của Phòng Quản lý hạ tầng bị ghi sai hoặc bị mất nên không đọc được và để trống trong báo cáo: nhiệm vụ 1 “Tỷ lệ hồ sơ trực tuyến” – tiến độ.
              (QLHT records tasks.PAR_INDEX/I/1.progress)
            Tổng: 1/3 nhiệm vụ, 33,33%
            1 Tỷ lệ hồ sơ trực tuyến · QLHT: Hoàn thành | Đã xử lý 1.245 hồ sơ trực tuyến. | ≥ 80%: thực hiện 86,5% – Đạt | Chấp nhận Số liệu khớp hệ thống một cửa. [không đọc được: tiến độ]
            1 Tỷ lệ hồ sơ trực tuyến · KHTC: Quá hạn | Thiếu kinh phí số hoá. | Bổ sung kinh phí năm 2027. | ≥ 80%: thực hiện 75% – Không đạt | Trả lại Bổ sung minh chứng.
            2 Tuyên truyền CCHC · QLHT: Quá hạn | Chưa thẩm định
            1 Rà soát văn bản · QLHT: Không áp dụng | Chưa thẩm định
            1 Rà soát văn bản · KHTC: Hoàn thành | Chưa thẩm định"#]],
    );
}

#[test]
fn an_actual_of_the_wrong_type_empties_only_that_actual() {
    check_fault(
        Scope::AllUnits,
        |records, _| {
            tamper(
                records,
                &["tasks", I1, "periods", "2026-Q3", "actuals"],
                |tx, actuals| put(tx, actuals, "0", "86,5"),
            )
        },
        expect![[r#"
            ! Một số số liệu của Phòng Quản lý hạ tầng bị ghi sai hoặc bị mất nên không đọc được và để trống trong báo cáo: nhiệm vụ 1 “Tỷ lệ hồ sơ trực tuyến” – số liệu thực hiện chỉ tiêu thứ 1.
              (QLHT records tasks.PAR_INDEX/I/1.periods.2026-Q3.actuals.0)
            Tổng: 1/3 nhiệm vụ, 33,33%
            1 Tỷ lệ hồ sơ trực tuyến · QLHT: Hoàn thành | Đã xử lý 1.245 hồ sơ trực tuyến. | Chấp nhận Số liệu khớp hệ thống một cửa. [không đọc được: số liệu thực hiện chỉ tiêu thứ 1]
            1 Tỷ lệ hồ sơ trực tuyến · KHTC: Quá hạn | Thiếu kinh phí số hoá. | Bổ sung kinh phí năm 2027. | ≥ 80%: thực hiện 75% – Không đạt | Trả lại Bổ sung minh chứng.
            2 Tuyên truyền CCHC · QLHT: Quá hạn | Chưa thẩm định
            1 Rà soát văn bản · QLHT: Không áp dụng | Chưa thẩm định
            1 Rà soát văn bản · KHTC: Hoàn thành | Chưa thẩm định"#]],
    );
}

#[test]
fn actuals_replaced_by_a_value_empty_only_the_actuals() {
    check_fault(
        Scope::AllUnits,
        |records, _| {
            tamper(
                records,
                &["tasks", I1, "periods", "2026-Q3"],
                |tx, period| put(tx, period, "actuals", 86.5),
            )
        },
        expect![[r#"
            ! Một số số liệu của Phòng Quản lý hạ tầng bị ghi sai hoặc bị mất nên không đọc được và để trống trong báo cáo: nhiệm vụ 1 “Tỷ lệ hồ sơ trực tuyến” – số liệu thực hiện các chỉ tiêu.
              (QLHT records tasks.PAR_INDEX/I/1.periods.2026-Q3.actuals)
            Tổng: 1/3 nhiệm vụ, 33,33%
            1 Tỷ lệ hồ sơ trực tuyến · QLHT: Hoàn thành | Đã xử lý 1.245 hồ sơ trực tuyến. | Chấp nhận Số liệu khớp hệ thống một cửa. [không đọc được: số liệu thực hiện các chỉ tiêu]
            1 Tỷ lệ hồ sơ trực tuyến · KHTC: Quá hạn | Thiếu kinh phí số hoá. | Bổ sung kinh phí năm 2027. | ≥ 80%: thực hiện 75% – Không đạt | Trả lại Bổ sung minh chứng.
            2 Tuyên truyền CCHC · QLHT: Quá hạn | Chưa thẩm định
            1 Rà soát văn bản · QLHT: Không áp dụng | Chưa thẩm định
            1 Rà soát văn bản · KHTC: Hoàn thành | Chưa thẩm định"#]],
    );
}

#[test]
fn a_verdict_of_the_wrong_type_shows_that_appraisal_as_unreadable() {
    check_fault(
        Scope::AllUnits,
        |_, review| {
            tamper(
                review,
                &["tasks", I1, "periods", "2026-Q3"],
                |tx, period| put(tx, period, "verdict", 1_i64),
            )
        },
        expect![[r#"
            ! Một số số liệu của Phòng Quản lý hạ tầng bị ghi sai hoặc bị mất nên không đọc được và để trống trong báo cáo: nhiệm vụ 1 “Tỷ lệ hồ sơ trực tuyến” – kết luận thẩm định.
              (QLHT review tasks.PAR_INDEX/I/1.periods.2026-Q3.verdict)
            Tổng: 1/3 nhiệm vụ, 33,33%
            1 Tỷ lệ hồ sơ trực tuyến · QLHT: Hoàn thành | Đã xử lý 1.245 hồ sơ trực tuyến. | ≥ 80%: thực hiện 86,5% – Đạt | Không đọc được Số liệu khớp hệ thống một cửa. [không đọc được: kết luận thẩm định]
            1 Tỷ lệ hồ sơ trực tuyến · KHTC: Quá hạn | Thiếu kinh phí số hoá. | Bổ sung kinh phí năm 2027. | ≥ 80%: thực hiện 75% – Không đạt | Trả lại Bổ sung minh chứng.
            2 Tuyên truyền CCHC · QLHT: Quá hạn | Chưa thẩm định
            1 Rà soát văn bản · QLHT: Không áp dụng | Chưa thẩm định
            1 Rà soát văn bản · KHTC: Hoàn thành | Chưa thẩm định"#]],
    );
}

#[test]
fn a_comment_of_the_wrong_type_empties_only_the_comment() {
    check_fault(
        Scope::AllUnits,
        |_, review| {
            tamper(
                review,
                &["tasks", I1, "periods", "2026-Q3"],
                |tx, period| put(tx, period, "comment", true),
            )
        },
        expect![[r#"
            ! Một số số liệu của Phòng Quản lý hạ tầng bị ghi sai hoặc bị mất nên không đọc được và để trống trong báo cáo: nhiệm vụ 1 “Tỷ lệ hồ sơ trực tuyến” – ý kiến thẩm định.
              (QLHT review tasks.PAR_INDEX/I/1.periods.2026-Q3.comment)
            Tổng: 1/3 nhiệm vụ, 33,33%
            1 Tỷ lệ hồ sơ trực tuyến · QLHT: Hoàn thành | Đã xử lý 1.245 hồ sơ trực tuyến. | ≥ 80%: thực hiện 86,5% – Đạt | Chấp nhận [không đọc được: ý kiến thẩm định]
            1 Tỷ lệ hồ sơ trực tuyến · KHTC: Quá hạn | Thiếu kinh phí số hoá. | Bổ sung kinh phí năm 2027. | ≥ 80%: thực hiện 75% – Không đạt | Trả lại Bổ sung minh chứng.
            2 Tuyên truyền CCHC · QLHT: Quá hạn | Chưa thẩm định
            1 Rà soát văn bản · QLHT: Không áp dụng | Chưa thẩm định
            1 Rà soát văn bản · KHTC: Hoàn thành | Chưa thẩm định"#]],
    );
}

#[test]
fn a_review_period_replaced_by_a_value_shows_that_appraisal_as_unreadable() {
    check_fault(
        Scope::AllUnits,
        |_, review| {
            tamper(review, &["tasks", I1, "periods"], |tx, periods| {
                put(tx, periods, "2026-Q3", "hỏng")
            })
        },
        expect![[r#"
            ! Một số số liệu của Phòng Quản lý hạ tầng bị ghi sai hoặc bị mất nên không đọc được và để trống trong báo cáo: nhiệm vụ 1 “Tỷ lệ hồ sơ trực tuyến” – kết quả thẩm định.
              (QLHT review tasks.PAR_INDEX/I/1.periods.2026-Q3)
            Tổng: 1/3 nhiệm vụ, 33,33%
            1 Tỷ lệ hồ sơ trực tuyến · QLHT: Hoàn thành | Đã xử lý 1.245 hồ sơ trực tuyến. | ≥ 80%: thực hiện 86,5% – Đạt | Không đọc được [không đọc được: kết quả thẩm định]
            1 Tỷ lệ hồ sơ trực tuyến · KHTC: Quá hạn | Thiếu kinh phí số hoá. | Bổ sung kinh phí năm 2027. | ≥ 80%: thực hiện 75% – Không đạt | Trả lại Bổ sung minh chứng.
            2 Tuyên truyền CCHC · QLHT: Quá hạn | Chưa thẩm định
            1 Rà soát văn bản · QLHT: Không áp dụng | Chưa thẩm định
            1 Rà soát văn bản · KHTC: Hoàn thành | Chưa thẩm định"#]],
    );
}

#[test]
fn a_review_document_of_another_year_keeps_the_unit_s_records() {
    check_fault(
        Scope::AllUnits,
        |_, review| tamper(review, &[], |tx, root| put(tx, root, "year", 2025_i64)),
        expect![[r#"
            ! Không đọc được kết quả thẩm định của Phòng Quản lý hạ tầng: dữ liệu ghi là của năm 2025, không phải năm 2026. Số liệu của đơn vị vẫn có trong báo cáo; cột thẩm định của đơn vị ghi “Không đọc được”.
              (QLHT review: year is 2025, expected 2026)
            Tổng: 1/3 nhiệm vụ, 33,33%
            1 Tỷ lệ hồ sơ trực tuyến · QLHT: Hoàn thành | Đã xử lý 1.245 hồ sơ trực tuyến. | ≥ 80%: thực hiện 86,5% – Đạt | Không đọc được
            1 Tỷ lệ hồ sơ trực tuyến · KHTC: Quá hạn | Thiếu kinh phí số hoá. | Bổ sung kinh phí năm 2027. | ≥ 80%: thực hiện 75% – Không đạt | Trả lại Bổ sung minh chứng.
            2 Tuyên truyền CCHC · QLHT: Quá hạn | Không đọc được
            1 Rà soát văn bản · QLHT: Không áp dụng | Không đọc được
            1 Rà soát văn bản · KHTC: Hoàn thành | Chưa thẩm định"#]],
    );
}

#[test]
fn a_unit_report_with_an_unreadable_review_is_still_made() {
    check_fault(
        Scope::Unit("QLHT".into()),
        |_, review| {
            tamper(review, &[], |tx, root| {
                put(tx, root, "schema", "plansync/records@1")
            })
        },
        expect![[r#"
            ! Không đọc được kết quả thẩm định của Phòng Quản lý hạ tầng: dữ liệu được ghi theo mẫu khác (“plansync/records@1”) mà PlanSync không đọc được. Số liệu của đơn vị vẫn có trong báo cáo; cột thẩm định của đơn vị ghi “Không đọc được”.
              (QLHT review: schema is "plansync/records@1", expected "plansync/review@1")
            Tổng: 1/2 nhiệm vụ, 50,00%
            1 Tỷ lệ hồ sơ trực tuyến · QLHT: Hoàn thành | Đã xử lý 1.245 hồ sơ trực tuyến. | ≥ 80%: thực hiện 86,5% – Đạt | Không đọc được
            2 Tuyên truyền CCHC · QLHT: Quá hạn | Không đọc được
            1 Rà soát văn bản · QLHT: Không áp dụng | Không đọc được"#]],
    );
}

#[test]
fn the_office_dashboard_names_a_broken_unit_and_counts_the_others() {
    use crate::overview::{reminder, unit_summaries};
    let mut docs = documents();
    tamper(&mut docs[0].2, &[], |tx, root| {
        put(tx, root, "tasks", 0_i64)
    });
    let units = unit_documents(&docs);
    let plan = plan();
    let report = build(&ReportRequest {
        plan: &plan,
        period: q3(),
        calendar: &CalendarConfig::default(),
        today: date(10, 9),
        units: &units,
        scope: Scope::AllUnits,
    })
    .expect("one broken unit does not stop the office's overview");
    let summaries: Vec<String> = unit_summaries(&report)
        .iter()
        .map(|s| format!("{}: {}", s.unit.code, s.completion.text()))
        .collect();
    let banner: Vec<String> = report.read_notices().iter().map(|n| n.line()).collect();
    expect![[r#"
        (
            [
                "KHTC: 1/2 nhiệm vụ, 50,00%",
            ],
            [
                "Không đọc được dữ liệu của Phòng Quản lý hạ tầng: dữ liệu bị mất danh sách nhiệm vụ. Báo cáo này chưa gồm số liệu của đơn vị. (Chi tiết kỹ thuật: QLHT records: tasks is 0, not a map.)",
            ],
            Some(
                "Báo cáo Quý III/2026 đến hạn ngày 14/09/2026 (còn 4 ngày): 2 báo cáo nhiệm vụ chưa có kết quả.",
            ),
        )
    "#]].assert_debug_eq(&(summaries, banner, reminder(&report).map(|r| r.message())));
}

fn put(
    tx: &mut automerge::transaction::Transaction<'_>,
    obj: &automerge::ObjId,
    key: &str,
    value: impl Into<automerge::ScalarValue>,
) {
    use automerge::transaction::Transactable;
    tx.put(obj, key, value).unwrap();
}

fn delete(tx: &mut automerge::transaction::Transaction<'_>, obj: &automerge::ObjId, key: &str) {
    use automerge::transaction::Transactable;
    tx.delete(obj, key).unwrap();
}

/// How the app refreshes: the parts of units whose documents' heads are unchanged are taken
/// from the cache, the others read again.
fn refresh(
    cache: &mut PartCache,
    context: &ReportContext<'_>,
    docs: &[(&'static str, &'static str, Automerge, Automerge)],
    scope: &Scope,
) -> (Report, Vec<String>) {
    cache.use_context(context);
    let mut read = Vec::new();
    for unit in unit_documents(docs) {
        let key = PartKey {
            name: unit.name.to_string(),
            records: unit.records.get_heads(),
            review: unit.review.map(Automerge::get_heads),
        };
        if cache.get(unit.code, &key).is_none() {
            cache.insert(key, read_unit(context, &unit));
            read.push(unit.code.to_string());
        }
    }
    let order: Vec<&str> = docs.iter().map(|(code, ..)| *code).collect();
    (cache.assemble(context, &order, scope).unwrap(), read)
}

#[test]
fn a_refresh_after_one_units_change_reads_only_that_unit_and_equals_a_full_build() {
    let mut docs = documents();
    let plan = plan();
    let calendar = CalendarConfig::default();
    let context = ReportContext {
        plan: &plan,
        period: q3(),
        calendar: &calendar,
        today: date(10, 9),
    };
    let full_build = |docs: &[(&'static str, &'static str, Automerge, Automerge)], scope| {
        build(&ReportRequest {
            plan: &plan,
            period: q3(),
            calendar: &calendar,
            today: date(10, 9),
            units: &unit_documents(docs),
            scope,
        })
        .unwrap()
    };
    let mut cache = PartCache::default();
    let (first, read) = refresh(&mut cache, &context, &docs, &Scope::AllUnits);
    assert_eq!(read, ["QLHT", "KHTC"]);
    assert_eq!(first, full_build(&docs, Scope::AllUnits));

    let (again, read) = refresh(&mut cache, &context, &docs, &Scope::AllUnits);
    assert!(
        read.is_empty(),
        "nothing changed, yet {read:?} were read again"
    );
    assert_eq!(again, first);

    // KHTC finishes I/1: only KHTC is read again, and the report is the one a full build gives.
    let khtc = TaskId("PAR_INDEX/I/1".into());
    records::apply(
        &mut docs[1].2,
        &author("lan"),
        4_000,
        &khtc,
        &status(TaskStatus::Done),
    )
    .unwrap();
    let (after_edit, read) = refresh(&mut cache, &context, &docs, &Scope::AllUnits);
    assert_eq!(read, ["KHTC"]);
    assert_ne!(after_edit, first);
    assert_eq!(after_edit, full_build(&docs, Scope::AllUnits));

    // The office's verdict changes the review document: that unit again, and only it.
    review::set_verdict(
        &mut docs[0].3,
        &author("thamdinh"),
        5_000,
        &khtc,
        q3(),
        Verdict::Returned,
        "Chưa đủ minh chứng.",
    )
    .unwrap();
    let (after_verdict, read) = refresh(&mut cache, &context, &docs, &Scope::AllUnits);
    assert_eq!(read, ["QLHT"]);
    assert_eq!(after_verdict, full_build(&docs, Scope::AllUnits));

    // One unit's report from the same parts.
    let scope = Scope::Unit("KHTC".into());
    let (unit_report, read) = refresh(&mut cache, &context, &docs, &scope);
    assert!(read.is_empty());
    assert_eq!(unit_report, full_build(&docs, scope));
}

#[test]
fn parts_serve_another_day_but_not_another_period() {
    let docs = documents();
    let plan = plan();
    let calendar = CalendarConfig::default();
    let on = |today| ReportContext {
        plan: &plan,
        period: q3(),
        calendar: &calendar,
        today,
    };
    let full_build = |today, period| {
        build(&ReportRequest {
            plan: &plan,
            period,
            calendar: &calendar,
            today,
            units: &unit_documents(&docs),
            scope: Scope::AllUnits,
        })
        .unwrap()
    };
    let mut cache = PartCache::default();
    let (before, _) = refresh(&mut cache, &on(date(10, 9)), &docs, &Scope::AllUnits);
    // Past the deadline unfinished work turns overdue, from the same parts: nothing is read
    // again, and the report is the one a full build gives on that day.
    let (after, read) = refresh(&mut cache, &on(date(20, 9)), &docs, &Scope::AllUnits);
    assert!(read.is_empty(), "{read:?} read again for another day");
    assert_ne!(after.completion.n_overdue, before.completion.n_overdue);
    assert_eq!(after, full_build(date(20, 9), q3()));
    assert_eq!(before, full_build(date(10, 9), q3()));
    let year = ReportContext {
        period: "2026".parse().unwrap(),
        ..on(date(20, 9))
    };
    let (_, read) = refresh(&mut cache, &year, &docs, &Scope::AllUnits);
    assert_eq!(read, ["QLHT", "KHTC"]);
    assert_eq!(cache.len(), 2);
}

#[test]
fn a_part_kept_as_json_reads_back_the_same() {
    let docs = documents();
    let plan = plan();
    let calendar = CalendarConfig::default();
    let context = ReportContext {
        plan: &plan,
        period: q3(),
        calendar: &calendar,
        today: date(20, 9),
    };
    for unit in unit_documents(&docs) {
        let part = read_unit(&context, &unit);
        assert_eq!(UnitPart::from_json(&part.to_json()), Some(part));
    }
    assert_eq!(UnitPart::from_json("{\"unit\": 1}"), None);
}
