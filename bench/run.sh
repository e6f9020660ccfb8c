#!/usr/bin/env bash
# Runs the gradio.cpp benchmarks and prints a summary. Builds nothing: it expects
# bench_server, gr_load, gr_idle_streams, gr_stalled_streams and gr_beast_floor in build/bench/
# (override with GR_BENCH_BIN=dir).
#
#   bench/run.sh                 # everything, ~5 minutes
#   DURATION=5 STREAMS=2000 bench/run.sh
#   bench/run.sh echo chunks50   # a subset: echo queue floor chunks50 heartbeat idle_queue
#                                #           unread stalled stalled_long
#
# Every server is started here on a free port (GRADIO_SERVER_PORT=0) and stopped by its pid.
# The load generator runs on the same machine as the server.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${GR_BENCH_BIN:-$ROOT/build/bench}
DURATION=${DURATION:-10}      # seconds measured per throughput run (after 1 s warm-up)
CLIENTS=${CLIENTS:-32}
STREAMS=${STREAMS:-10000}
HOLD=${HOLD:-5}
UNREAD=${UNREAD:-10000}       # unread events joined on one session (unread)
UNREAD_HOLD=${UNREAD_HOLD:-10}  # seconds to watch them afterwards
STALLED=${STALLED:-1000}      # stalled readers of TOKENS-token streams (stalled)
TOKENS=${TOKENS:-2000}
STALLED_LONG=${STALLED_LONG:-50}  # stalled readers of TOKENS_LONG-token streams (stalled_long)
TOKENS_LONG=${TOKENS_LONG:-20000}
STALL_HOLD=${STALL_HOLD:-40}  # seconds to keep them open after measuring (server write timeout: 30 s)
OUT=$(mktemp -d /tmp/gr_bench.XXXXXX)

for exe in bench_server gr_load gr_idle_streams gr_stalled_streams gr_beast_floor; do
  [[ -x $BIN/$exe ]] || { echo "missing $BIN/$exe (cmake --build build --target $exe)" >&2; exit 1; }
done

SERVER_PID=""
SERVER_URL=""
SERVER_NAME=""
PROBLEMS=()
stop_server() {  # SIGTERM, then reports a server that did not stop cleanly
  if [[ -n $SERVER_PID ]]; then
    local rc=0 killed=""
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$SERVER_PID" 2>/dev/null; then kill -9 "$SERVER_PID" 2>/dev/null || true; killed=1; fi
    wait "$SERVER_PID" 2>/dev/null || rc=$?
    if [[ -n $killed ]]; then PROBLEMS+=("$SERVER_NAME did not stop within 5 s of SIGTERM (killed)")
    elif [[ $rc -ne 0 ]]; then PROBLEMS+=("$SERVER_NAME exited with status $rc on SIGTERM$( ((rc > 128)) && echo " (signal $((rc - 128)))")")
    fi
  fi
  SERVER_PID=""
}
trap stop_server EXIT

start_server() {  # start_server EXECUTABLE MODE...
  local exe=$1; shift
  local log=$OUT/server_${exe}_${1:-default}.log
  SERVER_NAME="$exe ${*}"
  env ${SERVER_ENV:-} GRADIO_SERVER_PORT=0 "$BIN/$exe" "$@" >"$log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 100); do
    SERVER_URL=$(grep -o 'http://[0-9.]*:[0-9]*' "$log" | head -1 || true)
    [[ -n $SERVER_URL ]] && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$log" >&2; exit 1; }
    sleep 0.1
  done
  [[ -n $SERVER_URL ]] || { echo "$SERVER_NAME printed no URL" >&2; cat "$log" >&2; exit 1; }
  echo "== $SERVER_NAME (pid $SERVER_PID) at $SERVER_URL"
}

run() {  # run NAME command... : runs, shows and keeps the output
  echo "\$ ${*:2}" | sed "s|$BIN/||"
  "${@:2}" 2>&1 | tee "$OUT/$1.txt" || true
  echo
}

