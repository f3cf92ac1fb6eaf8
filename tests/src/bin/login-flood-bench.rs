//! Login flood benchmark (figures, not pass/fail). Build and run in release mode:
//!
//! ```sh
//! cargo build --release -p tests --bins
//! target/release/login-flood-bench [--attempts 300] [--rounds 3]
//! ```
//!
//! A real `plansync` server (its release build beside this binary) with one staff laptop
//! synced. Then, per round, `--attempts` wrong-password logins are sent at once, in two shapes:
//! each from its own loopback address for its own made-up name (no throttle applies, every one
//! wants a password check), and all from one address for one real account (the throttles
//! answer). During each flood the laptop makes one edit; the bench prints how the flood was
//! answered, how long the edit took to be confirmed by the server, and the server's peak
//! resident memory (`VmHWM`).

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};

use shared::documents::records::RecordEdit;
use shared::plan::TaskId;
use tests::bench::arg_or;
use tests::laptop::Laptop;
use tests::server::TestServer;

fn client_at(address: IpAddr) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(address)
        .build()
        .unwrap()
}

fn main() {
    tests::bench::use_sibling_server();
    let _ = rustls::crypto::ring::default_provider().install_default();
    let n_attempts = arg_or("--attempts", 300);
    let n_rounds = arg_or("--rounds", 3);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        let mut server = TestServer::with_accounts(&[("lan", "QLHT", "staff")]);
        server.start();
        let url = server.url();
        let lan = Laptop::login(&url, "lan").await;
        lan.wait_up_to_date(Duration::from_secs(60)).await;
        let records = lan.doc("records", "QLHT");
        println!(
            "# login flood ({} build), {n_attempts} wrong-password logins at once",
            if cfg!(debug_assertions) { "debug" } else { "release" }
        );
        println!(
            "server peak RSS before any flood: {} MiB",
            server.peak_rss_kib().unwrap() / 1024
        );
        let mut progress = 0u8;
        for round in 0..n_rounds {
            for many_addresses in [true, false] {
                // Clients are made before the clock starts: their set-up is the attacker's cost.
                let clients: Vec<(reqwest::Client, String)> = (0..n_attempts)
                    .map(|n| {
                        let octets = u32::from(Ipv4Addr::new(127, 1, round as u8, 1))
                            + if many_addresses { n as u32 } else { 0 };
                        let name = if many_addresses {
                            format!("guess{round}-{n}")
                        } else {
                            "lan".to_string()
                        };
                        (client_at(IpAddr::V4(Ipv4Addr::from(octets))), name)
                    })
                    .collect();
                let started = Instant::now();
                let flood: Vec<_> = clients
                    .into_iter()
                    .map(|(client, name)| {
                        let url = url.clone();
                        tokio::spawn(async move {
                            client
                                .post(format!("{url}/api/login"))
                                .json(&serde_json::json!({"username": name, "password": "wrong"}))
                                .send()
                                .await
                                .map_or(0, |r| r.status().as_u16())
                        })
                    })
                    .collect();
                progress = progress.wrapping_add(7) % 100;
                lan.client
                    .edit_record(
                        &records,
                        &TaskId("PAR_INDEX/I/4".into()),
                        RecordEdit::Progress { percent: progress },
                    )
                    .await
                    .unwrap();
                lan.wait_up_to_date(Duration::from_secs(120)).await;
                let confirmed = started.elapsed();
                let mut answers = BTreeMap::new();
                for answer in flood {
                    *answers.entry(answer.await.unwrap()).or_insert(0) += 1;
                }
                let flood_done = started.elapsed();
                println!(
                    "round {round}, {}: answers {answers:?}, all answered after {:.2} s; staff edit confirmed after {:.0} ms; server peak RSS {} MiB",
                    if many_addresses {
                        "each from its own address and name"
                    } else {
                        "all from one address for one account"
                    },
                    flood_done.as_secs_f64(),
                    confirmed.as_secs_f64() * 1000.0,
                    server.peak_rss_kib().unwrap() / 1024,
                );
                // Let the address throttle of this round's single address not spill over.
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
        lan.client.shutdown().await;
    });
}
