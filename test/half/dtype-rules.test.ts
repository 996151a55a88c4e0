/**
 * Mixed-dtype and 16-bit rules of single ops, with PyTorch 1.13's CPU results and messages
 * (checked with /usr/bin/python3, torch 1.13), the same on every device.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { testDevices } from '../helpers/devices.js';

const F = torch.nn.functional;

for (const dev of testDevices())
  describe(`dtype rules on ${dev}`, () => {
    const on = (t: Tensor) => t.to(dev);
    it('prelu: a bfloat16 input takes a float32 weight (rounded to bfloat16 first); other mixes are refused', async () => {
      const x = on(
        torch
          .tensor([
            [-1.5, 2],
            [-3, 0.5],
          ])
          .bfloat16(),
      );
      const w = on(torch.tensor([0.3]));
      const y = F.prelu(x, w);
      expect(y.dtype).toBe('bfloat16');
      // The weight 0.3 is bfloat16 0.30078125 first: -1.5 * it and -3 * it are exact (PyTorch's values).
      expect(Array.from(await y.toArray())).toEqual([-0.451171875, 2, -0.90234375, 0.5]);
      expect(() => F.prelu(x.half(), w)).toThrow('Found dtype Float but expected Half');
      expect(() => F.prelu(x.float(), w.bfloat16())).toThrow('Found dtype BFloat16 but expected Float');
      expect(() => F.prelu(x.float(), w.half())).toThrow('Found dtype Half but expected Float');
    });

    it('index/scatter ops refuse a source of another dtype, in 1.13 wording; the *_scatter ops cast', () => {
      const s = on(torch.zeros(4, 3));
      const idx = on(torch.tensor([0, 2]));
      const src = on(torch.ones(2, 3).half());
      const i2 = on(
        torch.tensor([
          [0, 1, 2],
          [1, 2, 3],
        ]),
      );
      const mask = torch.gt(s, -1);
      const cases: [() => unknown, string][] = [
        [
          () => s.indexPut([idx], src),
          'Index put requires the source and destination dtypes match, got Float for the destination and Half for the source.',
        ],
        [
          () => s.clone().indexPut_([mask], on(torch.ones(12).bfloat16())),
          'Index put requires the source and destination dtypes match, got Float for the destination and BFloat16 for the source.',
        ],
        [
          () => s.indexCopy(0, idx, src),
          'index_copy_(): self and source expected to have the same dtype, but got (self) Float and (source) Half',
        ],
        [
          () => s.indexAdd(0, idx, src),
          'index_add_(): self (Float) and source (Half) must have the same scalar type',
        ],
        [
          () => s.indexReduce(0, idx, src, 'prod'),
          'index_reduce_(): self (Float) and source (Half) must have the same scalar type',
        ],
        [() => s.scatter(0, i2, src), 'scatter(): Expected self.dtype to be equal to src.dtype'],
        [() => torch.scatterAdd(s, 0, i2, src), 'scatter(): Expected self.dtype to be equal to src.dtype'],
        [() => s.clone().scatterAdd_(0, i2, src), 'scatter(): Expected self.dtype to be equal to src.dtype'],
        [
          () => s.scatterReduce(0, i2, src, 'amax'),
          'scatter(): Expected self.dtype to be equal to src.dtype',
        ],
        [
          () => s.maskedScatter(mask, on(torch.ones(12).half())),
          'masked_scatter: expected self and source to have same dtypes but gotFloat and Half',
        ],
        [
          () => s.put(idx, on(torch.ones(2).half())),
          'put_(): self and source expected to have the same dtype, but got self.dtype = Float and source.dtype = Half',
        ],
      ];
      for (const [f, msg] of cases) expect(f).toThrow(msg);
      expect(torch.diagonalScatter(on(torch.zeros(3, 3)), on(torch.ones(3).half())).dtype).toBe('float32');
      expect(s.indexFill(0, idx, on(torch.tensor(1).half())).dtype).toBe('float32');
      expect(s.scatter(0, i2, 2).dtype).toBe('float32');
    });

    it('16-bit linalg: results keep the dtype; inv/slogdet/logdet/matrix_norm(2, nuc)/pinv/vander/quantile refuse', () => {
      const a = on(
        torch
          .tensor([
            [4, 1, 0],
            [1, 3, 0],
            [0, 0, 2],
          ])
          .half(),
      );
      expect(torch.linalg.cholesky(a).dtype).toBe('float16');
      expect(torch.linalg.eigvalsh(a.bfloat16()).dtype).toBe('bfloat16');
      expect(torch.linalg.svdvals(a).dtype).toBe('float16');
      expect(torch.linalg.matrixNorm(a).dtype).toBe('float16'); // 'fro' is allowed
      expect(() => torch.linalg.inv(a)).toThrow('linalg.inv: Low precision dtypes not supported. Got Half');
      expect(() => torch.inverse(a.bfloat16())).toThrow(
        'linalg.inv: Low precision dtypes not supported. Got BFloat16',
      );
      expect(() => torch.linalg.matrixPower(a, -1)).toThrow('linalg.inv: Low precision dtypes not supported');
      expect(() => torch.linalg.slogdet(a)).toThrow(
        'linalg.slogdet: Low precision dtypes not supported. Got Half',
      );
      expect(() => torch.logdet(a)).toThrow('logdet: Low precision dtypes not supported. Got Half');
      expect(() => torch.linalg.matrixNorm(a, 'nuc')).toThrow('linalg.matrix_norm: Low precision dtypes');
      expect(() => torch.linalg.matrixNorm(a, 2)).toThrow('linalg.matrix_norm: Low precision dtypes');
      expect(() => torch.linalg.pinv(a)).toThrow(
        'linalg.pinv(Half{[3, 3]}): expected a tensor with 2 or more dimensions of float, double, cfloat or cdouble types',
      );
      expect(() => torch.linalg.vander(on(torch.tensor([1, 2]).half()))).toThrow(
        'linalg.vander supports floating point, complex, and integer tensors, but got Half',
      );
      expect(() => torch.quantile(a, 0.5)).toThrow(
        'quantile() input tensor must be either float or double dtype',
      );
      expect(() => torch.nanquantile(a.bfloat16(), 0.5)).toThrow('quantile() input tensor must be');
      expect(() => torch.quantile(a.float(), on(torch.tensor([0.5]).half()))).toThrow(
        'quantile() q tensor must be same dtype as the input tensor',
      );
    });

    it('counts are integers: nanmean, masked mean/var and avg_pool keep a 16-bit dtype', async () => {
      const x = on(torch.tensor([1, Number.NaN, 2, 4]).half());
      const m = torch.nanmean(x);
      expect(m.dtype).toBe('float16');
      expect(Array.from(await m.toArray())).toEqual([2.333984375]); // 7 / 3, rounded once
      expect(torch.masked.mean(on(torch.tensor([1, 2]).bfloat16())).dtype).toBe('bfloat16');
      expect(torch.masked.var(on(torch.tensor([1, 2]).half())).dtype).toBe('float16');
      const p = F.avgPool3d(on(torch.arange(8).reshape([1, 1, 2, 2, 2]).half()), 2);
      expect(p.dtype).toBe('float16');
      expect(Array.from(await p.toArray())).toEqual([3.5]);
    });
  });
