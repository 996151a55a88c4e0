/**
 * The nn surface binds PyTorch's parameter lists (src/signature): every parameter positionally in
 * PyTorch's order or by name in a trailing options object, with the same result; an extra
 * positional argument, an unknown option or a wrong-typed value is a TypeError naming the
 * callable and the parameter. Plus the traps users hit before the binding existed.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import { registeredCallables } from '../../src/signature/bind.js';
import { parseSignature } from '../../src/signature/parse.js';
import type { Tensor } from '../../src/tensor/tensor.js';

const { nn } = torch;
const F = nn.functional;
const arr = (t: Tensor) => Array.from(t.toArraySync());
const gen = (s: number) => new torch.Generator(s);
const randn = (shape: number[], s = 0) => torch.randn(shape, { generator: gen(s) });
type AnyFn = (...args: any[]) => any;

function expectSame(a: unknown, b: unknown): void {
  if (Array.isArray(a)) {
    expect(Array.isArray(b)).toBe(true);
    (a as unknown[]).forEach((x, i) => {
      expectSame(x, (b as unknown[])[i]);
    });
    return;
  }
  const ta = a as Tensor;
  const tb = b as Tensor;
  expect(tb.shape).toEqual(ta.shape);
  expect(arr(tb)).toEqual(arr(ta));
}

// Shared inputs (fresh clones where a call mutates).
const x4 = randn([2, 3, 6, 6], 1);
const x3 = randn([2, 3, 8], 2);
const x2 = randn([4, 5], 3);
const w2 = randn([6, 5], 4);
const b6 = randn([6], 5);
const cls = torch.tensor([0, 2, 1, 2], { dtype: 'int32' });
const probs = torch.sigmoid(randn([4, 5], 6));
const tgt01 = torch.sigmoid(randn([4, 5], 7));
const cw = torch.tensor([0.5, 1, 2, 1, 1]);

// ── nn.functional more (helper nnfunc) ──
const up1 = F.maxPool1d(x3, 2, { returnIndices: true }) as [Tensor, Tensor];
const up2 = F.maxPool2d(x4, 2, { returnIndices: true }) as [Tensor, Tensor];
const x5 = randn([1, 2, 4, 4, 4], 10);
const up3 = F.maxPool3d(x5, 2, { returnIndices: true }) as [Tensor, Tensor];
const grid = torch.tanh(randn([2, 3, 3, 2], 11));
const theta = randn([2, 2, 3], 12);
const ctcLp = torch.logSoftmax(randn([6, 2, 4], 13), 2);
const ctcTg = torch.tensor([
  [1, 2],
  [3, 1],
]);
const mlTarget = torch.tensor([
  [3, 0, -1, 1, 2],
  [1, -1, 0, 0, 0],
  [0, 1, 2, 3, 4],
  [-1, 0, 0, 0, 0],
]);

/** [label, positional form, options form]: both must give the same values. */
const fCases: [string, () => unknown, () => unknown][] = [
  ['F.relu', () => F.relu(x4.clone(), true), () => F.relu(x4.clone(), { inplace: true })],
  ['F.relu6', () => F.relu6(x4, false), () => F.relu6(x4, { inplace: false })],
  ['F.elu', () => F.elu(x4, 0.5), () => F.elu(x4, { alpha: 0.5 })],
  ['F.selu', () => F.selu(x4.clone(), true), () => F.selu(x4.clone(), { inplace: true })],
  ['F.leakyRelu', () => F.leakyRelu(x4, 0.2), () => F.leakyRelu(x4, { negativeSlope: 0.2 })],
  ['F.hardtanh', () => F.hardtanh(x4, -0.5, 0.25), () => F.hardtanh(x4, { minVal: -0.5, maxVal: 0.25 })],
  ['F.silu', () => F.silu(x4, false), () => F.silu(x4, {})],
  ['F.mish', () => F.mish(x4, false), () => F.mish(x4, { inplace: false })],
  ['F.gelu', () => F.gelu(x4), () => F.gelu(x4, { approximate: 'none' })],
  ['F.sigmoid', () => F.sigmoid(x4), () => F.sigmoid(x4, {})],
  ['F.tanh', () => F.tanh(x4), () => F.tanh(x4, {})],
  ['F.softplus', () => F.softplus(x4, 2, 1), () => F.softplus(x4, { beta: 2, threshold: 1 })],
  ['F.logsigmoid', () => F.logsigmoid(x4), () => F.logsigmoid(x4, {})],
  ['F.softmax', () => F.softmax(x4, 2), () => F.softmax(x4, { dim: 2 })],
  ['F.logSoftmax', () => F.logSoftmax(x4, 1), () => F.logSoftmax(x4, { dim: 1, dtype: 'float32' })],
  ['F.softmin', () => F.softmin(x4, -1), () => F.softmin(x4, { dim: -1 })],
  ['F.dropout', () => F.dropout(x4, 0.3, false), () => F.dropout(x4, { p: 0.3, training: false })],
  ['F.dropout2d', () => F.dropout2d(x4, 1, true), () => F.dropout2d(x4, { p: 1, training: true })],
  ['F.linear', () => F.linear(x2, w2, b6), () => F.linear(x2, w2, { bias: b6 })],
  [
    'F.conv1d',
    () => F.conv1d(x3, randn([6, 1, 3], 8), null, 2, 1, 2, 3),
    () => F.conv1d(x3, randn([6, 1, 3], 8), { stride: 2, padding: 1, dilation: 2, groups: 3 }),
  ],
  [
    'F.conv2d',
    () => F.conv2d(x4, randn([6, 3, 3, 3], 9), b6, [2, 1], 1, 1, 1),
    () => F.conv2d(x4, randn([6, 3, 3, 3], 9), b6, { stride: [2, 1], padding: 1 }),
  ],
  [
    'F.convTranspose2d',
    () => F.convTranspose2d(x4, randn([3, 2, 3, 3], 10), null, 2, 1, 1, 1, 1),
    () => F.convTranspose2d(x4, randn([3, 2, 3, 3], 10), { stride: 2, padding: 1, outputPadding: 1 }),
  ],
  [
    'F.maxPool2d',
    () => F.maxPool2d(x4, 3, 2, 1, 1, true, true),
    () => F.maxPool2d(x4, 3, { stride: 2, padding: 1, ceilMode: true, returnIndices: true }),
  ],
  [
    'F.avgPool2d',
    () => F.avgPool2d(x4, 3, 2, 1, true, false, null),
    () => F.avgPool2d(x4, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }),
  ],
  [
    'F.adaptiveAvgPool2d',
    () => F.adaptiveAvgPool2d(x4, [4, null]),
    () => F.adaptiveAvgPool2d(x4, { outputSize: [4, null] }),
  ],
  [
    'F.batchNorm',
    () => F.batchNorm(x4, torch.zeros([3]), torch.ones([3]), b6.narrow(0, 0, 3), null, true, 0.3, 1e-3),
    () =>
      F.batchNorm(x4, torch.zeros([3]), torch.ones([3]), {
        weight: b6.narrow(0, 0, 3),
        training: true,
        momentum: 0.3,
        eps: 1e-3,
      }),
  ],
  [
    'F.layerNorm',
    () => F.layerNorm(x4, [6], b6, b6, 1e-3),
    () => F.layerNorm(x4, [6], { weight: b6, bias: b6, eps: 1e-3 }),
  ],
  [
    'F.groupNorm',
    () => F.groupNorm(x4, 3, b6.narrow(0, 0, 3), null, 1e-3),
    () => F.groupNorm(x4, 3, { weight: b6.narrow(0, 0, 3), eps: 1e-3 }),
  ],
  ['F.normalize', () => F.normalize(x4, 1, 2, 1e-6), () => F.normalize(x4, { p: 1, dim: 2, eps: 1e-6 })],
  ['F.embedding', () => F.embedding(cls, w2, 0), () => F.embedding(cls, w2, { paddingIdx: 0 })],
  ['F.oneHot', () => F.oneHot(cls, 4), () => F.oneHot(cls, { numClasses: 4 })],
  ['F.pad', () => F.pad(x2, [1, 2], 'constant', 3), () => F.pad(x2, [1, 2], { value: 3 })],
  [
    'F.interpolate',
    () => F.interpolate(x4, null, 2, 'bilinear', true),
    () => F.interpolate(x4, { scaleFactor: 2, mode: 'bilinear', alignCorners: true }),
  ],
  [
    'F.crossEntropy',
    () => F.crossEntropy(x2, cls, cw, null, 1, null, 'sum', 0.1),
    () => F.crossEntropy(x2, cls, { weight: cw, ignoreIndex: 1, reduction: 'sum', labelSmoothing: 0.1 }),
  ],
  [
    'F.nllLoss',
    () => F.nllLoss(F.logSoftmax(x2, 1), cls, cw, null, 2, null, 'none'),
    () => F.nllLoss(F.logSoftmax(x2, 1), cls, { weight: cw, ignoreIndex: 2, reduction: 'none' }),
  ],
  [
    'F.mseLoss',
    () => F.mseLoss(x2, probs, null, null, 'sum'),
    () => F.mseLoss(x2, probs, { reduction: 'sum' }),
  ],
  ['F.l1Loss', () => F.l1Loss(x2, probs, null, false), () => F.l1Loss(x2, probs, { reduction: 'none' })],
  [
    'F.smoothL1Loss',
    () => F.smoothL1Loss(x2, probs, null, null, 'sum', 0.5),
    () => F.smoothL1Loss(x2, probs, { reduction: 'sum', beta: 0.5 }),
  ],
  [
    'F.huberLoss',
    () => F.huberLoss(x2, probs, 'sum', 0.5),
    () => F.huberLoss(x2, probs, { reduction: 'sum', delta: 0.5 }),
  ],
  [
    'F.binaryCrossEntropy',
    () => F.binaryCrossEntropy(probs, tgt01, cw, false),
    () => F.binaryCrossEntropy(probs, tgt01, { weight: cw, reduction: 'sum' }),
  ],
  [
    'F.binaryCrossEntropyWithLogits',
    () => F.binaryCrossEntropyWithLogits(x2, tgt01, null, null, null, 'sum', cw),
    () => F.binaryCrossEntropyWithLogits(x2, tgt01, { reduction: 'sum', posWeight: cw }),
  ],
  [
    'F.klDiv',
    () => F.klDiv(F.logSoftmax(x2, 1), F.softmax(w2.narrow(0, 0, 4), 1), null, null, 'batchmean', false),
    () => F.klDiv(F.logSoftmax(x2, 1), F.softmax(w2.narrow(0, 0, 4), 1), { reduction: 'batchmean' }),
  ],
  ['F.dropout3d', () => F.dropout3d(x4, 1, true), () => F.dropout3d(x4, { p: 1, training: true })],
  [
    'F.upsampleNearest',
    () => F.upsampleNearest(x4, null, 2),
    () => F.upsampleNearest(x4, { scaleFactor: 2 }),
  ],
  [
    'F.upsampleBilinear',
    () => F.upsampleBilinear(x4, [3, 4]),
    () => F.upsampleBilinear(x4, { size: [3, 4] }),
  ],
  [
    'F.maxPool3d',
    () => F.maxPool3d(x4, 2, 1, 1, 1, true),
    () => F.maxPool3d(x4, 2, { stride: 1, padding: 1, ceilMode: true }),
  ],
  [
    'F.avgPool3d',
    () => F.avgPool3d(x4, 2, null, 1, false, false),
    () => F.avgPool3d(x4, 2, { padding: 1, countIncludePad: false }),
  ],
  [
    'F.embeddingBag',
    () => F.embeddingBag(torch.tensor([0, 2, 1, 2, 3]), w2, torch.tensor([0, 2]), null, 2, false, 'max'),
    () => F.embeddingBag(torch.tensor([0, 2, 1, 2, 3]), w2, { offsets: torch.tensor([0, 2]), mode: 'max' }),
  ],
  ['F.celu', () => F.celu(x4, 0.5), () => F.celu(x4, { alpha: 0.5 })],
  ['F.glu', () => F.glu(x4, 2), () => F.glu(x4, { dim: 2 })],
  ['F.hardshrink', () => F.hardshrink(x4, 0.3), () => F.hardshrink(x4, { lambd: 0.3 })],
  ['F.softshrink', () => F.softshrink(x4, 0.3), () => F.softshrink(x4, { lambd: 0.3 })],
  ['F.tanhshrink', () => F.tanhshrink(x4), () => F.tanhshrink(x4, {})],
  ['F.hardsigmoid', () => F.hardsigmoid(x4, false), () => F.hardsigmoid(x4, { inplace: false })],
  ['F.hardswish', () => F.hardswish(x4, false), () => F.hardswish(x4, { inplace: false })],
  ['F.threshold', () => F.threshold(x4, 0.1, -2), () => F.threshold(x4, 0.1, { value: -2 })],
  ['F.softsign', () => F.softsign(x4), () => F.softsign(x4, {})],
  ['F.rrelu', () => F.rrelu(x4, 0.1, 0.3), () => F.rrelu(x4, { lower: 0.1, upper: 0.3 })],
  ['F.prelu', () => F.prelu(x4, cw.narrow(0, 0, 3)), () => F.prelu(x4, { weight: cw.narrow(0, 0, 3) })],
  [
    'F.cosineSimilarity',
    () => F.cosineSimilarity(x2, probs, 0),
    () => F.cosineSimilarity(x2, probs, { dim: 0 }),
  ],
  [
    'F.pairwiseDistance',
    () => F.pairwiseDistance(x2, probs, 1, 1e-6, true),
    () => F.pairwiseDistance(x2, probs, { p: 1, keepdim: true }),
  ],
  ['F.pdist', () => F.pdist(x2, 3), () => F.pdist(x2, { p: 3 })],
  [
    'F.marginRankingLoss',
    () => F.marginRankingLoss(x2, probs, tgt01, 0.5),
    () => F.marginRankingLoss(x2, probs, tgt01, { margin: 0.5 }),
  ],
  [
    'F.hingeEmbeddingLoss',
    () => F.hingeEmbeddingLoss(x2, torch.sign(x2), 2),
    () => F.hingeEmbeddingLoss(x2, torch.sign(x2), { margin: 2 }),
  ],
  [
    'F.softMarginLoss',
    () => F.softMarginLoss(x2, torch.sign(x2), null, null, 'sum'),
    () => F.softMarginLoss(x2, torch.sign(x2), { reduction: 'sum' }),
  ],
  [
    'F.multilabelSoftMarginLoss',
    () => F.multilabelSoftMarginLoss(x2, tgt01, cw),
    () => F.multilabelSoftMarginLoss(x2, tgt01, { weight: cw }),
  ],
  [
    'F.multiMarginLoss',
    () => F.multiMarginLoss(x2, cls, 2, 0.5),
    () => F.multiMarginLoss(x2, cls, { p: 2, margin: 0.5 }),
  ],
  [
    'F.tripletMarginLoss',
    () => F.tripletMarginLoss(x2, probs, tgt01, 0.5),
    () => F.tripletMarginLoss(x2, probs, tgt01, { margin: 0.5 }),
  ],
  [
    'F.poissonNllLoss',
    () => F.poissonNllLoss(x2, tgt01, true, true),
    () => F.poissonNllLoss(x2, tgt01, { full: true }),
  ],
  [
    'F.gaussianNllLoss',
    () => F.gaussianNllLoss(x2, probs, tgt01, true),
    () => F.gaussianNllLoss(x2, probs, tgt01, { full: true }),
  ],
  [
    'F.cosineEmbeddingLoss',
    () => F.cosineEmbeddingLoss(x2, probs, torch.tensor([1, -1, 1, -1]), 0.2),
    () => F.cosineEmbeddingLoss(x2, probs, torch.tensor([1, -1, 1, -1]), { margin: 0.2 }),
  ],
  ['F.avgPool1d', () => F.avgPool1d(x3, 3, 2, 1), () => F.avgPool1d(x3, 3, { stride: 2, padding: 1 })],
  ['F.maxPool1d', () => F.maxPool1d(x3, 3, 2, 1), () => F.maxPool1d(x3, 3, { stride: 2, padding: 1 })],
  ['F.adaptiveAvgPool1d', () => F.adaptiveAvgPool1d(x3, 3), () => F.adaptiveAvgPool1d(x3, { outputSize: 3 })],
  ['F.adaptiveAvgPool3d', () => F.adaptiveAvgPool3d(x4, 2), () => F.adaptiveAvgPool3d(x4, { outputSize: 2 })],
  [
    'F.adaptiveMaxPool1d',
    () => F.adaptiveMaxPool1d(x3, 3, true),
    () => F.adaptiveMaxPool1d(x3, 3, { returnIndices: true }),
  ],
  ['F.adaptiveMaxPool2d', () => F.adaptiveMaxPool2d(x4, 4), () => F.adaptiveMaxPool2d(x4, { outputSize: 4 })],
  ['F.adaptiveMaxPool3d', () => F.adaptiveMaxPool3d(x4, 2), () => F.adaptiveMaxPool3d(x4, { outputSize: 2 })],
  ['F.lpPool1d', () => F.lpPool1d(x3, 2, 3, 2), () => F.lpPool1d(x3, 2, 3, { stride: 2 })],
  ['F.lpPool2d', () => F.lpPool2d(x4, 2, 2), () => F.lpPool2d(x4, 2, { kernelSize: 2 })],
  [
    'F.instanceNorm',
    () => F.instanceNorm(x4, null, null, cw.narrow(0, 0, 3)),
    () => F.instanceNorm(x4, { weight: cw.narrow(0, 0, 3) }),
  ],
  [
    'F.localResponseNorm',
    () => F.localResponseNorm(x4, 2, 0.1),
    () => F.localResponseNorm(x4, 2, { alpha: 0.1 }),
  ],
  [
    'F.bilinear',
    () => F.bilinear(x2, probs, randn([3, 5, 5], 9)),
    () => F.bilinear(x2, probs, { weight: randn([3, 5, 5], 9) }),
  ],
  ['F.unfold', () => F.unfold(x4, 3, 1, 1, 2), () => F.unfold(x4, 3, { padding: 1, stride: 2 })],
  [
    'F.pixelShuffle',
    () => F.pixelShuffle(randn([1, 8, 2, 3]), 2),
    () => F.pixelShuffle(randn([1, 8, 2, 3]), { upscaleFactor: 2 }),
  ],
  ['F.pixelUnshuffle', () => F.pixelUnshuffle(x4, 3), () => F.pixelUnshuffle(x4, { downscaleFactor: 3 })],
  // ── nn.functional more (helper nnfunc) ──
  [
    'F.maxUnpool1d',
    () => F.maxUnpool1d(up1[0], up1[1], 2, 2, 0),
    () => F.maxUnpool1d(up1[0], up1[1], 2, { stride: 2 }),
  ],
  [
    'F.maxUnpool2d',
    () => F.maxUnpool2d(up2[0], up2[1], 2, null, 0, [6, 6]),
    () => F.maxUnpool2d(up2[0], up2[1], 2, { outputSize: [6, 6] }),
  ],
  [
    'F.maxUnpool3d',
    () => F.maxUnpool3d(up3[0], up3[1], 2, 2),
    () => F.maxUnpool3d(up3[0], up3[1], { kernelSize: 2, stride: 2 }),
  ],
  [
    'F.featureAlphaDropout',
    () => F.featureAlphaDropout(x4, 0.3, false),
    () => F.featureAlphaDropout(x4, { p: 0.3 }),
  ],
  [
    'F.multilabelMarginLoss',
    () => F.multilabelMarginLoss(x2, mlTarget, null, null, 'sum'),
    () => F.multilabelMarginLoss(x2, mlTarget, { reduction: 'sum' }),
  ],
  [
    'F.convTranspose1d',
    () => F.convTranspose1d(x3, randn([3, 2, 3], 14), null, 2, 1, 1),
    () => F.convTranspose1d(x3, randn([3, 2, 3], 14), { stride: 2, padding: 1, outputPadding: 1 }),
  ],
  [
    'F.convTranspose3d',
    () => F.convTranspose3d(x5, randn([2, 3, 2, 2, 2], 15), null, 2),
    () => F.convTranspose3d(x5, randn([2, 3, 2, 2, 2], 15), { stride: 2 }),
  ],
  [
    'F.gridSample',
    () => F.gridSample(x4, grid, 'nearest', 'border', true),
    () => F.gridSample(x4, grid, { mode: 'nearest', paddingMode: 'border', alignCorners: true }),
  ],
  [
    'F.affineGrid',
    () => F.affineGrid(theta, [2, 3, 4, 5], true),
    () => F.affineGrid(theta, [2, 3, 4, 5], { alignCorners: true }),
  ],
  [
    'F.ctcLoss',
    () => F.ctcLoss(ctcLp, ctcTg, [6, 5], [2, 1], 0, 'sum'),
    () => F.ctcLoss(ctcLp, ctcTg, [6, 5], [2, 1], { reduction: 'sum' }),
  ],
  [
    'F.conv3d',
    () => F.conv3d(x5, randn([2, 1, 2, 2, 2], 16), null, 1, 1, 1, 2),
    () => F.conv3d(x5, randn([2, 1, 2, 2, 2], 16), { padding: 1, groups: 2 }),
  ],
  // ── attention (helper attn) ──
  [
    'F.scaledDotProductAttention',
    () => F.scaledDotProductAttention(x3, x3, x3, null, 0, true),
    () => F.scaledDotProductAttention(x3, x3, x3, { isCausal: true }),
  ],
  [
    'F._scaledDotProductAttention',
    () => F._scaledDotProductAttention(x3, x3, x3, null, 0, true, true)[1],
    () => F._scaledDotProductAttention(x3, x3, x3, { needAttnWeights: true, isCausal: true })[1],
  ],
  // ── modules (helper modules) ──
  [
    'F.fold',
    () => F.fold(x3.reshape([3, 4, 4]), [3, 3], 2),
    () => F.fold(x3.reshape([3, 4, 4]), [3, 3], { kernelSize: 2 }),
  ],
  ['F.dropout1d', () => F.dropout1d(x3, 0.3, false), () => F.dropout1d(x3, { p: 0.3, training: false })],
  ['F.alphaDropout', () => F.alphaDropout(x4, 0.3, false), () => F.alphaDropout(x4, { p: 0.3 })],
  ['F.channelShuffle', () => F.channelShuffle(x4, 3), () => F.channelShuffle(x4, { groups: 3 })],
  [
    'F.tripletMarginWithDistanceLoss',
    () => F.tripletMarginWithDistanceLoss(x2, probs, tgt01),
    () => F.tripletMarginWithDistanceLoss(x2, probs, tgt01, { margin: 1 }),
  ],
];

