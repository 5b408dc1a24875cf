#!/usr/bin/env bash
# UI scale: builds a capture file of N realistic requests (default 1,000,000,
# ~1 KB JSON bodies, a mix of methods, paths and providers; kept between runs
# under target/) and measures, headless through the real UI code: first
# frame, page-by-page scrolling through the whole list, two filters, peak RSS.
#
# Usage: scripts/bench-ui.sh [N=1000000]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
db=target/bench-ui-$n.sqlite3
cargo build --release --quiet --example ui_bench
if [ ! -f "$db" ]; then
  target/release/examples/ui_bench generate "$db" "$n"
fi
ls -lh "$db" | awk '{print "capture file: " $5}'
target/release/examples/ui_bench measure "$db"
