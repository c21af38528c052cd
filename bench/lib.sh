# Helpers shared by bench/load and bench/soak. Sourced, not run; the
# sourcing script sets PROG (its name) and `set -euo pipefail` first.
# shellcheck shell=bash disable=SC2034 # its variables are read by those scripts

# The Tencent create_group request both scripts send.
TENCENT_PATH='/v4/group_open_http_svc/create_group?sdkappid=88888888&identifier=admin&usersig=xxx&random=99999999&contenttype=json'

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT_DIR=$(dirname "$BENCH_DIR")
WORK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/chatmock-bench.XXXXXX")
PIDS=() # processes this script started and has not stopped yet

# STARTED_PID and STARTED_ADDR are set by start.
STARTED_PID=""
STARTED_ADDR=""

die() {
  printf '%s: %s\n' "$PROG" "$*" >&2
  exit 1
}

# usage prints the script's top comment, from its second line to the
# first blank one.
usage() {
  sed -n '2,/^$/s/^# \{0,1\}//p' "$0"
}

# cleanup stops what is still running and removes the temp dir.
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do
    signal_tree TERM "$pid"
  done
  rm -rf "$WORK_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# need_tools TOOL...: exits 2 naming each missing tool and how to get it.
# It never installs anything.
need_tools() {
  local missing=() tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
  done
  ((${#missing[@]} == 0)) && return 0
  printf '%s: missing: %s\n' "$PROG" "${missing[*]}" >&2
  for tool in "${missing[@]}"; do
    case $tool in
      go) printf '  go: install Go %s or newer (the version in go.mod)\n' \
        "$(sed -n 's/^go //p' "$ROOT_DIR/go.mod")" >&2 ;;
      npx) printf '  npx: apt-get install npm\n' >&2 ;;
      *) printf '  %s: apt-get install %s\n' "$tool" "$tool" >&2 ;;
    esac
  done
  exit 2
}

# build NAME PACKAGE: go builds PACKAGE into $WORK_DIR/NAME.
build() {
  (cd "$ROOT_DIR" && go build -o "$WORK_DIR/$1" "$2") || die "go build $2 failed"
}

# start NAME STDOUT STDERR CMD...: runs CMD in the background and waits
# (up to START_TIMEOUT seconds, default 20) for the line "... on
# http://ADDR" every server here prints once it listens. Sets STARTED_PID
# and STARTED_ADDR; returns 1, showing the log, if CMD exits or stays
# silent.
start() {
  local name=$1 out=$2 err=$3 deadline line
  shift 3
  "$@" >"$out" 2>"$err" &
  STARTED_PID=$!
  PIDS+=("$STARTED_PID")
  deadline=$((SECONDS + ${START_TIMEOUT:-20}))
  while ((SECONDS < deadline)); do
    # Prism colours its output: strip the escapes before matching.
    line=$(sed 's/\x1b\[[0-9;]*m//g' "$out" | sed -n 's|.* on http://\([^ /]*\).*|\1|p' | head -n1)
    if [[ -n $line ]]; then
      STARTED_ADDR=$line
      return 0
    fi
    if ! kill -0 "$STARTED_PID" 2>/dev/null; then
      printf '%s: %s exited before listening; its output:\n' "$PROG" "$name" >&2
      tail -n 20 "$out" "$err" >&2 2>/dev/null || true
      stop "$STARTED_PID"
      return 1
    fi
    sleep 0.02
  done
  printf '%s: %s printed no address within %ss; its output:\n' "$PROG" "$name" "${START_TIMEOUT:-20}" >&2
  tail -n 20 "$out" "$err" >&2 2>/dev/null || true
  stop "$STARTED_PID"
  return 1
}

# signal_tree SIG PID: signals PID's process group when PID leads one (a
# command started with setsid, such as npx and the node it runs), else PID.
signal_tree() {
  kill -"$1" -- "-$2" 2>/dev/null || kill -"$1" "$2" 2>/dev/null || true
}

# stop PID: ends a process start started and forgets it.
stop() {
  local pid=$1 kept=() p
  signal_tree TERM "$pid"
  wait "$pid" 2>/dev/null || true
  for p in "${PIDS[@]}"; do
    [[ $p == "$pid" ]] || kept+=("$p")
  done
  PIDS=("${kept[@]}")
}

# wait_healthy ADDR: waits up to 10 s for 200 on chatmock's health endpoint.
wait_healthy() {
  local deadline=$((SECONDS + 10))
  while ((SECONDS < deadline)); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' "http://$1/__admin/health") == 200 ]] && return 0
    sleep 0.02
  done
  die "no 200 from http://$1/__admin/health within 10 s"
}

# post URL BODY OUT: POSTs the file BODY as JSON, writes the answer body to
# OUT and prints the HTTP status (000 when nothing answered).
post() {
  curl -sS -o "$3" -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary "@$2" "$1" 2>/dev/null || true
}

# wrk_stats FILE: reads wrk's output and prints
# "REQ/S P50_MS P99_MS REQUESTS SOCKET_ERRORS NON_2XX" (latencies "-"
# without --latency).
wrk_stats() {
  awk '
    function ms(v) {
      if (v ~ /us$/) return v / 1000
      if (v ~ /ms$/) return v + 0
      if (v ~ /s$/) return v * 1000
      if (v ~ /m$/) return v * 60000
      if (v ~ /h$/) return v * 3600000
      return v + 0
    }
    BEGIN { rps = 0; p50 = "-"; p99 = "-"; n = 0; sock = 0; non2xx = 0 }
    /^Requests\/sec:/ { rps = $2 }
    /^ +50% / { p50 = sprintf("%.2f", ms($2)) }
    /^ +99% / { p99 = sprintf("%.2f", ms($2)) }
    / requests in / { n = $1 }
    /Socket errors:/ { gsub(",", ""); sock = $4 + $6 + $8 + $10 }
    /Non-2xx or 3xx responses:/ { non2xx = $NF }
    END { print rps, p50, p99, n, sock, non2xx }
  ' "$1"
}

# rss_kib PID: the process's resident set in KiB (VmRSS), empty if gone.
rss_kib() {
  awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || true
}

# mib KIB: KiB as MiB with one decimal.
mib() {
  awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'
}
