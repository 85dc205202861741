#!/usr/bin/env bash
# Runs one of Debian's Node.js releases on gouv, or on that release's own
# libuv:
#
#   scripts/node.sh [--node 18|20|22|24] [--reference] [node args...]
#
# It behaves like `node` for its caller: the same working directory,
# arguments, environment, stdin/stdout/stderr and exit code (the script
# ends by exec'ing node, so node keeps node.sh's process id and gets its
# signals). With --reference Node loads the libuv it was packaged with;
# without it, gouv's libuv.so.1 from $GOUV_BUILD/lib (built first if
# missing) comes first on the library path. `scripts/node.sh [--node V]
# -p process.versions.uv` says which one is loaded.
#
# --node 18 (the default): Debian 12's nodejs 18.20.4 and libnode108, with
# the libraries they need, fetched with `apt-get download` into
# build/node/cache and unpacked with dpkg-deb into build/node/root; nothing
# is installed over the system's own node. Debian's node loads some of its
# builtins from /usr/share/nodejs; when those are missing they are unpacked
# there (this needs root). The reference is the system's libuv 1.44.
#
# --node 20, 22, 24: Node 20 from a Debian 13 "trixie" root (libuv 1.50),
# Node 24 (/usr/bin/node) and Node 22 (/opt/node22/node) from a Debian
# unstable "sid" root (libuv 1.53), made once by scripts/debian_root.sh.
# These need root. Node runs chrooted into the release's root, inside a
# private mount namespace (unshare --mount --propagation private), where
# /proc, /dev (with /dev/pts), /sys and /tmp (and $TMPDIR), the caller's
# working directory and the folders of arguments naming existing host
# files are bind-mounted at the same paths, and gouv's lib folder at
# /opt/gouv/lib. Why a chroot and not the root's dynamic loader run
# directly (ROOT/lib64/ld-linux-x86-64.so.2 --library-path ...): with the
# loader, process.execPath is the loader, so child_process.fork() and
# every `spawn(process.execPath, ...)` start the loader without Node; in
# the chroot the binary is the packaged node, and children started from
# it find the same libuv through the inherited LD_LIBRARY_PATH. The
# namespace is the process's own: the mounts vanish when node and its
# children exit, and nothing is mounted on the host. A folder is not bound
# when it is / or one of the root's own system folders (/usr, /etc, /lib,
# /bin, /sbin, /run, /boot, /var/lib and the like, or below them): the
# root's copy is used.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

VERSION=18
REFERENCE=0
while (($#)); do
  case $1 in
    --node)
      VERSION=${2:-}
      shift 2 || { echo "node.sh: --node wants 18, 20, 22 or 24" >&2; exit 2; }
      ;;
    --node=*) VERSION=${1#--node=}; shift ;;
    --reference) REFERENCE=1; shift ;;
    *) break ;;
  esac
done

# gouv_lib: build gouv if its libuv.so.1 is missing.
gouv_lib() {
  if [ ! -e "$GOUV_BUILD/lib/libuv.so.1" ]; then
    gouv_build >/dev/null
  fi
}

# node18 ARGS...: Node 18 from build/node, on the host.
node18() {
  local NODE_VERSION=18.20.4+dfsg-1~deb12u3
  local NODE_DIR=$GOUV_BUILD/node
  local CACHE=$NODE_DIR/cache
  local ROOT=$NODE_DIR/root
  local NODE_LIBS=(libc-ares2 libnghttp2-14 libicu72 libbrotli1)
  local BUILTINS=(node-acorn node-cjs-module-lexer node-undici node-xtend node-busboy)

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
    local tmp p
    tmp=$(mktemp -d)
    for p in "${BUILTINS[@]}"; do
      dpkg-deb -x "$(ls "$CACHE"/"${p}"_*.deb | head -1)" "$tmp"
    done
    mkdir -p /usr/share/nodejs
    cp -an "$tmp/usr/share/nodejs/." /usr/share/nodejs/
    rm -rf "$tmp"
  fi

  local libdir=$ROOT/usr/lib/x86_64-linux-gnu
  if [ "$REFERENCE" = 1 ]; then
    export LD_LIBRARY_PATH=$libdir
  else
    gouv_lib
    export LD_LIBRARY_PATH=$GOUV_BUILD/lib:$libdir
  fi
  exec "$ROOT/usr/bin/node" "$@"
}

