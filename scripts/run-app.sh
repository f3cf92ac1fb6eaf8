#!/usr/bin/env bash
# Builds and starts the PlanSync desktop app for development, seeded with the project's copy of
# the plan (fixtures/plans) and keeping its data in .plansync-dev/data. Without a display it
# runs under xvfb-run (headless). Arguments are passed to the app.
#   PLANSYNC_SEED / PLANSYNC_DATA_DIR override the seed plan and the data directory.
#   Delete .plansync-dev/ to start again from the seed.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

log() { printf '\033[1m[run-app]\033[0m %s\n' "$*" >&2; }

scripts/build-app.sh

export PLANSYNC_SEED=${PLANSYNC_SEED:-$repo/fixtures/plans/tuyen-quang-sxd-2026.txt}
export PLANSYNC_DATA_DIR=${PLANSYNC_DATA_DIR:-$repo/.plansync-dev/data}
mkdir -p "$PLANSYNC_DATA_DIR"
[ -f "$PLANSYNC_SEED" ] || log "warning: seed plan $PLANSYNC_SEED not found (the app starts without a plan)"
log "data: $PLANSYNC_DATA_DIR"
log "seed: $PLANSYNC_SEED (imported only while no plan is stored)"

app=target/debug/plansync-app
if [ -z "${DISPLAY:-}" ]; then
  log "DISPLAY is empty: starting the app under xvfb-run -a (headless, 1280x800; nothing is shown)"
  exec xvfb-run -a -s "-screen 0 1280x800x24" "$app" "$@"
fi
log "starting $app on DISPLAY=$DISPLAY"
exec "$app" "$@"
