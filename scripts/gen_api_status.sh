#!/usr/bin/env bash
# Regenerates docs/api-status.md; with --check, exits non-zero when it is
# out of date (CI). The work is done by gen_api_status.py (python3 stdlib).
set -euo pipefail
if ! command -v python3 >/dev/null && [ "$(id -u)" = 0 ]; then
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 >/dev/null
fi
exec python3 "$(dirname "$0")/gen_api_status.py" "$@"
