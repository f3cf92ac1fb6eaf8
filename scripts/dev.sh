#!/usr/bin/env bash
# The README's run command: installs what is missing, builds, starts a local sync server on
# embedded SQLite (seeded with the plan, its units and one demo account per role, printed
# below) and starts the desktop app pointed at it. Without a display the app runs under
# xvfb-run. Stopping the app stops the server.
#   PLANSYNC_SEED   the plan file (default fixtures/plans/tuyen-quang-sxd-2026.txt)
#   PLANSYNC_PORT   the server's port (default 8765)
#   Delete .plansync-dev/ to start again from the seed.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
log() { printf '\033[1m[dev]\033[0m %s\n' "$*" >&2; }

scripts/setup.sh
cargo build -p server
plansync=$repo/target/debug/plansync

seed=${PLANSYNC_SEED:-$repo/fixtures/plans/tuyen-quang-sxd-2026.txt}
port=${PLANSYNC_PORT:-8765}
server_data=$repo/.plansync-dev/server
demo_password=plansync-demo

if [ ! -f "$server_data/registry.sqlite3" ]; then
  [ -f "$seed" ] || { log "seed plan $seed not found"; exit 1; }
  log "setting up the local server in $server_data"
  mkdir -p "$server_data"
  "$plansync" --data "$server_data" unit add VP --name "Văn phòng Sở" --kind office
  "$plansync" --data "$server_data" unit add KHTC --name "Phòng Kế hoạch – Tài chính" --kind division
  "$plansync" --data "$server_data" unit add QLHT --name "Phòng Quản lý hạ tầng" --kind division
  "$plansync" --data "$server_data" unit add PTDT --name "Phòng Phát triển đô thị và nhà ở" --kind division
  "$plansync" --data "$server_data" unit add MOTCUA --name "Bộ phận tiếp nhận và trả kết quả giải quyết TTHC tại Trung tâm PVHCC" --kind one-stop-desk
  for account in "canbo QLHT staff" "canbo2 KHTC staff" "thamdinh VP reviewer" "kehoach VP plan-editor" "quantri VP admin"; do
    set -- $account
    echo "$demo_password" | "$plansync" --data "$server_data" user add "$1" --unit "$2" --role "$3" --password-stdin
  done
  "$plansync" --data "$server_data" plan publish "$seed" >/dev/null
fi

log "demo accounts (password: $demo_password):"
log "  canbo    staff of Phòng Quản lý hạ tầng (QLHT)"
log "  canbo2   staff of Phòng Kế hoạch – Tài chính (KHTC)"
log "  thamdinh reviewer, Văn phòng Sở"
log "  kehoach  plan editor, Văn phòng Sở"
log "  quantri  administrator"
"$plansync" --data "$server_data" serve --listen "127.0.0.1:$port" &
server_pid=$!
trap 'kill -TERM $server_pid 2>/dev/null; wait $server_pid 2>/dev/null' EXIT
log "server: http://127.0.0.1:$port (pid $server_pid)"

export PLANSYNC_SERVER=http://127.0.0.1:$port
export PLANSYNC_SEED=$seed
scripts/run-app.sh "$@"
