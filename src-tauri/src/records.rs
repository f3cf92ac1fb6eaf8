//! The task page's data: a unit's record of one task for the year, the office's verdicts on it
//! and the records document's history, read through the sync engine ([`client::Client`]).
//!
//! Edits go only to the logged-in user's own unit (`client.records_doc_for(session.unit,
//! year)`); other units' records are read-only here whatever the server would allow.

use std::time::{SystemTime, UNIX_EPOCH};

use client::{Client, DocInfo, DocumentId};
use shared::calendar::{CalendarConfig, Date, PeriodId};
use shared::documents::history::HistoryEntry;
use shared::documents::records::{self, RecordEdit};
use shared::documents::DocumentKind;
use shared::record::{ReviewEntry, Verdict};
use shared::submission::{
    digest, missing_for_sending, report_state, MissingItem, ReportState, SentReports,
};
use shared::TaskId;

use crate::error::{CommandError, ErrorCode};

pub use shared::record::{PeriodReview, RecordUnits, RecordView};

/// Today in Vietnam.
pub fn today() -> Date {
    let ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    Date::from_unix_millis_vietnam(ms)
}

/// The reporting year on `today`: the year of the next period due (2027 from 15/12/2026 on,
/// with the default calendar, when 2027-Q1's data window opens).
pub fn reporting_year(calendar: &CalendarConfig, today: Date) -> i32 {
    calendar.next_due(today).year
}

/// The years of `unit`'s records listed on this laptop, oldest first.
pub fn record_years(docs: &[DocInfo], unit: &str) -> Vec<i32> {
    let mut years: Vec<i32> = docs
        .iter()
        .filter(|d| d.kind == DocumentKind::Records && d.unit.as_deref() == Some(unit))
        .filter_map(|d| d.year)
        .collect();
    years.sort_unstable();
    years.dedup();
    years
}

/// The year whose records of `unit` the task page shows by default: the current one when
/// listed, else the latest listed.
pub fn pick_year(docs: &[DocInfo], unit: &str, current: i32) -> Option<i32> {
    let years = docs
        .iter()
        .filter(|d| d.kind == DocumentKind::Records && d.unit.as_deref() == Some(unit))
        .filter_map(|d| d.year);
    let mut latest = None;
    for year in years {
        if year == current {
            return Some(year);
        }
        latest = latest.max(Some(year));
    }
    latest
}

fn not_logged_in() -> CommandError {
    CommandError::from(client::ClientError::NotLoggedIn)
}

fn no_records(unit: &str) -> CommandError {
    CommandError::new(
        ErrorCode::NoRecords,
        format!("no records document of {unit} is on this laptop yet"),
    )
}

fn not_assigned(unit: &str, task_id: &TaskId) -> CommandError {
    CommandError::new(
        ErrorCode::NotAssigned,
        format!("{unit} does not report on task {task_id}"),
    )
}

/// `unit`'s records document of `year`, as listed on this laptop.
pub fn records_doc_of(client: &Client, unit: &str, year: i32) -> Result<DocInfo, CommandError> {
    client
        .records_doc_for(unit, year)
        .ok_or_else(|| no_records(unit))
}

/// Whether the records document `doc` has an entry for `task_id`.
async fn holds_task(client: &Client, doc: &DocumentId, task_id: &TaskId) -> bool {
    let task_id = task_id.clone();
    client
        .with_doc(doc, move |d| {
            records::task_ids(d).is_ok_and(|ids| ids.contains(&task_id))
        })
        .await
        .unwrap_or(false)
}

