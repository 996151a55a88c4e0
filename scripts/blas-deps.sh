#!/usr/bin/env bash
# Installs OpenBLAS (libopenblas.so.0), which the CPU backend's products use through koffi where
# it is found (src/backend/cpu/blas.ts; without it they run on the wasm SIMD kernel, about half
# as fast). Idempotent; needs root (or sudo). Debian/Ubuntu; elsewhere install your
# distribution's OpenBLAS (macOS needs nothing: Accelerate is used).
set -euo pipefail

SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi

if ldconfig -p 2>/dev/null | grep -q 'libopenblas\.so\.0'; then
  echo "blas-deps: OpenBLAS already installed"
  exit 0
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libopenblas0-pthread >/dev/null
echo "blas-deps: installed libopenblas0-pthread"
