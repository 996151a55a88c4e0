/**
 * transforms: outputs against torchvision semantics, the reference values computed with
 * PyTorch 1.13 (REF below) or by hand; random transforms reproducible from torch.manualSeed.
 */
import { describe, expect, it } from 'vitest';
import type { ImageData } from '../../src/data/transforms.js';
import * as torch from '../../src/index.js';

const { transforms } = torch;
const arr = (t: torch.Tensor) => Array.from(t.toArraySync() as ArrayLike<number>);
const close = (a: number[], b: number[], tol = 1e-5) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++)
    expect(Math.abs(a[i] - b[i]), `element ${i}: ${a[i]} vs ${b[i]}`).toBeLessThan(tol);
};
const img = (n: number, f: (i: number) => number, shape: number[]) =>
  torch.tensor(Array.from({ length: n }, (_, i) => f(i))).reshape(shape);

// Computed with PyTorch 1.13 (F.interpolate; torchvision 0.15's rotate and color code reimplemented
// on torch.grid_sample), rounded to 6 decimals; the inputs are the formulas in the test.
const REF = {
  down_aa: [
    0.417483, 0.506, 0.373029, 0.525306, 0.430688, 0.562933, 0.471644, 0.627831, 0.436258, 0.623714, 0.461886,
    0.482245,
  ],
  down_noaa: [
    0.32875, 0.555417, 0.319167, 0.50375, 0.26875, 0.79, 0.55375, 0.57, 0.419167, 0.772083, 0.535833,
    0.467917,
  ],
  up: [
    0, 0.246667, 0.534444, 0.597778, 0.1, 0.387778, 0.675556, 0.626667, 0.2, 0.325714, 0.572381, 0.603651,
    0.474603, 0.425714, 0.264603, 0.424127, 0.567619, 0.525714, 0.444286, 0.690952, 0.658095, 0.480952,
    0.544286, 0.270952, 0.398413, 0.59, 0.644286, 0.13, 0.376667, 0.664444, 0.727778, 0.23, 0.517778,
    0.805556, 0.756667, 0.33, 0.537143, 0.302857, 0.350159, 0.57381, 0.637143, 0.363809, 0.49127, 0.682857,
    0.737143, 0.511429, 0.373333, 0.46873, 0.660317, 0.611428, 0.450317, 0.369365, 0.464762, 0.711429, 0.26,
    0.506667, 0.794444, 0.857778, 0.36, 0.647778, 0.374444, 0.213333, 0.46,
  ],
  nearest: [0, 0.37, 0.1, 0.84, 0.57, 0.94, 0.67, 0.4, 0.7, 0.06, 0.8, 0.53],
  rot_nearest: [
    0, 0.09375, 0.645833, 0.46875, 0.010417, 0, 0.552083, 0.09375, 0.927083, 0.927083, 0.75, 0.291667,
    0.28125, 0.833333, 0.65625, 0.197917, 0.020833, 0.572917, 0.5625, 0.104167, 0.9375, 0.9375, 0.760417,
    0.302083, 0, 0.84375, 0.385417, 0.208333, 0.760417, 0,
  ],
  rot_bilinear: [
    0.000128, 0.054915, 0.620179, 0.363876, 0.107572, 0.017511, 0.360195, 0.338802, 0.655392, 0.616636,
    0.580309, 0.27861, 0.39585, 0.609698, 0.572156, 0.298932, 0.244469, 0.458316, 0.316846, 0.273858,
    0.590448, 0.705198, 0.515365, 0.30726, 0.078312, 0.746594, 0.525348, 0.250909, 0.174234, 0.000147,
  ],
  rot_bilinear_fill: [
    0.256113, 0.522912, 0.601931, 0.512692, 0.148574, 0.25, 0.62192, 0.352078, 0.413062, 0.398298, 0.537721,
    0.235164, 0.592911, 0.642453, 0.682114, 0.489942, 0.672409, 0.261256, 0.210735, 0.463274, 0.510351,
    0.441105, 0.502089, 0.232246, 0.25, 0.341764, 0.341474, 0.252236, 0.331255, 0.174696,
  ],
  contrast: [
    0.264185, 0.747518, 0.714185, 0.680851, 0.647518, 0.614185, 0.580851, 0.547518, 0.514185, 0.480851,
    0.447518, 0.414185, 0.380851, 0.347518, 0.314185, 0.280851, 0.764185, 0.730851,
  ],
  saturation: [
    0, 1, 1, 1, 0.91246, 0.845789, 0.79781, 0.514934, 0.448263, 0.381592, 0.23246, 0.165789, 0.11781, 0, 0, 0,
    1, 1,
  ],
  brightness: [
    0, 1, 1, 1, 1, 1, 1, 0.906667, 0.8, 0.693333, 0.586667, 0.48, 0.373333, 0.266667, 0.16, 0.053333, 1, 1,
  ],
};

