/**
 * Checks of the layering rules in docs/architecture.md, over the source (used by
 * test/architecture/layers.test.ts; `npx tsx scripts/architecture.ts` prints every finding,
 * including torch.* functions without a doc comment).
 *
 * - importGraph: src's static value imports (`import type` is erased and does not count).
 * - cycles: strongly connected components of that graph among the given folders.
 * - lateBound: module-level `let`s holding a function, filled in at run time by a setter
 *   (the way an import cycle gets broken); none may remain in the lower layers.
 * - installedCalls: lower-layer uses of Tensor methods that src/api installs on the prototype.
 * - undocumented: public Tensor members and torch.* values without a doc comment.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(import.meta.dirname, '..');
const SRC = path.join(ROOT, 'src');
const rel = (f: string) => path.relative(ROOT, f).split(path.sep).join('/');

function sourceFiles(dir = SRC): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** file (repo-relative) -> the files it imports for values. */
export function importGraph(): Map<string, string[]> {
  const g = new Map<string, string[]>();
  for (const f of sourceFiles()) {
    const sf = ts.createSourceFile(f, fs.readFileSync(f, 'utf8'), ts.ScriptTarget.Latest);
    const deps: string[] = [];
    for (const st of sf.statements) {
      let spec: ts.Expression | undefined;
      if (ts.isImportDeclaration(st)) {
        const c = st.importClause;
        if (c?.isTypeOnly) continue;
        // `import { type A, type B }`: erased as well.
        const nb = c?.namedBindings;
        if (c && !c.name && nb && ts.isNamedImports(nb) && nb.elements.every((e) => e.isTypeOnly)) continue;
        spec = st.moduleSpecifier;
      } else if (ts.isExportDeclaration(st) && st.moduleSpecifier && !st.isTypeOnly) {
        const ec = st.exportClause;
        if (ec && ts.isNamedExports(ec) && ec.elements.every((e) => e.isTypeOnly)) continue;
        spec = st.moduleSpecifier;
      }
      if (!spec || !ts.isStringLiteral(spec) || !spec.text.startsWith('.')) continue;
      deps.push(rel(path.resolve(path.dirname(f), spec.text.replace(/\.js$/, '.ts'))));
    }
    g.set(rel(f), deps);
  }
  return g;
}

/** Import cycles (as sorted file lists) among files under the given folders. */
export function cycles(g: Map<string, string[]>, folders: readonly string[]): string[][] {
  const inScope = (f: string) => folders.some((d) => f.startsWith(`${d}/`));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  let n = 0;
  const visit = (v: string) => {
    index.set(v, n);
    low.set(v, n++);
    stack.push(v);
    onStack.add(v);
    for (const w of g.get(v) ?? []) {
      if (!inScope(w) || !g.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const c: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        c.push(w);
      } while (w !== v);
      if (c.length > 1 || (g.get(v) ?? []).includes(v)) out.push(c.sort());
    }
  };
  for (const f of g.keys()) if (inScope(f) && !index.has(f)) visit(f);
  return out;
}

/** Imports from files in `from` folders into files under `to` folders: "a -> b" lines. */
export function importsInto(g: Map<string, string[]>, from: string, to: readonly string[]): string[] {
  const out: string[] = [];
  for (const [f, deps] of g)
    if (f.startsWith(`${from}/`))
      for (const d of deps) if (to.some((t) => d.startsWith(`${t}/`) || d === t)) out.push(`${f} -> ${d}`);
  return out;
}

/**
 * Module-level `let`s whose type is a function (or function | null) in files under the given
 * folders: the setter-filled hooks that break import cycles. "file: name" lines.
 */
export function lateBound(folders: readonly string[]): string[] {
  const out: string[] = [];
  for (const f of sourceFiles()) {
    const r = rel(f);
    if (!folders.some((d) => r.startsWith(`${d}/`))) continue;
    const sf = ts.createSourceFile(f, fs.readFileSync(f, 'utf8'), ts.ScriptTarget.Latest);
    for (const st of sf.statements) {
      if (!ts.isVariableStatement(st) || !(st.declarationList.flags & ts.NodeFlags.Let)) continue;
      for (const d of st.declarationList.declarations) {
        const hasFn = (t: ts.Node | undefined): boolean =>
          !!t &&
          (ts.isFunctionTypeNode(t) ||
            ts.isTypeQueryNode(t) ||
            (ts.isUnionTypeNode(t) && t.types.some(hasFn)) ||
            (ts.isParenthesizedTypeNode(t) && hasFn(t.type)));
        if (hasFn(d.type)) out.push(`${r}: ${d.name.getText(sf)}`);
      }
    }
  }
  return out;
}

let program: ts.Program | null = null;
function typed(): { program: ts.Program; checker: ts.TypeChecker } {
  if (!program) {
    const cfg = ts.getParsedCommandLineOfConfigFile(
      path.join(ROOT, 'tsconfig.json'),
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: () => {},
      },
    );
    program = ts.createProgram([path.join(SRC, 'index.ts')], cfg!.options);
  }
  return { program, checker: program.getTypeChecker() };
}

/** The files that put Tensor methods on the prototype (typed by declaration merging). */
export const INSTALLERS = ['src/api/tensor-methods.ts', 'src/api/special-fft.ts', 'src/api/random-more.ts'];