/** The generic checks: a callable, its label and its required arguments (positionally). */
interface Bad {
  label: string;
  call: AnyFn;
  required: unknown[];
  /** The signature's index when the label has several (Module.to). */
}

function signatureOf(label: string) {
  const r = registeredCallables().get(label);
  if (!r) throw new Error(`${label} is not registered`);
  return parseSignature(r.signatures[0]);
}

function expectBindingErrors({ label, call, required }: Bad): void {
  call(...required); // binds (and registers a constructor's signature)
  const sig = signatureOf(label);
  const params = sig.params.filter((p) => p.pyName !== 'self');
  const esc = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // An extra positional argument, after every positional parameter at its default.
  const positional = params.filter((p) => !p.kwOnly);
  const full = [...required, ...positional.slice(required.length).map((p) => p.default)];
  expect(() => call(...full, 7), `${label}: extra positional`).toThrow(
    new RegExp(`^${esc}\\(\\): takes ${positional.length} positional argument`),
  );
  // An unknown option.
  expect(() => call(...required, { noSuchOption: 1 }), `${label}: unknown option`).toThrow(
    new RegExp(`^${esc}\\(\\): got an unexpected option 'noSuchOption'`),
  );
  // A wrong-typed value: the first optional parameter by name, else the first one positionally.
  const opt = params.find((p) => !p.required && !(p.type.kind === 'base' && p.type.base === 'Any'));
  const bad = Symbol('bad');
  if (opt)
    expect(() => call(...required, { [opt.name]: bad }), `${label}: wrong type`).toThrow(
      new RegExp(`^${esc}\\(\\): argument '${opt.name}' must be .*, not Symbol\\(bad\\)`),
    );
  else if (params.length)
    expect(() => call(bad, ...required.slice(1)), `${label}: wrong type`).toThrow(
      new RegExp(`^${esc}\\(\\): argument '${params[0].name}' \\(position 1\\) must be`),
    );
  for (const e of [() => call(...full, 7), () => call(...required, { noSuchOption: 1 })])
    expect(e).toThrow(TypeError);
}

