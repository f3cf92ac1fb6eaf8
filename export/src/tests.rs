//! Writer tests: a small report written as XLSX and DOCX, read back with independent readers
//! (calamine for XLSX; the zip's `word/document.xml` through quick-xml for DOCX).

use std::io::{Cursor, Read};

use calamine::{Data, Reader, Xlsx};
use expect_test::{expect, Expect};
use quick_xml::events::Event;
use shared::calendar::{Date, PeriodId};
use shared::plan::{IndexKind, TaskId};
use shared::record::Verdict;
use shared::report::{
    ActualReport, Completion, IndexReport, Report, ReportStatus, ReportUnit, ReviewReport,
    SectionReport, TaskReport, UnitReport, UnreadableDocument, UnreadableRole,
};
use shared::target::{Target, TargetOperator};
use shared::unreadable::{RecordPart, UnreadableReason};

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
    expect.assert_eq(&read_docx(docx::write(report)));
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
        SỞ XÂY DỰNG | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM / Độc lập - Tự do - Hạnh phúc |
         | Tuyên Quang, ngày 20 tháng 9 năm 2026 |
        BÁO CÁO
        Kết quả thực hiện Kế hoạch duy trì Chỉ số – Quý III/2026
        Kết quả chung: hoàn thành 0/1 nhiệm vụ, 0,00%; quá hạn 1 nhiệm vụ (hạn báo cáo 14/09/2026).
        I. NHIỆM VỤ PAR INDEX
        Hoàn thành 0/1 nhiệm vụ, 0,00%; quá hạn 1 nhiệm vụ.
        STT | Nhiệm vụ | Đơn vị chủ trì | Đơn vị báo cáo | Tình trạng | Kết quả | Chỉ tiêu / thực hiện | Thẩm định |
        I. CÔNG TÁC CHỈ ĐẠO |
        1 | Tỷ lệ hồ sơ trực tuyến | Văn phòng Sở | Phòng Quản lý hạ tầng | Hoàn thành | Đã xử lý 1.245 hồ sơ trực tuyến <đúng hạn> & công khai. | ≥ 80%: thực hiện 86,5% – Đạt | Chấp nhận / Số liệu khớp. |
         |  |  | Phòng Kế hoạch – Tài chính | Quá hạn (có phiên bản khác chưa thống nhất) | Khó khăn: Thiếu kinh phí. / Đề xuất: Bổ sung kinh phí. | ≥ 80%: thực hiện 75% – Không đạt | Chưa thẩm định |
        2 | Đối thoại / Hằng năm | UBND tỉnh | Không có đơn vị của Sở báo cáo |  |  |  |  |
        II. NHIỆM VỤ PAPI
        Hoàn thành 0/0 nhiệm vụ, 0,00%; quá hạn 0 nhiệm vụ.
        STT | Nhiệm vụ | Đơn vị chủ trì | Đơn vị báo cáo | Tình trạng | Kết quả | Chỉ tiêu / thực hiện | Thẩm định |
    "#]],
    );
}

#[test]
fn unit_docx_names_the_unit_under_the_issuer() {
    let report = sample(Some(ReportUnit {
        code: "QLHT".into(),
        name: "Phòng Quản lý hạ tầng".into(),
    }));
    let text = read_docx(docx::write(&report));
    let heading: Vec<&str> = text.lines().take(2).collect();
    expect![[r#"
        [
            "SỞ XÂY DỰNG / PHÒNG QUẢN LÝ HẠ TẦNG | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM / Độc lập - Tự do - Hạnh phúc |",
            " | Tuyên Quang, ngày 20 tháng 9 năm 2026 |",
        ]
    "#]].assert_debug_eq(&heading);
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
    let text = read_docx(docx::write(&sample_with_unreadable_data()));
    let lines: Vec<&str> = text.lines().skip(4).take(3).collect();
    expect![[r#"
        [
            "Lưu ý: Không đọc được dữ liệu của Phòng Phát triển đô thị: dữ liệu ghi là của năm 2025, không phải năm 2026. Báo cáo này chưa gồm số liệu của đơn vị. (Chi tiết kỹ thuật: PTDT records: year is 2025, expected 2026.)",
            "Lưu ý: Một số số liệu của Phòng Kế hoạch – Tài chính bị ghi sai hoặc bị mất nên không đọc được và để trống trong báo cáo: nhiệm vụ 1 “Tỷ lệ hồ sơ trực tuyến” – tình trạng. (Chi tiết kỹ thuật: KHTC records tasks.PAR_INDEX/I/1.status.)",
            "Kết quả chung: hoàn thành 0/1 nhiệm vụ, 0,00%; quá hạn 1 nhiệm vụ (hạn báo cáo 14/09/2026).",
        ]
    "#]].assert_debug_eq(&lines);
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
