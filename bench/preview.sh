#!/usr/bin/env bash
# Save to reload: generates N articles (default 1,000), starts `helpbook preview` on them,
# listens to its event stream as an open page does, and appends a sentence to an article
# EDITS times (default 20): the time from each save (the file written and closed) to the event
# that tells the pages to reload. Prints the median, the fastest and the slowest.
# Usage: bench/preview.sh [N] [EDITS]
set -euo pipefail

N=${1:-1000}
EDITS=${2:-20}
REPO="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
GEN="$REPO/../shared/bench/gen_corpus.py"
[[ -f $GEN ]] || { echo "bench/preview.sh: $GEN not found (the shared/ folder must sit beside the repository)" >&2; exit 1; }

echo "--- cargo build --release" >&2
(cd "$REPO" && cargo build --release --locked --quiet)
HELPBOOK="$REPO/target/release/helpbook"

TMP=$(mktemp -d)
PREVIEW_PID=
cleanup() {
    [[ -n $PREVIEW_PID ]] && kill "$PREVIEW_PID" 2>/dev/null && wait "$PREVIEW_PID" 2>/dev/null
    rm -rf -- "$TMP"
}
trap cleanup EXIT

echo "--- generating $N articles" >&2
python3 "$GEN" "$N" "$TMP/corpus" >/dev/null
ROOT="$TMP/corpus/helpbook"

"$HELPBOOK" preview --root "$ROOT" --bind 127.0.0.1:0 > "$TMP/preview.out" 2>&1 &
PREVIEW_PID=$!
addr=
for _ in $(seq 1 600); do
    addr=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$TMP/preview.out" | head -1 || true)
    [[ -n $addr ]] && break
    kill -0 "$PREVIEW_PID" 2>/dev/null || { cat "$TMP/preview.out" >&2; exit 1; }
    sleep 0.1
done
[[ -n $addr ]] || { echo "preview did not start:" >&2; cat "$TMP/preview.out" >&2; exit 1; }
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