const fRequired: Record<string, unknown[]> = {
  'F.linear': [x2, w2],
  'F.conv1d': [x3, randn([4, 3, 3])],
  'F.conv2d': [x4, randn([6, 3, 3, 3])],
  'F.convTranspose2d': [x4, randn([3, 2, 3, 3])],
  'F.maxPool2d': [x4, 2],
  'F.avgPool2d': [x4, 2],
  'F.adaptiveAvgPool2d': [x4, 2],
  'F.batchNorm': [x4, torch.zeros([3]), torch.ones([3])],
  'F.layerNorm': [x4, [6]],
  'F.groupNorm': [x4, 3],
  'F.embedding': [cls, w2],
  'F.oneHot': [cls],
  'F.pad': [x2, [1, 1]],
  'F.crossEntropy': [x2, cls],
  'F.nllLoss': [x2, cls],
  'F.mseLoss': [x2, probs],
  'F.l1Loss': [x2, probs],
  'F.smoothL1Loss': [x2, probs],
  'F.huberLoss': [x2, probs],
  'F.binaryCrossEntropy': [probs, tgt01],
  'F.binaryCrossEntropyWithLogits': [x2, tgt01],
  'F.klDiv': [x2, probs],
  'F.interpolate': [x4, { scaleFactor: 2 }],
  'F.threshold': [x4, 0.1, -2],
  'F.embeddingBag': [
    torch.tensor([
      [0, 2],
      [1, 3],
    ]),
    w2,
  ],
  'F.maxPool3d': [x4, 2],
  'F.avgPool3d': [x4, 2],
  'F.prelu': [x4, cw.narrow(0, 0, 3)],
  'F.cosineSimilarity': [x2, probs],
  'F.pairwiseDistance': [x2, probs],
  'F.pdist': [x2],
  'F.marginRankingLoss': [x2, probs, tgt01],
  'F.hingeEmbeddingLoss': [x2, tgt01],
  'F.softMarginLoss': [x2, tgt01],
  'F.multilabelSoftMarginLoss': [x2, tgt01],
  'F.multiMarginLoss': [x2, cls],
  'F.tripletMarginLoss': [x2, probs, tgt01],
  'F.poissonNllLoss': [x2, tgt01],
  'F.gaussianNllLoss': [x2, probs, tgt01],
  'F.cosineEmbeddingLoss': [x2, probs, torch.tensor([1, -1, 1, -1])],
  'F.avgPool1d': [x3, 2],
  'F.maxPool1d': [x3, 2],
  'F.adaptiveAvgPool1d': [x3, 2],
  'F.adaptiveAvgPool3d': [x4, 2],
  'F.adaptiveMaxPool1d': [x3, 2],
  'F.adaptiveMaxPool2d': [x4, 2],
  'F.adaptiveMaxPool3d': [x4, 2],
  'F.lpPool1d': [x3, 2, 2],
  'F.lpPool2d': [x4, 2, 2],
  'F.localResponseNorm': [x4, 2],
  'F.bilinear': [x2, probs, randn([3, 5, 5], 9)],
  'F.unfold': [x4, 2],
  'F.pixelShuffle': [x4, 1],
  'F.pixelUnshuffle': [x4, 2],
  // ── nn.functional more (helper nnfunc) ──
  'F.maxUnpool1d': [up1[0], up1[1], 2],
  'F.maxUnpool2d': [up2[0], up2[1], 2],
  'F.maxUnpool3d': [up3[0], up3[1], 2],
  'F.featureAlphaDropout': [x4],
  'F.multilabelMarginLoss': [x2, mlTarget],
  'F.convTranspose1d': [x3, randn([3, 2, 3], 14)],
  'F.convTranspose3d': [x5, randn([2, 3, 2, 2, 2], 15)],
  'F.gridSample': [x4, grid],
  'F.affineGrid': [theta, [2, 3, 4, 5]],
  'F.ctcLoss': [ctcLp, ctcTg, [6, 5], [2, 1]],
  'F.conv3d': [x5, randn([2, 2, 2, 2, 2], 16)],
  // ── attention (helper attn) ──
  'F.scaledDotProductAttention': [x3, x3, x3],
  'F._scaledDotProductAttention': [x3, x3, x3],
  // ── modules (helper modules) ──
  'F.fold': [x3.reshape([3, 4, 4]), [3, 3], 2],
  'F.dropout1d': [x3],
  'F.channelShuffle': [x4, 3],
  'F.tripletMarginWithDistanceLoss': [x2, probs, tgt01],
};

