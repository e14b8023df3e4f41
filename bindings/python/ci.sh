#!/usr/bin/env bash
# CI stage of the Python package: from the repository root on a fresh machine, build the wheel
# with maturin, install it into a fresh virtualenv with pinned test dependencies, and run pytest
# (the conformance corpus, the API and batch tests, hypothesis properties, mypy.stubtest, the
# example notebook executed with nbclient, and the scale-out tests: Spark's mapInArrow in local
# mode and Polars against the single-machine batch). Installs Debian's default-jre-headless (the
# Java that PySpark needs) when there is no `java`. Prints pytest's summary line last.
#
#   bash bindings/python/ci.sh              # everything
#   PYTHON=python3.11 bash bindings/python/ci.sh
#
# The virtualenv lives in target/python-ci (recreated each run, so a run is always a cold install);
# the wheel in target/wheels; the executed notebook in target/python-ci/evaluate-departments.ipynb.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

if [ -d "$HOME/.cargo/bin" ]; then
  export PATH="$HOME/.cargo/bin:$PATH"
fi
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
PYTHON="${PYTHON:-python3}"
VENV="$ROOT/target/python-ci"
WHEELS="$ROOT/target/wheels"

# Pinned versions that resolve for CPython 3.11 on this machine kind.
PINS=(
  maturin==1.16.0
  pytest==9.2.0
  hypothesis==6.170.17
  mypy==2.4.1
  numpy==2.4.6
  pandas==3.1.1
  polars==2.1.0
  pyarrow==26.0.1
  pyspark==4.3.0
  matplotlib==3.11.2
  nbclient==0.11.0
  nbformat==5.11.1
  ipykernel==7.4.0
)

step() {
  printf '\n==> %s (%s)\n' "$*" "$(date -u +%H:%M:%S)"
}

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

start=$SECONDS

# PySpark 4 (tests/test_scaleout.py, Spark in local mode) runs on Java 17 or 21: Debian 12's
# default-jre-headless is OpenJDK 17.
if ! command -v java >/dev/null 2>&1; then
  step "apt-get install default-jre-headless (Java for PySpark)"
  as_root apt-get update
  as_root apt-get install -y default-jre-headless
fi
java -version 2>&1 | head -n 1

step "python virtualenv ($("$PYTHON" --version))"
rm -rf "$VENV"
"$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet "${PINS[@]}"
"$VENV/bin/python" -m pip --version

step "build the wheel (maturin, release, abi3)"
rm -f "$WHEELS"/jixiao-*.whl
"$VENV/bin/maturin" build --release --manifest-path bindings/python/Cargo.toml --out "$WHEELS"
WHEEL="$(ls -t "$WHEELS"/jixiao-*.whl | head -n 1)"
ls -l "$WHEEL"

step "install the wheel"
"$VENV/bin/python" -m pip install --quiet --force-reinstall --no-deps "$WHEEL"
# From an empty folder, so that the installed package is imported, not the source tree.
(cd "$VENV" && "$VENV/bin/python" -c "import jixiao; print('jixiao', jixiao.__version__, 'from', jixiao.__file__)")

step "pytest (corpus, API, batch, properties, stubtest, notebook, Spark and Polars)"
export JIXIAO_NOTEBOOK_OUT="$VENV/evaluate-departments.ipynb"
# Hypothesis derandomized (tests/conftest.py): the same examples on every run.
export HYPOTHESIS_PROFILE=ci
set +e
# From bindings/python, so that hypothesis keeps its examples in bindings/python/.hypothesis
# (git-ignored there); the package under test is the installed wheel (python/ is not on sys.path).
(cd bindings/python && "$VENV/bin/python" -m pytest tests -p no:cacheprovider -q) 2>&1 | tee "$VENV/pytest.log"
status=${PIPESTATUS[0]}
set -e

step "done in $((SECONDS - start)) s"
# pytest's summary line, last, for whoever reads the log.
grep -E '^=*.*(passed|failed|error).* in [0-9.]+s' "$VENV/pytest.log" | tail -n 1 || true
exit "$status"
