//! The `plansync user` commands for people's full names and unit heads, checked by running the
//! real binary on a fresh data directory.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn plansync(data: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_plansync"))
        .arg("--data")
        .arg(data)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("plansync runs");
    if let Some(input) = stdin {
        writeln!(child.stdin.take().unwrap(), "{input}").unwrap();
    }
    child.wait_with_output().unwrap()
}

/// Runs a command that must succeed; its standard output.
fn ok(data: &Path, args: &[&str], stdin: Option<&str>) -> String {
    let out = plansync(data, args, stdin);
    assert!(
        out.status.success(),
        "plansync {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Runs a command that must fail; its one line of standard error.
fn refused(data: &Path, args: &[&str], stdin: Option<&str>) -> String {
    let out = plansync(data, args, stdin);
    assert!(!out.status.success(), "plansync {args:?} must fail");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.starts_with("error: "), "{stderr}");
    stderr.trim_end().to_string()
}

#[test]
fn users_get_full_names_and_heads_and_the_list_shows_them() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    ok(
        data,
        &["unit", "add", "QLHT", "--name", "Phòng Quản lý hạ tầng"],
        None,
    );
    let added = ok(
        data,
        &[
            "user",
            "add",
            "an",
            "--unit",
            "QLHT",
            "--role",
            "staff",
            "--password-stdin",
            "--name",
            "  Nguyễn   Văn An ",
            "--head",
        ],
        Some("mật khẩu dài"),
    );
    expect_test::expect![[r#"
        added user an (staff, unit QLHT, head): Nguyễn Văn An
    "#]]
    .assert_eq(&added);
    ok(
        data,
        &[
            "user",
            "add",
            "binh",
            "--unit",
            "QLHT",
            "--role",
            "staff",
            "--password-stdin",
        ],
        Some("mật khẩu dài"),
    );
    let mut said = ok(data, &["user", "set-name", "binh", "Trần Thị Bình"], None);
    said += &ok(data, &["user", "set-head", "an", "--no"], None);
    said += &ok(data, &["user", "set-head", "binh", "--yes"], None);
    expect_test::expect![[r#"
        binh is now shown as Trần Thị Bình
        an does not head unit QLHT
        binh heads unit QLHT
    "#]]
    .assert_eq(&said);
    expect_test::expect![[r#"
        an	QLHT	staff	active	-	Nguyễn Văn An
        binh	QLHT	staff	active	head	Trần Thị Bình
    "#]]
    .assert_eq(&ok(data, &["user", "list"], None));
    expect_test::expect![[r#"
        an has no full name; the app shows an
    "#]]
    .assert_eq(&ok(data, &["user", "set-name", "an", "--clear"], None));
    assert!(ok(data, &["user", "list"], None).starts_with("an\tQLHT\tstaff\tactive\t-\t-\n"));
}

#[test]
fn unknown_users_and_bad_names_are_refused_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    ok(data, &["unit", "add", "VP", "--name", "Văn phòng Sở"], None);
    let said = [
        refused(data, &["user", "set-name", "nobody", "Ai Đó"], None),
        refused(data, &["user", "set-head", "nobody", "--yes"], None),
        refused(
            data,
            &[
                "user",
                "add",
                "an",
                "--unit",
                "VP",
                "--role",
                "staff",
                "--password-stdin",
                "--name",
                "   ",
            ],
            Some("mật khẩu dài"),
        ),
    ];
    expect_test::expect![[r#"
        error: no user nobody
        error: no user nobody
        error: the full name is empty"#]]
    .assert_eq(&said.join("\n"));
    let listed = ok(data, &["user", "list"], None);
    assert_eq!(listed, "", "a refused name added nobody");
    // Neither or both of --yes and --no is a usage error from clap.
    assert!(!plansync(data, &["user", "set-head", "an"], None)
        .status
        .success());
    assert!(
        !plansync(data, &["user", "set-head", "an", "--yes", "--no"], None)
            .status
            .success()
    );
}