describe('nn.functional binds PyTorch parameter lists', () => {
  for (const [label, pos, opts] of fCases)
    it(`${label}: positional == options; extra / unknown / wrong type are TypeErrors`, () => {
      expectSame(pos(), opts());
      const name = label.slice(2) as keyof typeof F;
      const required = fRequired[label] ?? [x4];
      if (label === 'F.interpolate') {
        // Its only required parameter is the input; the check needs size or scale_factor, which
        // an options object gives, so the generic extra/unknown checks go by hand.
        expect(() => F.interpolate(x4, null, 2, 'nearest', null, null, false, 7 as never)).toThrow(
          /^F\.interpolate\(\): takes 7 positional arguments/,
        );
        expect(() => F.interpolate(x4, { scale: 2 } as never)).toThrow(/unexpected option 'scale'/);
        expect(() => F.interpolate(x4, { size: 'big' } as never)).toThrow(/argument 'size' must be/);
        return;
      }
      if (label.startsWith('F.upsample')) {
        // As F.interpolate: size or scale_factor is needed, so the checks go by hand.
        const up = F[name] as AnyFn;
        const esc = label.replace('.', '\\.');
        expect(() => up(x4, null, 2, 7)).toThrow(new RegExp(`^${esc}\\(\\): takes 3 positional arguments`));
        expect(() => up(x4, { scale: 2 })).toThrow(/unexpected option 'scale'/);
        expect(() => up(x4, { size: 'big' })).toThrow(/argument 'size' must be/);
        return;
      }
      expectBindingErrors({ label, call: F[name] as AnyFn, required });
    });

  it('every F function is covered above', () => {
    const fns = Object.entries(F)
      .filter(([, v]) => typeof v === 'function')
      .map(([k]) => `F.${k}`)
      .filter((k) => registeredCallables().has(k));
    expect(fns.filter((k) => !fCases.some(([l]) => l === k))).toEqual([]);
  });

  it('trap: F.layerNorm(x, shape, weight, bias, eps) applies weight and bias (PyTorch values)', () => {
    const f32 = { dtype: 'float32' } as const;
    const x = torch.tensor([[1, 2, 3, 4]], f32);
    const w = torch.tensor([1, 2, 3, 4], f32);
    const b = torch.tensor([0.5, 0, -0.5, 1], f32);
    // torch.nn.functional.layer_norm(x, [4], w, b, 1e-5): (x - 2.5) / sqrt(1.25 + 1e-5) * w + b
    const want = [-0.8416355, -0.8944236, 0.8416355, 6.366542];
    const got = arr(F.layerNorm(x, [4], w, b, 1e-5));
    got.forEach((v, i) => {
      expect(v).toBeCloseTo(want[i], 5);
    });
  });

  it('softmax/logSoftmax take dtype by keyword only, and PyTorch legacy dim when None', () => {
    expect(() => F.softmax(x2, 1, 'float32' as never)).toThrow(/F\.softmax\(\): takes 2 positional/);
    expectSame(F.softmax(x2), F.softmax(x2, 1)); // 2-d: dim 1
    expectSame(F.softmax(x3), F.softmax(x3, 0)); // 3-d: dim 0
  });

  it('gelu approximate is keyword-only; inplace writes into the input', () => {
    expect(() => F.gelu(x2, 'tanh' as never)).toThrow(/F\.gelu\(\): takes 1 positional argument/);
    const y = x2.clone();
    const r = F.relu(y, true);
    expect(r).toBe(y);
    expect(arr(y).every((v) => v >= 0)).toBe(true);
  });

  it('deprecated size_average / reduce pick the reduction as PyTorch', () => {
    expectSame(F.mseLoss(x2, probs, { sizeAverage: false }), F.mseLoss(x2, probs, { reduction: 'sum' }));
    expectSame(F.mseLoss(x2, probs, { reduce: false }), F.mseLoss(x2, probs, { reduction: 'none' }));
    expectSame(F.mseLoss(x2, probs, true, true), F.mseLoss(x2, probs));
  });

  it('unsupported values of accepted parameters raise, never drop', () => {
    expect(() => F.embedding(cls, w2, null, null, 2, true)).toThrow(
      /scale_grad_by_freq=True is not supported/,
    );
    expect(() => F.pad(x2, [1, 1], 'reflect', 1)).toThrow(/doesn't take in value argument/);
    expect(() => F.interpolate(x4, { scaleFactor: 2, antialias: true })).toThrow(/antialias/);
    expect(() => F.normalize(x2, { out: x2 })).toThrow(/out= is not supported/);
  });
});

// ---- module constructors ----
/** [label, class, positional args, the same by name]: same repr, and same output on the same weights. */
const ctorCases: [string, new (...a: any[]) => torch.nn.Module, unknown[], unknown[], Tensor][] = [
  ['nn.Linear', nn.Linear, [5, 6, false], [{ inFeatures: 5, outFeatures: 6, bias: false }], x2],
  ['nn.Identity', nn.Identity, [], [{}], x2],
  ['nn.Flatten', nn.Flatten, [0, 1], [{ startDim: 0, endDim: 1 }], x4],
  ['nn.Unflatten', nn.Unflatten, [1, [1, 5]], [1, { unflattenedSize: [1, 5] }], x2],
  ['nn.Dropout', nn.Dropout, [0.3, false], [{ p: 0.3 }], x2],
  ['nn.Dropout2d', nn.Dropout2d, [1.0], [{ p: 1.0 }], x4],
  ['nn.Embedding', nn.Embedding, [4, 3, 1], [4, 3, { paddingIdx: 1 }], cls],
  ['nn.ReLU', nn.ReLU, [false], [{ inplace: false }], x2],
  ['nn.ReLU6', nn.ReLU6, [false], [{}], x2],
  ['nn.SiLU', nn.SiLU, [false], [{}], x2],
  ['nn.Mish', nn.Mish, [false], [{}], x2],
  ['nn.SELU', nn.SELU, [false], [{}], x2],
  ['nn.Sigmoid', nn.Sigmoid, [], [{}], x2],
  ['nn.Tanh', nn.Tanh, [], [{}], x2],
  ['nn.GELU', nn.GELU, ['tanh'], [{ approximate: 'tanh' }], x2],
  ['nn.ELU', nn.ELU, [0.5], [{ alpha: 0.5 }], x2],
  ['nn.LeakyReLU', nn.LeakyReLU, [0.2, false], [{ negativeSlope: 0.2 }], x2],
  ['nn.Softplus', nn.Softplus, [2, 1], [{ beta: 2, threshold: 1 }], x2],
  ['nn.Hardtanh', nn.Hardtanh, [-0.5, 0.5], [{ minVal: -0.5, maxVal: 0.5 }], x2],
  ['nn.Softmax', nn.Softmax, [0], [{ dim: 0 }], x2],
  ['nn.LogSoftmax', nn.LogSoftmax, [1], [{ dim: 1 }], x2],
  ['nn.Softmin', nn.Softmin, [1], [{ dim: 1 }], x2],
  ['nn.Conv1d', nn.Conv1d, [3, 6, 3, 2, 1, 1, 3], [3, 6, 3, { stride: 2, padding: 1, groups: 3 }], x3],
  [
    'nn.Conv2d',
    nn.Conv2d,
    [3, 4, 3, 2, 1, 1, 1, false],
    [3, 4, 3, { stride: 2, padding: 1, bias: false }],
    x4,
  ],
  [
    'nn.ConvTranspose2d',
    nn.ConvTranspose2d,
    [3, 2, 3, 2, 1, 1],
    [3, 2, 3, { stride: 2, padding: 1, outputPadding: 1 }],
    x4,
  ],
  [
    'nn.MaxPool2d',
    nn.MaxPool2d,
    [3, 2, 1, 1, false, true],
    [3, { stride: 2, padding: 1, ceilMode: true }],
    x4,
  ],
  [
    'nn.AvgPool2d',
    nn.AvgPool2d,
    [3, 2, 1, true, false],
    [3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }],
    x4,
  ],
  ['nn.AdaptiveAvgPool2d', nn.AdaptiveAvgPool2d, [[2, null]], [{ outputSize: [2, null] }], x4],
  ['nn.BatchNorm1d', nn.BatchNorm1d, [5, 1e-3, 0.2], [5, { eps: 1e-3, momentum: 0.2 }], x2],
  [
    'nn.BatchNorm2d',
    nn.BatchNorm2d,
    [3, 1e-3, null, false],
    [3, { eps: 1e-3, momentum: null, affine: false }],
    x4,
  ],
  ['nn.LayerNorm', nn.LayerNorm, [[6], 1e-3, true, false], [6, { eps: 1e-3, bias: false }], x4],
  ['nn.GroupNorm', nn.GroupNorm, [3, 3, 1e-3, false], [3, 3, { eps: 1e-3, affine: false }], x4],
  [
    'nn.Upsample',
    nn.Upsample,
    [null, 2, 'bilinear', true],
    [{ scaleFactor: 2, mode: 'bilinear', alignCorners: true }],
    x4,
  ],
];

