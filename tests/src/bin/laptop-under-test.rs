//! A laptop as a separate process, for tests that kill it (SIGKILL) at an arbitrary moment.
//!
//! `laptop-under-test DATA_DIR SERVER_URL USERNAME PASSWORD UNIT N_EDITS` logs in (unless a
//! session is stored), starts syncing, and makes N edits to the unit's 2026 records, printing
//! `saved I` on stdout after edit I returned (an edit returns once it is durable).

use std::io::Write;
use std::path::Path;

use client::Client;
use shared::calendar::PeriodId;
use shared::documents::records::{self, RecordEdit};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, url, user, password, unit, n_edits] = args.as_slice() else {
        eprintln!("usage: laptop-under-test DATA_DIR SERVER_URL USERNAME PASSWORD UNIT N_EDITS");
        std::process::exit(2);
    };
    let n_edits: usize = n_edits.parse().expect("N_EDITS is a number");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let client = Client::open_with(Path::new(dir), tests::laptop::test_config())
            .await
            .unwrap();
        if client.session().is_none() {
            client.login(url, user, password).await.unwrap();
        }
        client.start_sync();
        let doc = client
            .records_doc_for(unit, 2026)
            .expect("the unit's records are listed")
            .id;
        let task_ids = loop {
            match client.with_doc(&doc, records::task_ids).await {
                Ok(Ok(ids)) => break ids,
                _ => tokio::time::sleep(std::time::Duration::from_millis(50)).await,
            }
        };
        let periods = PeriodId::of_year(2026);
        let mut out = std::io::stdout();
        for i in 0..n_edits {
            let (task, period, target) = tests::laptop::edit_cell(i, task_ids.len());
            let edit = RecordEdit::Actual {
                period: periods[period],
                target,
                value: Some(i as f64),
            };
            client
                .edit_record(&doc, &task_ids[task], edit)
                .await
                .unwrap();
            writeln!(out, "saved {i}").unwrap();
            out.flush().unwrap();
        }
        client.shutdown().await;
    });
}
