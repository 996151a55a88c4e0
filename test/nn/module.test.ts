/** nn.Module: registration, callable form, state dicts, modes, devices, printing. */
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { testDevices } from '../helpers/devices.js';

const { nn } = torch;

class SimpleNet extends nn.Module {
  fc1 = new nn.Linear(784, 128);
  fc2 = new nn.Linear(128, 10);
  override forward(x: Tensor): Tensor {
    return this.fc2(torch.relu(this.fc1(x)));
  }
}

class WithBuffers extends nn.Module {
  scale = nn.Parameter(torch.ones([3]));
  inner = new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU(), new nn.Linear(4, 2, { bias: false }));
  heads = new nn.ModuleList([new nn.Linear(2, 2), new nn.Linear(2, 1)]);
  notAModule = [new nn.Linear(1, 1)]; // plain arrays are not registered, as in PyTorch
  declare runningMean: Tensor;
  declare scratch: Tensor;
  constructor() {
    super();
    this.registerBuffer('runningMean', torch.zeros([3]));
    this.registerBuffer('scratch', torch.zeros([1]), { persistent: false });
  }
  override forward(x: Tensor): Tensor {
    let h = this.inner(x.mul(this.scale));
    for (const m of this.heads) h = m(h);
    return h;
  }
}

describe('registration', () => {
  it('finds fields in definition order with PyTorch key names', () => {
    const m = new SimpleNet();
    expect([...m.namedParameters()].map(([k, p]) => [k, p.shape])).toEqual([
      ['fc1.weight', [128, 784]],
      ['fc1.bias', [128]],
      ['fc2.weight', [10, 128]],
      ['fc2.bias', [10]],
    ]);
    expect([...m.namedChildren()].map(([k]) => k)).toEqual(['fc1', 'fc2']);
    expect([...m.namedModules()].map(([k]) => k)).toEqual(['', 'fc1', 'fc2']);
    expect(m.parameters().every((p) => p instanceof nn.Parameter && p.requiresGrad)).toBe(true);
  });

  it('orders own parameters before children, buffers apart, containers by index', () => {
    const m = new WithBuffers();
    expect([...m.namedParameters()].map(([k]) => k)).toEqual([
      'scale',
      'inner.0.weight',
      'inner.0.bias',
      'inner.2.weight',
      'heads.0.weight',
      'heads.0.bias',
      'heads.1.weight',
      'heads.1.bias',
    ]);
    expect([...m.namedBuffers()].map(([k]) => k)).toEqual(['runningMean', 'scratch']);
    expect(Object.keys(m.stateDict())).toEqual([
      'scale',
      'runningMean',
      'inner.0.weight',
      'inner.0.bias',
      'inner.2.weight',
      'heads.0.weight',
      'heads.0.bias',
      'heads.1.weight',
      'heads.1.bias',
    ]);
    expect([...m.namedModules()].map(([k]) => k)).toEqual([
      '',
      'inner',
      'inner.0',
      'inner.1',
      'inner.2',
      'heads',
      'heads.0',
      'heads.1',
    ]);
  });

  it('registerParameter/registerModule/addModule and reassignment', () => {
    const m = new nn.Module();
    m.registerParameter('w', nn.Parameter(torch.zeros([2])));
    m.registerParameter('absent', null);
    m.addModule('lin', new nn.Linear(2, 2));
    expect([...m.namedParameters()].map(([k]) => k)).toEqual(['w', 'lin.weight', 'lin.bias']);
    (m as unknown as { lin: unknown }).lin = new nn.Linear(2, 3, { bias: false });
    expect([...m.namedParameters()].map(([k, p]) => `${k}:${p.shape}`)).toEqual(['w:2', 'lin.weight:3,2']);
    expect(() => m.registerParameter('x', torch.zeros([1]) as never)).toThrow(
      /nn.Parameter or null required/,
    );
    expect(() => m.registerModule('a.b', new nn.Identity())).toThrow(/can't contain "."/);
    expect(() => m.registerBuffer('forward', torch.zeros([1]))).toThrow(/already exists/);
  });

  it('shared parameters and modules are yielded once', () => {
    const lin = new nn.Linear(2, 2);
    const seq = new nn.Sequential(lin, lin);
    expect(seq.parameters().length).toBe(2);
    expect([...seq.modules()].length).toBe(2);
    // stateDict keeps both names, as PyTorch's does.
    expect(Object.keys(seq.stateDict())).toEqual(['0.weight', '0.bias', '1.weight', '1.bias']);
  });
});

describe('callable modules', () => {
  it('model(x) is model.forward(x), and instanceof holds', async () => {
    const m = new SimpleNet();
    expect(m instanceof nn.Module).toBe(true);
    expect(m instanceof SimpleNet).toBe(true);
    expect(typeof m).toBe('function');
    const x = torch.randn([4, 784], { generator: new torch.Generator(1) });
    expect(Array.from(await m(x).toArray())).toEqual(Array.from(await m.forward(x).toArray()));
    expect(m(x).shape).toEqual([4, 10]);
  });

  it('a module without forward says so', () => {
    const m = new nn.Module() as unknown as (x: number) => unknown;
    expect(() => m(1)).toThrow('Module [Module] is missing the required "forward" function');
  });

  it('Sequential runs in order, indexes, and accepts a dict', () => {
    const seq = new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU(), new nn.Linear(4, 2));
    expect(seq.length).toBe(3);
    expect(seq[0]).toBeInstanceOf(nn.Linear);
    expect(seq.at(-1)).toBe(seq[2]);
    const x = torch.randn([5, 3]);
    const manual = (seq[2] as InstanceType<typeof nn.Linear>)(
      torch.relu((seq[0] as InstanceType<typeof nn.Linear>)(x)),
    );
    expect(Array.from(seq(x).toArraySync())).toEqual(Array.from(manual.toArraySync()));
    const named = new nn.Sequential({ fc: new nn.Linear(3, 2), act: new nn.Tanh() });
    expect(Object.keys(named.stateDict())).toEqual(['fc.weight', 'fc.bias']);
    expect(named(x).shape).toEqual([5, 2]);
  });

  it('ModuleList and ModuleDict manage children', () => {
    const l = new nn.ModuleList([new nn.ReLU()]);
    l.append(new nn.Tanh()).extend([new nn.Sigmoid()]);
    expect(l.length).toBe(3);
    expect([...l].map((m) => m.constructor.name)).toEqual(['ReLU', 'Tanh', 'Sigmoid']);
    l.insert(0, new nn.Identity());
    expect(l.pop(1)).toBeInstanceOf(nn.ReLU);
    expect([...l].map((m) => m.constructor.name)).toEqual(['Identity', 'Tanh', 'Sigmoid']);
    const d = new nn.ModuleDict({ enc: new nn.Linear(2, 2), dec: new nn.Linear(2, 2) });
    expect(d.keys()).toEqual(['enc', 'dec']);
    expect(d.get('enc')).toBeInstanceOf(nn.Linear);
    expect(Object.keys(d.stateDict())).toEqual(['enc.weight', 'enc.bias', 'dec.weight', 'dec.bias']);
    d.pop('enc');
    expect(d.keys()).toEqual(['dec']);
  });
});

