//! A period's report over the documents on this laptop (every unit's that has arrived, or one
//! unit's), built with [`shared::report`]. The units' parts are kept between builds
//! ([`PartCache`]): a refresh after one unit's change reads only that unit's documents again,
//! the others are compared by their heads.
//!
//! Parts are also kept on disk (`report_parts` in `client.sqlite3`), so the first report after
//! a start reads no document whose heads are those of a kept part. The heads of a document not
//! loaded in this process are read from its stored chunks' headers
//! ([`storage::SqliteStorage::stored_heads`]), so a start loads no document at all when nothing
//! changed: loading a unit's records with a year of history, and reading them, is what made
//! the first dashboard take seconds.

use std::collections::HashMap;

use automerge::{Automerge, ChangeHash};
use samod::DocumentId;
use sha2::{Digest, Sha256};
use shared::calendar::{Date, PeriodId};
use shared::documents::DocumentKind;
use shared::report::{
    self, PartCache, PartKey, Report, ReportContext, ReportError, Scope, UnitDocuments, UnitPart,
};
use shared::Plan;

use crate::client::Client;
use crate::doc_info::DocInfo;
use crate::local_db::StoredPart;

/// Bumped whenever what a kept part holds, or how it is read, changes: parts kept by another
/// version are then read again.
const PART_FORMAT: &str = "plansync-report-part/1";

/// Why a report could not be built.
#[derive(Debug, thiserror::Error)]
pub enum ReportFailure {
    /// A unit's report was asked for and its records for the year are not on this laptop.
    #[error("no records of {unit} for {year} are on this laptop yet")]
    NoRecords { unit: String, year: i32 },
    #[error(transparent)]
    Report(#[from] ReportError),
}

/// One unit's documents as a report read them: the heads of each (sorted), so the report can
/// record what it was built from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitReadAt {
    pub code: String,
    /// The unit's name as the report shows it.
    pub name: String,
    pub records: (DocumentId, Vec<ChangeHash>),
    pub review: Option<(DocumentId, Vec<ChangeHash>)>,
}

