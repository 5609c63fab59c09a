#!/usr/bin/env bash
# Build benchmark: helpbook vs Hugo on the same generated help-center corpus.
#
#   bench/build.sh              # N = 1000 and 10000 documents
#   bench/build.sh 1000         # just one size
#   RUNS=3 bench/build.sh 1000  # fewer runs per tool (default 5)
#
# For each N, generates a corpus with ../shared/bench/gen_corpus.py into a temporary folder,
# then builds it RUNS times with each tool, alternating (helpbook, hugo, helpbook, hugo, ...)
# so both share the machine's noise. Every run is a full build into a new, empty output folder
# (the previous helpbook build/ is moved aside, Hugo gets a new --destination; see below).
# Wall time and peak RSS come from GNU time (`/usr/bin/time -f '%e %M'`).
#
# Progress and raw per-run numbers go to stderr; the Markdown table goes to stdout.
# Exits 1 if any build failed (its stderr is printed), after finishing the other tool's runs.
# See bench/README.md.
set -euo pipefail

RUNS=${RUNS:-5}
SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
REPO=$(cd -- "$SCRIPT_DIR/.." && pwd -P)
GEN="$(cd -- "$REPO/.." && pwd -P)/shared/bench/gen_corpus.py"
GNU_TIME=/usr/bin/time

log() { printf '%s\n' "$*" >&2; }
die() { printf 'bench/build.sh: error: %s\n' "$*" >&2; exit 1; }

