//! `plansync init`: the first setup of an empty data directory in one command (the office
//! unit, the first admin and, with `--plan`, the plan), through the very functions of
//! `unit add`, `user add` and `plan publish`.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

use crate::access::Role;
use crate::cli::{add_unit, add_user, publish_locked, registry, runtime};
use crate::data::DataDirLock;
use crate::registry::Registry;

/// What `plansync init` was asked to set up.
#[derive(Debug, Clone, Copy)]
pub struct Setup<'a> {
    pub office_code: &'a str,
    pub office_name: &'a str,
    pub admin: &'a str,
    pub plan: Option<&'a Path>,
    pub year: Option<i32>,
}

/// The admin's password from standard input (one line, as `user add --password-stdin`); asks
/// for it when standard input is a terminal.
pub fn read_password(admin: &str) -> Result<String> {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        eprint!("password of {admin} (at least 8 characters; shown as typed): ");
    }
    crate::cli::read_password()
}

/// Sets `data` up as `setup` says; refuses a data directory that already has units or users.
/// Prints each step and a summary to `out`.
pub fn init(data: &Path, setup: &Setup, password: &str, out: &mut dyn Write) -> Result<()> {
    // What can be refused is refused before the data directory is touched: the plan is
    // imported, and the unit and the admin are first added to a registry in memory.
    let plan = setup.plan.map(crate::publish::load_plan).transpose()?;
    let rehearsal = Registry::open(Path::new(":memory:"))?;
    add_unit(
        &rehearsal,
        setup.office_code,
        setup.office_name,
        "office",
        &mut std::io::sink(),
    )?;
    add_user(
        &rehearsal,
        setup.admin,
        setup.office_code,
        Role::Admin,
        password,
        &mut std::io::sink(),
    )?;
    drop(rehearsal);

    // Refused while a server (or another command) writes the directory.
    let lock = DataDirLock::take(data, "plansync init")?;
    let registry = registry(data)?;
    let (units, users) = (registry.units()?, registry.users()?);
    if !units.is_empty() || !users.is_empty() {
        anyhow::bail!(
            "{} is already set up ({} units, {} users): `plansync init` only sets up an empty data directory; change this one with `unit add`, `user add` and `plan publish`",
            data.display(),
            units.len(),
            users.len()
        );
    }
    add_unit(
        &registry,
        setup.office_code,
        setup.office_name,
        "office",
        out,
    )?;
    add_user(
        &registry,
        setup.admin,
        setup.office_code,
        Role::Admin,
        password,
        out,
    )?;
    drop(registry);

    let published = match (&plan, setup.plan) {
        (Some(plan), Some(file)) => {
            let year = setup.year.unwrap_or_else(|| {
                shared::calendar::Date::from_unix_millis_vietnam(crate::data::now_ms()).year
            });
            let report = runtime()?
                .block_on(publish_locked(data, &lock, plan, Some(year), out))
                .with_context(|| {
                    format!(
                        "the office unit and {} were added, but the plan was not published; publish it with `plansync --data {} plan publish {}`",
                        setup.admin,
                        data.display(),
                        file.display()
                    )
                })?;
            format!(
                ", plan {} published for {year} ({} units added, {} documents)",
                file.display(),
                report.units_added.len(),
                report.documents.len()
            )
        }
        _ => ", no plan yet (`plansync plan publish FILE`)".to_string(),
    };
    writeln!(
        out,
        "set up {}: office unit {} ({}), admin {}{published}",
        data.display(),
        setup.office_code,
        shared::vietnamese::tidy(setup.office_name),
        setup.admin
    )?;
    writeln!(
        out,
        "next: start the server (`systemctl start plansync`, or `plansync --data {} serve`) and add the units' users (`plansync user add`)",
        data.display()
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PASSWORD: &str = "mật khẩu quản trị";

    fn fixture() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/plans/tuyen-quang-sxd-2026.txt")
    }

    fn setup(plan: Option<&Path>) -> Setup<'_> {
        Setup {
            office_code: "VP",
            office_name: "Văn phòng Sở",
            admin: "quantri",
            plan,
            year: Some(2026),
        }
    }

    fn run(data: &Path, setup: &Setup, password: &str) -> Result<String> {
        let mut out = Vec::new();
        init(data, setup, password, &mut out)?;
        Ok(String::from_utf8(out).unwrap())
    }

    #[test]
    fn sets_up_the_office_the_admin_and_the_plan() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let fixture = fixture();
        let out = run(&data, &setup(Some(&fixture)), PASSWORD).unwrap();
        assert!(out.contains("added unit VP\n"), "{out}");
        assert!(
            out.contains("added user quantri (admin, unit VP)\n"),
            "{out}"
        );
        assert!(out.contains("\nplan\t-\t-\t"), "the plan document: {out}");
        assert!(out.contains("published for 2026"), "{out}");
        let registry = Registry::open(&crate::data::registry_path(&data)).unwrap();
        let units = registry.units().unwrap();
        let office = units.iter().find(|u| u.code == "VP").unwrap();
        assert_eq!(
            (office.kind.as_str(), office.name.as_str()),
            ("office", "Văn phòng Sở")
        );
        assert!(units.len() > 1, "the plan's units are added: {units:?}");
        assert_eq!(
            units.iter().filter(|u| u.name == "Văn phòng Sở").count(),
            1,
            "the plan's office is the one init added"
        );
        let users = registry.users().unwrap();
        assert_eq!(users.len(), 1);
        assert_eq!(
            (users[0].username.as_str(), users[0].role),
            ("quantri", Role::Admin)
        );
        assert!(registry
            .verify_login("quantri", PASSWORD)
            .unwrap()
            .is_some());
        assert!(
            registry.documents().unwrap().len() > 2,
            "plan, records and reviews"
        );
    }

    #[test]
    fn refuses_a_data_directory_that_is_set_up() {
        let dir = tempfile::tempdir().unwrap();
        run(dir.path(), &setup(None), PASSWORD).unwrap();
        let other = Setup {
            admin: "khac",
            ..setup(None)
        };
        let err = format!("{:#}", run(dir.path(), &other, PASSWORD).unwrap_err());
        assert!(
            err.contains("is already set up (1 units, 1 users)"),
            "{err}"
        );
        let registry = Registry::open(&crate::data::registry_path(dir.path())).unwrap();
        assert_eq!(registry.users().unwrap().len(), 1, "nothing added");
    }

    #[test]
    fn a_refused_admin_leaves_the_directory_empty() {
        let dir = tempfile::tempdir().unwrap();
        let err = format!("{:#}", run(dir.path(), &setup(None), "short").unwrap_err());
        assert!(err.contains("at least 8 characters"), "{err}");
        let err = format!(
            "{:#}",
            run(
                dir.path(),
                &Setup {
                    office_code: "V P",
                    ..setup(None)
                },
                PASSWORD
            )
            .unwrap_err()
        );
        assert!(err.contains("unit code \"V P\""), "{err}");
        // Nothing was written: init runs again with a good password.
        run(dir.path(), &setup(None), PASSWORD).unwrap();
    }

    #[test]
    fn a_plan_that_does_not_import_leaves_the_directory_empty() {
        let dir = tempfile::tempdir().unwrap();
        let bad = dir.path().join("plan.txt");
        std::fs::write(&bad, "không phải kế hoạch").unwrap();
        let data = dir.path().join("data");
        assert!(run(&data, &setup(Some(&bad)), PASSWORD).is_err());
        run(&data, &setup(None), PASSWORD).unwrap();
    }

    #[test]
    fn refused_while_a_server_holds_the_directory() {
        let dir = tempfile::tempdir().unwrap();
        let _server = DataDirLock::take(dir.path(), "plansync serve").unwrap();
        let err = format!("{:#}", run(dir.path(), &setup(None), PASSWORD).unwrap_err());
        assert!(err.contains("in use by another PlanSync process"), "{err}");
    }
}
