/**
 * torch.linalg on every device: values against PyTorch 1.13 (CPU, float32; the numbers were
 * printed by `/usr/bin/python3 -c 'import torch; ...'` and pasted here), gradchecks of the
 * backward formulas, and PyTorch's error messages.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { expectGradcheck, leaf, values } from '../helpers/conformance.js';
import { testDevices } from '../helpers/devices.js';

async function expectValues(t: Tensor, want: readonly number[], tol = 1e-4): Promise<void> {
  const got = await values(t);
  expect(got.length).toBe(want.length);
  got.forEach((v, i) => {
    expect(Math.abs(v - want[i]), `[${i}] = ${v}, want ${want[i]}`).toBeLessThanOrEqual(
      tol + tol * Math.abs(want[i]),
    );
  });
}

const A3 = [
  [4, -2, 1],
  [3, 6, -4],
  [2, 1, 8],
];
const SPD = [
  [4, 12, -16],
  [12, 37, -43],
  [-16, -43, 98],
];
const M32 = [
  [1, 2],
  [3, 4],
  [5, 6],
];

for (const device of testDevices())
  describe(`torch.linalg on ${device}`, () => {
    const t = (x: number[][] | number[]) => torch.tensor(x, { device, dtype: 'float32' });
    /** A well-conditioned random square leaf: N(0,1) plus a multiple of the identity. */
    const square = (n: number, seed: number, batch: number[] = []) => {
      const x = torch.add(leaf([...batch, n, n], device, seed), torch.mul(torch.eye(n, { device }), 3));
      return x.detach().requiresGrad_(true);
    };

    it('det, slogdet, inv, solve match PyTorch', async () => {
      // PyTorch: det 263.0, slogdet (1.0, 5.5721540451049805)
      await expectValues(torch.linalg.det(t(A3)), [263]);
      const [s, l] = torch.linalg.slogdet(t(A3));
      await expectValues(s, [1]);
      await expectValues(l, [5.5721540451049805]);
      await expectValues(
        torch.linalg.inv(t(A3)),
        [
          0.19771862030029297, 0.06463878601789474, 0.007604567334055901, -0.12167301028966904,
          0.11406844854354858, 0.0722433552145958, -0.034220535308122635, -0.03041825257241726,
          0.11406844109296799,
        ],
      );
      await expectValues(torch.linalg.solve(t(A3), t([12, -25, 32])), [1, -2, 4]);
    });

    it('cholesky, eigvalsh, svdvals, pinv, qr match PyTorch', async () => {
      await expectValues(torch.linalg.cholesky(t(SPD)), [2, 0, 0, 6, 1, 0, -8, 5, 3]);
      await expectValues(
        torch.linalg.eigvalsh(t(SPD)),
        [0.018804308027029037, 15.503957748413086, 123.47723388671875],
        1e-3,
      );
      await expectValues(torch.linalg.svdvals(t(M32)), [9.525519371032715, 0.5143013596534729]);
      await expectValues(
        torch.linalg.pinv(t(M32)),
        [
          -1.333331823348999, -0.3333317041397095, 0.6666653156280518, 1.083331823348999, 0.3333319425582886,
          -0.4166654348373413,
        ],
      );
      // Householder QR has LAPACK's signs, so Q and R match PyTorch exactly (not only up to sign).
      const [Q, R] = torch.linalg.qr(t(M32));
      await expectValues(R, [-5.916079521179199, -7.437358856201172, 0, 0.8280800580978394]);
      await expectValues(
        Q,
        [
          -0.16903090476989746, 0.8970855474472046, -0.5070925951004028, 0.27602556347846985,
          -0.845154345035553, -0.34503233432769775,
        ],
      );
    });

    it('eigh and svd reconstruct their input with orthonormal factors', async () => {
      const [w, V] = torch.linalg.eigh(t(SPD));
      await expectValues(torch.matmul(torch.matmul(V, torch.diagEmbed(w)), V.mT), SPD.flat(), 1e-3);
      const [U, S, Vh] = torch.linalg.svd(t(M32));
      expect([U.shape, S.shape, Vh.shape]).toEqual([[3, 3], [2], [2, 2]]);
      await expectValues(torch.matmul(U.mT, U), [1, 0, 0, 0, 1, 0, 0, 0, 1]);
      const Ur = torch.narrow(U, 1, 0, 2);
      await expectValues(torch.matmul(torch.mul(Ur, S), Vh), M32.flat());
    });

    it('norms, matrix_exp, matrix_power, multi_dot, vander match PyTorch', async () => {
      // PyTorch: nuc 10.039820671081543, 2-norm 9.525519371032715, vector 3-norm of [3,-4,0] 4.497941493988037
      await expectValues(torch.linalg.matrixNorm(t(M32), 'nuc'), [10.039820671081543]);
      await expectValues(torch.linalg.matrixNorm(t(M32), 2), [9.525519371032715]);
      await expectValues(torch.norm(t(M32), 'nuc'), [10.039820671081543]);
      await expectValues(torch.linalg.vectorNorm(t([3, -4, 0]), 3), [4.497941493988037]);
      await expectValues(
        torch.linalg.matrixExp(
          t([
            [0, 1],
            [-1, 0],
          ]),
        ),
        [0.5403022766113281, 0.8414709568023682, -0.8414709568023682, 0.5403022766113281],
      );
      await expectValues(
        torch.linalg.matrixPower(
          t([
            [1, 1],
            [1, 0],
          ]),
          5,
        ),
        [8, 5, 5, 3],
      );
      await expectValues(
        torch.linalg.multiDot([
          t([1, 2]),
          t([
            [1, 0],
            [0, 2],
          ]),
          t([3, 4]),
        ]),
        [19],
      );
      await expectValues(torch.linalg.vander(t([1, 2, 3])), [1, 1, 1, 1, 2, 4, 1, 3, 9]);
      await expectValues(
        torch.linalg.matrixRank(
          t([
            [1, 2],
            [2, 4],
          ]),
        ),
        [1],
      );
    });

    it('det backward: PyTorch gives [[4, -3], [-2, 1]] for [[1, 2], [3, 4]]', async () => {
      const x = t([
        [1, 2],
        [3, 4],
      ]).requiresGrad_(true);
      torch.linalg.det(x).backward();
      await expectValues(x.grad as Tensor, [4, -3, -2, 1]);
    });

    it('gradcheck: det, inv, solve, slogdet', async () => {
      await expectGradcheck((a) => torch.linalg.det(a), [square(3, 1, [2])]);
      await expectGradcheck((a) => torch.linalg.inv(a), [square(3, 2)]);
      await expectGradcheck((a, b) => torch.linalg.solve(a, b), [square(3, 3), leaf([3, 2], device, 4)]);
      await expectGradcheck((a) => torch.linalg.slogdet(a)[1], [square(3, 5)]);
    });

    it('gradcheck: cholesky, qr, eigvalsh, svdvals, pinv, solve_triangular', async () => {
      const spd = (seed: number) => {
        const b = leaf([3, 3], device, seed).detach();
        return torch.add(torch.matmul(b, b.mT), torch.mul(torch.eye(3, { device }), 3)).requiresGrad_(true);
      };
      await expectGradcheck((a) => torch.linalg.cholesky(torch.div(torch.add(a, a.mT), 2)), [spd(6)]);
      // Householder R_jj changes sign where its column's pivot crosses 0 (as in LAPACK): inputs far from that.
      const tall = torch.add(leaf([4, 3], device, 7), torch.mul(torch.eye(4, 3, { device }), 3)).detach();
      const wide = torch.add(leaf([3, 4], device, 8), torch.mul(torch.eye(3, 4, { device }), 3)).detach();
      await expectGradcheck((a) => torch.linalg.qr(a), [tall.requiresGrad_(true)]);
      await expectGradcheck((a) => torch.linalg.qr(a)[1], [wide.requiresGrad_(true)]);
      // eigh reads one triangle; its gradient (PyTorch's) is for symmetric perturbations.
      await expectGradcheck((a) => torch.linalg.eigvalsh(torch.add(a, a.mT)), [spd(9)]);
      await expectGradcheck((a) => torch.linalg.eigh(torch.add(a, a.mT)), [spd(15)]);
      await expectGradcheck((a) => torch.linalg.svd(a, { fullMatrices: false }), [leaf([4, 3], device, 16)]);
      await expectGradcheck((a) => torch.linalg.svdvals(a), [leaf([4, 3], device, 10)]);
      await expectGradcheck((a) => torch.linalg.pinv(a), [leaf([4, 3], device, 11)]);
      await expectGradcheck(
        (a, b) => torch.linalg.solveTriangular(a, b, { upper: true }),
        [square(3, 12), leaf([3, 2], device, 13)],
      );
    });

    it('gradcheck: vector_norm subgradient is 0 at a zero vector', async () => {
      const z = torch.zeros([3], { device }).requiresGrad_(true);
      torch.linalg.vectorNorm(z).backward();
      await expectValues(z.grad as Tensor, [0, 0, 0]);
      await expectGradcheck((a) => torch.linalg.vectorNorm(a, 3, [1]), [leaf([2, 3], device, 14)]);
    });

    it("PyTorch's errors", () => {
      expect(() => torch.linalg.inv(torch.zeros([3, 4], { device }))).toThrow(
        'linalg.inv: A must be batches of square matrices, but they are 3 by 4 matrices',
      );
      expect(() => torch.linalg.det(torch.zeros([3], { device }))).toThrow(
        'linalg.det: The input tensor A must have at least 2 dimensions.',
      );
    });
  });

describe('torch.linalg on cpu: singular and indefinite inputs raise PyTorch errors', () => {
  it('inv and solve of a singular matrix', () => {
    expect(() => torch.linalg.inv(torch.zeros([3, 2, 2]))).toThrow(
      'linalg.inv: (Batch element 0): The diagonal element 1 is zero, the inversion could not be completed because the input matrix is singular.',
    );
    expect(() => torch.linalg.solve(torch.zeros([2, 2]), torch.ones([2]))).toThrow(
      'torch.linalg.solve: The solver failed because the input matrix is singular.',
    );
  });
  it('cholesky names the failing leading minor', () => {
    expect(() =>
      torch.linalg.cholesky(
        torch.tensor(
          [
            [1, 2],
            [2, 1],
          ],
          { dtype: 'float32' },
        ),
      ),
    ).toThrow(
      'linalg.cholesky: The factorization could not be completed because the input is not positive-definite (the leading minor of order 2 is not positive-definite).',
    );
  });
});