/// The units whose record of `task_id` this user can read (in any year listed here).
pub async fn units_for(client: &Client, task_id: &TaskId) -> Result<RecordUnits, CommandError> {
    let session = client.session().ok_or_else(not_logged_in)?;
    let docs = client.documents();
    let mut codes: Vec<String> = docs
        .iter()
        .filter(|d| d.kind == DocumentKind::Records)
        .filter_map(|d| d.unit.clone())
        .collect();
    codes.sort();
    codes.dedup();
    let mut units = Vec::new();
    for code in codes {
        for year in record_years(&docs, &code).into_iter().rev() {
            let Some(info) = client.records_doc_for(&code, year) else {
                continue;
            };
            if holds_task(client, &info.id, task_id).await {
                units.push(code);
                break;
            }
        }
    }
    if let Some(own) = units.iter().position(|u| *u == session.unit) {
        let own = units.remove(own);
        units.insert(0, own);
    }
    let unit_names = docs
        .iter()
        .filter_map(|d| Some((d.unit.clone()?, d.unit_name.clone()?)))
        .filter(|(code, _)| units.contains(code))
        .collect();
    Ok(RecordUnits {
        own_unit: session.unit,
        role: session.role,
        units,
        unit_names,
    })
}

/// `unit`'s record of `task_id` for a year, with verdicts and history: `requested` when the
/// unit's records of that year hold the task, else the reporting year's (see [`pick_year`]).
pub async fn read(
    client: &Client,
    calendar: &CalendarConfig,
    task_id: &TaskId,
    unit: &str,
    requested: Option<i32>,
) -> Result<RecordView, CommandError> {
    let session = client.session().ok_or_else(not_logged_in)?;
    let today = today();
    let docs = client.documents();
    let default =
        pick_year(&docs, unit, reporting_year(calendar, today)).ok_or_else(|| no_records(unit))?;
    let mut year = default;
    if let Some(info) = requested
        .filter(|y| *y != default)
        .and_then(|y| client.records_doc_for(unit, y))
    {
        if holds_task(client, &info.id, task_id).await {
            year = info.year.unwrap_or(default);
        }
    }
    let info = client
        .records_doc_for(unit, year)
        .ok_or_else(|| no_records(unit))?;
    if !holds_task(client, &info.id, task_id).await {
        // Either the document has not arrived yet or the unit does not report on the task.
        let record = client.read_record(&info.id, task_id).await;
        return Err(match record {
            Err(err) if err.code() == "not_downloaded" => CommandError::from(err),
            _ => not_assigned(unit, task_id),
        });
    }
    let record = client.read_record(&info.id, task_id).await?;
    let mut reviews = Vec::new();
    if let Some(review) = client.review_doc_for(unit, year) {
        for period in PeriodId::of_year(year) {
            match client.read_review(&review.id, task_id, period).await {
                Ok(entry) => reviews.push(PeriodReview::new(period, entry)),
                Err(err) => {
                    tracing::debug!("no verdict of {period} for {task_id} in {unit}: {err}");
                    break;
                }
            }
        }
    }
    let history = client.history(&info.id).await?;
    let (history, history_of_task) = history_of(history, task_id);
    Ok(RecordView {
        unit: unit.to_string(),
        year,
        years: record_years(&docs, unit),
        writable: info.is_writable() && unit == session.unit,
        today,
        record,
        reviews,
        history,
        history_of_task,
        people: client.people()?,
    })
}

/// The entries about `task_id` when change descriptions name tasks, else every entry.
pub fn history_of(entries: Vec<HistoryEntry>, task_id: &TaskId) -> (Vec<HistoryEntry>, bool) {
    let names_tasks = entries.iter().any(|e| e.what.contains(&task_id.0));
    if names_tasks {
        let mine = entries
            .into_iter()
            .filter(|e| e.what.contains(&task_id.0))
            .collect();
        (mine, true)
    } else {
        (entries, false)
    }
}

/// Applies `edit` to the logged-in user's own unit's record of `task_id` in `year` (the
/// reporting year's records when `None`).
pub async fn edit(
    client: &Client,
    calendar: &CalendarConfig,
    task_id: &TaskId,
    year: Option<i32>,
    edit: RecordEdit,
) -> Result<(), CommandError> {
    let session = client.session().ok_or_else(not_logged_in)?;
    let year = match year {
        Some(year) => year,
        None => pick_year(
            &client.documents(),
            &session.unit,
            reporting_year(calendar, today()),
        )
        .ok_or_else(|| no_records(&session.unit))?,
    };
    let info = client
        .records_doc_for(&session.unit, year)
        .ok_or_else(|| no_records(&session.unit))?;
    client.edit_record(&info.id, task_id, edit).await?;
    Ok(())
}

