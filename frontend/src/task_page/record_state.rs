//! The task page's record state: which unit's record of the open task is shown, the reporting
//! period, what the user is typing and where saving stands. One [`Reducible`] value changed only
//! through [`RecordAction`]s; the component runs the backend calls the state asks for
//! (`n_unit_loads`, `n_loads`).

use std::collections::BTreeMap;
use std::rc::Rc;

use shared::calendar::{CalendarConfig, Date, PeriodId, PeriodKind};
use shared::TaskId;
use yew::Reducible;

use crate::backend::{BackendError, RecordUnits, RecordView, TextField, Verdict};

/// A field the user types into: its draft is kept until saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    Progress,
    Text(PeriodId, TextField),
    Actual(PeriodId, usize),
}

#[derive(Debug, Clone, PartialEq)]
pub enum RecordLoad {
    /// No unit to show yet (units still loading, or none).
    Idle,
    Loading,
    Loaded(Rc<RecordView>),
    Failed(BackendError),
}

#[derive(Debug, Clone, PartialEq)]
pub struct RecordState {
    pub task: Option<TaskId>,
    /// The units the user may see; `None` while loading.
    pub units: Option<Result<RecordUnits, BackendError>>,
    /// The unit whose record is shown.
    pub unit: Option<String>,
    pub load: RecordLoad,
    /// The period the user chose; `None` means the next one due.
    pub chosen_period: Option<PeriodId>,
    /// Text typed but not saved yet.
    pub drafts: BTreeMap<Field, String>,
    /// Fields whose typed text is not a number.
    pub invalid: Vec<Field>,
    /// Edits sent and not answered yet.
    pub n_saving: u32,
    /// How the last answered edit went: `None` before the first edit.
    pub last_save: Option<Result<(), BackendError>>,
    /// Bumped when the unit list must be (re)loaded.
    pub n_unit_loads: u32,
    /// Bumped when the record must be (re)loaded.
    pub n_loads: u32,
    /// The plan's reporting calendar (which period is due next).
    pub calendar: CalendarConfig,
    /// A reviewer's comment being typed for the shown period's verdict.
    pub verdict_comment: String,
    /// Where giving a verdict stands.
    pub verdict: VerdictSending,
}

/// Where a reviewer's verdict stands.
#[derive(Debug, Clone, PartialEq)]
pub enum VerdictSending {
    Idle,
    Sending(Verdict),
    Saved(Verdict),
    /// A return without a comment is refused before anything is sent.
    CommentMissing,
    Failed(BackendError),
}