const lossCases: [string, new (...a: any[]) => torch.nn.Module, unknown[], unknown[], Tensor, Tensor][] = [
  [
    'nn.CrossEntropyLoss',
    nn.CrossEntropyLoss,
    [cw, null, 1, null, 'sum', 0.1],
    [{ weight: cw, ignoreIndex: 1, reduction: 'sum', labelSmoothing: 0.1 }],
    x2,
    cls,
  ],
  [
    'nn.NLLLoss',
    nn.NLLLoss,
    [cw, null, 2, null, 'none'],
    [cw, { ignoreIndex: 2, reduction: 'none' }],
    x2,
    cls,
  ],
  ['nn.MSELoss', nn.MSELoss, [null, null, 'sum'], [{ reduction: 'sum' }], x2, probs],
  ['nn.L1Loss', nn.L1Loss, [false], [{ reduction: 'sum' }], x2, probs],
  [
    'nn.SmoothL1Loss',
    nn.SmoothL1Loss,
    [null, null, 'none', 0.5],
    [{ reduction: 'none', beta: 0.5 }],
    x2,
    probs,
  ],
  ['nn.HuberLoss', nn.HuberLoss, ['sum', 0.5], [{ reduction: 'sum', delta: 0.5 }], x2, probs],
  ['nn.BCELoss', nn.BCELoss, [cw, null, false], [{ weight: cw, reduction: 'none' }], probs, tgt01],
  [
    'nn.BCEWithLogitsLoss',
    nn.BCEWithLogitsLoss,
    [null, null, null, 'sum', cw],
    [{ reduction: 'sum', posWeight: cw }],
    x2,
    tgt01,
  ],
  ['nn.KLDivLoss', nn.KLDivLoss, [null, null, 'batchmean', false], [{ reduction: 'batchmean' }], x2, probs],
];

const ctorRequired: Record<string, unknown[]> = {
  'nn.Linear': [5, 6],
  'nn.Unflatten': [1, [1, 5]],
  'nn.Embedding': [4, 3],
  'nn.Conv1d': [3, 6, 3],
  'nn.Conv2d': [3, 4, 3],
  'nn.ConvTranspose2d': [3, 2, 3],
  'nn.MaxPool2d': [2],
  'nn.AvgPool2d': [2],
  'nn.AdaptiveAvgPool2d': [2],
  'nn.BatchNorm1d': [5],
  'nn.BatchNorm2d': [3],
  'nn.LayerNorm': [6],
  'nn.GroupNorm': [3, 3],
};

