/**
 * Trains SimpleNet a few SGD steps on the CPU from a fixed seed and prints the losses and the
 * paths the CPU backend took, as JSON. Run by test/backend/cpu/no-eval.test.ts in a child
 * process, with and without `--disallow-code-generation-from-strings` (a CSP without
 * 'unsafe-eval'). Argument `nowasm`: the plain typed-array path (a CSP without 'wasm-unsafe-eval').
 */
import { stringCodegenAllowed } from '../../src/backend/cpu/compile.js';
import { heap, setWasmKernels } from '../../src/backend/cpu/heap.js';
import { SimpleNet } from '../../src/cli/models.js';
import * as torch from '../../src/index.js';

if (process.argv.includes('nowasm')) setWasmKernels(false);
torch.manualSeed(0);
const model = new SimpleNet();
const opt = new torch.optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
const x = torch.randn([32, 784]);
const y = torch.randint(0, 10, [32]);
const losses: number[] = [];
for (let step = 0; step < 5; step++) {
  opt.zeroGrad();
  const loss = torch.nn.functional.crossEntropy(model.forward(x).sigmoid().mul(4), y);
  loss.backward();
  opt.step();
  losses.push(loss.itemSync());
}
console.log(JSON.stringify({ losses, codegen: stringCodegenAllowed(), heap: heap !== undefined }));
