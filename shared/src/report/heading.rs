//! Who issues a report and to whom, as a Decree 30/2020 document prints it: the parent and the
//! issuing agency over the document number, the place of the date line, "Kính gửi", the
//! "Nơi nhận" list and the signature block.
//!
//! [`ReportHeading::for_report`] derives it from what the plan knows (its issuer, place and
//! number), for the consolidated report or for one unit's own. The office's own particulars
//! ([`HeadingParticulars`], stored in the plan document under `report_heading` and edited by
//! plan editors) override the derived ones field by field in the consolidated report
//! ([`ReportHeading::issued`]); a field left blank keeps being derived.

use serde::{Deserialize, Serialize};

use crate::calendar::Date;
use crate::plan::Plan;
use crate::vietnamese::formal_date_line;

use super::model::ReportUnit;

/// The particulars of a report's issuer. Names are kept as written ("Sở Xây dựng"); the
/// writers put them in capitals where the decree asks for capitals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportHeading {
    /// The body the issuer belongs to: "UBND tỉnh Tuyên Quang" (regular capitals in print).
    pub parent_agency: String,
    /// The issuer: "Sở Xây dựng" (bold capitals in print).
    pub agency: String,
    /// The issuer's abbreviation in document numbers: "SXD" in "Số: 12/BC-SXD".
    pub abbreviation: String,
    /// The place of the date line: "Tuyên Quang".
    pub place: String,
    /// The report's number once the văn thư gives it ("12"); empty leaves the space blank.
    pub number: String,
    /// The "Kính gửi:" line's addressees; none when the report goes to no higher body.
    pub addressees: Vec<String>,
    /// The "Nơi nhận:" lines without their dash and semicolon ("Như trên", "Sở Nội vụ"); the
    /// list ends with [`ReportHeading::archive`].
    pub recipients: Vec<String>,
    /// Who files the copies: "VT, VP" prints "- Lưu: VT, VP.".
    pub archive: String,
    pub signer: Signer,
}

/// The signature block.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signer {
    /// Signing on behalf of the head: "KT. GIÁM ĐỐC"; empty when the head signs.
    pub authority: String,
    /// "PHÓ GIÁM ĐỐC", "TRƯỞNG PHÒNG".
    pub title: String,
    /// The signer's name; empty leaves the line to be written in.
    pub name: String,
}

/// The office's particulars for its consolidated report as stored in the plan document: each
/// field empty (or a list with no line) means "derived from the plan"
/// ([`ReportHeading::for_report`]); a given one replaces the derived value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct HeadingParticulars {
    /// Cơ quan chủ quản: "UBND tỉnh Tuyên Quang".
    pub parent_agency: String,
    /// Cơ quan ban hành: "Sở Xây dựng".
    pub agency: String,
    /// Viết tắt: "SXD".
    pub abbreviation: String,
    /// Địa danh: "Tuyên Quang".
    pub place: String,
    /// Số: left blank for the văn thư unless given.
    pub number: String,
    /// Kính gửi, one addressee per entry.
    pub addressees: Vec<String>,
    /// Nơi nhận, one per entry, without dash or semicolon.
    pub recipients: Vec<String>,
    /// Lưu: "VT, VP".
    pub archive: String,
    /// Thẩm quyền ký: "KT. GIÁM ĐỐC".
    pub signer_authority: String,
    /// Chức vụ: "PHÓ GIÁM ĐỐC". Given, it takes [`HeadingParticulars::signer_authority`] with
    /// it: none stored means the head signs (no authority line).
    pub signer_title: String,
    /// Họ tên người ký.
    pub signer_name: String,
}

/// A field of [`HeadingParticulars`], by the key it is stored under in the plan document (and
/// given as on the command line, `--parent-agency` for `parent_agency`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeadingField {
    ParentAgency,
    Agency,
    Abbreviation,
    Place,
    Number,
    Addressees,
    Recipients,
    Archive,
    SignerAuthority,
    SignerTitle,
    SignerName,
}

