//! `plansync`: the PlanSync server and its admin command line.

fn main() -> std::process::ExitCode {
    server::cli::main()
}
