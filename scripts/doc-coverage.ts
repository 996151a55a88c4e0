/**
 * Doc-comment coverage of the public surface, read with the TypeScript compiler API from
 * src/index.ts: every export reached from it (namespaces followed: torch.nn, torch.optim,
 * torch.utils.data, ...; the properties of exported object literals: torch.webgpu.init, ...) and
 * the public members of exported classes. A symbol counts as documented when it (or, for an
 * override, the member it overrides) has a doc comment.
 *
 *   npx tsx scripts/doc-coverage.ts            per-folder numbers
 *   npx tsx scripts/doc-coverage.ts --check    also fails listing the undocumented symbols in the
 *                                               CHECKED folders; test/signature/`npm run lint` runs it
 *   npx tsx scripts/doc-coverage.ts --list     lists every undocumented symbol
 */
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(import.meta.dirname, '..');
/** The torch.* namespace itself and its sub-namespaces other than nn/optim/data/io/utils. */
const TORCH = [
  'src/index.ts',
  'src/api/',
  'src/ops/',
  'src/tensor/',
  'src/autograd/',
  'src/distributed/',
  'src/device-api.ts',
  'src/amp/',
];
/** The folders reported on: the torch.* surface, then nn/optim/data/io/utils. */
const REPORTED = [...TORCH, 'src/nn/', 'src/optim/', 'src/data/', 'src/io/', 'src/utils/'];
/** Where every public symbol must carry a doc comment (--check). */
const CHECKED = [...TORCH, 'src/nn/', 'src/optim/', 'src/data/', 'src/io/', 'src/utils/'];

const program = ts.createProgram([path.join(ROOT, 'src/index.ts')], {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true,
  skipLibCheck: true,
  noEmit: true,
});
const checker = program.getTypeChecker();

interface Entry {
  name: string;
  file: string;
  documented: boolean;
}
const entries = new Map<string, Entry>();

const rel = (d: ts.Declaration) => path.relative(ROOT, d.getSourceFile().fileName).replaceAll('\\', '/');
const hasDoc = (s: ts.Symbol) =>
  s.getDocumentationComment(checker).some((p) => p.text.trim() !== '') || s.getJsDocTags(checker).length > 0;

function add(name: string, s: ts.Symbol, decl: ts.Declaration): void {
  const file = rel(decl);
  if (!file.startsWith('src/')) return;
  const prev = entries.get(name);
  const documented = hasDoc(s);
  if (!prev) entries.set(name, { name, file, documented });
  else prev.documented ||= documented;
}

const seenModules = new Set<ts.Symbol>();
function walkModule(mod: ts.Symbol, prefix: string): void {
  if (seenModules.has(mod)) return;
  seenModules.add(mod);
  for (const exp of checker.getExportsOfModule(mod)) walkExport(exp, `${prefix}${exp.name}`);
}

function walkExport(exp: ts.Symbol, name: string): void {
  const s = exp.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exp) : exp;
  const decl = s.declarations?.[0];
  if (!decl) return;
  if (ts.isSourceFile(decl) || ts.isModuleDeclaration(decl)) {
    walkModule(s, `${name}.`);
    return;
  }
  // `export * as nn` is an alias to a module; its own doc comment lives on the export.
  // (A class merged with an interface, as nn.Module with its call signature, is walked as a class.)
  if (
    (s.flags & ts.SymbolFlags.TypeAlias || s.flags & ts.SymbolFlags.Interface) &&
    !(s.flags & ts.SymbolFlags.Class)
  ) {
    add(name, s, decl);
    if (exp !== s) entries.get(name)!.documented ||= hasDoc(exp);
    return;
  }
  add(name, s, decl);
  if (exp !== s && entries.get(name)) entries.get(name)!.documented ||= hasDoc(exp);
  if (s.declarations?.some(ts.isClassDeclaration)) walkClass(s, name);
  else if (ts.isVariableDeclaration(decl) && decl.initializer) {
    const init = decl.initializer;
    // An object literal of functions/namespaces (torch.webgpu, torch.utils): its properties too.
    if (ts.isObjectLiteralExpression(init))
      for (const p of checker.getPropertiesOfType(checker.getTypeAtLocation(decl))) {
        const pd = p.declarations?.[0];
        if (!pd) continue;
        if (ts.isShorthandPropertyAssignment(pd)) {
          const target = checker.getShorthandAssignmentValueSymbol(pd);
          if (target) walkExport(target, `${name}.${p.name}`);
          continue;
        }
        if (ts.isPropertyAssignment(pd) && ts.isObjectLiteralExpression(pd.initializer)) {
          for (const q of checker.getPropertiesOfType(checker.getTypeAtLocation(pd.initializer))) {
            const qd = q.declarations?.[0];
            if (!qd) continue;
            if (ts.isShorthandPropertyAssignment(qd)) {
              const target = checker.getShorthandAssignmentValueSymbol(qd);
              if (target) walkExport(target, `${name}.${p.name}.${q.name}`);
            } else add(`${name}.${p.name}.${q.name}`, q, qd);
          }
          continue;
        }
        add(`${name}.${p.name}`, p, pd);
      }
  }
}