impl HeadingField {
    pub const ALL: [HeadingField; 11] = [
        HeadingField::ParentAgency,
        HeadingField::Agency,
        HeadingField::Abbreviation,
        HeadingField::Place,
        HeadingField::Number,
        HeadingField::Addressees,
        HeadingField::Recipients,
        HeadingField::Archive,
        HeadingField::SignerAuthority,
        HeadingField::SignerTitle,
        HeadingField::SignerName,
    ];

    /// The key in the plan document's `report_heading` map.
    pub fn key(self) -> &'static str {
        match self {
            HeadingField::ParentAgency => "parent_agency",
            HeadingField::Agency => "agency",
            HeadingField::Abbreviation => "abbreviation",
            HeadingField::Place => "place",
            HeadingField::Number => "number",
            HeadingField::Addressees => "addressees",
            HeadingField::Recipients => "recipients",
            HeadingField::Archive => "archive",
            HeadingField::SignerAuthority => "signer_authority",
            HeadingField::SignerTitle => "signer_title",
            HeadingField::SignerName => "signer_name",
        }
    }

    pub fn parse(key: &str) -> Option<HeadingField> {
        HeadingField::ALL.into_iter().find(|f| f.key() == key)
    }

    /// Whether the field is a list (stored as one line per entry).
    pub fn is_list(self) -> bool {
        matches!(self, HeadingField::Addressees | HeadingField::Recipients)
    }
}

impl HeadingParticulars {
    /// The field as stored: a list as its entries one per line.
    pub fn get(&self, field: HeadingField) -> String {
        match field {
            HeadingField::ParentAgency => self.parent_agency.clone(),
            HeadingField::Agency => self.agency.clone(),
            HeadingField::Abbreviation => self.abbreviation.clone(),
            HeadingField::Place => self.place.clone(),
            HeadingField::Number => self.number.clone(),
            HeadingField::Addressees => self.addressees.join("\n"),
            HeadingField::Recipients => self.recipients.join("\n"),
            HeadingField::Archive => self.archive.clone(),
            HeadingField::SignerAuthority => self.signer_authority.clone(),
            HeadingField::SignerTitle => self.signer_title.clone(),
            HeadingField::SignerName => self.signer_name.clone(),
        }
    }

    /// Sets the field from its stored or typed form: white space trimmed and collapsed, NFC;
    /// a list split into its non-empty lines (a "- " or trailing ";" of a Nơi nhận line
    /// dropped).
    pub fn set(&mut self, field: HeadingField, value: &str) {
        let lines = || -> Vec<String> {
            value
                .lines()
                .map(|line| {
                    let line = clean(line);
                    let line = line.strip_prefix("- ").unwrap_or(&line);
                    let line = line.trim_end_matches([';', '.', ',']).trim();
                    line.to_string()
                })
                .filter(|line| !line.is_empty())
                .collect()
        };
        match field {
            HeadingField::ParentAgency => self.parent_agency = clean(value),
            HeadingField::Agency => self.agency = clean(value),
            HeadingField::Abbreviation => self.abbreviation = clean(value),
            HeadingField::Place => self.place = clean(value),
            HeadingField::Number => self.number = clean(value),
            HeadingField::Addressees => self.addressees = lines(),
            HeadingField::Recipients => self.recipients = lines(),
            HeadingField::Archive => self.archive = clean(value),
            HeadingField::SignerAuthority => self.signer_authority = clean(value),
            HeadingField::SignerTitle => self.signer_title = clean(value),
            HeadingField::SignerName => self.signer_name = clean(value),
        }
    }

    /// The particulars cleaned as [`HeadingParticulars::set`] cleans each field.
    pub fn cleaned(&self) -> HeadingParticulars {
        let mut out = HeadingParticulars::default();
        for field in HeadingField::ALL {
            out.set(field, &self.get(field));
        }
        out
    }

