//! Writer tests: a small report written as XLSX and DOCX, read back with independent readers
//! (calamine for XLSX; the zip's `word/document.xml` through quick-xml for DOCX).

use std::io::{Cursor, Read};

use calamine::{Data, Reader, Xlsx};
use expect_test::{expect, Expect};
use quick_xml::events::Event;
use shared::calendar::{Date, PeriodId};
use shared::plan::{IndexKind, Plan, PlanDate, TaskId};
use shared::record::Verdict;
use shared::report::{
    ActualReport, Completion, IndexReport, PlanCitation, Report, ReportHeading, ReportStatus,
    ReportUnit, ReviewReport, SectionReport, TaskReport, UnitReport, UnreadableDocument,
    UnreadableRole,
};
use shared::target::{Target, TargetOperator};
use shared::unreadable::{RecordPart, UnreadableReason};

use crate::outline::{self, Block};
use crate::{docx, parse_date, write_atomically, xlsx};

fn unit(code: &str, name: &str, status: ReportStatus) -> UnitReport {
    UnitReport {
        unit_code: code.into(),
        unit_name: name.into(),
        status,
        status_conflict: false,
        progress: None,
        result: String::new(),
        difficulties: String::new(),
        proposals: String::new(),
        actuals: Vec::new(),
        review: ReviewReport::default(),
        submission: Default::default(),
        sent_at: None,
        n_evidence: 0,
        unreadable: Vec::new(),
    }
}

fn sample(unit_scope: Option<ReportUnit>) -> Report {
    let target = Target {
        operator: TargetOperator::AtLeast,
        value: Some(80.0),
        unit: Some("%".into()),
        text: "từ 80% trở lên".into(),
    };
    let done = UnitReport {
        result: "Đã xử lý 1.245 hồ sơ trực tuyến <đúng hạn> & công khai.".into(),
        actuals: vec![ActualReport {
            target_idx: 0,
            target: target.clone(),
            actual: Some(86.5),
            met: Some(true),
            conflict: false,
        }],
        review: ReviewReport {
            verdict: Some(Verdict::Accepted),
            comment: "Số liệu khớp.".into(),
            by: Some("thamdinh".into()),
            unreadable: false,
        },
        ..unit("QLHT", "Phòng Quản lý hạ tầng", ReportStatus::Done)
    };
    let late = UnitReport {
        difficulties: "Thiếu kinh phí.".into(),
        proposals: "Bổ sung kinh phí.".into(),
        actuals: vec![ActualReport {
            target_idx: 0,
            target,
            actual: Some(75.0),
            met: Some(false),
            conflict: false,
        }],
        status_conflict: true,
        ..unit("KHTC", "Phòng Kế hoạch – Tài chính", ReportStatus::Overdue)
    };
    let completion = Completion {
        n_done: 0,
        n_tasks: 1,
        n_overdue: 1,
    };
    Report {
        period: "2026-Q3".parse::<PeriodId>().unwrap(),
        deadline: Date::new(2026, 9, 14).unwrap(),
        today: Date::new(2026, 9, 20).unwrap(),
        issuer: "SỞ XÂY DỰNG".into(),
        unit: unit_scope,
        date_line: "Tuyên Quang, ngày 20 tháng 9 năm 2026".into(),
        title: "BÁO CÁO".into(),
        subtitle: "Kết quả thực hiện Kế hoạch duy trì Chỉ số – Quý III/2026".into(),
        indexes: vec![
            IndexReport {
                index: IndexKind::ParIndex,
                title: "NHIỆM VỤ PAR INDEX".into(),
                sections: vec![SectionReport {
                    code: "I".into(),
                    title: "CÔNG TÁC CHỈ ĐẠO".into(),
                    depth: 0,
                    tasks: vec![
                        TaskReport {
                            task_id: TaskId("PAR_INDEX/I/1".into()),
                            code: "1".into(),
                            title: "Tỷ lệ hồ sơ trực tuyến".into(),
                            content: String::new(),
                            lead: "Văn phòng Sở".into(),
                            deadline: Date::new(2026, 9, 14).unwrap(),
                            units: vec![done, late],
                        },
                        TaskReport {
                            task_id: TaskId("PAR_INDEX/I/2".into()),
                            code: "2".into(),
                            title: "Đối thoại".into(),
                            content: "Hằng năm".into(),
                            lead: "UBND tỉnh".into(),
                            deadline: Date::new(2026, 9, 14).unwrap(),
                            units: Vec::new(),
                        },
                    ],
                }],
                completion,
            },
            IndexReport {
                index: IndexKind::Papi,
                title: "NHIỆM VỤ PAPI".into(),
                sections: Vec::new(),
                completion: Completion::default(),
            },
        ],
        completion,
        unreadable: Vec::new(),
        plan: PlanCitation {
            number: "/KH-SXD".into(),
            date: PlanDate {
                day: None,
                month: Some(1),
                year: Some(2026),
            },
            issuer: "Sở Xây dựng".into(),
            title: "Duy trì, cải thiện và nâng cao kết quả Chỉ số".into(),
        },
        window: Some((
            Date::new(2026, 6, 15).unwrap(),
            Date::new(2026, 9, 14).unwrap(),
        )),
    }
}

