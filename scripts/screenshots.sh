#!/usr/bin/env bash
# Takes the README's screenshots again from the real app window (Xvfb, 1280x800) and writes them
# to docs/screenshots/: the office's dashboard, a unit's task list and a task page with a filled
# report, after a test server got the project's plan and a period's work through sync engines
# (tests/tests/e2e/readme_screenshots.rs). Then shrinks them with optipng (installed from apt
# when missing). Needs what scripts/e2e.sh needs (scripts/setup.sh installs it). ~3 minutes warm.
#   PLANSYNC_README_SCREENSHOTS=DIR writes them elsewhere.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

log() { printf '\033[1m[screenshots]\033[0m %s\n' "$*" >&2; }

command -v tauri-driver >/dev/null 2>&1 || { log "tauri-driver is missing: run scripts/setup.sh first"; exit 1; }
command -v WebKitWebDriver >/dev/null 2>&1 || { log "WebKitWebDriver is missing (apt webkit2gtk-driver): run scripts/setup.sh"; exit 1; }
if ! command -v optipng >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    log "installing optipng"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends optipng >/dev/null
  else
    log "optipng is missing (apt install optipng): the screenshots are left as taken"
  fi
fi

out=${PLANSYNC_README_SCREENSHOTS:-$repo/docs/screenshots}
mkdir -p "$out"
total=$SECONDS
scripts/build-app.sh
start=$SECONDS
PLANSYNC_E2E=1 PLANSYNC_README_SCREENSHOTS=$out \
  cargo test --workspace --locked --test e2e -- --exact readme_screenshots::readme_screenshots --nocapture
log "screenshots taken: $((SECONDS - start)) s"

if command -v optipng >/dev/null 2>&1; then
  optipng -quiet -o2 -strip all "$out"/dashboard.png "$out"/unit-tasks.png "$out"/task-report.png
fi
for f in dashboard.png unit-tasks.png task-report.png; do
  log "$out/$f: $(( $(stat -c %s "$out/$f") / 1024 )) KB"
done
log "total: $((SECONDS - total)) s"
