/**
 * Autograd never reads a tensor changed in place after its op was recorded (autograd/saved.ts).
 * For each op, every tensor involved (each input, the output) is edited in place between the
 * forward and the backward: the backward must either refuse with PyTorch's version error or,
 * when it does not read that tensor, give exactly the gradients it gives without the edit.
 * `reads` lists the edits that must refuse: tensors our backward reads, which PyTorch's saves
 * too. Composed ops (softmax, layerNorm, conv2d via unfold) read internal tensors instead of
 * some PyTorch saves, so editing those is harmless here and the gradients must stay the same.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { leaf } from '../helpers/conformance.js';
import { testDevices } from '../helpers/devices.js';

const F = torch.nn.functional;
const VERSION_ERROR =
  /modified by an inplace operation: \[\w+ \[[\d, ]*\]\] is at version \d+; expected version \d+ instead \(in \w+Backward0\)/;

interface Case {
  name: string;
  /** The op's inputs on `device` (fresh each call: some edits are destructive). */
  inputs: (device: string) => Tensor[];
  fn: (...xs: Tensor[]) => Tensor;
  /** Input indices (and 'out') whose in-place edit the backward must refuse. */
  reads: (number | 'out')[];
  /** Where a device runs a fused routine that saves more (as PyTorch's kernel does). */
  readsOn?: Record<string, (number | 'out')[]>;
}

const f = (shape: number[], device: string, seed: number, opts?: { scale?: number; shift?: number }) =>
  leaf(shape, device, seed, opts);
const pos = (shape: number[], device: string, seed: number) =>
  f(shape, device, seed).abs().add(0.5).detach().requiresGrad_(true);
const int = (v: number[], device: string) => torch.tensor(v, { dtype: 'int32' }).to(device);

const cases: Case[] = [
  {
    name: 'scaled_dot_product_attention (fused)',
    inputs: (d) => [f([1, 2, 4, 8], d, 1), f([1, 2, 4, 8], d, 2), f([1, 2, 4, 8], d, 3)],
    fn: (q, k, v) => F.scaledDotProductAttention(q, k, v),
    reads: [0, 1, 2, 'out'],
  },
  { name: 'add', inputs: (d) => [f([3], d, 1), f([3], d, 2)], fn: (a, b) => a.add(b), reads: [] },
  { name: 'mul', inputs: (d) => [f([3], d, 1), f([3], d, 2)], fn: (a, b) => a.mul(b), reads: [0, 1] },
  { name: 'div', inputs: (d) => [f([3], d, 1), pos([3], d, 2)], fn: (a, b) => a.div(b), reads: [1] },
  {
    name: 'atan2',
    inputs: (d) => [f([3], d, 1), f([3], d, 2)],
    fn: (a, b) => torch.atan2(a, b),
    reads: [0, 1],
  },
  { name: 'pow', inputs: (d) => [pos([3], d, 1), f([3], d, 2)], fn: (a, b) => a.pow(b), reads: [0, 1] },
  { name: 'pow scalar', inputs: (d) => [f([3], d, 1)], fn: (a) => a.pow(3), reads: [0] },
  { name: 'maximum', inputs: (d) => [f([4], d, 1), f([4], d, 2)], fn: (a, b) => a.maximum(b), reads: [0, 1] },
  { name: 'exp', inputs: (d) => [f([3], d, 1)], fn: (a) => a.exp(), reads: ['out'] },
  { name: 'log', inputs: (d) => [pos([3], d, 1)], fn: (a) => a.log(), reads: [0] },
  { name: 'sqrt', inputs: (d) => [pos([3], d, 1)], fn: (a) => a.sqrt(), reads: ['out'] },
  { name: 'tanh', inputs: (d) => [f([3], d, 1)], fn: (a) => a.tanh(), reads: ['out'] },
  { name: 'sigmoid', inputs: (d) => [f([3], d, 1)], fn: (a) => a.sigmoid(), reads: ['out'] },
  { name: 'relu', inputs: (d) => [f([4], d, 1)], fn: (a) => a.relu(), reads: [] },
  { name: 'abs', inputs: (d) => [f([3], d, 1)], fn: (a) => a.abs(), reads: [0] },
  { name: 'square', inputs: (d) => [f([3], d, 1)], fn: (a) => a.square(), reads: [0] },
  {
    name: 'where (condition)',
    inputs: (d) => [f([4], d, 1).gt(0), f([4], d, 2), f([4], d, 3)],
    fn: (c, a, b) => torch.where(c, a, b),
    reads: [0],
  },
  {
    name: 'maskedFill (mask)',
    inputs: (d) => [f([4], d, 1), f([4], d, 2).gt(0)],
    fn: (x, m) => x.maskedFill(m, 0),
    reads: [1],
  },
  {
    name: 'clamp (scalar bounds)',
    inputs: (d) => [f([5], d, 1)],
    fn: (x) => x.clamp(-0.5, 0.5),
    reads: [0],
  },
  {
    name: 'clamp (tensor bounds)',
    inputs: (d) => [f([5], d, 1), f([5], d, 2, { shift: -0.5 }), f([5], d, 3, { shift: 0.5 })],
    fn: (x, lo, hi) => x.clamp(lo, hi),
    reads: [0, 1, 2],
  },
  {
    name: 'matmul',
    inputs: (d) => [f([2, 3], d, 1), f([3, 4], d, 2)],
    fn: (a, b) => a.matmul(b),
    reads: [0, 1],
  },
  {
    name: 'linear',
    inputs: (d) => [f([2, 3], d, 1), f([4, 3], d, 2), f([4], d, 3)],
    fn: (x, w, b) => F.linear(x, w, b),
    reads: [0, 1],
  },
  { name: 'sum', inputs: (d) => [f([2, 3], d, 1)], fn: (a) => a.sum(1), reads: [] },
  { name: 'amax', inputs: (d) => [f([2, 3], d, 1)], fn: (a) => a.amax(1), reads: [0, 'out'] },
  { name: 'softmax', inputs: (d) => [f([2, 3], d, 1)], fn: (a) => a.softmax(1), reads: [] },
  {
    name: 'logSoftmax',
    inputs: (d) => [f([2, 3], d, 1)],
    fn: (a) => F.logSoftmax(a, { dim: 1 }),
    reads: [],
    readsOn: { webgpu: ['out'] }, // the fused kernel's backward reads its output, as PyTorch's
  },
  {
    name: 'gather (index)',
    inputs: (d) => [f([2, 3], d, 1), int([0, 2, 1, 1], d).reshape([2, 2])],
    fn: (x, i) => x.gather(1, i),
    reads: [1],
  },
  {
    name: 'crossEntropy (target)',
    inputs: (d) => [f([3, 4], d, 1), int([0, 3, 1], d)],
    fn: (x, t) => F.crossEntropy(x, t, { reduction: 'none' }),
    reads: [1],
  },
  {
    name: 'layerNorm',
    inputs: (d) => [f([2, 4], d, 1), f([4], d, 2), f([4], d, 3)],
    fn: (x, w, b) => F.layerNorm(x, [4], { weight: w, bias: b }),
    reads: [1],
    readsOn: { webgpu: [0, 1] }, // the fused kernel's backward reads x, as PyTorch's native_layer_norm
  },
  {
    name: 'conv2d',
    inputs: (d) => [f([1, 2, 4, 4], d, 1), f([3, 2, 3, 3], d, 2)],
    fn: (x, w) => F.conv2d(x, w),
    reads: [1],
  },
  { name: 'narrow', inputs: (d) => [f([4, 2], d, 1)], fn: (a) => a.narrow(0, 1, 2), reads: [] },
];

