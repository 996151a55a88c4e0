/** The CPU backend against the backend-agnostic contract suite (../contract.ts). */
import { cpuBackend } from '../../../src/backend/cpu/index.js';
import { runBackendContract } from '../contract.js';

runBackendContract('cpu', () => cpuBackend);
