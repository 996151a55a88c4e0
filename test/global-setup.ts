/**
 * Runs once before the test files: says in one line each which optional suites will skip on
 * this machine (no WebGPU adapter, no Chromium, no system BLAS, no MPI) and how to enable them. The files themselves
 * skip quietly; TORCHTS_REQUIRE_WEBGPU=1 / TORCHTS_REQUIRE_BROWSER=1 turn a skip into a failure.
 */
import { existsSync } from 'node:fs';
import { systemBlas } from '../src/backend/cpu/blas.js';
import { destroyWebGPU, initWebGPU, unavailableReason } from '../src/backend/webgpu/index.js';
import { CHROMIUM } from './browser/paths.js';
// --- distributed (MPI) ---
import { MPI_NOTICE, mpiAvailable } from './helpers/mpi.js';

export default async function setup(): Promise<void> {
  if (process.env.TORCHTS_REQUIRE_WEBGPU !== '1' && process.env.TORCHTS_NO_WEBGPU !== '1') {
    if (!(await initWebGPU()))
      console.warn(
        `[torchts tests] WebGPU suites skipped: ${unavailableReason()} (TORCHTS_REQUIRE_WEBGPU=1 makes this a failure)`,
      );
    destroyWebGPU();
  }
  if (process.env.TORCHTS_REQUIRE_BROWSER !== '1' && !existsSync(CHROMIUM))
    console.warn(
      `[torchts tests] browser suites skipped: ${CHROMIUM} not found; install it with \`sudo bash scripts/browser-deps.sh\` (TORCHTS_REQUIRE_BROWSER=1 makes this a failure)`,
    );
  if (process.env.TORCHTS_REQUIRE_BLAS !== '1' && !systemBlas())
    console.warn(
      `[torchts tests] system BLAS suites skipped: ${process.env.TORCHTS_BLAS === '0' ? 'TORCHTS_BLAS=0' : 'no OpenBLAS/MKL/BLIS found'}; products run on the wasm engine (bash scripts/blas-deps.sh installs OpenBLAS; TORCHTS_REQUIRE_BLAS=1 makes this a failure)`,
    );
  // --- distributed (MPI) ---
  if (process.env.TORCHTS_REQUIRE_MPI !== '1' && !mpiAvailable) console.warn(MPI_NOTICE);
}