impl Default for RecordState {
    fn default() -> RecordState {
        RecordState {
            task: None,
            units: None,
            unit: None,
            load: RecordLoad::Idle,
            chosen_period: None,
            drafts: BTreeMap::new(),
            invalid: Vec::new(),
            n_saving: 0,
            last_save: None,
            n_unit_loads: 0,
            n_loads: 0,
            calendar: CalendarConfig::default(),
            verdict_comment: String::new(),
            verdict: VerdictSending::Idle,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum RecordAction {
    /// Show the record of this task (the selected task changed, or someone logged in).
    Open(TaskId),
    UnitsLoaded(RecordUnits),
    UnitsFailed(BackendError),
    SelectUnit(String),
    Loaded(RecordView),
    LoadFailed(BackendError),
    /// Read the units and the record again (sync brought changes); the record stays on screen.
    Refresh,
    /// The plan's reporting calendar (the plan was loaded or changed).
    SetCalendar(CalendarConfig),
    /// A reviewer types the verdict's comment.
    VerdictComment(String),
    /// A reviewer gives a verdict; it goes out unless a return lacks a comment.
    GiveVerdict(Verdict),
    VerdictSaved(Verdict),
    VerdictFailed(BackendError),
    /// Show this unit's record and this period, when available (a screen opened the task on
    /// them).
    Focus {
        unit: Option<String>,
        period: Option<PeriodId>,
    },
    SelectPeriod(PeriodId),
    Draft(Field, String),
    /// The typed text is not a number.
    Invalid(Field),
    SaveStarted,
    /// An edit was saved; `draft` is the text it saved (its draft goes unless typed further).
    Saved(Option<(Field, String)>),
    SaveFailed(BackendError),
}

/// Where saving stands, as the save indicator shows it.
#[derive(Debug, Clone, PartialEq)]
pub enum SaveIndicator {
    Saving,
    /// Saved on this machine; the server has not confirmed every change yet.
    SavedLocally,
    Synced,
    Failed(BackendError),
}

/// The period a record opens on: the next one due, within the record's year.
pub fn default_period(calendar: &CalendarConfig, today: Date, year: i32) -> PeriodId {
    let due = calendar.next_due(today);
    if due.year == year {
        due
    } else if due.year > year {
        PeriodId {
            year,
            kind: PeriodKind::Year,
        }
    } else {
        PeriodId {
            year,
            kind: PeriodKind::Q1,
        }
    }
}

impl RecordState {
    pub fn view(&self) -> Option<&Rc<RecordView>> {
        match &self.load {
            RecordLoad::Loaded(view) => Some(view),
            _ => None,
        }
    }

    /// The reporting period shown.
    pub fn period(&self) -> Option<PeriodId> {
        let view = self.view()?;
        Some(
            self.chosen_period
                .filter(|p| p.year == view.year)
                .unwrap_or_else(|| default_period(&self.calendar, view.today, view.year)),
        )
    }

    /// Whether the shown record may be edited, and its period's texts and actuals too.
    pub fn editable(&self) -> (bool, bool) {
        let Some(view) = self.view() else {
            return (false, false);
        };
        let locked = self.period().is_some_and(|p| view.is_locked(p));
        (view.writable, view.writable && !locked)
    }

    /// What the save indicator says, given how many changes the server has not confirmed.
    pub fn save_indicator(&self, n_unconfirmed: usize) -> Option<SaveIndicator> {
        if self.n_saving > 0 {
            return Some(SaveIndicator::Saving);
        }
        match self.last_save.as_ref()? {
            Err(err) => Some(SaveIndicator::Failed(err.clone())),
            Ok(()) if n_unconfirmed > 0 => Some(SaveIndicator::SavedLocally),
            Ok(()) => Some(SaveIndicator::Synced),
        }
    }

    /// The new state after `action`; a pure function, so tests call it directly.
    pub fn apply(&self, action: RecordAction) -> RecordState {
        let mut next = self.clone();
        match action {
            RecordAction::Open(task) => {
                next = RecordState {
                    task: Some(task),
                    // The user's choices stay while moving from task to task.
                    unit: self.unit.clone(),
                    chosen_period: self.chosen_period,
                    n_unit_loads: self.n_unit_loads + 1,
                    n_loads: self.n_loads,
                    calendar: self.calendar.clone(),
                    ..RecordState::default()
                };
            }
            RecordAction::UnitsLoaded(units) => {
                let keep = self.unit.as_ref().filter(|u| units.units.contains(u));
                next.unit = keep.cloned().or_else(|| units.units.first().cloned());
                if next.unit.is_some() {
                    if !matches!(self.load, RecordLoad::Loaded(_)) || next.unit != self.unit {
                        next.load = RecordLoad::Loading;
                    }
                    next.n_loads += 1;
                } else {
                    next.load = RecordLoad::Idle;
                }
                next.units = Some(Ok(units));
            }
            RecordAction::UnitsFailed(err) => {
                next.units = Some(Err(err));
                next.load = RecordLoad::Idle;
            }
            RecordAction::SelectUnit(unit) => {
                let known = matches!(&self.units, Some(Ok(u)) if u.units.contains(&unit));
                if known && self.unit.as_ref() != Some(&unit) {
                    next.unit = Some(unit);
                    next.load = RecordLoad::Loading;
                    next.drafts.clear();
                    next.invalid.clear();
                    next.verdict_comment.clear();
                    next.verdict = VerdictSending::Idle;
                    next.n_loads += 1;
                }
            }
            RecordAction::Loaded(view) => {
                let current = self.task.as_ref() == Some(&view.record.task_id)
                    && self.unit.as_ref() == Some(&view.unit);
                if current {
                    next.load = RecordLoad::Loaded(Rc::new(view));
                }
            }
            RecordAction::LoadFailed(err) => {
                // A background reload that fails leaves the record on screen.
                if self.view().is_none() {
                    next.load = RecordLoad::Failed(err);
                }
            }
            RecordAction::Refresh => {
                if self.task.is_some() {
                    next.n_unit_loads += 1;
                }
            }
            RecordAction::SetCalendar(calendar) => next.calendar = calendar,
            RecordAction::VerdictComment(text) => next.verdict_comment = text,
            RecordAction::GiveVerdict(verdict) => {
                if matches!(self.verdict, VerdictSending::Sending(_)) {
                    return next;
                }
                next.verdict =
                    if verdict == Verdict::Returned && self.verdict_comment.trim().is_empty() {
                        VerdictSending::CommentMissing
                    } else {
                        VerdictSending::Sending(verdict)
                    };
            }
            RecordAction::VerdictSaved(verdict) => {
                next.verdict = VerdictSending::Saved(verdict);
                next.verdict_comment.clear();
                next.n_unit_loads += 1;
            }
            RecordAction::VerdictFailed(err) => next.verdict = VerdictSending::Failed(err),
            RecordAction::Focus { unit, period } => {
                if let Some(unit) = unit {
                    let known = matches!(&self.units, Some(Ok(u)) if u.units.contains(&unit));
                    if self.unit.as_ref() != Some(&unit) {
                        next.unit = Some(unit);
                        next.drafts.clear();
                        next.invalid.clear();
                        if known {
                            next.load = RecordLoad::Loading;
                            next.n_loads += 1;
                        }
                    }
                }
                if let Some(period) = period {
                    next.chosen_period = Some(period);
                    // Another year than the one shown: that year's record is read.
                    let other_year = self.view().is_some_and(|v| v.year != period.year);
                    if other_year && next.load == self.load {
                        next.drafts.clear();
                        next.invalid.clear();
                        next.load = RecordLoad::Loading;
                        next.n_loads += 1;
                    }
                }
            }
            RecordAction::SelectPeriod(period) => match self.view() {
                Some(view) if view.year == period.year => {
                    next.chosen_period = Some(period);
                    next.verdict = VerdictSending::Idle;
                }
                // Another year's period: that year's record is read (drafts belong to the
                // shown year).
                Some(view) if view.shown_years().contains(&period.year) => {
                    next.chosen_period = Some(period);
                    next.verdict = VerdictSending::Idle;
                    next.verdict_comment.clear();
                    next.drafts.clear();
                    next.invalid.clear();
                    next.load = RecordLoad::Loading;
                    next.n_loads += 1;
                }
                _ => {}
            },
            RecordAction::Draft(field, text) => {
                next.invalid.retain(|f| *f != field);
                next.drafts.insert(field, text);
            }
            RecordAction::Invalid(field) => {
                if !next.invalid.contains(&field) {
                    next.invalid.push(field);
                }
            }
            RecordAction::SaveStarted => next.n_saving += 1,
            RecordAction::Saved(saved) => {
                next.n_saving = self.n_saving.saturating_sub(1);
                next.last_save = Some(Ok(()));
                if let Some((field, text)) = saved {
                    if self.drafts.get(&field) == Some(&text) {
                        next.drafts.remove(&field);
                    }
                }
                // Read the record back: competing versions and history change with the edit.
                next.n_loads += 1;
            }
            RecordAction::SaveFailed(err) => {
                next.n_saving = self.n_saving.saturating_sub(1);
                next.last_save = Some(Err(err));
                next.n_loads += 1;
            }
        }
        next
    }
}

impl Reducible for RecordState {
    type Action = RecordAction;

    fn reduce(self: Rc<Self>, action: RecordAction) -> Rc<Self> {
        Rc::new(self.apply(action))
    }
}

#[cfg(test)]
mod tests {
    use expect_test::{expect, Expect};

    use super::*;
    use crate::backend::{ErrorCode, PeriodRecord, TaskRecord, TaskStatus, Version, Versions};

    fn task() -> TaskId {
        TaskId("PAR_INDEX/I/1".into())
    }

    fn units(list: &[&str]) -> RecordUnits {
        RecordUnits {
            own_unit: "QLHT".into(),
            role: "staff".into(),
            units: list.iter().map(|u| u.to_string()).collect(),
            unit_names: Default::default(),
        }
    }

    fn view(unit: &str, result: &str) -> RecordView {
        let periods = PeriodId::of_year(2026)
            .into_iter()
            .map(|period| PeriodRecord {
                period,
                result: result.into(),
                difficulties: String::new(),
                proposals: String::new(),
                notes: String::new(),
                actuals: Vec::new(),
                evidence: Vec::new(),
                sent: None,
            })
            .collect();
        RecordView {
            unit: unit.into(),
            year: 2026,
            years: vec![2026],
            writable: unit == "QLHT",
            today: Date::new(2026, 7, 20).unwrap(),
            record: TaskRecord {
                task_id: task(),
                status: Versions {
                    values: vec![Version {
                        value: TaskStatus::InProgress,
                        device: "dev-a".into(),
                    }],
                },
                progress: Versions::default(),
                periods,
            },
            reviews: Vec::new(),
            history: Vec::new(),
            history_of_task: false,
            people: Default::default(),
        }
    }

    /// Applies each action to a fresh state and prints one line per step: the action's name and
    /// what the screen would show.
    fn check(actions: Vec<RecordAction>, n_unconfirmed: usize, expect: Expect) {
        let mut state = RecordState::default();
        let mut out = Vec::new();
        for action in actions {
            let name = format!("{action:?}");
            let name = name
                .split(['(', ' '])
                .next()
                .unwrap_or_default()
                .to_string();
            state = state.apply(action);
            out.push(format!("{name}: {}", render(&state, n_unconfirmed)));
        }
        expect.assert_eq(&out.join("\n"));
    }

    fn render(state: &RecordState, n_unconfirmed: usize) -> String {
        let load = match &state.load {
            RecordLoad::Idle => "idle".to_string(),
            RecordLoad::Loading => "loading".to_string(),
            RecordLoad::Loaded(view) => format!(
                "{}:{:?}",
                view.unit,
                view.period(state.period().unwrap())
                    .map(|p| p.result.as_str())
            ),
            RecordLoad::Failed(err) => format!("failed {:?}", err.code),
        };
        let period = state.period().map_or("-".to_string(), |p| p.to_string());
        let drafts: Vec<String> = state
            .drafts
            .iter()
            .map(|(f, t)| format!("{f:?}={t:?}"))
            .collect();
        format!(
            "unit={} load={load} period={period} editable={:?} drafts=[{}] invalid={:?} save={:?} loads={}/{}",
            state.unit.as_deref().unwrap_or("-"),
            state.editable(),
            drafts.join(", "),
            state.invalid,
            state.save_indicator(n_unconfirmed),
            state.n_unit_loads,
            state.n_loads,
        )
    }

    /// `view` for `year`, with the unit's records of 2026 and 2027 on the laptop.
    fn view_of_year(year: i32, result: &str) -> RecordView {
        let mut view = view("QLHT", result);
        view.year = year;
        view.years = vec![2026, 2027];
        for (record, period) in view.record.periods.iter_mut().zip(PeriodId::of_year(year)) {
            record.period = period;
        }
        view
    }

    #[test]
    fn choosing_another_year_s_period_reads_that_year_s_record() {
        check(
            vec![
                RecordAction::Open(task()),
                RecordAction::UnitsLoaded(units(&["QLHT"])),
                RecordAction::Loaded(view_of_year(2026, "năm 2026")),
                RecordAction::Draft(Field::Progress, "40".into()),
                RecordAction::SelectPeriod("2027-Q1".parse().unwrap()),
                RecordAction::Loaded(view_of_year(2027, "quý I/2027")),
                RecordAction::SelectPeriod("2028-Q1".parse().unwrap()),
                RecordAction::Focus {
                    unit: None,
                    period: Some("2026".parse().unwrap()),
                },
                RecordAction::Loaded(view_of_year(2026, "năm 2026")),
            ],
            0,
            expect![[r#"
                Open: unit=- load=idle period=- editable=(false, false) drafts=[] invalid=[] save=None loads=1/0
                UnitsLoaded: unit=QLHT load=loading period=- editable=(false, false) drafts=[] invalid=[] save=None loads=1/1
                Loaded: unit=QLHT load=QLHT:Some("năm 2026") period=2026-Q3 editable=(true, true) drafts=[] invalid=[] save=None loads=1/1
                Draft: unit=QLHT load=QLHT:Some("năm 2026") period=2026-Q3 editable=(true, true) drafts=[Progress="40"] invalid=[] save=None loads=1/1
                SelectPeriod: unit=QLHT load=loading period=- editable=(false, false) drafts=[] invalid=[] save=None loads=1/2
                Loaded: unit=QLHT load=QLHT:Some("quý I/2027") period=2027-Q1 editable=(true, true) drafts=[] invalid=[] save=None loads=1/2
                SelectPeriod: unit=QLHT load=QLHT:Some("quý I/2027") period=2027-Q1 editable=(true, true) drafts=[] invalid=[] save=None loads=1/2
                Focus: unit=QLHT load=loading period=- editable=(false, false) drafts=[] invalid=[] save=None loads=1/3
                Loaded: unit=QLHT load=QLHT:Some("năm 2026") period=2026 editable=(true, true) drafts=[] invalid=[] save=None loads=1/3"#]],
        );
    }

    #[test]
    fn opening_a_task_loads_the_own_unit_s_record_on_the_next_period_due() {
        check(
            vec![
                RecordAction::Open(task()),
                RecordAction::UnitsLoaded(units(&["QLHT", "VP"])),
                RecordAction::Loaded(view("QLHT", "đã làm")),
                RecordAction::SelectPeriod("2026-Q1".parse().unwrap()),
                RecordAction::SelectPeriod("2025".parse().unwrap()),
            ],
            0,
            expect![[r#"
                Open: unit=- load=idle period=- editable=(false, false) drafts=[] invalid=[] save=None loads=1/0
                UnitsLoaded: unit=QLHT load=loading period=- editable=(false, false) drafts=[] invalid=[] save=None loads=1/1
                Loaded: unit=QLHT load=QLHT:Some("đã làm") period=2026-Q3 editable=(true, true) drafts=[] invalid=[] save=None loads=1/1
                SelectPeriod: unit=QLHT load=QLHT:Some("đã làm") period=2026-Q1 editable=(true, true) drafts=[] invalid=[] save=None loads=1/1
                SelectPeriod: unit=QLHT load=QLHT:Some("đã làm") period=2026-Q1 editable=(true, true) drafts=[] invalid=[] save=None loads=1/1"#]],
        );
    }

    #[test]
    fn another_unit_s_record_is_read_only_and_stale_answers_are_dropped() {
        check(
            vec![
                RecordAction::Open(task()),
                RecordAction::UnitsLoaded(units(&["QLHT", "VP"])),
                RecordAction::SelectUnit("VP".into()),
                RecordAction::Loaded(view("QLHT", "cũ")),
                RecordAction::Loaded(view("VP", "của VP")),
                RecordAction::SelectUnit("KHTC".into()),
            ],
            0,
            expect![[r#"
                Open: unit=- load=idle period=- editable=(false, false) drafts=[] invalid=[] save=None loads=1/0
                UnitsLoaded: unit=QLHT load=loading period=- editable=(false, false) drafts=[] invalid=[] save=None loads=1/1
                SelectUnit: unit=VP load=loading period=- editable=(false, false) drafts=[] invalid=[] save=None loads=1/2
                Loaded: unit=VP load=loading period=- editable=(false, false) drafts=[] invalid=[] save=None loads=1/2
                Loaded: unit=VP load=VP:Some("của VP") period=2026-Q3 editable=(false, false) drafts=[] invalid=[] save=None loads=1/2
                SelectUnit: unit=VP load=VP:Some("của VP") period=2026-Q3 editable=(false, false) drafts=[] invalid=[] save=None loads=1/2"#]],
        );
    }

    #[test]
    fn typing_saves_and_waits_for_the_server() {
        let field = Field::Text("2026-Q3".parse().unwrap(), TextField::Result);
        let steps = vec![
            RecordAction::Open(task()),
            RecordAction::UnitsLoaded(units(&["QLHT"])),
            RecordAction::Loaded(view("QLHT", "")),
            RecordAction::Draft(field, "Đã kiểm".into()),
            RecordAction::SaveStarted,
            RecordAction::Draft(field, "Đã kiểm tra".into()),
            RecordAction::Saved(Some((field, "Đã kiểm".into()))),
            RecordAction::SaveStarted,
            RecordAction::Saved(Some((field, "Đã kiểm tra".into()))),
        ];
        check(
            steps.clone(),
            1,
            expect![[r#"
                Open: unit=- load=idle period=- editable=(false, false) drafts=[] invalid=[] save=None loads=1/0
                UnitsLoaded: unit=QLHT load=loading period=- editable=(false, false) drafts=[] invalid=[] save=None loads=1/1
                Loaded: unit=QLHT load=QLHT:Some("") period=2026-Q3 editable=(true, true) drafts=[] invalid=[] save=None loads=1/1
                Draft: unit=QLHT load=QLHT:Some("") period=2026-Q3 editable=(true, true) drafts=[Text(PeriodId { year: 2026, kind: Q3 }, Result)="Đã kiểm"] invalid=[] save=None loads=1/1
                SaveStarted: unit=QLHT load=QLHT:Some("") period=2026-Q3 editable=(true, true) drafts=[Text(PeriodId { year: 2026, kind: Q3 }, Result)="Đã kiểm"] invalid=[] save=Some(Saving) loads=1/1
                Draft: unit=QLHT load=QLHT:Some("") period=2026-Q3 editable=(true, true) drafts=[Text(PeriodId { year: 2026, kind: Q3 }, Result)="Đã kiểm tra"] invalid=[] save=Some(Saving) loads=1/1
                Saved: unit=QLHT load=QLHT:Some("") period=2026-Q3 editable=(true, true) drafts=[Text(PeriodId { year: 2026, kind: Q3 }, Result)="Đã kiểm tra"] invalid=[] save=Some(SavedLocally) loads=1/2
                SaveStarted: unit=QLHT load=QLHT:Some("") period=2026-Q3 editable=(true, true) drafts=[Text(PeriodId { year: 2026, kind: Q3 }, Result)="Đã kiểm tra"] invalid=[] save=Some(Saving) loads=1/2
                Saved: unit=QLHT load=QLHT:Some("") period=2026-Q3 editable=(true, true) drafts=[] invalid=[] save=Some(SavedLocally) loads=1/3"#]],
        );
        let mut state = RecordState::default();
        for step in steps {
            state = state.apply(step);
        }
        assert_eq!(
            state.save_indicator(0),
            Some(SaveIndicator::Synced),
            "once the server confirmed every change"
        );
    }

    #[test]
    fn a_locked_period_is_read_only_and_failures_are_shown() {
        let mut locked = view("QLHT", "xong");
        locked.reviews.push(crate::backend::PeriodReview {
            period: "2026-Q3".parse().unwrap(),
            verdict: Versions {
                values: vec![Version {
                    value: crate::backend::Verdict::Accepted,
                    device: "dev-vp".into(),
                }],
            },
            comment: String::new(),
            by: Some("thu".into()),
            at: Some(0),
        });
        check(
            vec![
                RecordAction::Open(task()),
                RecordAction::UnitsLoaded(units(&["QLHT"])),
                RecordAction::Loaded(locked),
                RecordAction::Draft(Field::Actual("2026".parse().unwrap(), 0), "abc".into()),
                RecordAction::Invalid(Field::Actual("2026".parse().unwrap(), 0)),
                RecordAction::SaveStarted,
                RecordAction::SaveFailed(BackendError::new(ErrorCode::PeriodLocked, "locked")),
                RecordAction::LoadFailed(BackendError::new(ErrorCode::NotDownloaded, "x")),
            ],
            0,
            expect![[r#"
                Open: unit=- load=idle period=- editable=(false, false) drafts=[] invalid=[] save=None loads=1/0
                UnitsLoaded: unit=QLHT load=loading period=- editable=(false, false) drafts=[] invalid=[] save=None loads=1/1
                Loaded: unit=QLHT load=QLHT:Some("xong") period=2026-Q3 editable=(true, false) drafts=[] invalid=[] save=None loads=1/1
                Draft: unit=QLHT load=QLHT:Some("xong") period=2026-Q3 editable=(true, false) drafts=[Actual(PeriodId { year: 2026, kind: Year }, 0)="abc"] invalid=[] save=None loads=1/1
                Invalid: unit=QLHT load=QLHT:Some("xong") period=2026-Q3 editable=(true, false) drafts=[Actual(PeriodId { year: 2026, kind: Year }, 0)="abc"] invalid=[Actual(PeriodId { year: 2026, kind: Year }, 0)] save=None loads=1/1
                SaveStarted: unit=QLHT load=QLHT:Some("xong") period=2026-Q3 editable=(true, false) drafts=[Actual(PeriodId { year: 2026, kind: Year }, 0)="abc"] invalid=[Actual(PeriodId { year: 2026, kind: Year }, 0)] save=Some(Saving) loads=1/1
                SaveFailed: unit=QLHT load=QLHT:Some("xong") period=2026-Q3 editable=(true, false) drafts=[Actual(PeriodId { year: 2026, kind: Year }, 0)="abc"] invalid=[Actual(PeriodId { year: 2026, kind: Year }, 0)] save=Some(Failed(IpcError { code: PeriodLocked, message: "locked" })) loads=1/2
                LoadFailed: unit=QLHT load=QLHT:Some("xong") period=2026-Q3 editable=(true, false) drafts=[Actual(PeriodId { year: 2026, kind: Year }, 0)="abc"] invalid=[Actual(PeriodId { year: 2026, kind: Year }, 0)] save=Some(Failed(IpcError { code: PeriodLocked, message: "locked" })) loads=1/2"#]],
        );
    }

    #[test]
    fn no_unit_reports_on_the_task() {
        let state = RecordState::default()
            .apply(RecordAction::Open(task()))
            .apply(RecordAction::UnitsLoaded(units(&[])));
        assert_eq!(state.load, RecordLoad::Idle);
        assert_eq!(state.unit, None);
        let refreshed = state.apply(RecordAction::Refresh);
        assert_eq!(refreshed.n_unit_loads, state.n_unit_loads + 1);
    }

    #[test]
    fn the_default_period_stays_in_the_record_s_year() {
        let date = |y, m, d| Date::new(y, m, d).unwrap();
        assert_eq!(
            default_period(&CalendarConfig::default(), date(2026, 2, 1), 2026).to_string(),
            "2026-Q1"
        );
        assert_eq!(
            default_period(&CalendarConfig::default(), date(2026, 11, 28), 2026).to_string(),
            "2026"
        );
        assert_eq!(
            default_period(&CalendarConfig::default(), date(2026, 12, 20), 2026).to_string(),
            "2026"
        );
        assert_eq!(
            default_period(&CalendarConfig::default(), date(2025, 12, 20), 2026).to_string(),
            "2026-Q1"
        );
    }

    #[test]
    fn a_verdict_is_sent_once_and_a_return_needs_a_comment() {
        let state = RecordState::default()
            .apply(RecordAction::Open(task()))
            .apply(RecordAction::GiveVerdict(Verdict::Returned));
        assert_eq!(state.verdict, VerdictSending::CommentMissing);
        let sending = state
            .apply(RecordAction::VerdictComment("Bổ sung minh chứng".into()))
            .apply(RecordAction::GiveVerdict(Verdict::Returned));
        assert_eq!(sending.verdict, VerdictSending::Sending(Verdict::Returned));
        assert_eq!(
            sending
                .apply(RecordAction::GiveVerdict(Verdict::Accepted))
                .verdict,
            VerdictSending::Sending(Verdict::Returned),
            "one verdict at a time"
        );
        let saved = sending.apply(RecordAction::VerdictSaved(Verdict::Returned));
        assert_eq!(saved.verdict, VerdictSending::Saved(Verdict::Returned));
        assert!(saved.verdict_comment.is_empty());
        assert_eq!(saved.n_unit_loads, sending.n_unit_loads + 1, "read again");
        let accepted = saved.apply(RecordAction::GiveVerdict(Verdict::Accepted));
        assert_eq!(
            accepted.verdict,
            VerdictSending::Sending(Verdict::Accepted),
            "accepting needs no comment"
        );
    }
}
