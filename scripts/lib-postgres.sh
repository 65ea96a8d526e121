# Starts a throwaway PostgreSQL (from Debian's packages) for tests and benchmarks.
# Source it, then call `start_postgres`; it exports PGPORT_TEST and REMIT_TEST_DATABASE_URL and
# stops the server when the calling shell exits.

ensure_postgres_installed() {
    if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
        echo "==> installing PostgreSQL from Debian's packages"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    fi
    PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
    export PG_BIN
}

# Runs a command as the postgres user when we are root (PostgreSQL refuses to run as root).
as_postgres() {
    if [ "$(id -u)" = "0" ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

start_postgres() {
    ensure_postgres_installed
    PG_DIR=$(mktemp -d /tmp/remit-pg.XXXXXX)
    PGPORT_TEST=${PGPORT_TEST:-$(( 20000 + RANDOM % 20000 ))}
    if [ "$(id -u)" = "0" ]; then chown postgres "$PG_DIR"; fi
    as_postgres "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 >/dev/null
    cat >> "$PG_DIR/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PGPORT_TEST
unix_socket_directories = '$PG_DIR'
max_connections = 500
shared_buffers = 256MB
fsync = on
synchronous_commit = on
CONF
    as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w start >/dev/null
    export PGPORT_TEST
    export REMIT_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT_TEST/postgres"
    trap stop_postgres EXIT
    echo "==> PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PGPORT_TEST"
}

stop_postgres() {
    if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR/data" ]; then
        as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null 2>&1 || true
        rm -rf "$PG_DIR"
    fi
}
