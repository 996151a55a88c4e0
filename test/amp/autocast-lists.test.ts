/**
 * torch.autocast's per-device lists against PyTorch 1.13 (test/fixtures/amp-dtypes/gen.py): on the
 * CPU, each op's output dtype and values under `torch.autocast('cpu')` for float32, mixed
 * bfloat16/float32 and bfloat16 inputs, and a small model's forward + backward; on WebGPU (torchts's
 * 'cuda'), the CUDA list's dtype for each case (PyTorch's CUDA lists cannot run here: gen.py writes
 * the policy) and values equal to the same op on manually cast inputs.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import { registeredCallables } from '../../src/signature/bind.js';
import { type DType, isFloat } from '../../src/tensor/dtype.js';
import { testDevices } from '../helpers/devices.js';

const { nn } = torch;
const F = nn.functional;
type T = torch.Tensor;

interface Input {
  dtype: string;
  shape: number[];
  values: number[];
}
interface Variant {
  inputs: Input[];
  dtype?: string;
  shape?: number[];
  values?: number[];
  error?: string;
  cudaDtype: string;
}
type VariantName = 'f32' | 'mixed' | 'bf16';
interface Case extends Record<VariantName, Variant> {
  name: string;
  cpuPolicy: string;
  cudaPolicy: string;
}
interface Fixture {
  cases: Case[];
  model: {
    init: Record<string, number[] | number[][]>;
    x: number[][];
    y: number[];
    outDtype: string;
    out: number[];
    lossDtype: string;
    loss: number;
    grads: Record<string, { dtype: string; values: number[] }>;
  };
  mha: {
    init: Record<string, number[] | number[][]>;
    q: number[][][];
    kv: number[][][];
    outDtype: string;
    out: number[];
    weightsDtype: string;
    weights: number[];
  };
}
const fx: Fixture = (await import('../fixtures/amp-dtypes/cpu.json', { with: { type: 'json' } }))
  .default as unknown as Fixture;

/** The cases of gen.py, called as torchts spells them (same argument order). */
const OPS: Record<string, (...t: T[]) => T> = {
  matmul: (a, b) => torch.matmul(a, b),
  mm: (a, b) => torch.mm(a, b),
  bmm: (a, b) => torch.bmm(a, b),
  addmm: (c, a, b) => torch.addmm(c, a, b),
  baddbmm: (c, a, b) => torch.baddbmm(c, a, b),
  addbmm: (c, a, b) => torch.addbmm(c, a, b),
  linear: (x, w, b) => F.linear(x, w, b),
  conv1d: (x, w, b) => F.conv1d(x, w, b, { padding: 1 }),
  conv2d: (x, w, b) => F.conv2d(x, w, b, { stride: 2 }),
  conv3d: (x, w, b) => F.conv3d(x, w, b),
  convTranspose1d: (x, w, b) => F.convTranspose1d(x, w, b, { stride: 2 }),
  convTranspose2d: (x, w, b) => F.convTranspose2d(x, w, b),
  convTranspose3d: (x, w, b) => F.convTranspose3d(x, w, b),
  prelu: (x, w) => F.prelu(x, w),
  mv: (a, v) => torch.mv(a, v),
  einsum2: (a, b) => torch.einsum('ij,jk->ik', [a, b]),
  einsum1: (a) => torch.einsum('ij->j', [a]),
  tensordot: (a, b) => torch.tensordot(a, b, 1),
  multiDot: (a, b, c) => torch.linalg.multiDot([a, b, c]),
  mseLoss: (a, b) => F.mseLoss(a, b),
  l1Loss: (a, b) => F.l1Loss(a, b),
  smoothL1Loss: (a, b) => F.smoothL1Loss(a, b),
  huberLoss: (a, b) => F.huberLoss(a, b, { delta: 0.5 }),
  nllLoss: (x, t) => F.nllLoss(x, t),
  crossEntropy: (x, t) => F.crossEntropy(x, t),
  klDiv: (a, b) => F.klDiv(a, b, { reduction: 'batchmean' }),
  binaryCrossEntropy: (p, t) => F.binaryCrossEntropy(p, t),
  binaryCrossEntropyWithLogits: (x, t) => F.binaryCrossEntropyWithLogits(x, t),
  hingeEmbeddingLoss: (x, y) => F.hingeEmbeddingLoss(x, y),
  marginRankingLoss: (a, b, y) => F.marginRankingLoss(a, b, y),
  softMarginLoss: (x, y) => F.softMarginLoss(x, y),
  multiMarginLoss: (x, t) => F.multiMarginLoss(x, t),
  multilabelMarginLoss: (x, t) => F.multilabelMarginLoss(x, t),
  poissonNllLoss: (x, t) => F.poissonNllLoss(x, t),
  cosineEmbeddingLoss: (a, b, y) => F.cosineEmbeddingLoss(a, b, y),
  tripletMarginLoss: (a, p, n) => F.tripletMarginLoss(a, p, n),
  cdist: (a, b) => torch.cdist(a, b),
  prod: (x) => torch.prod(x, 1),
  trace: (x) => torch.trace(x),
  avgPool3d: (x) => F.avgPool3d(x, 2),
  maxPool3d: (x) => F.maxPool3d(x, 2) as T,
  adaptiveAvgPool3d: (x) => F.adaptiveAvgPool3d(x, 2),
  gridSample: (x, g) => F.gridSample(x, g, { alignCorners: false }),
  quantile: (x) => torch.quantile(x, 0.3, 1),
  inverse: (x) => torch.inverse(x),
  linalgInv: (x) => torch.linalg.inv(x),
  matrixNorm: (x) => torch.linalg.matrixNorm(x),
  padReflect1d: (x) => F.pad(x, [2, 1], 'reflect'),
  padReplicate2d: (x) => F.pad(x, [1, 1, 2, 0], 'replicate'),
  padReflect3d: (x) => F.pad(x, [1, 1, 1, 1, 1, 1], 'reflect'),
  padConstant: (x) => F.pad(x, [1, 1]),
  softmax: (x) => F.softmax(x, 1),
  logSoftmax: (x) => F.logSoftmax(x, 1),
  layerNorm: (x) => F.layerNorm(x, [4]),
  groupNorm: (x) => F.groupNorm(x, 2),
  exp: (x) => torch.exp(x),
  log: (x) => torch.log(x),
  pow: (x) => torch.pow(x, 2),
  sum: (x) => torch.sum(x),
  cumsum: (x) => torch.cumsum(x, 1),
  norm: (x) => torch.norm(x),
  logsumexp: (x) => torch.logsumexp(x, 1),
  relu: (x) => F.relu(x),
  normalize: (x) => F.normalize(x, { dim: 1 }),
  softmin: (x) => F.softmin(x, 1),
  stack: (a, b) => torch.stack([a, b]),
  indexCopy: (x, s, i) => x.indexCopy(0, i, s),
  cat: (a, b) => torch.cat([a, b]),
  addcmul: (x, a, b) => torch.addcmul(x, a, b, { value: 0.5 }),
  indexPut: (x, v, i) => x.indexPut([i], v),
};

