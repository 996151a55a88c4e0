/**
 * linalg on singular / non-positive-definite input: the CPU raises at the call (PyTorch's
 * message); WebGPU cannot know before the result is computed, so the op defers a check on a
 * small result tensor (Backend.deferCheck) and the next read or synchronize() raises the same
 * error. Results that are fine (det of a singular matrix) raise nothing.
 */
import { expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import { describeGpu } from './helpers.js';

const singular = [
  [1, 2],
  [2, 4],
];
const cases: [string, (dev: string) => torch.Tensor, RegExp][] = [
  [
    'linalg.inv',
    (d) => torch.linalg.inv(torch.tensor(singular, { dtype: 'float32' }).to(d)),
    /^linalg\.inv: The diagonal element 2 is zero, the inversion could not be completed because the input matrix is singular\.$/,
  ],
  [
    'linalg.inv (batched)',
    (d) =>
      torch.linalg.inv(
        torch
          .tensor(
            [
              [
                [2, 0],
                [0, 1],
              ],
              singular,
            ],
            { dtype: 'float32' },
          )
          .to(d),
      ),
    /^linalg\.inv: \(Batch element 1\): The diagonal element 2 is zero/,
  ],
  [
    'linalg.solve',
    (d) => torch.linalg.solve(torch.tensor(singular, { dtype: 'float32' }).to(d), torch.ones([2, 1]).to(d)),
    /^torch\.linalg\.solve: The solver failed because the input matrix is singular\.$/,
  ],
  [
    'linalg.cholesky',
    (d) =>
      torch.linalg.cholesky(
        torch
          .tensor(
            [
              [4, 2],
              [2, -1],
            ],
            { dtype: 'float32' },
          )
          .to(d),
      ),
    /^linalg\.cholesky: The factorization could not be completed because the input is not positive-definite \(the leading minor of order 2 is not positive-definite\)\.$/,
  ],
];

describeGpu('linalg errors on webgpu', () => {
  for (const [name, make, msg] of cases)
    it(`${name}: the CPU raises at the call, webgpu at the next read with the same message`, async () => {
      let cpuError = '';
      try {
        make('cpu');
      } catch (e) {
        cpuError = (e as Error).message;
      }
      expect(cpuError).toMatch(msg);
      const y = make('webgpu');
      await expect(y.toArray()).rejects.toThrow(cpuError);
      // Raised once: the next reads work.
      const ok = torch.linalg.inv(
        torch
          .tensor(
            [
              [2, 0],
              [0, 4],
            ],
            { dtype: 'float32' },
          )
          .to('webgpu'),
      );
      expect(Array.from(await ok.toArray())).toEqual([0.5, 0, 0, 0.25]);
    });

  it('synchronize() raises it too', async () => {
    torch.linalg.inv(torch.tensor(singular, { dtype: 'float32' }).to('webgpu'));
    await expect(torch.webgpu.synchronize()).rejects.toThrow(/linalg\.inv: The diagonal element 2 is zero/);
    await torch.webgpu.synchronize();
  });

  it('a singular matrix is fine where PyTorch allows it (det is 0, no error)', async () => {
    const d = torch.linalg.det(torch.tensor(singular, { dtype: 'float32' }).to('webgpu'));
    expect(Math.abs(await d.item())).toBe(0);
  });
});
