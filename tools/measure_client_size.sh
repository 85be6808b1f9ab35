#!/usr/bin/env bash
# Builds the two minimal DescribeStateMachine programs (stepworker's client and
# aws-sdk-sfn) in release and prints their sizes, as built and stripped. Each
# in its smallest form: aws-sdk-sfn without aws-config, stepworker without its
# default `aws-config` feature (the credential chain).
# Usage: tools/measure_client_size.sh   (from anywhere in the repository)
set -euo pipefail

cd "$(dirname "$0")/.."
examples=(client_size_stepworker client_size_aws_sdk_sfn)

# The comparison package takes stepworker with default-features = false.
cargo build --release -p stepworker-client-comparison "${examples[@]/#/--example=}" >&2

target_dir="$(cargo metadata --format-version 1 --no-deps \
  | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

printf '%-26s %14s %14s\n' program "release bytes" "stripped bytes"
for name in "${examples[@]}"; do
  binary="$target_dir/release/examples/$name"
  size=$(stat -c %s "$binary")
  stripped="-"
  if command -v strip >/dev/null; then
    strip -o "$scratch/$name" "$binary"
    stripped=$(stat -c %s "$scratch/$name")
  fi
  printf '%-26s %14s %14s\n' "$name" "$size" "$stripped"
done
