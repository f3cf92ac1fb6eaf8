#!/usr/bin/env bash
# Builds the frontend and the app, then runs the end-to-end tests (Xvfb + tauri-driver +
# WebDriver) with PLANSYNC_E2E=1. Screenshots land in screenshots/. Prints each step's time.
# Arguments are passed to the test binary (e.g. a test name filter).
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\033[1m[e2e]\033[0m %s\n' "$*" >&2; }

command -v tauri-driver >/dev/null 2>&1 || { log "tauri-driver is missing: run scripts/setup.sh first"; exit 1; }
command -v WebKitWebDriver >/dev/null 2>&1 || { log "WebKitWebDriver is missing (apt webkit2gtk-driver): run scripts/setup.sh"; exit 1; }

total=$SECONDS
scripts/build-app.sh

# --workspace (not -p tests): the same feature resolution as `cargo test --workspace` and
# scripts/build-app.sh, so the test binary reuses their dependency build (see build-app.sh).
start=$SECONDS
cargo test --workspace --test e2e --no-run
log "e2e test binary (cargo test --no-run): $((SECONDS - start)) s"

start=$SECONDS
PLANSYNC_E2E=1 cargo test --workspace --test e2e -- --nocapture "$@"
log "e2e tests: $((SECONDS - start)) s"
log "total: $((SECONDS - total)) s"