/** Changes t's values in place, sharing its storage (and version counter), like PyTorch's edits. */
function edit(t: Tensor): void {
  torch.noGrad(() => {
    const d = t.detach();
    if (t.dtype === 'bool') d.copy_(d.logicalNot());
    else if (t.dtype === 'int32') d.copy_(d.flip(0));
    else d.add_(0.75);
  });
}

/** Backward of <w, fn(xs)> with an optional edit after the forward: the inputs' gradients. */
async function grads(c: Case, device: string, which: number | 'out' | null): Promise<(number[] | null)[]> {
  const xs = c.inputs(device);
  const out = c.fn(...xs);
  const w = torch.randn(out.shape, { generator: new torch.Generator(9) }).to(device);
  const loss = out.mul(w).sum();
  if (which !== null) edit(which === 'out' ? out : xs[which]);
  loss.backward();
  return Promise.all(xs.map(async (x) => (x.grad ? Array.from(await x.grad.toArray()) : null)));
}

for (const device of testDevices())
  describe(`saved tensors on ${device}`, () => {
    for (const c of cases)
      it(`${c.name}: an edit the backward reads refuses, any other leaves the gradients as they were`, async () => {
        const want = await grads(c, device, null);
        expect(want.some((g) => g !== null)).toBe(true);
        const targets: (number | 'out')[] = [...c.inputs(device).keys(), 'out'];
        for (const which of targets) {
          let got: (number[] | null)[] | null = null;
          let error: unknown = null;
          try {
            got = await grads(c, device, which);
          } catch (e) {
            error = e;
          }
          if ((c.readsOn?.[device] ?? c.reads).includes(which))
            expect(error, `edit of ${which} must refuse`).not.toBeNull();
          if (error) expect(String(error)).toMatch(VERSION_ERROR);
          else expect(got, `edit of ${which}`).toEqual(want);
        }
      });

    it('names the tensor and its versions (atan2 after b.add_)', () => {
      const a = leaf([3], device, 1);
      const b = leaf([3], device, 2).detach();
      const y = torch.atan2(a, b);
      b.add_(10);
      expect(() => y.sum().backward()).toThrow(
        'one of the variables needed for gradient computation has been modified by an inplace operation: [float32 [3]] is at version 1; expected version 0 instead (in Atan2Backward0)',
      );
    });

    it('a captured tensor that is not an input gets its version from the write log', () => {
      const x = leaf([2, 3], device, 1);
      const i = int([0, 2, 1, 1], device).reshape([2, 2]);
      const y = x.gather(1, i);
      torch.noGrad(() => {
        i.add_(0);
        i.mul_(1);
      });
      expect(() => y.sum().backward()).toThrow(
        '[int32 [2, 2]] is at version 2; expected version 0 instead (in GatherBackward0)',
      );
    });

    it('edits made before the op, or to tensors made after it, are fine', async () => {
      const x = leaf([2], device, 1);
      const b = torch.tensor([2, 3]).to(device);
      b.mul_(2); // before the op: the op sees [4, 6]
      const y = x.mul(b);
      const g = torch.ones([2]).to(device);
      g.mul_(3); // a root gradient edited before backward is the caller's value
      y.backward(g);
      expect(Array.from(await x.grad!.toArray())).toEqual([12, 18]);
    });

    it('a version error leaves later backward calls working (the guard is reset)', async () => {
      const x = leaf([2], device, 1);
      const b = torch.tensor([1, 2]).to(device);
      const y = x.mul(b);
      b.add_(1);
      expect(() => y.sum().backward()).toThrow(VERSION_ERROR);
      x.mul(b).sum().backward();
      expect(Array.from(await x.grad!.toArray())).toEqual([2, 3]);
    });
  });
