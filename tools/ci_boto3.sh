#!/usr/bin/env bash
# Wire-compatibility check: boto3 (the official Python SDK) drives an activity
# workflow and a mocked service-integration workflow against the
# stepworker-local binary over loopback.
set -euo pipefail
cd "$(dirname "$0")/.."

venv="${TMPDIR:-/tmp}/stepworker-boto3-venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check boto3
fi

cargo build --locked -p stepworker-local --bin stepworker-local
port=$((20000 + RANDOM % 20000))
log="$(mktemp)"
target/debug/stepworker-local --host 127.0.0.1 --port "$port" \
  --mock-config stepworker-local/tests/fixtures/MockConfigFile.json >"$log" 2>&1 &
engine=$!
trap 'kill "$engine" 2>/dev/null || true; wait "$engine" 2>/dev/null || true' EXIT

for _ in $(seq 1 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
  sleep 0.1
done

"$venv/bin/python" tools/boto3_smoke.py "http://127.0.0.1:$port" || { cat "$log"; exit 1; }