const isFloatName = (d: string) => d.startsWith('float') || d === 'bfloat16';
function inputs(v: Variant, device: string, sixteen: DType): T[] {
  return v.inputs.map((i) => {
    const dtype = (i.dtype === 'bfloat16' ? sixteen : i.dtype) as DType;
    const t = torch.tensor(i.values, { dtype: isFloatName(i.dtype) ? 'float32' : (i.dtype as DType) });
    return t.reshape(i.shape).to(device).to(dtype);
  });
}
/** bfloat16 keeps 8 significant bits: one rounding apart is 2^-8 relative. */
const tol = (dtype: string) =>
  dtype === 'bfloat16' ? 2e-2 : dtype === 'float16' ? 4e-3 : dtype === 'float32' ? 2e-5 : 0;

async function expectClose(got: T, want: number[], dtype: string, what: string) {
  const g = Array.from(await got.float().toArray());
  expect(g.length, what).toBe(want.length);
  const t = tol(dtype);
  g.forEach((v, i) => {
    expect(Math.abs(v - want[i]), `${what}[${i}]: ${v} vs ${want[i]}`).toBeLessThanOrEqual(
      t * Math.max(1, Math.abs(want[i])),
    );
  });
}

const VARIANTS: VariantName[] = ['f32', 'mixed', 'bf16'];

