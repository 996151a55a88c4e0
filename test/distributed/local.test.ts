/**
 * torch.distributed in one process, with no launcher: a world of one that needs no MPI (the MPI
 * library path points at nothing), the post-accumulate-grad hook DDP is built on, and DDP's
 * bookkeeping (noSync, the optimizer guard, findUnusedParameters) in a world of one.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';

const dist = torch.distributed;
const { nn } = torch;
const arr = (t: torch.Tensor) => Array.from(t.toArraySync() as ArrayLike<number>);

beforeAll(() => {
  process.env.TORCHTS_MPI_LIB = '/nonexistent/libmpi.so'; // loading MPI would fail
  delete process.env.OMPI_COMM_WORLD_SIZE;
});
afterEach(() => {
  if (dist.isInitialized()) dist.destroyProcessGroup();
});

describe('world size 1 without MPI', () => {
  it('importing torchts loaded neither koffi nor libmpi', () => {
    const loaded = Object.keys(createRequire(import.meta.url).cache);
    expect(loaded.filter((k) => /koffi/.test(k))).toEqual([]);
    if (existsSync('/proc/self/maps')) expect(readFileSync('/proc/self/maps', 'utf8')).not.toMatch(/libmpi/);
  });

  it('initializes, reports rank 0 of 1 and runs every collective as the identity', async () => {
    expect(dist.isInitialized()).toBe(false);
    expect(() => dist.getRank()).toThrow(/has not been initialized/);
    dist.initProcessGroup({ backend: 'mpi' });
    expect([dist.getRank(), dist.getWorldSize(), dist.isInitialized()]).toEqual([0, 1, true]);
    const t = torch.tensor([1, 2, 3], { dtype: 'float32' });
    await dist.allReduce(t, dist.ReduceOp.AVG);
    await dist.allReduce(t, { op: 'max', asyncOp: true }).wait();
    await dist.broadcast(t, 0);
    expect(arr(t)).toEqual([1, 2, 3]);
    const out = [torch.zeros([3])];
    await dist.allGather(out, t);
    expect(arr(out[0])).toEqual([1, 2, 3]);
    const rs = torch.zeros([3]);
    await dist.reduceScatter(rs, [t.mul(2)]);
    expect(arr(rs)).toEqual([2, 4, 6]);
    const g = [torch.zeros([3])];
    await dist.gather(t, g);
    const sc = torch.zeros([3]);
    await dist.scatter(sc, [g[0].add(1)]);
    expect(arr(sc)).toEqual([2, 3, 4]);
    const w = dist.barrier({ asyncOp: true });
    await w;
    expect(w.isCompleted()).toBe(true);
    expect(() => dist.send(t, 0)).toThrow(/cannot send to itself/);
    expect(() => dist.allReduce(torch.tensor([1, 2]), 'avg')).toThrow(
      /AVG needs a floating-point tensor, got int64/,
    );
    expect(() => dist.allGather([], t)).toThrow(/one tensor per rank \(1\), got 0/);
    expect(() => dist.allReduce(t, 'mean' as 'sum')).toThrow(TypeError);
  });

  it('refuses a bigger world without a launcher, naming what to run and install', () => {
    expect(() => dist.initProcessGroup({ worldSize: 2 })).toThrow(
      /mpirun -n 2.*apt-get install openmpi-bin libopenmpi-dev/,
    );
    expect(() => dist.initProcessGroup('gloo')).toThrow(/backend 'gloo' is not available/);
  });

  it('names what to install when libmpi is missing under a launcher', () => {
    process.env.OMPI_COMM_WORLD_SIZE = '2';
    try {
      expect(() => dist.initProcessGroup()).toThrow(
        /the MPI library is not installed.*apt-get install openmpi-bin libopenmpi-dev/,
      );
    } finally {
      delete process.env.OMPI_COMM_WORLD_SIZE;
    }
  });
});

describe('Tensor.registerPostAccumulateGradHook', () => {
  it('runs once per backward, after the last path into the leaf', () => {
    const w = torch.tensor([2, 3], { dtype: 'float32', requiresGrad: true });
    const seen: number[][] = [];
    const h = w.registerPostAccumulateGradHook((p: torch.Tensor) => seen.push(arr(p.grad!)));
    w.mul(w).sum().add(w.sum()).backward(); // three edges into w
    expect(seen).toEqual([[5, 7]]);
    h.remove();
    w.sum().backward();
    expect(seen.length).toBe(1);
    expect(() => w.mul(2).registerPostAccumulateGradHook(() => {})).toThrow(/non-leaf/);
  });
});

class Two extends nn.Module {
  a = new nn.Linear(3, 2);
  b = new nn.Linear(3, 2);
  override forward(x: torch.Tensor) {
    return this.a.forward(x);
  }
}

describe('DistributedDataParallel in a world of one', () => {
  it('wraps, guards the optimizer until syncGradients, and accumulates under noSync', async () => {
    dist.initProcessGroup();
    torch.manualSeed(0);
    const net = new nn.Linear(3, 2);
    const model = new nn.parallel.DistributedDataParallel(net, { bucketCapMb: 1e-5 });
    expect(() => model(torch.ones([1, 3]))).toThrow(/await model.ready/);
    await model.ready;
    expect(Object.keys(model.stateDict())).toEqual(['module.weight', 'module.bias']);
    const opt = new torch.optim.SGD(model.parameters(), { lr: 0.1 });
    const x = torch.ones([4, 3]);
    model(x).sum().backward();
    expect(() => opt.step()).toThrow(/await model.syncGradients\(\)/);
    await model.syncGradients();
    expect(arr(net.weight.grad!)).toEqual(Array(6).fill(4));
    opt.zeroGrad();
    model.noSync(() => model(x).sum().backward());
    model(x).sum().backward();
    await model.syncGradients();
    expect(arr(net.weight.grad!)).toEqual(Array(6).fill(8));
    opt.step();
  });

  it('reports unused parameters, or leaves them without a gradient with findUnusedParameters', async () => {
    dist.initProcessGroup();
    const m1 = new nn.parallel.DistributedDataParallel(new Two());
    await m1.ready;
    m1(torch.ones([1, 3]))
      .sum()
      .backward();
    await expect(m1.syncGradients()).rejects.toThrow(/b\.weight, b\.bias.*findUnusedParameters: true/);
    const m2 = new nn.parallel.DistributedDataParallel(new Two(), { findUnusedParameters: true });
    await m2.ready;
    m2(torch.ones([1, 3]))
      .sum()
      .backward();
    await m2.syncGradients();
    const inner = m2.module as Two;
    expect(inner.b.weight.grad).toBeNull();
    expect(arr(inner.a.bias!.grad!)).toEqual([1, 1]);
  });
});
