#!/usr/bin/env bash
# Installs the PyPI torch wheel into a cached venv for the tests that compile generated C++ against
# the real AOTI headers and libtorch (about a minute on a fresh machine; cached afterwards).
# Prints the torch package directory on its last line.
set -euo pipefail
VENV="${SYMSHAPE_TORCH_VENV:-$HOME/.cache/symshape-torch-venv}"
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV" >&2
fi
if ! "$VENV/bin/python" -c "import importlib.util, sys; sys.exit(0 if importlib.util.find_spec('torch') else 1)" 2>/dev/null; then
  "$VENV/bin/pip" install -q --disable-pip-version-check torch >&2
fi
"$VENV/bin/python" -c "import importlib.util, os; print(os.path.dirname(importlib.util.find_spec('torch').origin))"