describe('autocast lists: CPU against PyTorch 1.13', () => {
  it('every case of the fixture is called here', () => {
    expect(fx.cases.map((c) => c.name).sort()).toEqual(Object.keys(OPS).sort());
  });

  it('every op named in the lists is a public torchts callable', () => {
    const keys = new Set([...registeredCallables().keys()].map((l) => l.replace(/^(torch|Tensor|F)\./, '')));
    for (const [slot, lists] of Object.entries(torch.amp.autocastLists))
      for (const [policy, names] of Object.entries(lists))
        for (const n of names as readonly string[]) expect(keys.has(n), `${slot} ${policy} ${n}`).toBe(true);
  });

  it("promote ops: float32 wins, float64 is left alone, another 16-bit dtype is 1.13's error", () => {
    const a = torch.randn(2, 3);
    torch.autocast('cpu', () => {
      expect(torch.stack([a.bfloat16(), a]).dtype).toBe('float32');
      expect(torch.stack([a.bfloat16(), a.bfloat16()]).dtype).toBe('bfloat16');
      expect(torch.stack([a.bfloat16(), a.double()]).dtype).toBe('float64');
      expect(() => torch.stack([a.half(), a.half()])).toThrow(
        /Unexpected floating ScalarType in at::autocast::prioritize/,
      );
      expect(() => torch.stack([a.bfloat16(), a.half()])).toThrow(/prioritize/);
      expect(torch.cat([a.half(), a.half()]).dtype).toBe('float16'); // cat: its own promotion
    });
  });
  for (const c of fx.cases)
    it(`${c.name} (CPU list: ${c.cpuPolicy})`, async () => {
      for (const vn of VARIANTS) {
        const v = c[vn];
        const xs = inputs(v, 'cpu', 'bfloat16');
        const run = () => torch.autocast({ deviceType: 'cpu', dtype: 'bfloat16' }, () => OPS[c.name](...xs));
        if (v.error) {
          expect(run, `${vn}: PyTorch raises "${v.error}"`).toThrow();
          continue;
        }
        const y = run();
        expect(y.dtype, `${vn} dtype`).toBe(v.dtype);
        expect(y.shape, `${vn} shape`).toEqual(v.shape);
        await expectClose(y, v.values!, v.dtype!, `${c.name} ${vn}`);
      }
    });

  it('Linear -> ReLU -> Linear with cross_entropy: forward and backward under CPU autocast', async () => {
    const m = fx.model;
    const model = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 3));
    const sd: Record<string, T> = {};
    for (const [k, v] of Object.entries(m.init)) sd[k] = torch.tensor(v);
    model.loadStateDict(sd);
    const x = torch.tensor(m.x);
    const y = torch.tensor(m.y);
    let out!: T;
    let loss!: T;
    {
      using _ = torch.autocast('cpu');
      out = model(x) as T;
      loss = F.crossEntropy(out, y);
    }
    expect(out.dtype).toBe(m.outDtype);
    expect(loss.dtype).toBe(m.lossDtype);
    await expectClose(out, m.out, m.outDtype, 'out');
    await expectClose(loss, [m.loss], 'bfloat16', 'loss'); // from bfloat16 logits
    loss.backward();
    const params = Object.fromEntries(model.namedParameters());
    for (const [k, g] of Object.entries(m.grads)) {
      const grad = params[k].grad!;
      expect(grad.dtype, k).toBe(g.dtype);
      // The gradients flow through bfloat16 activations: bfloat16's tolerance.
      await expectClose(grad, g.values, 'bfloat16', `${k}.grad`);
    }
  });
});

