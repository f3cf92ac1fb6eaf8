//! The `plansync` server program, built as part of this crate so that every test run drives the
//! current server code (a binary of another package would not be rebuilt by `cargo test -p tests`).

fn main() -> std::process::ExitCode {
    server::cli::main()
}
