/** The bundled digits (data/mnist-10k/, 2 MB of gzipped IDX), as URLs Vite serves (dev) or copies into the build. */

import * as torch from 'torchts';
import images from '../../data/mnist-10k/images-idx3-ubyte.gz?url';
import labels from '../../data/mnist-10k/labels-idx1-ubyte.gz?url';

/** The 8,000 / 2,000 split of the bundled digits, bit for bit the one Node's bundledMnist() gives. */
export const loadDigits = () =>
  torch.datasets.fetchBundledMnist({
    images: new URL(images, location.href),
    labels: new URL(labels, location.href),
  });
