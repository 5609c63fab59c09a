#!/usr/bin/env bash
# Save to page, side by side: generates N articles (default 1,000) in helpbook's and Hugo's
# layouts, starts `helpbook preview` and `hugo server` (each with its defaults) on them, and
# appends a sentence to the same article EDITS times (default 20) in each: the time from the
# save to the article's page, fetched over HTTP every 2 ms as a browser reloading it would,
# holding the new sentence. Prints the median, the fastest and the slowest per tool.
# Hugo comes from Debian's `hugo` package (installed when missing and run as root).
# Usage: bench/preview-compare.sh [N] [EDITS]
set -euo pipefail

N=${1:-1000}
EDITS=${2:-20}
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
if ! command -v hugo >/dev/null && [[ $(id -u) == 0 ]]; then
    apt-get install -y -qq hugo >/dev/null
fi

build_helpbook
generate "$N"

# The article edited: the middle one of the English articles both layouts have.
ARTICLE=$(cd "$TMP/corpus/helpbook/content" && find . -name '*.md' ! -name '_*' ! -name '*.*.md' \
    | sed 's|^\./||' | sort | while read -r f; do [[ -f $TMP/corpus/hugo/content/$f ]] && echo "$f"; done \
    | awk '{ a[NR] = $0 } END { print a[int((NR + 1) / 2)] }')
PAGE="/${ARTICLE%.md}/"

# measure TOOL ROOT URL: the saves, one line per save on stderr, the summary row on stdout.
measure() {
    python3 - "$1" "$2" "$3" "$PAGE" "$EDITS" <<'PY'
import http.client, statistics, sys, time

tool, file, base, page, edits = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
host, port = base.removeprefix("http://").split(":")
connection = http.client.HTTPConnection(host, int(port), timeout=30)

def body():
    global connection
    try:
        connection.request("GET", page)
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    except (OSError, http.client.HTTPException):
        connection.close()
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        return 0, ""

deadline = time.monotonic() + 600
while body()[0] != 200:
    if time.monotonic() > deadline:
        raise SystemExit(f"{tool}: {page} was never served")
    time.sleep(0.1)
time.sleep(1)
took = []
for edit in range(edits):
    marker = f"Zebracorn{edit}x"
    with open(file, "a", encoding="utf-8") as f:
        f.write(f"\n{marker} parcels arrive on Tuesday.\n")
    saved = time.monotonic()
    while marker not in body()[1]:
        if time.monotonic() - saved > 120:
            raise SystemExit(f"{tool}: save {edit + 1} never showed")
        time.sleep(0.002)
    took.append((time.monotonic() - saved) * 1000)
    print(f"{tool} save {edit + 1}: {took[-1]:.0f} ms", file=sys.stderr)
    time.sleep(0.3)
print(f"| {tool} | {statistics.median(took):.0f} ms | {min(took):.0f} ms | {max(took):.0f} ms |")
PY
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

echo "--- $PAGE, $EDITS saves each" >&2
echo "| tool | median | fastest | slowest |"
echo "|---|---:|---:|---:|"

ROOT="$TMP/corpus/helpbook"
start_helpbook "$TMP/helpbook.out" preview --root "$ROOT"
measure "helpbook preview" "$ROOT/content/$ARTICLE" "$ADDR"
stop_server

if command -v hugo >/dev/null; then
    port=$(free_port)
    (cd "$TMP/corpus/hugo" && exec hugo server --bind 127.0.0.1 --port "$port" --baseURL "http://127.0.0.1:$port/" > "$TMP/hugo.out" 2>&1) &
    SERVER_PID=$!
    measure "hugo server $(hugo version | grep -o 'v[0-9.]*' | head -1)" "$TMP/corpus/hugo/content/$ARTICLE" "http://127.0.0.1:$port"
    stop_server
else
    echo "(hugo is not installed: run as root to install Debian's package)" >&2
fi
echo "($N articles, $EDITS saves each, from a save to the page served with it; $(nproc) CPUs; $(date -u '+%Y-%m-%d %H:%M UTC'))"
