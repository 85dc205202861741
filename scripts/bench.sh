#!/usr/bin/env bash
# Run gouv's C benchmarks (cbindings_test/bench/bench_*.c) against gouv and
# against the system libuv, alternately (each going first in turn), and print
# a table of the medians and the ratio gouv/libuv (throughput terms: > 1 means
# gouv is faster).
#
# Usage: scripts/bench.sh [--rounds N] [--ref153] [filter]
#        scripts/bench.sh node [--node 18|20|22|24] [--rounds N]
#                              [http|paired|fs|spawn|worker|startup]
#   node         one of Debian's Nodes (scripts/node.sh; default 18) on gouv
#                and on its own libuv instead (cbindings_test/bench/node/;
#                see bench_node below)
#   --rounds N   runs per benchmark and implementation (default 3)
#   --ref153     also run the reference binaries on libuv 1.53 (Debian
#                unstable's, from the root scripts/debian_root.sh sid makes,
#                through that root's dynamic loader), and add the columns
#                "libuv 1.53" and gouv/1.53. gouv runs libuv 1.45's loop
#                order, which 1.53 keeps and Debian 12's 1.44 predates
#                (docs/design.md): rows it moves show here.
#   filter       only benchmarks whose name contains this substring
#
# Trees: build/ (gouv; configured with
#   cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release) and build/ref
# (the same sources with -DGOUV_REFERENCE=ON, linked to the system libuv).
# Both are built (or brought up to date) first. Overrides, for people who
# build elsewhere: GOUV_BENCH_BUILD_DIR, GOUV_BENCH_REF_BUILD_DIR, and
# GOUV_BENCH_TIMEOUT (seconds per run, default 300).
#
# If gouv does not build, or a gouv benchmark crashes, times out or reports
# ENOSYS, its rows show "n/a" and the script carries on. Only the table goes
# to stdout; progress and diagnostics go to stderr.
set -euo pipefail