/// The heading the app derives from the seed plan: UBND tỉnh Tuyên Quang, Sở Xây dựng.
fn heading(report: &Report) -> ReportHeading {
    let mut heading = ReportHeading::for_report(&seed_like_plan(), report.unit.as_ref());
    heading.signer.name = "Trần Văn Sang".into();
    heading
}

fn seed_like_plan() -> Plan {
    Plan {
        number: "/KH-SXD".into(),
        date: "ngày tháng 01 năm 2026".into(),
        date_parts: PlanDate {
            day: None,
            month: Some(1),
            year: Some(2026),
        },
        place: "Tuyên Quang".into(),
        issuer: "Sở Xây dựng".into(),
        kind: "KẾ HOẠCH".into(),
        title: "Duy trì, cải thiện và nâng cao kết quả Chỉ số".into(),
        period: None,
        appendices: Vec::new(),
        units: Default::default(),
        calendar: None,
    }
}

/// Every non-empty row of every sheet, cells joined by " | " (numbers marked with #).
fn read_xlsx(bytes: Vec<u8>) -> String {
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).expect("calamine opens the file");
    let mut out = Vec::new();
    for name in workbook.sheet_names() {
        out.push(format!("[{name}]"));
        let range = workbook.worksheet_range(&name).expect("sheet reads");
        for row in range.rows() {
            let cells: Vec<String> = row
                .iter()
                .map(|cell| match cell {
                    Data::String(s) => s.replace('\n', " / "),
                    Data::Float(f) => format!("#{f}"),
                    Data::Empty => String::new(),
                    other => format!("{other:?}"),
                })
                .collect();
            if cells.iter().any(|c| !c.is_empty()) {
                out.push(cells.join(" | ").trim_end().to_string());
            }
        }
    }
    out.join("\n")
}

