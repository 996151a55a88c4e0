/**
 * float64 special functions at float64 accuracy on the CPU (float32-accurate fits were enough
 * before float64 existed). Expected values: PyTorch 1.13 (Debian python3-torch), float64, e.g.
 * `torch.erf(torch.tensor([...], dtype=torch.float64)).tolist()`.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';

const f64 = (v: number[]) => torch.tensor(v, { dtype: torch.float64 });

async function expectF64(t: torch.Tensor, want: number[], rtol: number, atol = 0): Promise<void> {
  expect(t.dtype).toBe('float64');
  const got = Array.from(await t.toArray());
  got.forEach((g, i) => {
    const ok = Math.abs(g - want[i]) <= atol + rtol * Math.abs(want[i]);
    expect(ok, `element ${i}: ${g}, expected ${want[i]}`).toBe(true);
  });
}

describe('float64 special functions (CPU)', () => {
  const x = [-3.5, -1.2, -0.3, 1e-9, 0.5, 1.1, 2.2, 2.9, 3.1, 4.5];
  it('erf and erfc', async () => {
    await expectF64(
      torch.erf(f64(x)),
      [
        -0.9999992569016276, -0.9103139782296354, -0.3286267594591274, 1.1283791670955127e-9,
        0.5204998778130465, 0.8802050695740817, 0.9981371537020182, 0.9999589021219005, 0.9999883513426328,
        0.9999999998033839,
      ],
      1e-14,
    );
    await expectF64(
      torch.erfc(f64(x)),
      [
        1.9999992569016276, 1.9103139782296354, 1.3286267594591274, 0.9999999988716208, 0.4795001221869535,
        0.11979493042591827, 0.0018628462979818898, 4.109787809945886e-5, 1.1648657367199589e-5,
        1.9661604415428876e-10,
      ],
      1e-13,
      1e-15,
    );
  });
  it('erfinv and ndtri (Newton-refined)', async () => {
    await expectF64(
      torch.erfinv(f64([-0.999, -0.5, 0.1, 0.7, 0.99999])),
      [-2.3267537655135153, -0.4769362762044699, 0.08885599049425769, 0.7328690779592169, 3.123413274341075],
      1e-12, // near 1 erfinv magnifies erf's last-bit error by 1 / erf'(3.1) ~ 1.5e4 (Giles' fit alone: ~1e-7)
    );
    await expectF64(
      torch.special.ndtri(f64([1e-6, 0.025, 0.5, 0.9, 0.999])),
      [-4.753424308822899, -1.9599639845400545, 0, 1.2815515655446004, 3.090232306167813],
      1e-10,
      1e-15,
    );
  });
  it('nextafter steps one float64 ulp', async () => {
    await expectF64(
      torch.nextafter(f64([1, 1, 0, -3.971152, 1e300]), f64([2, 0, 1, 0, Number.POSITIVE_INFINITY])),
      [1.0000000000000002, 0.9999999999999999, 5e-324, -3.9711519999999996, 1.0000000000000002e300],
      0,
    );
  });
  it('float alpha on float64 tensors', async () => {
    await expectF64(torch.add(f64([1, 2]), f64([1, 1]), { alpha: -3.14 }), [1 - 3.14, 2 - 3.14], 0);
  });
});

describe('hardsigmoid backward as PyTorch 1.13', () => {
  it('multiplies by float32(1/6) also in float64, zero outside (-3, 3)', async () => {
    const x = torch.tensor([-4, -3, 0.5, 2.9, 3], { dtype: torch.float64, requiresGrad: true });
    torch.sum(torch.nn.functional.hardsigmoid(x)).backward();
    // PyTorch: x.grad.tolist() == [0.0, 0.0, 0.1666666716337204, 0.1666666716337204, 0.0]
    await expectF64(x.grad!, [0, 0, 0.1666666716337204, 0.1666666716337204, 0], 0);
  });
});
