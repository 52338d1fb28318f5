#!/usr/bin/env bash
# Services the test suite needs that npm cannot install: PostgreSQL 15's server binaries,
# for @agentchart/postgres's tests and the checkpoint-write benchmark (each starts its own
# throwaway cluster on loopback). Idempotent: does nothing when they are already installed.
# .ci/run calls it before `./run test`; on a fresh machine run `bash scripts/ci-services.sh`.
set -euo pipefail
if [ ! -x /usr/lib/postgresql/15/bin/initdb ]; then
  echo "› installing PostgreSQL 15 (apt)"
  sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql
fi
