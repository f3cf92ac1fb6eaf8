//! Each quirk of real plans on a small hand-made input: page breaks, repeated headers, inline
//! HTML, skipped and repeated numbers, empty cells, two-row headers, nested sections.

use expect_test::{expect, Expect};
use shared::plan::Plan;

use super::import;

const PREAMBLE: &str = "Số: 07/KH-SNN\nHà Giang, ngày 05 tháng 02 năm 2027\nKẾ HOẠCH\nCải thiện Chỉ số PAR INDEX giai đoạn 2027-2028\n\n";

/// Renders the tasks of a plan one per line: id | title | content | lead | support | time frame.
fn check(appendices: &str, expect: Expect) {
    let outcome = import(&format!("{PREAMBLE}{appendices}"));
    let mut lines = Vec::new();
    render(&outcome.plan, &mut lines);
    for w in &outcome.warnings {
        lines.push(format!("warning: {w}"));
    }
    expect.assert_eq(&lines.join("\n"));
}

fn render(plan: &Plan, lines: &mut Vec<String>) {
    for (_, task) in plan.tasks() {
        lines.push(format!(
            "{} | {} | {} | {} | {} | {}",
            task.id,
            task.title,
            task.content.replace('\n', "⏎"),
            task.lead.join(" + "),
            task.support.join(" + "),
            task.timeframe.text
        ));
    }
}

#[test]
fn plan_header_is_read() {
    let outcome = import(&format!("{PREAMBLE}PHỤ LỤC I\nCHỈ SỐ PAR INDEX\nSTT\tNhiệm vụ\tChủ trì\tPhối hợp\tThời gian\n1\tA\tVăn phòng Sở\t\tHàng năm\n"));
    let plan = &outcome.plan;
    assert_eq!(
        (
            plan.number.as_str(),
            plan.place.as_str(),
            plan.date.as_str(),
            plan.kind.as_str()
        ),
        (
            "07/KH-SNN",
            "Hà Giang",
            "ngày 05 tháng 02 năm 2027",
            "KẾ HOẠCH"
        )
    );
    assert_eq!(
        (
            plan.date_parts.day,
            plan.date_parts.month,
            plan.date_parts.year
        ),
        (Some(5), Some(2), Some(2027))
    );
    assert_eq!(plan.title, "Cải thiện Chỉ số PAR INDEX giai đoạn 2027-2028");
    assert_eq!(plan.period.map(|p| (p.from, p.to)), Some((2027, 2028)));
}

