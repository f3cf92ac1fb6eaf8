//! The command line: argument parsing and one function per command. Commands print to the
//! writer they are given, so tests can read their output.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use serde::Serialize;
use shared::import::{import_bytes, ImportOutcome, Warning};
use shared::plan::{Plan, Section};
use shared::unit::Assignee;

#[derive(Debug, Parser)]
#[command(name = "plansync", version, about = "PlanSync server and admin tools")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Work with plan files.
    #[command(subcommand)]
    Plan(PlanCommand),
}

#[derive(Debug, Subcommand)]
pub enum PlanCommand {
    /// Import a plan (text or DOCX) and print a summary, or the plan as JSON.
    Import {
        /// The plan file: its text form (UTF-8, tab-separated tables) or a DOCX.
        file: PathBuf,
        /// Print the plan as JSON on stdout instead of a summary.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(cli: Cli, out: &mut dyn Write) -> Result<()> {
    match cli.command {
        Command::Plan(PlanCommand::Import { file, json }) => import(&file, json, out),
    }
}

/// Reads and imports a plan file; the error names the file.
pub fn import_file(file: &Path) -> Result<ImportOutcome> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    import_bytes(&bytes).with_context(|| format!("cannot import {}", file.display()))
}

#[derive(Serialize)]
struct PlanJson<'a> {
    #[serde(flatten)]
    plan: &'a Plan,
    warnings: &'a [Warning],
}

fn import(file: &Path, json: bool, out: &mut dyn Write) -> Result<()> {
    let outcome = import_file(file)?;
    if json {
        serde_json::to_writer_pretty(
            &mut *out,
            &PlanJson {
                plan: &outcome.plan,
                warnings: &outcome.warnings,
            },
        )?;
        writeln!(out)?;
    } else {
        write_summary(&outcome, out)?;
    }
    Ok(())
}

fn write_summary(outcome: &ImportOutcome, out: &mut dyn Write) -> Result<()> {
    let plan = &outcome.plan;
    writeln!(out, "{} {}", plan.kind, plan.title)?;
    let period = plan
        .period
        .map(|p| format!("{}-{}", p.from, p.to))
        .unwrap_or_else(|| "?".into());
    writeln!(
        out,
        "Số: {} · {}, {} · issued by {} · period {}",
        or_dash(&plan.number),
        or_dash(&plan.place),
        or_dash(&plan.date),
        or_dash(&plan.issuer),
        period
    )?;
    let mut n_total = 0;
    for (pos, appendix) in plan.appendices.iter().enumerate() {
        let n_tasks = appendix.n_tasks();
        n_total += n_tasks;
        let label = if appendix.number.is_empty() {
            format!("#{} (unnumbered)", pos + 1)
        } else {
            appendix.number.clone()
        };
        writeln!(
            out,
            "\nAppendix {label} – {}: {}, {}",
            appendix.index,
            plural(count_sections(&appendix.sections), "section"),
            plural(n_tasks, "task")
        )?;
        write_sections(&appendix.sections, 1, out)?;
    }
    writeln!(out, "\nTasks: {n_total}")?;
    let units: Vec<_> = plan.units.entries.iter().collect();
    writeln!(out, "Units and assignees named ({}):", units.len())?;
    for entry in units {
        let kind = match entry.assignee {
            Assignee::Unit(kind) => format!("unit, {kind:?}").to_lowercase(),
            Assignee::Collective(kind) => {
                let covers = plan.units.expand(&entry.name).len();
                format!("collective {kind:?}, covers {covers} units").to_lowercase()
            }
            Assignee::External => "outside the Sở".to_string(),
        };
        let aliases = if entry.aliases.is_empty() {
            String::new()
        } else {
            format!(" (also written: {})", entry.aliases.join("; "))
        };
        writeln!(out, "  - {} [{kind}]{aliases}", entry.name)?;
    }
    writeln!(out, "Warnings ({}):", outcome.warnings.len())?;
    for warning in &outcome.warnings {
        writeln!(out, "  - {warning}")?;
    }
    Ok(())
}

fn write_sections(sections: &[Section], depth: usize, out: &mut dyn Write) -> Result<()> {
    for section in sections {
        writeln!(
            out,
            "{}{}. {} ({})",
            "  ".repeat(depth),
            section.code,
            section.title,
            plural(section.n_tasks(), "task")
        )?;
        write_sections(&section.sections, depth + 1, out)?;
    }
    Ok(())
}

fn count_sections(sections: &[Section]) -> usize {
    sections
        .iter()
        .map(|s| 1 + count_sections(&s.sections))
        .sum()
}

fn or_dash(text: &str) -> &str {
    if text.is_empty() {
        "—"
    } else {
        text
    }
}

fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