/// Sends the own unit's report of `task_id` for `period` to the office ("Gửi Văn phòng thẩm
/// định"), on this laptop first (it reaches the server when a link exists). Refused with
/// [`ErrorCode::ReportIncomplete`] naming what the plan asks for and the report lacks, and
/// while the office has accepted it. Returns the report's new state.
pub async fn send(
    client: &Client,
    plan: &shared::Plan,
    task_id: &TaskId,
    period: PeriodId,
) -> Result<ReportState, CommandError> {
    let session = client.session().ok_or_else(not_logged_in)?;
    let info = records_doc_of(client, &session.unit, period.year)?;
    let task = plan
        .task(task_id)
        .ok_or_else(|| not_assigned(&session.unit, task_id))?;
    let record = client.read_record(&info.id, task_id).await?;
    let report = record
        .periods
        .into_iter()
        .find(|p| p.period == period)
        .ok_or_else(|| not_assigned(&session.unit, task_id))?;
    let missing = missing_for_sending(&task.targets, task.evidence_required, &report);
    if !missing.is_empty() {
        let items: Vec<String> = missing.iter().map(MissingItem::label).collect();
        return Err(CommandError::new(
            ErrorCode::ReportIncomplete,
            format!("Chưa gửi được: {}.", items.join("; ")),
        ));
    }
    let review = match client.review_doc_for(&session.unit, period.year) {
        Some(review) => client.read_review(&review.id, task_id, period).await.ok(),
        None => None,
    };
    let state = report_state(&report, review.as_ref().and_then(ReviewEntry::given));
    if !state.can_send() {
        return Err(CommandError::new(
            ErrorCode::PeriodLocked,
            format!("Văn phòng đã chấp nhận báo cáo {}", period.label()),
        ));
    }
    let answers = match (state, &review) {
        (ReportState::Returned | ReportState::Resent { .. }, Some(review)) => {
            review.at.unwrap_or_default()
        }
        _ => 0,
    };
    let edit = RecordEdit::Send {
        period,
        digest: digest(&report),
        answers,
    };
    client.edit_record(&info.id, task_id, edit).await?;
    Ok(if answers == 0 {
        ReportState::Sent { changed: false }
    } else {
        ReportState::Resent { changed: false }
    })
}

/// Sends every report of the own unit for `period` that is ready: nothing missing, not
/// accepted, and changed since it was last sent (or never sent). Returns how many were sent
/// and how many still lack something.
pub async fn send_ready(
    client: &Client,
    plan: &shared::Plan,
    period: PeriodId,
) -> Result<SentReports, CommandError> {
    let session = client.session().ok_or_else(not_logged_in)?;
    let info = records_doc_of(client, &session.unit, period.year)?;
    let task_ids = client
        .with_doc(&info.id, records::task_ids)
        .await?
        .map_err(|err| CommandError::new(ErrorCode::UnreadableRecords, err.to_string()))?;
    let mut done = SentReports::default();
    for task_id in task_ids {
        let Some(task) = plan.task(&task_id) else {
            continue;
        };
        let record = client.read_record(&info.id, &task_id).await?;
        let Some(report) = record.periods.into_iter().find(|p| p.period == period) else {
            continue;
        };
        let unchanged = report
            .sent
            .as_ref()
            .is_some_and(|s| s.digest == digest(&report));
        if unchanged || !shared::submission::has_content(&report) {
            continue;
        }
        if !missing_for_sending(&task.targets, task.evidence_required, &report).is_empty() {
            done.n_incomplete += 1;
            continue;
        }
        match send(client, plan, &task_id, period).await {
            Ok(_) => done.n_sent += 1,
            // Accepted meanwhile: nothing to send.
            Err(err) if err.code == ErrorCode::PeriodLocked => {}
            Err(err) => return Err(err),
        }
    }
    Ok(done)
}

