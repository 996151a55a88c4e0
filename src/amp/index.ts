/**
 * torch.amp: mixed precision. `autocast` (op lists at the binder's call hook), `GradScaler` (dynamic loss scaling, PyTorch 1.13's semantics).
 * See docs/porting.md.
 */
export {
  type AutocastOptions,
  AutocastRegion,
  autocast,
  autocastLists,
  cpuAutocast,
  cudaAutocast,
  getAutocastDtype,
  isAutocastEnabled,
} from './autocast.js';
export { CudaGradScaler, GradScaler, type GradScalerStateDict } from './grad-scaler.js';
