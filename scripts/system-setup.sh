#!/usr/bin/env bash
# Installs and starts the system services the full test suite needs (PostgreSQL, Redis,
# Chromium, CJK fonts, dovecot IMAP, poppler), and nginx and openssl for the scale-out drill
# (make drill: it starts nginx, PostgreSQL and Redis of its own on loopback). Only acts as root; idempotent.
set -euo pipefail
if [ "$(id -u)" != "0" ]; then
  echo "system-setup: not root, assuming PostgreSQL/Redis/Chromium are provided" >&2
  exit 0
fi
PKGS="postgresql redis-server chromium fonts-noto-cjk poppler-utils dovecot-imapd gettext nginx openssl"
missing=""
for p in $PKGS; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
# dovecot's and nginx's packaged services are not needed: tests and the drill start private instances.
(systemctl disable --now dovecot >/dev/null 2>&1 || service dovecot stop >/dev/null 2>&1 || true)
(systemctl disable --now nginx >/dev/null 2>&1 || service nginx stop >/dev/null 2>&1 || true)
PGVER=$(ls /usr/lib/postgresql | sort -n | tail -1)
[ -d "/etc/postgresql/$PGVER/main" ] || pg_createcluster "$PGVER" main >/dev/null
pg_ctlcluster "$PGVER" main status >/dev/null 2>&1 || pg_ctlcluster "$PGVER" main start
for i in $(seq 1 30); do (cd / && runuser -u postgres -- pg_isready -q) && break; sleep 1; done
(cd / && runuser -u postgres -- psql -qtAc "SELECT 1 FROM pg_roles WHERE rolname='qs'" | grep -q 1) || \
  (cd / && runuser -u postgres -- psql -qc "CREATE ROLE qs LOGIN CREATEDB PASSWORD 'qs'")
(cd / && runuser -u postgres -- psql -qtAc "SELECT 1 FROM pg_database WHERE datname='qs'" | grep -q 1) || \
  (cd / && runuser -u postgres -- createdb -O qs qs)
redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 || \
  redis-server --bind 127.0.0.1 --port 6379 --daemonize yes --save '' --appendonly no >/dev/null
echo "system-setup: PostgreSQL $PGVER, Redis, Chromium, fonts, dovecot, nginx ready"
