/** Writes docs/api-signatures.md from the library's registry: `npm run docs:signatures`. */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import '../src/index.js';
import { renderApiSignatures } from '../src/signature/api-docs.js';
import { registeredCallables } from '../src/signature/bind.js';

const path = fileURLToPath(new URL('../docs/api-signatures.md', import.meta.url));
const text = renderApiSignatures(registeredCallables());
writeFileSync(path, text);
console.log(`wrote ${path} (${registeredCallables().size} callables)`);
