/** The bundled digits (data/mnist-10k/, 2 MB of gzipped IDX), from the requests prefetch.ts started. */

import * as torch from 'torchts';
import { digitFiles, prefetched } from './prefetch.js';

/** The 8,000 / 2,000 split of the bundled digits, bit for bit the one Node's bundledMnist() gives. */
export const loadDigits = () => torch.datasets.fetchBundledMnist(digitFiles, prefetched);
