#!/usr/bin/env bash
# The API as documented: builds the bundled demo into a temp folder, starts `helpbook serve` on
# a free 127.0.0.1 port, checks the OpenAPI document it serves (/api/openapi.json) with
# openapi-spec-validator, then lets schemathesis send every documented operation generated
# requests (MAX_EXAMPLES per operation and phase, default 50; a fixed SEED, default 1) and
# checks each answer: no 5xx, and its status, content type, headers and body schema are the
# document's. Stops the server and removes the folder however it ends.
# Usage: tests/api/schemathesis.sh   (from any folder; schemathesis goes in a venv under the
# target dir, pinned by tests/api/requirements.txt)
set -euo pipefail

HERE="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd -- "$HERE/../.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$REPO/target}"
VENV="$TARGET/api-venv"
MAX_EXAMPLES="${MAX_EXAMPLES:-50}"
SEED="${SEED:-1}"

die() { echo "schemathesis.sh: $*" >&2; exit 1; }

command -v python3 >/dev/null 2>&1 || die "python3 is needed (3.9 or newer)"
stamp="$VENV/.requirements"
if ! cmp -s "$HERE/requirements.txt" "$stamp" 2>/dev/null; then
  echo "--- installing schemathesis into $VENV"
  rm -rf -- "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$HERE/requirements.txt" </dev/null
  cp "$HERE/requirements.txt" "$stamp"
fi

echo "--- building helpbook and the demo help center"
(cd "$REPO" && cargo build --locked --quiet </dev/null)
HELPBOOK="$TARGET/debug/helpbook"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/helpbook-api.XXXXXX")
SERVER_PID=
cleanup() {
  if [[ -n $SERVER_PID ]]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf -- "$TMP"
}
trap cleanup EXIT
mkdir "$TMP/demo"
cp -R "$REPO/book.toml" "$REPO/content" "$REPO/static" "$TMP/demo/"
[[ -d $REPO/themes ]] && cp -R "$REPO/themes" "$TMP/demo/"
"$HELPBOOK" build --root "$TMP/demo" --quiet </dev/null

echo "--- starting helpbook serve"
"$HELPBOOK" serve --root "$TMP/demo" --bind 127.0.0.1:0 >"$TMP/serve.log" 2>&1 </dev/null &
SERVER_PID=$!
ADDR=
for _ in $(seq 1 300); do
  ADDR=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$TMP/serve.log" | head -1 || true)
  [[ -n $ADDR ]] && curl -fsS "$ADDR/healthz" >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || break
  ADDR=
  sleep 0.1
done
[[ -n $ADDR ]] || { sed 's/^/!!! /' "$TMP/serve.log" >&2; die "helpbook serve did not start"; }
echo "$ADDR"

echo "--- the served document is valid OpenAPI"
curl -fsS "$ADDR/api/openapi.json" -o "$TMP/openapi.json"
"$VENV/bin/openapi-spec-validator" "$TMP/openapi.json"

echo "--- schemathesis: $MAX_EXAMPLES examples per operation, seed $SEED"
# Run in the temp folder: schemathesis keeps its example database in the working directory.
cd "$TMP"
status=0
timeout 600 "$VENV/bin/st" --no-color run "$ADDR/api/openapi.json" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance,unsupported_method,allow_header_conformance \
  --max-examples "$MAX_EXAMPLES" --seed "$SEED" \
  --phases examples,coverage,fuzzing --request-timeout 15 \
  </dev/null || status=$?
if ! kill -0 "$SERVER_PID" 2>/dev/null; then
  sed 's/^/!!! /' "$TMP/serve.log" >&2
  die "helpbook serve stopped during the run"
fi
if grep -q 'ERROR\|panicked' "$TMP/serve.log"; then
  grep 'ERROR\|panicked' "$TMP/serve.log" | sed 's/^/!!! /' >&2
  die "helpbook serve logged errors during the run"
fi
exit "$status"
