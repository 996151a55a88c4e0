/** The conformance library: PyTorch reference cases, run on any torchts device. */

export { compareTensor, type Mismatch } from './compare.js';
export { loadCaseFiles, loadCases } from './load.js';
export { callOp, torchtsLabel, UnsupportedOpError } from './mapping.js';
export { prepareDevice, type RunOptions, type RunSummary, runCase, runCases, worstByGroup } from './run.js';
export { hostData, makeInput } from './tensors.js';
export {
  construct,
  loadTraining,
  runSchedule,
  runTraining,
  runTrajectory,
  type SchedulerCase,
  type TrainingFixtures,
  type Trajectory,
  type TrajectoryReport,
} from './training.js';
export type { CaseFile, CaseResult, CaseTensor, OpCase, Tolerance } from './types.js';
