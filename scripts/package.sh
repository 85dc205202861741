#!/usr/bin/env bash
# Builds gouv's Debian packages with Debian's own tools:
#
#   scripts/package.sh          build/deb/libgouv1_<v>_amd64.deb and
#                               build/deb/libgouv-dev_<v>_amd64.deb, then lintian
#   scripts/package.sh --test   the same, then scripts/package_test.sh
#
# <v> is the library's version (include/uv/version.h) with a Debian
# revision, as debian/changelog says; the script stops if the two disagree.
# The packaging is debian/ (dh with the CMake project). The source tree is
# copied to build/deb/src first, so dpkg-buildpackage writes nothing beside
# the repository. dpkg-buildpackage runs with -d: Go comes from the Go
# toolchain on PATH (or /usr/local/go), not from a Debian package, since
# gouv needs a newer Go than Debian 12 has. Missing tools are installed
# (needs root).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

TEST=0
case ${1:-} in
  --test) TEST=1 ;;
  "") ;;
  *)
    echo "usage: scripts/package.sh [--test]" >&2
    exit 2
    ;;
esac

need=()
for tool in dpkg-buildpackage:dpkg-dev dh:debhelper lintian:lintian patchelf:patchelf \
  pkgconf:pkgconf cmake:cmake ninja:ninja-build gcc:gcc fakeroot:fakeroot; do
  command -v "${tool%%:*}" >/dev/null || need+=("${tool#*:}")
done
gouv_apt_install package.sh "${need[@]}" || exit 1

ver_h=$GOUV_ROOT/include/uv/version.h
libver=$(awk '/define UV_VERSION_(MAJOR|MINOR|PATCH) / {v = v (v ? "." : "") $3} END {print v}' "$ver_h")
debver=$(dpkg-parsechangelog -l "$GOUV_ROOT/debian/changelog" -S Version)
if [ "${debver%-*}" != "$libver" ]; then
  echo "package.sh: debian/changelog says $debver, the library is $libver" >&2
  exit 1
fi

OUT=$GOUV_BUILD/deb
SRC=$OUT/src
rm -rf "$OUT"
mkdir -p "$SRC"
tar -C "$GOUV_ROOT" --exclude=./build --exclude='./build-*' --exclude=./.git -cf - . | tar -C "$SRC" -xf -

# dh gives the build a HOME of its own: keep the caller's Go caches.
GOCACHE=$(go env GOCACHE) GOMODCACHE=$(go env GOMODCACHE) GOPATH=$(go env GOPATH) \
  GOFLAGS=$(go env GOFLAGS) GOPROXY=$(go env GOPROXY) \
  bash -c 'cd "$1" && dpkg-buildpackage -b -us -uc -d' _ "$SRC" >"$OUT/build.log" 2>&1 || {
  tail -30 "$OUT/build.log" >&2
  echo "package.sh: dpkg-buildpackage failed (log: $OUT/build.log)" >&2
  exit 1
}
debs=()
for p in libgouv1 libgouv-dev; do
  f=$OUT/${p}_${debver}_amd64.deb
  [ -f "$f" ] || { echo "package.sh: $f was not built" >&2; exit 1; }
  debs+=("$f")
done
rm -rf "$SRC"

echo "package.sh: built ${debs[*]#$GOUV_ROOT/}"
# lintian exits non-zero on errors; each warning left is explained by an
# override in debian/*.lintian-overrides.
lintian --fail-on error "${debs[@]}" || {
  echo "package.sh: lintian reports errors" >&2
  exit 1
}
echo "package.sh: lintian reports no error"

if [ $TEST = 1 ]; then
  exec "$GOUV_ROOT/scripts/package_test.sh" "${debs[@]}"
fi
