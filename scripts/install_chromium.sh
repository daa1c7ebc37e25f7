#!/usr/bin/env bash
# Installs Chromium and its WebDriver (/usr/bin/chromium, /usr/bin/chromedriver) for the
# headless-browser check of the HTML report (tests/test_report_browser.py).
# Needs root and apt-get (Debian/Ubuntu). Elsewhere it says what to install and exits 0, and the
# browser tests are skipped; with CI=true a missing browser is an error.
set -euo pipefail
packages="chromium chromium-driver"
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  echo "Chromium and chromedriver are installed."
  exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  message="Cannot install Chromium here (needs root and apt-get). Install: $packages"
  if [ "${CI:-}" = "true" ]; then
    echo "$message" >&2
    exit 1
  fi
  echo "$message; the browser tests will be skipped." >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $packages >/dev/null
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  echo "apt-get installed $packages but /usr/bin/chromium or /usr/bin/chromedriver is missing." >&2
  exit 1
fi
echo "Installed $packages."
