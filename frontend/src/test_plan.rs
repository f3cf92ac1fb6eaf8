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
    }
}
