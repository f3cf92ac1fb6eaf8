//! The units a plan assigns work to, and how their names are normalised.
//!
//! A plan writes one unit several ways ("Phòng Kế hoạch – Tài chính", "Phòng Kế hoạch - Tài
//! chính", "Kế hoạch – Tài chính"); [`unit_key`] maps them to one key and [`UnitRegistry`] keeps
//! one canonical name per key. Collective assignees ("Các phòng, ban, đơn vị thuộc Sở") are kept
//! apart from single units and expand to the units they cover; bodies outside the Sở are kept as
//! external and never report.

use serde::{Deserialize, Serialize};

use crate::vietnamese::{fold, tidy};

/// What kind of unit of the Sở a name denotes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// Văn phòng Sở: follows every unit, appraises and consolidates.
    Office,
    /// A specialised division (Phòng ...).
    Division,
    /// A public service unit (đơn vị sự nghiệp: Trung tâm, Ban quản lý ...).
    PublicService,
    /// The one-stop desk (Bộ phận tiếp nhận và trả kết quả).
    OneStopDesk,
    /// A unit of the Sở whose kind the name does not tell.
    Other,
}

/// Which units a collective assignee covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CollectiveKind {
    /// Every unit of the Sở ("Các phòng, ban, đơn vị thuộc Sở").
    AllUnits,
    /// Every public service unit ("Các đơn vị sự nghiệp thuộc Sở").
    PublicServiceUnits,
    /// Every unit and every member of staff ("... và toàn thể cán bộ công chức viên chức").
    AllUnitsAndStaff,
    /// A group the importer cannot expand (kept, with a warning).
    Unexpandable,
}

/// What a name in a lead or supporting cell stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", content = "kind", rename_all = "snake_case")]
pub enum Assignee {
    Unit(UnitKind),
    Collective(CollectiveKind),
    /// A body outside the Sở (a provincial centre, another department, the People's Committee).
    External,
}

/// One entry of a plan's unit registry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitEntry {
    /// The canonical name, as tasks' `lead` and `support` lists hold it.
    pub name: String,
    pub assignee: Assignee,
    /// Other spellings met in the plan that normalise to this entry.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
}

/// Every unit, collective and external body named by a plan, with one canonical name each.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UnitRegistry {
    pub entries: Vec<UnitEntry>,
}

impl UnitRegistry {
    /// Registers `raw` (one name, already split from its cell) and returns the key it is known by.
    pub fn register(&mut self, raw: &str) -> String {
        let display = display_form(raw);
        let key = entry_key(&display);
        match self.entries.iter_mut().find(|e| entry_key(&e.name) == key) {
            Some(entry) => {
                if entry.name != display && !entry.aliases.contains(&display) {
                    // Prefer the form that says what the unit is ("Phòng ...") as the canonical
                    // name, and for a collective its fullest wording ("... thuộc Sở").
                    let better = match entry.assignee {
                        Assignee::Collective(_) => {
                            display.chars().count() > entry.name.chars().count()
                        }
                        _ => has_type_prefix(&display) && !has_type_prefix(&entry.name),
                    };
                    if better {
                        let old = std::mem::replace(&mut entry.name, display);
                        entry.aliases.push(old);
                        entry.assignee = classify(&entry.name);
                    } else {
                        entry.aliases.push(display);
                    }
                }
            }
            None => self.entries.push(UnitEntry {
                assignee: classify(&display),
                name: display,
                aliases: Vec::new(),
            }),
        }
        key
    }

    /// The canonical name of the entry `name` normalises to, if the registry has it.
    pub fn canonical(&self, name: &str) -> Option<&str> {
        self.find(name).map(|e| e.name.as_str())
    }

    pub fn find(&self, name: &str) -> Option<&UnitEntry> {
        let key = entry_key(&display_form(name));
        self.entries.iter().find(|e| entry_key(&e.name) == key)
    }

