//! What a report was built from, recorded in the file it was written to, so the same report can
//! be built again later (`plansync report export --at FILE`) whatever was edited since: the
//! period, the report's day, its scope, and every document read with its heads (the plan, and
//! per unit its records and review documents), in the order read.
//!
//! DOCX and XLSX both keep it as custom document properties (`docProps/custom.xml`; Word: File
//! › Info › Properties › Advanced › Custom; Excel alike), one short text per property so that
//! Word and Excel keep them when the file is saved again (they cut values at 255 characters):
//!
//! ```text
//! PlanSync.sources      plansync-report-sources/1
//! PlanSync.period       2026-Q3
//! PlanSync.date         20/09/2026
//! PlanSync.scope        tong-hop            (or the unit's code)
//! PlanSync.plan         <document id> <head>,<head>
//! PlanSync.unit.001     QLHT Phòng Quản lý hạ tầng
//! PlanSync.records.001  <document id> <head>
//! PlanSync.review.001   <document id> <head>
//! ```
//!
//! Heads are Automerge change hashes in hex; a document with many heads continues in
//! `….2`, `….3` properties holding more heads.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use anyhow::{bail, Context, Result};
use quick_xml::events::Event;
use shared::calendar::{Date, PeriodId};

use crate::ReportFormat;

/// The format of the recorded sources; a reader refuses another.
pub const FORMAT: &str = "plansync-report-sources/1";
const PREFIX: &str = "PlanSync.";
const CONSOLIDATED: &str = "tong-hop";
/// The longest property value Word and Excel keep.
const MAX_VALUE: usize = 255;

/// A document read, at the heads it was read at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceDocument {
    pub id: String,
    /// Change hashes in hex, sorted; empty for a document that could not be loaded.
    pub heads: Vec<String>,
}

/// One unit's documents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitSources {
    pub code: String,
    pub name: String,
    pub records: SourceDocument,
    pub review: Option<SourceDocument>,
}

/// Everything a report was built from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportSources {
    pub period: PeriodId,
    /// The report's day: its date line, and what counts as overdue.
    pub today: Date,
    /// The unit of a unit's own report; `None` for the consolidated report.
    pub unit: Option<String>,
    pub plan: SourceDocument,
    /// In the order the report lists them.
    pub units: Vec<UnitSources>,
}

impl ReportSources {
    /// The custom properties, in order: (name, value).
    pub fn properties(&self) -> Vec<(String, String)> {
        let mut out = vec![
            (format!("{PREFIX}sources"), FORMAT.to_string()),
            (format!("{PREFIX}period"), self.period.to_string()),
            (format!("{PREFIX}date"), date_text(self.today)),
            (
                format!("{PREFIX}scope"),
                self.unit.clone().unwrap_or_else(|| CONSOLIDATED.into()),
            ),
        ];
        document(&mut out, &format!("{PREFIX}plan"), &self.plan);
        for (idx, unit) in self.units.iter().enumerate() {
            let n = idx + 1;
            out.push((
                format!("{PREFIX}unit.{n:03}"),
                format!("{} {}", unit.code, unit.name),
            ));
            document(&mut out, &format!("{PREFIX}records.{n:03}"), &unit.records);
            if let Some(review) = &unit.review {
                document(&mut out, &format!("{PREFIX}review.{n:03}"), review);
            }
        }
        out
    }

