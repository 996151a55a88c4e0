/** PyTorch's embedding_renorm_ (the max_norm of F.embedding and nn.Embedding). */
import { E } from '../backend/expr.js';
import { ewise } from '../ops/core.js';
import { noGrad } from '../tensor/state.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * PyTorch's embedding_renorm_: under no_grad, each row of `weight` that `input` looks up and
 * whose p-norm exceeds maxNorm is scaled in place to norm maxNorm (by maxNorm / (norm + 1e-7)).
 */
export function embeddingRenorm_(weight: Tensor, input: Tensor, maxNorm: number, normType: number): Tensor {
  noGrad(() => {
    const flat = input.reshape([-1]);
    if (flat.numel() === 0) return;
    // Which rows are looked up (a count per row: no data-dependent shapes, so any device).
    const hits = weight.newZeros([weight.shape[0]]).indexAdd_(0, flat, weight.newOnes([flat.numel()]));
    const norms = weight.norm(normType, 1, true);
    const scale = ewise(
      'embedding_renorm_',
      (h, n) => E.where(E.and(E.gt(h, 0), E.gt(n, maxNorm)), E.div(maxNorm, E.add(n, 1e-7)), 1),
      [hits.unsqueeze(1), norms],
      'float32',
    );
    weight.mul_(scale);
  });
  return weight;
}
