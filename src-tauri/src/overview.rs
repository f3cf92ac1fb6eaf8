//! The overview screens' data: a period's report over the documents on this laptop (the own
//! unit's for staff, every unit's for the office), built with [`shared::report::build`].
//!
//! Documents not downloaded yet are left out (the office sees the units that have arrived);
//! the own unit's records are required for staff.

use automerge::Automerge;
use client::{Client, DocInfo};
use shared::calendar::{CalendarConfig, PeriodId};
use shared::documents::DocumentKind;
use shared::overview::{Overview, PeriodChoice};
use shared::report::{self, ReportRequest, Scope, UnitDocuments};
use shared::Plan;

use crate::error::{CommandError, ErrorCode};
use crate::records::today;

/// One unit's documents, copied out of the sync engine.
struct UnitCopy {
    code: String,
    name: String,
    records: Automerge,
    review: Option<Automerge>,
}

async fn copy_of(client: &Client, info: &DocInfo) -> Option<Automerge> {
    match client.with_doc(&info.id, Automerge::clone).await {
        Ok(doc) => Some(doc),
        Err(err) => {
            tracing::debug!("document {} left out of the overview: {err}", info.id);
            None
        }
    }
}

/// The period's overview; `period` defaults to the next one due.
pub async fn build(
    client: &Client,
    plan: &Plan,
    period: Option<PeriodId>,
) -> Result<Overview, CommandError> {
    let session = client
        .session()
        .ok_or_else(|| CommandError::from(client::ClientError::NotLoggedIn))?;
    let today = today();
    let calendar = CalendarConfig::default();
    let period = period.unwrap_or_else(|| calendar.next_due(today));
    let all_units = session.role != "staff";
    let docs = client.documents();
    let mut units = Vec::new();
    for info in docs.iter().filter(|d| {
        d.kind == DocumentKind::Records
            && d.year == Some(period.year)
            && (all_units || d.unit.as_deref() == Some(session.unit.as_str()))
    }) {
        let Some(code) = info.unit.clone() else {
            continue;
        };
        let Some(records) = copy_of(client, info).await else {
            continue;
        };
        let review = match client.review_doc_for(&code, period.year) {
            Some(review) => copy_of(client, &review).await,
            None => None,
        };
        units.push(UnitCopy {
            name: info.unit_name.clone().unwrap_or_else(|| code.clone()),
            code,
            records,
            review,
        });
    }
    if !all_units && units.is_empty() {
        return Err(CommandError::new(
            ErrorCode::NoRecords,
            format!(
                "no records of {} for {} are on this laptop yet",
                session.unit, period.year
            ),
        ));
    }
    let documents: Vec<UnitDocuments<'_>> = units
        .iter()
        .map(|u| UnitDocuments {
            code: &u.code,
            name: &u.name,
            records: &u.records,
            review: u.review.as_ref(),
        })
        .collect();
    let report = report::build(&ReportRequest {
        plan,
        period,
        calendar: &calendar,
        today,
        units: &documents,
        scope: if all_units {
            Scope::AllUnits
        } else {
            Scope::Unit(session.unit.clone())
        },
    })
    .map_err(|err| CommandError::new(ErrorCode::Storage, err.to_string()))?;
    Ok(Overview {
        report,
        periods: periods(&docs, period, &calendar),
        own_unit: session.unit.clone(),
        all_units,
        can_review: session.role == "reviewer",
        can_edit_plan: session.role == "plan-editor",
    })
}

/// The periods of every year with records on this laptop (and of `current`'s year).
fn periods(docs: &[DocInfo], current: PeriodId, calendar: &CalendarConfig) -> Vec<PeriodChoice> {
    let mut years: Vec<i32> = docs
        .iter()
        .filter(|d| d.kind == DocumentKind::Records)
        .filter_map(|d| d.year)
        .chain([current.year])
        .collect();
    years.sort_unstable();
    years.dedup();
    years
        .into_iter()
        .flat_map(PeriodId::of_year)
        .map(|period| PeriodChoice {
            period,
            label: period.label(),
            deadline: calendar.deadline(period),
        })
        .collect()
}
