# Sourced by the bench scripts: where things are, a scratch folder that goes away with the
# script (and the server it left running), helpbook built, articles generated, and a helpbook
# server started on a free loopback port.

REPO="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
GEN="$REPO/../shared/bench/gen_corpus.py"
HELPBOOK="$REPO/target/release/helpbook"
BENCH=$(basename -- "$0" .sh)

log() { printf '%s\n' "$*" >&2; }
die() { printf 'bench/%s.sh: %s\n' "$BENCH" "$*" >&2; exit 1; }
[[ -f $GEN ]] || die "$GEN not found (the shared/ folder must sit beside the repository)"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/helpbook-$BENCH.XXXXXX")
SERVER_PID=
cleanup() {
    [[ -n $SERVER_PID ]] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
    rm -rf -- "$TMP"
}
trap cleanup EXIT

# build_helpbook [CARGO ARGS...]: `cargo build --release` of this repository.
build_helpbook() {
    log "--- cargo build --release"
    (cd "$REPO" && cargo build --release --locked --quiet "$@") >&2
}

# generate N: N articles in every layout, in $TMP/corpus.
generate() {
    log "--- generating $1 articles"
    python3 "$GEN" "$1" "$TMP/corpus" >/dev/null
}

# start_helpbook OUTPUT serve|preview ARGS...: starts helpbook in the background on a free
# loopback port, its output in OUTPUT; sets SERVER_PID, and ADDR once /healthz answers.
start_helpbook() {
    local output=$1
    shift
    "$HELPBOOK" "$@" --bind 127.0.0.1:0 >"$output" 2>&1 &
    SERVER_PID=$!
    ADDR=
    for _ in $(seq 1 600); do
        ADDR=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$output" | head -1 || true)
        [[ -n $ADDR ]] && curl -fsS "$ADDR/healthz" >/dev/null 2>&1 && return
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    sed 's/^/!!! /' "$output" >&2
    die "helpbook $1 did not start"
}

# stop_server: stops the server started last.
stop_server() {
    if [[ -n $SERVER_PID ]]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=
}
