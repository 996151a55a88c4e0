/**
 * The program test/distributed/mpi.test.ts runs on N ranks under mpirun. Each scenario named on
 * the command line prints `RESULT <rank> <json>` lines the test asserts on:
 *   collectives  every collective x reduce op x dtype against values known in closed form
 *                (each rank's values are a formula of its rank), many small and a few large
 *                tensors, point-to-point in a ring, a shape mismatch named on every rank
 *   train        DDP on N ranks with per-rank batch B (and with noSync accumulation) against one
 *                model trained on the concatenated N*B batch in the same process
 *   webgpu       a collective and a DDP step on WebGPU tensors (when an adapter exists)
 *   die          rank 1 is killed before a collective; the others must not hang
 *   absent       rank 1 never joins; the others fail with a DistributedError after the timeout
 */

import { SimpleNet } from '../../src/cli/models.js';
import * as torch from '../../src/index.js';

const dist = torch.distributed;
const { nn } = torch;
const scenarios = process.argv.slice(2);
dist.initProcessGroup({ backend: 'mpi', timeout: Number(process.env.TIMEOUT_S ?? 30) });
const rank = dist.getRank();
const size = dist.getWorldSize();
const out = (v: unknown) => console.log(`RESULT ${rank} ${JSON.stringify(v)}`);
const list = async (t: torch.Tensor) => Array.from((await t.toArray()) as ArrayLike<number>);

type DT = 'float32' | 'float64' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool';
type ReduceOps = ('sum' | 'avg' | 'product' | 'min' | 'max')[];
/** Rank r's element i. */
const val = (dt: DT, r: number, i: number): number => {
  if (dt === 'float32' || dt === 'float64') return (r + 1) * (i + 1) * 0.5;
  if (dt === 'int32' || dt === 'int64') return r * 3 + i - 2;
  // 8/16-bit: small values, so products of up to 4 ranks stay in range
  if (dt === 'int16' || dt === 'int8') return ((r + i) % 3) - 1;
  if (dt === 'uint8') return (r + i) % 3;
  return (r + i) % 3 === 0 ? 1 : 0;
};
const isFloatDT = (dt: DT) => dt === 'float32' || dt === 'float64';
const make = (dt: DT, r: number, n: number, device: string) =>
  torch.tensor(
    Array.from({ length: n }, (_, i) => val(dt, r, i)),
    { dtype: dt, device },
  );
const ranks = [...Array(size).keys()];
const reduceRef = (dt: DT, op: string, i: number): number => {
  const xs = ranks.map((r) => val(dt, r, i));
  if (dt === 'bool') return op === 'min' || op === 'product' ? Math.min(...xs) : Math.max(...xs);
  switch (op) {
    case 'sum':
      return xs.reduce((a, b) => a + b, 0);
    case 'avg':
      return xs.reduce((a, b) => a + b, 0) / size;
    case 'product':
      return xs.reduce((a, b) => a * b, 1);
    case 'min':
      return Math.min(...xs);
    default:
      return Math.max(...xs);
  }
};
const checks: { name: string; got: number[]; want: number[] }[] = [];
const check = (name: string, got: number[], want: number[]) => {
  const ok =
    got.length === want.length &&
    got.every((g, i) => Math.abs(g - want[i]) <= 1e-6 * Math.max(1, Math.abs(want[i])));
  if (!ok) checks.push({ name, got: got.slice(0, 8), want: want.slice(0, 8) });
  return ok;
};

