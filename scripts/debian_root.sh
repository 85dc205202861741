#!/usr/bin/env bash
# Builds (once) a root of a newer Debian release and prints its path:
#
#   scripts/debian_root.sh sid|trixie|bookworm
#
# sid (Debian unstable) holds libuv 1.53 (libuv1t64, libuv1-dev), Node 24
# (nodejs) and a C compiler; Node 22 (libnode127 with the two libraries it
# was built against that Node 24 no longer uses, libllhttp9.3 and
# libsimdutf33) is unpacked beside it in /opt/node22, with a small `node`
# that calls libnode's node::Start. trixie (Debian 13) holds libuv 1.50 and
# Node 20. These are the references for libuv 1.53 behaviour: the C tests'
# second reference mode, libuv's newest suite (scripts/libuv_suite.sh
# --root) and the newer Nodes (scripts/node.sh --node 20|22|24) all use
# them. bookworm (Debian 12) is a plain system with Debian's libuv and three
# of its users (nodejs, python3-uvloop, neovim), where scripts/package.sh
# --test installs gouv's packages (into a copy of it).
#
# A root is made with Debian's mmdebstrap (installed when missing; this needs
# root) in $GOUV_ROOTS/<release> (default build/roots), about 500 MB and 20 s
# each. It is complete once <root>/.gouv-root exists; a half-made root is
# made again. unstable's package index is published with a short validity,
# so apt is told not to check it.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

release=${1:-}
case $release in
  sid | trixie | bookworm) ;;
  *)
    echo "usage: scripts/debian_root.sh sid|trixie|bookworm" >&2
    exit 2
    ;;
esac
ROOTS=${GOUV_ROOTS:-$GOUV_BUILD/roots}
ROOT=$ROOTS/$release
MIRROR=${GOUV_DEBIAN_MIRROR:-http://deb.debian.org/debian}

if [ -f "$ROOT/.gouv-root" ]; then
  echo "$ROOT"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "debian_root.sh: making a Debian root needs root (mmdebstrap, chroot)" >&2
  exit 1
fi
command -v mmdebstrap >/dev/null || gouv_apt_install debian_root.sh mmdebstrap || exit 1

packages=nodejs,libuv1t64,libuv1-dev,gcc,libc6-dev,binutils,ca-certificates
# Node 22 reads one more externalized builtin than Node 24 does.
[ "$release" = sid ] && packages+=,node-cjs-module-lexer
[ "$release" = bookworm ] && packages=nodejs,python3-uvloop,neovim,procps,ca-certificates
echo "debian_root.sh: making a Debian $release root in $ROOT" >&2
rm -rf "$ROOT"
mkdir -p "$ROOTS"
mmdebstrap --variant=minbase --aptopt='Acquire::Check-Valid-Until "false"' \
  --include="$packages" "$release" "$ROOT" "$MIRROR" >"$ROOTS/$release.log" 2>&1 || {
  tail -20 "$ROOTS/$release.log" >&2
  echo "debian_root.sh: mmdebstrap failed (log: $ROOTS/$release.log)" >&2
  exit 1
}
# A minimal root has no hosts file, and Node's tests connect to localhost.
cp /etc/hosts "$ROOT/etc/hosts"

if [ "$release" = sid ]; then
  # Node 22 cannot be installed beside Node 24 in unstable (libnode137
  # Breaks libnode127) and has no nodejs binary there: unpack its library
  # and the two it needs into /opt/node22 and give it a `node`.
  chroot "$ROOT" /bin/sh -ec '
    mkdir -p /opt/node22/debs && cd /opt/node22/debs
    apt-get -o Acquire::Check-Valid-Until=false update -qq >/dev/null 2>&1
    apt-get download -q libnode127 libllhttp9.3 libsimdutf33 >/dev/null 2>&1
    for d in *.deb; do dpkg-deb -x "$d" /opt/node22/pkg; done
    lib=/opt/node22/lib && mkdir -p $lib
    for f in /opt/node22/pkg/usr/lib/x86_64-linux-gnu/*.so.*; do ln -sf "$f" $lib/; done
    printf "%s\n" "int _ZN4node5StartEiPPc(int, char **);" \
      "int main(int argc, char **argv) { return _ZN4node5StartEiPPc(argc, argv); }" >/opt/node22/main.c
    cc -o /opt/node22/node /opt/node22/main.c $lib/libnode.so.127 -Wl,--disable-new-dtags,-rpath,$lib
    rm -rf /opt/node22/debs /var/lib/apt/lists/*
  ' >>"$ROOTS/$release.log" 2>&1 || {
    tail -20 "$ROOTS/$release.log" >&2
    echo "debian_root.sh: Node 22 could not be added (log: $ROOTS/$release.log)" >&2
    exit 1
  }
fi
date -u +%FT%TZ >"$ROOT/.gouv-root"
echo "$ROOT"
