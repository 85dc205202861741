#!/usr/bin/env bash
# Debian's cmake and ctest, which link libuv.so.1, on cmake_project/:
# configure (execute_process pipelines), then ctest -j4 with passing,
# failing, skipped and timed-out tests, then ctest --timeout.
#   cbindings_test/hosts/cmake.sh [--reference]
# cmake 3.25's execute_process still spawns through its own process code
# (kwsys), so configuring shows that cmake starts, runs and exits on the
# library; ctest runs every test with uv_spawn, reads its output through
# libuv pipes and times it out with libuv timers.
source "$(dirname "$0")/common.sh"
HOST=cmake
for tool in cmake ctest; do
  path=$(command -v $tool) || { echo "FAIL cmake: $tool is not installed"; exit 1; }
  # The host only counts if the tool takes libuv from the library path.
  if ! ldd "$path" | grep 'libuv\.so\.1' >/dev/null; then
    echo "FAIL cmake: $path does not link libuv.so.1 dynamically"; exit 1
  fi
done
build=$HOST_TMP/build
check configure "$HOSTS_DIR/cmake_run.sh" configure "$build"
check ctest "$HOSTS_DIR/cmake_run.sh" ctest "$build"
check ctest_timeout "$HOSTS_DIR/cmake_run.sh" ctest_timeout "$build"
host_done
