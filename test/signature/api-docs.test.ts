/** docs/api-signatures.md is generated (npm run docs:signatures): the committed file must be current. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import '../../src/index.js';
import { renderApiSignatures } from '../../src/signature/api-docs.js';
import { registeredCallables } from '../../src/signature/bind.js';

it('docs/api-signatures.md matches registeredCallables() (else run npm run docs:signatures)', () => {
  const committed = readFileSync(
    fileURLToPath(new URL('../../docs/api-signatures.md', import.meta.url)),
    'utf8',
  );
  const fresh = renderApiSignatures(registeredCallables());
  // Line by line, so a failure shows which entries changed.
  expect(committed.split('\n')).toEqual(fresh.split('\n'));
});
