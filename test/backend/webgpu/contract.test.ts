/** The WebGPU backend against the backend-agnostic contract suite (../contract.ts). */
import { runBackendContract } from '../contract.js';
import { gpu, gpuOk } from './helpers.js';

runBackendContract('webgpu', gpu, { skip: !gpuOk });
