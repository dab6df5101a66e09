#!/usr/bin/env bash
# Installs what Tandem needs to build and test on Debian/Ubuntu (run as root; safe to run again).
set -euo pipefail

need=()
dpkg -s libcurl4-openssl-dev >/dev/null 2>&1 || need+=(libcurl4-openssl-dev)
dpkg -s pkg-config >/dev/null 2>&1 || need+=(pkg-config)
dpkg -s tzdata >/dev/null 2>&1 || need+=(tzdata)
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi
command -v swift >/dev/null || { echo "setup: Swift 6.1 or newer is required (https://swift.org/install)" >&2; exit 1; }
