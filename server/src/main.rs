//! `plansync`: the PlanSync server and its admin command line.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
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
