//! A small hand-written plan for tests: two PAR INDEX sections and one nested SIPAS section.

use shared::{Appendix, IndexKind, Plan, PlanDate, Section, Task, TaskId, Timeframe, UnitRegistry};

fn task(id: &str, code: &str, title: &str, lead: &str, support: &str, timeframe: &str) -> Task {
    Task {
        id: TaskId(id.to_string()),
        code: code.to_string(),
        title: title.to_string(),
        content: format!("Nội dung của nhiệm vụ {code}"),
        lead: vec![lead.to_string()],
        support: vec![support.to_string()],
        lead_text: lead.to_string(),
        support_text: support.to_string(),
        timeframe: Timeframe::parse(timeframe),
        products: Vec::new(),
        products_text: String::new(),
        notes: String::new(),
        targets: Vec::new(),
        source: "test".to_string(),
        evidence_required: false,
    }
}

fn section(code: &str, title: &str, sections: Vec<Section>, tasks: Vec<Task>) -> Section {
    Section {
        code: code.to_string(),
        title: title.to_string(),
        timeframe: None,
        sections,
        tasks,
    }
}

pub fn test_plan() -> Plan {
    let all_units = "Các phòng, ban, đơn vị thuộc Sở";
    let par_index = Appendix {
        index: IndexKind::ParIndex,
        number: "I".to_string(),
        title: "NHIỆM VỤ DUY TRÌ, CẢI THIỆN VÀ NÂNG CAO CHỈ SỐ PAR INDEX".to_string(),
        subtitle: String::new(),
        notes: Vec::new(),
        sections: vec![
            section(
                "I",
                "CÔNG TÁC CHỈ ĐẠO ĐIỀU HÀNH",
                vec![],
                vec![
                    task(
                        "PAR_INDEX/I/1",
                        "1",
                        "Thực hiện kế hoạch CCHC",
                        "Văn phòng Sở",
                        all_units,
                        "",
                    ),
                    task(
                        "PAR_INDEX/I/2",
                        "2",
                        "Sáng kiến hoặc giải pháp mới trong CCHC",
                        all_units,
                        "Văn phòng Sở",
                        "Hàng năm",
                    ),
                ],
            ),
            section(
                "II",
                "CẢI CÁCH THỂ CHẾ",
                vec![],
                vec![task(
                    "PAR_INDEX/II/1",
                    "1",
                    "Xử lý kết quả theo dõi thi hành pháp luật",
                    "Văn phòng Sở",
                    all_units,
                    "Hàng năm",
                )],
            ),
        ],
        tasks: Vec::new(),
    };
    let sipas = Appendix {
        index: IndexKind::Sipas,
        number: "III".to_string(),
        title: "NHIỆM VỤ DUY TRÌ, CẢI THIỆN VÀ NÂNG CAO CHỈ SỐ SIPAS".to_string(),
        subtitle: String::new(),
        notes: Vec::new(),
        sections: vec![section(
            "A",
            "BAN HÀNH, TỔ CHỨC THỰC HIỆN CÁC CHÍNH SÁCH",
            vec![section(
                "I",
                "Trách nhiệm giải trình của chính quyền về chính sách",
                vec![],
                vec![task(
                    "SIPAS/A/I/1",
                    "1",
                    "Cung cấp, giải thích thông tin về chính sách",
                    "Văn phòng Sở",
                    all_units,
                    "Quý III và năm",
                )],
            )],
            vec![],
        )],
        tasks: Vec::new(),
    };
    Plan {
        number: "/KH-SXD".to_string(),
        date: "ngày tháng 01 năm 2026".to_string(),
        date_parts: PlanDate {
            day: None,
            month: Some(1),
            year: Some(2026),
        },
        place: "Tuyên Quang".to_string(),
        issuer: "Sở Xây dựng".to_string(),
        kind: "KẾ HOẠCH".to_string(),
        title: "Duy trì, cải thiện và nâng cao kết quả các Chỉ số".to_string(),
        period: None,
        appendices: vec![par_index, sipas],
        units: UnitRegistry::default(),
        calendar: None,
    }
}

/// An office overview of Q4 2026 seen on 11/12/2026 (3 days before the deadline): one PAR
/// INDEX task reported by two units, QLHT overdue-free but without a result, KHTC done and
/// accepted, with a ≥ 80% target.
pub fn sample_overview() -> shared::overview::Overview {
    use shared::calendar::{Date, PeriodId};
    use shared::overview::{Overview, PeriodChoice};
    use shared::record::Verdict;
    use shared::report::{
        ActualReport, Completion, IndexReport, Report, ReportStatus, ReviewReport, SectionReport,
        TaskReport, UnitReport,
    };
    use shared::target::{Target, TargetOperator};

    let unit = |code: &str, status, result: &str, verdict| UnitReport {
        n_evidence: 0,
        unit_code: code.into(),
        unit_name: format!("Phòng {code}"),
        status,
        status_conflict: false,
        progress: Some(50),
        result: result.into(),
        difficulties: String::new(),
        proposals: String::new(),
        actuals: vec![ActualReport {
            target_idx: 0,
            target: Target {
                operator: TargetOperator::AtLeast,
                value: Some(80.0),
                unit: Some("%".into()),
                text: "trên 80%".into(),
            },
            actual: (!result.is_empty()).then_some(86.5),
            met: (!result.is_empty()).then_some(true),
            conflict: false,
        }],
        review: ReviewReport {
            verdict,
            comment: String::new(),
            by: verdict.map(|_| "thamdinh".into()),
            unreadable: false,
        },
        submission: Default::default(),
        sent_at: None,
        unreadable: Vec::new(),
    };
    let task = TaskReport {
        task_id: TaskId("PAR_INDEX/I/1".into()),
        code: "1".into(),
        title: "Đào tạo, bồi dưỡng cán bộ".into(),
        content: "Tỷ lệ cán bộ được đào tạo trên 80%".into(),
        lead: "Văn phòng Sở".into(),
        deadline: Date::new(2026, 12, 14).unwrap(),
        units: vec![
            unit("QLHT", ReportStatus::InProgress, "", None),
            unit(
                "KHTC",
                ReportStatus::Done,
                "Đã đào tạo 90% cán bộ",
                Some(Verdict::Accepted),
            ),
        ],
    };
    let completion = task.completion();
    let period: PeriodId = "2026".parse().unwrap();
    let deadline = Date::new(2026, 12, 14).unwrap();
    Overview {
        report: Report {
            period,
            deadline,
            today: Date::new(2026, 12, 11).unwrap(),
            issuer: "SỞ XÂY DỰNG".into(),
            unit: None,
            date_line: String::new(),
            title: "BÁO CÁO".into(),
            subtitle: String::new(),
            indexes: vec![IndexReport {
                index: IndexKind::ParIndex,
                title: "CHỈ SỐ PAR INDEX".into(),
                sections: vec![SectionReport {
                    code: "I".into(),
                    title: "CÔNG TÁC CHỈ ĐẠO ĐIỀU HÀNH".into(),
                    depth: 0,
                    tasks: vec![task],
                }],
                completion,
            }],
            completion: Completion::default().plus(completion),
            unreadable: Vec::new(),
            plan: Default::default(),
            window: None,
        },
        periods: vec![PeriodChoice {
            period,
            label: period.label(),
            deadline,
        }],
        own_unit: "VP".into(),
        all_units: true,
        can_review: true,
        can_edit_plan: false,
    }
}