    /// Whether nothing is given: the heading is derived from the plan.
    pub fn is_empty(&self) -> bool {
        *self == HeadingParticulars::default()
    }

    /// The particulars a form starts from: each field as given, else as derived from `plan`.
    pub fn prefilled(&self, plan: &Plan) -> HeadingParticulars {
        let heading = ReportHeading::issued(plan, self, None);
        HeadingParticulars {
            parent_agency: heading.parent_agency,
            agency: heading.agency,
            abbreviation: heading.abbreviation,
            place: heading.place,
            number: heading.number,
            addressees: heading.addressees,
            recipients: heading.recipients,
            archive: heading.archive,
            signer_authority: heading.signer.authority,
            signer_title: heading.signer.title,
            signer_name: heading.signer.name,
        }
    }
}

/// NFC, white space collapsed, control characters dropped.
fn clean(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    text.nfc()
        .collect::<String>()
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The spaces a blank number is printed with, for the văn thư to write it in.
const BLANK_NUMBER: &str = "     ";

impl ReportHeading {
    /// The heading of a report on `plan`: the consolidated report of the plan's issuer to the
    /// province's People's Committee, or (`unit`) one unit's own report to the Văn phòng Sở.
    pub fn for_report(plan: &Plan, unit: Option<&ReportUnit>) -> ReportHeading {
        let issuer = if plan.issuer.trim().is_empty() {
            "Sở".to_string()
        } else {
            plan.issuer.trim().to_string()
        };
        let place = plan.place.trim().to_string();
        match unit {
            None => {
                let province = if place.is_empty() {
                    String::new()
                } else {
                    format!("tỉnh {place}")
                };
                let is_department = issuer.starts_with("Sở");
                ReportHeading {
                    parent_agency: join_words("UBND", &province),
                    agency: issuer.clone(),
                    abbreviation: abbreviation_of(&plan.number)
                        .unwrap_or_else(|| initials(&issuer)),
                    place,
                    number: String::new(),
                    addressees: vec![join_words("Ủy ban nhân dân", &province)],
                    recipients: vec![
                        "Như trên".to_string(),
                        "Sở Nội vụ".to_string(),
                        if is_department {
                            "Giám đốc, các Phó Giám đốc Sở".to_string()
                        } else {
                            "Lãnh đạo cơ quan".to_string()
                        },
                        "Các phòng, ban, đơn vị thuộc Sở".to_string(),
                    ],
                    archive: "VT, VP".to_string(),
                    signer: if is_department {
                        Signer {
                            authority: "KT. GIÁM ĐỐC".to_string(),
                            title: "PHÓ GIÁM ĐỐC".to_string(),
                            name: String::new(),
                        }
                    } else {
                        Signer {
                            authority: String::new(),
                            title: "THỦ TRƯỞNG CƠ QUAN".to_string(),
                            name: String::new(),
                        }
                    },
                }
            }
            Some(unit) => {
                let is_office =
                    crate::unit::unit_key(&unit.name) == crate::unit::unit_key("Văn phòng Sở");
                ReportHeading {
                    parent_agency: issuer.clone(),
                    agency: unit.name.clone(),
                    abbreviation: unit.code.clone(),
                    place,
                    number: String::new(),
                    // The office's own report goes to the head of the department.
                    addressees: vec![if is_office {
                        format!("Giám đốc {issuer}")
                    } else {
                        "Văn phòng Sở".to_string()
                    }],
                    recipients: vec!["Như trên".to_string()],
                    archive: unit.code.clone(),
                    signer: Signer {
                        authority: String::new(),
                        title: head_title(&unit.name).to_string(),
                        name: String::new(),
                    },
                }
            }
        }
    }

    /// The heading of a report on `plan` as the office issues it: the consolidated report's
    /// derived particulars ([`ReportHeading::for_report`]) with each one `stored` gives put in
    /// their place. A unit's own report is issued in the unit's name, as derived.
    pub fn issued(
        plan: &Plan,
        stored: &HeadingParticulars,
        unit: Option<&ReportUnit>,
    ) -> ReportHeading {
        let mut heading = ReportHeading::for_report(plan, unit);
        if unit.is_some() {
            return heading;
        }
        let stored = stored.cleaned();
        let text = |target: &mut String, given: String| {
            if !given.is_empty() {
                *target = given;
            }
        };
        text(&mut heading.parent_agency, stored.parent_agency);
        text(&mut heading.agency, stored.agency);
        text(&mut heading.abbreviation, stored.abbreviation);
        text(&mut heading.place, stored.place);
        text(&mut heading.number, stored.number);
        text(&mut heading.archive, stored.archive);
        // The authority goes with the title: a stored title without a stored authority is
        // signed by the head, with no "KT." line.
        if !stored.signer_title.is_empty() {
            heading.signer.authority = stored.signer_authority;
            heading.signer.title = stored.signer_title;
        } else {
            text(&mut heading.signer.authority, stored.signer_authority);
        }
        text(&mut heading.signer.name, stored.signer_name);
        if !stored.addressees.is_empty() {
            heading.addressees = stored.addressees;
        }
        if !stored.recipients.is_empty() {
            heading.recipients = stored.recipients;
        }
        heading
    }

    /// "Số: 12/BC-SXD", or "Số:      /BC-SXD" before the number is given.
    pub fn number_line(&self) -> String {
        format!("Số: {}", self.number_text())
    }

    /// "12/BC-SXD", or "     /BC-SXD" before the number is given: how appendices cite the
    /// report.
    pub fn number_text(&self) -> String {
        let number = if self.number.trim().is_empty() {
            BLANK_NUMBER
        } else {
            self.number.trim()
        };
        format!("{number}/BC-{}", self.abbreviation)
    }

    /// "Tuyên Quang, ngày 05 tháng 01 năm 2026".
    pub fn date_line(&self, day: Date) -> String {
        formal_date_line(
            &self.place,
            day.year,
            u32::from(day.month),
            u32::from(day.day),
        )
    }
}

/// "UBND" and "tỉnh Tuyên Quang" as one name; the first alone when the second is empty.
fn join_words(first: &str, second: &str) -> String {
    if second.is_empty() {
        first.to_string()
    } else {
        format!("{first} {second}")
    }
}

/// "SXD" from a plan number such as "12/KH-SXD" or "/KH-SXD".
fn abbreviation_of(number: &str) -> Option<String> {
    let (_, kind_and_issuer) = number.split_once('/')?;
    let (_, issuer) = kind_and_issuer.split_once('-')?;
    let issuer = issuer.trim();
    (!issuer.is_empty()).then(|| issuer.to_string())
}

/// "SXD" from "Sở Xây dựng": the words' first letters in capitals, đ written D.
fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|word| word.chars().next())
        .map(crate::vietnamese::fold_char)
        .flat_map(char::to_uppercase)
        .collect()
}

