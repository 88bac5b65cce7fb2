#!/usr/bin/env bash
# What the desktop-prompt and console tests (test/e2e/harness-desktop.test.ts, and the prompt and
# console tests built on test/harness/desktop.ts) need, from Debian's packages:
#   xvfb           Xvfb, a headless X server (each test starts its own on a free display)
#   zenity         the GTK dialog mfa-exec's zenity driver runs
#   kdialog        the KDE dialog mfa-exec's kdialog driver runs
#   xdotool        finds a dialog by its window name, focuses it, types into it
#   x11-utils      xprop and xwininfo: read a dialog's window name and list windows
#   libnotify-bin  notify-send, the desktop notification client (the tests mostly use a stand-in)
#   dunst          a notification daemon that runs on the test's own display, for the real stack
#   chromium       headless Chromium follows the console login URL to the fake console (one test)
# --no-install-recommends keeps it to ~180 packages instead of ~480 (zenity and kdialog work
# without the recommended themes, portals and KDE runtime). Nothing is started here: each test
# starts its own Xvfb (and dunst) and stops them.
# Idempotent; installs only what is missing; needs root (CI runs as root). Under CI=true a tool
# still missing afterwards is an error, so CI cannot pass by skipping those tests; outside CI it
# is a warning and the tests skip, saying what is missing.
set -euo pipefail

# tool -> Debian package
declare -A package=(
  [Xvfb]=xvfb
  [zenity]=zenity
  [kdialog]=kdialog
  [xdotool]=xdotool
  [xprop]=x11-utils
  [xwininfo]=x11-utils
  [notify-send]=libnotify-bin
  [dunst]=dunst
  [chromium]=chromium
)
tools=(Xvfb zenity kdialog xdotool xprop xwininfo notify-send dunst chromium)

missing_packages() {
  local tool
  for tool in "${tools[@]}"; do
    command -v "$tool" >/dev/null 2>&1 || echo "${package[$tool]}"
  done | sort -u
}

mapfile -t want < <(missing_packages)
if ((${#want[@]})); then
  if [ "$(id -u)" = 0 ]; then
    start=$SECONDS
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
    echo "ci-desktop-deps: installed ${want[*]} in $((SECONDS - start)) s"
  else
    echo "ci-desktop-deps: not root, cannot install: ${want[*]}" >&2
  fi
fi

mapfile -t still < <(missing_packages)
if ((${#still[@]})); then
  if [ "${CI:-}" = true ]; then
    echo "ci-desktop-deps: still missing under CI: ${still[*]} (apt-get install --no-install-recommends ${still[*]})" >&2
    exit 1
  fi
  echo "ci-desktop-deps: missing: ${still[*]}; the desktop tests will skip and say so" >&2
  exit 0
fi
version() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo '?'; }
echo "ci-desktop-deps: zenity $(version zenity), kdialog $(version kdialog), xdotool $(version xdotool), xvfb $(version xvfb), dunst $(version dunst), chromium $(version chromium)"
