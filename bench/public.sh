#!/usr/bin/env bash
# The public benchmarks (kept for habit): `bash bench/public.sh [--requests N …]` = `bash bench/run.sh public …`.
exec bash "$(dirname "$0")/run.sh" public "$@"
