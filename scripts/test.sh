#!/usr/bin/env bash
# Runs every test of gouv and ends with one line: "N passed, M failed".
#
#   format and vet  gofmt -l, go vet
#   go              go test -race for loop/, io/, pool/
#   abi             our uv.h against the system's libuv 1.44 header and
#                   against libuv 1.53's (Debian unstable root)
#   exports         our dynamic symbols against libuv 1.53's list (and the
#                   system libuv.so.1's, all of which must be there)
#   ctest gouv      the C tests against gouv (build/)
#   ctest libuv     the same C tests against the system libuv (build/ref)
#   ctest 1.53      build/'s C tests on libuv 1.53 in a Debian unstable
#                   root (scripts/ref153.sh; gouv-only tests skipped)
#   node            Debian's Node 18, 20, 22 and 24 running
#                   cbindings_test/node/ on gouv and on each release's own
#                   libuv (scripts/node_test.sh --node V)
#   consumers, ffi  install-and-link checks, Python and LuaJIT bindings
#   hosts           Debian programs linking libuv.so.1 (python3-uvloop,
#                   lua-luv, neovim, cmake/ctest) running our workloads
#                   on gouv and on the system libuv (scripts/hosts_test.sh)
#   package         the Debian packages built, checked by lintian, installed
#                   and switched in a clean Debian 12 root (scripts/package.sh
#                   --test)
#
# A C test that needs an area not implemented yet is listed, with the
# area, in cbindings_test/waiting.txt: it still runs (and must pass) in
# reference mode, and is skipped against gouv until the area lands.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
cd "$GOUV_ROOT"

passed=0
failed=0
failures=()
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT

ok() { passed=$((passed + $1)); }
bad() { failed=$((failed + $1)); failures+=("$2"); }

step() { printf '\n== %s\n' "$*"; }

# tally LOG LABEL: counts the last summary line of a sub-script's LOG
# ("N passed, M failed", printed) as N passed and M failed. A missing line is
# one failure, shown with the log's tail. Non-zero when anything failed.
tally() {
  local line p f
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$1" | tail -1)
  echo "${line:-no summary}"
  if [ -z "$line" ]; then tail -30 "$1"; bad 1 "$2"; return 1; fi
  p=${line%% passed*}; f=${line#*, }; f=${f%% failed*}
  ok "$p"
  if [ "$f" -gt 0 ]; then bad "$f" "$2"; return 1; fi
}

step "dependencies"
gouv_deps || exit 1

step "build (gouv and reference)"
if ! gouv_build >"$log/build" 2>&1; then
  tail -40 "$log/build"
  echo "0 passed, 1 failed"
  exit 1
fi
if ! gouv_build_ref >"$log/build-ref" 2>&1; then
  tail -40 "$log/build-ref"
  echo "0 passed, 1 failed"
  exit 1
fi
echo "ok"

step "install and link (CMake, pkg-config, static)"
if scripts/consumers.sh >"$log/consumers" 2>&1; then ok 1; tail -4 "$log/consumers"; else cat "$log/consumers" | tail -30; bad 1 consumers; fi

step "FFI (Python ctypes, LuaJIT)"
if scripts/ffi.sh >"$log/ffi" 2>&1; then ok 1; grep -E 'Ran|OK|FAIL|skip|pass' "$log/ffi" | tail -8; else tail -40 "$log/ffi"; bad 1 ffi; fi

step "API status doc is current"
if scripts/gen_api_status.sh --check >"$log/apistatus" 2>&1; then ok 1; else cat "$log/apistatus"; bad 1 api-status; fi

step "gofmt and go vet"
unformatted=$(gofmt -l capi loop io pool examples 2>/dev/null)
if [ -n "$unformatted" ]; then
  echo "gofmt would change: $unformatted"
  bad 1 gofmt
else
  ok 1
fi
if go vet ./... 2>"$log/vet"; then ok 1; else cat "$log/vet"; bad 1 "go vet"; fi

step "go test -race"
go test -race -count=1 -v ./loop/... ./io/... ./pool/... ./examples/... >"$log/gotest" 2>&1
gp=$(grep -c -- '^\s*--- PASS' "$log/gotest")
gf=$(grep -c -- '^\s*--- FAIL' "$log/gotest")
if grep -q '^FAIL' "$log/gotest" && [ "$gf" = 0 ]; then gf=1; fi
grep -E '^(ok|FAIL|---)' "$log/gotest" | grep -v -- '--- PASS' | tail -30
ok "$gp"
[ "$gf" -gt 0 ] && bad "$gf" "go test"

step "ABI"
if scripts/abi_check.sh >"$log/abi" 2>&1; then ok 1; grep -E '^ABI( 1\.53)?: ([0-9]+ differences|skipped)' "$log/abi"; else cat "$log/abi" | tail -40; bad 1 abi; fi

step "exports"
if scripts/export_check.sh "$GOUV_BUILD/lib/libgouv.so.1" >"$log/exports" 2>&1; then
  ok 1; tail -1 "$log/exports"
else
  cat "$log/exports"; bad 1 exports
fi

# ctest_mode DIR LABEL [EXCLUDE-REGEX]
ctest_mode() {
  local dir=$1 label=$2 exclude=${3:-}
  local args=(--test-dir "$dir" --output-on-failure -j2 --timeout 120)
  [ -n "$exclude" ] && args+=(-E "$exclude")
  ctest "${args[@]}" >"$log/ctest-$label" 2>&1
  local line
  line=$(grep -E 'tests passed, [0-9]+ tests failed out of' "$log/ctest-$label" | tail -1)
  local total fail
  total=$(echo "$line" | sed -E 's/.*out of ([0-9]+).*/\1/')
  fail=$(echo "$line" | sed -E 's/.* ([0-9]+) tests failed.*/\1/')
  if [ -z "$line" ]; then
    tail -30 "$log/ctest-$label"; bad 1 "ctest $label"; return
  fi
  echo "$line"
  ok $((total - fail))
  if [ "$fail" -gt 0 ]; then
    sed -n '/The following tests FAILED/,$p' "$log/ctest-$label"
    grep -B2 -A12 -E '(Failed|Subprocess aborted|Timeout)' "$log/ctest-$label" | head -80
    bad "$fail" "ctest $label"
  fi
}

waiting=$(grep -v '^#' cbindings_test/waiting.txt 2>/dev/null | awk 'NF {print $1}' | paste -sd'|')
step "C tests against gouv"
if [ -n "$waiting" ]; then ctest_mode "$GOUV_BUILD" gouv "^($waiting)\$"; else ctest_mode "$GOUV_BUILD" gouv; fi
step "C tests against the system libuv (reference)"
ctest_mode "$GOUV_REF_BUILD" libuv

# The same programs as "against gouv", run on libuv 1.53 in the Debian
# unstable root; the tests that are gouv's own by design are skipped
# (cbindings_test/ref153_skip.txt) and not counted.
step "C tests against libuv 1.53 (reference, Debian unstable root)"
if [ "$(id -u)" != 0 ]; then
  echo "skipped: needs root (chroot into the root that scripts/debian_root.sh makes)"
else
  scripts/ref153.sh >"$log/ref153" 2>&1
  grep -E '^(libuv |ran in )' "$log/ref153"
  tally "$log/ref153" "ctest 1.53" ||
    awk '/^FAIL / { on = 1; print; next } on && /^    / { print; next } { on = 0 }' "$log/ref153" | head -80
fi

# node_mode LABEL ARGS...: scripts/node_test.sh ARGS (one Node release on
# one library) running the JS tests.
node_mode() {
  local label=$1; shift
  scripts/node_test.sh "$@" >"$log/node-$label" 2>&1
  grep -E '^(PASS|FAIL) ' "$log/node-$label" | grep -v '^PASS' | head -20
  tally "$log/node-$label" "node $label" || sed -n '/^FAIL/,+25p' "$log/node-$label" | head -60
}
# Node 18 on the host; 20 (Debian 13's, libuv 1.50), 22 and 24 (unstable's,
# libuv 1.53) in Debian roots made once by scripts/debian_root.sh. Node's
# own runner (all files at once) runs on 18 and 24 only, to save time.
node_t0=$SECONDS
for v in 18 20 22 24; do
  runner=()
  case $v in 20 | 22) runner=(--no-runner) ;; esac
  step "Node.js $v on gouv"
  node_mode "$v-gouv" --node "$v" "${runner[@]}"
  step "Node.js $v on its own libuv (reference)"
  node_mode "$v-libuv" --node "$v" --reference "${runner[@]}"
