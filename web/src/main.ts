/** The demo page: device status, live training, drawing + prediction, weights download/upload. */
import './prefetch.js'; // first: the digits download while the rest initialises
import * as torch from 'torchts';
import { LineChart, type Series } from './chart.js';
import { loadDigits } from './digits.js';
import { DrawPad } from './draw.js';
import { type Evaluation, MODELS, type ModelName, type Report, Trainer } from './trainer.js';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const ui = {
  gpuStatus: $('gpu-status'),
  subtitle: $('subtitle'),
  dataStatus: $('data-status'),
  device: $<HTMLSelectElement>('device'),
  model: $<HTMLSelectElement>('model'),
  train: $<HTMLButtonElement>('train'),
  reset: $<HTMLButtonElement>('reset'),
  evaluate: $<HTMLButtonElement>('evaluate'),
  epoch: $('epoch'),
  step: $('step'),
  sps: $('sps'),
  loss: $('loss'),
  acc: $('acc'),
  testAcc: $('test-acc'),
  clear: $<HTMLButtonElement>('clear'),
  sample: $<HTMLButtonElement>('sample'),
  sampleLabel: $('sample-label'),
  prediction: $<HTMLOutputElement>('prediction'),
  probs: $<HTMLOListElement>('probs'),
  download: $<HTMLButtonElement>('download'),
  load: $<HTMLInputElement>('load'),
  messages: $('messages'),
};

const COLORS = { train: '#1f5fbf', test: '#b3261e' }; // both >= 4.5:1 on white
const reports: Report[] = [];
const evaluations: Evaluation[] = [];
const lossChart = new LineChart($('loss-chart'), { title: 'Loss', xLabel: 'step', yMin: 0 });
const accChart = new LineChart($('acc-chart'), {
  title: 'Accuracy',
  xLabel: 'step',
  yMin: 0,
  yMax: 1,
  percent: true,
});

function say(text: string, kind: 'info' | 'error' = 'info'): void {
  const p = document.createElement('p');
  p.className = kind;
  if (kind === 'error') p.setAttribute('role', 'alert');
  p.textContent = text;
  ui.messages.prepend(p);
  while (ui.messages.childElementCount > 6) ui.messages.lastElementChild!.remove();
}

function redrawCharts(): void {
  const series = (pick: (r: Report | Evaluation) => number): Series[] => [
    { name: 'train', color: COLORS.train, points: reports.map((r) => [r.step, pick(r)]) },
    { name: 'test', color: COLORS.test, points: evaluations.map((e) => [e.step, pick(e)]), dots: true },
  ];
  lossChart.update(series((r) => r.loss));
  accChart.update(series((r) => r.accuracy));
}

// The digits download and inflate while WebGPU starts: nothing waits for one before the other.
const digitsLoading = (() => {
  const t0 = performance.now();
  return loadDigits().then((d) => ({ digits: d, seconds: (performance.now() - t0) / 1000 }));
})();
digitsLoading.catch(() => {}); // awaited (and reported) in main()

// 1. The device: a browser finds WebGPU asynchronously, so ask once before anything uses it
// (torch.webgpu.isAvailable() is false until then). Never throws.
await torch.webgpu.init();
function describeDevice(): torch.Device {
  const info = torch.webgpu.adapterInfo();
  if (torch.webgpu.isAvailable() && info) {
    const name =
      [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' · ') ||
      'unnamed adapter';
    ui.gpuStatus.className = 'status ok';
    ui.gpuStatus.textContent = info.isFallback
      ? `WebGPU is available. Adapter: ${name} (a software adapter: correct numbers, but far slower than a GPU; the CPU backend is the default here, choose WebGPU below to train on it).`
      : `WebGPU is available. Adapter: ${name} (hardware GPU).`;
    ui.gpuStatus.dataset.adapter = name;
  } else {
    ui.gpuStatus.className = 'status warn';
    // torchts's reason names drivers (Node's view); in a page, say what the browser did
    const why = !('gpu' in navigator)
      ? 'this browser has no navigator.gpu'
      : torch.webgpu.unavailableReason().startsWith('requestAdapter() returned null')
        ? 'the browser offers WebGPU but no adapter: it is disabled, or the GPU is blocklisted'
        : torch.webgpu.unavailableReason() || 'no adapter';
    ui.gpuStatus.textContent = `WebGPU is not available in this browser (${why}). Training runs on the CPU backend (WebAssembly SIMD) instead.`;
    ui.device.querySelector<HTMLOptionElement>('option[value=webgpu]')!.disabled = true;
  }
  // torchts's own policy (torch.bestDevice()): a hardware GPU, else the CPU; ?device= overrides
  const asked = new URLSearchParams(location.search).get('device');
  const name =
    asked === 'cpu' || (asked === 'webgpu' && torch.webgpu.isAvailable())
      ? asked
      : torch.bestDevice().type === 'webgpu'
        ? 'webgpu'
        : 'cpu';
  ui.device.value = name;
  showDevice(name);
  return torch.device(name);
}