describe('stateDict / loadStateDict', () => {
  it('round-trips values into a fresh model', async () => {
    const a = new WithBuffers();
    a.runningMean.fill_(3);
    const b = new WithBuffers();
    const r = b.loadStateDict(a.stateDict());
    expect(r).toEqual({ missingKeys: [], unexpectedKeys: [] });
    for (const [k, v] of Object.entries(a.stateDict()))
      expect(Array.from(await b.stateDict()[k].toArray()), k).toEqual(Array.from(await v.toArray()));
    // Values are copied in place: the parameters keep their identity.
    const before = b.parameters();
    b.loadStateDict(new WithBuffers().stateDict());
    expect(b.parameters()).toEqual(before);
  });

  it('returns detached tensors sharing storage', () => {
    const m = new nn.Linear(2, 2);
    const sd = m.stateDict();
    expect(sd.weight.requiresGrad).toBe(false);
    expect(sd.weight.storage).toBe(m.weight.storage);
    expect(Object.keys(m.stateDict({ prefix: 'enc.' }))).toEqual(['enc.weight', 'enc.bias']);
  });

  it('reports missing and unexpected keys like PyTorch', () => {
    const m = new SimpleNet();
    const sd = m.stateDict();
    delete sd['fc2.bias'];
    sd['fc3.weight'] = torch.zeros([1]);
    expect(() => m.loadStateDict(sd)).toThrow(
      'Error(s) in loading state_dict for SimpleNet:\n\tMissing key(s) in state_dict: "fc2.bias". \n\tUnexpected key(s) in state_dict: "fc3.weight". ',
    );
    expect(m.loadStateDict(sd, { strict: false })).toEqual({
      missingKeys: ['fc2.bias'],
      unexpectedKeys: ['fc3.weight'],
    });
  });

  it('reports shape mismatches by name, even when not strict', () => {
    const m = new SimpleNet();
    const sd = m.stateDict();
    sd['fc1.weight'] = torch.zeros([10, 5]);
    const msg =
      'size mismatch for fc1.weight: copying a param with shape torch.Size([10, 5]) from checkpoint, the shape in current model is torch.Size([128, 784]).';
    expect(() => m.loadStateDict(sd)).toThrow(msg);
    expect(() => m.loadStateDict(sd, { strict: false })).toThrow(msg);
  });

  it('skips non-persistent buffers and loads int64-sized data', () => {
    const m = new WithBuffers();
    expect('scratch' in m.stateDict()).toBe(false);
    const e = new nn.Embedding(4, 2);
    e.loadStateDict({ weight: torch.arange(8).float().reshape([4, 2]) });
    expect(Array.from(e.weight.toArraySync())).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });
});