/// The title of the head of a unit, by what the unit is: "TRƯỞNG PHÒNG" for a Phòng.
fn head_title(unit_name: &str) -> &'static str {
    let key = crate::vietnamese::fold(unit_name);
    let titles = [
        ("phong ", "TRƯỞNG PHÒNG"),
        ("van phong", "CHÁNH VĂN PHÒNG"),
        ("thanh tra", "CHÁNH THANH TRA"),
        ("trung tam", "GIÁM ĐỐC"),
        ("ban ", "TRƯỞNG BAN"),
        ("chi cuc", "CHI CỤC TRƯỞNG"),
    ];
    titles
        .iter()
        .find(|(prefix, _)| key.starts_with(prefix))
        .map_or("THỦ TRƯỞNG ĐƠN VỊ", |(_, title)| title)
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::expect;

    fn plan_of(issuer: &str, place: &str, number: &str) -> Plan {
        Plan {
            number: number.into(),
            date: String::new(),
            date_parts: Default::default(),
            place: place.into(),
            issuer: issuer.into(),
            kind: "KẾ HOẠCH".into(),
            title: String::new(),
            period: None,
            appendices: Vec::new(),
            units: Default::default(),
            calendar: None,
        }
    }

    fn plan() -> Plan {
        plan_of("Sở Xây dựng", "Tuyên Quang", "/KH-SXD")
    }

    #[test]
    fn the_consolidated_report_goes_from_the_plans_issuer_to_the_province() {
        let heading = ReportHeading::for_report(&plan(), None);
        expect![[r#"
            ReportHeading {
                parent_agency: "UBND tỉnh Tuyên Quang",
                agency: "Sở Xây dựng",
                abbreviation: "SXD",
                place: "Tuyên Quang",
                number: "",
                addressees: [
                    "Ủy ban nhân dân tỉnh Tuyên Quang",
                ],
                recipients: [
                    "Như trên",
                    "Sở Nội vụ",
                    "Giám đốc, các Phó Giám đốc Sở",
                    "Các phòng, ban, đơn vị thuộc Sở",
                ],
                archive: "VT, VP",
                signer: Signer {
                    authority: "KT. GIÁM ĐỐC",
                    title: "PHÓ GIÁM ĐỐC",
                    name: "",
                },
            }
        "#]]
        .assert_debug_eq(&heading);
        assert_eq!(heading.number_line(), "Số:      /BC-SXD");
        let numbered = ReportHeading {
            number: "25".into(),
            ..heading.clone()
        };
        assert_eq!(numbered.number_line(), "Số: 25/BC-SXD");
        assert_eq!(
            heading.date_line(Date::new(2026, 1, 5).unwrap()),
            "Tuyên Quang, ngày 05 tháng 01 năm 2026"
        );
    }

    #[test]
    fn a_units_own_report_is_issued_in_its_name_to_the_office() {
        let unit = ReportUnit {
            code: "QLHT".into(),
            name: "Phòng Quản lý hạ tầng".into(),
        };
        let heading = ReportHeading::for_report(&plan(), Some(&unit));
        assert_eq!(
            (
                heading.parent_agency.as_str(),
                heading.agency.as_str(),
                heading.number_line(),
                heading.addressees.clone(),
                heading.signer.title.as_str(),
            ),
            (
                "Sở Xây dựng",
                "Phòng Quản lý hạ tầng",
                "Số:      /BC-QLHT".to_string(),
                vec!["Văn phòng Sở".to_string()],
                "TRƯỞNG PHÒNG",
            )
        );
        let office = ReportUnit {
            code: "VP".into(),
            name: "Văn phòng Sở".into(),
        };
        let heading = ReportHeading::for_report(&plan(), Some(&office));
        assert_eq!(heading.addressees, ["Giám đốc Sở Xây dựng"]);
        assert_eq!(heading.signer.title, "CHÁNH VĂN PHÒNG");
    }

    #[test]
    fn a_plan_is_cited_by_number_and_date_with_blanks_where_it_has_none() {
        let mut plan = super::super::PlanCitation {
            number: "/KH-SXD".into(),
            date: crate::plan::PlanDate {
                day: None,
                month: Some(1),
                year: Some(2026),
            },
            issuer: "Sở Xây dựng".into(),
            title: String::new(),
        };
        assert_eq!(plan.reference(), "Kế hoạch số …/KH-SXD ngày …/01/2026");
        plan.number = "12/KH-SXD".into();
        plan.date.day = Some(5);
        assert_eq!(plan.reference(), "Kế hoạch số 12/KH-SXD ngày 05/01/2026");
    }

    #[test]
    fn an_unnumbered_plan_of_an_unknown_place_still_gives_a_heading() {
        let bare = plan_of("Sở Đào tạo", "", "");
        let heading = ReportHeading::for_report(&bare, None);
        assert_eq!(heading.parent_agency, "UBND");
        assert_eq!(heading.abbreviation, "SDT");
        assert_eq!(heading.addressees, ["Ủy ban nhân dân"]);
    }

    #[test]
    fn stored_particulars_replace_the_derived_ones_in_the_consolidated_report_only() {
        let stored = HeadingParticulars {
            parent_agency: "UBND TỈNH TUYÊN QUANG".into(),
            number: " 25 ".into(),
            recipients: vec!["Như trên".into(), "Bộ Xây dựng".into()],
            signer_authority: "KT. GIÁM ĐỐC".into(),
            signer_title: "PHÓ GIÁM ĐỐC".into(),
            signer_name: "Nguye\u{302}\u{303}n Văn Đức".into(),
            ..Default::default()
        };
        let derived = ReportHeading::for_report(&plan(), None);
        let heading = ReportHeading::issued(&plan(), &stored, None);
        assert_eq!(heading.parent_agency, "UBND TỈNH TUYÊN QUANG");
        assert_eq!(heading.number_line(), "Số: 25/BC-SXD");
        assert_eq!(heading.recipients, ["Như trên", "Bộ Xây dựng"]);
        assert_eq!(heading.signer.name, "Nguyễn Văn Đức");
        // What is not given stays derived.
        assert_eq!(heading.agency, derived.agency);
        assert_eq!(heading.addressees, derived.addressees);
        assert_eq!(heading.archive, derived.archive);
        // Nothing stored: exactly the derived heading.
        assert_eq!(
            ReportHeading::issued(&plan(), &HeadingParticulars::default(), None),
            derived
        );
        // A unit's own report stays in the unit's name.
        let unit = ReportUnit {
            code: "QLHT".into(),
            name: "Phòng Quản lý hạ tầng".into(),
        };
        assert_eq!(
            ReportHeading::issued(&plan(), &stored, Some(&unit)),
            ReportHeading::for_report(&plan(), Some(&unit))
        );
        // A title given without an authority: the head signs.
        let head = HeadingParticulars {
            signer_title: "GIÁM ĐỐC".into(),
            ..Default::default()
        };
        let signer = ReportHeading::issued(&plan(), &head, None).signer;
        assert_eq!(
            (signer.authority.as_str(), signer.title.as_str()),
            ("", "GIÁM ĐỐC")
        );
        // An authority alone keeps the derived title.
        let authority = HeadingParticulars {
            signer_authority: "TL. GIÁM ĐỐC".into(),
            ..Default::default()
        };
        let signer = ReportHeading::issued(&plan(), &authority, None).signer;
        assert_eq!(
            (signer.authority.as_str(), signer.title.as_str()),
            ("TL. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")
        );
        // A form starts from the stored values over the derived ones.
        let form = stored.prefilled(&plan());
        assert_eq!(form.agency, "Sở Xây dựng");
        assert_eq!(form.number, "25");
        assert_eq!(form.signer_name, "Nguyễn Văn Đức");
    }

    #[test]
    fn fields_are_named_by_their_keys_and_lists_are_lines() {
        for field in HeadingField::ALL {
            assert_eq!(HeadingField::parse(field.key()), Some(field));
        }
        let mut particulars = HeadingParticulars::default();
        particulars.set(
            HeadingField::Recipients,
            "- Như trên;\r\n\n  - Sở Nội vụ;\n",
        );
        assert_eq!(particulars.recipients, ["Như trên", "Sở Nội vụ"]);
        assert_eq!(
            particulars.get(HeadingField::Recipients),
            "Như trên\nSở Nội vụ"
        );
        particulars.set(HeadingField::Agency, " Sở\tXây  dựng ");
        assert_eq!(particulars.agency, "Sở Xây dựng");
        assert!(!particulars.is_empty());
    }
}
