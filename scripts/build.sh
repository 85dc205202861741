#!/usr/bin/env bash
# Builds gouv into build/: build/lib/libgouv.so.1 (and libgouv.so,
# libuv.so.1, libgouv.a), build/include, build/lib/pkgconfig/gouv.pc.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
gouv_deps
gouv_build
echo "built: $GOUV_BUILD/lib/libgouv.so.1"
