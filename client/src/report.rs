//! A period's report over the documents on this laptop (every unit's that has arrived, or one
//! unit's), built with [`shared::report`]. The units' parts are kept between builds
//! ([`PartCache`]): a refresh after one unit's change reads only that unit's documents again,
//! the others are compared by their heads.

use automerge::{Automerge, ChangeHash};
use shared::calendar::{Date, PeriodId};
use shared::documents::DocumentKind;
use shared::report::{
    self, PartCache, PartKey, Report, ReportContext, ReportError, Scope, UnitDocuments,
};
use shared::Plan;

use crate::client::Client;
use crate::doc_info::DocInfo;

/// Why a report could not be built.
#[derive(Debug, thiserror::Error)]
pub enum ReportFailure {
    /// A unit's report was asked for and its records for the year are not on this laptop.
    #[error("no records of {unit} for {year} are on this laptop yet")]
    NoRecords { unit: String, year: i32 },
    #[error(transparent)]
    Report(#[from] ReportError),
}

impl Client {
    /// The report of `period` for `scope`, made on `today`, over the documents on this laptop.
    /// Documents not downloaded yet are left out (the office sees the units that have
    /// arrived); a unit whose documents cannot be read is named in the report.
    pub async fn report(
        &self,
        plan: &Plan,
        period: PeriodId,
        scope: Scope,
        today: Date,
    ) -> Result<Report, ReportFailure> {
        let calendar = plan.calendar();
        let context = ReportContext {
            plan,
            period,
            calendar: &calendar,
            today,
        };
        let only = match &scope {
            Scope::AllUnits => None,
            Scope::Unit(code) => Some(code.clone()),
        };
        let docs = self.documents();
        let mut cache = self.inner.report_parts.lock().await;
        cache.use_context(&context);
        let mut order = Vec::new();
        for info in docs.iter().filter(|d| {
            d.kind == DocumentKind::Records
                && d.year == Some(period.year)
                && only
                    .as_ref()
                    .is_none_or(|code| d.unit.as_ref() == Some(code))
        }) {
            let Some(code) = info.unit.clone() else {
                continue;
            };
            if self
                .bring_part_up_to_date(&mut cache, &context, &code, info)
                .await
            {
                order.push(code);
            }
        }
        if let (Some(unit), true) = (only, order.is_empty()) {
            return Err(ReportFailure::NoRecords {
                unit,
                year: period.year,
            });
        }
        let order: Vec<&str> = order.iter().map(String::as_str).collect();
        Ok(cache.assemble(&context, &order, &scope)?)
    }

    /// Reads the unit's documents again unless the part kept was read from the same heads;
    /// false when its records are not here.
    async fn bring_part_up_to_date(
        &self,
        cache: &mut PartCache,
        context: &ReportContext<'_>,
        code: &str,
        records_info: &DocInfo,
    ) -> bool {
        let Some(records_heads) = self.heads_of(records_info).await else {
            return false;
        };
        let review_info = self.review_doc_for(code, context.period.year);
        let review_heads = match &review_info {
            Some(review) => self.heads_of(review).await,
            None => None,
        };
        let name = records_info
            .unit_name
            .clone()
            .unwrap_or_else(|| code.to_string());
        let key = PartKey {
            name,
            records: records_heads,
            review: review_heads,
        };
        if cache.get(code, &key).is_some() {
            return true;
        }
        let Some(records) = self.copy_of(records_info).await else {
            return false;
        };
        let review = match &review_info {
            Some(review) => self.copy_of(review).await,
            None => None,
        };
        // Keyed by what was read: a change may have arrived since the heads were asked.
        let key = PartKey {
            name: key.name,
            records: records.get_heads(),
            review: review.as_ref().map(Automerge::get_heads),
        };
        let part = report::read_unit(
            context,
            &UnitDocuments {
                code,
                name: &key.name,
                records: &records,
                review: review.as_ref(),
            },
        );
        cache.insert(key, part);
        true
    }

    async fn heads_of(&self, info: &DocInfo) -> Option<Vec<ChangeHash>> {
        self.doc_heads(&info.id).await.ok()
    }

    async fn copy_of(&self, info: &DocInfo) -> Option<Automerge> {
        match self.with_doc(&info.id, Automerge::clone).await {
            Ok(doc) => Some(doc),
            Err(err) => {
                tracing::debug!("document {} left out of the report: {err}", info.id);
                None
            }
        }
    }
}
