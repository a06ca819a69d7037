#!/usr/bin/env bash
# Start Debian's PostgreSQL on 127.0.0.1:5432 for the store tests and print its URL.
# Installs the server when missing (apt-get works as root on CI machines).
set -euo pipefail
# Only the URL may reach stdout, which the caller captures: pg_ctl chatter such as
# "Removed stale pid file." goes to stderr, and so does the server the block starts.
{
  if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
  version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
  if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -q "^$version main$"; then
    pg_createcluster "$version" main >/dev/null
  fi
  if ! pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $4}' | grep -q online; then
    pg_ctlcluster "$version" main start
  fi
  for _ in $(seq 1 30); do
    pg_isready -h 127.0.0.1 -p 5432 -q && break
    sleep 1
  done
  su postgres -c "psql -q -h 127.0.0.1 -c \"ALTER USER postgres PASSWORD 'valuegap-test'\"" >/dev/null 2>&1 \
    || su postgres -c "psql -q -c \"ALTER USER postgres PASSWORD 'valuegap-test'\"" >/dev/null
} >&2
echo "postgresql://postgres:valuegap-test@127.0.0.1:5432/postgres"
