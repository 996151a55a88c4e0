/**
 * torch.amp: mixed precision. `GradScaler` (dynamic loss scaling, PyTorch 1.13's semantics).
 * See docs/porting.md.
 */
export { CudaGradScaler, GradScaler, type GradScalerStateDict } from './grad-scaler.js';
