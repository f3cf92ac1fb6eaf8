//! Bad input gets an error that names the place, never a silent drop.

use expect_test::{expect, Expect};
use shared::import::{import_bytes, import_docx};

fn check(input: &[u8], expect: Expect) {
    match import_bytes(input) {
        Ok(outcome) => panic!(
            "expected an error, got {} tasks",
            outcome.plan.tasks().len()
        ),
        Err(err) => expect.assert_eq(&err.to_string()),
    }
}

const HEAD: &str = "PHỤ LỤC I\nCHỈ SỐ PAR INDEX\n";
const HEADER: &str = "STT\tTiêu chí\tNội dung\tChủ trì\tPhối hợp\tThời gian\n";

#[test]
fn not_a_plan() {
    check(b"", expect![[r#"the file is empty"#]]);
    check(
        b"Hello\nworld\n",
        expect![[
            r#"not a plan: no appendix heading ("PHỤ LỤC") followed by a task table was found"#
        ]],
    );
    check(
        b"\xff\xfe\x00garbage",
        expect![[
            r#"not a plan: the file is neither DOCX nor UTF-8 text (invalid byte at offset 0)"#
        ]],
    );
}

#[test]
fn broken_docx() {
    check(
        b"PK\x03\x04broken",
        expect![[
            r#"broken DOCX: not a readable zip archive (invalid Zip archive: Could not find EOCD)"#
        ]],
    );
    let err = import_docx(&zip_with("other.xml", "<x/>")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "broken DOCX: word/document.xml is missing (is this a Word document?)"
    );
    let err = import_docx(&zip_with("word/document.xml", "<w:document><w:body><w:p>")).unwrap_err();
    assert!(
        err.to_string().starts_with("not a plan"),
        "a truncated body has no appendix: {err}"
    );
    let err = import_docx(&zip_with("word/document.xml", "<a></b>")).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("broken DOCX: word/document.xml is not valid at byte"),
        "{err}"
    );
}

fn zip_with(name: &str, content: &str) -> Vec<u8> {
    use std::io::Write;
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut buf);
    zip.start_file(name, zip::write::SimpleFileOptions::default())
        .unwrap();
    zip.write_all(content.as_bytes()).unwrap();
    zip.finish().unwrap();
    buf.into_inner()
}

#[test]
fn table_errors_name_the_line() {
    check(
        format!("{HEAD}1\tA\t\tVăn phòng Sở\t\tHàng năm\n").as_bytes(),
        expect![[r#"line 3: table row before the table's header row (a row starting with "STT")"#]],
    );
    check(
        format!("{HEAD}{HEADER}\tmồ côi\t\t\t\t\n").as_bytes(),
        expect![[r#"line 4: continuation row (empty STT) with no task or section above it"#]],
    );
    check(
        format!("{HEAD}{HEADER}1\tA\t\tVăn phòng Sở\t\tHàng năm\t\tthừa\n").as_bytes(),
        expect![[r#"line 4: cell in column 8 ("thừa") has no column title above it"#]],
    );
    check(
        format!("{HEAD}{HEADER}1?\tA\t\tVăn phòng Sở\t\tHàng năm\n").as_bytes(),
        expect![[r#"line 4: STT "1?" is not a number, roman numeral, letter or bullet"#]],
    );
    check(
        format!("{HEAD}{HEADER}1\tA\t\tVăn phòng Sở\t\tHàng năm\nGhi chú cuối bảng\n2\tB\t\tVăn phòng Sở\t\tHàng năm\n").as_bytes(),
        expect![[r#"line 6: table row after the text at line 5 that ended the table; repeat the header row to continue it"#]],
    );
    check(
        format!("{HEAD}{HEADER}I\tPHẦN\tnội dung lạc\t\t\t\n1\tA\t\tVăn phòng Sở\t\tHàng năm\n")
            .as_bytes(),
        expect![[
            r#"line 4: row "I" has content text but no lead unit (Chủ trì), and rows below it are numbered under it"#
        ]],
    );
}

#[test]
fn appendix_errors() {
    check(
        b"PH\xe1\xbb\xa4 L\xe1\xbb\xa4C I\nDANH S\xc3\x81CH KH\xc3\x81C\nSTT\tA\tB\tC\n",
        expect![[
            r#"line 1: appendix "DANH SÁCH KHÁC" names none of the indexes PAR INDEX, PAPI, SIPAS"#
        ]],
    );
    check(
        format!("{HEAD}Không có bảng\n").as_bytes(),
        expect![[r#"line 1: appendix "CHỈ SỐ PAR INDEX Không có bảng" has no task table"#]],
    );
    check(
        format!("{HEAD}{HEADER}1\tA\t\tVăn phòng Sở\t\tHàng năm\n{HEAD}{HEADER}1\tA\t\tVăn phòng Sở\t\tHàng năm\n").as_bytes(),
        expect![[r#"line 5: a second appendix for PAR INDEX (each index has one appendix)"#]],
    );
}