    /// Reads the sources back from the properties (name, value); properties of others are
    /// ignored.
    pub fn from_properties(properties: &[(String, String)]) -> Result<ReportSources> {
        let map: BTreeMap<&str, &str> = properties
            .iter()
            .filter_map(|(name, value)| Some((name.strip_prefix(PREFIX)?, value.as_str())))
            .collect();
        let get = |name: &str| {
            map.get(name)
                .copied()
                .with_context(|| format!("no {PREFIX}{name} property"))
        };
        let format = get("sources")?;
        if format != FORMAT {
            bail!("its sources are recorded as {format}, which this version cannot read (it reads {FORMAT})");
        }
        let period: PeriodId = get("period")?.parse()?;
        let today = crate::parse_date(get("date")?)?;
        let unit = match get("scope")? {
            CONSOLIDATED => None,
            code => Some(code.to_string()),
        };
        let doc = |name: &str| -> Result<Option<SourceDocument>> {
            let Some(first) = map.get(name) else {
                return Ok(None);
            };
            let (id, heads) = first.split_once(' ').unwrap_or((first, ""));
            if id.is_empty() {
                bail!("{PREFIX}{name} names no document");
            }
            let mut all = split_heads(heads);
            for more in 2.. {
                match map.get(format!("{name}.{more}").as_str()) {
                    Some(heads) => all.extend(split_heads(heads)),
                    None => break,
                }
            }
            if let Some(bad) = all
                .iter()
                .find(|h| h.len() != 64 || !h.bytes().all(|b| b.is_ascii_hexdigit()))
            {
                bail!("{PREFIX}{name}: \"{bad}\" is not a change hash");
            }
            Ok(Some(SourceDocument {
                id: id.to_string(),
                heads: all,
            }))
        };
        let plan = doc("plan")?.with_context(|| format!("no {PREFIX}plan property"))?;
        let mut units = Vec::new();
        for n in 1.. {
            let Some(unit) = map.get(format!("unit.{n:03}").as_str()) else {
                break;
            };
            let (code, name) = unit.split_once(' ').unwrap_or((unit, ""));
            let records = doc(&format!("records.{n:03}"))?
                .with_context(|| format!("no {PREFIX}records.{n:03} property"))?;
            units.push(UnitSources {
                code: code.to_string(),
                name: name.to_string(),
                records,
                review: doc(&format!("review.{n:03}"))?,
            });
        }
        Ok(ReportSources {
            period,
            today,
            unit,
            plan,
            units,
        })
    }

    /// Reads the sources recorded in a DOCX or XLSX file's bytes, with the file's format.
    pub fn read(file: &[u8]) -> Result<(ReportSources, ReportFormat)> {
        let mut zip = zip::ZipArchive::new(Cursor::new(file))
            .context("it is not a DOCX or XLSX file (not a zip)")?;
        let format = if zip.by_name("word/document.xml").is_ok() {
            ReportFormat::Docx
        } else if zip.by_name("xl/workbook.xml").is_ok() {
            ReportFormat::Xlsx
        } else {
            bail!("it is neither a DOCX nor an XLSX file");
        };
        let mut xml = String::new();
        match zip.by_name("docProps/custom.xml") {
            Ok(mut entry) => {
                entry
                    .read_to_string(&mut xml)
                    .context("cannot read its docProps/custom.xml")?;
            }
            Err(_) => bail!("it records no sources (no custom properties): it was not exported by this version of PlanSync"),
        }
        let properties = read_custom_xml(&xml)?;
        let sources = ReportSources::from_properties(&properties)
            .context("it records no PlanSync sources that can be read")?;
        Ok((sources, format))
    }
}

/// "20/09/2026", as [`crate::parse_date`] reads it.
fn date_text(date: Date) -> String {
    format!("{:02}/{:02}/{}", date.day, date.month, date.year)
}

fn split_heads(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .map(str::to_string)
        .collect()
}

/// A document's properties: its id and as many heads as fit, then continuations.
fn document(out: &mut Vec<(String, String)>, name: &str, doc: &SourceDocument) {
    let mut value = doc.id.clone();
    let mut sep = " ";
    let mut more = 1;
    let mut current = name.to_string();
    for head in &doc.heads {
        if value.len() + sep.len() + head.len() > MAX_VALUE {
            out.push((current, std::mem::take(&mut value)));
            more += 1;
            current = format!("{name}.{more}");
            sep = "";
        }
        value.push_str(sep);
        value.push_str(head);
        sep = ",";
    }
    out.push((current, value));
}

/// `docProps/custom.xml` holding `properties` as texts.
pub fn custom_xml(properties: &[(String, String)]) -> String {
    let mut xml = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">"#,
    );
    for (idx, (name, value)) in properties.iter().enumerate() {
        // Property ids start at 2.
        xml.push_str(&format!(
            r#"<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{}" name="{}"><vt:lpwstr>{}</vt:lpwstr></property>"#,
            idx + 2,
            crate::docx::escape(name),
            crate::docx::escape(value)
        ));
    }
    xml.push_str("</Properties>");
    xml
}

