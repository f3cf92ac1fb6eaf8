#!/usr/bin/env bash
# Builds the Yew frontend (trunk, offline) and the desktop app (debug, with the frontend embedded
# through the default custom-protocol feature) into target/debug/plansync-app, together with the
# workspace's other targets (see below why). Prints how long each step took.
# scripts/run-app.sh and scripts/e2e.sh call it; run scripts/setup.sh once before.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\033[1m[build-app]\033[0m %s\n' "$*" >&2; }

for tool in trunk wasm-bindgen; do
  command -v "$tool" >/dev/null 2>&1 || { log "$tool is missing: run scripts/setup.sh first"; exit 1; }
done

start=$SECONDS
# Offline: a missing wasm-bindgen or wasm-opt must fail at once; nothing can be downloaded here.
(cd frontend && TRUNK_OFFLINE=true TRUNK_SKIP_VERSION_CHECK=true trunk build)
log "frontend (trunk build): $((SECONDS - start)) s"

start=$SECONDS
# The default feature custom-protocol embeds frontend/dist (without it the app would load devUrl).
# Built with the whole workspace's targets selected, as `cargo test --workspace` selects them, so
# every dependency resolves to the same features: the app, the tests and the package then share
# one build of the dependency tree. `-p plansync-app` alone would resolve tokio, serde, hyper...
# with fewer features and build a second tree (about 2 GB of target/ and a quarter of an hour on
# two cores, and the disk of a small CI machine runs out).
cargo build --workspace --all-targets --locked
log "app (cargo build --workspace --all-targets): $((SECONDS - start)) s"