STEPS=("$@")
[[ ${#STEPS[@]} -gt 0 ]] || STEPS=(echo queue floor chunks50 heartbeat idle_queue unread stalled stalled_long)
want() { [[ " ${STEPS[*]} " == *" $1 "* ]]; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "generator and server share this machine"
echo

if want echo || want queue; then
  start_server bench_server echo
  want echo && run echo "$BIN/gr_load" --url "$SERVER_URL" --clients "$CLIENTS" --duration "$DURATION" --pid "$SERVER_PID"
  want queue && run queue "$BIN/gr_load" --url "$SERVER_URL" --flow queue --clients "$CLIENTS" --duration "$DURATION" --pid "$SERVER_PID"
  stop_server
fi
if want floor; then  # the same call flow against a bare Beast server: the floor on this machine
  start_server gr_beast_floor
  run floor "$BIN/gr_load" --url "$SERVER_URL" --clients "$CLIENTS" --duration "$DURATION" --pid "$SERVER_PID"
  stop_server
  start_server gr_beast_floor --handoff
  run floor_handoff "$BIN/gr_load" --url "$SERVER_URL" --clients "$CLIENTS" --duration "$DURATION" --pid "$SERVER_PID"
  stop_server
fi
if want chunks50; then
  start_server bench_server chunks50
  run chunks50 "$BIN/gr_load" --url "$SERVER_URL" --clients 1 --duration 5 --pid "$SERVER_PID"
  run chunks50_queue "$BIN/gr_load" --url "$SERVER_URL" --flow queue --clients 1 --duration 5 --pid "$SERVER_PID"
  stop_server
fi
if want heartbeat; then
  start_server bench_server echo
  run heartbeat "$BIN/gr_idle_streams" --url "$SERVER_URL" --pid "$SERVER_PID" --streams "$STREAMS" --kind heartbeat --hold "$HOLD"
  stop_server
fi
if want idle_queue; then
  start_server bench_server hold
  # STREAMS-1 waiting sessions: with the holder's that is STREAMS sessions, the server's default
  # max_sessions (10,000); one more session gets 503.
  run idle_queue "$BIN/gr_idle_streams" --url "$SERVER_URL" --pid "$SERVER_PID" --streams "$((STREAMS - 1))" --kind queue --hold "$HOLD"
  stop_server
fi
if want unread; then  # UNREAD events in one session behind the holder, nobody reading queue/data
  start_server bench_server hold
  run unread "$BIN/gr_idle_streams" --url "$SERVER_URL" --pid "$SERVER_PID" --streams "$UNREAD" --kind unread --hold "$UNREAD_HOLD"
  stop_server
fi
SERVER_ENV="GR_BENCH_HEAP_FILE=$OUT/heap"  # bench_server writes its live heap there
if want stalled; then  # STALLED readers that stop reading a TOKENS-token stream
  start_server bench_server longstream "$TOKENS"
  run stalled "$BIN/gr_stalled_streams" --url "$SERVER_URL" --pid "$SERVER_PID" --streams "$STALLED" --hold "$STALL_HOLD" --heap-file "$OUT/heap"
  stop_server
fi
if want stalled_long; then  # fewer readers, 10x longer streams (production costs O(tokens^2))
  start_server bench_server longstream "$TOKENS_LONG"
  run stalled_long "$BIN/gr_stalled_streams" --url "$SERVER_URL" --pid "$SERVER_PID" --streams "$STALLED_LONG" --hold "$STALL_HOLD" --heap-file "$OUT/heap"
  stop_server
fi
SERVER_ENV=""

# --- summary ---------------------------------------------------------------------------
field() { sed -nE "s#.*$2.*#\1#p" "$OUT/$1.txt" 2>/dev/null | head -1; }  # field RUN REGEX-WITH-ONE-GROUP
check() {  # check VALUE OP TARGET
  [[ -n $1 ]] || { echo "n/a"; return; }
  awk -v v="$1" -v t="$3" -v op="$2" 'BEGIN { ok = (op == ">=") ? (v >= t) : (op == "<") ? (v < t) : (v <= t); print ok ? "met" : "MISSED" }'
}
echo "================ summary (load average now: $(cut -d' ' -f1-3 /proc/loadavg)) ================"
printf '%-52s %14s %12s %s\n' "measure (MB = 10^6 bytes)" "value" "target" ""
if want echo; then
  v=$(field echo '= ([0-9.]+) calls/s'); printf '%-52s %14s %12s %s\n' "echo, $CLIENTS clients, call flow: calls/s" "$v" ">= 9000" "$(check "$v" ">=" 9000)"
  v=$(field echo 'p50 ([0-9.]+)'); printf '%-52s %14s %12s\n' "  latency p50 (ms)" "$v" ""
  v=$(field echo 'p99 ([0-9.]+)'); printf '%-52s %14s %12s\n' "  latency p99 (ms)" "$v" ""
  v=$(field echo ' ([0-9.]+) us per call'); printf '%-52s %14s %12s %s\n' "  server CPU per call (us)" "$v" "<= 132" "$(check "$v" "<=" 132)"
fi
if want queue; then
  v=$(field queue '= ([0-9.]+) calls/s'); printf '%-52s %14s %12s\n' "echo, $CLIENTS clients, queue flow (JS client's): calls/s" "$v" ""
fi
if want floor; then
  v=$(field floor '= ([0-9.]+) calls/s'); u=$(field floor ' ([0-9.]+) us per call')
  printf '%-52s %14s %12s\n' "reference: bare Beast server, calls/s" "$v" ""
  printf '%-52s %14s %12s\n' "  its server CPU per call (us)" "$u" ""
  v=$(field floor_handoff '= ([0-9.]+) calls/s'); u=$(field floor_handoff ' ([0-9.]+) us per call')
  printf '%-52s %14s %12s\n' "reference: bare Beast + 1 worker-thread handoff, calls/s" "$v" ""
  printf '%-52s %14s %12s\n' "  its server CPU per call (us)" "$u" ""
fi
if want chunks50; then
  v=$(field chunks50 'p50 ([0-9.]+)'); printf '%-52s %14s %12s %s\n' "50-chunk stream, 1 client, POST->last event p50 ms" "$v" "<= 2" "$(check "$v" "<=" 2)"
  v=$(field chunks50_queue 'p50 ([0-9.]+)'); printf '%-52s %14s %12s\n' "  same over queue/join + queue/data, p50 ms" "$v" ""
fi
if want heartbeat; then
  v=$(field heartbeat 'rss_with_streams_MB=([0-9.]+)'); o=$(field heartbeat 'streams_open=([0-9]+)')
  printf '%-52s %14s %12s %s\n' "$STREAMS idle heartbeat streams: server RSS (MB)" "$v" "< 150" "$( [[ ${o:-0} == "$STREAMS" ]] && check "$v" "<" 150 || echo "MISSED (open: ${o:-0})")"
  v=$(field heartbeat 'per_stream_KiB=([0-9.]+)'); printf '%-52s %14s %12s\n' "  per stream (KiB)" "$v" ""
fi
if want idle_queue; then
  v=$(field idle_queue 'rss_with_streams_MB=([0-9.]+)'); o=$(field idle_queue 'streams_open=([0-9]+)')
  printf '%-52s %14s %12s %s\n' "$((STREAMS - 1)) queued events + idle queue/data streams (MB)" "$v" "< 150" "$( [[ ${o:-0} == "$((STREAMS - 1))" ]] && check "$v" "<" 150 || echo "MISSED (open: ${o:-0})")"
  v=$(field idle_queue 'per_stream_KiB=([0-9.]+)'); printf '%-52s %14s %12s\n' "  per queue/data stream (KiB)" "$v" ""
  v=$(field idle_queue 'per_waiting_client_KiB=([0-9.]+)'); printf '%-52s %14s %12s\n' "  per waiting client, event + stream (KiB)" "$v" ""
fi
if want unread; then
  v=$(field unread 'rss_joined_MB=([0-9.]+)'); j=$(field unread 'joined=([0-9]+)')
  printf '%-52s %14s %12s\n' "${j:-?} unread events, one session: server RSS (MB)" "$v" ""
  v=$(field unread 'per_event_KiB=([0-9.]+)'); printf '%-52s %14s %12s\n' "  per event (KiB)" "$v" ""
  v=$(field unread 'growth_MB_per_s=([-0-9.]+)'); printf '%-52s %14s %12s\n' "  growth over the next ${UNREAD_HOLD}s (MB/s)" "$v" ""
fi
for r in stalled stalled_long; do
  want $r || continue
  t=$(field $r 'tokens=([0-9]+)'); s=$(field $r ' stalled=([0-9]+)'); i=$(field $r 'idle=([01])')
  v=$(field $r 'rss_stalled_MB=([0-9.]+)')
  printf '%-52s %14s %12s\n' "${s:-?} stalled readers, ${t:-?}-token streams: RSS (MB)" "$v" "$( [[ $i == 1 ]] || echo "server not idle")"
  v=$(field $r ' per_reader_KiB=([0-9.]+)'); printf '%-52s %14s %12s\n' "  per stalled reader (KiB)" "$v" ""
  v=$(field $r 'heap_per_reader_KiB=([-0-9.]+)'); printf '%-52s %14s %12s\n' "  server live heap (malloc in use) per reader (KiB)" "$v" ""
  v=$(field $r 'tcp_kernel_per_reader_KiB=([-0-9.]+)'); printf '%-52s %14s %12s\n' "  kernel TCP buffers per reader (KiB)" "$v" ""
  v=$(field $r 'rss_after_drop_MB=([0-9.]+)'); printf '%-52s %14s %12s\n' "  RSS after the server dropped them (MB)" "$v" ""
  v=$(field $r 'heap_after_drop_MB=([0-9.]+)'); printf '%-52s %14s %12s\n' "  live heap after that (MB; sessions keep history)" "$v" ""
  c=$(field $r 'complete=([0-9]+)'); x=$(field $r 'cut_off=([0-9]+)')
  printf '%-52s %14s %12s\n' "  streams complete in kernel buffers / cut off" "${c:-?} / ${x:-?}" ""
done
stop_server
for p in "${PROBLEMS[@]}"; do echo "!! $p"; done
echo "raw outputs: $OUT"
