#!/usr/bin/env bash
# Make sure PostgreSQL and Redis answer on 127.0.0.1, starting them if installed and
# stopped. Never installs or upgrades PostgreSQL: an upgrade breaks a running server.
set -u
if ! pg_isready -h 127.0.0.1 -q 2>/dev/null; then
  v=$(ls /etc/postgresql 2>/dev/null | head -1)
  if [ -n "$v" ]; then pg_ctlcluster --skip-systemctl-redirect "$v" main start || true; fi
fi
if ! redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then
  if command -v redis-server >/dev/null; then
    mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no --dir /tmp >/dev/null
  fi
fi
# RabbitMQ is optional: the broker tests run on it where it is installed (and skip, saying
# so, where it is not).
if command -v rabbitmq-server >/dev/null 2>&1 && ! (exec 3<>/dev/tcp/127.0.0.1/5672) 2>/dev/null; then
  rabbitmq-server -detached >/dev/null 2>&1 || true
  for i in $(seq 1 60); do (exec 3<>/dev/tcp/127.0.0.1/5672) 2>/dev/null && break; sleep 1; done
fi
for i in $(seq 1 30); do
  pg_isready -h 127.0.0.1 -q 2>/dev/null && redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && exit 0
  sleep 1
done
echo "PostgreSQL or Redis is not answering on 127.0.0.1 (pg_isready / redis-cli ping)" >&2
exit 1
