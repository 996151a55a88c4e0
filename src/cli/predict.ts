/**
 * `torchts predict --model RUN_DIR IMAGE.png|IMAGES.idx`: loads a trained run and classifies
 * digits, printing the predicted class and the probabilities.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { PNG } from 'pngjs';
import * as torch from '../index.js';
import { UsageError } from './errors.js';
import { buildModel } from './models.js';

export interface Prediction {
  source: string;
  index: number;
  predicted: number;
  probabilities: number[];
}

async function loadRun(path: string): Promise<{ model: torch.nn.Module; name: string }> {
  const st = await stat(path).catch(() => null);
  if (!st) throw new UsageError(`model not found: ${path}`);
  const dir = st.isDirectory() ? path : join(path, '..');
  const file = st.isDirectory() ? join(path, 'model.safetensors') : path;
  let name = 'simplenet';
  try {
    name =
      (JSON.parse(await readFile(join(dir, 'metrics.json'), 'utf8')) as { model?: string }).model ?? name;
  } catch {
    // A bare weights file: assume the tutorial's network.
  }
  const model = buildModel(name);
  let sd: Record<string, torch.Tensor>;
  try {
    sd = (await torch.load(file)) as Record<string, torch.Tensor>;
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
  }
  try {
    model.loadStateDict(sd);
  } catch (e) {
    // Missing / unexpected keys or shapes: the user's file, listed in full (exit 2).
    throw new UsageError(`cannot load ${file} into ${name}: ${(e as Error).message}`);
  }
  model.eval();
  return { model, name };
}

/** A PNG as a [1, 784] float tensor in MNIST's convention (white digit on black, 28 x 28). */
export function pngToInput(bytes: Uint8Array, source: string): torch.Tensor {
  let png: PNG;
  try {
    png = PNG.sync.read(Buffer.from(bytes));
  } catch (e) {
    throw new UsageError(`${source}: not a readable PNG (${(e as Error).message})`);
  }
  const { width, height, data } = png;
  // Box-filter any size down (or up) to 28 x 28 in grayscale, alpha-composited on black.
  const out = new Float32Array(784);
  for (let y = 0; y < 28; y++)
    for (let x = 0; x < 28; x++) {
      const x0 = Math.floor((x * width) / 28);
      const x1 = Math.max(x0 + 1, Math.floor(((x + 1) * width) / 28));
      const y0 = Math.floor((y * height) / 28);
      const y1 = Math.max(y0 + 1, Math.floor(((y + 1) * height) / 28));
      let s = 0;
      for (let yy = y0; yy < y1; yy++)
        for (let xx = x0; xx < x1; xx++) {
          const p = (yy * width + xx) * 4;
          s += ((0.299 * data[p] + 0.587 * data[p + 1] + 0.114 * data[p + 2]) / 255) * (data[p + 3] / 255);
        }
      out[y * 28 + x] = s / ((x1 - x0) * (y1 - y0));
    }
  // A dark digit on a light background (a scan, a drawing) is inverted to MNIST's convention.
  const mean = out.reduce((a, b) => a + b, 0) / 784;
  if (mean > 0.5) for (let i = 0; i < 784; i++) out[i] = 1 - out[i];
  return torch.fromArray(out, [1, 784]);
}

export async function predict(
  modelPath: string,
  inputs: string[],
  opts: { limit?: number } = {},
): Promise<Prediction[]> {
  if (inputs.length === 0) throw new UsageError('predict: give at least one IMAGE.png or IDX file');
  const { model } = await loadRun(modelPath);
  const results: Prediction[] = [];
  for (const file of inputs) {
    const bytes = await readFile(file).catch(() => {
      throw new UsageError(`input not found: ${file}`);
    });
    let x: torch.Tensor;
    if (bytes[0] === 0x89 && bytes[1] === 0x50) x = pngToInput(bytes, file);
    else {
      let idx: ReturnType<typeof torch.datasets.readIdx>;
      try {
        idx = torch.datasets.readIdx(new Uint8Array(bytes), basename(file));
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      if (idx.dims.length !== 3 || idx.dims[1] !== 28 || idx.dims[2] !== 28)
        throw new UsageError(`${file}: expected IDX images [n, 28, 28], got [${idx.dims.join(', ')}]`);
      const n = Math.min(idx.dims[0], opts.limit ?? 10);
      x = torch.fromArray(
        Float32Array.from(idx.data.subarray(0, n * 784), (v) => v / 255),
        [n, 784],
      );
    }
    const probs = torch.noGrad(() => torch.softmax(model.forward(x), 1));
    const p = (await probs.tolist()) as number[][];
    for (const [i, row] of p.entries())
      results.push({ source: file, index: i, predicted: row.indexOf(Math.max(...row)), probabilities: row });
  }
  return results;
}