const X = img(35, (i) => ((i * 37) % 101) / 100, [1, 5, 7]);
const Y = img(30, (i) => ((i * 53) % 97) / 96, [1, 5, 6]);
const Z = img(18, (i) => ((i * 29) % 31) / 30, [3, 2, 3]);

describe('ToTensor and Normalize', () => {
  it('ToTensor: HWC uint8 image object -> CHW float in [0, 1]', () => {
    const pic = { data: Uint8Array.from([0, 51, 255, 102, 153, 204]), width: 2, height: 1, channels: 3 };
    const t = new transforms.ToTensor()(pic) as torch.Tensor;
    expect(t.shape).toEqual([3, 1, 2]);
    close(arr(t), [0, 102 / 255, 51 / 255, 153 / 255, 1, 204 / 255]);
    const fromTensor = new transforms.ToTensor()(torch.tensor([0, 51, 255, 102, 153, 204]).reshape(1, 2, 3));
    close(arr(fromTensor), arr(t));
    expect(() => new transforms.ToTensor()(torch.ones([1, 2, 3]))).toThrow(/integer tensor/);
  });
  it('Normalize: (x - mean) / std per channel; inplace writes the input', () => {
    const n = new transforms.Normalize([0.5, 0, 1], [0.5, 2, 0.25]);
    const out = n(Z) as torch.Tensor;
    const z = arr(Z);
    close(
      arr(out),
      z.map((v, i) => (v - [0.5, 0, 1][Math.floor(i / 6)]) / [0.5, 2, 0.25][Math.floor(i / 6)]),
    );
    expect(arr(Z)).toEqual(z);
    const w = Z.clone();
    new transforms.Normalize([0.5, 0, 1], [0.5, 2, 0.25], { inplace: true })(w);
    close(arr(w), arr(out));
    expect(() => new transforms.Normalize([0], [0])(Z)).toThrow(/division by zero/);
    expect(() => n(torch.tensor([1, 2, 3, 4, 5, 6]).reshape(1, 2, 3))).toThrow(/should be a float tensor/);
  });
  it('Compose runs in order; Lambda wraps a function', () => {
    const c = new transforms.Compose([
      new transforms.ToTensor(),
      new transforms.Lambda((t: torch.Tensor) => t.mul(2)),
      new transforms.Normalize([1], [1]),
    ]);
    const out = c({ data: Uint8Array.from([0, 255]), width: 2, height: 1, channels: 1 }) as torch.Tensor;
    close(arr(out), [-1, 1]);
    expect(() => new transforms.Lambda(3 as never)).toThrow(/transforms\.Lambda\(\): argument 'lambd'/);
  });
});

