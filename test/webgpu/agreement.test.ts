/**
 * CPU vs WebGPU agreement on random inputs (issue 3): fast-check draws shapes (size-1 dims
 * included), makes operands non-contiguous (a permuted view of a larger tensor, a narrowed
 * slice) or broadcast (size-1 or missing leading dims), and checks that values and gradients
 * match between the devices. Tolerances are float32 round-off for each op's depth, not slack:
 * the elementwise transcendental functions are within a few ulp on both backends.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { describeGpu } from './helpers.js';

const RUNS = 20;
const dimArb = fc.integer({ min: 1, max: 5 });
const shapeArb = fc.array(dimArb, { minLength: 1, maxLength: 3 });
/** How an operand is laid out in memory. */
const layoutArb = fc.constantFrom('contiguous', 'permuted', 'sliced');

let seed = 1;
/** An operand: a base tensor (CPU and the same values on webgpu) and the view taken of it. */
interface Operand {
  bases: [Tensor, Tensor];
  view: (base: Tensor) => Tensor;
}
/** A float32 operand of `shape`, laid out in memory as asked. */
function operand(shape: number[], layout: string): Operand {
  torch.manualSeed(seed++);
  const r = shape.length;
  const pair = (t: Tensor): [Tensor, Tensor] => [t, t.to('webgpu')];
  if (layout === 'permuted' && r >= 2) {
    // Allocate the reversed shape and permute back: strides run the other way.
    const perm = Array.from({ length: r }, (_, i) => r - 1 - i);
    return { bases: pair(torch.randn([...shape].reverse())), view: (b) => b.permute(perm) };
  }
  if (layout === 'sliced') {
    // A larger last dim, narrowed: rows are strided, the view starts at an offset.
    const big = [...shape.slice(0, -1), shape[r - 1] + 2];
    return { bases: pair(torch.randn(big)), view: (b) => b.narrow(r - 1, 1, shape[r - 1]) };
  }
  return { bases: pair(torch.randn(shape)), view: (b) => b };
}

/** `shape` with some dims set to 1 or leading dims dropped: broadcasts against `shape`. */
const broadcastOf = (shape: number[]) =>
  fc
    .tuple(
      fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length }),
      fc.nat(shape.length - 1),
    )
    .map(([ones, drop]) => shape.map((s, i) => (ones[i] ? 1 : s)).slice(Math.min(drop, shape.length - 1)));

async function expectClose(cpu: Tensor, gpu: Tensor, rtol: number, atol: number): Promise<void> {
  expect(gpu.device.type).toBe('webgpu');
  expect(gpu.shape).toEqual(cpu.shape);
  const a = cpu.toArraySync();
  const b = await gpu.toArray();
  for (let i = 0; i < a.length; i++) {
    const e = a[i];
    const v = b[i];
    if (Number.isNaN(e)) expect(Number.isNaN(v), `index ${i}: NaN vs ${v}`).toBe(true);
    else expect(Math.abs(v - e), `index ${i}: ${v} vs ${e}`).toBeLessThanOrEqual(atol + rtol * Math.abs(e));
  }
}

/**
 * f's value on the strided views and the gradients of sum(f(...) * w) for random w, on both
 * devices. The bases are the leaves, so the ops themselves see the strided layouts and their
 * backward flows through the view ops into the bases.
 */
async function agree(
  f: (...xs: Tensor[]) => Tensor,
  inputs: Operand[],
  tol: { rtol: number; atol: number } = { rtol: 1e-5, atol: 1e-6 },
): Promise<void> {
  const run = (d: 0 | 1) => {
    const leaves = inputs.map((o) => o.bases[d].detach().requiresGrad_());
    return { out: f(...inputs.map((o, i) => o.view(leaves[i]))), leaves };
  };
  const c = run(0);
  const g = run(1);
  await expectClose(c.out, g.out, tol.rtol, tol.atol);
  torch.manualSeed(seed++);
  const w = torch.randn(c.out.shape);
  c.out.mul(w).sum().backward();
  g.out.mul(w.to('webgpu')).sum().backward();
  for (let i = 0; i < c.leaves.length; i++)
    await expectClose(c.leaves[i].grad!, g.leaves[i].grad!, tol.rtol * 4, tol.atol * 4);
}