    /// The single units of the Sở, in the order the plan first names them.
    pub fn units(&self) -> impl Iterator<Item = &UnitEntry> {
        self.entries
            .iter()
            .filter(|e| matches!(e.assignee, Assignee::Unit(_)))
    }

    /// The units of the Sở that `name` stands for: itself for a unit, the units it covers for a
    /// collective, none for an external body or an unknown name.
    pub fn expand(&self, name: &str) -> Vec<&str> {
        let Some(entry) = self.find(name) else {
            return Vec::new();
        };
        match entry.assignee {
            Assignee::Unit(_) => vec![entry.name.as_str()],
            Assignee::External | Assignee::Collective(CollectiveKind::Unexpandable) => Vec::new(),
            Assignee::Collective(CollectiveKind::AllUnits | CollectiveKind::AllUnitsAndStaff) => {
                self.units().map(|e| e.name.as_str()).collect()
            }
            Assignee::Collective(CollectiveKind::PublicServiceUnits) => self
                .units()
                .filter(|e| e.assignee == Assignee::Unit(UnitKind::PublicService))
                .map(|e| e.name.as_str())
                .collect(),
        }
    }
}

/// Splits one lead or supporting cell into the names it lists.
///
/// Names are separated by semicolons, line breaks and leading bullets, and by a comma or "và"
/// only where a capitalised unit name follows: "Văn phòng Sở, Phòng Quản lý hạ tầng" is two names,
/// "Các phòng, ban, đơn vị thuộc Sở" and "Phòng Phát triển đô thị và nhà ở" are one.
pub fn split_assignees(cell: &str) -> Vec<String> {
    let mut names = Vec::new();
    for part in cell.split(['\n', ';']) {
        let part = tidy(part);
        let part = part.trim_start_matches(['-', '+', '•', '*', ' ']).trim();
        if part.is_empty() {
            continue;
        }
        let mut current = String::new();
        let mut rest = part;
        while !rest.is_empty() {
            let next_break = [", ", " và "]
                .iter()
                .filter_map(|sep| rest.find(sep).map(|idx| (idx, *sep)))
                .min_by_key(|(idx, _)| *idx);
            match next_break {
                Some((idx, sep)) => {
                    let after = &rest[idx + sep.len()..];
                    let splits = if sep == ", " {
                        after.chars().next().is_some_and(char::is_uppercase)
                    } else {
                        starts_with_unit_word(after)
                    };
                    current.push_str(&rest[..idx]);
                    if splits {
                        names.push(std::mem::take(&mut current));
                    } else {
                        current.push_str(sep);
                    }
                    rest = after;
                }
                None => {
                    current.push_str(rest);
                    rest = "";
                }
            }
        }
        let current = current
            .trim()
            .trim_end_matches(['.', ','])
            .trim()
            .to_string();
        if !current.is_empty() {
            names.push(current);
        }
    }
    names
}

/// The form a name is shown in: tidied, with any dash between words written " – ".
pub fn display_form(raw: &str) -> String {
    let tidied = tidy(raw);
    let mut out = String::with_capacity(tidied.len());
    let chars: Vec<char> = tidied.chars().collect();
    for (idx, &c) in chars.iter().enumerate() {
        let is_dash = matches!(c, '-' | '–' | '—' | '‐' | '‑' | '−');
        let spaced =
            idx > 0 && idx + 1 < chars.len() && (chars[idx - 1] == ' ' || chars[idx + 1] == ' ');
        if is_dash && spaced {
            while out.ends_with(' ') {
                out.pop();
            }
            out.push_str(" – ");
        } else if c == ' ' && out.ends_with("– ") {
            continue;
        } else {
            out.push(c);
        }
    }
    out
}

/// The key an entry is found by: collectives that cover the same units share one entry
/// ("Các phòng ban, đơn vị" and "Các phòng, ban, đơn vị thuộc Sở"), other names their [`unit_key`].
fn entry_key(name: &str) -> String {
    match classify(name) {
        Assignee::Collective(kind) if kind != CollectiveKind::Unexpandable => format!("*{kind:?}"),
        _ => unit_key(name),
    }
}