/** The heading and the tab title name the device training runs on. */
function showDevice(name: string): void {
  const where = name === 'cpu' ? 'the CPU (WebAssembly SIMD)' : 'WebGPU';
  ui.subtitle.textContent = `trains a network in this page, on ${where}`;
  document.title = `torchts: train MNIST in the browser on ${name === 'cpu' ? 'the CPU' : 'WebGPU'}`;
}

for (const [value, m] of Object.entries(MODELS))
  ui.model.append(Object.assign(document.createElement('option'), { value, textContent: m.label }));

// 2. Predictions for the drawing pad.
let trainer: Trainer | null = null;
let data: Awaited<ReturnType<typeof loadDigits>> | null = null;
let predicting = false;
let pendingInput: Float32Array | null | undefined;

function renderProbs(p: number[] | null): void {
  const best = p ? p.indexOf(Math.max(...p)) : -1;
  ui.probs.replaceChildren(
    ...Array.from({ length: 10 }, (_, d) => {
      const li = document.createElement('li');
      const v = p ? p[d] : 0;
      li.className = d === best ? 'best' : '';
      li.innerHTML = `<span class="digit">${d}</span><span class="bar"><span style="width:${(v * 100).toFixed(1)}%"></span></span><span class="pct">${p ? `${(v * 100).toFixed(1)}%` : '–'}</span>`;
      li.setAttribute('aria-label', `${d}: ${p ? `${(v * 100).toFixed(1)} percent` : 'no prediction'}`);
      return li;
    }),
  );
  ui.prediction.textContent = p ? `${best} (${(p[best] * 100).toFixed(1)}%)` : '–';
  ui.prediction.dataset.digit = p ? String(best) : '';
}

async function predict(pixels: Float32Array | null): Promise<void> {
  pendingInput = pixels;
  if (predicting || !trainer) return;
  predicting = true;
  try {
    while (pendingInput !== undefined) {
      const input = pendingInput;
      pendingInput = undefined;
      renderProbs(input ? await trainer.predict(input) : null);
    }
  } catch (e) {
    say(`Prediction failed: ${(e as Error).message}`, 'error');
  } finally {
    predicting = false;
  }
}

const pad = new DrawPad($<HTMLCanvasElement>('pad'), $<HTMLCanvasElement>('preview'), (p) => {
  ui.sampleLabel.textContent = '';
  void predict(p);
});
renderProbs(null);

// 3. Training controls.
function setTrainButton(): void {
  const running = trainer?.isRunning ?? false;
  ui.train.textContent = running
    ? 'Stop training'
    : trainer && trainer.step > 0
      ? 'Resume training'
      : 'Start training';
  ui.train.setAttribute('aria-pressed', String(running));
  ui.device.disabled = running;
  ui.model.disabled = running || !trainer;
  ui.load.disabled = running || !trainer;
}

function onReport(r: Report): void {
  reports.push(r);
  if (reports.length > 2000) reports.splice(0, reports.length - 2000);
  ui.epoch.textContent = String(r.epoch);
  ui.step.textContent = String(r.step);
  ui.sps.textContent = r.stepsPerSecond.toFixed(1);
  ui.loss.textContent = r.loss.toFixed(4);
  ui.acc.textContent = `${(r.accuracy * 100).toFixed(1)}%`;
  redrawCharts();
  if (!pad.isEmpty && reports.length % 5 === 0) void predict(pad.pixels()); // watch it learn
}

