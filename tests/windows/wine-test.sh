#!/usr/bin/env bash
# Runs the Windows builds under Debian's Wine 8 (issue #11), as far as Wine goes:
#
#   tests/windows/wine-test.sh [cli] [laptop] [app] [installer]      (none: all four)
#
#   cli        plansync.exe imports the seed plan (text and DOCX, and from a Vietnamese file name
#              given as a Windows path) and prints byte for byte what the Linux build prints
#   laptop     laptop-under-test.exe logs in to the Linux server on loopback, edits, is killed
#              (SIGKILL) three times mid-stream, reopens its SQLite files and edits offline;
#              the files pass SQLite's integrity check and reopen in the Linux build; then
#              tests/tests/sync/laptop_killed.rs with this .exe (PLANSYNC_WINE_LAPTOP) checks the
#              values after each kill through the Linux client (WINE_RUST_TEST=0 skips it)
#   app        plansync-app.exe without WebView2 (Wine has none): it says so in Vietnamese with
#              Microsoft's link, in a message box (seen under Xvfb when xvfb-run is there) and on
#              stderr, and exits with code 3 without creating anything, instead of panicking
#   installer  the NSIS installer installs silently per user (files, Start-menu entry, HKCU
#              uninstall entry; /SERVER= writes plansync-settings.toml, a bad address stops it);
#              the uninstaller keeps the user's data, or deletes it with /DELETEDATA
#
# Needs scripts/windows/build.sh's output (debug) and the Linux debug builds of `plansync`,
# `laptop-under-test` and the `sync` test (`cargo test --workspace` builds them all):
#   WIN_DIR      default $CARGO_TARGET_DIR/x86_64-pc-windows-gnu/debug
#   LINUX_DIR    default $CARGO_TARGET_DIR/debug (the same target dir as the Windows builds)
#   WINEPREFIX   default $CARGO_TARGET_DIR/windows-test/wineprefix (private; created when missing)
#
# Wine 8 lacks bcryptprimitives.dll, which every Rust .exe imports (ProcessPrng); a TEST-ONLY
# stand-in (tests/windows/bcryptprimitives.c) goes into the prefix's system32, as on real Windows.
# Not testable under Wine: the app's WebView2 window (docs/WINDOWS.md, manual check).
# SHOTS_DIR: where the app test saves its screenshot of the message box (default: none kept).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD

