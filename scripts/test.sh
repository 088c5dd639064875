#!/usr/bin/env bash
# The test command: sets up what the tests need (venv, packages, Chromium), then runs pytest.
# Extra arguments go to pytest. The fast lane after each change (no app, child process, browser
# or real-data run): `bash scripts/test.sh -m "not slow and not browser and not app"`.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
# Installed once per set of pins: a stamp named by their hash skips pip when nothing changed.
stamp=".venv/.installed-$(cat requirements.txt requirements-dev.txt pyproject.toml | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install -q --disable-pip-version-check -r requirements-dev.txt
  # The project itself, editable: gives the gan-studio command (tests/cli checks it).
  .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps -e .
  rm -f .venv/.installed-* && touch "$stamp"
fi

# Browser tests drive the distribution's Chromium (Playwright's own browser download needs internet).
if [ -z "${CHROMIUM_PATH:-}" ] && ! command -v chromium >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq chromium >/dev/null
fi

# Real MNIST and MicroAST weights come from ../shared here; users' machines download them.
export STUDIO_DATA_DIR="${STUDIO_DATA_DIR:-$(cd .. && pwd)/shared/data}"
export STUDIO_WEIGHTS_DIR="${STUDIO_WEIGHTS_DIR:-$(cd .. && pwd)/shared/weights/microast}"
export STUDIO_EXAMPLES_DIR="${STUDIO_EXAMPLES_DIR:-$(cd .. && pwd)/shared/images}"
export HF_HUB_OFFLINE=1 GRADIO_ANALYTICS_ENABLED=False

# Two pytest-xdist workers, each module whole in one of them (its fixtures made once), one torch thread each
# (tests/conftest.py); STUDIO_TEST_WORKERS=0 runs everything in this process (for a debugger, or -x).
exec .venv/bin/python -m pytest -n "${STUDIO_TEST_WORKERS:-2}" --dist loadfile "$@"