/// The text of `word/document.xml`: paragraphs on lines, table cells joined by " | ".
fn read_docx(bytes: Vec<u8>) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip");
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .expect("the main part")
        .read_to_string(&mut xml)
        .unwrap();
    let mut reader = quick_xml::Reader::from_str(&xml);
    let (mut out, mut line, mut in_text) = (String::new(), String::new(), false);
    let (mut cell_depth, mut cell_text) = (0usize, Vec::<String>::new());
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) if e.name().as_ref() == "w:t" => in_text = true,
            Event::End(e) => match e.name().as_ref() {
                "w:t" => in_text = false,
                "w:p" if cell_depth > 0 => {
                    cell_text.push(std::mem::take(&mut line));
                }
                "w:p" => out.push_str(&format!("{}\n", std::mem::take(&mut line))),
                "w:tc" => {
                    let text: Vec<String> = cell_text.drain(..).filter(|t| !t.is_empty()).collect();
                    line.push_str(&format!("{} | ", text.join(" / ")));
                    cell_depth -= 1;
                }
                "w:tr" => out.push_str(&format!("{}\n", std::mem::take(&mut line).trim_end())),
                _ => {}
            },
            Event::Start(e) if e.name().as_ref() == "w:tc" => {
                // Text collected so far in this row belongs to earlier cells.
                cell_depth += 1;
                cell_text.clear();
            }
            Event::Text(t) if in_text => line.push_str(&t.xml10_content()),
            Event::GeneralRef(r) if in_text => {
                let name = r.xml10_content();
                line.push_str(match name.as_ref() {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    other => panic!("unexpected entity {other}"),
                });
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

fn check_xlsx(report: &Report, expect: Expect) {
    expect.assert_eq(&read_xlsx(xlsx::write(report).unwrap()));
}

fn check_docx(report: &Report, expect: Expect) {
    expect.assert_eq(&read_docx(docx::write(report, &heading(report))));
}

#[test]
fn xlsx_has_a_sheet_per_index_and_the_indicators() {
    check_xlsx(
        &sample(None),
        expect![[r#"
        [PAR INDEX]
        Kết quả thực hiện Kế hoạch duy trì Chỉ số – Quý III/2026 – PAR INDEX |  |  |  |  |  |  |  |  |  |
        Tất cả đơn vị · Ngày lập: 20/09/2026 · Hạn báo cáo: 14/09/2026 · Hoàn thành: 0/1 nhiệm vụ, 0,00% · Quá hạn: 1 nhiệm vụ |  |  |  |  |  |  |  |  |  |
        STT | Nhiệm vụ | Đơn vị chủ trì | Đơn vị báo cáo | Tình trạng | Kết quả thực hiện | Khó khăn, vướng mắc | Đề xuất, kiến nghị | Chỉ tiêu / thực hiện | Thẩm định | Ý kiến thẩm định
        I. CÔNG TÁC CHỈ ĐẠO |  |  |  |  |  |  |  |  |  |
        1 | Tỷ lệ hồ sơ trực tuyến | Văn phòng Sở | Phòng Quản lý hạ tầng | Hoàn thành | Đã xử lý 1.245 hồ sơ trực tuyến <đúng hạn> & công khai. |  |  | ≥ 80%: thực hiện 86,5% – Đạt | Chấp nhận | Số liệu khớp.
        1 | Tỷ lệ hồ sơ trực tuyến | Văn phòng Sở | Phòng Kế hoạch – Tài chính | Quá hạn (có phiên bản khác chưa thống nhất) |  | Thiếu kinh phí. | Bổ sung kinh phí. | ≥ 80%: thực hiện 75% – Không đạt | Chưa thẩm định |
        2 | Đối thoại | UBND tỉnh | Không có đơn vị của Sở báo cáo |  |  |  |  |  |  |
        [PAPI]
        Kết quả thực hiện Kế hoạch duy trì Chỉ số – Quý III/2026 – PAPI |  |  |  |  |  |  |  |  |  |
        Tất cả đơn vị · Ngày lập: 20/09/2026 · Hạn báo cáo: 14/09/2026 · Hoàn thành: 0/0 nhiệm vụ, 0,00% · Quá hạn: 0 nhiệm vụ |  |  |  |  |  |  |  |  |  |
        STT | Nhiệm vụ | Đơn vị chủ trì | Đơn vị báo cáo | Tình trạng | Kết quả thực hiện | Khó khăn, vướng mắc | Đề xuất, kiến nghị | Chỉ tiêu / thực hiện | Thẩm định | Ý kiến thẩm định
        [Chỉ tiêu]
        Kết quả thực hiện Kế hoạch duy trì Chỉ số – Quý III/2026 – Chỉ tiêu |  |  |  |  |  |  |  |  |
        Tất cả đơn vị · Ngày lập: 20/09/2026 · Hạn báo cáo: 14/09/2026 · Hoàn thành: 0/1 nhiệm vụ, 0,00% · Quá hạn: 1 nhiệm vụ |  |  |  |  |  |  |  |  |
        Chỉ số | STT | Nhiệm vụ | Đơn vị | Chỉ tiêu | So sánh | Giá trị | Đơn vị tính | Thực hiện | Đánh giá
        PAR INDEX | 1 | Tỷ lệ hồ sơ trực tuyến | Phòng Quản lý hạ tầng | từ 80% trở lên | ≥ | #80 | % | #86.5 | Đạt
        PAR INDEX | 1 | Tỷ lệ hồ sơ trực tuyến | Phòng Kế hoạch – Tài chính | từ 80% trở lên | ≥ | #80 | % | #75 | Không đạt"#]],
    );
}

#[test]
fn docx_has_the_heading_block_and_a_table_per_index() {
    check_docx(
        &sample(None),
        expect![[r#"
            UBND TỈNH TUYÊN QUANG / SỞ XÂY DỰNG / Số:      /BC-SXD | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM / Độc lập - Tự do - Hạnh phúc / Tuyên Quang, ngày 20 tháng 9 năm 2026 |
            BÁO CÁO
            Kết quả thực hiện Kế hoạch duy trì Chỉ số – Quý III/2026

            Kính gửi: Ủy ban nhân dân tỉnh Tuyên Quang.
            Thực hiện Kế hoạch số …/KH-SXD ngày …/01/2026 của Sở Xây dựng về duy trì, cải thiện và nâng cao kết quả Chỉ số, Sở Xây dựng báo cáo kết quả thực hiện Kế hoạch quý III năm 2026 như sau:
            Số liệu tính từ ngày 15/6/2026 đến ngày 14/9/2026.
            I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH VÀ TỔ CHỨC THỰC HIỆN
            Sở Xây dựng đã ban hành Kế hoạch số …/KH-SXD ngày …/01/2026 và phân công nhiệm vụ cho các phòng, ban, đơn vị thuộc Sở; Văn phòng Sở theo dõi, đôn đốc và thẩm định báo cáo của các đơn vị.
            Các đơn vị đã gửi Văn phòng Sở 0/2 báo cáo nhiệm vụ; Văn phòng Sở đã chấp nhận 0, trả lại 0 báo cáo để bổ sung, 0 báo cáo đang chờ thẩm định.
            Đơn vị chưa gửi báo cáo nhiệm vụ nào: Phòng Quản lý hạ tầng, Phòng Kế hoạch – Tài chính.
            II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ
            Kết quả chung: hoàn thành 0/1 nhiệm vụ, 0,00%; quá hạn 1 nhiệm vụ (hạn báo cáo 14/09/2026).
            Kết quả của từng nhiệm vụ, từng đơn vị tại Phụ lục I và II kèm theo.
            1. Chỉ số PAR INDEX
            Hoàn thành 0/1 nhiệm vụ, 0,00%; quá hạn 1 nhiệm vụ; 1 báo cáo nhiệm vụ của các đơn vị chưa có kết quả.
            1.1. CÔNG TÁC CHỈ ĐẠO
            Hoàn thành 0/1 nhiệm vụ, 0,00%; quá hạn 1 nhiệm vụ.
            Nhiệm vụ 1 “Tỷ lệ hồ sơ trực tuyến”:
            - Phòng Quản lý hạ tầng: Đã xử lý 1.245 hồ sơ trực tuyến <đúng hạn> & công khai. (≥ 80%: thực hiện 86,5% – Đạt)
            Nhiệm vụ quá hạn: 1.
            Chưa báo cáo kết quả: Phòng Kế hoạch – Tài chính (nhiệm vụ 1).
            2. Chỉ số PAPI
            Kỳ này không có nhiệm vụ nào của chỉ số này.
            III. ĐÁNH GIÁ CHUNG
            1. Ưu điểm
            1/2 chỉ tiêu có số liệu đã đạt.
            Đơn vị hoàn thành toàn bộ nhiệm vụ được giao trong kỳ: Phòng Quản lý hạ tầng.
            2. Tồn tại, hạn chế và nguyên nhân
            Còn 1 nhiệm vụ quá hạn.
            Còn 1 báo cáo nhiệm vụ chưa có kết quả.
            Chỉ tiêu chưa đạt: Phòng Kế hoạch – Tài chính, nhiệm vụ PAR INDEX I.1 “Tỷ lệ hồ sơ trực tuyến” (≥ 80%: thực hiện 75% – Không đạt).
            Nguyên nhân, khó khăn, vướng mắc do các đơn vị nêu:
            - Phòng Kế hoạch – Tài chính (nhiệm vụ PAR INDEX I.1): Thiếu kinh phí.
            IV. PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI
            Tiếp tục thực hiện 1 nhiệm vụ chưa hoàn thành, ưu tiên 1 nhiệm vụ quá hạn (Văn phòng Sở chủ trì 1 nhiệm vụ).
            Hoàn thiện 1 báo cáo nhiệm vụ còn thiếu kết quả hoặc bị trả lại, gửi Văn phòng Sở trước ngày 14 của tháng cuối kỳ báo cáo.
            Có giải pháp cải thiện 1 chỉ tiêu chưa đạt; duy trì các chỉ tiêu đã đạt.
            V. ĐỀ XUẤT, KIẾN NGHỊ
            - Phòng Kế hoạch – Tài chính (nhiệm vụ PAR INDEX I.1): Bổ sung kinh phí.
            Trên đây là báo cáo kết quả thực hiện Kế hoạch quý III năm 2026 của Sở Xây dựng./.

            Nơi nhận: / - Như trên; / - Sở Nội vụ; / - Giám đốc, các Phó Giám đốc Sở; / - Các phòng, ban, đơn vị thuộc Sở; / - Lưu: VT, VP. | KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC / Trần Văn Sang |

            Phụ lục I
            NHIỆM VỤ PAR INDEX
            (Kèm theo Báo cáo số      /BC-SXD ngày 20/09/2026 của Sở Xây dựng)
            Hoàn thành 0/1 nhiệm vụ, 0,00%; quá hạn 1 nhiệm vụ.
            STT | Nhiệm vụ | Đơn vị chủ trì | Đơn vị báo cáo | Tình trạng | Kết quả | Chỉ tiêu / thực hiện | Thẩm định |
            I. CÔNG TÁC CHỈ ĐẠO |
            1 | Tỷ lệ hồ sơ trực tuyến | Văn phòng Sở | Phòng Quản lý hạ tầng | Hoàn thành | Đã xử lý 1.245 hồ sơ trực tuyến <đúng hạn> & công khai. | ≥ 80%: thực hiện 86,5% – Đạt | Chấp nhận / Số liệu khớp. |
             |  |  | Phòng Kế hoạch – Tài chính | Quá hạn (có phiên bản khác chưa thống nhất) | Khó khăn: Thiếu kinh phí. / Đề xuất: Bổ sung kinh phí. | ≥ 80%: thực hiện 75% – Không đạt | Chưa thẩm định |
            2 | Đối thoại / Hằng năm | UBND tỉnh | Không có đơn vị của Sở báo cáo |  |  |  |  |

            Phụ lục II
            NHIỆM VỤ PAPI
            (Kèm theo Báo cáo số      /BC-SXD ngày 20/09/2026 của Sở Xây dựng)
            Hoàn thành 0/0 nhiệm vụ, 0,00%; quá hạn 0 nhiệm vụ.
            STT | Nhiệm vụ | Đơn vị chủ trì | Đơn vị báo cáo | Tình trạng | Kết quả | Chỉ tiêu / thực hiện | Thẩm định |

        "#]],
    );
}

#[test]
fn a_units_own_docx_is_issued_in_its_name_to_the_office() {
    let report = sample(Some(ReportUnit {
        code: "QLHT".into(),
        name: "Phòng Quản lý hạ tầng".into(),
    }));
    let text = read_docx(docx::write(&report, &heading(&report)));
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| {
            l.contains("QUẢN LÝ") || l.starts_with("Kính gửi") || l.starts_with("Thực hiện")
        })
        .collect();
    expect![[r#"
        [
            "SỞ XÂY DỰNG / PHÒNG QUẢN LÝ HẠ TẦNG / Số:      /BC-QLHT | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM / Độc lập - Tự do - Hạnh phúc / Tuyên Quang, ngày 20 tháng 9 năm 2026 |",
            "Kính gửi: Văn phòng Sở.",
            "Thực hiện Kế hoạch số …/KH-SXD ngày …/01/2026 của Sở Xây dựng về duy trì, cải thiện và nâng cao kết quả Chỉ số, Phòng Quản lý hạ tầng báo cáo kết quả thực hiện các nhiệm vụ được giao quý III năm 2026 như sau:",
        ]
    "#]]
    .assert_debug_eq(&lines);
}

/// The sample with PTDT's records unreadable and KHTC's status of the wrong type.
fn sample_with_unreadable_data() -> Report {
    let mut report = sample(None);
    report.unreadable.push(UnreadableDocument {
        unit: ReportUnit {
            code: "PTDT".into(),
            name: "Phòng Phát triển đô thị".into(),
        },
        role: UnreadableRole::Records,
        reason: UnreadableReason::WrongYear {
            found: Some(2025),
            expected: 2026,
        },
        cause: "year is 2025, expected 2026".into(),
    });
    let khtc = &mut report.indexes[0].sections[0].tasks[0].units[1];
    khtc.status_conflict = false;
    khtc.unreadable.push(RecordPart::Status);
    report
}

#[test]
fn xlsx_names_the_units_whose_data_could_not_be_read_on_every_sheet() {
    let text = read_xlsx(xlsx::write(&sample_with_unreadable_data()).unwrap());
    let notices: Vec<&str> = text.lines().filter(|l| l.starts_with("Lưu ý")).collect();
    expect![[r#"
        [
            "Lưu ý: Không đọc được dữ liệu của Phòng Phát triển đô thị: dữ liệu ghi là của năm 2025, không phải năm 2026. Báo cáo này chưa gồm số liệu của đơn vị. (Chi tiết kỹ thuật: PTDT records: year is 2025, expected 2026.) / Lưu ý: Một số số liệu của Phòng Kế hoạch – Tài chính bị ghi sai hoặc bị mất nên không đọc được và để trống trong báo cáo: nhiệm vụ 1 “Tỷ lệ hồ sơ trực tuyến” – tình trạng. (Chi tiết kỹ thuật: KHTC records tasks.PAR_INDEX/I/1.status.) |  |  |  |  |  |  |  |  |  |",
            "Lưu ý: Không đọc được dữ liệu của Phòng Phát triển đô thị: dữ liệu ghi là của năm 2025, không phải năm 2026. Báo cáo này chưa gồm số liệu của đơn vị. (Chi tiết kỹ thuật: PTDT records: year is 2025, expected 2026.) / Lưu ý: Một số số liệu của Phòng Kế hoạch – Tài chính bị ghi sai hoặc bị mất nên không đọc được và để trống trong báo cáo: nhiệm vụ 1 “Tỷ lệ hồ sơ trực tuyến” – tình trạng. (Chi tiết kỹ thuật: KHTC records tasks.PAR_INDEX/I/1.status.) |  |  |  |  |  |  |  |  |  |",
            "Lưu ý: Không đọc được dữ liệu của Phòng Phát triển đô thị: dữ liệu ghi là của năm 2025, không phải năm 2026. Báo cáo này chưa gồm số liệu của đơn vị. (Chi tiết kỹ thuật: PTDT records: year is 2025, expected 2026.) / Lưu ý: Một số số liệu của Phòng Kế hoạch – Tài chính bị ghi sai hoặc bị mất nên không đọc được và để trống trong báo cáo: nhiệm vụ 1 “Tỷ lệ hồ sơ trực tuyến” – tình trạng. (Chi tiết kỹ thuật: KHTC records tasks.PAR_INDEX/I/1.status.) |  |  |  |  |  |  |  |  |",
        ]
    "#]].assert_debug_eq(&notices);
    let khtc = text
        .lines()
        .find(|l| l.contains("Phòng Kế hoạch – Tài chính |"))
        .unwrap();
    assert!(
        khtc.contains("| Quá hạn (không đọc được tình trạng đơn vị đã ghi) |"),
        "the status says it was not read: {khtc}"
    );
}

#[test]
fn docx_names_the_units_whose_data_could_not_be_read_before_the_totals() {
    let report = sample_with_unreadable_data();
    let text = read_docx(docx::write(&report, &heading(&report)));
    let lines: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("Kính gửi"))
        .skip(1)
        .take(3)
        .collect();
    expect![[r#"
        [
            "Lưu ý: Không đọc được dữ liệu của Phòng Phát triển đô thị: dữ liệu ghi là của năm 2025, không phải năm 2026. Báo cáo này chưa gồm số liệu của đơn vị. (Chi tiết kỹ thuật: PTDT records: year is 2025, expected 2026.)",
            "Lưu ý: Một số số liệu của Phòng Kế hoạch – Tài chính bị ghi sai hoặc bị mất nên không đọc được và để trống trong báo cáo: nhiệm vụ 1 “Tỷ lệ hồ sơ trực tuyến” – tình trạng. (Chi tiết kỹ thuật: KHTC records tasks.PAR_INDEX/I/1.status.)",
            "Thực hiện Kế hoạch số …/KH-SXD ngày …/01/2026 của Sở Xây dựng về duy trì, cải thiện và nâng cao kết quả Chỉ số, Sở Xây dựng báo cáo kết quả thực hiện Kế hoạch quý III năm 2026 như sau:",
        ]
    "#]]
    .assert_debug_eq(&lines);
}

#[test]
fn dates_are_read_as_dd_mm_yyyy() {
    assert_eq!(
        parse_date("05/01/2026").unwrap(),
        Date::new(2026, 1, 5).unwrap()
    );
    for bad in ["2026-01-05", "31/02/2026", "5/1", ""] {
        assert!(parse_date(bad).is_err(), "{bad} is not a date");
    }
}

#[test]
fn atomic_write_replaces_the_file_and_leaves_no_temporary() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.docx");
    std::fs::write(&path, b"old").unwrap();
    write_atomically(&path, b"new").unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"new");
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        names,
        ["report.docx"],
        "the temporary file was renamed, not copied"
    );
    let err = write_atomically(&dir.path().join("missing/report.docx"), b"x").unwrap_err();
    assert!(format!("{err:#}").starts_with("cannot write"), "{err:#}");
}

#[test]
fn every_part_of_the_outline_says_so_when_it_has_no_data() {
    let mut report = sample(None);
    for task in &mut report.indexes[0].sections[0].tasks {
        for unit in &mut task.units {
            unit.result.clear();
            unit.difficulties.clear();
            unit.proposals.clear();
            unit.actuals.clear();
            unit.status = ReportStatus::InProgress;
        }
    }
    report.completion.n_overdue = 0;
    report.indexes[0].completion.n_overdue = 0;
    let heading = heading(&report);
    let blocks: Vec<String> = outline::body(&report, &heading)
        .into_iter()
        .map(|block| match block {
            Block::Part(t) | Block::Heading(t) | Block::Subheading(t) => format!("# {t}"),
            Block::Text(t) | Block::Notice(t) => t,
            Block::Item { lead, text } => format!("- {lead}: {text}"),
        })
        .skip_while(|b| !b.starts_with("# II."))
        .collect();
    expect![[r##"
        [
            "# II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ",
            "Kết quả chung: hoàn thành 0/1 nhiệm vụ, 0,00%; quá hạn 0 nhiệm vụ (hạn báo cáo 14/09/2026).",
            "Kết quả của từng nhiệm vụ, từng đơn vị tại Phụ lục I và II kèm theo.",
            "# 1. Chỉ số PAR INDEX",
            "Hoàn thành 0/1 nhiệm vụ, 0,00%; quá hạn 0 nhiệm vụ; 2 báo cáo nhiệm vụ của các đơn vị chưa có kết quả.",
            "# 1.1. CÔNG TÁC CHỈ ĐẠO",
            "Hoàn thành 0/1 nhiệm vụ, 0,00%; quá hạn 0 nhiệm vụ.",
            "Chưa có đơn vị báo cáo kết quả thực hiện.",
            "Chưa báo cáo kết quả: Phòng Quản lý hạ tầng (nhiệm vụ 1); Phòng Kế hoạch – Tài chính (nhiệm vụ 1).",
            "# 2. Chỉ số PAPI",
            "Kỳ này không có nhiệm vụ nào của chỉ số này.",
            "# III. ĐÁNH GIÁ CHUNG",
            "# 1. Ưu điểm",
            "Chưa có nhiệm vụ hoàn thành hay chỉ tiêu đạt trong kỳ.",
            "# 2. Tồn tại, hạn chế và nguyên nhân",
            "Còn 2 báo cáo nhiệm vụ chưa có kết quả.",
            "Nguyên nhân: các đơn vị không nêu khó khăn, vướng mắc.",
            "# IV. PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI",
            "Tiếp tục thực hiện 1 nhiệm vụ chưa hoàn thành.",
            "Hoàn thiện 2 báo cáo nhiệm vụ còn thiếu kết quả hoặc bị trả lại, gửi Văn phòng Sở trước ngày 14 của tháng cuối kỳ báo cáo.",
            "# V. ĐỀ XUẤT, KIẾN NGHỊ",
            "Các đơn vị không có đề xuất, kiến nghị.",
            "Trên đây là báo cáo kết quả thực hiện Kế hoạch quý III năm 2026 của Sở Xây dựng./.",
        ]
    "##]]
    .assert_debug_eq(&blocks);
}

#[test]
fn a_numbered_report_to_several_addressees_lists_them() {
    let report = sample(None);
    let heading = ReportHeading {
        number: "25".into(),
        addressees: vec![
            "Ủy ban nhân dân tỉnh Tuyên Quang".into(),
            "Sở Nội vụ".into(),
        ],
        ..heading(&report)
    };
    let text = read_docx(docx::write(&report, &heading));
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| {
            l.contains("Số:")
                || l.starts_with("Kính gửi")
                || (l.starts_with("- ") && !l.contains(':'))
                || l.starts_with("(Kèm theo")
        })
        .collect();
    expect![[r#"
        [
            "UBND TỈNH TUYÊN QUANG / SỞ XÂY DỰNG / Số: 25/BC-SXD | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM / Độc lập - Tự do - Hạnh phúc / Tuyên Quang, ngày 20 tháng 9 năm 2026 |",
            "Kính gửi:",
            "- Ủy ban nhân dân tỉnh Tuyên Quang;",
            "- Sở Nội vụ.",
            "(Kèm theo Báo cáo số 25/BC-SXD ngày 20/09/2026 của Sở Xây dựng)",
            "(Kèm theo Báo cáo số 25/BC-SXD ngày 20/09/2026 của Sở Xây dựng)",
        ]
    "#]]
    .assert_debug_eq(&lines);
}

mod layout;
