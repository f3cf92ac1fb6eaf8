//! The `plansync plan import` contract, checked by running the real binary.

use std::path::PathBuf;
use std::process::{Command, Output};

fn plansync(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_plansync"))
        .args(args)
        .output()
        .expect("plansync runs")
}

fn fixture(name: &str) -> String {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "..", "fixtures", "plans", name]
        .iter()
        .collect();
    path.to_string_lossy().into_owned()
}

#[test]
fn import_prints_a_summary() {
    let out = plansync(&["plan", "import", &fixture("tuyen-quang-sxd-2026.txt")]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    expect_test::expect_file!["summary.expected.txt"].assert_eq(&text);
}

#[test]
fn import_json_has_the_contract_shape() {
    for file in ["tuyen-quang-sxd-2026.txt", "tuyen-quang-sxd-2026.docx"] {
        let out = plansync(&["plan", "import", &fixture(file), "--json"]);
        assert!(
            out.status.success(),
            "{file}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let plan: serde_json::Value =
            serde_json::from_slice(&out.stdout).expect("stdout is JSON only");
        for key in ["number", "date", "title", "appendices"] {
            assert!(plan.get(key).is_some(), "{file}: top-level {key}");
        }
        let appendices = plan["appendices"].as_array().unwrap();
        let indexes: Vec<&str> = appendices
            .iter()
            .map(|a| a["index"].as_str().unwrap())
            .collect();
        assert_eq!(indexes, ["PAR_INDEX", "PAPI", "SIPAS"], "{file}");
        let mut n_tasks = 0;
        fn walk(section: &serde_json::Value, n_tasks: &mut usize) {
            for key in ["code", "title", "sections", "tasks"] {
                assert!(section.get(key).is_some(), "section has {key}: {section}");
            }
            for task in section["tasks"].as_array().unwrap() {
                for key in [
                    "code",
                    "title",
                    "content",
                    "lead",
                    "support",
                    "timeframe",
                    "products",
                ] {
                    assert!(task.get(key).is_some(), "task has {key}: {task}");
                }
                assert!(task["timeframe"]["text"].is_string());
                assert!(task["lead"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .all(|u| u.is_string()));
                *n_tasks += 1;
            }
            for child in section["sections"].as_array().unwrap() {
                walk(child, n_tasks);
            }
        }
        for appendix in appendices {
            for section in appendix["sections"].as_array().unwrap() {
                walk(section, &mut n_tasks);
            }
        }
        assert_eq!(n_tasks, 57, "{file}");
    }
}

#[test]
fn bad_input_exits_non_zero_with_one_line() {
    let dir = std::env::temp_dir().join(format!("plansync-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let not_plan = dir.join("notes.txt");
    std::fs::write(&not_plan, "Ghi chú\nkhông phải kế hoạch\n").unwrap();
    let broken = dir.join("broken.docx");
    std::fs::write(&broken, b"PK\x03\x04truncated").unwrap();
    let missing = dir.join("missing.txt");
    for (path, expected) in [
        (&missing, "cannot read"),
        (&not_plan, "not a plan"),
        (&broken, "broken DOCX"),
    ] {
        let out = plansync(&["plan", "import", path.to_str().unwrap()]);
        assert!(!out.status.success(), "{path:?} must fail");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
        assert!(
            stderr.starts_with("error: ") && stderr.contains(expected),
            "{path:?}: {stderr}"
        );
        assert!(
            out.stdout.is_empty(),
            "nothing on stdout for a failed import"
        );
    }
    std::fs::remove_dir_all(dir).ok();
}
