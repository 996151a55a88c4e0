import * as torch from '../../src/index.js';

process.on('uncaughtException', (e) => {
  console.error('UNCAUGHT', e);
  process.exit(1);
});
process.on('unhandledRejection', (e) => {
  console.error('UNHANDLED', e);
  process.exit(1);
});
const d = torch.distributed;
d.initProcessGroup({ backend: 'mpi', timeout: 5 });
const r = d.getRank(),
  n = d.getWorldSize();
const t = torch.tensor([r + 1, 2 * r, 3]);
await d.allReduce(t);
const g = [torch.zeros([2]), torch.zeros([2])];
await d.allGather(g, torch.tensor([r, r + 10], { dtype: 'float32' }));
console.log(r, n, await t.tolist(), await Promise.all(g.map((x) => x.tolist())));
try {
  await d.allReduce(torch.zeros([r + 1]));
} catch (e) {
  console.log(String(e));
}
if (r === 0) await d.send(torch.tensor([5, 6]), 1);
else {
  const s = await d.recv(torch.zeros([2]));
  console.log('recv from', s);
}