#[test]
fn continuation_rows_after_page_break_and_repeated_header() {
    check(
        "PHỤ LỤC I\nNHIỆM VỤ CHỈ SỐ PAR INDEX\n(Kèm theo Kế hoạch của Sở Nông nghiệp)\n\
STT\tTiêu chí\tNội dung\tChủ trì\tPhối hợp\tThời gian\n\
I\tCHỈ ĐẠO\t\t\t\t\n\
1\tTuyên truyền về\tĐăng tải trên\tVăn phòng Sở\tCác phòng, ban, đơn vị\tHàng năm\n\
\n\
STT\tTiêu chí\tNội dung\tChủ trì\tPhối hợp\tThời gian\n\
\tcải cách\tcổng thông tin\t\tthuộc Sở\t\n\
2\tKiểm tra\t\tPhòng Thanh tra\t\tQuý II và năm\n",
        expect![[r#"
            PAR_INDEX/I/1 | Tuyên truyền về cải cách | Đăng tải trên cổng thông tin | Văn phòng Sở | Các phòng, ban, đơn vị thuộc Sở | Hàng năm
            PAR_INDEX/I/2 | Kiểm tra |  | Phòng Thanh tra |  | Quý II và năm"#]],
    );
}

#[test]
fn two_row_header_and_html_and_numbering_quirks() {
    check(
        "PHỤ LỤC\nCHỈ SỐ PAR INDEX\n\
STT\tTiêu chí, thành phần\tNội dung, nhiệm vụ và giải pháp\t\t\t\n\
\t\tNội dung, nhiệm vụ và giải pháp\tChủ trì\tPhối hợp\tThời gian\n\
I\tTHỂ CHẾ\t\t\t\tHàng năm\n\
1\tA\t<ul><li>Một</li><li><i>Hai</i> &amp; ba</li></ul>\tVăn phòng Sở\t\t\n\
3\tB\t\tPhòng Kế hoạch - Tài chính\t\tThường xuyên\n\
3\tC\t\tKế hoạch – Tài chính\t\tKhi có yêu cầu\n",
        expect![[r#"
            PAR_INDEX/I/1 | A | Một⏎Hai & ba | Văn phòng Sở |  | 
            PAR_INDEX/I/3 | B |  | Phòng Kế hoạch – Tài chính |  | Thường xuyên
            PAR_INDEX/I/3#2 | C |  | Phòng Kế hoạch – Tài chính |  | Khi có yêu cầu
            warning: line 11: task PAR_INDEX/I/1 has no time frame
            warning: line 12: task numbering jumps from 1 to 3
            warning: line 13: task code 3 is printed again in the same section; this one is PAR_INDEX/I/3#2
            warning: line 13: time frame "Khi có yêu cầu" of task PAR_INDEX/I/3#2 is not a known wording; kept as written"#]],
    );
}

#[test]
fn groups_with_dotted_tasks_and_lettered_parts() {
    check(
        "PHỤ LỤC II\nCHỈ SỐ PAPI\n\
STT\tNhiệm vụ\tCơ quan chủ trì\tCơ quan phối hợp\tThời gian thực hiện\n\
1\tNhóm một\t\t\t\n\
1.1\tViệc một\tVăn phòng Sở\t\tThường xuyên\n\
1.2\tViệc hai\t\tVăn phòng Sở\tHàng năm\n\
2\tNhóm hai\t\t\t\n\
2.1\tViệc ba\tTrung tâm Quy hoạch\t\tTrước ngày 30/6\n\
PHỤ LỤC III\nCHỈ SỐ SIPAS\n\
STT\tNhiệm vụ\tCơ quan chủ trì\tCơ quan phối hợp\tSản phẩm/kết quả công việc\tThời gian hoàn thành\n\
A\tPHẦN A\t\t\t\t\n\
I\tMục một\t\t\t\t\n\
1\tViệc bốn\tVăn phòng Sở\t\t- Báo cáo\tQuý III và năm\n\
II\tMục hai\t\t\t\t\n\
2\tViệc năm\tVăn phòng Sở\t\tBáo cáo\tQuý III và năm\n\
B\tPHẦN B\t\t\t\t\n\
I\tMục ba\t\t\t\t\n\
3\tViệc sáu\tVăn phòng Sở\t\tBáo cáo\tQuý III và năm\n",
        expect![[r#"
            PAPI/1/1.1 | Việc một |  | Văn phòng Sở |  | Thường xuyên
            PAPI/1/1.2 | Việc hai |  |  | Văn phòng Sở | Hàng năm
            PAPI/2/2.1 | Việc ba |  | Trung tâm Quy hoạch |  | Trước ngày 30/6
            SIPAS/A/I/1 | Việc bốn |  | Văn phòng Sở |  | Quý III và năm
            SIPAS/A/II/2 | Việc năm |  | Văn phòng Sở |  | Quý III và năm
            SIPAS/B/I/3 | Việc sáu |  | Văn phòng Sở |  | Quý III và năm
            warning: line 11: task PAPI/1/1.2 has no lead unit (Chủ trì)"#]],
    );
}

#[test]
fn sub_items_of_a_task_join_its_content() {
    check(
        "PHỤ LỤC\nCHỈ SỐ PAR INDEX\n\
STT\tTiêu chí\tNội dung\tChủ trì\tPhối hợp\tThời gian\n\
I\tPHẦN\t\t\t\t\n\
1\tViệc\tLàm các việc sau:\tVăn phòng Sở\t\tHàng năm\n\
a\t\tviệc a\t\t\t\n\
b\t\tviệc b\t\t\t\n\
2\tViệc khác\t\tVăn phòng Sở\t\tHàng năm\n",
        expect![[r#"
            PAR_INDEX/I/1 | Việc | Làm các việc sau:⏎a việc a⏎b việc b | Văn phòng Sở |  | Hàng năm
            PAR_INDEX/I/2 | Việc khác |  | Văn phòng Sở |  | Hàng năm"#]],
    );
}

#[test]
fn docx_bytes_and_text_bytes_are_told_apart() {
    let text = format!("{PREAMBLE}PHỤ LỤC\nCHỈ SỐ PAPI\nSTT\tNhiệm vụ\tChủ trì\tPhối hợp\tThời gian\n1\tA\tVăn phòng Sở\t\tHàng năm\n");
    let from_bytes = shared::import::import_bytes(format!("\u{feff}{text}").as_bytes()).unwrap();
    assert_eq!(
        from_bytes.plan.tasks().len(),
        1,
        "a UTF-8 byte order mark is accepted"
    );
    let crlf = text.replace('\n', "\r\n");
    assert_eq!(
        import(&crlf).plan,
        import(&text).plan,
        "Windows line endings read the same"
    );
}

#[test]
fn spelled_out_indexes_numbered_headings_and_one_text_column() {
    check(
        "Phụ lục 1: Nhiệm vụ nâng cao Chỉ số hiệu quả quản trị và hành chính công\n\
TT\tNhiệm vụ, giải pháp\tĐơn vị chủ trì\tĐơn vị phối hợp\tThời hạn\n\
1\tCông khai thông tin\tVăn phòng Sở\t\tHằng năm\n\
Phụ lục kèm theo kế hoạch này là một phần của kế hoạch.\n\
PHỤ LỤC 2\nNHIỆM VỤ NÂNG CAO CHỈ SỐ HÀI LÒNG\n\
TT\tNhiệm vụ\tĐơn vị chủ trì\tĐơn vị phối hợp\tThời hạn\n\
1\tTiếp nhận phản ánh\tVăn phòng Sở\t\tThường xuyên\n",
        expect![[r#"
            PAPI/1 | Công khai thông tin |  | Văn phòng Sở |  | Hằng năm
            SIPAS/1 | Tiếp nhận phản ánh |  | Văn phòng Sở |  | Thường xuyên"#]],
    );
}
