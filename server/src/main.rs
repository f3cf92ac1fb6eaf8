//! `plansync`: the PlanSync server and its admin command line.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // Logs go to stderr so that stdout stays machine-readable (`plan import --json`).
    let filter = tracing_subscriber::EnvFilter::try_from_env("PLANSYNC_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,samod=warn,samod_core=warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    let cli = server::cli::Cli::parse();
    match server::cli::run(cli, &mut std::io::stdout().lock()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // One line: what was attempted, then each cause.
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