function mha(device: string) {
  const m = new nn.MultiheadAttention(4, 2);
  const sd: Record<string, T> = {};
  for (const [k, v] of Object.entries(fx.mha.init)) sd[k] = torch.tensor(v);
  m.loadStateDict(sd);
  return [m.to(device), torch.tensor(fx.mha.q).to(device), torch.tensor(fx.mha.kv).to(device)] as const;
}

describe('autocast: nn.MultiheadAttention', () => {
  it('CPU: projections and attention in bfloat16, as PyTorch 1.13', async () => {
    const [m, q, kv] = mha('cpu');
    const [out, weights] = torch.autocast('cpu', () => m(q, kv, kv));
    expect(out.dtype).toBe(fx.mha.outDtype);
    expect(weights!.dtype).toBe(fx.mha.weightsDtype);
    await expectClose(out, fx.mha.out, 'bfloat16', 'out');
    await expectClose(weights!, fx.mha.weights, 'bfloat16', 'weights');
    for (const [name, prm] of m.namedParameters()) expect(prm.dtype, name).toBe('float32');
  });
  if (testDevices().includes('webgpu'))
    it('WebGPU: the CUDA list runs the projections in float16', async () => {
      const [m, q, kv] = mha('webgpu');
      const [out, weights] = torch.autocast('cuda', () => m(q, kv, kv));
      expect(out.dtype).toBe('float16');
      await expectClose(out, fx.mha.out, 'bfloat16', 'out'); // float16 is closer than bfloat16
      // CUDA's list runs softmax in float32 (its fp32 policy), so PyTorch's weights are float32.
      expect(weights!.dtype).toBe('float32');
      await expectClose(weights!, fx.mha.weights, 'bfloat16', 'weights');
      // Autocast casts arguments, never the parameters themselves.
      for (const [name, prm] of m.namedParameters()) expect(prm.dtype, name).toBe('float32');
    });
});

/** The inputs as PyTorch's CUDA policy casts them (the expected values' computation). */
function castFor(policy: string, xs: T[], low: DType): T[] {
  const fl = xs.filter((x) => isFloat(x.dtype));
  const to: DType | null =
    policy === 'lower'
      ? low
      : policy === 'fp32'
        ? 'float32'
        : policy === 'promote'
          ? fl.some((x) => x.dtype === 'float32')
            ? 'float32'
            : low
          : null;
  return to ? xs.map((x) => (isFloat(x.dtype) ? x.to(to) : x)) : xs;
}

describe('autocast lists: WebGPU follows the CUDA lists', () => {
  if (!testDevices().includes('webgpu')) {
    it.skip('needs a WebGPU adapter', () => {});
    return;
  }
  for (const c of fx.cases)
    it(`${c.name} (CUDA list: ${c.cudaPolicy})`, async () => {
      for (const vn of VARIANTS) {
        const v = c[vn];
        const xs = inputs(v, 'webgpu', 'float16');
        const run = () => torch.autocast('cuda', () => OPS[c.name](...xs));
        if (c.cudaPolicy === 'banned') {
          expect(run).toThrow(/unsafe to autocast/);
          continue;
        }
        if (v.cudaDtype === 'error') {
          expect(run, `${vn}: PyTorch refuses it`).toThrow();
          continue;
        }
        const y = run();
        expect(y.dtype, `${vn} dtype`).toBe(v.cudaDtype);
        // The list's casts, done by hand outside the region, give the same tensor.
        const want = OPS[c.name](...castFor(c.cudaPolicy, xs, 'float16'));
        expect(y.dtype, `${vn} dtype as the manual casts`).toBe(want.dtype);
        expect(Array.from(await y.toArray()), vn).toEqual(Array.from(await want.toArray()));
      }
    });
});
