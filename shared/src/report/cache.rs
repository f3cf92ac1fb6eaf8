//! Units' report parts kept between refreshes, so that a refresh after one unit's change reads
//! only that unit's documents again.

use std::collections::HashMap;

use automerge::ChangeHash;

use super::build::{assemble, ReportContext, ReportError, Scope, UnitPart};
use super::model::Report;
use crate::calendar::{CalendarConfig, PeriodId};
use crate::plan::Plan;

/// What a part was read from: the unit's name and the heads of its records and review
/// documents. The same key means the same documents, hence the same part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartKey {
    pub name: String,
    pub records: Vec<ChangeHash>,
    /// `None` when the unit's review document is not on this laptop.
    pub review: Option<Vec<ChangeHash>>,
}

/// The context parts were read against, owned. Not the day: a part does not depend on it
/// (what is overdue is decided when parts are assembled).
#[derive(Debug, Clone, PartialEq)]
struct OwnedContext {
    plan: Plan,
    period: PeriodId,
    calendar: CalendarConfig,
}

impl OwnedContext {
    fn matches(&self, context: &ReportContext<'_>) -> bool {
        self.period == context.period
            && self.calendar == *context.calendar
            && self.plan == *context.plan
    }
}

/// Parts by unit code, all read against one context; a part is reused while its documents'
/// heads are unchanged.
#[derive(Debug, Default)]
pub struct PartCache {
    context: Option<OwnedContext>,
    parts: HashMap<String, (PartKey, UnitPart)>,
}

impl PartCache {
    /// Makes `context` the cache's: every part read against another (another plan, period or
    /// calendar; the day does not matter) is forgotten.
    pub fn use_context(&mut self, context: &ReportContext<'_>) {
        if self.context.as_ref().is_some_and(|c| c.matches(context)) {
            return;
        }
        self.parts.clear();
        self.context = Some(OwnedContext {
            plan: context.plan.clone(),
            period: context.period,
            calendar: context.calendar.clone(),
        });
    }

    /// The unit's part, if it was read from documents with these heads.
    pub fn get(&self, code: &str, key: &PartKey) -> Option<&UnitPart> {
        self.parts
            .get(code)
            .filter(|(held, _)| held == key)
            .map(|(_, part)| part)
    }

    /// The unit's part kept, with what it was read from.
    pub fn kept(&self, code: &str) -> Option<(&PartKey, &UnitPart)> {
        self.parts.get(code).map(|(key, part)| (key, part))
    }

    /// Keeps `part`, read from the documents `key` describes, in place of the unit's last one.
    pub fn insert(&mut self, key: PartKey, part: UnitPart) {
        self.parts.insert(part.code().to_string(), (key, part));
    }

    /// How many units' parts are kept.
    pub fn len(&self) -> usize {
        self.parts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    /// The report of `scope` from the parts of the units in `order` (units without a part are
    /// left out, as units whose documents are not on this laptop). `context` must be the one
    /// last given to [`PartCache::use_context`].
    pub fn assemble(
        &self,
        context: &ReportContext<'_>,
        order: &[&str],
        scope: &Scope,
    ) -> Result<Report, ReportError> {
        debug_assert!(self.context.as_ref().is_some_and(|c| c.matches(context)));
        let parts: Vec<&UnitPart> = order
            .iter()
            .filter_map(|code| self.parts.get(*code).map(|(_, part)| part))
            .collect();
        assemble(context, &parts, scope)
    }
}
