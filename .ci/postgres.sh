#!/usr/bin/env bash
# Installs (if needed) and starts a PostgreSQL server for the contract tests, then prints the
# URL of a fresh test database. Idempotent.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  apt-get update -qq >/dev/null
  apt-get install -y -qq postgresql >/dev/null
fi
PGVER=$(ls -d /usr/lib/postgresql/*/bin/postgres | sort -V | tail -1 | cut -d/ -f5)
pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$PGVER main" || pg_createcluster "$PGVER" main >/dev/null
pg_ctlcluster "$PGVER" main start >/dev/null 2>&1 || true
for _ in $(seq 1 100); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.2; done
runuser -u postgres -- psql -q -v ON_ERROR_STOP=1 -c "DO \$\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='aimsgap') THEN CREATE ROLE aimsgap LOGIN PASSWORD 'aimsgap' CREATEDB; END IF; END \$\$;" >/dev/null
# A fresh database for the contract suite, and an empty one for the restore test.
for db in aimsgap_test aimsgap_restore; do
  runuser -u postgres -- psql -q -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1
  runuser -u postgres -- createdb -O aimsgap "$db"
done
echo "postgres://aimsgap:aimsgap@127.0.0.1:5432"
