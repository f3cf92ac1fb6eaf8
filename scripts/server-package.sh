#!/usr/bin/env bash
# Builds the Debian package of the server, plansync-server_<version>_amd64.deb, from
# packaging/server/ with dpkg-deb (no cargo-deb needed) and prints its path on stdout.
#   PLANSYNC_PACKAGE_PROFILE=release builds the release binary (default: debug, the binary the
#   tests already build, so the test command compiles nothing new).
# The version is the app's (src-tauri/tauri.conf.json): both packages of a release share it.
set -euo pipefail
cd "$(dirname "$0")/.."
log() { printf '\033[1m[server-package]\033[0m %s\n' "$*" >&2; }

profile=${PLANSYNC_PACKAGE_PROFILE:-debug}
start=$SECONDS
case "$profile" in
  debug) cargo build --workspace --all-targets --locked >&2 ;;
  release) cargo build --release --locked -p server --bin plansync >&2 ;;
  *) log "PLANSYNC_PACKAGE_PROFILE must be debug or release, not $profile"; exit 1 ;;
esac
binary=target/$profile/plansync

version=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' src-tauri/tauri.conf.json | head -1)
[ -n "$version" ] || { log "no version in src-tauri/tauri.conf.json"; exit 1; }
# The newest glibc symbol version the binary needs (what dpkg-shlibdeps would find).
glibc=$(objdump -T "$binary" | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -1)

src=packaging/server
stage=target/$profile/plansync-server-deb
rm -rf "$stage"
install -d "$stage/DEBIAN" "$stage/usr/bin" "$stage/lib/systemd/system" "$stage/etc/plansync" \
  "$stage/usr/share/doc/plansync-server/examples"
# Debug info is not shipped (a debug build carries line tables: 4 times the size).
strip --strip-debug -o "$stage/usr/bin/plansync" "$binary"
chmod 0755 "$stage/usr/bin/plansync"
install -m 0644 "$src"/systemd/plansync.service "$src"/systemd/plansync-backup.service \
  "$src"/systemd/plansync-backup.timer "$stage/lib/systemd/system/"
install -m 0644 "$src/plansync.toml" "$stage/etc/plansync/plansync.toml"
install -m 0644 docs/OPERATIONS.md "$stage/usr/share/doc/plansync-server/OPERATIONS.md"
install -m 0644 docs/nginx/plansync.conf "$stage/usr/share/doc/plansync-server/examples/nginx-plansync.conf"
cat >"$stage/usr/share/doc/plansync-server/copyright" <<'EOF'
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: PlanSync

Files: *
License: MIT
EOF
install -m 0755 "$src"/debian/postinst "$src"/debian/prerm "$src"/debian/postrm "$stage/DEBIAN/"
install -m 0644 "$src/debian/conffiles" "$stage/DEBIAN/conffiles"
installed_size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@GLIBC@/$glibc/" -e "s/@INSTALLED_SIZE@/$installed_size/" \
  "$src/debian/control.in" >"$stage/DEBIAN/control"
(cd "$stage" && find . -path ./DEBIAN -prune -o -path ./etc -prune -o -type f -printf '%P\0' |
  sort -z | xargs -0 md5sum) >"$stage/DEBIAN/md5sums"
chmod 0644 "$stage/DEBIAN/md5sums" "$stage/DEBIAN/control"

deb=target/$profile/plansync-server_${version}_amd64.deb
# A debug package is built by every test run: fast gzip (1 s) where xz takes half a minute.
compression=(-Zgzip -z1)
[ "$profile" = release ] && compression=(-Zxz)
dpkg-deb --build --root-owner-group "${compression[@]}" "$stage" "$deb" >&2
log "built $deb ($(du -h "$deb" | cut -f1), $profile) in $((SECONDS - start)) s"
echo "$deb"
