//! A unit's record of a task as it crosses IPC (the answers of `record_units` and `read_record`,
//! and the `edit` of `edit_record`).
//!
//! These are `shared::record`'s types, the very ones the app serialises, so the two sides cannot
//! drift apart; the tests pin the JSON form the app relies on.

pub use shared::record::{
    Evidence, HistoryEntry, PeriodRecord, PeriodReview, RecordEdit, RecordUnits, RecordView,
    TaskRecord, TaskStatus, TextField, Verdict, Version, Versions,
};

#[cfg(test)]
mod tests {
    use super::*;
    use shared::calendar::PeriodId;

    #[test]
    fn edits_serialise_as_the_app_reads_them() {
        let edit = RecordEdit::Text {
            period: "2026-Q3".parse().unwrap(),
            field: TextField::Result,
            text: "Đã xong".into(),
        };
        assert_eq!(
            serde_json::to_string(&edit).unwrap(),
            r#"{"edit":"text","period":"2026-Q3","field":"result","text":"Đã xong"}"#
        );
        assert_eq!(
            serde_json::to_string(&RecordEdit::Status {
                status: TaskStatus::InProgress
            })
            .unwrap(),
            r#"{"edit":"status","status":"in_progress"}"#
        );
    }

    #[test]
    fn reads_a_record_view() {
        let json = r#"{"unit":"QLHT","year":2026,"writable":true,"today":{"year":2026,"month":11,"day":28},
            "record":{"task_id":"PAR_INDEX/I/1","status":{"values":[{"value":"done","device":"dev-a"},{"value":"in_progress","device":"dev-b"}]},
            "progress":{"values":[]},"periods":[{"period":"2026","result":"xong","difficulties":"","proposals":"","notes":"","actuals":[[0,{"values":[{"value":3.0,"device":"dev-a"}]}]]}]},
            "reviews":[{"period":"2026","verdict":{"values":[{"value":"returned","device":"dev-c"}]},"comment":"Bổ sung","by":"thu","at":1}],
            "history":[{"hash":"h","time":1,"user":"lan","device":"dev-a","what":"status=done"}],"history_of_task":false}"#;
        let view: RecordView = serde_json::from_str(json).unwrap();
        assert!(view.record.status.is_conflict());
        let year: PeriodId = "2026".parse().unwrap();
        assert_eq!(view.period(year).unwrap().actual(0), Some(3.0));
        assert!(!view.is_locked(year));
        assert_eq!(
            view.review(year).unwrap().verdict.current(),
            Some(&Verdict::Returned)
        );
    }
}
