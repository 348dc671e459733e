#!/usr/bin/env bash
# GUI smoke test: the real binary under Xvfb on a demo workspace.
#  1. without credentials it shows the unlock screen (screenshot);
#  2. with LEGCO_STAFF/LEGCO_PASSPHRASE in the environment it unlocks and
#     logs "main window shown"; the X server has the window (xwininfo)
#     and the screenshot is not blank.
set -euo pipefail
bin=$(readlink -f "${1:-bin/legco-compliance}")
out=$(pwd)/build/smoke
rm -rf "$out"; mkdir -p "$out"
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

disp=""
for n in $(seq 91 120); do
  if [ ! -e "/tmp/.X$n-lock" ] && [ ! -e "/tmp/.X11-unix/X$n" ]; then disp=":$n"; break; fi
done
[ -n "$disp" ] || { echo "smoke: no free X display" >&2; exit 1; }
Xvfb "$disp" -screen 0 1280x900x24 -nolisten tcp >"$out/xvfb.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do xdpyinfo -display "$disp" >/dev/null 2>&1 && break; sleep 0.1; done
export DISPLAY=$disp LANG=en_US.UTF-8
# The app remembers audit heads in the config folder: never the real one.
export XDG_CONFIG_HOME=$work/config

pass=smoke-demo-passphrase
LEGCO_PASSPHRASE=$pass "$bin" demo --db "$work/demo.db" --users 200 --seed 7 >"$out/demo.log" 2>&1

wait_for() { # file pattern seconds
  for _ in $(seq $(( $3 * 10 ))); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  return 1
}
colours() { identify -format '%k' "$1"; }
# shot FILE: a screenshot of the X server, retaken for up to 20 s until it
# is not blank (a loaded machine can take a while to draw the first frame).
shot() {
  for _ in $(seq 40); do
    import -window root "$1"
    [ "$(colours "$1")" -gt 50 ] && return 0
    sleep 0.5
  done
}

# 1. Unlock screen.
env -u LEGCO_PASSPHRASE -u LEGCO_STAFF "$bin" gui --db "$work/demo.db" >"$out/unlock.log" 2>&1 &
pids+=($!); app=$!
wait_for "$out/unlock.log" "unlock screen shown" 60 || { echo "smoke: unlock screen never shown" >&2; cat "$out/unlock.log" >&2; exit 1; }
shot "$out/unlock.png"
LANG=C xwininfo -root -tree | grep -q "LegCo Compliance" || { echo "smoke: no LegCo window on $disp" >&2; exit 1; }
kill "$app"; wait "$app" 2>/dev/null || true

# 2. Unlocked main window.
LEGCO_STAFF=admin LEGCO_PASSPHRASE=$pass "$bin" gui --db "$work/demo.db" >"$out/main.log" 2>&1 &
pids+=($!); app=$!
wait_for "$out/main.log" "main window shown" 60 || { echo "smoke: main window never shown" >&2; cat "$out/main.log" >&2; exit 1; }
shot "$out/main.png"
LANG=C xwininfo -root -tree | grep -q "LegCo Compliance" || { echo "smoke: no LegCo window on $disp" >&2; exit 1; }
kill "$app"; wait "$app" 2>/dev/null || true
if grep -qi "$pass" "$out/main.log" "$out/unlock.log"; then
  echo "smoke: the passphrase appears in the app's log" >&2; exit 1
fi
for f in unlock main; do
  c=$(colours "$out/$f.png")
  [ "$c" -gt 50 ] || { echo "smoke: $f.png looks blank ($c colours)" >&2; exit 1; }
done
echo "smoke: GUI unlock screen and main window shown; screenshots in $out"
