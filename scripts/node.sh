#!/usr/bin/env bash
# Runs Debian's Node.js 18 on gouv: scripts/node.sh [--reference] [node args...]
#
# Debian's nodejs 18.20.4 and libnode108 (which loads libuv.so.1
# dynamically), with the libraries they need, are fetched with
# `apt-get download` into build/node/cache and unpacked with dpkg-deb into
# build/node/root: nothing is installed over the system's own node.
# Debian's node loads some of its builtins from /usr/share/nodejs; when
# those are missing they are unpacked there (this needs root).
#
# Node runs with build/lib first on LD_LIBRARY_PATH, so it loads gouv's
# libuv.so.1; with --reference it loads the system's libuv instead.
# `scripts/node.sh -p process.versions.uv` says which one is loaded.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

NODE_VERSION=18.20.4+dfsg-1~deb12u3
NODE_DIR=$GOUV_BUILD/node
CACHE=$NODE_DIR/cache
ROOT=$NODE_DIR/root
NODE_LIBS=(libc-ares2 libnghttp2-14 libicu72 libbrotli1)
BUILTINS=(node-acorn node-cjs-module-lexer node-undici node-xtend node-busboy)

# download PACKAGES...: apt-get download into the cache, refreshing the
# package lists once if a package is not found.
download() {
  mkdir -p "$CACHE"
  (
    cd "$CACHE"
    # As root in a private folder, apt downloads as root (and warns so).
    apt-get download -q "$@" 2>/dev/null ||
      { apt-get update -qq >/dev/null 2>&1 && apt-get download -q "$@"; }
  ) >&2
}

if [ ! -x "$ROOT/usr/bin/node" ]; then
  echo "node.sh: fetching Debian's Node.js $NODE_VERSION into $CACHE" >&2
  download "nodejs=$NODE_VERSION" "libnode108=$NODE_VERSION" "${NODE_LIBS[@]}"
  rm -rf "$ROOT"
  mkdir -p "$ROOT"
  for deb in "$CACHE"/*.deb; do
    case $(basename "$deb") in node-*) continue ;; esac
    dpkg-deb -x "$deb" "$ROOT"
  done
fi

if [ ! -f /usr/share/nodejs/cjs-module-lexer/lexer.js ] || [ ! -d /usr/share/nodejs/undici ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "node.sh: Debian's node needs its builtins in /usr/share/nodejs; as root run:" >&2
    echo "  apt-get install ${BUILTINS[*]}" >&2
    exit 1
  fi
  echo "node.sh: unpacking ${BUILTINS[*]} into /usr/share/nodejs" >&2
  download "${BUILTINS[@]}"
  tmp=$(mktemp -d)
  for p in "${BUILTINS[@]}"; do
    dpkg-deb -x "$(ls "$CACHE"/"${p}"_*.deb | head -1)" "$tmp"
  done
  mkdir -p /usr/share/nodejs
  cp -an "$tmp/usr/share/nodejs/." /usr/share/nodejs/
  rm -rf "$tmp"
fi

libdir=$ROOT/usr/lib/x86_64-linux-gnu
if [ "${1:-}" = --reference ]; then
  shift
  export LD_LIBRARY_PATH=$libdir
else
  if [ ! -e "$GOUV_BUILD/lib/libuv.so.1" ]; then
    gouv_build >/dev/null
  fi
  export LD_LIBRARY_PATH=$GOUV_BUILD/lib:$libdir
fi
exec "$ROOT/usr/bin/node" "$@"
