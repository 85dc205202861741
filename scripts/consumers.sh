#!/usr/bin/env bash
# Installs the current build (build/, made by scripts/build.sh) into a
# temporary prefix and builds examples/consumer/ out of tree, the ways a
# user links gouv, then runs each program:
#
#   cmake         find_package(gouv) + target_link_libraries(app gouv::gouv)
#   cmake-static  the same with gouv::gouv_static (libgouv.a)
#   pkg-config    cc main.c $(pkg-config --cflags --libs gouv)
#   static        libgouv.a with what `pkg-config --static --libs gouv` says
#
# It also checks what the install puts where: libuv.so.1 only with
# -DGOUV_INSTALL_LIBUV_ALIAS=ON. One line per check; exits non-zero if any
# fails.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
cd "$GOUV_ROOT"

if [ ! -f "$GOUV_BUILD/lib/libgouv.so.1" ] || [ ! -f "$GOUV_BUILD/CMakeCache.txt" ]; then
  echo "consumers: build/ is not built; run scripts/build.sh first" >&2
  exit 1
fi

tmp=$(mktemp -d)
alias_on=0
cleanup() {
  # Put the build tree's option back if the alias check changed it.
  if [ "$alias_on" = 1 ]; then
    cmake -S "$GOUV_ROOT" -B "$GOUV_BUILD" -DGOUV_INSTALL_LIBUV_ALIAS=OFF >/dev/null 2>&1
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

failed=0
result() { # result NAME OK DETAIL
  if [ "$2" = 0 ]; then
    printf 'ok    %-13s %s\n' "$1" "$3"
  else
    printf 'FAIL  %-13s %s\n' "$1" "$3"
    failed=$((failed + 1))
  fi
}
# run_logged LOG CMD...: runs CMD with its output in LOG; shows LOG on failure.
run_logged() {
  local log=$1
  shift
  if "$@" >"$log" 2>&1; then return 0; fi
  tail -20 "$log" | sed 's/^/      /'
  return 1
}

prefix=$tmp/prefix
src=$GOUV_ROOT/examples/consumer
# The consumers must find gouv only in the prefix, never in build/.
unset LD_LIBRARY_PATH
if ! run_logged "$tmp/install.log" cmake --install "$GOUV_BUILD" --prefix "$prefix"; then
  result install 1 "cmake --install build --prefix $prefix"
  exit 1
fi
missing=""
for f in include/uv.h include/uv/unix.h lib/libgouv.so.1 lib/libgouv.so lib/libgouv.a \
  lib/pkgconfig/gouv.pc lib/cmake/gouv/gouvConfig.cmake lib/cmake/gouv/gouvConfigVersion.cmake; do
  [ -e "$prefix/$f" ] || missing+=" $f"
done
[ -e "$prefix/lib/libuv.so.1" ] && missing+=" (libuv.so.1 installed without the option)"
[ "$(readlink "$prefix/lib/libgouv.so")" = libgouv.so.1 ] || missing+=" (libgouv.so is not a link to libgouv.so.1)"
result install "$([ -z "$missing" ]; echo $?)" "${missing:-headers, libgouv.so.1, libgouv.so, libgouv.a, gouv.pc, CMake package; no libuv.so.1}"

# needed BINARY: the DT_NEEDED entries, space-separated.
needed() { readelf -d "$1" | sed -nE 's/.*\(NEEDED\).*\[(.*)\]/\1/p' | paste -sd' '; }

# check_run NAME BINARY WANT-SHARED: runs the program, which checks itself,
# and checks that it loads libgouv.so.1 (shared) or does not (static).
check_run() {
  local name=$1 bin=$2 shared=$3 out deps
  deps=$(needed "$bin")
  if [ "$shared" = 1 ] && [[ " $deps " != *" libgouv.so.1 "* ]]; then
    result "$name" 1 "does not load libgouv.so.1 (NEEDED: $deps)"; return
  fi
  if [ "$shared" = 0 ] && [[ " $deps " == *" libgouv.so"* ]]; then
    result "$name" 1 "linked statically but loads libgouv (NEEDED: $deps)"; return
  fi
  if out=$(timeout 20 "$bin" 2>&1); then
    result "$name" 0 "$out"
  else
    result "$name" 1 "exit $?: $out"
  fi
}

export PKG_CONFIG_PATH=$prefix/lib/pkgconfig

# 1. CMake, shared and static targets.
for kind in shared static; do
  name=cmake; [ "$kind" = static ] && name=cmake-static
  out=$tmp/cmake-$kind
  if run_logged "$tmp/$name.log" cmake -S "$src" -B "$out" -DCMAKE_PREFIX_PATH="$prefix" \
      -DGOUV_STATIC=$([ "$kind" = static ] && echo ON || echo OFF) -DCMAKE_BUILD_TYPE=Release &&
    run_logged "$tmp/$name-build.log" cmake --build "$out"; then
    # CMake's build tree carries an RPATH to the prefix: no LD_LIBRARY_PATH needed.
    check_run "$name" "$out/app" "$([ "$kind" = shared ] && echo 1 || echo 0)"
  else
    result "$name" 1 "configure or build failed"
  fi
done

# 2. pkg-config, shared.
bin=$tmp/app-pkgconfig
# shellcheck disable=SC2046 # word splitting of pkg-config's output is intended
if run_logged "$tmp/pc.log" cc -o "$bin" "$src/main.c" $(pkg-config --cflags --libs gouv) \
    -Wl,-rpath,"$prefix/lib"; then
  check_run pkg-config "$bin" 1
else
  result pkg-config 1 "cc \$(pkg-config --cflags --libs gouv) failed"
fi

# 3. Static, with what pkg-config --static says. -lgouv would pick
# libgouv.so next to libgouv.a, so it is spelled -l:libgouv.a (GNU ld's
# exact-file form); everything else is pkg-config's own answer.
bin=$tmp/app-static
static_libs=$(pkg-config --static --libs gouv)
static_libs=${static_libs/-lgouv/-l:libgouv.a}
# shellcheck disable=SC2046,SC2086
if run_logged "$tmp/static.log" cc -o "$bin" "$src/main.c" $(pkg-config --cflags gouv) $static_libs; then
  check_run static "$bin" 0
else
  result static 1 "cc ... $static_libs failed"
fi

# 4. The libuv.so.1 alias is installed with the option, as a link.
alias_on=1
aprefix=$tmp/prefix-alias
if run_logged "$tmp/alias.log" cmake -S "$GOUV_ROOT" -B "$GOUV_BUILD" -DGOUV_INSTALL_LIBUV_ALIAS=ON &&
  run_logged "$tmp/alias-install.log" cmake --install "$GOUV_BUILD" --prefix "$aprefix"; then
  if [ "$(readlink "$aprefix/lib/libuv.so.1")" = libgouv.so.1 ]; then
    result libuv-alias 0 "-DGOUV_INSTALL_LIBUV_ALIAS=ON installs libuv.so.1 -> libgouv.so.1"
  else
    result libuv-alias 1 "libuv.so.1 missing or not a link to libgouv.so.1 with the option ON"
  fi
else
  result libuv-alias 1 "configure or install with -DGOUV_INSTALL_LIBUV_ALIAS=ON failed"
fi

[ "$failed" = 0 ] && echo "consumers: all passed" || echo "consumers: $failed failed"
[ "$failed" = 0 ]
