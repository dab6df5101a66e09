#!/usr/bin/env bash
# Installs what Tandem needs to build and run on Debian/Ubuntu (run as root; safe to run again).
# With --test, also what the test suite needs (Python venvs for the interop and Matrix tests).
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

install_debian libcurl4-openssl-dev libssl-dev pkg-config tzdata
command -v swift >/dev/null || { echo "setup: Swift 6.1 or newer is required (https://swift.org/install)" >&2; exit 1; }

# Python venvs for the tests, each from pinned versions. A venv is rebuilt only when its pins change or it stopped
# working (its Python was removed, an import fails), so a run with the venvs in place only starts their Pythons.
$tests || exit 0

# Node.js runs the local chat page's own Markdown renderer in its tests (what a browser would show).
install_debian nodejs

# Makes venv $1 from requirements file $2 unless it holds those pins and `python -c "$3"` works in it; $4 says
# what the venv is for.
make_venv() {
  local venv="$1" requirements="$2" check="$3" purpose="$4"
  if cmp -s "$requirements" "$venv/requirements.txt" && "$venv/bin/python" -c "$check" >/dev/null 2>&1; then
    return 0
  fi
  echo "setup: creating $venv ($purpose)" >&2
  if ! command -v python3 >/dev/null || ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
    install_debian python3 python3-venv
  fi
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$requirements"
  # Copied last: a venv whose install failed half-way is never taken for a complete one.
  cp "$requirements" "$venv/requirements.txt"
}

# .venv-test/: icalendar and recurring-ical-events, which Tests/TandemInteropTests read Tandem's .ics files with.
make_venv "$root/.venv-test" "$root/Tests/TandemInteropTests/Python/requirements.txt" \
  'import icalendar, recurring_ical_events' "Python packages for the interop tests"
# .venv-synapse/: the Synapse Matrix homeserver (about 240 MB) that Tests/TandemMatrixTests start and talk to.
make_venv "$root/.venv-synapse" "$root/Tests/TandemMatrixTests/Synapse/requirements.txt" \
  'import synapse' "the Synapse homeserver for the Matrix tests"
