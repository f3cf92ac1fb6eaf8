//! `plansync plan heading show|set`: the office's particulars for its consolidated report
//! ([`HeadingParticulars`]), stored in the plan document (synced to every laptop like the plan,
//! where plan editors edit them too) and merged over what the plan gives
//! ([`ReportHeading::issued`]).

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use automerge::Automerge;
use shared::documents::{plan_doc, DocumentKind};
use shared::plan::Plan;
use shared::report::{HeadingField, HeadingParticulars};

use crate::registry::Registry;

/// Refuses a directory that is not a PlanSync data directory (rather than creating one).
fn check_data_dir(data: &Path) -> Result<()> {
    let registry = crate::data::registry_path(data);
    anyhow::ensure!(
        registry.exists(),
        "{} is not a PlanSync data directory (no {})",
        data.display(),
        registry.display()
    );
    Ok(())
}

/// The plan document's id, or a clear error when no plan is published.
fn plan_id(registry: &Registry) -> Result<String> {
    Ok(registry
        .find_document(DocumentKind::Plan, None, None)?
        .context("no plan document: publish a plan first (plansync plan publish FILE)")?
        .id)
}

/// Prints the particulars: one line per field (a list one line per entry), `TAB`-separated
/// field, value and whether the value is stored or derived from the plan.
pub fn show(data: &Path, out: &mut dyn Write) -> Result<()> {
    check_data_dir(data)?;
    let registry = crate::cli::registry(data)?;
    let id = plan_id(&registry)?;
    // Read-only: the server may be running on this data directory and owns its documents.
    let documents = storage::ReadOnlyDocuments::open(&crate::data::documents_path(data))?;
    let doc = documents
        .load(&id)?
        .with_context(|| format!("document {id} is in the registry but not in storage"))?;
    let (plan, stored) = read(&doc)?;
    print(&plan, &stored, out)
}

fn read(doc: &Automerge) -> Result<(Plan, HeadingParticulars)> {
    let plan = plan_doc::read(doc).context("cannot read the plan document")?;
    let stored = plan_doc::read_heading(doc).context("cannot read the report heading")?;
    Ok((plan, stored))
}

fn print(plan: &Plan, stored: &HeadingParticulars, out: &mut dyn Write) -> Result<()> {
    let shown = stored.prefilled(plan);
    for field in HeadingField::ALL {
        let whence = if stored.get(field).is_empty() {
            "derived"
        } else {
            "stored"
        };
        let value = shown.get(field);
        let mut lines: Vec<&str> = value.lines().collect();
        if lines.is_empty() {
            lines.push("");
        }
        for line in lines {
            writeln!(out, "{}\t{line}\t{whence}", field.key())?;
        }
    }
    Ok(())
}

/// Sets the given fields (an empty value gives the field back to the plan) and prints the
/// result. Writes the plan document, so refused while a server runs on the directory.
pub async fn set(
    data: &Path,
    values: &[(HeadingField, String)],
    out: &mut dyn Write,
) -> Result<()> {
    anyhow::ensure!(
        !values.is_empty(),
        "nothing to set: give at least one field ({})",
        HeadingField::ALL
            .iter()
            .map(|f| format!("--{}", f.key().replace('_', "-")))
            .collect::<Vec<_>>()
            .join(", ")
    );
    check_data_dir(data)?;
    let _lock = crate::data::DataDirLock::take(data, "plansync plan heading set")?;
    let (registry, storage) = crate::sync::open_data(data)?;
    let id = plan_id(&registry)?;
    let repo = crate::sync::open_repo(registry.clone(), storage.clone()).await;
    let result = async {
        let handle = crate::publish::find_registered(&repo, &id).await?;
        let values = values.to_vec();
        let now = crate::data::now_ms();
        handle
            .with_document_async(move |doc| -> Result<(Plan, HeadingParticulars)> {
                // A plan document published before the particulars gets their map first.
                plan_doc::upgrade(doc, &crate::publish::author(), now)
                    .context("cannot upgrade the plan document")?;
                let mut particulars =
                    plan_doc::read_heading(doc).context("cannot read the report heading")?;
                for (field, value) in &values {
                    particulars.set(*field, value);
                }
                plan_doc::write_heading(doc, &crate::publish::author(), now, &particulars)
                    .context("cannot write the report heading")?;
                read(doc)
            })
            .await
            .map_err(crate::publish::repo_stopped)?
    }
    .await;
    // Stopping waits for every pending storage write.
    repo.stop().await;
    if let Some(why) = storage.failure() {
        anyhow::bail!("document storage failed: {why}");
    }
    let (plan, stored) = result?;
    print(&plan, &stored, out)
}
