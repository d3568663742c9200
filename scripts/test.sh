#!/usr/bin/env bash
# The whole test suite: lint, types, import contracts, pytest on SQLite and,
# when PostgreSQL's server programs are installed, pytest on a throwaway
# PostgreSQL server at the same time (two processes, for the machines' two cores).
#
#   scripts/test.sh [PYTEST_ARGS...]      # everything (make test ARGS="...")
#   scripts/test.sh --lint-only           # ruff, mypy, lint-imports (make lint)
#
# Browser tests use /usr/bin/chromium and the deployment test nginx (both
# installed with apt-get when running as root); without them those tests are
# skipped, except under CI=true, where a missing Chromium, nginx or PostgreSQL
# fails the run. Playwright never downloads a browser here.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

LINT_ONLY=0
if [[ "${1:-}" == "--lint-only" ]]; then LINT_ONLY=1; shift; fi

VENV="$ROOT/.venv"
BIN="$VENV/bin"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

if [[ -t 1 ]]; then B=$'\033[1m' RED=$'\033[1;31m' GREEN=$'\033[1;32m' N=$'\033[0m'; else B="" RED="" GREEN="" N=""; fi
heading() { printf '\n%s===== %s =====%s\n' "$B" "$*" "$N"; }
fail() { printf '\n%sFAILED: %s%s\n' "$RED" "$*" "$N" >&2; exit 1; }

SUMMARY_SQLITE=""
SUMMARY_PG=""
PG_DIR=""
LOGDIR="$(mktemp -d "${TMPDIR:-/tmp}/ombuds-test.XXXXXX")"

