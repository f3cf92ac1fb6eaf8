//! The report of a reporting period: per index and section, each task with its lead, the units
//! reporting on it, each unit's status, result, difficulties, proposals, actuals against targets
//! and the office's appraisal, with completion totals ("31/75 nhiệm vụ, 41,33%").
//!
//! [`build`] reads the plan and each unit's records and review documents and returns a plain
//! [`Report`] value that the DOCX and XLSX writers (in the server) lay out. It is pure: the date
//! the report is made (`today`, which decides what is overdue) is a parameter. A report covers
//! every unit (the consolidated report the office hands upward) or one unit ([`Scope::Unit`]).
//!
//! One unit's data that cannot be read never stops the consolidated report: a records or review
//! document that does not read as a whole (wrong header, no map of tasks) is named in
//! [`Report::unreadable`], and a part of a task's record that does not (a value of the wrong
//! type, a map replaced by a value) reads as empty and is named in [`UnitReport::unreadable`];
//! [`Report::read_notices`] says both in words. A per-unit report of a unit whose records cannot
//! be read is an error naming it.

#[cfg(feature = "documents")]
mod build;
#[cfg(feature = "documents")]
mod cache;
mod heading;
mod model;
mod notices;
#[cfg(all(test, feature = "documents"))]
mod tests;

pub use heading::{HeadingField, HeadingParticulars, ReportHeading, Signer};
pub use model::{
    format_number, ActualReport, Completion, IndexReport, PlanCitation, ReadNotice, Report,
    ReportStatus, ReportUnit, ReviewReport, SectionReport, TaskReport, UnitReport,
    UnreadableDocument, UnreadableRole,
};

#[cfg(feature = "documents")]
pub use build::{
    assemble, build, read_unit, ReportContext, ReportError, ReportRequest, Scope, UnitDocuments,
    UnitPart,
};
#[cfg(feature = "documents")]
pub use cache::{PartCache, PartKey};