describe('nn module constructors bind PyTorch parameter lists', () => {
  for (const [label, C, pos, opts, input] of ctorCases)
    it(`${label}: positional == options; extra / unknown / wrong type are TypeErrors`, () => {
      const a = new C(...pos);
      const b = new C(...opts);
      expect(b.toString()).toBe(a.toString());
      b.loadStateDict(a.stateDict());
      torch.manualSeed(5); // Dropout draws
      const ya = a(input);
      torch.manualSeed(5);
      expectSame(ya, b(input));
      expectBindingErrors({ label, call: (...args) => new C(...args), required: ctorRequired[label] ?? [] });
    });
  for (const [label, C, pos, opts, input, target] of lossCases)
    it(`${label}: positional == options; extra / unknown / wrong type are TypeErrors`, () => {
      expectSame(new C(...pos)(input, target), new C(...opts)(input, target));
      expectBindingErrors({ label, call: (...args) => new C(...args), required: [] });
    });

  it('trap: nn.Conv2d(1, 32, 3, 2) has stride 2 (output 13x13 from 28x28, as PyTorch)', () => {
    const conv = new nn.Conv2d(1, 32, 3, 2);
    expect(conv.stride).toEqual([2, 2]);
    expect(conv(torch.zeros([1, 1, 28, 28])).shape).toEqual([1, 32, 13, 13]);
    expect(conv.toString()).toBe('Conv2d(1, 32, kernel_size=(3, 3), stride=(2, 2))');
  });

  it('Embedding.fromPretrained binds its list; unsupported values raise', () => {
    const w = randn([4, 3]);
    const e = nn.Embedding.fromPretrained(w, false, 1);
    expect(e.weight.requiresGrad).toBe(true);
    expect(e.paddingIdx).toBe(1);
    expectSame(e(cls), nn.Embedding.fromPretrained(w, { freeze: false, paddingIdx: 1 })(cls));
    expect(() => nn.Embedding.fromPretrained(w, { frozen: true } as never)).toThrow(
      /nn\.Embedding\.fromPretrained\(\): got an unexpected option 'frozen'/,
    );
    expect(() => new nn.Embedding(4, 3, { sparse: true })).toThrow(/sparse=True is not supported/);
    expect(() => new nn.Conv2d(1, 2, 3, { paddingMode: 'reflect' })).toThrow(/padding_mode 'reflect'/);
  });
});

// ---- nn.init ----
describe('nn.init binds PyTorch parameter lists', () => {
  const initCases: [
    string,
    (t: Tensor, g: torch.Generator) => unknown,
    (t: Tensor, g: torch.Generator) => unknown,
  ][] = [
    [
      'nn.init.uniform_',
      (t, g) => nn.init.uniform_(t, -2, 3, g),
      (t, g) => nn.init.uniform_(t, { a: -2, b: 3, generator: g }),
    ],
    [
      'nn.init.normal_',
      (t, g) => nn.init.normal_(t, 5, 0.1, g),
      (t, g) => nn.init.normal_(t, { mean: 5, std: 0.1, generator: g }),
    ],
    ['nn.init.constant_', (t) => nn.init.constant_(t, 0.5), (t) => nn.init.constant_(t, { val: 0.5 })],
    ['nn.init.zeros_', (t) => nn.init.zeros_(t), (t) => nn.init.zeros_({ tensor: t })],
    ['nn.init.ones_', (t) => nn.init.ones_(t), (t) => nn.init.ones_({ tensor: t })],
    [
      'nn.init.xavierUniform_',
      (t, g) => nn.init.xavierUniform_(t, 2, g),
      (t, g) => nn.init.xavierUniform_(t, { gain: 2, generator: g }),
    ],
    [
      'nn.init.xavierNormal_',
      (t, g) => nn.init.xavierNormal_(t, 2, g),
      (t, g) => nn.init.xavierNormal_(t, { gain: 2, generator: g }),
    ],
    [
      'nn.init.kaimingUniform_',
      (t, g) => nn.init.kaimingUniform_(t, Math.sqrt(5), 'fan_out', 'leaky_relu', g),
      (t, g) => nn.init.kaimingUniform_(t, { a: Math.sqrt(5), mode: 'fan_out', generator: g }),
    ],
    [
      'nn.init.kaimingNormal_',
      (t, g) => nn.init.kaimingNormal_(t, 0, 'fan_in', 'relu', g),
      (t, g) => nn.init.kaimingNormal_(t, { nonlinearity: 'relu', generator: g }),
    ],
    [
      'nn.init.truncNormal_',
      (t, g) => nn.init.truncNormal_(t, 1, 2, -1, 3, g),
      (t, g) => nn.init.truncNormal_(t, { mean: 1, std: 2, a: -1, b: 3, generator: g }),
    ],
  ];
  for (const [label, pos, opts] of initCases)
    it(`${label}: positional == options; extra / unknown / wrong type are TypeErrors`, () => {
      const a = torch.empty([8, 6]);
      const b = torch.empty([8, 6]);
      expect(pos(a, gen(3))).toBe(a);
      opts(b, gen(3));
      expectSame(a, b);
      const f = (nn.init as unknown as Record<string, AnyFn>)[label.slice('nn.init.'.length)];
      expectBindingErrors({ label, call: f, required: label === 'nn.init.constant_' ? [a, 1] : [a] });
    });

  it('calculateGain and calculateFanInAndFanOut', () => {
    expect(nn.init.calculateGain('leaky_relu', 0.2)).toBe(
      nn.init.calculateGain({ nonlinearity: 'leaky_relu', param: 0.2 }),
    );
    expect(() => nn.init.calculateGain('swish' as never)).toThrow(
      /nn\.init\.calculateGain\(\): argument 'nonlinearity' \(position 1\) must be "linear"\|/,
    );
    expectBindingErrors({
      label: 'nn.init.calculateGain',
      call: nn.init.calculateGain as AnyFn,
      required: ['relu'],
    });
    expect(nn.init.calculateFanInAndFanOut({ tensor: torch.empty([4, 2, 3]) })).toEqual([6, 12]);
    expectBindingErrors({
      label: 'nn.init.calculateFanInAndFanOut',
      call: nn.init.calculateFanInAndFanOut as AnyFn,
      required: [torch.empty([2, 2])],
    });
  });

  it('trap: nn.init.normal_(t, { mean: 5, std: 0.1 }) gives mean ~5, std ~0.1', () => {
    const t = nn.init.normal_(torch.empty([10000]), { mean: 5, std: 0.1, generator: gen(1) });
    const a = arr(t);
    const mean = a.reduce((s, v) => s + v, 0) / a.length;
    const std = Math.sqrt(a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length);
    expect(a.every(Number.isFinite)).toBe(true);
    expect(mean).toBeCloseTo(5, 2);
    expect(std).toBeCloseTo(0.1, 2);
  });
});

// ---- Module methods and nn.utils ----
class Net extends nn.Module {
  fc1 = new nn.Linear(5, 4);
  bn = new nn.BatchNorm1d(4);
  fc2 = new nn.Linear(4, 2);
  override forward(x: Tensor): Tensor {
    return this.fc2(torch.relu(this.bn(this.fc1(x))));
  }
}