# ---------------------------------------------------------------------------
# Node mode: scripts/bench.sh node [--node V] [--rounds N] [filter]
# One of Debian's Nodes (scripts/node.sh --node V; V is 18, 20, 22 or 24,
# default $GOUV_BENCH_NODE or 18) on gouv and on the libuv it was packaged
# with, the same binary, alternately; the workloads are
# cbindings_test/bench/node/*.js. Until Node boots on gouv its column is n/a.
bench_node() {
  set +e  # a failed run is a row of n/a, not the end of the script
  local root rounds=3 filter="" dir tmp version=${GOUV_BENCH_NODE:-18}
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  dir=$root/cbindings_test/bench/node
  while (($#)); do
    case $1 in
      --rounds) rounds=${2:?}; shift 2 ;;
      --rounds=*) rounds=${1#--rounds=}; shift ;;
      --node) version=${2:?}; shift 2 ;;
      --node=*) version=${1#--node=}; shift ;;
      *) filter=$1; shift ;;
    esac
  done
  [[ $rounds =~ ^[1-9][0-9]*$ ]] || { echo "bench.sh: --rounds wants a positive integer" >&2; exit 2; }
  [[ $version =~ ^(18|20|22|24)$ ]] || { echo "bench.sh: --node wants 18, 20, 22 or 24" >&2; exit 2; }
  # nodesh ARGS...: node.sh on this Node release.
  nodesh() { "$root/scripts/node.sh" --node "$version" "$@"; }
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/gouv-bench-node.XXXXXX")
  BENCH_NODE_TMP=$tmp
  trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$BENCH_NODE_TMP"' EXIT
  local results=$tmp/results
  : >"$results"
  nlog() { echo "bench.sh node: $*" >&2; }

  # Fetch Node and build gouv before timing anything.
  nodesh --reference -e 0 >&2 || { nlog "node $version does not run on its own libuv"; exit 1; }
  nodesh -e 0 >/dev/null 2>&1 || nlog "node does not start on gouv yet: its column will be n/a"

  # wrk is the load generator when it can be had (as root, from Debian);
  # otherwise a Node client in a second process, always on the system libuv.
  if ! command -v wrk >/dev/null && [[ $(id -u) == 0 ]]; then
    nlog "installing wrk"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null 2>&1 ||
      nlog "no wrk: using cbindings_test/bench/node/http_client.js"
  fi

  # 10,000 small files for the fs benchmark, made once for both.
  local files=$tmp/files
  nodesh --reference -e '
    const fs = require("fs"), d = process.argv[1]; fs.mkdirSync(d);
    for (let i = 0; i < 10000; i++) fs.writeFileSync(d + "/f" + i, "small file " + i + "\n".repeat(i % 200));
  ' "$files"

  # node_run IMPL ARGS...: node.sh on IMPL (gouv|libuv), bounded.
  node_run() {
    local impl=$1; shift
    if [[ $impl == libuv ]]; then set -- --reference "$@"; fi
    timeout -k 5 120 "$root/scripts/node.sh" --node "$version" "$@"
  }
  # record IMPL: RESULT lines from stdin into the results file.
  record() { awk -v impl="$1" '$1 == "RESULT" && NF == 4 { print impl, $2, $3, $4 }' >>"$results"; }

  # proc_cpu_ticks PID: the user and system clock ticks PID has used.
  proc_cpu_ticks() {
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || { echo -1; return; }
    stat=${stat##*) }  # the fields after the command name
    awk '{ print $12 + $13 }' <<<"$stat"
  }
  # machine_cpu_ticks: clock ticks all CPUs have spent busy (not idle or
  # waiting for I/O).
  machine_cpu_ticks() { awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat; }

  # http_start IMPL: start the HTTP hello-world server on IMPL and set
  # SRV (the job to kill: timeout's own id, which passes the kill on to
  # node; a function in the background would be a subshell, and killing it
  # left the server up), SRV_PORT and SRV_PID (node's).
  http_start() {
    local impl=$1 ref=() out=$tmp/srv.$1
    SRV_PORT="" SRV_PID=""
    [[ $impl == libuv ]] && ref=(--reference)
    timeout -k 5 120 "$root/scripts/node.sh" --node "$version" "${ref[@]}" "$dir/http_server.js" \
      >"$out.out" 2>"$out.err" &
    SRV=$!
    for _ in $(seq 1 100); do
      SRV_PORT=$(sed -n 's/^PORT //p' "$out.out")
      [[ -n $SRV_PORT ]] && break
      kill -0 $SRV 2>/dev/null || break
      sleep 0.1
    done
    if [[ -z $SRV_PORT ]]; then
      nlog "http server ($impl) did not start"; tail -n 3 "$out.err" >&2
      kill $SRV 2>/dev/null; wait $SRV 2>/dev/null; return 1
    fi
    SRV_PID=$(sed -n 's/^PID //p' "$out.out")
  }

  bench_http() {
    local impl=$1 srv port pid out
    http_start "$impl" || return 1
    srv=$SRV port=$SRV_PORT pid=$SRV_PID
    if command -v wrk >/dev/null; then
      # Four load shapes on one server: keep-alive and a new connection
      # per request, each with a load generator that leaves a core free
      # (one wrk thread, 50 connections) and with one that saturates
      # both cores with node (two threads, 100 connections).
      local shape threads conns hdr n0 n1 m0 m1
      for shape in ka_1core ka_2core close_1core close_2core; do
        case $shape in
          ka_*) hdr=() ;;
          close_*) hdr=(-H "Connection: close") ;;
        esac
        case $shape in
          *_1core) threads=1 conns=50 ;;
          *_2core) threads=2 conns=100 ;;
        esac
        n0=$(proc_cpu_ticks "$pid"); m0=$(machine_cpu_ticks)
        out=$(wrk -t$threads -c$conns -d3s --latency "${hdr[@]}" "http://127.0.0.1:$port/" 2>&1) || true
        n1=$(proc_cpu_ticks "$pid"); m1=$(machine_cpu_ticks)
        # CPU time per request, of the node process and of the whole
        # machine (wrk included), from the clock ticks /proc counts.
        # (No CPU rows if node's /proc entry could not be read.)
        ((n0 >= 0 && n1 >= 0)) || n1=-1 n0=0
        echo "$out" | awk -v s="http_$shape" -v n="$((n1 - n0))" -v m="$((m1 - m0))" \
          -v hz="$(getconf CLK_TCK)" '
          $1 == "Requests/sec:" { printf "RESULT %s_requests %s req/s\n", s, $2 }
          $1 == "99%" && s ~ /_ka_/ { v = $2; u = v; sub(/[a-z]+$/, "", v); sub(/^[0-9.]+/, "", u)
                        f = (u == "us") ? 0.001 : (u == "s") ? 1000 : 1
                        printf "RESULT %s_p99_latency %.3f ms\n", s, v * f }
          / requests in / { total = $1 }
          END { if (total > 0 && n >= 0) {
                  printf "RESULT %s_node_cpu %.2f us/req\n", s, n * 1e6 / hz / total
                  printf "RESULT %s_machine_cpu %.2f us/req\n", s, m * 1e6 / hz / total } }' | record "$impl"
      done
    else
      # A Node client on the reference libuv drives both servers the same way.
      node_run libuv "$dir/http_client.js" "$port" 3 50 | record "$impl"
    fi
    kill $srv 2>/dev/null; wait $srv 2>/dev/null
    kill -0 $srv 2>/dev/null && return 1
    return 0
  }

  # bench_paired: both servers at once, each under its own wrk with the
  # same load (one thread, 50 connections; keep-alive, then a new
  # connection per request), 4 s per shape. Whatever else the machine does
  # in those seconds falls on both alike; windows taken in turn differ by
  # more than the libraries do (one server's CPU per request moves by up
  # to a third between 4 s windows). Needs wrk.
  bench_paired() {
    command -v wrk >/dev/null || { nlog "paired: needs wrk"; return 1; }
    local impl shape hdr wp status=0
    local -A srv=() port=() pid=() n0=() n1=()
    for impl in gouv libuv; do
      if ! http_start "$impl"; then status=1; break; fi
      srv[$impl]=$SRV port[$impl]=$SRV_PORT pid[$impl]=$SRV_PID
    done
    if ((status == 0)); then
      for shape in warmup ka close; do
        hdr=() wp=()
        [[ $shape == close ]] && hdr=(-H "Connection: close")
        for impl in gouv libuv; do
          n0[$impl]=$(proc_cpu_ticks "${pid[$impl]}")
          wrk -t1 -c50 -d"$([[ $shape == warmup ]] && echo 1 || echo 4)"s "${hdr[@]}" \
            "http://127.0.0.1:${port[$impl]}/" >"$tmp/paired.$impl" 2>&1 &
          wp+=($!)
        done
        wait "${wp[@]}"
        [[ $shape == warmup ]] && continue
        for impl in gouv libuv; do
          n1[$impl]=$(proc_cpu_ticks "${pid[$impl]}")
          awk -v s="http_paired_$shape" -v n="$((n1[$impl] - n0[$impl]))" -v hz="$(getconf CLK_TCK)" '
            $1 == "Requests/sec:" { printf "RESULT %s_requests %s req/s\n", s, $2 }
            / requests in / { total = $1 }
            END { if (total > 0 && n >= 0) printf "RESULT %s_node_cpu %.2f us/req\n", s, n * 1e6 / hz / total }' \
            "$tmp/paired.$impl" | record "$impl"
        done
      done
    fi
    for impl in "${!srv[@]}"; do kill "${srv[$impl]}" 2>/dev/null; wait "${srv[$impl]}" 2>/dev/null; done
    return $status
  }

  bench_startup() {
    # The node binary itself with the library path node.sh would set, so
    # that node.sh's own bash start-up is not in the figure.
    local impl=$1 i t t0 t1 rss rc times=() rsss=()
    if [[ $version != 18 ]]; then
      startup_in_root "$impl" >"$tmp/startup" || return 1
      while read -r t rss; do times+=("$t"); rsss+=("$rss"); done <"$tmp/startup"
      ((${#times[@]} == 11)) || return 1
    else
      local build=${GOUV_BUILD:-$root/build}
      local libdir=$build/node/root/usr/lib/x86_64-linux-gnu path
      if [[ $impl == libuv ]]; then path=$libdir; else path=$build/lib:$libdir; fi
      for i in $(seq 1 11); do
        t0=$(date +%s%N)
        /usr/bin/time -f '%M' -o "$tmp/rss" env LD_LIBRARY_PATH="$path" \
          timeout 30 "$build/node/root/usr/bin/node" -e 0 >/dev/null 2>"$tmp/err"
        rc=$?
        t1=$(date +%s%N)
        rss=$(tail -n 1 "$tmp/rss")
        ((rc == 0)) && [[ $rss =~ ^[0-9]+$ ]] || return 1
        times+=($(( (t1 - t0) / 1000 ))); rsss+=("$rss")
      done
    fi
    # Medians of 11.
    printf '%s\n' "${times[@]}" | sort -n | sed -n 6p | awk '{ printf "RESULT startup_node_e0 %.2f ms\n", $1 / 1000 }' | record "$impl"
    printf '%s\n' "${rsss[@]}" | sort -n | sed -n 6p | awk '{ printf "RESULT startup_max_rss %d KiB\n", $1 }' | record "$impl"
  }

  # startup_in_root IMPL: for Node 20 to 24, eleven `node -e 0` in the
  # Debian root the way node.sh starts them (a private mount namespace with
  # /proc, /dev, /sys and gouv's lib folder bound, then chroot), timed from
  # the host; prints "MICROSECONDS MAX-RSS-KiB" per run.
  startup_in_root() {
    local impl=$1 release=sid node=/usr/bin/node droot lib
    [[ $version == 20 ]] && release=trixie
    [[ $version == 22 ]] && node=/opt/node22/node
    droot=$("$root/scripts/debian_root.sh" "$release") || return 1
    lib=$(realpath "${GOUV_BUILD:-$root/build}/lib")
    # shellcheck disable=SC2016 # expanded by the inner shell
    unshare --mount --propagation private bash -c '
      droot=$1 lib=$2 node=$3 impl=$4 tmp=$5
      for d in /proc /dev /sys; do mount --rbind "$d" "$droot$d" || exit 1; done
      mkdir -p "$droot/opt/gouv/lib" && mount --bind "$lib" "$droot/opt/gouv/lib" || exit 1
      if [ "$impl" = gouv ]; then set -- LD_LIBRARY_PATH=/opt/gouv/lib; else set -- -u LD_LIBRARY_PATH; fi
      for i in 1 2 3 4 5 6 7 8 9 10 11; do
        t0=$(date +%s%N)
        /usr/bin/time -f %M -o "$tmp/rss" timeout 30 chroot "$droot" /usr/bin/env "$@" "$node" -e 0 \
          >/dev/null 2>"$tmp/err" || exit 1
        t1=$(date +%s%N)
        echo "$(( (t1 - t0) / 1000 )) $(tail -n 1 "$tmp/rss")"
      done' startup "$droot" "$lib" "$node" "$impl" "$tmp"
  }

  # run_bench NAME IMPL: one round of one benchmark; failures leave no result.
  run_bench() {
    local b=$1 impl=$2 rc=0
    case $b in
      http) bench_http "$impl" || rc=$? ;;
      fs) node_run "$impl" "$dir/fs_read.js" "$files" >"$tmp/out" 2>"$tmp/err" || rc=$? ;;
      spawn) node_run "$impl" "$dir/spawn.js" >"$tmp/out" 2>"$tmp/err" || rc=$? ;;
      worker) node_run "$impl" "$dir/worker_pingpong.js" >"$tmp/out" 2>"$tmp/err" || rc=$? ;;
      startup) bench_startup "$impl" || rc=$? ;;
    esac
    case $b in fs|spawn|worker) ((rc == 0)) && record "$impl" <"$tmp/out" ;; esac
    if ((rc != 0)); then nlog "$b ($impl) failed (exit $rc)"; tail -n 3 "$tmp/err" >&2 2>/dev/null; fi
    return 0
  }

  local benches=() b r impl
  for b in http paired fs spawn worker startup; do
    [[ -z $filter || $b == *"$filter"* ]] && benches+=("$b")
  done
  ((${#benches[@]})) || { nlog "no benchmark matches '$filter'"; exit 1; }
  local gouv_ok=1
  # gouv and libuv take turns going first, as in the C benchmarks.
  local order
  for ((r = 1; r <= rounds; r++)); do
    order=(gouv libuv)
    ((r % 2)) || order=(libuv gouv)
    for b in "${benches[@]}"; do
      if [[ $b == paired ]]; then  # both libraries at once
        ((gouv_ok)) || continue
        nlog "round $r/$rounds: paired"
        bench_paired || nlog "paired failed"
        continue
      fi
      for impl in "${order[@]}"; do
        if [[ $impl == gouv ]] && ((!gouv_ok)); then continue; fi
        nlog "round $r/$rounds: $b ($impl)"
        run_bench "$b" "$impl"
      done
    done
    # Node does not start on gouv: skip its remaining runs.
    if ((gouv_ok)) && ! grep -q '^gouv ' "$results"; then gouv_ok=0; fi
  done

  local refuv
  refuv=$(nodesh --reference -p process.versions.uv 2>/dev/null)
  awk -v rounds="$rounds" -v version="$version" -v refuv="${refuv:-?}" '
    function median(key,   n, i, j, t, v) {
      n = cnt[key]; if (n == 0) return ""
      for (i = 1; i <= n; i++) v[i] = vals[key, i]
      for (i = 2; i <= n; i++) { t = v[i]; for (j = i - 1; j >= 1 && v[j] > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
      return (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
    }
    {
      if (!($2 in seen)) { seen[$2] = 1; order[++rows] = $2 }
      unit[$2] = $4; key = $1 SUBSEP $2; vals[key, ++cnt[key]] = $3 + 0
    }
    END {
      fmt = "%-30s %12s %12s %11s  %s\n"
      printf "# Node %s on gouv vs its own libuv %s: medians of %d round(s)\n", version, refuv, rounds
      printf "# ratio: > 1 means gouv is better (gouv/libuv for throughput;\n"
      printf "#        libuv/gouv for latency, CPU per request, start-up time\n"
      printf "#        and RSS, marked *)\n"
      printf fmt, "benchmark", "gouv", "libuv", "ratio", "unit"
      for (i = 1; i <= rows; i++) {
        n = order[i]; g = median("gouv" SUBSEP n); l = median("libuv" SUBSEP n)
        lower = (unit[n] == "ms" || unit[n] == "KiB" || unit[n] == "us/req")
        ratio = "n/a"
        if (g != "" && l != "" && g > 0 && l > 0) ratio = sprintf("%.2f%s", lower ? l / g : g / l, lower ? "*" : "")
        printf fmt, n, (g == "" ? "n/a" : g), (l == "" ? "n/a" : l), ratio, unit[n]
      }
    }' "$results"
}
if [[ ${1:-} == node ]]; then
  shift
  bench_node "$@"
  exit 0
fi
# ---------------------------------------------------------------------------

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
GOUV_BUILD=${GOUV_BENCH_BUILD_DIR:-$ROOT/build}
REF_BUILD=${GOUV_BENCH_REF_BUILD_DIR:-$ROOT/build/ref}
RUN_TIMEOUT=${GOUV_BENCH_TIMEOUT:-300}
ROUNDS=3
FILTER=""
REF153=0

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; }

while (($#)); do
  case $1 in
    --rounds) [[ $# -ge 2 ]] || { usage >&2; exit 2; }; ROUNDS=$2; shift 2 ;;
    --rounds=*) ROUNDS=${1#--rounds=}; shift ;;
    --ref153) REF153=1; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "bench.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
    *) [[ -z $FILTER ]] || { echo "bench.sh: only one filter" >&2; exit 2; }
       FILTER=$1; shift ;;
  esac
done
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || { echo "bench.sh: --rounds wants a positive integer" >&2; exit 2; }

log() { echo "bench.sh: $*" >&2; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/gouv-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# The benchmarks, from their sources.
BENCHES=()
for src in "$ROOT"/cbindings_test/bench/bench_*.c; do
  [[ -e $src ]] || continue
  name=$(basename "$src" .c)
  [[ -z $FILTER || $name == *"$FILTER"* ]] && BENCHES+=("$name")
done
if ((${#BENCHES[@]} == 0)); then
  log "no benchmark matches '${FILTER}'"
  exit 1
fi

# build_tree DIR REFERENCE(ON|OFF) LABEL: configure if needed, build all;
# if the full build fails, build each benchmark on its own and mark those
# that fail. Returns non-zero if no benchmark could be built.
build_tree() {
  local dir=$1 ref=$2 label=$3 blog="$TMP/build-$3.log" cached=""
  local -a gen=(-G Ninja)
  if [[ -f $dir/CMakeCache.txt ]]; then
    gen=()   # keep the generator the tree was made with
    cached=$(sed -n 's/^GOUV_REFERENCE:BOOL=//p' "$dir/CMakeCache.txt")
  fi
  if [[ ! -f $dir/CMakeCache.txt || ! -f $dir/build.ninja && ! -f $dir/Makefile ||
        ${cached^^} != "$ref" ]]; then
    log "configuring $label in $dir"
    cmake -S "$ROOT" -B "$dir" "${gen[@]}" -DCMAKE_BUILD_TYPE=Release \
      -DGOUV_REFERENCE="$ref" >>"$blog" 2>&1 || { tail -n 30 "$blog" >&2; return 1; }
  fi
  log "building $label ($dir)"
  if cmake --build "$dir" >>"$blog" 2>&1; then return 0; fi
  log "full $label build failed; trying the benchmark targets one by one"
  tail -n 30 "$blog" >&2
  local b built=0
  for b in "${BENCHES[@]}"; do
    if cmake --build "$dir" --target "$b" >>"$TMP/build-$label-$b.log" 2>&1; then
      built=1
    else
      log "$b ($label) does not build:"
      grep -E 'error|undefined reference' "$TMP/build-$label-$b.log" | head -n 5 >&2 || true
      FAILED[$label.$b]=1
    fi
  done
  ((built))
}

bench_path() { echo "$1/cbindings_test/bench/$2"; }

# resolved_lib BIN SONAME: where the dynamic loader finds SONAME for BIN
# (empty if not linked), with LD_LIBRARY_PATH unset as in the runs.
resolved_lib() {
  env -u LD_LIBRARY_PATH ldd "$1" 2>/dev/null |
    awk -v so="$2" '$1 == so && $2 == "=>" { print $3; exit }'
}

# FAILED[impl.bench]=1: that implementation's rows for that benchmark are n/a.
declare -A FAILED=()
GOUV_OK=1
REF_OK=1
build_tree "$GOUV_BUILD" OFF gouv || { GOUV_OK=0; log "gouv build failed: gouv column is n/a"; }
build_tree "$REF_BUILD" ON libuv || { REF_OK=0; log "reference build failed: libuv column is n/a"; }

# --ref153: libuv 1.53 and the C library it was built with, from Debian
# unstable's root, loaded through that root's own dynamic loader.
IMPLS=(gouv libuv)
if ((REF153)); then
  SID=$("$ROOT/scripts/debian_root.sh" sid) || { log "no Debian unstable root: no libuv 1.53 column"; exit 1; }
  SID_LD=$SID/usr/lib64/ld-linux-x86-64.so.2
  SID_LIBS=$SID/usr/lib/x86_64-linux-gnu
  [[ -x $SID_LD && -e $SID_LIBS/libuv.so.1 ]] || { log "$SID has no libuv 1.53"; exit 1; }
  IMPLS+=(libuv153)
fi

# usable IMPL BENCH: the binary exists and loads the intended library.
check_binary() {
  local impl=$1 b=$2 bin lib want
  if [[ $impl == gouv ]]; then
    ((GOUV_OK)) || return 1
    bin=$(bench_path "$GOUV_BUILD" "$b")
    [[ -x $bin ]] || { log "$bin missing"; return 1; }
    lib=$(resolved_lib "$bin" libgouv.so.1)
    want=$(readlink -f "$GOUV_BUILD/lib/libgouv.so.1" 2>/dev/null || true)
    if [[ -z $lib || $(readlink -f "$lib") != "$want" ]]; then
      log "$bin loads libgouv.so.1 from '${lib:-nowhere}', not $want"
      return 1
    fi
    if [[ -n $(resolved_lib "$bin" libuv.so.1) ]]; then
      log "$bin also loads a libuv.so.1"
      return 1
    fi
  elif [[ $impl == libuv153 ]]; then
    ((REF_OK)) || return 1
    bin=$(bench_path "$REF_BUILD" "$b")
    [[ -x $bin ]] || { log "$bin missing"; return 1; }
  else
    ((REF_OK)) || return 1
    bin=$(bench_path "$REF_BUILD" "$b")
    [[ -x $bin ]] || { log "$bin missing"; return 1; }
    lib=$(resolved_lib "$bin" libuv.so.1)
    if [[ -z $lib || -n $(resolved_lib "$bin" libgouv.so.1) ||
          $(readlink -f "$lib") == "$ROOT"/* ]]; then
      log "$bin loads libuv.so.1 from '${lib:-nowhere}', not the system's"
      return 1
    fi
  fi
  return 0
}

for b in "${BENCHES[@]}"; do
  for impl in "${IMPLS[@]}"; do
    [[ -n ${FAILED[$impl.$b]:-} ]] || check_binary "$impl" "$b" || FAILED[$impl.$b]=1
  done
done

# run_one IMPL BENCH ROUND: run once, append its RESULT lines to
# $TMP/results (as: bench impl name value unit), or mark IMPL.BENCH failed.
RESULTS=$TMP/results
: >"$RESULTS"
run_one() {
  local impl=$1 b=$2 round=$3 dir bin out err rc=0
  [[ -z ${FAILED[$impl.$b]:-} ]] || return 0
  if [[ $impl == gouv ]]; then dir=$GOUV_BUILD; else dir=$REF_BUILD; fi
  bin=$(bench_path "$dir" "$b")
  out="$TMP/$b.$impl.$round.out"
  err="$TMP/$b.$impl.$round.err"
  log "round $round/$ROUNDS: $b ($impl)"
  local -a run=("$bin")
  [[ $impl == libuv153 ]] && run=("$SID_LD" --library-path "$SID_LIBS" "$bin")
  env -u LD_LIBRARY_PATH timeout -k 10 "$RUN_TIMEOUT" "${run[@]}" >"$out" 2>"$err" || rc=$?
  if ((rc != 0)) || grep -q ENOSYS "$err"; then
    if ((rc == 124 || rc == 137)); then log "$b ($impl) timed out after ${RUN_TIMEOUT}s"
    elif ((rc == 0)); then log "$b ($impl) reported ENOSYS"
    else log "$b ($impl) failed (exit $rc)"; fi
    tail -n 20 "$err" >&2
    FAILED[$impl.$b]=1
    return 0
  fi
  if grep -qv '^RESULT ' "$out"; then
    log "$b ($impl) printed non-RESULT lines on stdout (ignored):"
    grep -v '^RESULT ' "$out" | head -n 5 >&2
  fi
  awk -v b="$b" -v impl="$impl" \
    '$1 == "RESULT" && NF == 4 { print b, impl, $2, $3, $4 }' "$out" >>"$RESULTS"
}

# The implementations take turns going first (gouv, libuv; then libuv,
# gouv; ...), so that whatever a run leaves behind for the next one (a
# warm page cache, sockets still closing) favours neither.
for b in "${BENCHES[@]}"; do
  for ((r = 1; r <= ROUNDS; r++)); do
    order=("${IMPLS[@]}")
    if ((r % 2 == 0)); then
      order=()
      for impl in "${IMPLS[@]}"; do order=("$impl" "${order[@]}"); done
    fi
    for impl in "${order[@]}"; do run_one "$impl" "$b" "$r"; done
  done
done

# The table. A result belongs to a row if either implementation printed it;
# an implementation that failed a benchmark shows n/a on all its rows.
FAILED_LIST=$TMP/failed
: >"$FAILED_LIST"
for k in "${!FAILED[@]}"; do echo "$k" >>"$FAILED_LIST"; done

awk -v rounds="$ROUNDS" -v failed_file="$FAILED_LIST" -v ref153="$REF153" '
  function median(key,   n, i, j, t, v) {
    n = cnt[key]
    if (n == 0) return ""
    for (i = 1; i <= n; i++) v[i] = vals[key, i]
    for (i = 2; i <= n; i++) {            # insertion sort, n is small
      t = v[i]
      for (j = i - 1; j >= 1 && v[j] > t; j--) v[j + 1] = v[j]
      v[j + 1] = t
    }
    return (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
  }
  function human(x,   a, s) {
    if (x == "") return "n/a"
    a = x < 0 ? -x : x
    if (a >= 1e9) return sprintf("%.3gG", x / 1e9)
    if (a >= 1e6) return sprintf("%.3gM", x / 1e6)
    if (a >= 1e3) return sprintf("%.3gk", x / 1e3)
    return sprintf("%.3g", x)
  }
  BEGIN { while ((getline line < failed_file) > 0) failed[line] = 1 }
  {
    b = $1; impl = $2; name = $3
    if (!(name in seen)) { seen[name] = 1; order[++nrows] = name; bench[name] = b }
    if (!(name in unit) || impl == "libuv") unit[name] = $5
    key = impl SUBSEP name
    vals[key, ++cnt[key]] = $4 + 0
  }
  END {
    fmt = "%-24s %12s %12s %11s  %s\n"
    fmt3 = "%-24s %12s %12s %11s %12s %10s  %s\n"
    printf "# medians of %d round(s); ratio = gouv/libuv, > 1 means gouv is faster\n", rounds
    if (ref153) printf fmt3, "benchmark", "gouv", "libuv", "gouv/libuv", "libuv 1.53", "gouv/1.53", "unit"
    else printf fmt, "benchmark", "gouv", "libuv", "gouv/libuv", "unit"
    for (i = 1; i <= nrows; i++) {
      name = order[i]; b = bench[name]
      g = (("gouv." b) in failed) ? "" : median("gouv" SUBSEP name)
      l = (("libuv." b) in failed) ? "" : median("libuv" SUBSEP name)
      ratio = (g != "" && l != "" && l > 0) ? sprintf("%.2f", g / l) : "n/a"
      if (!ref153) { printf fmt, name, human(g), human(l), ratio, unit[name]; continue }
      n = (("libuv153." b) in failed) ? "" : median("libuv153" SUBSEP name)
      ratio3 = (g != "" && n != "" && n > 0) ? sprintf("%.2f", g / n) : "n/a"
      printf fmt3, name, human(g), human(l), ratio, human(n), ratio3, unit[name]
    }
  }' "$RESULTS" >"$TMP/table"

# Benchmarks that produced no result at all (both sides failed) still get a row.
for b in "${BENCHES[@]}"; do
  if ! awk -v b="$b" '$1 == b { found = 1 } END { exit !found }' "$RESULTS"; then
    if ((REF153)); then
      printf '%-24s %12s %12s %11s %12s %10s  %s\n' "${b#bench_}" n/a n/a n/a n/a n/a "" >>"$TMP/table"
    else
      printf '%-24s %12s %12s %11s  %s\n' "${b#bench_}" n/a n/a n/a "" >>"$TMP/table"
    fi
  fi
done
cat "$TMP/table"
