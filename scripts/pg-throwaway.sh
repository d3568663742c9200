#!/usr/bin/env bash
# A throwaway PostgreSQL server for tests.
#
#   scripts/pg-throwaway.sh start        # prints DATABASE_URL=... and PGTHROWAWAY_DIR=...
#   scripts/pg-throwaway.sh stop DIR     # stops the server and deletes DIR
#
# The cluster lives in a fresh mktemp directory, listens on 127.0.0.1 on a free
# port (plus a unix socket inside the directory), trusts local connections for
# user "ombuds" and has durability switched off (fsync, full_page_writes) for
# speed. As root the server runs as the "postgres" user (initdb refuses root).
# Programs are taken from $PG_BIN if set, else PATH, else the newest
# /usr/lib/postgresql/*/bin.
set -euo pipefail

MARKER=".ombuds-throwaway"

die() { printf 'pg-throwaway: error: %s\n' "$*" >&2; exit 1; }

find_pg_bin() {
    if [[ -n "${PG_BIN:-}" ]]; then
        [[ -x "$PG_BIN/initdb" && -x "$PG_BIN/pg_ctl" ]] || die "PG_BIN=$PG_BIN has no initdb/pg_ctl"
        echo "$PG_BIN"; return
    fi
    local d
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        # Resolve symlinks (e.g. /usr/local/bin/initdb -> /usr/lib/postgresql/15/bin/initdb)
        # so that createdb/pg_isready from the same installation are found next to it.
        dirname "$(readlink -f "$(command -v initdb)")"; return
    fi
    d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    if [[ -n "$d" && -x "$d/initdb" && -x "$d/pg_ctl" ]]; then echo "$d"; return; fi
    die "PostgreSQL server programs (initdb, pg_ctl) not found"
}

BIN="$(find_pg_bin)"

# Path of a client program: next to initdb, else from PATH.
tool() {
    if [[ -x "$BIN/$1" ]]; then echo "$BIN/$1"; else command -v "$1" || echo "$BIN/$1"; fi
}

# Run a PostgreSQL program as the cluster owner.
as_owner() {
    if [[ $EUID -eq 0 ]]; then
        if command -v runuser >/dev/null 2>&1; then
            (cd / && runuser -u postgres -- "$@")
        else
            local q; q="$(printf '%q ' "$@")"
            (cd / && su postgres -s /bin/sh -c "$q")
        fi
    else
        "$@"
    fi
}

free_port() {
    local py
    for py in "${PYTHON:-}" python3 python; do
        [[ -n "$py" ]] && command -v "$py" >/dev/null 2>&1 || continue
        "$py" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()' && return
    done
    die "need python3 to pick a free port"
}

cmd_start() {
    if [[ $EUID -eq 0 ]]; then
        id -u postgres >/dev/null 2>&1 ||
            die "running as root but there is no 'postgres' user to own the cluster (initdb refuses root)"
    fi
    local dir log port ok=0 attempt
    # Short base path: the unix socket path must stay under ~100 bytes.
    dir="$(mktemp -d /tmp/ombuds-pg.XXXXXX)"
    touch "$dir/$MARKER"
    if [[ $EUID -eq 0 ]]; then chown postgres: "$dir"; fi
    chmod 700 "$dir"
    log="$dir/server.log"

    if ! as_owner "$BIN/initdb" -D "$dir/data" -A trust -U ombuds --no-sync -E UTF8 \
            --locale=C >"$dir/initdb.log" 2>&1; then
        tail -n 20 "$dir/initdb.log" >&2
        rm -rf "$dir"
        die "initdb failed"
    fi
    cat >>"$dir/data/postgresql.conf" <<CONF

# --- ombuds throwaway test server ---
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
fsync = off
full_page_writes = off
synchronous_commit = off
max_connections = 100
CONF

    for attempt in 1 2 3; do
        port="$(free_port)"
        if as_owner "$BIN/pg_ctl" -D "$dir/data" -l "$log" -w -t 60 -s \
                -o "-p $port" start >/dev/null 2>&1; then
            ok=1; break
        fi
        as_owner "$BIN/pg_ctl" -D "$dir/data" -m immediate -s stop >/dev/null 2>&1 || true
    done
    if [[ $ok -ne 1 ]]; then
        tail -n 20 "$log" >&2 || true
        rm -rf "$dir"
        die "PostgreSQL server did not start"
    fi

    # Bounded readiness wait over TCP (pg_ctl -w already waited on the socket).
    local i ready=0
    for i in $(seq 1 60); do
        if [[ -x "$(tool pg_isready)" ]]; then
            "$(tool pg_isready)" -q -h 127.0.0.1 -p "$port" -U ombuds -d postgres && { ready=1; break; }
        else
            ready=1; break
        fi
        sleep 0.5
    done
    if [[ $ready -ne 1 ]] || ! "$(tool createdb)" -h 127.0.0.1 -p "$port" -U ombuds ombuds 2>"$dir/createdb.log"; then
        cat "$dir/createdb.log" >&2 || true
        tail -n 20 "$log" >&2 || true
        cmd_stop "$dir"
        die "PostgreSQL started but is not usable"
    fi

    echo "DATABASE_URL=postgres://ombuds@127.0.0.1:$port/ombuds"
    echo "PGTHROWAWAY_DIR=$dir"
}

cmd_stop() {
    local dir="${1:-}"
    [[ -n "$dir" ]] || die "usage: $0 stop DIR"
    [[ -d "$dir" ]] || return 0
    [[ -f "$dir/$MARKER" ]] || die "$dir is not a throwaway cluster made by this script; not touching it"
    if [[ -f "$dir/data/postmaster.pid" ]]; then
        as_owner "$BIN/pg_ctl" -D "$dir/data" -m immediate -w -t 30 -s stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
}

case "${1:-}" in
    start) cmd_start ;;
    stop) cmd_stop "${2:-}" ;;
    *) echo "usage: $0 start | stop DIR" >&2; exit 2 ;;
esac
