#!/bin/sh
# Install the services the intake tests run against on loopback (idempotent; safe to call every CI run).
# - dovecot-imapd: a real IMAP server for tests/intake/test_imap.py. The tests write their own config in a
#   temp dir and start and stop their own dovecot process; the system service is not used.
set -eu

SUDO=""
if [ "$(id -u)" != "0" ]; then
    SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive

# - chromium: the browser the web app's end-to-end tests (tests/web/test_browser.py) drive through Playwright.
if [ ! -x /usr/bin/chromium ]; then
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends chromium
fi
echo "chromium present: $(/usr/bin/chromium --version 2>/dev/null || echo unknown version)"

if command -v dovecot >/dev/null 2>&1 || [ -x /usr/sbin/dovecot ]; then
    echo "dovecot present: $(/usr/sbin/dovecot --version 2>/dev/null || dovecot --version)"
    exit 0
fi

SUDO=""
if [ "$(id -u)" != "0" ]; then
    SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends dovecot-imapd
# Debian starts the packaged service where it can; the tests need only the binary.
$SUDO systemctl disable --now dovecot >/dev/null 2>&1 || true
echo "dovecot installed: $(/usr/sbin/dovecot --version)"
