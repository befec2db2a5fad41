# Start a throw-away PostgreSQL cluster on 127.0.0.1:${IPVALUE_TEST_PG_PORT:-54329} for the tests
# and export IPVALUE_TEST_PG_URL. Sourced by scripts/test.sh; stops the cluster on exit.
start_test_postgres() {
  local bin port dir
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$bin" ] || { echo "PostgreSQL binaries not found" >&2; return 1; }
  port=${IPVALUE_TEST_PG_PORT:-54329}
  dir=$(mktemp -d /tmp/ipvalue-pg.XXXXXX)
  as_pg() {
    if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$1"; else sh -c "$1"; fi
  }
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  as_pg "$bin/initdb -D $dir/data -U ipvalue --auth=trust -E UTF8 >$dir/initdb.log 2>&1"
  as_pg "$bin/pg_ctl -D $dir/data -l $dir/server.log -w -o \"-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off\" start >/dev/null"
  as_pg "$bin/createdb -h 127.0.0.1 -p $port -U ipvalue ipvalue_test"
  export IPVALUE_TEST_PG_URL="postgresql+psycopg://ipvalue@127.0.0.1:$port/ipvalue_test"
  IPVALUE_PG_STOP="$bin/pg_ctl -D $dir/data -m fast stop"
  trap 'as_pg "$IPVALUE_PG_STOP" >/dev/null 2>&1 || true' EXIT
}
