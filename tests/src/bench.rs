//! What the bench binaries (`src/bin/*-bench.rs`) share: their flags and the server they run.

/// The value after `--name` on the command line, if given.
pub fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

/// The number after `--name`, or `default` when it is not given (or not a number).
pub fn arg_or(name: &str, default: usize) -> usize {
    arg(name).and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Unless `PLANSYNC_SERVER_BIN` names one, the server the bench starts is the
/// `plansync-under-test` built beside it (so a release bench runs a release server).
pub fn use_sibling_server() {
    if std::env::var_os("PLANSYNC_SERVER_BIN").is_none() {
        let sibling = std::env::current_exe()
            .unwrap()
            .with_file_name("plansync-under-test");
        std::env::set_var("PLANSYNC_SERVER_BIN", sibling);
    }
}