describe('modes', () => {
  it('train/eval propagate and switch Dropout off', async () => {
    const m = new nn.Sequential(new nn.Linear(100, 100), new nn.Dropout(0.5));
    expect(m.training && m[1].training).toBe(true);
    const x = torch.ones([8, 100]);
    const drop = m[1] as InstanceType<typeof nn.Dropout>;
    const y = await drop(x).toArray();
    const zeros = y.filter((v) => v === 0).length;
    expect(zeros).toBeGreaterThan(300); // ~400 of 800 dropped
    expect(zeros).toBeLessThan(500);
    expect(y.every((v) => v === 0 || Math.abs(v - 2) < 1e-6)).toBe(true); // kept ones scaled by 1/(1-p)
    expect(m.eval()).toBe(m);
    expect(m.training || m[1].training).toBe(false);
    expect(Array.from(await drop(x).toArray())).toEqual(Array.from(await x.toArray()));
    m.train();
    expect(m[1].training).toBe(true);
  });

  it('zeroGrad, requiresGrad_ and apply', () => {
    const m = new SimpleNet();
    m(torch.randn([2, 784]))
      .sum()
      .backward();
    expect(m.parameters().every((p) => p.grad !== null)).toBe(true);
    m.zeroGrad({ setToNone: false });
    expect(m.parameters().every((p) => p.grad!.toArraySync().every((v) => v === 0))).toBe(true);
    m.zeroGrad();
    expect(m.parameters().every((p) => p.grad === null)).toBe(true);
    m.requiresGrad_(false);
    expect(m.parameters().some((p) => p.requiresGrad)).toBe(false);
    const seen: string[] = [];
    m.apply((x) => seen.push(x.constructor.name));
    expect(seen).toEqual(['Linear', 'Linear', 'SimpleNet']);
  });
});

describe('devices and dtypes', () => {
  for (const device of testDevices())
    it(`to('${device}') moves in place: parameter identity and an earlier optimizer survive`, async () => {
      const m = new SimpleNet();
      const params = m.parameters();
      const opt = new torch.optim.SGD(m.parameters(), { lr: 0.1 });
      const w0 = Array.from(await m.fc2.bias!.toArray());
      m(torch.randn([2, 784]))
        .sum()
        .backward();
      expect(m.to(device)).toBe(m);
      expect(m.parameters()).toEqual(params);
      expect(m.parameters().every((p) => p.device.type === device && p.grad?.device.type === device)).toBe(
        true,
      );
      expect(m.fc2.bias!.requiresGrad).toBe(true);
      const g = Array.from(await m.fc2.bias!.grad!.toArray());
      opt.step();
      const w1 = Array.from(await m.fc2.bias!.toArray());
      w1.forEach((v, i) => {
        expect(v).toBeCloseTo(w0[i] - 0.1 * g[i], 6);
      });
      const y = m(torch.randn([2, 784]).to(device));
      expect(y.device.type).toBe(device);
      if (device !== 'cpu') {
        await m.toAsync('cpu');
        expect(m.parameters()).toEqual(params);
        expect(m.fc1.weight.device.type).toBe('cpu');
      }
    });

  it('a dtype cast keeps integer buffers', () => {
    const m = new nn.Module();
    m.registerBuffer('count', torch.tensor([3], { dtype: 'int32' }));
    m.registerParameter('w', nn.Parameter(torch.zeros([2])));
    m.to('float32');
    expect((m as unknown as { count: Tensor }).count.dtype).toBe('int32');
  });
});

describe('printing', () => {
  it("prints like PyTorch's repr", () => {
    expect(String(new SimpleNet())).toBe(
      'SimpleNet(\n  (fc1): Linear(in_features=784, out_features=128, bias=True)\n  (fc2): Linear(in_features=128, out_features=10, bias=True)\n)',
    );
    const seq = new nn.Sequential(
      new nn.Flatten(),
      new nn.Linear(4, 2, { bias: false }),
      new nn.Sequential(new nn.ReLU(), new nn.Dropout(0.1)),
      new nn.LeakyReLU(0.2),
      new nn.Softmax(1),
    );
    expect(String(seq)).toBe(
      [
        'Sequential(',
        '  (0): Flatten(start_dim=1, end_dim=-1)',
        '  (1): Linear(in_features=4, out_features=2, bias=False)',
        '  (2): Sequential(',
        '    (0): ReLU()',
        '    (1): Dropout(p=0.1, inplace=False)',
        '  )',
        '  (3): LeakyReLU(negative_slope=0.2)',
        '  (4): Softmax(dim=1)',
        ')',
      ].join('\n'),
    );
    expect(String(new nn.Embedding(10, 3, { paddingIdx: 0 }))).toBe('Embedding(10, 3, padding_idx=0)');
    expect(String(new nn.GELU())).toBe("GELU(approximate='none')");
    expect(String(new nn.ELU())).toBe('ELU(alpha=1.0)');
    expect(String(new nn.CrossEntropyLoss())).toBe('CrossEntropyLoss()');
    expect(String(nn.Parameter(torch.tensor([1, 2], { dtype: 'float32' })))).toBe(
      'Parameter containing:\ntensor([1., 2.], requires_grad=True)',
    );
  });
});