async function collectives(device: string, light = false) {
  let count = 0;
  const n = 5;
  // on WebGPU (software Vulkan in CI: slow) a subset: the staging path is the same for every op
  for (const dt of (light
    ? ['float32', 'int32']
    : ['float32', 'float64', 'int64', 'int32', 'int16', 'int8', 'uint8', 'bool']) as DT[]) {
    for (const op of (light ? ['avg', 'max'] : ['sum', 'avg', 'product', 'min', 'max']) as ReduceOps) {
      if (op === 'avg' && !isFloatDT(dt)) continue;
      const t = make(dt, rank, n, device);
      await dist.allReduce(t, op);
      check(
        `allReduce ${op} ${dt}`,
        await list(t),
        [...Array(n).keys()].map((i) => reduceRef(dt, op, i)),
      );
      const ins = ranks.map((j) => make(dt, rank + j, n, device));
      if (op !== 'avg' || isFloatDT(dt)) {
        const o = make(dt, 0, n, device);
        await dist.reduceScatter(o, ins, op);
        // rank r's output reduces every rank q's ins[r] = make(q + r)
        const want = [...Array(n).keys()].map((i) => {
          const xs = ranks.map((q) => val(dt, q + rank, i));
          if (dt === 'bool') return op === 'min' || op === 'product' ? Math.min(...xs) : Math.max(...xs);
          return op === 'sum'
            ? xs.reduce((a, b) => a + b, 0)
            : op === 'avg'
              ? xs.reduce((a, b) => a + b, 0) / size
              : op === 'product'
                ? xs.reduce((a, b) => a * b, 1)
                : op === 'min'
                  ? Math.min(...xs)
                  : Math.max(...xs);
        });
        check(`reduceScatter ${op} ${dt}`, await list(o), want);
      }
      count += 2;
    }
    const src = size - 1;
    const b = make(dt, rank, n, device);
    await dist.broadcast(b, src);
    check(
      `broadcast ${dt}`,
      await list(b),
      [...Array(n).keys()].map((i) => val(dt, src, i)),
    );
    const g = ranks.map(() => make(dt, 0, n, device));
    await dist.allGather(g, make(dt, rank, n, device));
    for (const r of ranks)
      check(
        `allGather ${dt} [${r}]`,
        await list(g[r]),
        [...Array(n).keys()].map((i) => val(dt, r, i)),
      );
    const dst = 1 % size;
    const gl = rank === dst ? ranks.map(() => make(dt, 0, n, device)) : null;
    await dist.gather(make(dt, rank, n, device), gl, dst);
    if (gl)
      for (const r of ranks)
        check(
          `gather ${dt} [${r}]`,
          await list(gl[r]),
          [...Array(n).keys()].map((i) => val(dt, r, i)),
        );
    const sc = make(dt, 0, n, device);
    await dist.scatter(sc, rank === 0 ? ranks.map((r) => make(dt, r + 7, n, device)) : null, 0);
    check(
      `scatter ${dt}`,
      await list(sc),
      [...Array(n).keys()].map((i) => val(dt, rank + 7, i)),
    );
    // ring: send to the next rank, receive from the previous one
    const next = (rank + 1) % size;
    const prev = (rank + size - 1) % size;
    const rv = make(dt, 0, n, device);
    const sw = dist.isend(make(dt, rank, n, device), next, { tag: 3 });
    const from = await dist.recv(rv, prev, { tag: 3 });
    await sw.wait();
    check(
      `send/recv ${dt}`,
      [...(await list(rv)), from],
      [...[...Array(n).keys()].map((i) => val(dt, prev, i)), prev],
    );
    count += 5;
  }
  // many small tensors in flight at once, then a few large ones
  const small = Array.from({ length: light ? 20 : 100 }, (_, k) => torch.full([3], rank + k, { device }));
  const works = small.map((t) => dist.allReduce(t, { asyncOp: true }));
  await Promise.all(works.map((w) => w.wait()));
  const sumRanks = (size * (size - 1)) / 2;
  let smallOk = true;
  for (let k = 0; k < small.length; k++)
    smallOk =
      check(
        `small ${k}`,
        await list(small[k]),
        [0, 1, 2].map(() => sumRanks + size * k),
      ) && smallOk;
  for (const len of light ? [100_003] : [1 << 18, 1_000_003]) {
    const big = torch.arange(len, { device }).remainder(1000).add(rank);
    await dist.allReduce(big, 'max');
    const got = await list(big);
    check(
      `large ${len}`,
      [got[0], got[999], got[len - 1]],
      [size - 1, 999 + size - 1, ((len - 1) % 1000) + size - 1],
    );
  }
  await dist.barrier();
  // a shape that differs across ranks is named on every rank, and the group stays usable
  let mismatch = '';
  try {
    await dist.allReduce(torch.zeros([2, rank + 1], { device }));
  } catch (e) {
    mismatch = `${(e as Error).name}: ${(e as Error).message}`;
  }
  const after = torch.ones([2], { device });
  await dist.allReduce(after);
  check('after mismatch', await list(after), [size, size]);
  out({ scenario: `collectives-${device}`, count, failures: checks.splice(0), mismatch });
}

