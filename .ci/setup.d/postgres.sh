# PostgreSQL on loopback for tests/test_autograder_postgres.py (sourced by .ci/run, as root, on Debian).
# Installs the server from Debian's packages, starts a private cluster on 127.0.0.1 and exports
# WORKBOOK_TEST_PG_URL. Idempotent: a cluster already running is reused. Uses `return`, never `exit`.
workbook_start_postgres() {
  local port=${WORKBOOK_PG_PORT:-54329} data=${WORKBOOK_PG_DATA:-/var/tmp/workbook-postgres} bin
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    apt-get update -qq || return 1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null || return 1
  fi
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  if ! runuser -u postgres -- "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    rm -rf "$data" && mkdir -p "$data" && chown postgres: "$data" && chmod 700 "$data" || return 1
    printf 'workbook-postgres\n' > /tmp/workbook-pg-pw && chown postgres: /tmp/workbook-pg-pw
    runuser -u postgres -- "$bin/initdb" -D "$data" -U postgres --pwfile=/tmp/workbook-pg-pw \
      --auth-local=peer --auth-host=scram-sha-256 >/dev/null || return 1
    rm -f /tmp/workbook-pg-pw
    runuser -u postgres -- "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $data" start >/dev/null || return 1
    PGPASSWORD=workbook-postgres psql -h 127.0.0.1 -p "$port" -U postgres -qc \
      "CREATE ROLE workbook LOGIN PASSWORD 'workbook'" >/dev/null || return 1
    PGPASSWORD=workbook-postgres psql -h 127.0.0.1 -p "$port" -U postgres -qc \
      "CREATE DATABASE workbook_test OWNER workbook" >/dev/null || return 1
  fi
  export WORKBOOK_TEST_PG_URL="postgresql+psycopg://workbook:workbook@127.0.0.1:$port/workbook_test"
  echo "PostgreSQL ready: $WORKBOOK_TEST_PG_URL"
}
workbook_start_postgres
