#!/usr/bin/env bash
# The GPU check: run on a machine with a CUDA GPU (no network needed) and put its figures in the README.
#   bash bench/gpu_check.sh              # on the GPU
#   bash bench/gpu_check.sh --device cpu # the same checks on the CPU (how the script itself is tested)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python; [ -x "$PY" ] || PY=python3
export HF_HUB_OFFLINE=1
exec "$PY" bench/gpu_check.py "$@"