function onEvaluation(e: Evaluation): void {
  evaluations.push(e);
  ui.testAcc.textContent = `${(e.accuracy * 100).toFixed(2)}% (loss ${e.loss.toFixed(4)})`;
  redrawCharts();
  if (!pad.isEmpty) void predict(pad.pixels());
}

async function main(): Promise<void> {
  const device = describeDevice();
  const { digits, seconds } = await digitsLoading;
  data = digits;
  ui.dataStatus.textContent = `${digits.train.n.toLocaleString('en')} training and ${data.test.n.toLocaleString('en')} test digits loaded in ${seconds.toFixed(1)} s.`;
  trainer = new Trainer(digits, device, {
    report: onReport,
    evaluation: onEvaluation,
    error: (e) => {
      say(`Training stopped: ${e.message}`, 'error');
      setTrainButton();
    },
  });
  await trainer.evaluate(); // the untrained baseline: the first point of the test curve
  for (const b of [ui.train, ui.reset, ui.evaluate, ui.sample, ui.download]) b.disabled = false;
  setTrainButton();

  ui.train.addEventListener('click', async () => {
    if (!trainer) return;
    if (trainer.isRunning) await trainer.stop();
    else trainer.start();
    setTrainButton();
  });
  const resetTo = async (model: ModelName, why: string) => {
    await trainer!.reset(model);
    reports.length = 0;
    evaluations.length = 0;
    for (const e of [ui.epoch, ui.step]) e.textContent = '0';
    for (const e of [ui.sps, ui.loss, ui.acc, ui.testAcc]) e.textContent = '–';
    await trainer!.evaluate();
    setTrainButton();
    if (!pad.isEmpty) void predict(pad.pixels());
    say(why);
  };
  ui.reset.addEventListener('click', () =>
    resetTo(trainer!.modelName, 'Weights reset to a fresh (seeded) initialisation.'),
  );
  ui.model.addEventListener('change', () => {
    const m = ui.model.value as ModelName;
    void resetTo(m, `New ${MODELS[m].label.split(':')[0]}, freshly initialised.`);
  });
  ui.evaluate.addEventListener('click', () => void trainer!.evaluate());
  ui.device.addEventListener('change', async () => {
    ui.device.disabled = true;
    await trainer!.setDevice(torch.device(ui.device.value));
    say(`Model and data moved to ${ui.device.value === 'cpu' ? 'the CPU' : 'WebGPU'}.`);
    showDevice(ui.device.value);
    setTrainButton();
  });
  ui.clear.addEventListener('click', () => {
    pad.clear();
    ui.sampleLabel.textContent = '';
    void predict(null);
  });
  ui.sample.addEventListener('click', () => {
    const { test } = digits;
    const k = Math.floor(Math.random() * test.n);
    pad.fill(test.images.subarray(k * 784, (k + 1) * 784));
    ui.sampleLabel.textContent = `Test digit #${k}, labelled ${test.labels[k]}.`;
  });
  ui.download.addEventListener('click', async () => {
    const bytes = await trainer!.saveWeights();
    const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'application/octet-stream' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `${trainer!.modelName}-step${trainer!.step}.safetensors`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    say(`Saved ${a.download} (${(bytes.length / 1024).toFixed(0)} KiB).`);
  });
  ui.load.addEventListener('change', async () => {
    const file = ui.load.files?.[0];
    if (!file) return;
    try {
      await trainer!.loadWeights(file);
      setTrainButton();
      const e = await trainer!.evaluate();
      say(`Loaded ${file.name}: test accuracy ${(e.accuracy * 100).toFixed(2)}%.`);
    } catch (e) {
      say(`Could not load ${file.name}: ${(e as Error).message}`, 'error');
    } finally {
      ui.load.value = '';
    }
  });
  document.body.dataset.ready = 'true';
}

// For the end-to-end test (test/browser) and the curious: the live state of the page.
Object.assign(globalThis, {
  torchtsDemo: {
    torch,
    reports,
    evaluations,
    get trainer() {
      return trainer;
    },
    get data() {
      return data;
    },
  },
});

main().catch((e: Error) => {
  say(`The page failed to start: ${e.message}`, 'error');
  document.body.dataset.ready = 'error';
});