/** Uses, in files under `folders`, of Tensor members declared by the installer files: "file:line text". */
export function installedCalls(folders: readonly string[]): string[] {
  const { program: p, checker } = typed();
  const out: string[] = [];
  for (const sf of p.getSourceFiles()) {
    const r = rel(sf.fileName);
    if (!folders.some((d) => r.startsWith(`${d}/`))) continue;
    const visit = (n: ts.Node) => {
      if (ts.isPropertyAccessExpression(n)) {
        const decl = checker.getSymbolAtLocation(n.name)?.declarations?.[0];
        if (decl && INSTALLERS.includes(rel(decl.getSourceFile().fileName))) {
          const { line } = sf.getLineAndCharacterOfPosition(n.getStart(sf));
          out.push(`${r}:${line + 1} ${n.getText(sf)}`);
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return out;
}

/**
 * The Tensor members the installer files declare (interface merging) and the `any` types
 * written in those files: "file:line" lines.
 */
export function installedMembers(): { names: string[]; anys: string[] } {
  const names: string[] = [];
  const anys: string[] = [];
  for (const r of INSTALLERS) {
    const f = path.join(ROOT, r);
    const sf = ts.createSourceFile(f, fs.readFileSync(f, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (n: ts.Node) => {
      if (n.kind === ts.SyntaxKind.AnyKeyword)
        anys.push(`${r}:${sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1}`);
      if (ts.isInterfaceDeclaration(n) && n.name.text === 'Tensor')
        for (const m of n.members) if (m.name && ts.isIdentifier(m.name)) names.push(m.name.text);
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return { names: [...new Set(names)], anys };
}

const isInternal = (s: ts.Symbol) =>
  (s.declarations ?? []).some((d) => ts.getJSDocTags(d).some((t) => t.tagName.text === 'internal'));

/**
 * Public Tensor members (`tensor`) and torch.* values, one level into namespaces, except the
 * `skip`ped ones (`torch`), without a doc comment: "name (file)" lines; `seen` counts the torch.*
 * values looked at, `docs` holds their doc text by path ('torch.sum', 'torch.linalg.norm').
 */
export function undocumented(skip: readonly string[] = []): {
  tensor: string[];
  torch: string[];
  seen: number;
  docs: Map<string, string>;
} {
  const { program: p, checker } = typed();
  const mod = checker.getSymbolAtLocation(p.getSourceFile(path.join(SRC, 'index.ts'))!)!;
  const exps = checker.getExportsOfModule(mod);
  const doc = (s: ts.Symbol) => ts.displayPartsToString(s.getDocumentationComment(checker)).trim();
  const where = (s: ts.Symbol) => {
    const f = s.declarations?.[0]?.getSourceFile().fileName;
    return f ? ` (${rel(f)})` : '';
  };
  // `/** ... */ export * as ns from '...'`: the doc sits on the statement, not on a symbol.
  const statementDoc = (s: ts.Symbol): boolean => {
    let n: ts.Node | undefined = s.declarations?.[0];
    while (n && !ts.isExportDeclaration(n)) n = n.parent;
    if (!n) return false;
    const text = n.getSourceFile().text;
    return (ts.getLeadingCommentRanges(text, n.getFullStart()) ?? []).some((r) =>
      text.startsWith('/**', r.pos),
    );
  };
  const aliased = (s: ts.Symbol) => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s);

  const tensor: string[] = [];
  const tensorType = checker.getDeclaredTypeOfSymbol(aliased(exps.find((e) => e.name === 'Tensor')!));
  for (const m of checker.getPropertiesOfType(tensorType)) {
    if (m.name.startsWith('_') || m.name.startsWith('__@') || isInternal(m)) continue;
    const d = m.declarations?.[0];
    if (d && ts.getCombinedModifierFlags(d) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected))
      continue;
    if (!doc(m)) tensor.push(`${m.name}${where(m)}`);
  }

  const torch: string[] = [];
  let seen = 0;
  const docs = new Map<string, string>();
  const visit = (prefix: string, sym: ts.Symbol, depth: number) => {
    const s = aliased(sym);
    if (!(s.flags & ts.SymbolFlags.Value) || isInternal(s)) return;
    seen++;
    docs.set(`${prefix}${sym.name}`, doc(sym) || doc(s));
    if (!doc(sym) && !doc(s) && !statementDoc(sym)) torch.push(`${prefix}${sym.name}${where(s)}`);
    const decl = s.valueDeclaration;
    if (depth > 0 || !decl || s.flags & ts.SymbolFlags.Class) return;
    const ty = checker.getTypeOfSymbolAtLocation(s, decl);
    if (ty.getCallSignatures().length) return;
    for (const m of checker.getPropertiesOfType(ty)) visit(`${prefix}${sym.name}.`, m, depth + 1);
  };
  for (const e of exps) if (e.name !== 'Tensor' && !skip.includes(e.name)) visit('torch.', e, 0);
  return { tensor, torch, seen, docs };
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const g = importGraph();
  const show = (title: string, xs: readonly string[]) =>
    console.log(`${title}: ${xs.length}${xs.length ? `\n  ${xs.join('\n  ')}` : ''}`);
  show(
    'cycles',
    cycles(g, ['src']).map((c) => c.join(' ')),
  );
  show('late-bound functions', lateBound(['src/tensor', 'src/autograd', 'src/ops', 'src/backend']));
  show(
    'installed methods used below api',
    installedCalls(['src/tensor', 'src/autograd', 'src/ops', 'src/backend']),
  );
  const u = undocumented(['nn', 'optim', 'utils', 'datasets', 'transforms']);
  show('Tensor members without a doc comment', u.tensor);
  show('torch.* values without a doc comment', u.torch);
}
