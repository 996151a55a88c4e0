/**
 * The renderers' op tables are exhaustive records over `UnOp` / `BinOp` (STYLE §2, §3): an op
 * added to expr.ts that a renderer does not handle fails `tsc`, instead of a run-time throw.
 * Where a renderer supports a subset (wasm SIMD), its table says so per op with `null`.
 */
import { expect, it } from 'vitest';
import { jsBinary, jsUnary } from '../../src/backend/cpu/compile.js';
import { simdBinary } from '../../src/backend/cpu/wasm/ewise-kernel.js';
import { type BinOp, binaryOps, type UnOp, unaryOps } from '../../src/backend/expr.js';
import { wgslBinary, wgslUnary } from '../../src/backend/webgpu/wgsl/expr.js';

it('every renderer table names exactly the ops of expr.ts', () => {
  for (const t of [jsUnary, wgslUnary]) expect(Object.keys(t).sort()).toEqual([...unaryOps].sort());
  for (const t of [jsBinary, wgslBinary, simdBinary])
    expect(Object.keys(t).sort()).toEqual([...binaryOps].sort());
});

// Negative controls, checked by `tsc -p tsconfig.json` (which covers test/): if a table that
// misses an op ever type-checked, these directives would be unused and tsc would fail.
const { xor: _dropped, ...missingXor } = jsBinary;
// @ts-expect-error: 'xor' is missing, so this is not a table over BinOp
const notExhaustive: Record<BinOp, (a: string, b: string) => string> = missingXor;
const partialUnary = {
  neg: (a: string) => `(-${a})`,
  // @ts-expect-error: a literal with one op (or a misspelt one) does not satisfy the record
} satisfies Record<UnOp, (a: string) => string>;

it('the negative controls are what they claim', () => {
  expect(Object.keys(notExhaustive)).not.toContain('xor');
  expect(Object.keys(partialUnary)).toEqual(['neg']);
});