/// The key two spellings of one unit share: folded, dashes unified, a leading "phòng" dropped.
pub fn unit_key(name: &str) -> String {
    let folded: String = fold(&display_form(name))
        .chars()
        .map(|c| {
            if matches!(c, '–' | '—' | '‐' | '‑' | '−') {
                '-'
            } else {
                c
            }
        })
        .collect();
    let folded = folded
        .replace(" - ", "-")
        .replace(" -", "-")
        .replace("- ", "-");
    match folded.strip_prefix("phong ") {
        Some(rest) if !rest.is_empty() => rest.to_string(),
        _ => folded,
    }
}

/// Folded words that open the name of a unit and say what kind of unit it is.
const TYPE_PREFIXES: [&str; 8] = [
    "phong ",
    "van phong",
    "trung tam",
    "ban ",
    "bo phan",
    "chi cuc",
    "thanh tra",
    "doi ",
];

/// Folded words that may open a name listed after another in one cell: a unit, another
/// department, the People's Committee, or a group.
const OTHER_NAME_PREFIXES: [&str; 4] = ["so ", "ubnd", "uy ban", "cac "];

fn starts_with_unit_word(text: &str) -> bool {
    let first_upper = text.chars().next().is_some_and(char::is_uppercase);
    let folded = fold(text);
    first_upper
        && TYPE_PREFIXES
            .iter()
            .chain(&OTHER_NAME_PREFIXES)
            .any(|w| folded.starts_with(w))
}

fn has_type_prefix(name: &str) -> bool {
    let folded = fold(name);
    TYPE_PREFIXES.iter().any(|w| folded.starts_with(w))
}

