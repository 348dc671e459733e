#!/usr/bin/env bash
# Peak memory of the real binary on a big demo workspace (issue #14):
# starts the app under Xvfb, unlocks it from the environment, waits for
# the Records list's first page, scrolls it with the mouse wheel and
# reports the process's peak resident memory (VmHWM) at each step, the
# time from launch to the first page and the load average.
#
#   LEGCO_RSS_USERS=1000000 bash .ci/rss.sh [bin/legco-compliance]
#
# The demo workspace is made once per size under build/rss/ (a million
# users takes several minutes) and reused. Target: VmHWM < 300 MB, first
# page in about 2 s.
set -euo pipefail
bin=$(readlink -f "${1:-bin/legco-compliance}")
users=${LEGCO_RSS_USERS:-100000}
steps=${LEGCO_RSS_WHEEL:-1000}
# The log line that marks the first page (the records screen writes it).
wait=${LEGCO_RSS_WAIT:-records first page shown}
out=$(pwd)/build/rss
mkdir -p "$out"
db="$out/demo-$users.db"
pass=rss-demo-passphrase
if [ ! -e "$db" ]; then
  echo "rss: making a demo workspace of $users users in $db"
  LEGCO_PASSPHRASE=$pass "$bin" demo --db "$db" --users "$users" --seed 1 >"$out/demo-$users.log" 2>&1
fi
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
disp="${LEGCO_RSS_DISPLAY:-}"
if [ -z "$disp" ]; then
  for n in $(seq 121 160); do
    if [ ! -e "/tmp/.X$n-lock" ] && [ ! -e "/tmp/.X11-unix/X$n" ]; then disp=":$n"; break; fi
  done
  Xvfb "$disp" -screen 0 1280x900x24 -nolisten tcp >"$out/xvfb.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 50); do xdpyinfo -display "$disp" >/dev/null 2>&1 && break; sleep 0.1; done
fi
export DISPLAY=$disp LANG=en_US.UTF-8
log="$out/app-$users.log"
hwm() { awk '/VmHWM/ {print int($2/1024)}' "/proc/$1/status"; }
rss() { awk '/VmRSS/ {print int($2/1024)}' "/proc/$1/status"; }
start=$(date +%s.%N)
LEGCO_STAFF=admin LEGCO_PASSPHRASE=$pass "$bin" gui --db "$db" >"$log" 2>&1 &
app=$!; pids+=($app)
for _ in $(seq 1200); do grep -q "$wait" "$log" && break; sleep 0.05; done
grep -q "$wait" "$log" || { echo "rss: the list never showed" >&2; cat "$log" >&2; exit 1; }
first=$(echo "$(date +%s.%N) - $start" | bc)
sleep 2
# The phases, from the app's log (its times have microseconds): launch to
# the unlock screen, the unlock (Argon2id and opening the workspace), and
# from the main window to the list's first page.
at() { grep -m1 "$1" "$log" | awk '{split($3, t, ":"); printf "%.3f", t[1]*3600 + t[2]*60 + t[3]}'; }
phase() { awk -v a="$(at "$1")" -v b="$(at "$2")" 'BEGIN { if (a != "" && b != "") printf "%.2f", b - a; else printf "?" }'; }
echo "users=$users first_page_s=$(printf %.2f "$first") unlock_s=$(phase 'unlock started' 'unlocked') main_window_to_first_page_s=$(phase 'main window shown' "$wait") after_first_page: VmHWM=$(hwm $app)MB VmRSS=$(rss $app)MB"
wid=$(xdotool search --name "LegCo" | head -1)
xdotool mousemove --window "$wid" 700 400
for ((i = 0; i < steps; i += 50)); do xdotool click --repeat 50 --delay 2 5; done
sleep 2
echo "users=$users after_${steps}_wheel_steps: VmHWM=$(hwm $app)MB VmRSS=$(rss $app)MB"
import -window root "$out/after-scroll-$users.png" 2>/dev/null || true
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
