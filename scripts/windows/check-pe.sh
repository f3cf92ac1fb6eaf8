#!/usr/bin/env bash
# Checks Windows executables built here (issue #11): each is a PE32+ image for x86-64, and every
# DLL it imports (import table and delay-load table) ships with Windows 10/11, so the .exe runs on
# a staff laptop with nothing else installed. With --app, WebView2Loader.dll is allowed too (the
# only non-Windows DLL the Tauri app may need, and only if it is not linked statically).
#
#   scripts/windows/check-pe.sh [--app] [--subsystem console|gui] FILE.exe...
#
# Prints each file's machine, subsystem and import list; exits 1 on the first problem found
# (after listing all of them for that file). Needs x86_64-w64-mingw32-objdump
# (binutils-mingw-w64-x86-64, installed by scripts/windows/setup.sh).
set -euo pipefail

OBJDUMP=${OBJDUMP:-x86_64-w64-mingw32-objdump}
allow_webview2=0
subsystem=""
files=()
while (($#)); do
  case "$1" in
    --app) allow_webview2=1 ;;
    --subsystem) subsystem=$2; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) files+=("$1") ;;
  esac
  shift
done
((${#files[@]})) || { echo "usage: $0 [--app] [--subsystem console|gui] FILE.exe..." >&2; exit 2; }

# DLLs that are part of every Windows 10/11 installation (System32), lower case. api-ms-win-* and
# ext-ms-win-* are API sets the loader resolves itself. msvcrt.dll is the system C runtime that
# mingw-w64 links against (not a redistributable, unlike vcruntime140.dll or ucrtbased.dll).
SYSTEM_DLLS=(
  kernel32 kernelbase ntdll advapi32 bcrypt bcryptprimitives ncrypt crypt32 secur32 sspicli
  ws2_32 mswsock iphlpapi dnsapi winhttp wininet userenv shell32 shlwapi ole32 oleaut32 combase
  propsys user32 gdi32 gdiplus comctl32 comdlg32 uxtheme dwmapi version winmm imm32 msimg32
  setupapi cfgmgr32 powrprof rpcrt4 psapi dbghelp uiautomationcore windowscodecs d2d1 dwrite
  d3d11 dxgi opengl32 winspool msvcrt ucrtbase
)
is_allowed() { # lower-case dll name without .dll
  local n=$1 s
  case "$n" in api-ms-win-*|ext-ms-win-*) return 0 ;; esac
  for s in "${SYSTEM_DLLS[@]}"; do [ "$n" = "$s" ] && return 0; done
  [ "$allow_webview2" = 1 ] && [ "$n" = webview2loader ] && return 0
  return 1
}

status=0
for f in "${files[@]}"; do
  problems=()
  if [ ! -f "$f" ]; then echo "check-pe: $f: no such file" >&2; exit 1; fi
  header=$("$OBJDUMP" -p "$f" 2>&1) || { echo "check-pe: $f: not a PE file: $header" >&2; exit 1; }
  format=$("$OBJDUMP" -f "$f" | awk '/file format/ {print $NF}')
  arch=$("$OBJDUMP" -f "$f" | awk -F'[ ,]+' '/^architecture:/ {print $2}')
  magic=$(awk '$1 == "Magic" {print $2; exit}' <<<"$header")
  sub=$(awk '$1 == "Subsystem" {print $2; exit}' <<<"$header")
  case "$sub" in 00000002) subname=gui ;; 00000003) subname=console ;; *) subname="other ($sub)" ;; esac
  [ "$format" = pei-x86-64 ] || problems+=("file format is $format, not pei-x86-64")
  [ "$arch" = i386:x86-64 ] || problems+=("architecture is $arch, not i386:x86-64")
  [ "$magic" = 020b ] || problems+=("optional header magic is $magic, not 020b (PE32+)")
  if [ -n "$subsystem" ] && [ "$subname" != "$subsystem" ]; then
    problems+=("subsystem is $subname, not $subsystem")
  fi
  mapfile -t dlls < <(awk '/DLL Name:/ {print tolower($3)}' <<<"$header" | sort -u)
  printf '%s: %s, %s, subsystem %s, size %s bytes\n' "$f" "$format" "$arch" "$subname" "$(stat -c %s "$f")"
  for d in "${dlls[@]}"; do
    if is_allowed "${d%.dll}"; then
      printf '  %-40s ok\n' "$d"
    else
      printf '  %-40s NOT A WINDOWS SYSTEM DLL\n' "$d"
      case "$d" in
        libgcc_s*|libwinpthread*|libstdc++*) problems+=("imports $d: a mingw runtime DLL (link it statically: -static-libgcc / -static)") ;;
        webview2loader.dll) problems+=("imports $d: allowed only for the app (--app)") ;;
        *) problems+=("imports $d, which Windows does not ship") ;;
      esac
    fi
  done
  ((${#dlls[@]})) || problems+=("no imports found (objdump output not understood?)")
  if ((${#problems[@]})); then
    printf '  PROBLEM: %s\n' "${problems[@]}" >&2
    status=1
  fi
done
exit "$status"