describe('Module methods and nn.utils bind PyTorch parameter lists', () => {
  const names = (it: Iterable<[string, unknown]>) => [...it].map(([k]) => k);

  it('namedParameters / namedBuffers / parameters / buffers / namedModules', () => {
    const m = new Net();
    expect(names(m.namedParameters('p', false))).toEqual(
      names(m.namedParameters({ prefix: 'p', recurse: false })),
    );
    expect(names(m.namedParameters('net'))).toEqual([
      'net.fc1.weight',
      'net.fc1.bias',
      'net.bn.weight',
      'net.bn.bias',
      'net.fc2.weight',
      'net.fc2.bias',
    ]);
    expect(m.parameters(false)).toEqual(m.parameters({ recurse: false }));
    expect(names(m.namedBuffers('b'))).toEqual(names(m.namedBuffers({ prefix: 'b' })));
    expect(m.buffers(true).length).toBe(3);
    expect(names(m.namedModules(null, 'root'))).toEqual(names(m.namedModules({ prefix: 'root' })));
    // A shared parameter is listed twice with removeDuplicate false.
    const shared = new Net();
    (shared as unknown as { fc3: torch.nn.Linear }).fc3 = shared.fc2;
    expect(names(shared.namedParameters({ removeDuplicate: false })).length).toBe(8);
    expect(names(shared.namedParameters()).length).toBe(6);
    for (const [label, call, required] of [
      ['nn.Module.namedParameters', m.namedParameters.bind(m) as AnyFn, []],
      ['nn.Module.parameters', m.parameters.bind(m) as AnyFn, []],
      ['nn.Module.namedBuffers', m.namedBuffers.bind(m) as AnyFn, []],
      ['nn.Module.buffers', m.buffers.bind(m) as AnyFn, []],
      ['nn.Module.namedModules', m.namedModules.bind(m) as AnyFn, []],
      ['nn.Module.getSubmodule', m.getSubmodule.bind(m) as AnyFn, ['fc1']],
    ] as [string, AnyFn, unknown[]][])
      expectBindingErrors({ label, call, required });
  });

  it('train / requiresGrad_ / zeroGrad', () => {
    const m = new Net();
    expect(m.train(false).training).toBe(false);
    expect(m.train({ mode: true }).training).toBe(true);
    expect(() => m.train('no' as never)).toThrow(
      /nn\.Module\.train\(\): argument 'mode' \(position 1\) must be a boolean/,
    );
    m.requiresGrad_({ requiresGrad: false });
    expect(m.parameters().every((p) => !p.requiresGrad)).toBe(true);
    m.requiresGrad_(true);
    m(x2).sum().backward();
    m.zeroGrad(false);
    expect(m.parameters().every((p) => p.grad !== null && arr(p.grad).every((v) => v === 0))).toBe(true);
    m.zeroGrad({ setToNone: true });
    expect(m.parameters().every((p) => p.grad === null)).toBe(true);
    for (const [label, call] of [
      ['nn.Module.train', m.train.bind(m) as AnyFn],
      ['nn.Module.requiresGrad_', m.requiresGrad_.bind(m) as AnyFn],
      ['nn.Module.zeroGrad', m.zeroGrad.bind(m) as AnyFn],
    ] as [string, AnyFn][])
      expectBindingErrors({ label, call, required: [] });
  });

  it('stateDict / loadStateDict (strict, assign)', () => {
    const a = new Net();
    const b = new Net();
    expect(Object.keys(a.stateDict({ prefix: 'm.' }))[0]).toBe('m.fc1.weight');
    const dest = {};
    expect(a.stateDict({ destination: dest })).toBe(dest);
    expect(() => a.stateDict('m.' as never)).toThrow(
      /nn\.Module\.stateDict\(\): takes 0 positional arguments/,
    );
    const sd = { ...a.stateDict(), extra: torch.zeros([1]) };
    expect(() => b.loadStateDict(sd)).toThrow(/Unexpected key\(s\)/);
    expect(b.loadStateDict(sd, false)).toEqual(b.loadStateDict(sd, { strict: false }));
    expectSame(a(x2), b(x2));
    const c = new Net();
    const src = a.stateDict();
    c.loadStateDict(src, { assign: true });
    expect(c.fc1.weight.storage).toBe(src['fc1.weight'].storage);
    expectBindingErrors({
      label: 'nn.Module.stateDict',
      call: a.stateDict.bind(a) as AnyFn,
      required: [],
    });
    expectBindingErrors({
      label: 'nn.Module.loadStateDict',
      call: b.loadStateDict.bind(b) as AnyFn,
      required: [a.stateDict()],
    });
  });

  it('to(dtype) / to(device, dtype) / to({ device }) / to(tensor); bad forms list every overload', () => {
    const m = new Net();
    expect(m.to('float32')).toBe(m);
    expect(m.to('cpu', 'float32')).toBe(m);
    expect(m.to({ device: 'cpu' })).toBe(m);
    expect(m.to(torch.zeros([1]))).toBe(m);
    expect(() => m.to({ devise: 'cpu' } as never)).toThrow(
      /nn\.Module\.to\(\): no form accepts these arguments/,
    );
    expect(() => m.to('cpu', 'float32', false, 1 as never)).toThrow(TypeError);
  });

  it('register* methods', () => {
    const m = new nn.Module();
    m.registerBuffer('rb', torch.zeros([2]), false);
    expect(Object.keys(m.stateDict())).toEqual([]);
    m.registerBuffer('pb', torch.zeros([2]), { persistent: true });
    expect(Object.keys(m.stateDict())).toEqual(['pb']);
    m.registerParameter({ name: 'w', param: nn.Parameter(torch.zeros([1])) });
    m.addModule('child', new nn.ReLU());
    expect(names(m.namedParameters())).toEqual(['w']);
    expect(() => m.registerModule('c2', 5 as never)).toThrow(
      /nn\.Module\.registerModule\(\): argument 'module' \(position 2\) must be an nn\.Module/,
    );
    expect(() => m.registerBuffer('x', torch.zeros([1]), { persistant: false } as never)).toThrow(
      /unexpected option 'persistant'/,
    );
  });

  it('nn.utils', () => {
    const grads = () => {
      const m = new Net();
      const ps = m.parameters();
      ps.forEach((p, i) => {
        p.grad = torch.full(p.shape, i + 1, { dtype: 'float32' });
      });
      return ps;
    };
    const a = grads();
    const b = grads();
    expectSame(nn.utils.clipGradNorm_(a, 1, 1), nn.utils.clipGradNorm_(b, { maxNorm: 1, normType: 1 }));
    expectSame(
      a.map((p) => p.grad!),
      b.map((p) => p.grad!),
    );
    expect(() => nn.utils.clipGradNorm_(a, 1, 2, true)).toThrow(/error_if_nonfinite=True is not supported/);
    nn.utils.clipGradValue_(a, 0.1);
    nn.utils.clipGradValue_(b, { clipValue: 0.1 });
    expectSame(
      a.map((p) => p.grad!),
      b.map((p) => p.grad!),
    );
    const v = nn.utils.parametersToVector(a);
    expectSame(v, nn.utils.parametersToVector({ parameters: a }));
    nn.utils.vectorToParameters(v, { parameters: b });
    expectSame(a, b);
    expect(() => nn.utils.clipGradNorm_(5 as never, 1)).toThrow(
      /nn\.utils\.clipGradNorm_\(\): argument 'parameters' \(position 1\) must be a tensor or an iterable of tensors/,
    );
    for (const [label, f, req] of [
      ['nn.utils.clipGradNorm_', nn.utils.clipGradNorm_, [a, 1]],
      ['nn.utils.clipGradValue_', nn.utils.clipGradValue_, [a, 1]],
      ['nn.utils.parametersToVector', nn.utils.parametersToVector, [a]],
      ['nn.utils.vectorToParameters', nn.utils.vectorToParameters, [v, b]],
    ] as [string, AnyFn, unknown[]][])
      expectBindingErrors({ label, call: f, required: req });
  });
});

describe('containers and Parameter bind their lists', () => {
  it('nn.Parameter(data, requiresGrad)', () => {
    const t = torch.zeros([2]);
    expect(nn.Parameter(t, false).requiresGrad).toBe(false);
    expect(nn.Parameter(t, { requiresGrad: false }).requiresGrad).toBe(false);
    expect(new nn.Parameter({ data: t }).requiresGrad).toBe(true);
    expectBindingErrors({ label: 'nn.Parameter', call: (...a) => nn.Parameter(...(a as [])), required: [] });
  });

  it('ModuleList / ModuleDict / Sequential', () => {
    const a = new nn.ReLU();
    const b = new nn.Tanh();
    expect([...new nn.ModuleList([a, b])]).toEqual([...new nn.ModuleList({ modules: [a, b] })]);
    expect(new nn.ModuleDict({ a, b }).keys()).toEqual(['a', 'b']);
    expect(new nn.ModuleDict(new Map([['a', a]])).keys()).toEqual(['a']);
    expect(() => new nn.ModuleList([a, 5 as never])).toThrow(
      /nn\.ModuleList\(\): argument 'modules' must hold nn\.Modules, not 5/,
    );
    expect(() => new nn.ModuleList([a], 1 as never)).toThrow(
      /nn\.ModuleList\(\): takes 1 positional argument/,
    );
    expect(() => new nn.ModuleDict({ a: 3 } as never)).toThrow(/nn\.ModuleDict\.update\(\): .* 'a': 3/);
    expect(() => new nn.Sequential(a, 'b' as never)).toThrow(
      /nn\.Sequential\(\): argument 'modules' must hold nn\.Modules/,
    );
    const l = new nn.ModuleList();
    l.append(a).extend([b]);
    l.insert(0, { module: b });
    expect([...l]).toEqual([b, a, b]);
    expect(() => l.append(3 as never)).toThrow(
      /nn\.ModuleList\.append\(\): argument 'module' \(position 1\) must be an nn\.Module/,
    );
    expect(() => new nn.Sequential(a).append({ module: b, at: 1 } as never)).toThrow(
      /unexpected option 'at'/,
    );
  });
});

describe('signature/: nullable list items', () => {
  it('int?[2] takes null entries and one value for both', () => {
    expectSame(F.adaptiveAvgPool2d(x4, [null, 3]), F.adaptiveAvgPool2d(x4, [6, 3]));
    expectSame(F.adaptiveAvgPool2d(x4, 3), F.adaptiveAvgPool2d(x4, [3, 3]));
    expect(() => F.adaptiveAvgPool2d(x4, ['a' as never, 3])).toThrow(
      /argument 'outputSize' \(position 2\) must be int\?\[2\]/,
    );
  });
});

