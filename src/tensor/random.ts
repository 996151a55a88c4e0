/**
 * torch.Generator over the counter-based Philox stream: a generator is a seed and an offset;
 * every draw of n numbers takes counters [offset, offset + n) and advances the offset, so the
 * same seed gives the same numbers on every device.
 */
import { registerType } from '../signature/bind.js';

/** torch.Generator: a seeded Philox random stream (manualSeed, initialSeed, getState/setState). */
export class Generator {
  private seed: [number, number] = [0, 0];
  private offset = 0;
  private initial = 0;

  constructor(seed?: number) {
    this.manualSeed(seed ?? defaultSeed());
  }
  /** Reseeds this generator (and restarts its stream); returns it. */
  manualSeed(seed: number | bigint): this {
    if (typeof seed !== 'bigint' && !Number.isSafeInteger(seed))
      throw new TypeError(
        `manual_seed(): argument 'seed' must be an integer, not ${typeof seed === 'number' ? seed : typeof seed}`,
      );
    const s = BigInt.asUintN(64, BigInt(seed));
    this.seed = [Number(s & 0xffffffffn), Number(s >> 32n)];
    this.initial = Number(seed);
    this.offset = 0;
    return this;
  }
  /** The seed this generator was last seeded with. */
  initialSeed(): number {
    return this.initial;
  }
  /** Reserves n counters and returns (key, first counter). */
  next(n: number): { seed: readonly [number, number]; offset: number } {
    const r = { seed: this.seed, offset: this.offset };
    this.offset += n;
    return r;
  }
  /** A snapshot of the stream position (seed words and offset) for `setState`. */
  getState(): { seed: [number, number]; offset: number } {
    return { seed: [...this.seed], offset: this.offset };
  }
  /** Restores a position taken with `getState`, so the same draws repeat; returns this generator. */
  setState(s: { seed: readonly [number, number]; offset: number }): this {
    this.seed = [s.seed[0], s.seed[1]];
    this.offset = s.offset;
    return this;
  }
}

registerType('Generator', (v) => v instanceof Generator, 'a torch.Generator');
declare module '../signature/types.js' {
  interface TypeMap {
    Generator: Generator;
  }
}

const defaultSeed = () => 67280421310721 % 2 ** 52; // PyTorch's default_rng_seed_val

export const defaultGenerator = new Generator();

/** torch.manual_seed */
export function manualSeed(seed: number | bigint): Generator {
  return defaultGenerator.manualSeed(seed);
}
/** torch.initial_seed(): the default generator's seed. */
export const initialSeed = (): number => defaultGenerator.initialSeed();
/** torch.seed(): seeds the default generator with a random seed and returns it. */
export function seed(): number {
  const s = Math.floor(Math.random() * 2 ** 52);
  defaultGenerator.manualSeed(s);
  return s;
}