on_exit() {
    local rc=$?
    set +e
    if [[ -n "${PG_PID:-}" ]]; then
        kill "$PG_PID" 2>/dev/null && wait "$PG_PID" 2>/dev/null
    fi
    if [[ -n "$PG_DIR" ]]; then
        bash "$ROOT/scripts/pg-throwaway.sh" stop "$PG_DIR" || true
    fi
    rm -rf "$LOGDIR"
    if [[ $LINT_ONLY -eq 0 && ( -n "$SUMMARY_SQLITE" || -n "$SUMMARY_PG" ) ]]; then
        printf '\n===== summary =====\n'
        [[ -n "$SUMMARY_SQLITE" ]] && printf 'pytest (SQLite):     %s\n' "$SUMMARY_SQLITE"
        [[ -n "$SUMMARY_PG" ]] && printf 'pytest (PostgreSQL): %s\n' "$SUMMARY_PG"
    fi
    if [[ $rc -eq 0 ]]; then
        printf '%sAll checks passed.%s\n' "$GREEN" "$N"
    else
        printf '%sTests FAILED (exit %d).%s\n' "$RED" "$rc" "$N" >&2
    fi
    exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- 1. virtualenv -------------------------------------------------------------
heading "bootstrap (.venv)"
bash "$ROOT/scripts/bootstrap.sh" || fail "bootstrap"

# --- 2. lint / types / import contracts --------------------------------------
heading "ruff check"
"$BIN/ruff" check . || fail "ruff check (try: .venv/bin/ruff check --fix .)"

heading "ruff format --check"
"$BIN/ruff" format --check . || fail "ruff format --check (try: .venv/bin/ruff format .)"

heading "mypy"
mypy_targets=()
for d in ombuds tests bench; do
    # mypy errors out on a directory without Python files.
    if [[ -d "$d" ]] && [[ -n "$(find "$d" -name '*.py' -print -quit)" ]]; then
        mypy_targets+=("$d")
    fi
done
[[ ${#mypy_targets[@]} -gt 0 ]] || fail "mypy: none of ombuds/ tests/ bench/ contain Python files"
echo "mypy ${mypy_targets[*]}"
"$BIN/mypy" "${mypy_targets[@]}" || fail "mypy"

heading "lint-imports"
"$BIN/lint-imports" || fail "lint-imports (import contracts in pyproject.toml)"

if [[ $LINT_ONLY -eq 1 ]]; then
    exit 0
fi

# --- 3. Chromium and nginx for browser and deployment tests ---------------------
# Under CI=true a missing Chromium, nginx or PostgreSQL fails the run: their tests must
# not pass by being skipped. Elsewhere they are skipped with a note.
CI_STRICT=0
[[ "${CI:-}" == "true" ]] && CI_STRICT=1
missing_tool() {
    if [[ $CI_STRICT -eq 1 ]]; then fail "$1 is not available under CI=true: its tests would be skipped"; fi
    echo "$1 is not installed and could not be installed (needs root and apt-get): $2 will be SKIPPED."
}
apt_install() {  # apt_install PACKAGE...: the first that installs wins
    [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null 2>&1 || return 1
    export DEBIAN_FRONTEND=noninteractive
    echo "Installing $1 with apt-get (log: $LOGDIR/apt.log) ..."
    if [[ -z "${APT_UPDATED:-}" ]]; then
        apt-get -q -o DPkg::Lock::Timeout=600 update >>"$LOGDIR/apt.log" 2>&1 || true
        APT_UPDATED=1
    fi
    local package
    for package in "$@"; do
        if apt-get -q -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "$package" \
            >>"$LOGDIR/apt.log" 2>&1; then
            return 0
        fi
    done
    echo "apt-get install $* failed; last lines of the log:"
    tail -n 15 "$LOGDIR/apt.log" || true
    return 1
}

heading "chromium (browser tests)"
CHROMIUM=/usr/bin/chromium
if [[ -n "${OMBUDS_CHROMIUM:-}" && -x "${OMBUDS_CHROMIUM}" ]]; then
    CHROMIUM="$OMBUDS_CHROMIUM"
elif [[ ! -x "$CHROMIUM" ]]; then
    apt_install chromium || true
fi
if [[ -x "$CHROMIUM" ]]; then
    export OMBUDS_CHROMIUM="$CHROMIUM"
    echo "Browser tests will use $OMBUDS_CHROMIUM"
else
    export OMBUDS_CHROMIUM=""
    missing_tool Chromium "browser tests"
fi

heading "nginx (the HTTPS deployment test)"
nginx_path() { command -v nginx 2>/dev/null || { [[ -x /usr/sbin/nginx ]] && echo /usr/sbin/nginx; } || true; }
if [[ -z "$(nginx_path)" ]]; then
    apt_install nginx-light nginx || true
fi
if [[ -n "$(nginx_path)" ]]; then
    echo "The deployment test will run $(nginx_path) on loopback."
else
    missing_tool nginx "the HTTPS deployment tests"
fi

# --- 4. pytest -----------------------------------------------------------------
# `python -m pytest` puts the project root on sys.path (tests.settings is imported by name).
# summary_of LOG RC: pytest's last summary line ("N passed ... in Ts"), and the exit code
# when it is not 0.
summary_of() {
    local line
    line="$(grep -E '(passed|failed|errors?|skipped|deselected|xfailed|xpassed|warnings?|no tests ran).* in [0-9.]+s( \([0-9:]+\))?( =+)?$' "$1" |
        tail -n 1 | sed -E 's/^=+ //; s/ =+$//' || true)"
    [[ -n "$line" ]] || line="(no summary line)"
    [[ "$2" == 0 ]] || line="$line  [exit $2]"
    printf '%s' "$line"
}
pytest_failed() {  # pytest_failed LABEL RC
    case $2 in
        0) ;;
        5) fail "pytest ($1): no tests were collected" ;;
        *) fail "pytest ($1)" ;;
    esac
}

# SQLite and PostgreSQL run side by side (each pytest is one process and the machines
# have two cores): PostgreSQL's run goes to its log, shown when SQLite's has finished.
pg_found() {
    { command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; } ||
        ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1
}
pg_found || apt_install postgresql || true
PG_FOUND=0
PG_PID=""
if pg_found; then PG_FOUND=1; fi
if [[ $PG_FOUND -eq 1 ]]; then
    heading "PostgreSQL (its run starts now, beside SQLite's)"
    pg_out="$(PYTHON="$BIN/python" bash "$ROOT/scripts/pg-throwaway.sh" start)" ||
        fail "could not start a throwaway PostgreSQL server"
    PG_URL="$(sed -n 's/^DATABASE_URL=//p' <<<"$pg_out")"
    PG_DIR="$(sed -n 's/^PGTHROWAWAY_DIR=//p' <<<"$pg_out")"
    echo "Throwaway PostgreSQL: $PG_URL ($PG_DIR); log: $LOGDIR/pytest-SUMMARY_PG.log"
    (
        set +e
        env "DATABASE_URL=$PG_URL" "$BIN/python" -m pytest "$@" >"$LOGDIR/pytest-SUMMARY_PG.log" 2>&1
        echo $? >"$LOGDIR/pytest-SUMMARY_PG.rc"
    ) &
    PG_PID=$!
else
    SUMMARY_PG="not run (PostgreSQL server programs not found)"
    [[ $CI_STRICT -eq 0 ]] || fail "PostgreSQL server programs not found under CI=true"
    echo "PostgreSQL server programs not found: tests run against SQLite only."
fi

heading "pytest (SQLite)"
set +e
# With PostgreSQL's run beside it, the longest browser journeys run there (tests/conftest.py).
beside=()
[[ -z "$PG_PID" ]] || beside=("OMBUDS_TESTS_BESIDE_POSTGRESQL=1")
env -u DATABASE_URL "${beside[@]}" "$BIN/python" -m pytest "$@" 2>&1 | tee "$LOGDIR/pytest-SUMMARY_SQLITE.log"
sqlite_rc=${PIPESTATUS[0]}
set -e
SUMMARY_SQLITE="$(summary_of "$LOGDIR/pytest-SUMMARY_SQLITE.log" "$sqlite_rc")"

if [[ -n "$PG_PID" ]]; then
    heading "pytest (PostgreSQL)"
    wait "$PG_PID" || true
    cat "$LOGDIR/pytest-SUMMARY_PG.log"
    pg_rc="$(cat "$LOGDIR/pytest-SUMMARY_PG.rc" 2>/dev/null || echo 1)"
    SUMMARY_PG="$(summary_of "$LOGDIR/pytest-SUMMARY_PG.log" "$pg_rc")"
fi
pytest_failed SQLite "$sqlite_rc"
[[ -z "$PG_PID" ]] || pytest_failed PostgreSQL "$pg_rc"