# bindable DIR: whether DIR may be bind-mounted over the root's tree: not
# the root's system folders (and /proc, /dev, /sys, bound whole), but
# /var/tmp or an application's folder in /opt may be.
bindable() {
  case $1 in
    / | /usr | /usr/* | /etc | /etc/* | /lib | /lib/* | /lib64 | /lib64/* | /lib32 | /lib32/* | \
      /bin | /bin/* | /sbin | /sbin/* | /boot | /boot/* | /run | /run/* | \
      /var | /var/lib | /var/lib/* | /var/cache | /var/cache/* | /var/log | /var/log/* | \
      /opt | /opt/node22 | /opt/node22/* | /opt/gouv | /opt/gouv/* | \
      /proc | /proc/* | /dev | /dev/* | /sys | /sys/*) return 1 ;;
  esac
  return 0
}

# node_in_root RELEASE NODE ARGS...: NODE of the Debian RELEASE root,
# chrooted in a private mount namespace (see the header).
node_in_root() {
  local release=$1 node=$2 root
  shift 2
  if [ "$(id -u)" != 0 ]; then
    echo "node.sh: Node $VERSION runs chrooted into a Debian $release root: run as root" >&2
    exit 1
  fi
  root=$("$GOUV_ROOT/scripts/debian_root.sh" "$release")

  # Folders to bind, parents before children: the system's, then $TMPDIR,
  # the working directory and each argument naming an existing host path
  # (a file's folder, or the folder itself; also after `--opt=`).
  local binds=(/proc /dev /sys /tmp) cand=() a p d
  [ -n "${TMPDIR:-}" ] && [ -d "$TMPDIR" ] && cand+=("$(realpath "$TMPDIR")")
  cand+=("$(pwd -P)")
  for a in "$@"; do
    for p in "$a" "${a#*=}"; do
      [ -n "$p" ] && [ -e "$p" ] || continue
      if [ -d "$p" ]; then d=$(realpath "$p"); else d=$(dirname "$(realpath "$p")"); fi
      cand+=("$d")
    done
  done
  local sorted=() b covered
  mapfile -t sorted < <(printf '%s\n' "${cand[@]}" | sort -u)
  for d in "${sorted[@]}"; do
    bindable "$d" || continue
    covered=0
    for b in "${binds[@]}"; do
      case $d in "$b" | "$b"/*) covered=1 ;; esac
    done
    ((covered)) || binds+=("$d")
  done

  local env=(--chdir="$(pwd -P)")
  if [ "$REFERENCE" = 1 ]; then
    env+=(-u LD_LIBRARY_PATH)
  else
    gouv_lib
    binds+=("$(realpath "$GOUV_BUILD/lib")=/opt/gouv/lib")
    env+=(LD_LIBRARY_PATH=/opt/gouv/lib)
  fi

  # In the new namespace: mount each SRC[=DST] under the root (making the
  # mount point if needed), then chroot and start node in the caller's
  # folder. Every step execs, so node ends up with this process's id.
  # shellcheck disable=SC2016 # expanded by the inner shell
  local inner='
    root=$1; shift
    while [ "$1" != -- ]; do
      src=${1%%=*}; dst=${1#*=}; shift
      mkdir -p "$root$dst"
      mount --rbind "$src" "$root$dst"
    done
    shift
    exec chroot "$root" "$@"'
  exec unshare --mount --propagation private bash -c "$inner" node.sh "$root" "${binds[@]}" -- \
    /usr/bin/env "${env[@]}" "$node" "$@"
}

case $VERSION in
  18) node18 "$@" ;;
  20) node_in_root trixie /usr/bin/node "$@" ;;
  22) node_in_root sid /opt/node22/node "$@" ;;
  24) node_in_root sid /usr/bin/node "$@" ;;
  *)
    echo "node.sh: --node wants 18, 20, 22 or 24, not '$VERSION'" >&2
    exit 2
    ;;
esac
