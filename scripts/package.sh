#!/usr/bin/env bash
# Builds the Debian package of the desktop app and checks it: the package holds the app and its
# desktop entry; as root it is also installed, the installed app is started under Xvfb with a
# fresh data directory (it must stay up and create its database), and the package is removed.
#   PLANSYNC_PACKAGE_PROFILE=release builds the release package (default: debug, faster).
set -euo pipefail
cd "$(dirname "$0")/.."
log() { printf '\033[1m[package]\033[0m %s\n' "$*" >&2; }

profile=${PLANSYNC_PACKAGE_PROFILE:-debug}
start=$SECONDS
if [ "$profile" = debug ]; then
  # The debug app is the one scripts/build-app.sh builds (sharing the tests' dependency build);
  # `tauri build` would compile it again alone, with a second dependency tree.
  scripts/build-app.sh
  npx --no-install tauri bundle --debug --bundles deb >&2
else
  npx --no-install tauri build --bundles deb >&2
fi
deb=$(ls -t target/"$profile"/bundle/deb/*.deb | head -1)
log "built $deb ($(du -h "$deb" | cut -f1)) in $((SECONDS - start)) s"

contents=$(dpkg-deb -c "$deb")
for path in usr/bin/plansync-app usr/share/applications/PlanSync.desktop; do
  grep -Eq " (\./)?$path\$" <<<"$contents" || { log "the package lacks $path"; exit 1; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dpkg-deb -x "$deb" "$work/root"
desktop=$work/root/usr/share/applications/PlanSync.desktop
grep -qx 'Exec=plansync-app' "$desktop" || { log "the desktop entry does not start plansync-app:"; cat "$desktop" >&2; exit 1; }
grep -qx 'Name=PlanSync' "$desktop" || { log "the desktop entry is not named PlanSync"; exit 1; }
log "contents: app binary and desktop entry present"

if [ "$(id -u)" != 0 ]; then
  log "not root: skipping the install check (run as root to install, start and remove the package)"
  exit 0
fi
name=$(dpkg-deb -f "$deb" Package)
apt-get install -y -qq "./$deb" >&2 || dpkg -i "$deb" >&2
log "installed package $name"
data=$work/data
mkdir -p "$data"
PLANSYNC_DATA_DIR=$data xvfb-run -a -s "-screen 0 1280x800x24" /usr/bin/plansync-app >"$work/app.log" 2>&1 &
app=$!
ok=0
for _ in $(seq 1 40); do
  if [ -f "$data/plansync.sqlite3" ]; then ok=1; break; fi
  kill -0 $app 2>/dev/null || break
  sleep 0.5
done
alive=0
kill -0 $app 2>/dev/null && alive=1
pkill -TERM -f /usr/bin/plansync-app 2>/dev/null || true
wait $app 2>/dev/null || true
dpkg -r "$name" >/dev/null
if [ $ok = 1 ] && [ $alive = 1 ]; then
  log "the installed app started and created its database; package removed"
else
  log "the installed app did not start (log follows)"; cat "$work/app.log" >&2; exit 1
fi