describe('Resize (PyTorch 1.13 interpolate)', () => {
  it('an int matches the shorter side (5x7 -> 3x4: 7 * 3 / 5 truncated), antialiased bilinear', () => {
    const out = new transforms.Resize(3)(X) as torch.Tensor;
    expect(out.shape).toEqual([1, 3, 4]);
    close(arr(out), REF.down_aa);
  });
  it('antialias false, upsampling, nearest', () => {
    close(arr(new transforms.Resize([3, 4], { antialias: false })(X) as torch.Tensor), REF.down_noaa);
    close(arr(new transforms.Resize([7, 9])(X) as torch.Tensor), REF.up);
    close(
      arr(new transforms.Resize([3, 4], transforms.InterpolationMode.NEAREST)(X) as torch.Tensor),
      REF.nearest,
    );
  });
  it('image objects stay image objects, rounded; maxSize caps the longer side', () => {
    const pic = { data: Uint8Array.from([0, 100, 200, 255]), width: 4, height: 1, channels: 1 };
    const out = new transforms.Resize([1, 2])(pic) as ImageData;
    expect([out.width, out.height, out.channels]).toEqual([2, 1, 1]);
    expect(Array.from(out.data)).toEqual([71, 209]); // torch 1.13 antialiased: 71.4286, 209.2857
    const capped = new transforms.Resize(4, { maxSize: 6 })(torch.zeros([1, 10, 20])) as torch.Tensor;
    expect(capped.shape).toEqual([1, 3, 6]);
  });
});