/// One unit's documents of the report's year.
struct UnitDocs {
    code: String,
    records: DocInfo,
    review: Option<DocInfo>,
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
        Ok(self.report_read_at(plan, period, scope, today).await?.0)
    }

    /// Like [`Client::report`], with the units' documents and the heads each was read at, in
    /// the report's order.
    pub async fn report_read_at(
        &self,
        plan: &Plan,
        period: PeriodId,
        scope: Scope,
        today: Date,
    ) -> Result<(Report, Vec<UnitReadAt>), ReportFailure> {
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
        let units: Vec<UnitDocs> = self
            .documents()
            .into_iter()
            .filter(|d| {
                d.kind == DocumentKind::Records
                    && d.year == Some(period.year)
                    && only
                        .as_ref()
                        .is_none_or(|code| d.unit.as_ref() == Some(code))
            })
            .filter_map(|records| {
                let code = records.unit.clone()?;
                let review = self.review_doc_for(&code, period.year);
                Some(UnitDocs {
                    code,
                    records,
                    review,
                })
            })
            .collect();
        let heads = self
            .heads_now(
                units
                    .iter()
                    .flat_map(|u| std::iter::once(u.records.clone()).chain(u.review.clone()))
                    .collect(),
            )
            .await;
        let fingerprint = context_fingerprint(&context);
        let mut cache = self.inner.report_parts.lock().await;
        cache.use_context(&context);
        let mut kept: Option<HashMap<String, StoredPart>> = None;
        let mut fresh = Vec::new();
        let mut order = Vec::new();
        let mut read_at = Vec::new();
        for unit in &units {
            let Some(records_heads) = heads.get(&unit.records.id) else {
                continue;
            };
            let key = PartKey {
                name: unit
                    .records
                    .unit_name
                    .clone()
                    .unwrap_or_else(|| unit.code.clone()),
                records: records_heads.clone(),
                review: unit
                    .review
                    .as_ref()
                    .and_then(|review| heads.get(&review.id).cloned()),
            };
            if cache.get(&unit.code, &key).is_some() {
                order.push(unit.code.clone());
                remember(&mut read_at, unit, &key);
                continue;
            }
            let kept = kept.get_or_insert_with(|| self.kept_parts(&fingerprint));
            if let Some(part) = kept
                .get(&unit.code)
                .filter(|stored| stored_for(stored, &key))
                .and_then(|stored| UnitPart::from_json(&stored.part))
            {
                remember(&mut read_at, unit, &key);
                cache.insert(key, part);
                order.push(unit.code.clone());
                continue;
            }
            if let Some(key) = self.read_part(&mut cache, &context, unit, key.name).await {
                remember(&mut read_at, unit, &key);
                order.push(unit.code.clone());
                fresh.push(unit.code.as_str());
            }
        }
        if !fresh.is_empty() {
            self.keep_parts(&cache, fingerprint, &fresh);
        }
        if let (Some(unit), true) = (only, order.is_empty()) {
            return Err(ReportFailure::NoRecords {
                unit,
                year: period.year,
            });
        }
        let order: Vec<&str> = order.iter().map(String::as_str).collect();
        Ok((cache.assemble(&context, &order, &scope)?, read_at))
    }

    /// Reads the unit's documents into a part, keyed by the heads read (returned); `None` when
    /// its records are not here.
    async fn read_part(
        &self,
        cache: &mut PartCache,
        context: &ReportContext<'_>,
        unit: &UnitDocs,
        name: String,
    ) -> Option<PartKey> {
        // Both copies asked at once (each a round trip to its document's actor).
        let (records, review) = futures::join!(self.copy_of(&unit.records), async {
            match &unit.review {
                Some(review) => self.copy_of(review).await,
                None => None,
            }
        });
        let records = records?;
        // Keyed by what was read: a change may have arrived since the heads were asked.
        let key = PartKey {
            name,
            records: sorted(records.get_heads()),
            review: review.as_ref().map(|r| sorted(r.get_heads())),
        };
        let part = report::read_unit(
            context,
            &UnitDocuments {
                code: &unit.code,
                name: &key.name,
                records: &records,
                review: review.as_ref(),
            },
        );
        cache.insert(key.clone(), part);
        Some(key)
    }

    /// The current heads of `docs` (sorted): of a document loaded here from memory, else from
    /// what is stored (without loading it), else loaded. Documents not on this laptop are left
    /// out.
    async fn heads_now(&self, docs: Vec<DocInfo>) -> HashMap<DocumentId, Vec<ChangeHash>> {
        let mut heads = HashMap::new();
        let Ok(workspace) = self.inner.workspace() else {
            return heads;
        };
        let mut stored = Vec::new();
        let mut loaded = Vec::new();
        for info in docs {
            match workspace.docs.handle(&info.id) {
                Some(handle) => loaded.push((info.id.clone(), handle)),
                None => stored.push(info.id.clone()),
            }
        }
        // Asked of every loaded document at once: each answer is a round trip to the
        // document's actor, and 60 of them one after the other were most of a refresh.
        let answers = futures::future::join_all(
            loaded
                .iter()
                .map(|(_, handle)| handle.with_document_async(|doc| doc.get_heads())),
        )
        .await;
        for ((id, _), found) in loaded.into_iter().zip(answers) {
            if let Ok(found) = found {
                heads.insert(id, sorted(found));
            }
        }
        let on_disk = workspace
            .storage
            .stored_heads(stored.iter().map(ToString::to_string).collect())
            .await
            .unwrap_or_else(|err| {
                tracing::warn!("cannot read the stored heads: {err}");
                HashMap::new()
            });
        for id in stored {
            match on_disk.get(&id.to_string()) {
                Some(found) if !found.is_empty() => {
                    heads.insert(id, found.clone());
                }
                _ => {
                    if let Ok(found) = self.doc_heads(&id).await {
                        heads.insert(id, sorted(found));
                    }
                }
            }
        }
        heads
    }

    /// The parts kept on disk for the context, by unit.
    fn kept_parts(&self, fingerprint: &str) -> HashMap<String, StoredPart> {
        match self.inner.setup.db.report_parts(fingerprint) {
            Ok(parts) => parts.into_iter().map(|p| (p.unit.clone(), p)).collect(),
            Err(err) => {
                tracing::warn!("cannot read the kept report parts: {err}");
                HashMap::new()
            }
        }
    }

    /// Writes the parts just read to disk, off the caller's path.
    fn keep_parts(&self, cache: &PartCache, fingerprint: String, units: &[&str]) {
        let parts: Vec<StoredPart> = units
            .iter()
            .filter_map(|code| {
                let (key, part) = cache.kept(code)?;
                Some(StoredPart {
                    unit: code.to_string(),
                    name: key.name.clone(),
                    records_heads: heads_text(&key.records),
                    review_heads: key.review.as_deref().map(heads_text),
                    part: part.to_json(),
                })
            })
            .collect();
        let db = self.inner.setup.db.clone();
        let now_ms = self.inner.setup.config.clock.now_ms();
        tokio::task::spawn_blocking(move || {
            if let Err(err) = db.save_report_parts(&fingerprint, &parts, now_ms) {
                tracing::warn!("cannot keep the report parts: {err}");
            }
        });
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

/// Remembers that `unit`'s documents were read at `key`'s heads.
fn remember(read_at: &mut Vec<UnitReadAt>, unit: &UnitDocs, key: &PartKey) {
    read_at.push(UnitReadAt {
        code: unit.code.clone(),
        name: key.name.clone(),
        records: (unit.records.id.clone(), key.records.clone()),
        review: match (&unit.review, &key.review) {
            (Some(info), Some(heads)) => Some((info.id.clone(), heads.clone())),
            _ => None,
        },
    });
}

/// Whether a kept part was read from the documents `key` describes.
fn stored_for(stored: &StoredPart, key: &PartKey) -> bool {
    stored.name == key.name
        && stored.records_heads == heads_text(&key.records)
        && stored.review_heads == key.review.as_deref().map(heads_text)
}

fn sorted(mut heads: Vec<ChangeHash>) -> Vec<ChangeHash> {
    heads.sort_unstable();
    heads
}

/// Heads as kept: hex, in order, joined by commas.
fn heads_text(heads: &[ChangeHash]) -> String {
    let mut text: Vec<String> = heads.iter().map(ToString::to_string).collect();
    text.sort_unstable();
    text.join(",")
}

/// What parts read against `context` share (the plan, period and calendar; not the day, which
/// parts do not depend on), with this program's version and the parts' format.
fn context_fingerprint(context: &ReportContext<'_>) -> String {
    let mut hash = Sha256::new();
    for piece in [
        PART_FORMAT.to_string(),
        env!("CARGO_PKG_VERSION").to_string(),
        context.period.to_string(),
        serde_json::to_string(context.calendar).unwrap_or_default(),
        serde_json::to_string(context.plan).unwrap_or_default(),
    ] {
        hash.update(piece.len().to_le_bytes());
        hash.update(piece.as_bytes());
    }
    format!("{:x}", hash.finalize())
}
