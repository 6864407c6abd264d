#!/usr/bin/env bash
# Virtual environments for the peers that compare_peers.py runs, one each, outside the
# project's own environment:
#  - `matching` (HospitalResident) and PyPI `mentor-match` both install a top-level
#    package named `matching`, so they cannot share an environment;
#  - `mentormatch` 1.1 pins fuzzytable 0.19 -> openpyxl 3.0.0, which uses numpy.float
#    (removed in numpy 1.24), so its environment keeps numpy < 1.24 and pandas < 2.
# Usage: bash benchmarks/setup_peers.sh   (PYTHON=python3.11 to choose the interpreter)
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
PY="${PYTHON:-python3}"

"$PY" -m venv /tmp/benchvenv
/tmp/benchvenv/bin/pip install -q -e "$REPO" "matching==1.4.3"

"$PY" -m venv /tmp/benchvenv-mentor-match
/tmp/benchvenv-mentor-match/bin/pip install -q "mentor-match==7.0.1"

"$PY" -m venv /tmp/benchvenv-mentormatch
/tmp/benchvenv-mentormatch/bin/pip install -q "mentormatch==1.1" "numpy<1.24" "pandas<2"

echo "peer environments ready: /tmp/benchvenv /tmp/benchvenv-mentor-match /tmp/benchvenv-mentormatch"
