#!/usr/bin/env bash
# Builds gouv and runs the demo: timers, an idle counter and a cross-thread
# wakeup on gouv's loop.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
gouv_deps
gouv_build >/dev/null
exec "$GOUV_BUILD/demo"
