//! The overview screens' data: a period's report over the documents on this laptop (the own
//! unit's for staff, every unit's for the office), built by [`client::Client::report`] (which
//! reads again only the units whose documents changed since the last report).
//!
//! Documents not downloaded yet are left out (the office sees the units that have arrived);
//! the own unit's records are required for staff. A unit whose documents cannot be read is
//! named in the report (the dashboard's banner) instead of failing the office's overview; the
//! own unit's unreadable records are [`ErrorCode::UnreadableRecords`] for staff.

use client::{Client, DocInfo, ReportFailure};
use shared::calendar::{CalendarConfig, Date, PeriodId, PeriodKind};
use shared::documents::DocumentKind;
use shared::overview::{Overview, PeriodChoice};
use shared::report::{Report, ReportError, Scope};
use shared::Plan;

use crate::error::{CommandError, ErrorCode};
use crate::records::today;

/// The period's overview; `period` defaults to the next one due.
pub async fn build(
    client: &Client,
    plan: &Plan,
    period: Option<PeriodId>,
) -> Result<Overview, CommandError> {
    let session = client
        .session()
        .ok_or_else(|| CommandError::from(client::ClientError::NotLoggedIn))?;
    let calendar = plan.calendar();
    let all_units = session.role != "staff";
    let docs = client.documents();
    let period = period.unwrap_or_else(|| default_period(&docs, &calendar, today()));
    let scope = if all_units {
        Scope::AllUnits
    } else {
        Scope::Unit(session.unit.clone())
    };
    let report = build_report(client, plan, period, scope).await?;
    Ok(Overview {
        report,
        periods: periods(&docs, period, &calendar),
        own_unit: session.unit.clone(),
        all_units,
        can_review: session.role == "reviewer",
        can_edit_plan: session.role == "plan-editor",
    })
}

/// The report of `period` over the documents on this laptop: every unit's that has arrived, or
/// one unit's (which must be here).
pub async fn build_report(
    client: &Client,
    plan: &Plan,
    period: PeriodId,
    scope: Scope,
) -> Result<Report, CommandError> {
    Ok(build_report_read_at(client, plan, period, scope).await?.0)
}

/// Like [`build_report`], with the units' documents and the heads each was read at.
pub async fn build_report_read_at(
    client: &Client,
    plan: &Plan,
    period: PeriodId,
    scope: Scope,
) -> Result<(Report, Vec<client::UnitReadAt>), CommandError> {
    client
        .report_read_at(plan, period, scope, today())
        .await
        .map_err(|err| match err {
            ReportFailure::NoRecords { .. } => {
                CommandError::new(ErrorCode::NoRecords, err.to_string())
            }
            ReportFailure::Report(ReportError::Unreadable(problem)) => CommandError::new(
                ErrorCode::UnreadableRecords,
                format!("{} (Chi tiết kỹ thuật: {})", problem.text(), problem.cause),
            ),
            ReportFailure::Report(other) => {
                CommandError::new(ErrorCode::Storage, other.to_string())
            }
        })
}

/// The next period due, when its year has records; else the latest year with records (a plan
/// published for years that have passed, or not yet for the coming one).
pub fn default_period(docs: &[DocInfo], calendar: &CalendarConfig, today: Date) -> PeriodId {
    let due = calendar.next_due(today);
    let years: Vec<i32> = docs
        .iter()
        .filter(|d| d.kind == DocumentKind::Records)
        .filter_map(|d| d.year)
        .collect();
    if years.is_empty() || years.contains(&due.year) {
        return due;
    }
    let before: Option<i32> = years.iter().copied().filter(|y| *y < due.year).max();
    match before {
        Some(year) => PeriodId {
            year,
            kind: PeriodKind::Year,
        },
        None => PeriodId {
            year: years.iter().copied().min().unwrap_or(due.year),
            kind: PeriodKind::Q1,
        },
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use client::{Access, DocumentId};

    fn records(year: i32) -> DocInfo {
        DocInfo {
            id: DocumentId::try_from(vec![7; 16]).unwrap(),
            kind: DocumentKind::Records,
            unit: Some("QLHT".into()),
            unit_name: None,
            year: Some(year),
            access: Access::Write,
        }
    }

    #[test]
    fn the_default_period_is_the_next_due_one_with_records() {
        let calendar = CalendarConfig::default();
        let on = |y, m, d| Date::new(y, m, d).unwrap();
        let period = |docs: &[DocInfo], today| default_period(docs, &calendar, today).to_string();
        assert_eq!(period(&[records(2026)], on(2026, 11, 28)), "2026");
        assert_eq!(period(&[records(2026)], on(2026, 7, 1)), "2026-Q3");
        // After the last 2026 deadline, with no 2027 records yet: the 2026 year report.
        assert_eq!(period(&[records(2026)], on(2026, 12, 20)), "2026");
        assert_eq!(period(&[records(2026)], on(2028, 2, 1)), "2026");
        // Records only for a later year: its first period.
        assert_eq!(period(&[records(2027)], on(2026, 5, 1)), "2027-Q1");
        assert_eq!(period(&[], on(2026, 5, 1)), "2026-H1");
    }
}
