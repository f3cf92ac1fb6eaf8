//! The report of a reporting period: per index and section, each task with its lead, the units
//! reporting on it, each unit's status, result, difficulties, proposals, actuals against targets
//! and the office's appraisal, with completion totals ("31/75 nhiệm vụ, 41,33%").
//!
//! [`build`] reads the plan and each unit's records and review documents and returns a plain
//! [`Report`] value that the DOCX and XLSX writers (in the server) lay out. It is pure: the date
//! the report is made (`today`, which decides what is overdue) is a parameter. A report covers
//! every unit (the consolidated report the office hands upward) or one unit ([`Scope::Unit`]).

#[cfg(feature = "documents")]
mod build;
mod model;
#[cfg(all(test, feature = "documents"))]
mod tests;

pub use model::{
    format_number, ActualReport, Completion, IndexReport, Report, ReportStatus, ReportUnit,
    ReviewReport, SectionReport, TaskReport, UnitReport,
};

#[cfg(feature = "documents")]
pub use build::{build, ReportError, ReportRequest, Scope, UnitDocuments};