/// The office's verdict on `unit`'s report of `task_id` for `period`, with a comment (a
/// returned report says why).
pub async fn review(
    client: &Client,
    task_id: &TaskId,
    unit: &str,
    period: PeriodId,
    verdict: Verdict,
    comment: &str,
) -> Result<(), CommandError> {
    client.session().ok_or_else(not_logged_in)?;
    let info = client.review_doc_for(unit, period.year).ok_or_else(|| {
        CommandError::new(
            ErrorCode::NoRecords,
            format!(
                "no review document of {unit} for {} is on this laptop",
                period.year
            ),
        )
    })?;
    if !info.is_writable() {
        return Err(CommandError::new(
            ErrorCode::ReadOnly,
            "only the office's reviewers can accept or return reports",
        ));
    }
    if verdict == Verdict::Returned && comment.trim().is_empty() {
        return Err(CommandError::new(
            ErrorCode::CommentRequired,
            "a returned report needs a comment saying what to fix",
        ));
    }
    client
        .set_verdict(&info.id, task_id, period, verdict, comment.trim())
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use client::Access;

    fn doc(kind: DocumentKind, unit: &str, year: i32) -> DocInfo {
        DocInfo {
            id: DocumentId::try_from(vec![7; 16]).unwrap(),
            kind,
            unit: Some(unit.into()),
            unit_name: None,
            year: Some(year),
            access: Access::Write,
        }
    }

    #[test]
    fn the_current_year_else_the_latest() {
        let docs = vec![
            doc(DocumentKind::Records, "QLHT", 2025),
            doc(DocumentKind::Records, "QLHT", 2026),
            doc(DocumentKind::Review, "QLHT", 2027),
            doc(DocumentKind::Records, "VP", 2024),
        ];
        assert_eq!(pick_year(&docs, "QLHT", 2026), Some(2026));
        assert_eq!(pick_year(&docs, "QLHT", 2027), Some(2026));
        assert_eq!(pick_year(&docs, "VP", 2026), Some(2024));
        assert_eq!(pick_year(&docs, "KHTC", 2026), None);
    }

    #[test]
    fn the_reporting_year_turns_when_next_year_s_first_window_opens() {
        let calendar = CalendarConfig::default();
        let day = |d, m, y| Date::new(y, m, d).unwrap();
        assert_eq!(reporting_year(&calendar, day(14, 12, 2026)), 2026);
        assert_eq!(reporting_year(&calendar, day(15, 12, 2026)), 2027);
        let docs = vec![
            doc(DocumentKind::Records, "QLHT", 2027),
            doc(DocumentKind::Records, "QLHT", 2026),
            doc(DocumentKind::Review, "QLHT", 2028),
        ];
        assert_eq!(record_years(&docs, "QLHT"), [2026, 2027]);
        let current = reporting_year(&calendar, day(15, 12, 2026));
        assert_eq!(pick_year(&docs, "QLHT", current), Some(2027));
        assert_eq!(
            pick_year(&docs[1..], "QLHT", current),
            Some(2026),
            "2027 not opened yet: the year before"
        );
    }

    #[test]
    fn history_is_the_task_s_when_descriptions_name_it() {
        let entry = |what: &str| HistoryEntry {
            hash: String::new(),
            time: 0,
            user: "lan".into(),
            device: "dev-1".into(),
            what: what.into(),
            receipt: None,
            author_differs: false,
        };
        let task = TaskId("PAR_INDEX/I/1".into());
        let (all, of_task) = history_of(vec![entry("status=done"), entry("progress=5")], &task);
        assert_eq!((all.len(), of_task), (2, false));
        let (mine, of_task) = history_of(
            vec![
                entry("PAR_INDEX/I/1 status=done"),
                entry("PAR_INDEX/I/2 progress=5"),
            ],
            &task,
        );
        assert_eq!((mine.len(), of_task), (1, true));
    }
}
