#!/usr/bin/env bash
# PostgreSQL (127.0.0.1:5432, trust auth) and Redis (127.0.0.1:6379) run on every dev and CI machine; start them
# if one is down. Java 17 is needed by Spark. Failures are reported, not fatal: tests that need a missing service
# say so themselves.
set -uo pipefail

if ! (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then
  echo "services: starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || echo "services: PostgreSQL did not start"
fi
if ! (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then
  echo "services: starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log || echo "services: Redis did not start"
fi
command -v java >/dev/null || echo "services: java not found; Spark tests will be skipped"
exit 0
