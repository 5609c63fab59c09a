#!/usr/bin/env bash
# Save to reload: generates N articles (default 1,000), starts `helpbook preview` on them,
# listens to its event stream as an open page does, and appends a sentence to an article
# EDITS times (default 20): the time from each save (the file written and closed) to the event
# that tells the pages to reload. Prints the median, the fastest and the slowest.
# Usage: bench/preview.sh [N] [EDITS]
set -euo pipefail

N=${1:-1000}
EDITS=${2:-20}
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

build_helpbook
generate "$N"
ROOT="$TMP/corpus/helpbook"
start_helpbook "$TMP/preview.out" preview --root "$ROOT"
addr=$ADDR
echo "--- $addr: $EDITS saves" >&2

python3 - "$addr" "$ROOT" "$EDITS" "$N" <<'PY'
import json, os, socket, statistics, sys, time

addr, root, edits, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
host, port = addr.removeprefix("http://").split(":")
stream = socket.create_connection((host, int(port)), timeout=300)
stream.sendall(f"GET /__helpbook/events HTTP/1.1\r\nHost: {host}\r\nAccept: text/event-stream\r\n\r\n".encode())
lines = stream.makefile("r", encoding="utf-8", newline="\n")

def next_status():
    for line in lines:
        if line.startswith("data: "):
            return json.loads(line[6:])
    raise SystemExit("the event stream ended")

# The stream says where the builds are as soon as it opens: wait for the first build.
status = next_status()
while status["generation"] < 1:
    if status["problems"]:
        raise SystemExit(f"the help center does not build: {status['problems']}")
    status = next_status()
first = status["generation"]
articles = sorted(
    os.path.join(d, f)
    for d, _, files in os.walk(os.path.join(root, "content"))
    for f in files
    if f.endswith(".md") and not f.startswith("_")
)
article = articles[len(articles) // 2]
took = []
for edit in range(edits):
    with open(article, "a", encoding="utf-8") as f:
        f.write(f"\nEdit {edit}: the parcel arrives on Tuesday.\n")
    saved = time.monotonic()
    while True:
        status = next_status()
        if status["problems"]:
            raise SystemExit(f"the edit broke the build: {status['problems']}")
        if status["generation"] == first + edit + 1:
            break
    took.append((time.monotonic() - saved) * 1000)
    print(f"save {edit + 1}: {took[-1]:.0f} ms", file=sys.stderr)
print(f"| {n} | {edits} | {statistics.median(took):.0f} ms | {min(took):.0f} ms | {max(took):.0f} ms |")
PY
echo "(N articles, saves, median / fastest / slowest from a save to the reload event; $(nproc) CPUs; $(date -u '+%Y-%m-%d %H:%M UTC'))"
