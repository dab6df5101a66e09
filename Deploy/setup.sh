#!/usr/bin/env bash
# Installs what Tandem needs to build and run on Debian/Ubuntu (run as root; safe to run again).
# With --test, also what the test suite needs (a Python venv for the interop tests).
set -euo pipefail
tests=false
[ "${1:-}" = "--test" ] && tests=true
root="$(cd "$(dirname "$0")/.." && pwd)"

# Installs the Debian packages named that are missing.
install_debian() {
  local need=()
  for package in "$@"; do dpkg -s "$package" >/dev/null 2>&1 || need+=("$package"); done
  [ ${#need[@]} -gt 0 ] || return 0
  echo "setup: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
}

install_debian libcurl4-openssl-dev pkg-config tzdata
command -v swift >/dev/null || { echo "setup: Swift 6.1 or newer is required (https://swift.org/install)" >&2; exit 1; }

# .venv-test/: icalendar and recurring-ical-events at pinned versions, which Tests/TandemInteropTests read
# Tandem's .ics files with. Rebuilt only when the pins change or the venv stopped working (its Python was
# removed), so a run with the venv in place only starts its Python once.
$tests || exit 0
venv="$root/.venv-test"
requirements="$root/Tests/TandemInteropTests/Python/requirements.txt"
if ! cmp -s "$requirements" "$venv/requirements.txt" \
  || ! "$venv/bin/python" -c 'import icalendar, recurring_ical_events' >/dev/null 2>&1; then
  echo "setup: creating $venv (Python packages for the interop tests)" >&2
  if ! command -v python3 >/dev/null || ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
    install_debian python3 python3-venv
  fi
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$requirements"
  # Copied last: a venv whose install failed half-way is never taken for a complete one.
  cp "$requirements" "$venv/requirements.txt"
fi
