//! The seed plan: counts, a snapshot of every field, the DOCX form, and where every cell went.

use expect_test::expect_file;
use shared::import::{clean_cell, import_docx, CellOwner, Field};
use shared::plan::{IndexKind, Plan, Section};

use super::{import, seed_docx, seed_text};

#[test]
fn seed_has_57_tasks_in_three_appendices() {
    let outcome = import(&seed_text());
    let counts: Vec<(IndexKind, usize)> = outcome
        .plan
        .appendices
        .iter()
        .map(|a| (a.index, a.n_tasks()))
        .collect();
    assert_eq!(
        counts,
        [
            (IndexKind::ParIndex, 37),
            (IndexKind::Papi, 10),
            (IndexKind::Sipas, 10)
        ]
    );
    assert_eq!(outcome.plan.tasks().len(), 57);
    let par_sections: Vec<&str> = outcome.plan.appendices[0]
        .sections
        .iter()
        .map(|s| s.code.as_str())
        .collect();
    assert_eq!(
        par_sections,
        ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]
    );
}

#[test]
fn seed_plan_snapshot() {
    let outcome = import(&seed_text());
    let json = serde_json::to_string_pretty(&outcome.plan).unwrap();
    expect_file!["../../../fixtures/plans/tuyen-quang-sxd-2026.expected.json"].assert_eq(&json);
    let warnings: Vec<String> = outcome.warnings.iter().map(ToString::to_string).collect();
    expect_test::expect![[r#"
        line 125: task numbering jumps from 3 to 5
        line 185: task code 8.1 is printed again in the same section; this one is PAPI/8/8.1#2
        line 142: "Các đơn vị sự nghiệp trực thuộc" covers no unit named in the plan; add its units to the unit registry"#]]
    .assert_eq(&warnings.join("\n"));
}

#[test]
fn docx_form_gives_the_same_plan() {
    let from_text = import(&seed_text()).plan;
    let from_docx = import_docx(&seed_docx())
        .unwrap_or_else(|e| panic!("{e}"))
        .plan;
    assert_eq!(without_sources(from_docx), without_sources(from_text));
}

fn without_sources(mut plan: Plan) -> Plan {
    fn clear(section: &mut Section) {
        section.tasks.iter_mut().for_each(|t| t.source.clear());
        section.sections.iter_mut().for_each(clear);
    }
    for appendix in &mut plan.appendices {
        appendix.sections.iter_mut().for_each(clear);
        appendix.tasks.iter_mut().for_each(|t| t.source.clear());
    }
    plan
}

/// Every non-empty table cell of the seed lands in exactly one field of one task or section,
/// and every field is exactly the cells placed in it, in order.
#[test]
fn every_seed_cell_lands_in_exactly_one_field() {
    let text = seed_text();
    let outcome = import(&text);
    let mut n_cells = 0;
    let mut in_appendix = false;
    for (idx, line) in text.split('\n').enumerate() {
        let line_no = idx + 1;
        in_appendix |= line.starts_with("PHỤ LỤC");
        if !line.contains('\t') {
            continue;
        }
        assert!(
            in_appendix,
            "line {line_no}: the seed has no table before its appendices"
        );
        let cells: Vec<&str> = line.split('\t').collect();
        let is_header = cells[0].trim() == "STT" || cells.iter().any(|c| c.trim() == "Chủ trì");
        for (column, cell) in cells.iter().enumerate() {
            if cell.trim().is_empty() {
                continue;
            }
            let placed: Vec<_> = outcome
                .placements
                .iter()
                .filter(|p| {
                    p.at == shared::import::SourceRef::Line { line: line_no } && p.column == column
                })
                .collect();
            if is_header {
                assert!(
                    placed.is_empty(),
                    "line {line_no}: a header cell is not task data"
                );
                continue;
            }
            n_cells += 1;
            assert_eq!(
                placed.len(),
                1,
                "line {line_no} column {column} ({cell:?}) must be placed exactly once"
            );
            let field = field_text(&outcome.plan, &placed[0].owner, placed[0].field);
            assert!(
                field.contains(&clean_cell(cell)),
                "line {line_no} column {column}: {cell:?} must appear whole in its field {field:?}"
            );
        }
    }
    assert!(n_cells > 57 * 4, "the seed's body has {n_cells} cells");
    // Each field holds its cells and nothing else, in order.
    let mut fields: Vec<(&CellOwner, Field)> = outcome
        .placements
        .iter()
        .map(|p| (&p.owner, p.field))
        .collect();
    fields.dedup();
    for (owner, field) in fields {
        let parts: Vec<String> = outcome
            .placements
            .iter()
            .filter(|p| &p.owner == owner && p.field == field)
            .map(|p| {
                let shared::import::SourceRef::Line { line } = p.at else {
                    unreachable!("text form")
                };
                clean_cell(
                    text.split('\n')
                        .nth(line - 1)
                        .unwrap()
                        .split('\t')
                        .nth(p.column)
                        .unwrap(),
                )
            })
            .collect();
        let actual = field_text(&outcome.plan, owner, field);
        let expected_space = parts.join(" ");
        let expected_newline = parts.join("\n");
        assert!(
            actual == expected_space || actual == expected_newline,
            "{owner:?} {field:?}: {actual:?} must be exactly its cells {parts:?}"
        );
    }
}

fn field_text(plan: &Plan, owner: &CellOwner, field: Field) -> String {
    match owner {
        CellOwner::Task(id) => {
            let task = plan
                .task(id)
                .unwrap_or_else(|| panic!("placed in unknown task {id}"));
            match field {
                Field::Code => task.code.clone(),
                Field::Title => task.title.clone(),
                Field::Content => task.content.clone(),
                Field::Lead => task.lead_text.clone(),
                Field::Support => task.support_text.clone(),
                Field::Timeframe => task.timeframe.text.clone(),
                Field::Products => task.products_text.clone(),
                Field::Notes => task.notes.clone(),
            }
        }
        CellOwner::Section(path) => {
            let section = find_section(plan, path)
                .unwrap_or_else(|| panic!("placed in unknown section {path}"));
            match field {
                Field::Code => section.code.clone(),
                Field::Title => section.title.clone(),
                Field::Timeframe => section
                    .timeframe
                    .as_ref()
                    .map(|t| t.text.clone())
                    .unwrap_or_default(),
                other => panic!("a section has no {other:?} field"),
            }
        }
    }
}

fn find_section<'a>(plan: &'a Plan, path: &str) -> Option<&'a Section> {
    let mut parts = path.split('/');
    let index = parts.next()?;
    let appendix = plan.appendices.iter().find(|a| a.index.code() == index)?;
    let mut sections = &appendix.sections;
    let mut found = None;
    for code in parts {
        let section = sections
            .iter()
            .find(|s| s.code.trim_end_matches('.') == code)?;
        sections = &section.sections;
        found = Some(section);
    }
    found
}

#[test]
fn units_are_normalised_and_collectives_expand() {
    let plan = import(&seed_text()).plan;
    let finance = plan
        .units
        .find("Kế hoạch – Tài chính")
        .expect("the finance division is named");
    assert_eq!(finance.name, "Phòng Kế hoạch – Tài chính");
    let task = plan
        .task(&shared::TaskId("PAR_INDEX/VIII/2".into()))
        .unwrap();
    assert_eq!(
        task.support,
        ["Phòng Kế hoạch – Tài chính"],
        "the bare spelling maps to the division"
    );
    assert_eq!(
        task.support_text, "Kế hoạch – Tài chính",
        "the cell as printed is kept"
    );
    let units: Vec<&str> = plan.units.units().map(|u| u.name.as_str()).collect();
    assert_eq!(
        units,
        [
            "Văn phòng Sở",
            "Bộ phận tiếp nhận và trả kết quả giải quyết TTHC tại Trung tâm PVHCC",
            "Phòng Kế hoạch – Tài chính",
            "Phòng Quản lý hạ tầng",
            "Phòng Phát triển đô thị và nhà ở"
        ]
    );
    assert_eq!(
        plan.reporting_units(task).len(),
        5,
        "a collective lead means every unit reports"
    );
}
