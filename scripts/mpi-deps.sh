#!/usr/bin/env bash
# Installs Open MPI (mpirun and libmpi.so.40), which torch.distributed reaches through koffi for
# more than one process (`torchts train mnist --nproc N`, test/distributed). Idempotent; needs
# root (or sudo).
set -euo pipefail

SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi

if command -v mpirun >/dev/null 2>&1 && ldconfig -p 2>/dev/null | grep -q 'libmpi\.so\.40'; then
  echo "mpi-deps: $(mpirun --version 2>/dev/null | head -n1) already installed"
  exit 0
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq openmpi-bin libopenmpi-dev >/dev/null
echo "mpi-deps: installed $(mpirun --version 2>/dev/null | head -n1)"
