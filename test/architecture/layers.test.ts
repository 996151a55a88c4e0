/**
 * The layering rules of docs/architecture.md, checked on the source (scripts/architecture.ts):
 * no import cycles below the API, tensor/ above nothing but the backend contract, no
 * setter-filled hooks breaking cycles, lower layers never calling methods that src/api installs
 * on the Tensor prototype, and a doc comment on every public Tensor member.
 */
import { describe, expect, it } from 'vitest';
import {
  cycles,
  importGraph,
  importsInto,
  installedCalls,
  installedMembers,
  lateBound,
  undocumented,
} from '../../scripts/architecture.js';
import { Tensor } from '../../src/index.js';

const LOWER = ['src/tensor', 'src/autograd', 'src/ops', 'src/backend'];

describe('architecture', () => {
  const g = importGraph();

  it('the import graph is read (sanity: known edges are found)', () => {
    expect(g.get('src/ops/shape.ts')).toContain('src/ops/core.ts');
    expect(g.get('src/autograd/views.ts')).toContain('src/ops/core.ts');
    // `import type` is erased: tensor.ts's type-only import of autograd/node.ts is no edge.
    expect(g.get('src/tensor/tensor.ts')).not.toContain('src/autograd/node.ts');
  });

  it('no import cycles among tensor/, autograd/, ops/ and backend/', () => {
    expect(cycles(g, LOWER)).toEqual([]);
  });

  it('the cycle finder finds a cycle (sanity)', () => {
    const fake = new Map([
      ['src/ops/a.ts', ['src/ops/b.ts']],
      ['src/ops/b.ts', ['src/ops/a.ts']],
    ]);
    expect(cycles(fake, ['src/ops'])).toEqual([['src/ops/a.ts', 'src/ops/b.ts']]);
  });

  it('tensor/ imports no ops/, autograd/, api/ or concrete backend', () => {
    expect(
      importsInto(g, 'src/tensor', [
        'src/ops',
        'src/autograd',
        'src/api',
        'src/backend/cpu',
        'src/backend/webgpu',
      ]),
    ).toEqual([]);
  });

  it('no function-valued module lets filled in by setters (cycle breakers) below the API', () => {
    // The one left is the dynamic scope of a running backward (autograd/saved.ts wraps the
    // backends while a node's backward reads its tensors): set and reset around each node, in
    // the allowed direction (autograd -> tensor), not an import cycle broken at load.
    expect(lateBound(LOWER)).toEqual(['src/tensor/device.ts: guard']);
  });

  it('lower layers call ops, never the Tensor methods that src/api installs', { timeout: 300_000 }, () => {
    expect(installedCalls(LOWER)).toEqual([]);
    // Sanity: the api layer itself does use them (the check sees installed methods).
    expect(installedCalls(['src/nn']).length).toBeGreaterThan(0);
  });

  it('the methods src/api installs are typed (no any) and each declared one exists at run time', () => {
    const { names, anys } = installedMembers();
    expect(anys).toEqual([]);
    expect(names.length).toBeGreaterThan(300);
    const proto = Tensor.prototype as unknown as Record<string, unknown>;
    const missing = names.filter((n) => !(n in proto));
    expect(missing).toEqual([]);
  });

  it('every public Tensor member, and every torch.* value (but nn.functional re-exports) has a doc comment', {
    timeout: 300_000,
  }, () => {
    const u = undocumented(['nn', 'optim', 'utils', 'datasets', 'transforms']);
    expect(u.tensor).toEqual([]);
    // Every torch.* value carries a doc comment (nn.functional's re-exports included).
    expect(u.torch).toEqual([]);
    // Sanity: the check does walk the namespace (every torch.* function, special.*, linalg.*, ...).
    expect(u.seen).toBeGreaterThan(600);
  });
});