describe('crops and flips', () => {
  const grid = img(20, (i) => i, [1, 4, 5]); // rows 0..4, 5..9, ...
  it("CenterCrop rounds the offset with Python's round (half to even); pads with zeros when larger", () => {
    expect(arr(new transforms.CenterCrop(2)(grid) as torch.Tensor)).toEqual([7, 8, 12, 13]); // top 1, left round(1.5)=2
    expect(arr(new transforms.CenterCrop(3)(grid) as torch.Tensor)).toEqual([1, 2, 3, 6, 7, 8, 11, 12, 13]); // top round(0.5)=0
    const big = new transforms.CenterCrop([2, 7])(img(2, (i) => i + 1, [1, 1, 2])) as torch.Tensor;
    // torchvision pads [left 2, top 0, right 3, bottom 1] then crops the center
    expect(arr(big)).toEqual([0, 0, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });
  it('RandomCrop padding modes (the whole padded image when the size matches)', () => {
    const row = img(3, (i) => i + 1, [1, 1, 3]);
    const pad = (mode: 'constant' | 'edge' | 'reflect' | 'symmetric') =>
      arr(
        new transforms.RandomCrop([1, 7], { padding: [2, 0], paddingMode: mode, fill: 9 })(
          row,
        ) as torch.Tensor,
      );
    expect(pad('constant')).toEqual([9, 9, 1, 2, 3, 9, 9]);
    expect(pad('edge')).toEqual([1, 1, 1, 2, 3, 3, 3]);
    expect(pad('reflect')).toEqual([3, 2, 1, 2, 3, 2, 1]);
    expect(pad('symmetric')).toEqual([2, 1, 1, 2, 3, 3, 2]);
    expect(() => new transforms.RandomCrop(5)(grid)).toThrow(
      /Required crop size \(5, 5\) is larger than input image size \(4, 5\)/,
    );
    // padIfNeeded pads the short side by the missing amount on both ends: 4 + 2 * 1 rows
    const p = new transforms.RandomCrop([5, 5], { padIfNeeded: true })(grid) as torch.Tensor;
    expect(p.shape).toEqual([1, 5, 5]);
  });
  it('RandomCrop: every offset occurs, each crop a window of the padded image, reproducible by seed', () => {
    const rc = new transforms.RandomCrop(2, { padding: 1 });
    const seen = new Set<string>();
    torch.manualSeed(7);
    const first = Array.from({ length: 60 }, () => arr(rc(grid) as torch.Tensor));
    for (const w of first) seen.add(w.join(','));
    torch.manualSeed(7);
    const again = Array.from({ length: 60 }, () => arr(rc(grid) as torch.Tensor));
    expect(again).toEqual(first);
    // padded 6x7: 5 * 6 = 30 offsets; distinct windows of the grid (zeros at the border) all appear
    const padded = (r: number, c: number) => (r < 1 || r > 4 || c < 1 || c > 5 ? 0 : (r - 1) * 5 + (c - 1));
    const all = new Set<string>();
    for (let i = 0; i < 5; i++)
      for (let j = 0; j < 6; j++)
        all.add([padded(i, j), padded(i, j + 1), padded(i + 1, j), padded(i + 1, j + 1)].join(','));
    for (const s of seen) expect(all.has(s)).toBe(true);
    expect(seen.size).toBeGreaterThan(20);
  });
  it('RandomHorizontalFlip: p=1 mirrors, p=0 keeps; about half at p=0.5', () => {
    expect(arr(new transforms.RandomHorizontalFlip(1)(img(3, (i) => i, [1, 1, 3])) as torch.Tensor)).toEqual([
      2, 1, 0,
    ]);
    expect(arr(new transforms.RandomVerticalFlip(1)(img(2, (i) => i, [1, 2, 1])) as torch.Tensor)).toEqual([
      1, 0,
    ]);
    const keep = img(3, (i) => i, [1, 1, 3]);
    expect(new transforms.RandomHorizontalFlip(0)(keep)).toBe(keep);
    torch.manualSeed(1);
    const f = new transforms.RandomHorizontalFlip();
    let flipped = 0;
    for (let k = 0; k < 400; k++) if (f(keep) !== keep) flipped++;
    expect(Math.abs(flipped / 400 - 0.5)).toBeLessThan(0.1);
  });
});

describe('RandomRotation (torchvision tensor path, PyTorch 1.13 grid_sample)', () => {
  it('rotate by 30 degrees: nearest (the default) and bilinear, fill 0', () => {
    close(arr(transforms.rotate(Y, 30) as torch.Tensor), REF.rot_nearest);
    close(arr(transforms.rotate(Y, 30, 'bilinear') as torch.Tensor), REF.rot_bilinear);
    close(
      arr(transforms.rotate(Y, -50, 'bilinear', false, null, [0.25]) as torch.Tensor),
      REF.rot_bilinear_fill,
    );
  });
  it('RandomRotation draws the angle in [-d, d] from the seeded generator', () => {
    const r = new transforms.RandomRotation([30, 30]);
    close(arr(r(Y) as torch.Tensor), REF.rot_nearest);
    const rr = new transforms.RandomRotation(45, { interpolation: 'bilinear' });
    torch.manualSeed(3);
    const a = arr(rr(Y) as torch.Tensor);
    torch.manualSeed(3);
    expect(arr(rr(Y) as torch.Tensor)).toEqual(a);
    expect(() => new transforms.RandomRotation(-1)).toThrow(/must be positive/);
    // expand: torchvision's _compute_affine_output_size gives (w 6, h 7) for 6x5 at 90 degrees
    expect((transforms.rotate(Y, 90, 'nearest', true) as torch.Tensor).shape).toEqual([1, 7, 6]);
  });
});

describe('ColorJitter (torchvision _blend, gray 0.2989/0.587/0.114)', () => {
  it('fixed factors reproduce brightness, contrast, saturation', () => {
    close(arr(new transforms.ColorJitter({ brightness: [1.6, 1.6] })(Z) as torch.Tensor), REF.brightness);
    close(arr(new transforms.ColorJitter({ contrast: [0.5, 0.5] })(Z) as torch.Tensor), REF.contrast);
    close(arr(new transforms.ColorJitter({ saturation: [1.7, 1.7] })(Z) as torch.Tensor), REF.saturation);
    expect(() => new transforms.ColorJitter({ hue: 0.1 })).toThrow(/hue is not implemented/);
  });
  it('random factors stay in range and are reproducible; image objects stay uint8', () => {
    const cj = new transforms.ColorJitter(0.4, 0.4, 0.4);
    torch.manualSeed(5);
    const a = arr(cj(Z) as torch.Tensor);
    torch.manualSeed(5);
    expect(arr(cj(Z) as torch.Tensor)).toEqual(a);
    expect(a.every((v) => v >= 0 && v <= 1)).toBe(true);
    const pic = { data: Uint8Array.from([100, 50, 200]), width: 1, height: 1, channels: 3 };
    const out = new transforms.ColorJitter({ brightness: [2, 2] })(pic) as ImageData;
    expect(Array.from(out.data)).toEqual([200, 100, 255]);
  });
});