function walkClass(cls: ts.Symbol, name: string): void {
  const decl = cls.declarations?.find(ts.isClassDeclaration);
  if (!decl) return;
  for (const m of decl.members) {
    if (ts.isConstructorDeclaration(m) || ts.isClassStaticBlockDeclaration(m) || !m.name) continue;
    if (ts.isIndexSignatureDeclaration(m) || ts.isComputedPropertyName(m.name)) continue;
    const mods = ts.getCombinedModifierFlags(m as ts.Declaration);
    if (mods & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) continue;
    if (ts.isPrivateIdentifier(m.name)) continue;
    const mname = m.name.getText();
    if (mname.startsWith('_')) continue;
    const sym = checker.getSymbolAtLocation(m.name);
    if (!sym) continue;
    let documented = hasDoc(sym);
    // An override without its own comment inherits the base member's (TypeDoc shows that one).
    if (!documented) {
      const bases = [...checker.getBaseTypes(checker.getTypeAtLocation(decl) as ts.InterfaceType)];
      for (const h of decl.heritageClauses ?? [])
        if (h.token === ts.SyntaxKind.ImplementsKeyword)
          for (const t of h.types) bases.push(checker.getTypeAtLocation(t));
      for (const base of bases) {
        const bm = base.getProperty(mname);
        if (bm && hasDoc(bm)) documented = true;
      }
    }
    const key = `${name}#${mname}`;
    if (!entries.has(key)) entries.set(key, { name: key, file: rel(m), documented });
    else entries.get(key)!.documented ||= documented;
  }
}

const index = program.getSourceFile(path.join(ROOT, 'src/index.ts'));
if (!index) throw new Error('src/index.ts not found');
walkModule(checker.getSymbolAtLocation(index)!, 'torch.');

const folderOf = (f: string) => REPORTED.find((c) => f.startsWith(c)) ?? (f.startsWith('src/') ? 'other' : f);
const groups = new Map<string, Entry[]>();
for (const e of entries.values()) {
  const g = folderOf(e.file);
  groups.set(g, [...(groups.get(g) ?? []), e]);
}
const pct = (a: number, b: number) => `${((100 * a) / Math.max(1, b)).toFixed(1)}%`;
for (const [g, es] of [...groups].sort()) {
  const d = es.filter((e) => e.documented).length;
  console.log(
    `${g.padEnd(20)} ${String(d).padStart(5)} / ${String(es.length).padEnd(5)} ${pct(d, es.length)}`,
  );
}
const all = [...entries.values()];
const checked = all.filter((e) => CHECKED.some((c) => e.file.startsWith(c)));
const reported = all.filter((e) => REPORTED.some((c) => e.file.startsWith(c)));
const count = (es: Entry[]) => `${es.filter((e) => e.documented).length} / ${es.length}`;
console.log(`checked: ${count(checked)}; reported: ${count(reported)}; all: ${count(all)}`);
const argv = process.argv.slice(2);
const missing = (argv.includes('--list') ? all : checked).filter((e) => !e.documented);
if (argv.includes('--list') || argv.includes('--check'))
  for (const e of missing.sort((a, b) => a.file.localeCompare(b.file) || a.name.localeCompare(b.name)))
    console.log(`  undocumented: ${e.name}  (${e.file})`);
if (argv.includes('--check') && missing.length) {
  console.error(
    `doc-coverage: ${missing.length} public symbols in ${CHECKED.join(', ')} have no doc comment`,
  );
  process.exit(1);
}
