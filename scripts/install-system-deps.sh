#!/usr/bin/env bash
# Installs the Debian packages the test suite needs, only when missing (idempotent, quick when present):
#   chromium        - Playwright drives Debian's Chromium (no browser download)
#   docker.io       - a real Docker engine for the fixture stack
#   busybox-static  - the root of the locally built fixture base image (no registry reachable)
#   postgresql, redis-server, clickhouse-server, clickhouse-client - real servers run inside the PostHog-like fixture stack
set -euo pipefail

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
[ -x /bin/busybox ] || missing+=(busybox-static)
[ -x /usr/lib/postgresql/15/bin/postgres ] || missing+=(postgresql)   # fixture stack: real Postgres 15
[ -x /usr/bin/redis-server ] || missing+=(redis-server)               # fixture stack: real Redis 7
[ -x /usr/sbin/clickhouse-server ] || missing+=(clickhouse-server)    # fixture stack: real ClickHouse
[ -x /usr/bin/clickhouse-client ] || missing+=(clickhouse-client)    # fixture stack: backups exec clickhouse-client in the container (only "Recommends" of the server package)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)              # TLS-expiry probe test certificate
[ -x /usr/bin/age ] || missing+=(age)                                 # backups: an age-encrypted backup must open with the age CLI
[ -x /usr/sbin/sshd ] || missing+=(openssh-server)                    # backups: rsync-over-SSH remote copies on loopback
command -v rsync >/dev/null 2>&1 || missing+=(rsync)

if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages: ${missing[*]}. Install them as root: apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "system packages: installing ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "system packages: installed ${missing[*]}"
