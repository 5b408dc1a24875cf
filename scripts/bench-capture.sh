#!/usr/bin/env bash
# Capture throughput: alternates a bare hyper server (examples/bare_hyper.rs,
# reads the body, stores nothing) and `hookscope listen --headless` under the
# same wrk load: ~1 KB JSON POSTs with Stripe-like headers, keep-alive,
# 32 connections. Prints req/s, p50/p99 latency, the server's CPU time per
# request (all its threads, from /proc: steadier than req/s on a machine whose
# speed drifts), non-2xx answers, and stored rows against completed requests,
# per round and as medians, and each round's ratio of the two servers' req/s.
#
# Usage: scripts/bench-capture.sh [ROUNDS=3] [SECONDS=10]
# Needs wrk (apt-get install wrk).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
secs=${2:-10}
conns=32
threads=2

command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
# Built apart: an example pulls in the dev-dependencies' features, and the
# hookscope measured should be the one `cargo build --release` makes.
cargo build --release --quiet --bin hookscope
cargo build --release --quiet --example bare_hyper
bin=target/release/hookscope
bare=target/release/examples/bare_hyper
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

lua=scripts/capture-load.lua
body_bytes=$(python3 -c 'import re, sys
print(len(re.search(r"\[==\[(.*)\]==\]", open(sys.argv[1]).read(), re.S).group(1)))' "$lua")
echo "body: $body_bytes bytes; $conns connections, $threads wrk threads, ${secs}s per run, $rounds rounds"

# wait_ready FILE: the server's ready line names its address.
wait_ready() {
  for _ in $(seq 1 200); do
    addr=$(grep -o 'http://[0-9.:]*' "$1" 2>/dev/null | head -n1 || true)
    [ -n "$addr" ] && { echo "$addr"; return; }
    sleep 0.05
  done
  echo "server did not start: $(cat "$1")" >&2; exit 1
}

# cpu_ticks PID: user + system CPU time of the process so far, in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
ticks_per_s=$(getconf CLK_TCK)

# load URL PID -> "rps p50_ms p99_ms completed non2xx cpu_us_per_request"
load() {
  before=$(cpu_ticks "$2")
  out=$(wrk -t$threads -c$conns -d"${secs}s" --latency -s "$lua" "$1/hooks/stripe")
  after=$(cpu_ticks "$2")
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  done_=$(awk '/requests in/ {print $1}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$out"); non2xx=${non2xx:-0}
  cpu=$(python3 -c "print(round(($after - $before) / $ticks_per_s * 1e6 / max($done_, 1), 1))")
  echo "$rps $(ms "$p50") $(ms "$p99") $done_ $non2xx $cpu"
}
ms() { python3 -c "import re,sys;v,u=re.match(r'([\d.]+)(\w+)','$1').groups();print(round(float(v)*{'us':0.001,'ms':1,'s':1000}[u],3))"; }

# run_bare ROUND, run_hookscope ROUND: one measured run each, appended to $results.
run_bare() {
  "$bare" 0 > "$work/bare.out" & pid=$!
  url=$(wait_ready "$work/bare.out")
  read -r rps p50 p99 done_ non2xx cpu < <(load "$url" $pid)
  kill $pid; wait $pid 2>/dev/null || true
  echo "bare $1 $rps $p50 $p99 $done_ $non2xx - $cpu" >> "$results"
  printf 'round %s  bare hyper  %9.0f req/s  p50 %7.3f ms  p99 %7.3f ms  cpu %5.1f µs/req  non-2xx %s\n' "$1" "$rps" "$p50" "$p99" "$cpu" "$non2xx"
}
run_hookscope() {
  db=$work/bench-$1.sqlite3
  "$bin" listen --headless --port 0 --db "$db" > "$work/hs.out" 2>&1 & pid=$!
  url=$(wait_ready "$work/hs.out")
  read -r rps p50 p99 done_ non2xx cpu < <(load "$url" $pid)
  kill -INT $pid; wait $pid 2>/dev/null || true
  rows=$("$bin" ls --json --limit 0 --db "$db" | wc -l)
  echo "hookscope $1 $rps $p50 $p99 $done_ $non2xx $rows $cpu" >> "$results"
  printf 'round %s  hookscope   %9.0f req/s  p50 %7.3f ms  p99 %7.3f ms  cpu %5.1f µs/req  non-2xx %s  stored %s of %s completed\n' \
    "$1" "$rps" "$p50" "$p99" "$cpu" "$non2xx" "$rows" "$done_"
  rm -f "$db"*
}

# The machine's speed drifts within minutes, so each round's two runs are
# compared with each other, and the order flips every round (bare first,
# then hookscope first) so a steady drift favours neither.
results=$work/results
for round in $(seq 1 "$rounds"); do
  if [ $((round % 2)) -eq 1 ]; then
    run_bare "$round"; run_hookscope "$round"
  else
    run_hookscope "$round"; run_bare "$round"
  fi
done

python3 - "$results" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
def med(kind, col): return statistics.median(float(r[col]) for r in rows if r[0] == kind)
by_round = {}
for r in rows: by_round.setdefault(r[1], {})[r[0]] = float(r[2])
ratios = sorted(v["hookscope"] / v["bare"] for v in by_round.values())
bare, hs = med("bare", 2), med("hookscope", 2)
print()
print("ratio per round (hookscope / bare of the same round):", " ".join(f"{x:.2f}" for x in ratios))
print(f"median over rounds   bare hyper {bare:9.0f} req/s  p50 {med('bare',3):.3f} ms  p99 {med('bare',4):.3f} ms  cpu {med('bare',8):.1f} µs/req")
print(f"                     hookscope  {hs:9.0f} req/s  p50 {med('hookscope',3):.3f} ms  p99 {med('hookscope',4):.3f} ms  cpu {med('hookscope',8):.1f} µs/req")
print(f"ratio hookscope / bare: {statistics.median(ratios):.2f} (median of the rounds' ratios; ratio of the medians {hs / bare:.2f}; server CPU per request: {med('hookscope',8) / med('bare',8):.1f}x)")
lost = [r for r in rows if r[0] == "hookscope" and int(r[7]) < int(r[5]) - int(r[6])]
non2xx = sum(int(r[6]) for r in rows if r[0] == "hookscope")
stored = sum(int(r[7]) for r in rows if r[0] == "hookscope")
completed = sum(int(r[5]) for r in rows if r[0] == "hookscope")
print(f"hookscope non-2xx answers: {non2xx}; rounds with fewer stored rows than 2xx answers: {len(lost)} ({stored} rows stored for {completed} completed requests)")
PY
