#!/usr/bin/env bash
# The published package, as a user gets it: `npm pack`, install the tarball into a fresh ESM project,
# and compile a typed training loop with `tsc --strict` and no skipLibCheck (so every shipped .d.ts is
# checked, against TypeScript 5.x from the registry), then run it. Then publint and
# @arethetypeswrong/cli on the tarball. Also installs it with --omit=optional (no `webgpu`). Needs only the npm registry (or its cache).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
TS_VERSION="${TS_VERSION:-5}"   # the newest 5.x
work="$(mktemp -d "${TMPDIR:-/tmp}/torchts-consumer-XXXXXX")"
trap 'rm -rf "$work"' EXIT

cd "$root"
[ -f dist/index.d.ts ] || npm run build
tarball="$work/$(npm pack --silent --pack-destination "$work" | tail -1)"
echo "consumer-check: packed $(basename "$tarball") ($(du -h "$tarball" | cut -f1))"

mkdir "$work/app"
cd "$work/app"
cat > package.json <<'JSON'
{ "name": "torchts-consumer", "version": "1.0.0", "private": true, "type": "module" }
JSON
# Two consumers, each with the least the README asks for (section "TypeScript"): Node with
# @types/node (which declares Symbol.dispose), and one without Node's types (a browser bundle).
cat > tsconfig.json <<'JSON'
{
  "compilerOptions": {
    "target": "ES2022",
    "module": "NodeNext",
    "moduleResolution": "NodeNext",
    "lib": ["ES2022", "DOM"],
    "types": ["node"],
    "strict": true,
    "skipLibCheck": false,
    "outDir": "out"
  },
  "files": ["train.ts"]
}
JSON
cat > tsconfig.web.json <<'JSON'
{
  "extends": "./tsconfig.json",
  "compilerOptions": { "lib": ["ES2022", "DOM", "ESNext.Disposable"], "types": [], "noEmit": true }
}
JSON
cat > train.ts <<'TS'
// A typed training loop as the README's, against the installed package and its bundled digits.
import * as torch from 'torchts';

const { nn, optim } = torch;
const { DataLoader } = torch.utils.data;

class SimpleNet extends torch.nn.Module {
  fc1 = new nn.Linear(784, 128);
  relu = new nn.ReLU();
  fc2 = new nn.Linear(128, 10);
  override forward(x: torch.Tensor): torch.Tensor {
    return this.fc2.forward(this.relu.forward(this.fc1.forward(x.view(-1, 784))));
  }
}

torch.manualSeed(0);
const device = torch.accelerator.currentAccelerator() ?? torch.device('cpu');
const model = new SimpleNet().to(device);
const optimizer = new optim.SGD(model.parameters(), { lr: 0.01 });
const criterion = new nn.CrossEntropyLoss();
const loader = new DataLoader(new torch.datasets.MNIST({ train: true }), { batchSize: 64, shuffle: true });
let last = 0;
for await (const [inputs, labels] of loader) {
  optimizer.zeroGrad();
  const loss: torch.Tensor = criterion(model(inputs.to(device)), labels.to(device));
  loss.backward();
  optimizer.step();
  last = await loss.item();
}
{
  using t = torch.zeros([2]); // needs Symbol.dispose
  void t;
}
await torch.save(model.stateDict(), 'model.safetensors');
console.log(`consumer-check: one epoch on ${device}, last loss ${last.toFixed(3)}`);
TS
npm install --no-audit --no-fund --silent "$tarball" "typescript@$TS_VERSION" "@types/node@20"
echo "consumer-check: tsc $(npx --no-install tsc --version) --strict, no skipLibCheck"
npx --no-install tsc -p tsconfig.json
npx --no-install tsc -p tsconfig.web.json
node out/train.js

# `webgpu` (Dawn, five platforms' binaries) is an optional dependency: without it the package
# installs, trains on the CPU and says why WebGPU is unavailable.
echo "consumer-check: npm install --omit=optional (no Dawn)"
mkdir "$work/min"
cd "$work/min"
echo '{ "name": "torchts-min", "version": "1.0.0", "private": true, "type": "module" }' > package.json
npm install --no-audit --no-fund --silent --omit=optional "$tarball"
if [ -e node_modules/webgpu ]; then echo "consumer-check: webgpu installed despite --omit=optional" >&2; exit 1; fi
cp "$work/app/out/train.js" train.js
node train.js
node --input-type=module -e "
import * as torch from 'torchts';
const want = \"the optional package 'webgpu' is not installed: npm install webgpu\";
if (torch.webgpu.isAvailable() || torch.webgpu.unavailableReason() !== want)
  throw new Error('unexpected: ' + torch.webgpu.unavailableReason());
console.log('consumer-check: without webgpu: ' + torch.webgpu.unavailableReason());"

cd "$root"
echo "consumer-check: publint"
npx --yes publint@0 "$tarball" --strict
echo "consumer-check: @arethetypeswrong/cli"
npx --yes @arethetypeswrong/cli@0 "$tarball" --profile esm-only
echo "consumer-check: ok"
