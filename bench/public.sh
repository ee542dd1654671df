#!/usr/bin/env bash
# The public-catalogue benchmarks (kept for habit): same as `bash bench/run.sh public`, or name scenarios.
exec bash "$(dirname "$0")/run.sh" "${@:-public}"
