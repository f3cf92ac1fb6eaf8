//! The decision on file names and first bytes: what is opened, and what is shown in its folder
//! and why.

use expect_test::{expect, Expect};

use super::*;

const PDF: &[u8] = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj";
const ZIP: &[u8] = b"PK\x03\x04\x14\x00\x06\x00";
const OLE2: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR";
const JPEG: &[u8] = b"\xFF\xD8\xFF\xE0\x00\x10JFIF";
const EXE: &[u8] = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00";
const ELF: &[u8] = b"\x7fELF\x02\x01\x01\x00";

/// Each case as "name: decision".
fn check(cases: &[(&str, &[u8])], expect: Expect) {
    let shown: Vec<String> = cases
        .iter()
        .map(|(name, head)| {
            let decision = match decide(name, head) {
                OpenDecision::Launch => "mở".to_string(),
                OpenDecision::Reveal(RevealReason::NotAllowed { extension }) => {
                    format!("thư mục (loại không được mở: {extension:?})")
                }
                OpenDecision::Reveal(RevealReason::ContentMismatch { extension }) => {
                    format!("thư mục (nội dung không phải .{extension})")
                }
            };
            format!("{name}: {decision}")
        })
        .collect();
    expect.assert_eq(&shown.join("\n"));
}

#[test]
fn documents_and_images_whose_contents_match_their_type_are_opened() {
    check(
        &[
            ("Báo cáo quý III.pdf", PDF),
            ("BAO-CAO.PDF", PDF),
            ("Kế hoạch.docx", ZIP),
            ("Số liệu.xlsx", ZIP),
            ("Trình chiếu.pptx", ZIP),
            ("van-ban.odt", ZIP),
            ("bang.ods", ZIP),
            ("trinh-chieu.odp", ZIP),
            ("cu.doc", OLE2),
            ("cu.xls", OLE2),
            ("cu.ppt", OLE2),
            ("thu.rtf", b"{\\rtf1\\ansi"),
            ("ghi-chu.txt", "Đã tiếp nhận 1.245 hồ sơ.".as_bytes()),
            ("so-lieu.csv", "\u{feff}Đơn vị;Tỷ lệ\nQLHT;86,5".as_bytes()),
            ("trong.txt", b""),
            ("anh.png", PNG),
            ("anh.jpg", JPEG),
            ("anh.JPEG", JPEG),
            ("anh.gif", b"GIF89a\x01\x00"),
            ("anh.bmp", b"BM6\x00\x00\x00"),
            ("scan.tif", b"II*\x00\x08\x00"),
            ("scan.tiff", b"MM\x00*\x00\x00"),
            ("anh.webp", b"RIFF\x24\x00\x00\x00WEBPVP8 "),
        ],
        expect![[r#"
            Báo cáo quý III.pdf: mở
            BAO-CAO.PDF: mở
            Kế hoạch.docx: mở
            Số liệu.xlsx: mở
            Trình chiếu.pptx: mở
            van-ban.odt: mở
            bang.ods: mở
            trinh-chieu.odp: mở
            cu.doc: mở
            cu.xls: mở
            cu.ppt: mở
            thu.rtf: mở
            ghi-chu.txt: mở
            so-lieu.csv: mở
            trong.txt: mở
            anh.png: mở
            anh.jpg: mở
            anh.JPEG: mở
            anh.gif: mở
            anh.bmp: mở
            scan.tif: mở
            scan.tiff: mở
            anh.webp: mở"#]],
    );
}

#[test]
fn programs_scripts_shortcuts_web_pages_and_unknown_types_are_never_opened() {
    check(
        &[
            ("setup.exe", EXE),
            ("chay.bat", b"@echo off"),
            ("chay.cmd", b"@echo off"),
            ("lenh.ps1", b"Write-Host"),
            ("lenh.vbs", b"MsgBox"),
            ("lenh.js", b"alert(1)"),
            ("ung-dung.jar", ZIP),
            ("cai-dat.msi", OLE2),
            ("loi-tat.lnk", b"L\x00\x00\x00"),
            ("man-hinh.scr", EXE),
            ("chay.sh", b"#!/bin/sh"),
            ("ung-dung.desktop", b"[Desktop Entry]"),
            ("trang.html", b"<!doctype html>"),
            ("trang.htm", b"<html>"),
            ("hinh.svg", b"<svg xmlns"),
            ("tep.xyz", b"whatever"),
            ("README", b"plain words"),
            (".pdf", PDF),
            ("bao-cao.exe.", EXE),
            ("bao-cao.pdf.exe", EXE),
            ("bao-cao.pdf .exe", EXE),
        ],
        expect![[r#"
            setup.exe: thư mục (loại không được mở: Some("exe"))
            chay.bat: thư mục (loại không được mở: Some("bat"))
            chay.cmd: thư mục (loại không được mở: Some("cmd"))
            lenh.ps1: thư mục (loại không được mở: Some("ps1"))
            lenh.vbs: thư mục (loại không được mở: Some("vbs"))
            lenh.js: thư mục (loại không được mở: Some("js"))
            ung-dung.jar: thư mục (loại không được mở: Some("jar"))
            cai-dat.msi: thư mục (loại không được mở: Some("msi"))
            loi-tat.lnk: thư mục (loại không được mở: Some("lnk"))
            man-hinh.scr: thư mục (loại không được mở: Some("scr"))
            chay.sh: thư mục (loại không được mở: Some("sh"))
            ung-dung.desktop: thư mục (loại không được mở: Some("desktop"))
            trang.html: thư mục (loại không được mở: Some("html"))
            trang.htm: thư mục (loại không được mở: Some("htm"))
            hinh.svg: thư mục (loại không được mở: Some("svg"))
            tep.xyz: thư mục (loại không được mở: Some("xyz"))
            README: thư mục (loại không được mở: None)
            .pdf: thư mục (loại không được mở: None)
            bao-cao.exe.: thư mục (loại không được mở: None)
            bao-cao.pdf.exe: thư mục (loại không được mở: Some("exe"))
            bao-cao.pdf .exe: thư mục (loại không được mở: Some("exe"))"#]],
    );
}

#[test]
fn a_program_renamed_as_a_document_or_image_is_not_opened() {
    check(
        &[
            ("bao-cao.pdf", EXE),
            ("anh.png", ELF),
            ("bang.xlsx", EXE),
            ("van-ban.doc", ZIP),
            ("trong.pdf", b""),
            ("thu-muc-rong.docx", b"PK\x05\x06\x00\x00"),
            ("am-thanh.webp", b"RIFF\x24\x00\x00\x00WAVEfmt "),
            ("ghi-chu.txt", EXE),
            ("ghi-chu.txt", b"#!/bin/sh\nrm -rf ~"),
            ("ghi-chu.txt", b"  <html><script>"),
            ("ghi-chu.txt", b"[Desktop Entry]\nExec=sh"),
            ("ghi-chu.txt", b"ab\x00cd"),
            ("so-lieu.csv", ZIP),
        ],
        expect![[r#"
            bao-cao.pdf: thư mục (nội dung không phải .pdf)
            anh.png: thư mục (nội dung không phải .png)
            bang.xlsx: thư mục (nội dung không phải .xlsx)
            van-ban.doc: thư mục (nội dung không phải .doc)
            trong.pdf: thư mục (nội dung không phải .pdf)
            thu-muc-rong.docx: thư mục (nội dung không phải .docx)
            am-thanh.webp: thư mục (nội dung không phải .webp)
            ghi-chu.txt: thư mục (nội dung không phải .txt)
            ghi-chu.txt: thư mục (nội dung không phải .txt)
            ghi-chu.txt: thư mục (nội dung không phải .txt)
            ghi-chu.txt: thư mục (nội dung không phải .txt)
            ghi-chu.txt: thư mục (nội dung không phải .txt)
            so-lieu.csv: thư mục (nội dung không phải .csv)"#]],
    );
}

#[test]
fn every_allowed_type_has_a_signature_that_refuses_a_program() {
    for (extension, _) in ALLOWED {
        let name = format!("tep.{extension}");
        assert!(
            matches!(decide(&name, EXE), OpenDecision::Reveal(_)),
            "a Windows program named {name} is not opened"
        );
        assert!(
            matches!(decide(&name, ELF), OpenDecision::Reveal(_)),
            "a Linux program named {name} is not opened"
        );
    }
}

#[test]
fn only_the_first_bytes_are_looked_at() {
    let mut long = b"ghi chu ".repeat(HEAD_LEN);
    long.push(0);
    assert_eq!(decide("dai.txt", &long), OpenDecision::Launch);
}

#[test]
fn the_user_is_told_why_in_vietnamese() {
    let messages: Vec<String> = [
        RevealReason::NotAllowed {
            extension: Some("exe".into()),
        },
        RevealReason::NotAllowed { extension: None },
        RevealReason::ContentMismatch {
            extension: "pdf".into(),
        },
    ]
    .iter()
    .map(RevealReason::message)
    .collect();
    expect![[r#"
        [
            "Không mở trực tiếp tệp .exe: đây không phải loại tài liệu hay hình ảnh PlanSync cho phép mở (có thể là chương trình chạy được).",
            "Không mở trực tiếp tệp không có phần mở rộng: không biết đây là loại tệp gì.",
            "Không mở trực tiếp tệp này: nội dung không phải tệp .pdf như tên gọi (có thể là chương trình bị đổi tên).",
        ]
    "#]]
    .assert_debug_eq(&messages);
}