// ---- layers over src/ops/nn-more.ts (any number of forward inputs) ----
describe('more nn layers bind PyTorch parameter lists', () => {
  const pm1 = torch.tensor([1, -1, 1, -1]);
  const cases: [string, new (...a: any[]) => torch.nn.Module, unknown[], unknown[], Tensor[], unknown[]?][] =
    [
      ['nn.CELU', nn.CELU, [0.5], [{ alpha: 0.5 }], [x2]],
      ['nn.GLU', nn.GLU, [0], [{ dim: 0 }], [x2]],
      ['nn.Hardshrink', nn.Hardshrink, [0.3], [{ lambd: 0.3 }], [x2]],
      ['nn.Softshrink', nn.Softshrink, [0.3], [{ lambd: 0.3 }], [x2]],
      ['nn.Tanhshrink', nn.Tanhshrink, [], [{}], [x2]],
      ['nn.Hardsigmoid', nn.Hardsigmoid, [false], [{}], [x2]],
      ['nn.Hardswish', nn.Hardswish, [false], [{ inplace: false }], [x2]],
      ['nn.Threshold', nn.Threshold, [0.1, 2], [0.1, { value: 2 }], [x2], [0.1, 2]],
      ['nn.Softsign', nn.Softsign, [], [{}], [x2]],
      ['nn.LogSigmoid', nn.LogSigmoid, [], [{}], [x2]],
      ['nn.PReLU', nn.PReLU, [3, 0.1], [{ numParameters: 3, init: 0.1 }], [x4]],
      ['nn.CosineSimilarity', nn.CosineSimilarity, [0], [{ dim: 0 }], [x2, probs]],
      ['nn.PairwiseDistance', nn.PairwiseDistance, [1, 1e-6, true], [{ p: 1, keepdim: true }], [x2, probs]],
      ['nn.MarginRankingLoss', nn.MarginRankingLoss, [0.5], [{ margin: 0.5 }], [x2, probs, tgt01]],
      ['nn.HingeEmbeddingLoss', nn.HingeEmbeddingLoss, [2], [{ margin: 2 }], [x2, torch.sign(x2)]],
      [
        'nn.SoftMarginLoss',
        nn.SoftMarginLoss,
        [null, null, 'sum'],
        [{ reduction: 'sum' }],
        [x2, torch.sign(x2)],
      ],
      ['nn.MultiLabelSoftMarginLoss', nn.MultiLabelSoftMarginLoss, [cw], [{ weight: cw }], [x2, tgt01]],
      ['nn.MultiMarginLoss', nn.MultiMarginLoss, [2, 0.5], [{ p: 2, margin: 0.5 }], [x2, cls]],
      ['nn.TripletMarginLoss', nn.TripletMarginLoss, [0.5, 1], [{ margin: 0.5, p: 1 }], [x2, probs, tgt01]],
      ['nn.PoissonNLLLoss', nn.PoissonNLLLoss, [true, true], [{ full: true }], [x2, tgt01]],
      [
        'nn.GaussianNLLLoss',
        nn.GaussianNLLLoss,
        [{ full: true }],
        [{ full: true, eps: 1e-6 }],
        [x2, probs, tgt01],
      ],
      ['nn.CosineEmbeddingLoss', nn.CosineEmbeddingLoss, [0.2], [{ margin: 0.2 }], [x2, probs, pm1]],
      ['nn.AvgPool1d', nn.AvgPool1d, [3, 2, 1], [3, { stride: 2, padding: 1 }], [x3], [3]],
      ['nn.MaxPool1d', nn.MaxPool1d, [3, 2, 1], [3, { stride: 2, padding: 1 }], [x3], [3]],
      [
        'nn.MaxPool3d',
        nn.MaxPool3d,
        [2, 1, 1, 1, true],
        [2, { stride: 1, padding: 1, returnIndices: true }],
        [x4],
        [2],
      ],
      ['nn.AvgPool3d', nn.AvgPool3d, [2, null, 1, true], [2, { padding: 1, ceilMode: true }], [x4], [2]],
      ['nn.AdaptiveAvgPool1d', nn.AdaptiveAvgPool1d, [3], [{ outputSize: 3 }], [x3], [3]],
      ['nn.AdaptiveAvgPool3d', nn.AdaptiveAvgPool3d, [2], [{ outputSize: 2 }], [x4], [2]],
      ['nn.AdaptiveMaxPool1d', nn.AdaptiveMaxPool1d, [3, true], [3, { returnIndices: true }], [x3], [3]],
      ['nn.AdaptiveMaxPool2d', nn.AdaptiveMaxPool2d, [4], [{ outputSize: 4 }], [x4], [4]],
      ['nn.AdaptiveMaxPool3d', nn.AdaptiveMaxPool3d, [2], [{ outputSize: 2 }], [x4], [2]],
      ['nn.LPPool1d', nn.LPPool1d, [2, 3, 2], [2, 3, { stride: 2 }], [x3], [2, 3]],
      ['nn.LPPool2d', nn.LPPool2d, [2, 2], [2, { kernelSize: 2 }], [x4], [2, 2]],
      ['nn.InstanceNorm1d', nn.InstanceNorm1d, [3, 1e-5, 0.1, true], [3, { affine: true }], [x3], [3]],
      [
        'nn.InstanceNorm2d',
        nn.InstanceNorm2d,
        [3, 1e-5, 0.2, false, true],
        [3, { momentum: 0.2, trackRunningStats: true }],
        [x4],
        [3],
      ],
      ['nn.InstanceNorm3d', nn.InstanceNorm3d, [2], [{ numFeatures: 2 }], [randn([1, 2, 2, 3, 3])], [2]],
      ['nn.LocalResponseNorm', nn.LocalResponseNorm, [2, 0.1], [2, { alpha: 0.1 }], [x4], [2]],
      ['nn.PixelShuffle', nn.PixelShuffle, [1], [{ upscaleFactor: 1 }], [x4], [1]],
      ['nn.PixelUnshuffle', nn.PixelUnshuffle, [3], [{ downscaleFactor: 3 }], [x4], [3]],
      ['nn.Unfold', nn.Unfold, [3, 1, 1, 2], [3, { padding: 1, stride: 2 }], [x4], [3]],
      ['nn.Bilinear', nn.Bilinear, [5, 5, 3, false], [5, 5, 3, { bias: false }], [x2, probs], [5, 5, 3]],
    ];
  for (const [label, C, pos, opts, inputs, required] of cases)
    it(`${label}: positional == options; extra / unknown / wrong type are TypeErrors`, () => {
      const a = new C(...pos);
      const b = new C(...opts);
      expect(b.toString()).toBe(a.toString());
      b.loadStateDict(a.stateDict());
      expectSame(a(...inputs), b(...inputs));
      expectBindingErrors({ label, call: (...args) => new C(...args), required: required ?? [] });
    });

  it('RReLU: eval mode uses the mean slope; training draws slopes in [lower, upper]', () => {
    const m = new nn.RReLU(0.1, 0.3);
    const x = torch.tensor([-1, -2, 3]);
    m.eval();
    expect(arr(m(x))).toEqual(arr(F.leakyRelu(x, 0.2)));
    m.train();
    const y = arr(m(x));
    expect(y[2]).toBe(3);
    for (const [i, v] of [-1, -2].entries()) {
      expect(y[i] / v).toBeGreaterThanOrEqual(0.1 - 1e-6);
      expect(y[i] / v).toBeLessThanOrEqual(0.3 + 1e-6);
    }
    expectBindingErrors({
      label: 'nn.RReLU',
      call: (...args) => new nn.RReLU(...(args as [])),
      required: [],
    });
  });

  it('values match PyTorch on a small case', () => {
    const x = torch.tensor([[-2, -0.25, 0.5, 4]]);
    const close = (t: Tensor, want: number[]) =>
      arr(t).forEach((v, i) => {
        expect(v).toBeCloseTo(want[i], 5);
      });
    // torch.nn.functional.{hardswish, hardsigmoid, softshrink, celu}(x)
    close(F.hardswish(x), [-0.3333333, -0.1145833, 0.2916667, 4]);
    close(F.hardsigmoid(x), [0.1666667, 0.4583333, 0.5833333, 1]);
    close(F.softshrink(x), [-1.5, 0, 0, 3.5]);
    close(F.celu(x, 2), [-1.2642411, -0.2350061, 0.5, 4]);
    close(F.pixelShuffle(torch.arange(8).reshape([1, 4, 1, 2]), 2).flatten(), [0, 2, 1, 3, 4, 6, 5, 7]);
  });
});