/// The text properties of a `docProps/custom.xml`, whatever wrote it (prefixes, other types).
pub fn read_custom_xml(xml: &str) -> Result<Vec<(String, String)>> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    let mut name: Option<String> = None;
    let mut value: Option<String> = None;
    loop {
        match reader
            .read_event()
            .context("its docProps/custom.xml is not well-formed")?
        {
            Event::Start(e) if e.local_name().as_ref() == "property" => {
                name = e
                    .try_get_attribute("name")
                    .ok()
                    .flatten()
                    .and_then(|a| a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok())
                    .map(|v| v.into_owned());
                value = None;
            }
            Event::Start(e) if name.is_some() && e.local_name().as_ref() == "lpwstr" => {
                value = Some(String::new());
            }
            Event::Text(text) => {
                if let Some(value) = value.as_mut() {
                    value.push_str(&text.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                if let Some(value) = value.as_mut() {
                    let entity = r.xml10_content().into_owned();
                    let resolved = match entity.as_str() {
                        "amp" => "&".to_string(),
                        "lt" => "<".to_string(),
                        "gt" => ">".to_string(),
                        "quot" => "\"".to_string(),
                        "apos" => "'".to_string(),
                        other => match r.resolve_char_ref() {
                            Ok(Some(c)) => c.to_string(),
                            _ => format!("&{other};"),
                        },
                    };
                    value.push_str(&resolved);
                }
            }
            Event::End(e) if e.local_name().as_ref() == "property" => {
                if let (Some(name), Some(value)) = (name.take(), value.take()) {
                    out.push((name, value));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(n: u8) -> String {
        format!("{n:02x}").repeat(32)
    }

    fn sample() -> ReportSources {
        ReportSources {
            period: "2026-Q3".parse().unwrap(),
            today: Date::new(2026, 9, 20).unwrap(),
            unit: None,
            plan: SourceDocument {
                id: "3pT8kV2qXbYz".into(),
                heads: vec![head(1)],
            },
            units: vec![
                UnitSources {
                    code: "QLHT".into(),
                    name: "Phòng Quản lý hạ tầng & <đô thị>".into(),
                    records: SourceDocument {
                        id: "records-qlht".into(),
                        heads: (2..9).map(head).collect(),
                    },
                    review: Some(SourceDocument {
                        id: "review-qlht".into(),
                        heads: vec![head(9), head(10)],
                    }),
                },
                UnitSources {
                    code: "KHTC".into(),
                    name: "Phòng Kế hoạch – Tài chính".into(),
                    records: SourceDocument {
                        id: "records-khtc".into(),
                        heads: Vec::new(),
                    },
                    review: None,
                },
            ],
        }
    }

    #[test]
    fn sources_read_back_as_written_each_value_short_enough_for_word() {
        let sources = sample();
        let properties = sources.properties();
        assert!(properties.iter().all(|(_, v)| v.chars().count() <= 255));
        assert!(
            properties
                .iter()
                .any(|(n, _)| n == "PlanSync.records.001.2"),
            "seven heads continue: {properties:?}"
        );
        let xml = custom_xml(&properties);
        let read = read_custom_xml(&xml).unwrap();
        assert_eq!(read, properties);
        assert_eq!(ReportSources::from_properties(&read).unwrap(), sources);
        let unit = ReportSources {
            unit: Some("QLHT".into()),
            ..sources
        };
        assert_eq!(
            ReportSources::from_properties(&unit.properties()).unwrap(),
            unit
        );
    }

    #[test]
    fn properties_another_program_wrote_are_read_too() {
        let xml = r#"<?xml version="1.0"?><op:Properties xmlns:op="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><op:property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="Checked"><vt:bool>true</vt:bool></op:property><op:property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="3" name="PlanSync.unit.001"><vt:lpwstr>QLHT Phòng A &amp; B</vt:lpwstr></op:property></op:Properties>"#;
        assert_eq!(
            read_custom_xml(xml).unwrap(),
            [(
                "PlanSync.unit.001".to_string(),
                "QLHT Phòng A & B".to_string()
            )]
        );
    }

    #[test]
    fn a_file_without_sources_says_so() {
        let err = ReportSources::read(b"not a zip").unwrap_err();
        assert!(format!("{err:#}").contains("not a zip"), "{err:#}");
        let err = ReportSources::from_properties(&[]).unwrap_err();
        assert!(err.to_string().contains("PlanSync.sources"), "{err}");
    }
}
