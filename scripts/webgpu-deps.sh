#!/usr/bin/env bash
# Installs a software Vulkan driver (Mesa lavapipe) so that WebGPU (Dawn, npm package `webgpu`)
# has an adapter on a machine without a GPU. Debian 12's own Mesa 22 is too old for Dawn;
# Mesa 25 from Debian's bookworm-backports suite works. Idempotent; needs root (or sudo).
set -euo pipefail

SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi

have_lavapipe() {
  ls /usr/share/vulkan/icd.d/lvp_icd*.json >/dev/null 2>&1 &&
    dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null | grep -q '^2[5-9]\.'
}

if have_lavapipe; then
  echo "webgpu-deps: Mesa lavapipe $(dpkg-query -W -f='${Version}' mesa-vulkan-drivers) already installed"
  exit 0
fi

. /etc/os-release
if [ "${VERSION_CODENAME:-}" = "bookworm" ]; then
  src=/etc/apt/sources.list.d/bookworm-backports.sources
  if ! grep -rqs "bookworm-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
    # Reuse the mirror the machine already uses for bookworm.
    mirror=$( (grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}';
               grep -hE '^deb ' /etc/apt/sources.list 2>/dev/null | awk '{print $2}') |
             grep -E '/debian/?$' | head -n1) || true
    # Machines with only deb822 sources have no /etc/apt/sources.list: the probe above must not
    # abort the script under `set -e -o pipefail`.
    mirror=${mirror:-http://deb.debian.org/debian}
    printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      "${mirror}" | $SUDO tee "$src" >/dev/null
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends -t bookworm-backports \
    libvulkan1 mesa-vulkan-drivers >/dev/null
else
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libvulkan1 mesa-vulkan-drivers >/dev/null
fi
echo "webgpu-deps: installed Mesa $(dpkg-query -W -f='${Version}' mesa-vulkan-drivers)"