/// Decides from its wording what a (single, normalised) name stands for.
pub fn classify(name: &str) -> Assignee {
    let f = fold(name);
    if let Some(rest) = f.strip_prefix("cac ") {
        let kind = if rest.contains("su nghiep") {
            CollectiveKind::PublicServiceUnits
        } else if rest.contains("toan the") {
            CollectiveKind::AllUnitsAndStaff
        } else if rest.starts_with("phong") || rest.starts_with("don vi") {
            CollectiveKind::AllUnits
        } else {
            CollectiveKind::Unexpandable
        };
        return Assignee::Collective(kind);
    }
    let external_prefixes = [
        "ubnd",
        "uy ban",
        "hdnd",
        "hoi dong nhan dan",
        "cong an",
        "kho bac",
        "bao ",
        "dai ",
        "trung tam pvhcc",
        "trung tam phuc vu hanh chinh cong",
        "tinh uy",
        "thanh tra tinh",
    ];
    let other_department = f.starts_with("so ") && f != "so xay dung";
    let ministry = f.starts_with("bo ") && !f.starts_with("bo phan");
    if other_department
        || ministry
        || external_prefixes.iter().any(|p| f.starts_with(p))
        || (f.ends_with(" tinh") && !f.starts_with("bo phan"))
    {
        return Assignee::External;
    }
    let kind = if f.starts_with("van phong") {
        UnitKind::Office
    } else if f.starts_with("bo phan") || f.contains("mot cua") {
        UnitKind::OneStopDesk
    } else if f.starts_with("phong ") || f.starts_with("thanh tra") {
        UnitKind::Division
    } else if [
        "trung tam",
        "ban quan ly",
        "doi ",
        "don vi su nghiep",
        "vien ",
        "chi cuc",
    ]
    .iter()
    .any(|p| f.starts_with(p))
    {
        UnitKind::PublicService
    } else {
        UnitKind::Other
    };
    Assignee::Unit(kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dash_and_prefix_variants_are_one_unit() {
        let mut registry = UnitRegistry::default();
        let a = registry.register("Phòng Kế hoạch – Tài chính");
        let b = registry.register("Phòng Kế hoạch - Tài chính");
        let c = registry.register("Kế hoạch – Tài chính");
        let d = registry.register("Phòng  Kế hoạch-Tài chính");
        assert_eq!([&a, &b, &c], [&d, &d, &d]);
        assert_eq!(
            registry.entries.len(),
            1,
            "all spellings share one entry: {registry:?}"
        );
        assert_eq!(registry.entries[0].name, "Phòng Kế hoạch – Tài chính");
        assert_eq!(
            registry.entries[0].assignee,
            Assignee::Unit(UnitKind::Division)
        );
    }

    #[test]
    fn bare_form_first_is_replaced_by_prefixed_form() {
        let mut registry = UnitRegistry::default();
        registry.register("Kế hoạch – Tài chính");
        registry.register("Phòng Kế hoạch - Tài chính");
        assert_eq!(
            registry.canonical("Kế hoạch - Tài chính"),
            Some("Phòng Kế hoạch – Tài chính")
        );
        assert_eq!(registry.entries[0].aliases, ["Kế hoạch – Tài chính"]);
    }

    #[test]
    fn collectives_are_not_units_and_expand() {
        let mut registry = UnitRegistry::default();
        for name in [
            "Văn phòng Sở",
            "Phòng Quản lý hạ tầng",
            "Trung tâm Giám định chất lượng xây dựng",
            "Các phòng, ban, đơn vị thuộc Sở",
            "Các đơn vị sự nghiệp thuộc Sở",
            "Các phòng ban, đơn vị và toàn thể cán bộ công chức viên chức",
            "Trung tâm Phục vụ hành chính công tỉnh",
            "Các phòng ban, đơn vị",
            "Bộ phận tiếp nhận và trả kết quả giải quyết TTHC tại Trung tâm PVHCC",
        ] {
            registry.register(name);
        }
        assert_eq!(registry.units().count(), 4);
        assert_eq!(registry.expand("Các phòng, ban, đơn vị thuộc Sở").len(), 4);
        assert_eq!(
            registry.canonical("Các phòng ban, đơn vị"),
            Some("Các phòng, ban, đơn vị thuộc Sở"),
            "spellings of one collective share its fullest spelling"
        );
        assert_eq!(
            registry
                .find("Bộ phận tiếp nhận và trả kết quả giải quyết TTHC tại Trung tâm PVHCC")
                .unwrap()
                .assignee,
            Assignee::Unit(UnitKind::OneStopDesk)
        );
        assert_eq!(
            registry.expand("Các đơn vị sự nghiệp thuộc Sở"),
            ["Trung tâm Giám định chất lượng xây dựng"]
        );
        assert_eq!(
            registry
                .find("Các phòng ban, đơn vị và toàn thể cán bộ công chức viên chức")
                .unwrap()
                .assignee,
            Assignee::Collective(CollectiveKind::AllUnitsAndStaff)
        );
        assert_eq!(
            registry
                .find("Trung tâm Phục vụ hành chính công tỉnh")
                .unwrap()
                .assignee,
            Assignee::External
        );
        assert!(registry
            .expand("Trung tâm Phục vụ hành chính công tỉnh")
            .is_empty());
    }

    #[test]
    fn cells_split_only_between_names() {
        assert_eq!(
            split_assignees("Các phòng, ban, đơn vị thuộc Sở"),
            ["Các phòng, ban, đơn vị thuộc Sở"]
        );
        assert_eq!(
            split_assignees("Văn phòng Sở, Phòng Quản lý hạ tầng"),
            ["Văn phòng Sở", "Phòng Quản lý hạ tầng"]
        );
        assert_eq!(
            split_assignees("- Văn phòng Sở;\n- Phòng Quản lý hạ tầng."),
            ["Văn phòng Sở", "Phòng Quản lý hạ tầng"]
        );
        assert_eq!(
            split_assignees("Phòng Phát triển đô thị và nhà ở"),
            ["Phòng Phát triển đô thị và nhà ở"]
        );
        assert_eq!(
            split_assignees("Văn phòng Sở và Phòng Quản lý hạ tầng"),
            ["Văn phòng Sở", "Phòng Quản lý hạ tầng"]
        );
        assert_eq!(split_assignees("  "), Vec::<String>::new());
    }
}
