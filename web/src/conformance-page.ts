/**
 * The conformance runner of src/conformance (the one `npm run conformance` uses), in a page: the
 * cases come from a chosen file, or from the end-to-end test through `runConformance(cases, ...)`.
 */
import * as torch from 'torchts';
import { prepareDevice, runCases } from '../../src/conformance/run.js';
import type { OpCase } from '../../src/conformance/types.js';

export interface BrowserRun {
  device: string;
  adapter: string;
  passed: number;
  failed: number;
  skipped: number;
  ms: number;
  failures: Array<{ name: string; group: string; error: string | null }>;
}

/** Runs `cases` (the `cases` array of a case file) on `device`, only `groups` when given. */
export async function runConformance(
  cases: OpCase[],
  opts: { device: string; groups?: string[] | null; onProgress?: (done: number) => void },
): Promise<BrowserRun> {
  const dev = await prepareDevice(opts.device);
  const t0 = performance.now();
  let done = 0;
  const summary = await runCases(cases, dev, {
    groups: opts.groups?.length ? opts.groups : null,
    onResult: () => opts.onProgress?.(++done),
  });
  const info = torch.webgpu.adapterInfo();
  return {
    device: dev.toString(),
    adapter:
      info && dev.type === 'webgpu'
        ? [info.vendor, info.architecture, info.description].filter(Boolean).join(' ')
        : '',
    passed: summary.passed,
    failed: summary.failed,
    skipped: summary.skipped,
    ms: performance.now() - t0,
    failures: summary.results
      .filter((r) => !r.passed)
      .map((r) => ({ name: r.name, group: r.group, error: r.error })),
  };
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = $<HTMLDivElement>('gpu-status');
const fileInput = $<HTMLInputElement>('cases');
const runButton = $<HTMLButtonElement>('run');
const summary = $<HTMLParagraphElement>('summary');
const table = $<HTMLTableElement>('failures');
const device = $<HTMLSelectElement>('device');

await torch.webgpu.init(); // a browser finds the adapter asynchronously; isAvailable() is false before
const info = torch.webgpu.adapterInfo();
if (torch.webgpu.isAvailable() && info) {
  status.className = 'status ok';
  status.textContent = `WebGPU adapter: ${[info.vendor, info.architecture, info.description].filter(Boolean).join(' ')}`;
} else {
  status.className = 'status warn';
  status.textContent = `WebGPU is not available (${torch.webgpu.unavailableReason()}): only the CPU backend can run.`;
  device.value = 'cpu';
  device.querySelector<HTMLOptionElement>('option[value=webgpu]')!.disabled = true;
}

let cases: OpCase[] = [];
fileInput.addEventListener('change', async () => {
  const f = fileInput.files?.[0];
  if (!f) return;
  try {
    cases = (JSON.parse(await f.text()) as { cases: OpCase[] }).cases;
    summary.textContent = `${cases.length} cases in ${f.name}.`;
    runButton.disabled = false;
  } catch (e) {
    summary.textContent = `${f.name} is not a case file: ${(e as Error).message}`;
  }
});

runButton.addEventListener('click', async () => {
  runButton.disabled = true;
  const groups = $<HTMLInputElement>('groups')
    .value.split(',')
    .map((g) => g.trim())
    .filter(Boolean);
  try {
    const r = await runConformance(cases, {
      device: device.value,
      groups,
      onProgress: (n) => {
        summary.textContent = `${n} cases run…`;
      },
    });
    summary.textContent = `${r.device}: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped in ${(r.ms / 1000).toFixed(1)} s.`;
    const body = table.tBodies[0];
    body.replaceChildren(
      ...r.failures.map((f) => {
        const tr = document.createElement('tr');
        for (const t of [f.name, f.group, f.error ?? ''])
          tr.append(Object.assign(document.createElement('td'), { textContent: t }));
        return tr;
      }),
    );
    table.hidden = r.failures.length === 0;
  } catch (e) {
    summary.textContent = `Could not run: ${(e as Error).message}`;
  } finally {
    runButton.disabled = false;
  }
});

Object.assign(globalThis, { runConformance });
document.body.dataset.ready = 'true';