want=("$@")
((${#want[@]})) || want=(cli laptop app installer)
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
case "$TARGET_DIR" in /*) ;; *) TARGET_DIR=$ROOT/$TARGET_DIR ;; esac
WIN_DIR=${WIN_DIR:-$TARGET_DIR/x86_64-pc-windows-gnu/debug}
LINUX_DIR=${LINUX_DIR:-$TARGET_DIR/debug}
TEST_DIR=$TARGET_DIR/windows-test
export WINEPREFIX=${WINEPREFIX:-$TEST_DIR/wineprefix}
export WINEDEBUG=${WINEDEBUG:--all}
# As scripts/test.sh builds the tests (the laptop step runs one of them).
export CARGO_INCREMENTAL=${CARGO_INCREMENTAL:-0}
# No Mono or Gecko (their installers would try to download); no window is needed by these tests.
export WINEDLLOVERRIDES=${WINEDLLOVERRIDES:-mscoree=;mshtml=}
unset DISPLAY

log() { printf '\033[1m[wine-test]\033[0m %s\n' "$*" >&2; }
fail() { printf '\033[1;31m[wine-test] FAILED:\033[0m %s\n' "$*" >&2; exit 1; }
step_start=$SECONDS
took() { printf '\033[1m[wine-test]\033[0m   ok (%s s)\n' "$((SECONDS - step_start))" >&2; step_start=$SECONDS; }

work=$(mktemp -d "${TMPDIR:-/tmp}/plansync-wine.XXXXXX")
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  wineserver -w 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
winpath() { winepath -w "$1" 2>/dev/null; }

# --- the prefix, with the stand-in DLL ---------------------------------------------------------
standin=$TEST_DIR/bcryptprimitives.dll
if [ ! -f "$standin" ] || [ ! -f "$TEST_DIR/prng-check.exe" ] || [ tests/windows/bcryptprimitives.c -nt "$standin" ] \
  || [ tests/windows/prng-check.c -nt "$standin" ]; then
  tests/windows/build-standin.sh "$standin"
fi
if [ ! -f "$WINEPREFIX/system.reg" ]; then
  log "creating the Wine prefix $WINEPREFIX"
  mkdir -p "$WINEPREFIX"
  wineboot -i >/dev/null 2>&1 || true
  wineserver -w
  # Debian's Wine ships its DLLs with debug sections, and wineboot copies them into the prefix
  # (630 MB); without them it is about 210 MB (CI disks are small). /usr/lib is left as it is.
  find "$WINEPREFIX/drive_c/windows" -type f -size +64k \( -iname '*.dll' -o -iname '*.exe' \
    -o -iname '*.drv' -o -iname '*.sys' -o -iname '*.ocx' -o -iname '*.cpl' -o -iname '*.acm' \) \
    -print0 | xargs -0 -r x86_64-w64-mingw32-strip --strip-debug 2>/dev/null || true
  log "  prefix: $(du -sm "$WINEPREFIX" | cut -f1) MB"
fi
# Only where Wine lacks the DLL (newer Wine releases have their own; Debian 12's Wine 8 does not).
if [ -f /usr/lib/x86_64-linux-gnu/wine/x86_64-windows/bcryptprimitives.dll ]; then
  log "Wine has its own bcryptprimitives.dll: no stand-in needed"
  rm -f "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll"
else
  cp "$standin" "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll"
fi
wine "$TEST_DIR/prng-check.exe" >/dev/null || fail "ProcessPrng check: $(wine "$TEST_DIR/prng-check.exe")"
took

# --- cli ---------------------------------------------------------------------------------------
run_cli() {
  log "cli: plansync.exe plan import, compared with the Linux build"
  local win=$WIN_DIR/plansync.exe linux=$LINUX_DIR/plansync
  [ -f "$win" ] || fail "$win missing (scripts/windows/build.sh cli)"
  [ -x "$linux" ] || fail "$linux missing (cargo build -p server --bin plansync)"
  wine "$win" --version >/dev/null || fail "plansync.exe does not start under Wine"
  local vi_dir="$work/Kế hoạch năm 2026" vi_file="Kế hoạch Sở Xây dựng (bản chính thức) — năm 2026.txt"
  mkdir -p "$vi_dir"
  cp fixtures/plans/tuyen-quang-sxd-2026.txt "$vi_dir/$vi_file"
  local fixture
  for fixture in tuyen-quang-sxd-2026.txt tuyen-quang-sxd-2026.docx; do
    "$linux" plan import "fixtures/plans/$fixture" --json >"$work/linux.json"
    wine "$win" plan import "fixtures/plans/$fixture" --json >"$work/win.json"
    cmp "$work/linux.json" "$work/win.json" || fail "JSON of $fixture differs (Linux vs Windows build)"
    "$linux" plan import "fixtures/plans/$fixture" >"$work/linux.txt"
    wine "$win" plan import "fixtures/plans/$fixture" >"$work/win.txt"
    cmp "$work/linux.txt" "$work/win.txt" || fail "summary of $fixture differs (Linux vs Windows build)"
  done
  # A Windows path (drive letter, backslashes) to a Vietnamese file name.
  wine "$win" plan import "$(winpath "$vi_dir/$vi_file")" --json >"$work/win-vi.json"
  "$linux" plan import fixtures/plans/tuyen-quang-sxd-2026.txt --json >"$work/linux.json"
  cmp "$work/linux.json" "$work/win-vi.json" || fail "JSON from the Vietnamese file name differs"
  if grep -q $'\r' "$work/win.json"; then fail "the Windows build printed CR LF"; fi
  took
}

# --- laptop ------------------------------------------------------------------------------------
PASSWORD="mật khẩu thử nghiệm"
run_laptop() {
  log "laptop: laptop-under-test.exe against the Linux server on loopback"
  local win=$WIN_DIR/laptop-under-test.exe linux=$LINUX_DIR/plansync linux_laptop=$LINUX_DIR/laptop-under-test
  [ -f "$win" ] || fail "$win missing (scripts/windows/build.sh laptop)"
  [ -x "$linux" ] || fail "$linux missing (cargo build -p server --bin plansync)"
  local data=$work/server laptop=$work/laptop
  mkdir -p "$data" "$laptop"
  "$linux" --data "$data" unit add VP --name "Văn phòng Sở" --kind office >/dev/null
  "$linux" --data "$data" unit add QLHT --name "Phòng Quản lý hạ tầng" --kind division >/dev/null
  printf '%s' "$PASSWORD" | "$linux" --data "$data" user add lan --unit QLHT --role staff --password-stdin >/dev/null
  "$linux" --data "$data" plan publish fixtures/plans/tuyen-quang-sxd-2026.txt --year 2026 >"$work/published"
  local records
  records=$(awk -F'\t' '$1 == "records" && $2 == "QLHT" {print $4}' "$work/published")
  [ -n "$records" ] || fail "plan publish printed no records document for QLHT"

  # The server on a free loopback port: it prints where it listens on its first line.
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "$linux" --data "$data" serve --listen "127.0.0.1:$port" >"$work/serve.out" 2>"$work/serve.err" &
  server_pid=$!
  local i
  for i in $(seq 100); do grep -q listening "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
  grep -q listening "$work/serve.out" || fail "the Linux server did not start: $(cat "$work/serve.err")"
  local url=http://127.0.0.1:$port wlaptop
  wlaptop=$(winpath "$laptop")

  audit_count() { "$linux" --data "$data" audit "$records" 2>/dev/null | awk '/ changes, / {print $1}'; }
  local before
  before=$(audit_count)
  # Log in and make 20 edits: each "saved I" is printed once edit I is durable.
  wine "$win" "$wlaptop" "$url" lan "$PASSWORD" QLHT 20 >"$work/run1.out" 2>"$work/run1.err" \
    || fail "laptop-under-test.exe failed: $(tail -5 "$work/run1.err")"
  [ "$(tail -1 "$work/run1.out")" = "saved 19" ] || fail "expected 20 saved edits, got: $(tail -1 "$work/run1.out")"
  # Killed mid-stream at recorded points (as tests/tests/sync/laptop_killed.rs on Linux).
  local kill_after last
  for kill_after in 3 17 41; do
    coproc LAPTOP { exec wine "$win" "$wlaptop" "$url" lan "$PASSWORD" QLHT 1000 2>>"$work/kill.err"; }
    local pid=$LAPTOP_PID last=""
    while read -r -u "${LAPTOP[0]}" line; do
      last=${line#saved }
      [ "$last" -ge "$kill_after" ] && break
    done
    kill -KILL "$pid"
    wait "$pid" 2>/dev/null || true
    [ -n "$last" ] || fail "the laptop reported no edit before the kill (kill after $kill_after)"
  done
  wineserver -w
  # The server received the 20 distinct edits (the audit lists every change it holds for the
  # document); the killed runs rewrite the same values, which makes no new change.
  local changes
  for i in $(seq 50); do
    changes=$(audit_count)
    [ "$((changes - before))" -ge 20 ] && break
    sleep 0.2
  done
  [ "$((changes - before))" -ge 20 ] || fail "the server received $((changes - before)) of the laptop's 20 changes"

  # Reopen after the kills, offline (server stopped): the session is stored, edits still work.
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
  wine "$win" "$wlaptop" "$url" lan unused QLHT 5 >"$work/offline.out" 2>"$work/offline.err" \
    || fail "reopening after the kills failed: $(tail -5 "$work/offline.err")"
  [ "$(tail -1 "$work/offline.out")" = "saved 4" ] || fail "offline edits after reopening: $(cat "$work/offline.out")"
  local db
  for db in "$laptop"/*.sqlite3; do
    [ "$(sqlite3 "$db" 'pragma integrity_check')" = ok ] || fail "$db fails SQLite's integrity check"
  done
  # The files the Windows build wrote open in the Linux build.
  if [ -x "$linux_laptop" ]; then
    "$linux_laptop" "$laptop" "$url" lan unused QLHT 2 >"$work/linux-reopen.out" 2>"$work/linux-reopen.err" \
      || fail "the Linux build cannot reopen the Windows build's files: $(tail -5 "$work/linux-reopen.err")"
  else
    log "  ($linux_laptop missing: reopening in the Linux build skipped)"
  fi
  # The values after each kill, read back through the Linux client: tests/tests/sync/laptop_killed.rs
  # with the Windows build. It runs the test binary `cargo test --workspace` built (same target
  # dir, same workspace-wide feature set: nothing is compiled again).
  if [ "${WINE_RUST_TEST:-1}" = 1 ]; then
    log "  laptop_killed.rs with laptop-under-test.exe under Wine"
    PLANSYNC_WINE_LAPTOP=$win CARGO_TARGET_DIR=$(dirname "$LINUX_DIR") \
      cargo test --workspace --locked --test sync laptop_killed -- --nocapture >"$work/rust-test.out" 2>&1 \
      || fail "laptop_killed.rs under Wine: $(grep -v '^wine\|^0[0-9a-f]*:' "$work/rust-test.out" | tail -30)"
    grep -q 'test laptop_killed::killing_the_app_loses_nothing_reported_saved ... ok' "$work/rust-test.out" \
      || fail "laptop_killed.rs did not run: $(tail -20 "$work/rust-test.out")"
  fi
  took
}

# --- app ---------------------------------------------------------------------------------------
run_app() {
  log "app: plansync-app.exe without WebView2 says so and exits"
  local win=$WIN_DIR/plansync-app.exe
  [ -f "$win" ] || fail "$win missing (scripts/windows/build.sh app)"
  local user_dir local_data
  user_dir=$(winepath -u "$(wine cmd /c 'echo %USERPROFILE%' 2>/dev/null | tr -d '\r')")
  local_data="$user_dir/AppData/Local/vn.gov.tuyenquang.sxd.plansync"
  rm -rf "$local_data"
  # No display here: the message goes to stderr only (PLANSYNC_NO_MESSAGE_BOX; without it the box
  # fails at once for want of a display, with the same result).
  local rc=0
  PLANSYNC_NO_MESSAGE_BOX=1 timeout 60 wine "$win" >"$work/app.out" 2>"$work/app.err" || rc=$?
  [ "$rc" = 3 ] || fail "plansync-app.exe exited with $rc, not 3 (WebView2 missing): $(tail -5 "$work/app.err")"
  grep -q 'PlanSync không mở được vì máy này chưa có Microsoft Edge WebView2 Runtime' "$work/app.err" \
    || fail "no Vietnamese message on stderr: $(head -5 "$work/app.err")"
  grep -qF 'https://go.microsoft.com/fwlink/p/?LinkId=2124703' "$work/app.err" || fail "no download link on stderr"
  if grep -q panicked "$work/app.err"; then fail "the app panicked: $(cat "$work/app.err")"; fi
  [ ! -e "$local_data" ] || fail "the app created $local_data before finding WebView2 missing"
  # With a display (Xvfb): the message box, found by its title among the X windows; closed by
  # ending the app, as a user's click would.
  if command -v xvfb-run >/dev/null && command -v xwininfo >/dev/null; then
    # A new wineserver, with this display (the one still running has none).
    wineserver -k 2>/dev/null || true
    cat >"$work/box.sh" <<'BOX'
wine "$1" >/dev/null 2>&1 &
app=$!
shown=""
for _ in $(seq 120); do
  if xwininfo -root -tree 2>/dev/null | grep -qF '"PlanSync — thiếu Microsoft Edge WebView2 Runtime"'; then shown=1; break; fi
  kill -0 "$app" 2>/dev/null || break
  sleep 0.25
done
[ -n "$shown" ] && [ -n "${2:-}" ] && import -window root "$2" 2>/dev/null
kill "$app" 2>/dev/null
wineserver -k 2>/dev/null
[ -n "$shown" ]
BOX
    local shot=""
    [ -n "${SHOTS_DIR:-}" ] && mkdir -p "$SHOTS_DIR" && shot=$SHOTS_DIR/windows-webview2-missing.png
    timeout 120 xvfb-run -a -s "-screen 0 1024x768x24" bash "$work/box.sh" "$win" "$shot" \
      || fail "no message box titled 'PlanSync — thiếu Microsoft Edge WebView2 Runtime' under Xvfb"
    [ -z "$shot" ] || log "  screenshot: $shot"
  else
    log "  (xvfb-run or xwininfo missing: the message box itself is not checked)"
  fi
  took
}

# --- installer ---------------------------------------------------------------------------------
run_installer() {
  log "installer: silent per-user install and uninstall"
  local setup
  setup=$(ls -t "$WIN_DIR"/bundle/PlanSync-*-setup.exe 2>/dev/null | head -1)
  [ -n "$setup" ] || fail "no installer in $WIN_DIR/bundle (scripts/windows/build.sh installer)"
  local user_dir
  user_dir=$(winepath -u "$(wine cmd /c 'echo %USERPROFILE%' 2>/dev/null | tr -d '\r')")
  local programs="$user_dir/AppData/Local/Programs/PlanSync"
  local menu="$user_dir/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/PlanSync.lnk"
  local roaming="$user_dir/AppData/Roaming/vn.gov.tuyenquang.sxd.plansync"
  local local_data="$user_dir/AppData/Local/vn.gov.tuyenquang.sxd.plansync"
  local uninstaller="$programs/Gỡ cài đặt PlanSync.exe"
  local key='HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\vn.gov.tuyenquang.sxd.plansync'

  local settings="$programs/plansync-settings.toml"
  local rc=0
  wine "$setup" /S /SERVER=ftp://may-chu.example.vn || rc=$?; wineserver -w
  [ "$rc" = 2 ] || fail "a bad /SERVER= address did not stop the installer (exit $rc)"
  # The administrator's server address, written beside the app (src-tauri/src/admin_settings.rs).
  wine "$setup" /S /SERVER=https://may-chu.example.vn/plansync/; wineserver -w
  [ "$(tr -d '\r' <"$settings" | grep '^server_url')" = "server_url = 'https://may-chu.example.vn/plansync/'" ] ||
    fail "/SERVER= did not write $settings"
  wine "$setup" /S; wineserver -w
  grep -q may-chu "$settings" || fail "installing again without /SERVER= lost $settings"
  [ -f "$programs/plansync-app.exe" ] || fail "plansync-app.exe not installed in $programs"
  [ -f "$uninstaller" ] || fail "no uninstaller in $programs"
  [ -f "$menu" ] || fail "no Start-menu entry"
  wine reg query "$key" /v UninstallString >/dev/null 2>&1 || fail "no uninstall entry in HKCU"

  # The app's data (local), WebView2's cache, and data an earlier version left in the roaming place.
  mkdir -p "$roaming" "$local_data/EBWebView"
  echo kept >"$local_data/plansync.sqlite3"
  echo kept >"$roaming/plansync.sqlite3"
  wine "$uninstaller" /S; wineserver -w
  [ ! -e "$programs" ] || fail "the uninstaller left $programs"
  [ ! -e "$menu" ] || fail "the uninstaller left the Start-menu entry"
  ! wine reg query "$key" >/dev/null 2>&1 || fail "the uninstaller left the uninstall entry"
  [ "$(cat "$local_data/plansync.sqlite3")" = kept ] || fail "the uninstaller deleted the user's data"
  [ "$(cat "$roaming/plansync.sqlite3")" = kept ] || fail "the uninstaller deleted the user's old data"

  wine "$setup" /S; wineserver -w
  wine "$uninstaller" /S /DELETEDATA; wineserver -w
  [ ! -e "$roaming" ] && [ ! -e "$local_data" ] || fail "/DELETEDATA left the user's data"
  took
}

for w in "${want[@]}"; do
  case "$w" in
    cli) run_cli ;;
    laptop) run_laptop ;;
    app) run_app ;;
    installer) run_installer ;;
    *) fail "unknown test $w" ;;
  esac
done
log "all Wine tests passed"