/** DDP on per-rank batches of B vs one model on the N*B batch. */
async function train(device: string, steps: number, B: number) {
  torch.manualSeed(1234); // the same data on every rank; the model init differs per rank on purpose
  const X = torch.randn([steps, size * B, 784], { device });
  const Y = torch.randint(0, 10, [steps, size * B], { device });
  torch.manualSeed(99 + rank);
  const ref = new SimpleNet().to(device);
  const net = new SimpleNet().to(device);
  const acc = new SimpleNet().to(device);
  const model = new nn.parallel.DistributedDataParallel(net, { bucketCapMb: 0.2 });
  await model.ready;
  ref.loadStateDict(net.stateDict()); // rank 0's weights after the broadcast
  const net0 = net.fc1.weight.detach().clone();
  acc.loadStateDict(net.stateDict());
  const modelAcc = new nn.parallel.DistributedDataParallel(acc, { bucketCapMb: 0.2 });
  await modelAcc.ready;
  const lossFn = new nn.CrossEntropyLoss();
  const opt = (m: torch.nn.Module) => new torch.optim.SGD(m.parameters(), { lr: 0.1, momentum: 0.9 });
  const [oRef, oNet, oAcc] = [opt(ref), opt(model), opt(modelAcc)];
  for (let s = 0; s < steps; s++) {
    const x = X.select(0, s);
    const y = Y.select(0, s);
    oRef.zeroGrad();
    lossFn.forward(ref(x), y).backward();
    oRef.step();
    const xr = x.narrow(0, rank * B, B);
    const yr = y.narrow(0, rank * B, B);
    oNet.zeroGrad();
    lossFn.forward(model(xr), yr).backward();
    await model.syncGradients();
    oNet.step();
    // the same step in two half batches, the first without synchronizing
    oAcc.zeroGrad();
    const h = B / 2;
    modelAcc.noSync(() =>
      lossFn
        .forward(modelAcc(xr.narrow(0, 0, h)), yr.narrow(0, 0, h))
        .div(2)
        .backward(),
    );
    lossFn
      .forward(modelAcc(xr.narrow(0, h, h)), yr.narrow(0, h, h))
      .div(2)
      .backward();
    await modelAcc.syncGradients();
    oAcc.step();
  }
  const diff = async (m: torch.nn.Module) => {
    let d = 0;
    const a = ref.parameters();
    const b = m.parameters();
    for (let i = 0; i < a.length; i++) d = Math.max(d, await a[i].sub(b[i]).abs().max().item());
    return d;
  };
  // the weights did move (the comparison is not between untouched copies)
  const moved = await ref.fc1.weight.sub(net0).abs().max().item();
  out({
    scenario: `train-${device}`,
    ddp: await diff(net),
    noSync: await diff(acc),
    moved,
    ...(await buffers(device)),
  });
}

/**
 * broadcastBuffers: every rank sees other data, so BatchNorm's running mean differs per rank after
 * a forward; syncGradients copies rank 0's to every rank (spread 0), unless broadcastBuffers is false.
 */
async function buffers(device: string) {
  const spread = async (broadcastBuffers: boolean) => {
    torch.manualSeed(7);
    const bn = new nn.Sequential(new nn.Linear(3, 4), new nn.BatchNorm1d(4)).to(device);
    const m = new nn.parallel.DistributedDataParallel(bn, { broadcastBuffers });
    await m.ready;
    m(torch.randn([8, 3], { device }).add(rank))
      .sum()
      .backward();
    await m.syncGradients();
    const rm = (bn.at(1) as torch.nn.BatchNorm1d).runningMean!;
    const [hi, lo] = [rm.clone(), rm.clone()];
    await dist.allReduce(hi, 'max');
    await dist.allReduce(lo, 'min');
    return hi.sub(lo).abs().max().item();
  };
  return { bufSpread: await spread(true), bufSpreadOff: await spread(false) };
}

for (const s of scenarios) {
  if (s === 'collectives') await collectives('cpu');
  else if (s === 'collectives-light') await collectives('cpu', true);
  else if (s === 'train') await train('cpu', 3, 8);
  else if (s === 'webgpu') {
    if (await torch.webgpu.init()) {
      await collectives('webgpu', true);
      await train('webgpu', 2, 4);
    } else out({ scenario: 'webgpu', skipped: torch.webgpu.unavailableReason?.() ?? 'no adapter' });
  } else if (s === 'die') {
    if (rank === 1) process.kill(process.pid, 'SIGKILL');
    await dist.allReduce(torch.ones([4]));
    out({ scenario: 'die', completed: true });
  } else if (s === 'absent') {
    if (rank === 1) await new Promise((r) => setTimeout(r, 60_000));
    await dist.allReduce(torch.ones([4]));
    out({ scenario: 'absent', completed: true });
  } else throw new Error(`unknown scenario ${s}`);
}
