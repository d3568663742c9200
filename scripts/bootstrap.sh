#!/usr/bin/env bash
# Create/refresh the project virtualenv (.venv) from the lock files.
#
#   scripts/bootstrap.sh            # dev install (runtime + test/lint tools)
#
# Environment:
#   PYTHON   interpreter to build the venv with (default: first of python3.13,
#            python3.12, python3.11, python3 that is >= 3.11)
#
# Re-running is cheap: the pip install is skipped while the stamp file is newer
# than requirements*.lock and pyproject.toml.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

VENV="$ROOT/.venv"
LOCK="requirements-dev.lock"
STAMP="$VENV/.ombuds-bootstrap.stamp"

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'bootstrap: error: %s\n' "$*" >&2; exit 1; }

py_ok() {  # $1 = interpreter; true if it runs and is >= 3.11
    "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' >/dev/null 2>&1
}

find_python() {
    if [[ -n "${PYTHON:-}" ]]; then
        py_ok "$PYTHON" || die "PYTHON=$PYTHON is not a working Python >= 3.11."
        echo "$PYTHON"; return
    fi
    local c
    for c in python3.13 python3.12 python3.11 python3; do
        if command -v "$c" >/dev/null 2>&1 && py_ok "$c"; then echo "$c"; return; fi
    done
    local found
    found="$(command -v python3 >/dev/null 2>&1 && python3 -V 2>&1 || echo 'no python3 found')"
    die "Ombuds needs Python >= 3.11 ($found). Install Python 3.11+ or set PYTHON=/path/to/python3.11."
}

make_venv() {
    local py log
    py="$(find_python)" || exit 1
    log="$(mktemp)"
    say "Creating virtualenv $VENV with $("$py" -V 2>&1)"
    if ! "$py" -m venv "$VENV" >"$log" 2>&1; then
        # Debian/Ubuntu ship venv/ensurepip separately (python3.X-venv).
        rm -rf "$VENV"
        if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
            local ver
            ver="$("$py" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
            say "python -m venv failed; installing python${ver}-venv with apt-get"
            export DEBIAN_FRONTEND=noninteractive
            if apt-get -qq -o DPkg::Lock::Timeout=300 update >>"$log" 2>&1 &&
               apt-get -qq -o DPkg::Lock::Timeout=300 install -y "python${ver}-venv" >>"$log" 2>&1 &&
               "$py" -m venv "$VENV" >>"$log" 2>&1; then
                rm -f "$log"; return
            fi
        fi
        tail -n 20 "$log" >&2
        rm -rf "$VENV"
        die "could not create a virtualenv with '$py -m venv' (on Debian/Ubuntu: apt-get install python3-venv)."
    fi
    rm -f "$log"
}

sodium_ok() {  # $1 = interpreter; true if the system libsodium pysodium loads has ristretto255
    "$1" - >/dev/null 2>&1 <<'PY'
import ctypes, ctypes.util
# As pysodium finds it; CDLL(None) is the interpreter itself, which has none of these.
lib = ctypes.CDLL(ctypes.util.find_library("sodium") or ctypes.util.find_library("libsodium"))
lib.sodium_version_string  # noqa: B018
lib.crypto_core_ristretto255_from_hash  # noqa: B018 (libsodium >= 1.0.18)
PY
}

need_libsodium() {
    # PyNaCl bundles its own libsodium but binds no ristretto255; the matching escrow gets
    # those from the system's libsodium through pysodium (ctypes), so it must be installed.
    local py="$1" log
    sodium_ok "$py" && return 0
    if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
        say "The system's libsodium (>= 1.0.18) is missing; installing libsodium23 with apt-get"
        log="$(mktemp)"
        export DEBIAN_FRONTEND=noninteractive
        if apt-get -qq -o DPkg::Lock::Timeout=300 update >>"$log" 2>&1 &&
           apt-get -qq -o DPkg::Lock::Timeout=300 install -y --no-install-recommends libsodium23 \
               >>"$log" 2>&1 && sodium_ok "$py"; then
            rm -f "$log"; return 0
        fi
        tail -n 20 "$log" >&2
        rm -f "$log"
    fi
    die "the system's libsodium (>= 1.0.18) is needed for the matching escrow's ristretto255 \
(pysodium loads it): on Debian/Ubuntu, apt-get install libsodium23."
}

if [[ -e "$VENV" ]] && ! py_ok "$VENV/bin/python"; then
    say "$VENV exists but its python is missing, broken or older than 3.11; recreating it"
    rm -rf "$VENV"
fi
[[ -x "$VENV/bin/python" ]] || make_venv
need_libsodium "$VENV/bin/python"

up_to_date=1
[[ -f "$STAMP" ]] || up_to_date=0
for f in requirements.lock requirements-dev.lock pyproject.toml; do
    [[ -f "$f" ]] || die "$f is missing"
    [[ $up_to_date -eq 1 && "$STAMP" -nt "$f" ]] || up_to_date=0
done
if [[ $up_to_date -eq 1 ]]; then
    "$VENV/bin/python" -m ombuds.web.catalogue
    exit 0
fi

VPY="$VENV/bin/python"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
hash_opt=()
grep -q -- '--hash=' "$LOCK" && hash_opt=(--require-hashes)

say "Installing $LOCK into $VENV (first time: a minute or so)"
start=$SECONDS
log="$VENV/bootstrap-pip.log"
: >"$log"
if ! "$VPY" -m pip install -q ${hash_opt[@]+"${hash_opt[@]}"} -r "$LOCK" >>"$log" 2>&1; then
    grep -v 'is neither a file nor a directory' "$log" | tail -n 30 >&2
    die "pip install -r $LOCK failed (full log: $log)."
fi
if ! "$VPY" -m pip install -q --no-deps -e . >>"$log" 2>&1; then
    grep -v 'is neither a file nor a directory' "$log" | tail -n 30 >&2
    die "pip install -e . failed (full log: $log)."
fi
"$VPY" -m ombuds.web.catalogue  # the Welsh catalogue, compiled with polib
touch "$STAMP"
say "Installed in $((SECONDS - start))s."
