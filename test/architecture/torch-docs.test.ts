/**
 * The torch.* doc comments name what a caller may leave out: every optional parameter of a
 * documented function's signature (its default lives in the comment, docs/architecture.md) is
 * mentioned by its camelCase name. The factories' `device`, `requiresGrad` and `generator` are
 * the shared TensorOptions/RandomOptions, documented there; nn.functional's re-exports are the
 * nn docs' (src/nn), torch.distributed's shared `group`/`asyncOp` its module doc's.
 */
import { expect, it } from 'vitest';
import { undocumented } from '../../scripts/architecture.js';
import * as torch from '../../src/index.js';
import { registeredCallables } from '../../src/signature/bind.js';
import { parseSignature } from '../../src/signature/parse.js';

const SHARED = new Set(['device', 'requiresGrad', 'generator']);

it('every optional parameter of a torch.* function is named in its doc comment', { timeout: 300_000 }, () => {
  const { docs } = undocumented(['nn', 'optim', 'utils', 'datasets', 'transforms']);
  const byCall = new Map<unknown, readonly string[]>();
  for (const r of registeredCallables().values()) if (r.call) byCall.set(r.call, r.signatures);
  const missing: string[] = [];
  let checked = 0;
  const nnFunctional = new Set<unknown>(Object.values(torch.nn.functional));
  for (const [path, text] of docs) {
    if (path.startsWith('torch.distributed.')) continue;
    let v: unknown = torch;
    for (const k of path.split('.').slice(1)) v = (v as Record<string, unknown>)?.[k];
    const sigs = byCall.get(v);
    if (!sigs || !text || nnFunctional.has(v)) continue;
    checked++;
    for (const sig of sigs)
      for (const p of parseSignature(sig).params)
        if (!p.required && !SHARED.has(p.name) && !new RegExp(`\\b${p.name}\\b`).test(text))
          missing.push(`${path}: ${p.name}`);
  }
  expect([...new Set(missing)]).toEqual([]);
  // Sanity: the check sees the op tables (torch.sum, torch.linalg.norm, ...), not a handful.
  expect(checked).toBeGreaterThan(400);
});