done
echo "(the Node tests took $((SECONDS - node_t0)) s)"

step "Debian programs on gouv and on the system libuv (uvloop, luv, nvim, cmake)"
scripts/hosts_test.sh >"$log/hosts" 2>&1
grep -E '^[a-z]+ \((gouv|reference)\): ' "$log/hosts"
# Each FAIL line with the indented output under it, then the known gouv
# bugs (cbindings_test/hosts/known_failures.txt), shown but not counted.
awk '/^FAIL / { on = 1; print; next } on && /^    / { print; next } { on = 0 }' "$log/hosts" | head -60
awk '/^KNOWN / { on = 1; print; next } on && /^    / { print; next } { on = 0 }' "$log/hosts" | head -30
grep -E '^[0-9]+ known failures' "$log/hosts"
tally "$log/hosts" hosts

# The Debian packages, built with Debian's tools and installed in a clean
# Debian 12 root: gouv-switch on and off, and purge (scripts/package_test.sh).
step "Debian packages (build, lintian, install and switch in a Debian 12 root)"
if [ "$(id -u)" != 0 ]; then
  echo "skipped: needs root (dpkg-buildpackage's tools, chroot)"
else
  scripts/package.sh --test >"$log/package" 2>&1
  grep -E '^package.sh: (built|lintian)' "$log/package"
  grep -E '^(FAIL|  )' "$log/package" | head -30
  tally "$log/package" package
fi

step "not implemented yet"
# Every stub in capi/enosys_*.c is one function definition whose body calls
# gouv_enosys; list them by file.
total_enosys=0
for f in capi/enosys_*.c; do
  [ -f "$f" ] || continue
  names=$(grep -E '^[^ /#].*\b(uv_[a-z0-9_]+)\(.*\{$' "$f" | grep -oE '\buv_[a-z0-9_]+\(' | tr -d '(' | paste -sd' ')
  n=$(echo "$names" | wc -w)
  total_enosys=$((total_enosys + n))
  [ "$n" -gt 0 ] && echo "$(basename "$f" .c | sed 's/enosys_//'): $n: $names" | fold -s -w 100
done
echo "functions returning UV_ENOSYS (not implemented yet): $total_enosys of $(grep -c . capi/exports.txt), plus uv_loop_fork by design"
if [ -n "$waiting" ]; then
  echo "C tests waiting for an area (run in reference mode only):"
  grep -v '^#' cbindings_test/waiting.txt | awk 'NF {print "  " $0}'
fi

echo
if [ ${#failures[@]} -gt 0 ]; then echo "failed: ${failures[*]}"; fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
