/**
 * utils.data.DistributedSampler against PyTorch 1.13's index lists (test/fixtures/distributed,
 * made by gen.py there): padding, dropLast and the per-rank split; the shuffle is the same
 * permutation on every rank, changes with setEpoch and covers the dataset.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';

const { DistributedSampler } = torch.utils.data;
const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/distributed/sampler.json', import.meta.url), 'utf8'),
) as { cases: { length: number; numReplicas: number; dropLast: boolean; ranks: number[][] }[] };
const sized = (length: number) => ({ length });

describe('DistributedSampler', () => {
  it(`matches PyTorch's index lists without shuffle (${fixture.cases.length} cases)`, () => {
    for (const c of fixture.cases)
      for (let r = 0; r < c.numReplicas; r++) {
        const s = new DistributedSampler(sized(c.length), {
          numReplicas: c.numReplicas,
          rank: r,
          shuffle: false,
          dropLast: c.dropLast,
        });
        expect([...s], JSON.stringify({ ...c, ranks: undefined, r })).toEqual(c.ranks[r]);
        expect(s.length).toBe(c.ranks[r].length);
      }
  });

  it('shuffles with seed + epoch: one permutation split over the ranks, padded like PyTorch', () => {
    const n = 3;
    const len = 10;
    const epoch = (e: number) =>
      Array.from({ length: n }, (_, r) => {
        const s = new DistributedSampler(sized(len), n, r, true, 7);
        s.setEpoch(e);
        return [...s];
      });
    const e0 = epoch(0);
    const e1 = epoch(1);
    expect(e0).toEqual(epoch(0));
    expect(e0).not.toEqual(e1);
    for (const ranks of [e0, e1]) {
      expect(ranks.map((x) => x.length)).toEqual([4, 4, 4]);
      // interleave back: the permutation followed by its first two entries (padding)
      const flat = Array.from({ length: 12 }, (_, i) => ranks[i % n][Math.floor(i / n)]);
      expect([...flat.slice(0, len)].sort((a, b) => a - b)).toEqual([...Array(len).keys()]);
      expect(flat.slice(len)).toEqual(flat.slice(0, 2));
    }
  });

  it('binds like PyTorch and checks the rank', () => {
    expect(() => new DistributedSampler(sized(4), { numReplicas: 2, rank: 2 })).toThrow(
      'Invalid rank 2, rank should be in the interval [0, 1]',
    );
    expect(() => new DistributedSampler(sized(4))).toThrow(/initProcessGroup/);
    // @ts-expect-error unknown option
    expect(() => new DistributedSampler(sized(4), { numReplicas: 2, rank: 0, bogus: 1 })).toThrow(TypeError);
  });
});
