//! Sync tests against a real `plansync` server on loopback, with real SQLite files and real
//! websockets: one binary, one module per scenario.

mod authorisation;
mod authorship;
mod backup;
mod connection_limits;
mod data_dir;
mod durability;
mod http_auth;
mod js_interop;
mod laptop_killed;
mod laptops;
mod login_flood;
mod metrics;
mod people;
mod period_lock;
mod plan_edits;
mod reconnect_storm;
mod reconnect_wire;
mod report_heading;
mod reverse_proxy;
mod schedules;
mod sessions;
mod submission;
mod tls;
mod upgrade;
mod year_rollover;