if (($# == 0)); then
    set -- 1000 10000
fi
for n in "$@"; do
    [[ $n =~ ^[1-9][0-9]*$ ]] || die "N must be a positive integer, got \`$n\` (usage: bench/build.sh [N...])"
done
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer, got \`$RUNS\`"
[[ -f $GEN ]] || die "corpus generator not found: $GEN (the shared/ folder must be a sibling of the repository)"

# --- 1. Tools --------------------------------------------------------------------------------

export DEBIAN_FRONTEND=noninteractive
missing=()
command -v hugo >/dev/null 2>&1 || missing+=(hugo)
[[ -x $GNU_TIME ]] || missing+=(time)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if ((${#missing[@]})); then
    command -v apt-get >/dev/null 2>&1 || die "missing ${missing[*]} and no apt-get to install them"
    SUDO=()
    if ((EUID != 0)); then
        command -v sudo >/dev/null 2>&1 || die "missing ${missing[*]}; run as root or install them"
        SUDO=(sudo -n)
    fi
    log "==> installing ${missing[*]}"
    # Update the package lists only if the install cannot go ahead with the ones we have
    # (a fresh image has none; old ones may point at files the mirror no longer has).
    if ! "${SUDO[@]}" apt-get install -y --no-install-recommends "${missing[@]}" </dev/null >&2; then
        log "==> apt-get install failed; running apt-get update and trying again"
        "${SUDO[@]}" apt-get update </dev/null >&2
        "${SUDO[@]}" apt-get install -y --no-install-recommends "${missing[@]}" </dev/null >&2
    fi
fi
command -v cargo >/dev/null 2>&1 || die "cargo not found; install Rust (https://rustup.rs) first"

log "==> cargo build --release"
(cd "$REPO" && cargo build --release </dev/null) >&2
target_dir=${CARGO_TARGET_DIR:-$REPO/target}
[[ $target_dir = /* ]] || target_dir="$REPO/$target_dir"
HELPBOOK="$target_dir/release/helpbook"
[[ -x $HELPBOOK ]] || die "cargo build succeeded but $HELPBOOK is not there"

hugo_version=$(hugo version 2>/dev/null | head -n1 || echo "hugo (version unknown)")
helpbook_version=$("$HELPBOOK" --version 2>/dev/null | head -n1 || echo "helpbook (version unknown)")

# --- 2. Scratch space --------------------------------------------------------------------------

# Nothing is deleted until the script exits. Every timed run writes into a folder that has
# never existed: deleting the previous output right before a build makes the next build slower
# on some file systems (ext4 without a journal, like this benchmark machine's, skips recently
# freed inodes when allocating and rescans them for every new file: measured here, 10,000
# pages went from 2.0 s to 2.5, 2.9, 3.4 s over three rm-then-build runs). Peak scratch use is
# about 4.5 GB for the default sizes; set TMPDIR to put it elsewhere.
TMP=$(mktemp -d "${TMPDIR:-/tmp}/helpbook-bench.XXXXXX")
mkdir -p "$TMP/old"
cleanup() { rm -rf -- "$TMP"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- helpers -----------------------------------------------------------------------------------

# stats FILE -> "median min max" of the numbers in FILE (one a line)
stats() {
    sort -g "$1" | awk '{ v[NR] = $1 }
        END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
              printf "%s %s %s\n", m, v[1], v[NR] }'
}

# timed TOOL N LOG -- CMD...: runs CMD under GNU time; appends wall s and peak KiB to
# $TMP/N.TOOL.{wall,rss}. On failure prints the command's stderr and returns 1.
timed() {
    local tool=$1 n=$2 err=$3
    shift 4
    local tf="$TMP/time.out" rc=0
    "$GNU_TIME" -o "$tf" -f '%e %M' "$@" >"$err.stdout" 2>"$err" </dev/null || rc=$?
    if ((rc != 0)); then
        log ""
        log "!!! $tool FAILED on N=$n (exit $rc): $(printf '%q ' "$@")"
        log "!!! ---- stderr ----"
        sed 's/^/!!! /' "$err" >&2
        if [[ -s "$err.stdout" ]]; then
            log "!!! ---- stdout ----"
            sed 's/^/!!! /' "$err.stdout" >&2
        fi
        log "!!! ----------------"
        return 1
    fi
    # With -o, GNU time writes only our format line (plus a status line if the command was
    # killed by a signal, which rc already caught); take the last line.
    local wall rss
    read -r wall rss < <(tail -n1 "$tf")
    echo "$wall" >>"$TMP/$n.$tool.wall"
    echo "$rss" >>"$TMP/$n.$tool.rss"
    log "    $tool run: ${wall} s, $(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }') MB"
}

# --- 3. Benchmark ------------------------------------------------------------------------------

# Both tools create some 20,000 files and folders per build. On ext4 without a journal (this
# machine's disk) the kernel skips every inode freed in the last minute, or the last six while
# its inode table block is unwritten, each time it creates one; creating files dirties those
# blocks, so in practice six minutes. Whatever deleted many files before the benchmark, such as
# an earlier benchmark's clean-up, then costs seconds of kernel time per build, more for the
# tool that spends less time in its own code. (With a journal, ext4's default, the kernel makes
# no such check.) On such a disk the script writes everything out and waits six minutes before
# the first run, so as to measure the tools rather than what ran before; SETTLE=seconds sets
# the wait (SETTLE=0: none).
settled=
settle_disk() {
    [[ -z $settled ]] || return 0 # nothing is deleted between the sizes' runs
    settled=1
    local seconds=${SETTLE:-} device
    if [[ -z $seconds ]]; then
        seconds=0
        device=$(findmnt -no SOURCE -T "$TMP" 2>/dev/null || true)
        device=${device##*/}
        if [[ -n $device && $(cat "/sys/fs/ext4/$device/journal_task" 2>/dev/null) == "<none>" ]]; then
            seconds=360
        fi
    fi
    [[ $seconds =~ ^[0-9]+$ ]] || die "SETTLE must be a whole number of seconds, got \`$seconds\`"
    ((seconds > 0)) || return 0
    log "    ext4 without a journal: sync, then ${seconds} s for recently freed inodes to age (SETTLE=0 skips)"
    sync
    sleep "$seconds"
}

cpu_model=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
mem_total=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo 2>/dev/null || true)
log "==> machine: $(nproc) CPUs, ${cpu_model:-unknown CPU}, ${mem_total:-? RAM}"
log "==> $helpbook_version; $hugo_version"

load_start=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')
failed=0
declare -A status pages size corpus

for n in "$@"; do
    corp="$TMP/corpus-$n"
    log "==> N=$n: generating corpus"
    python3 "$GEN" "$n" "$corp" >"$TMP/gen-$n.json" </dev/null
    corpus[$n]=$(python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); b=s["by_lang"]
print("%d docs (en %d, ru %d, et %d), %s words" % (s["n"], b["en"], b["ru"], b["et"], format(s["words_total"], ",")))' "$TMP/gen-$n.json")
    log "    ${corpus[$n]}"
    settle_disk
    hb_root="$corp/helpbook"
    hb_out="$hb_root/build"
    hugo_src="$corp/hugo"
    status[$n.helpbook]=ok
    status[$n.hugo]=ok
    hugo_out=
    for ((i = 1; i <= RUNS; i++)); do
        log "--- N=$n run $i/$RUNS"
        if [[ ${status[$n.helpbook]} = ok ]]; then
            # Move the previous build aside instead of deleting it (see "Nothing is deleted" above).
            [[ -e $hb_out ]] && mv -- "$hb_out" "$TMP/old/helpbook-$n-$i"
            if ! timed helpbook "$n" "$TMP/err" -- "$HELPBOOK" build --root "$hb_root" --quiet; then
                status[$n.helpbook]=FAILED
                log "!!! reproduce: python3 ${GEN@Q} $n /tmp/corpus-$n && ${HELPBOOK@Q} build --root /tmp/corpus-$n/helpbook"
            fi
        fi
        if [[ ${status[$n.hugo]} = ok ]]; then
            hugo_out="$TMP/hugo-public-$n-$i"   # a new, empty destination for every run
            if ! timed hugo "$n" "$TMP/err" -- hugo --source "$hugo_src" --destination "$hugo_out" --quiet; then
                status[$n.hugo]=FAILED
                log "!!! reproduce: python3 ${GEN@Q} $n /tmp/corpus-$n && hugo --source /tmp/corpus-$n/hugo --destination /tmp/corpus-$n/public"
            fi
        fi
    done
    for tool in helpbook hugo; do
        [[ ${status[$n.$tool]} = ok ]] || { failed=1; continue; }
        if [[ $tool = helpbook ]]; then site="$hb_out/site"; else site="$hugo_out"; fi
        pages[$n.$tool]=$(find "$site" -type f -name '*.html' | wc -l)
        size[$n.$tool]=$(du -sh -- "$site" | cut -f1)
        if [[ $tool = helpbook && -d $hb_out/index ]]; then
            size[$n.$tool]="${size[$n.$tool]} + index $(du -sh -- "$hb_out/index" | cut -f1)"
        fi
    done
done

# --- 4. Report ---------------------------------------------------------------------------------

echo "| N | tool | pages (.html) | median wall s | min s | max s | median peak MB | output (du -sh) | helpbook/hugo wall |"
echo "|---:|---|---:|---:|---:|---:|---:|---:|---:|"
for n in "$@"; do
    declare -A med=()
    for tool in helpbook hugo; do
        if [[ ${status[$n.$tool]} != ok ]]; then
            echo "| $n | $tool | FAILED | – | – | – | – | – | |"
            continue
        fi
        read -r m lo hi < <(stats "$TMP/$n.$tool.wall")
        read -r rss _ _ < <(stats "$TMP/$n.$tool.rss")
        med[$tool]=$m
        mb=$(awk -v k="$rss" 'BEGIN { printf "%.0f", k / 1024 }')
        printf '| %s | %s | %s | %.2f | %.2f | %.2f | %s | %s |' \
            "$n" "$tool" "${pages[$n.$tool]}" "$m" "$lo" "$hi" "$mb" "${size[$n.$tool]}"
        if [[ $tool = hugo ]]; then
            if [[ -n ${med[helpbook]:-} ]]; then
                awk -v a="${med[helpbook]}" -v b="$m" 'BEGIN { if (b > 0) printf " %.2f |\n", a / b; else print " – |" }'
            else
                echo " – |"
            fi
        else
            echo " |"
        fi
    done
done
echo
echo "Medians of $RUNS alternating runs each; full builds into a new, empty output folder."
echo "Machine: $(nproc) CPUs, ${cpu_model:-unknown CPU}, ${mem_total:-? RAM}; $(date -u '+%Y-%m-%d %H:%M UTC')."
echo "Load average (1, 5, 15 min) at start: $load_start; at end: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')."
echo "Tools: $helpbook_version; $hugo_version."
for n in "$@"; do
    echo "Corpus N=$n: ${corpus[$n]}."
done

if ((failed)); then
    log ""
    log "bench/build.sh: some builds FAILED (see the !!! lines above)"
    exit 1
fi