describeGpu('cpu and webgpu agree', () => {
  it('unary elementwise over strided inputs (values and gradients)', async () => {
    const ops: [string, (x: Tensor) => Tensor][] = [
      ['exp', (x) => x.exp()],
      ['tanh', (x) => x.tanh()],
      ['sigmoid', (x) => x.sigmoid()],
      ['relu', (x) => torch.relu(x)],
      ['gelu', (x) => torch.nn.functional.gelu(x)],
      ['square', (x) => x.mul(x)],
    ];
    await fc.assert(
      fc.asyncProperty(shapeArb, layoutArb, fc.nat(ops.length - 1), async (shape, layout, k) => {
        await agree(ops[k][1], [operand(shape, layout)]);
      }),
      { numRuns: RUNS },
    );
  });

  it('binary ops with broadcasting (values and gradients summed back to each shape)', async () => {
    const ops: [string, (a: Tensor, b: Tensor) => Tensor][] = [
      ['add', (a, b) => a.add(b)],
      ['mul', (a, b) => a.mul(b)],
      ['sub', (a, b) => a.sub(b)],
      ['maximum', (a, b) => torch.maximum(a, b)],
    ];
    await fc.assert(
      fc.asyncProperty(
        shapeArb.chain((s) => fc.tuple(fc.constant(s), broadcastOf(s))),
        layoutArb,
        fc.nat(ops.length - 1),
        fc.boolean(),
        async ([shape, small], layout, k, swap) => {
          const a = operand(shape, layout);
          const b = operand(small, 'contiguous');
          await agree(ops[k][1], swap ? [b, a] : [a, b]);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('reductions over a random dim, keepdim or not (sum, mean, amax, softmax, logSoftmax)', async () => {
    const ops: [string, (x: Tensor, d: number, k: boolean) => Tensor][] = [
      ['sum', (x, d, k) => x.sum(d, { keepdim: k })],
      ['mean', (x, d, k) => x.mean(d, { keepdim: k })],
      ['amax', (x, d, k) => x.amax(d, { keepdim: k })],
      ['softmax', (x, d) => x.softmax(d)],
      ['logSoftmax', (x, d) => x.logSoftmax(d)],
    ];
    await fc.assert(
      fc.asyncProperty(
        shapeArb,
        layoutArb,
        fc.nat(ops.length - 1),
        fc.nat(2),
        fc.boolean(),
        async (shape, layout, k, d, keep) => {
          const dim = d % shape.length;
          await agree((x) => ops[k][1](x, dim, keep), [operand(shape, layout)], { rtol: 1e-5, atol: 1e-5 });
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('matmul with transposed / sliced operands and broadcast batch dims', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.tuple(dimArb, dimArb, dimArb, fc.integer({ min: 1, max: 3 })),
        layoutArb,
        layoutArb,
        fc.boolean(),
        async ([m, k, n, batch], la, lb, batched) => {
          const a = operand(batched ? [batch, m, k] : [m, k], la);
          const b = operand([k, n], lb);
          await agree((x, y) => x.matmul(y), [a, b], { rtol: 1e-5, atol: 1e-5 });
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('linear (+relu) and cross-entropy, the fused kernels against the CPU composition', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.tuple(
          fc.integer({ min: 1, max: 9 }),
          fc.integer({ min: 1, max: 9 }),
          fc.integer({ min: 1, max: 7 }),
        ),
        layoutArb,
        fc.constantFrom('mean', 'sum', 'none'),
        async ([n, inF, C], layout, reduction) => {
          const x = operand([n, inF], layout);
          torch.manualSeed(seed++);
          const target = torch.randint(0, C, [n]);
          const targets = [target, target.to('webgpu')];
          let d = 0;
          const net = (a: Tensor, w: Tensor, b: Tensor) =>
            torch.nn.functional.crossEntropy(torch.relu(torch.nn.functional.linear(a, w, b)), targets[d++], {
              reduction: reduction as 'mean',
            });
          await agree(net, [x, operand([C, inF], 'contiguous'), operand([C], 'contiguous')], {
            rtol: 1e-5,
            atol: 1e-5,
          });
        },
      ),
      { numRuns: RUNS },
    );
  });
});
