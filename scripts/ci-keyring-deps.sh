#!/usr/bin/env bash
# What the Secret Service tests (test/unit/keystore-keyring.test.ts, test/e2e/keys-keyring.test.ts) need, from Debian's
# packages: dbus (dbus-run-session, dbus-daemon, dbus-send) and gnome-keyring
# (gnome-keyring-daemon). Nothing is started here: each test starts its own private session
# bus and keyring daemon (test/harness/secret-service.ts) and stops them.
# Idempotent; installs only what is missing; needs root (CI runs as root). Exits non-zero if
# the tools are still missing afterwards, so CI cannot pass by skipping those tests.
set -euo pipefail

have_all() {
  local tool
  for tool in dbus-run-session dbus-daemon dbus-send gnome-keyring-daemon; do
    command -v "$tool" >/dev/null 2>&1 || return 1
  done
}

if ! have_all; then
  if [ "$(id -u)" != 0 ]; then
    echo "ci-keyring-deps: dbus and gnome-keyring are missing and we are not root: apt-get install dbus gnome-keyring" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends dbus gnome-keyring >/dev/null
fi

if ! have_all; then
  echo "ci-keyring-deps: dbus-run-session, dbus-daemon, dbus-send or gnome-keyring-daemon still missing" >&2
  exit 1
fi
echo "ci-keyring-deps: $(dbus-daemon --version | head -1); gnome-keyring $(dpkg-query -W -f='${Version}' gnome-keyring 2>/dev/null || echo '?')"
