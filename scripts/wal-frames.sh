#!/usr/bin/env bash
# Which pages each commit writes to the WAL under the capture benchmark's
# load: runs `hookscope listen --headless` under wrk, kills it with SIGKILL
# so the WAL stays as it was, and reads the frames of its commits back,
# naming each page's b-tree from SQLite's dbstat table.
#
# Usage: scripts/wal-frames.sh [SECONDS=3]
# Needs wrk (apt-get install wrk) and python3 with its sqlite3 module.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-3}
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
cargo build --release --quiet --bin hookscope
work=$(mktemp -d)
trap 'kill -9 $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

db=$work/capture.sqlite3
target/release/hookscope listen --headless --port 0 --db "$db" > "$work/out" 2>&1 &
pid=$!
for _ in $(seq 1 200); do
  addr=$(grep -o 'http://[0-9.:]*' "$work/out" 2>/dev/null | head -n1 || true)
  [ -n "$addr" ] && break
  sleep 0.05
done
[ -n "${addr:-}" ] || { echo "server did not start: $(cat "$work/out")" >&2; exit 1; }
wrk -t2 -c32 -d"${secs}s" -s scripts/capture-load.lua "$addr/hooks/stripe" | grep 'Requests/sec'
kill -9 "$pid"
wait "$pid" 2>/dev/null || true

python3 - "$db" <<'PY'
import collections, shutil, sqlite3, struct, sys
db = sys.argv[1]
wal = open(db + "-wal", "rb").read()
_, _, page_size, _, salt1, salt2 = struct.unpack(">6I", wal[:24])
# Pages are named from a copy, so reading (which replays the WAL) leaves
# the killed server's files as they were.
shutil.copy(db, db + ".copy")
shutil.copy(db + "-wal", db + ".copy-wal")
conn = sqlite3.connect(db + ".copy")
owner = {page: (name, kind) for name, page, kind in
         conn.execute("SELECT name, pageno, pagetype FROM dbstat")}


def varint(data, at):
    value = 0
    for i in range(9):
        byte = data[at + i]
        if i == 8:
            return (value << 8) | byte, at + 9
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, at + i + 1


def last_rowid(page):
    """The highest rowid on a table leaf page (cells are in rowid order)."""
    cells = struct.unpack(">H", page[3:5])[0]
    if page[0] != 0x0D or cells == 0:
        return 0
    cell = struct.unpack(">H", page[8 + 2 * (cells - 1):10 + 2 * (cells - 1)])[0]
    _, at = varint(page, cell)
    return varint(page, at)[0]


# Each commit: the pages it wrote, and the newest request id on them.
commits, pages, newest, offset = [], [], 0, 32
while offset + 24 + page_size <= len(wal):
    page, commit, s1, s2 = struct.unpack(">IIII", wal[offset:offset + 16])
    if (s1, s2) != (salt1, salt2):
        break  # frames left over from before the last WAL restart
    pages.append(page)
    if owner.get(page, ("",))[0] == "requests":
        newest = max(newest, last_rowid(wal[offset + 24:offset + 24 + page_size]))
    if commit:
        commits.append((pages, newest))
        pages, newest = [], 0
    offset += 24 + page_size
if not commits:
    sys.exit("no commit since the last WAL restart: run longer")
counts = collections.Counter()
for pages, _ in commits:
    for page in pages:
        name, kind = owner.get(page, ("?", "?"))
        counts["page 1 (header)" if page == 1 else f"{name} {kind}"] += 1
# The first commit's count is unknown: nothing before it is in the WAL.
ids = [newest for _, newest in commits]
per_commit = (ids[-1] - ids[0]) / max(len(ids) - 1, 1)
frames = sum(len(pages) for pages, _ in commits) / len(commits)
print(f"{len(commits)} commits of {per_commit:.1f} requests, {page_size}-byte pages, "
      f"{frames:.2f} frames per commit:")
for what, n in counts.most_common():
    print(f"  {n / len(commits):5.2f}  {what}")
PY
