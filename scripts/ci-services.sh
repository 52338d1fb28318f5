#!/usr/bin/env bash
# Services the test suite needs that npm cannot install: PostgreSQL 15's server binaries,
# for @agentchart/postgres's tests and the checkpoint-write benchmark (each starts its own
# throwaway cluster on loopback), and Debian's Chromium, which the studio's browser tests
# drive through playwright-core, and the sqlite3 shell, whose recovery commands the SQLite
# store's corruption message advises and a test runs. Idempotent: does nothing when they are already installed.
# .ci/run calls it before `./run test`; on a fresh machine run `bash scripts/ci-services.sh`.
set -euo pipefail
sudo=""
if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
missing=()
if [ ! -x /usr/lib/postgresql/15/bin/initdb ]; then missing+=(postgresql); fi
if [ ! -x /usr/bin/chromium ]; then missing+=(chromium); fi
if ! command -v sqlite3 > /dev/null; then missing+=(sqlite3); fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "› installing ${missing[*]} (apt)"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi
