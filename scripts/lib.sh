# Shared by the scripts: where the repository is, and a PATH with Go.
# Sourced, not run.
GOUV_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export PATH="$PATH:/usr/local/go/bin"
GOUV_BUILD=${GOUV_BUILD:-$GOUV_ROOT/build}
GOUV_REF_BUILD=${GOUV_REF_BUILD:-$GOUV_BUILD/ref}

# gouv_apt_install WHO PACKAGE...: installs Debian packages (as root),
# quietly, waiting for another apt that holds the lock; without root it says
# what is missing, in WHO's name, and fails.
gouv_apt_install() {
  local who=$1
  shift
  [ $# -gt 0 ] || return 0
  if [ "$(id -u)" != 0 ]; then
    echo "$who: missing: $* (run as root, or apt-get install them)" >&2
    return 1
  fi
  echo "$who: installing: $*" >&2
  apt-get -o DPkg::Lock::Timeout=120 update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=120 install -y -qq \
    --no-install-recommends "$@" >/dev/null
}

# gouv_deps installs what a fresh Debian machine lacks (as root), quietly.
gouv_deps() {
  local missing=()
  command -v cmake >/dev/null || missing+=(cmake)
  command -v ninja >/dev/null || missing+=(ninja-build)
  command -v pkg-config >/dev/null || missing+=(pkg-config)
  command -v gcc >/dev/null || missing+=(gcc)
  command -v g++ >/dev/null || missing+=(g++)
  [ -f /usr/include/uv.h ] || missing+=(libuv1-dev)
  gouv_apt_install gouv "${missing[@]}"
}

# gouv_build builds the library, the demo, tests and benchmarks in build/.
gouv_build() {
  cmake -S "$GOUV_ROOT" -B "$GOUV_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$GOUV_BUILD"
}

# gouv_build_ref builds the same tests and benchmarks against the system
# libuv in build/ref.
gouv_build_ref() {
  cmake -S "$GOUV_ROOT" -B "$GOUV_REF_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DGOUV_REFERENCE=ON >/dev/null
  cmake --build "$GOUV_REF_BUILD"
}

# gouv_host_deps installs (as root) the Debian programs that
# scripts/hosts_test.sh runs on gouv: uvloop for Debian's python3, neovim,
# luv for lua5.1, cmake, and pgrep, which the cmake host uses.
gouv_host_deps() {
  local missing=()
  /usr/bin/python3 -c 'import uvloop' 2>/dev/null || missing+=(python3-uvloop)
  command -v nvim >/dev/null || missing+=(neovim)
  command -v lua5.1 >/dev/null || missing+=(lua5.1)
  [ -e /usr/lib/x86_64-linux-gnu/lua/5.1/luv.so ] || missing+=(lua-luv)
  command -v ctest >/dev/null || missing+=(cmake)
  command -v pgrep >/dev/null || missing+=(procps)
  gouv_apt_install gouv "${missing[@]}"
}
