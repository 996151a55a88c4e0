#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests (test/browser: playwright-core drives
# /usr/bin/chromium; Playwright never downloads a browser here). Idempotent; needs root (or sudo).
# WebGPU in headless Chromium is SwiftShader's software adapter: no GPU driver is needed.
set -euo pipefail

SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi

if [ -x /usr/bin/chromium ]; then
  echo "browser-deps: $(/usr/bin/chromium --version 2>/dev/null | head -n1) already installed"
  exit 0
fi

$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
echo "browser-deps: installed $(/usr/bin/chromium --version 2>/dev/null | head -n1)"
