/** The benchmark models of bench/models.ts, in table order. */
import { cnn } from './cnn.js';
import { lstm } from './lstm.js';
import { nanogpt } from './nanogpt.js';
import { quickstart } from './quickstart.js';
import { simplenet } from './simplenet.js';
import type { BenchSpec } from './types.js';

export type { BenchModel, BenchSpec } from './types.js';
export const MODELS: BenchSpec[] = [simplenet, quickstart, cnn, nanogpt, lstm];
