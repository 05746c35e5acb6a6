import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { MANIFEST_FIELD, packageTargets } from "../module-facts.js";
import {
  type HostResolve,
  hostPackageEntry,
  isLocalSpecifier,
  pathsFollowed,
  pathsMapped,
  resolveImport,
  resolveWithoutPaths,
} from "../resolve.js";
import type { ParseModule } from "./module-graph.js";
import { builtinName, NodeOrigins } from "./node-origin.js";
import type { Node } from "./tree.js";

/**
 * The names a plain JavaScript module exports, read from its text (docs/modules.md, "Twins by
 * name"): enough to see that a dependency ships a hand-written `xSync` next to `x`. Only names
 * the text proves exported are listed; a module whose exports cannot be read (a UMD wrapper, an
 * `exports` object built at run time) lists what it can prove, often nothing — never a guess.
 */
export interface ExportNames {
  names: ReadonlySet<string>;
  /** Exports the text declares `async` (`export async function xSync`): never a sync twin. */
  async: ReadonlySet<string>;
  /** CommonJS: a default import is `module.exports`, so `lib.x` reaches the export `x`. */
  commonjs: boolean;
  /**
   * Exports that are visibly one of Node's own functions, by name (`exec` →
   * `promisify(child_process.exec)`, `execSync` → `child_process.execSync`; node-origin.ts): a
   * pair of them is not taken for twins by name (attack26 F07).
   */
  node: ReadonlyMap<string, string>;
  /**
   * CommonJS exports Node's export scanner (cjs-module-lexer) does not find, which an ES module's
   * named or namespace import therefore does not see, each with the words saying why (they follow
   * the module's name in a reason): a getter of another form than
   * `get: function () { return x; }` or `get() { return x.y; }` (`get: () => x`), a descriptor
   * with other keys (attack35 F07), a name written with a `\u` escape, and the keys of
   * `module.exports = { … }` from the first the scanner stops at (a value that is no plain name,
   * a numeric or computed key: attack36 F10; `scannedLiteralKeys`).
   */
  esHidden?: ReadonlyMap<string, string>;
  /**
   * Names an ES module's text re-exports by `export *` that no importer (`import` or `require`)
   * sees, with why: two stars binding it differently (ECMA-262 leaves an ambiguous star name out
   * of the namespace, attack36 F01), or a star of a CommonJS module whose scanner-hidden property
   * it is (attack36 F02). Not in `names`.
   */
  unseen?: ReadonlyMap<string, string>;
  /**
   * How an ES module's text binds its exports, for `exportOrigin`: absent for CommonJS (its
   * exports are properties, not bindings).
   */
  links?: ExportLinks;
}

/** An ES module's export entries as ECMA-262 reads them (local, indirect, star). */
export interface ExportLinks {
  /** Names bound by the module itself (declarations, `export { local }` of its own bindings). */
  own: ReadonlySet<string>;
  /** Exported name → [specifier, imported name or "*" for a namespace]. */
  indirect: ReadonlyMap<string, readonly [string, string]>;
  /** The specifiers of its `export * from`, in order. */
  stars: readonly string[];
}

/** How deep `export * from "./x"` chains inside a package are followed. */
export const MAX_EXPORT_DEPTH = 8;

const cache = new Map<string, { mtimeMs: number; size: number; names: ExportNames | undefined }>();

/**
 * The exports of what `specifier` imports from the file `from`, or undefined when they cannot be
 * read (not found, a built-in, unparsable) or the module is smartasync's own business (a package
 * with a manifest: its facts say what it holds).
 */
export function exportNamesOf(
  parse: ParseModule,
  specifier: string,
  from: string,
  settings?: HostResolve,
): ExportNames | undefined {
  let r: ReturnType<typeof resolveImport>;
  let node: ReturnType<typeof resolveImport>;
  try {
    r = resolveImport(specifier, from, "import", settings);
    // tsconfig.json `paths` are the type checker's unless the host follows them: Node loads what
    // the specifier names without them, so a twin counts where both files export it. Read from
    // `paths` alone, `findSync` of lib/src was called where Node loads dist/ without it, a
    // TypeError (attack35 F15; fixture twins/by-name-tsconfig-paths).
    node =
      r && pathsMapped(specifier, from) && !pathsFollowed(settings, from)
        ? resolveWithoutPaths(specifier, from, "import", settings)
        : undefined;
  } catch {
    return undefined;
  }
  if (!r) return undefined;
  const mapped = namesOfResolved(parse, r, from, settings);
  if (node === undefined || mapped === undefined) return mapped;
  const unmapped = namesOfResolved(parse, node, from, settings);
  return unmapped && both(mapped, unmapped);
}

/** exportNamesOf for a resolution made. */
function namesOfResolved(
  parse: ParseModule,
  r: NonNullable<ReturnType<typeof resolveImport>>,
  from: string,
  settings: HostResolve | undefined,
): ExportNames | undefined {
  if (r.kind !== "package") return namesOfFile(parse, r.path, 0);
  if (r.packageJson[MANIFEST_FIELD] !== undefined) return undefined;
  // A dual package: what `import` reaches and what `require` reaches may differ, and the build
  // cannot tell which one the call meets, so only what both export counts (fixture
  // twins/by-name-dual-package).
  let all: ExportNames | undefined;
  // The file a host enters the package by (its mainFields, attack28 F06) counts too.
  const hostTarget = hostPackageEntry(r, from, settings)?.host.target;
  const targets = packageTargets(r.packageJson, r.subpath);
  for (const target of hostTarget === undefined ? targets : [...new Set([...targets, hostTarget])]) {
    const file = resolveImport(join(r.dir, target), from);
    const names = file?.kind === "file" ? namesOfFile(parse, file.path, 0) : undefined;
    if (!names) return undefined;
    all = all ? both(all, names) : names;
  }
  return all;
}

/** The exports two entries of one package share (async if either says so). */
function both(a: ExportNames, b: ExportNames): ExportNames {
  return {
    names: new Set([...a.names].filter((n) => b.names.has(n))),
    async: new Set([...a.async, ...b.async]),
    commonjs: a.commonjs && b.commonjs,
    // Visibly a Node function where either entry says so: twin-by-name.ts then looks closer.
    node: new Map([...a.node, ...b.node]),
    // Hidden from an importer where either entry hides it (attack35 F07).
    ...(a.esHidden || b.esHidden
      ? { esHidden: new Map([...(a.esHidden ?? []), ...(b.esHidden ?? [])]) }
      : {}),
    ...(a.unseen || b.unseen ? { unseen: new Map([...(a.unseen ?? []), ...(b.unseen ?? [])]) } : {}),
  };
}

function namesOfFile(parse: ParseModule, path: string, depth: number): ExportNames | undefined {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st?.isFile()) return undefined;
  const hit = cache.get(path);
  if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.names;
  // A cycle of `export *` reads as nothing more from the module being read.
  cache.set(path, { mtimeMs: -1, size: -1, names: undefined });
  let names: ExportNames | undefined;
  try {
    const source = readFileSync(path, "utf8");
    names = read(parse, parse(source, path).program as unknown as { body: Node[] }, path, depth, source);
  } catch {
    names = undefined;
  }
  cache.set(path, { mtimeMs: st.mtimeMs, size: st.size, names });
  return names;
}

function keyOf(key: Node, computed: boolean | undefined): string | undefined {
  if (key.type === "Identifier" && !computed) return key.name;
  if (key.type === "StringLiteral") return key.value;
  return undefined;
}

/** `exports` or `module.exports` (the CommonJS export object as the module starts with it). */
function exportsObject(n: Node): "exports" | "module.exports" | undefined {
  if (n.type === "Identifier" && n.name === "exports") return "exports";
  if (
    n.type === "MemberExpression" &&
    !n.computed &&
    n.object.type === "Identifier" &&
    n.object.name === "module" &&
    n.property.type === "Identifier" &&
    n.property.name === "exports"
  )
    return "module.exports";
  return undefined;
}

function read(
  parse: ParseModule,
  program: { body: Node[] },
  path: string,
  depth: number,
  source?: string,
): ExportNames {
  const names = new Set<string>();
  const async = new Set<string>();
  const node = new Map<string, string>();
  const esHidden = new Map<string, string>();
  const unseen = new Map<string, string>();
  /** A name `export *` brings → the files of the stars that bring it (attack36 F01). */
  const starFiles = new Map<string, string[]>();
  /** Star specifiers by file, for reasons. */
  const starSpecifier = new Map<string, string>();
  const origins = new NodeOrigins(program.body);
  /** An export and the Node function its value visibly is, if any (the last write wins). */
  const add = (name: string, origin: string | undefined): void => {
    names.add(name);
    if (origin) node.set(name, origin);
    else node.delete(name);
  };
  let commonjs = false;
  const own = new Set<string>();
  const indirect = new Map<string, readonly [string, string]>();
  const stars: string[] = [];
  /** A declaration whose names this reading does not list: its links prove nothing. */
  let opaque = false;
  /** An import binding re-exported by `export { x }` is an indirect export, as in ECMA-262. */
  const imports = new Map<string, readonly [string, string]>();
  for (const stmt of program.body) {
    if (stmt.type !== "ImportDeclaration" || stmt.importKind === "type") continue;
    for (const sp of stmt.specifiers as Node[]) {
      const imported =
        sp.type === "ImportSpecifier"
          ? (sp.imported as Node).type === "Identifier"
            ? (sp.imported as { name: string }).name
            : (sp.imported as { value: string }).value
          : sp.type === "ImportDefaultSpecifier"
            ? "default"
            : "*";
      imports.set((sp as { local: { name: string } }).local.name, [stmt.source.value, imported]);
    }
  }
  // After `module.exports = …`, the `exports` binding still points at the old object: its
  // assignments no longer export anything.
  let replaced = false;
  for (const stmt of program.body) {
    switch (stmt.type) {
      case "ExportNamedDeclaration": {
        if (stmt.exportKind === "type") break;
        const d = stmt.declaration as Node | null | undefined;
        if (
          d &&
          !/^(?:FunctionDeclaration|ClassDeclaration|VariableDeclaration|TSInterfaceDeclaration|TSTypeAliasDeclaration|TSDeclareFunction)$/.test(
            d.type,
          )
        )
          opaque = true;
        if (d?.type === "FunctionDeclaration" || d?.type === "ClassDeclaration") {
          if (d.id) add(d.id.name, undefined);
          if (d.id) own.add(d.id.name);
          if (d.type === "FunctionDeclaration" && d.async && d.id) async.add(d.id.name);
        } else if (d?.type === "VariableDeclaration") {
          for (const v of d.declarations) {
            if (v.id.type !== "Identifier") {
              opaque = true;
              continue;
            }
            own.add(v.id.name);
            add(v.id.name, d.kind === "const" ? origins.of(v.id) : undefined);
            const init = v.init as Node | null | undefined;
            if (
              (init?.type === "ArrowFunctionExpression" || init?.type === "FunctionExpression") &&
              init.async
            )
              async.add(v.id.name);
          }
        }
        for (const s of stmt.specifiers as Node[]) {
          if (s.type === "ExportSpecifier" && s.exportKind !== "type") {
            const e = s.exported as Node;
            const local = s.local as Node;
            const from = stmt.source ? builtinName(stmt.source.value) : undefined;
            const localName = local.type === "Identifier" ? local.name : (local as { value: string }).value;
            // `export { execSync } from "node:child_process"`, or `export { exec }` of a local.
            const origin = stmt.source ? (from ? `${from}.${localName}` : undefined) : origins.of(local);
            const exportedName = e.type === "Identifier" ? e.name : (e as { value: string }).value;
            add(exportedName, origin);
            const via = stmt.source ? ([stmt.source.value, localName] as const) : imports.get(localName);
            if (via) indirect.set(exportedName, via);
            else own.add(exportedName);
          } else if (s.type === "ExportNamespaceSpecifier") {
            add((s.exported as { name: string }).name, undefined);
            if (stmt.source) indirect.set((s.exported as { name: string }).name, [stmt.source.value, "*"]);
          }
        }
        break;
      }
      case "ExportDefaultDeclaration":
        add("default", undefined);
        own.add("default");
        break;
      case "ExportAllDeclaration": {
        const exported = (stmt as { exported?: Node | null }).exported;
        if (exported) {
          const name = exported.type === "Identifier" ? exported.name : (exported as { value: string }).value;
          add(name, undefined);
          indirect.set(name, [stmt.source.value, "*"]);
          break;
        }
        stars.push(stmt.source.value);
        if (depth >= MAX_EXPORT_DEPTH || !isLocalSpecifier(stmt.source.value)) break;
        const r = resolveImport(stmt.source.value, path);
        const inner = r?.kind === "file" ? namesOfFile(parse, r.path, depth + 1) : undefined;
        if (!inner || r?.kind !== "file") break;
        const star = `\`export * from ${JSON.stringify(stmt.source.value)}\``;
        starSpecifier.set(r.path, stmt.source.value);
        // `export *` leaves out the default export. A star of a CommonJS module gives the names
        // Node's export scanner finds, not a property it hides (attack36 F02), and a name the
        // star's module does not give its importers is not given here either.
        for (const n of inner.names) {
          if (n === "default") continue;
          const hidden = inner.commonjs ? inner.esHidden?.get(n) : undefined;
          if (hidden !== undefined) {
            unseen.set(
              n,
              `re-exports ${n} by ${star}, whose module ${hidden.slice(0, hidden.indexOf(", so an import"))}`,
            );
            continue;
          }
          add(n, inner.node.get(n));
          const files = starFiles.get(n);
          if (files) files.push(r.path);
          else starFiles.set(n, [r.path]);
        }
        for (const [n, why] of inner.unseen ?? [])
          unseen.set(n, `re-exports ${n} by ${star}, whose module ${why}`);
        for (const n of inner.async) if (n !== "default") async.add(n);
        break;
      }
      case "ExpressionStatement": {
        const e = stmt.expression as Node;
        if (e.type === "AssignmentExpression" && e.operator === "=") {
          const left = e.left as Node;
          const whole = exportsObject(left);
          if (whole === "module.exports") {
            commonjs = true;
            replaced = true;
            names.clear();
            node.clear();
            esHidden.clear();
            const right = e.right as Node;
            if (right.type === "ObjectExpression") {
              const seen = scannedLiteralKeys(right, source);
              for (const p of right.properties as Node[]) {
                if (p.type !== "ObjectProperty" && p.type !== "ObjectMethod") continue;
                const k = keyOf(p.key as Node, p.computed);
                if (k === undefined) continue;
                add(k, p.type === "ObjectProperty" ? origins.of(p.value as Node) : undefined);
                if (!seen.keys.has(k))
                  esHidden.set(
                    k,
                    `sets ${k} where Node's CommonJS export scanner has stopped reading \`module.exports = { … }\` (${seen.stop ? `at \`${seen.stop}\`: it reads keys that are names or strings, each with a plain name for value, no \\u escape` : "a parenthesized object"}), so an import does not see it, only require() does`,
                  );
              }
            }
            break;
          }
          if (left.type === "MemberExpression") {
            const obj = exportsObject(left.object as Node);
            const k = keyOf(left.property as Node, left.computed);
            if (obj && k !== undefined && (obj === "module.exports" || !replaced)) {
              commonjs = true;
              add(k, origins.of(e.right as Node));
              // `exports.f\u0069ndSync = …`: the scanner reads no escape (attack36 F10).
              const property = left.property as Node;
              if (!left.computed && !unescaped(property, source))
                esHidden.set(
                  k,
                  `sets ${k} as \`${textOf(property, source)}\`, a name with a \\u escape Node's CommonJS export scanner does not read, so an import does not see it, only require() does`,
                );
              else esHidden.delete(k);
            }
          }
        } else if (e.type === "CallExpression") {
          // Object.defineProperty(exports, "x", { get … }): how compilers write re-exports.
          const c = e.callee as Node;
          const [target, key] = e.arguments as Node[];
          if (
            c.type === "MemberExpression" &&
            c.object.type === "Identifier" &&
            c.object.name === "Object" &&
            c.property.type === "Identifier" &&
            c.property.name === "defineProperty" &&
            target &&
            key?.type === "StringLiteral"
          ) {
            const obj = exportsObject(target);
            if (obj && (obj === "module.exports" || !replaced)) {
              commonjs = true;
              if (key.value !== "__esModule") add(key.value, undefined);
              if (scannedDescriptor(e.arguments[2] as Node | undefined)) esHidden.delete(key.value);
              else
                esHidden.set(
                  key.value,
                  `sets ${key.value} in a form Node's CommonJS export scanner does not read (a getter such as \`get: () => ${key.value}\`), so an import does not see it, only require() does`,
                );
            }
          }
        }
        break;
      }
      default:
        break;
    }
  }
  // A name two stars bring is exported only where both lead to one same binding (ECMA-262
  // ResolveExport): otherwise it is ambiguous, and Node leaves it out of the namespace, so the
  // importer gets undefined (attack36 F01; fixture twins/by-name-star-ambiguous). What the texts
  // do not prove the same (a CommonJS star, an unreadable file) counts as ambiguous: no twin.
  // The module's own and indirect exports come first, whatever stars say.
  for (const [n, files] of starFiles) {
    if (own.has(n) || indirect.has(n) || files.length < 2) continue;
    const origins = files.map((f) => exportOrigin(parse, f, n, undefined, new Set([`${path}\0${n}`])));
    if (origins.every((o) => typeof o === "string" && o !== "ambiguous" && o === origins[0])) continue;
    const specs = files.map((f) => JSON.stringify(starSpecifier.get(f))).join(" and ");
    unseen.set(
      n,
      `gets ${n} from \`export *\` of ${specs}, which do not bind it to one same export: an ambiguous star name, which Node leaves out of the module, so no import sees it`,
    );
  }
  for (const n of unseen.keys()) {
    if (own.has(n) || indirect.has(n)) unseen.delete(n);
    else names.delete(n);
  }
  return {
    names,
    async,
    commonjs,
    node,
    ...(commonjs && esHidden.size > 0 ? { esHidden } : {}),
    ...(unseen.size > 0 ? { unseen } : {}),
    ...(commonjs || opaque ? {} : { links: { own, indirect, stars } }),
  };
}

/** The text of `n` in `source`, or undefined without one. */
function textOf(n: Node, source: string | undefined): string | undefined {
  return source === undefined || typeof n.start !== "number" || typeof n.end !== "number"
    ? undefined
    : source.slice(n.start, n.end);
}

/** An identifier written as its name (no `\u` escape): Node's export scanner reads no escape. */
function unescaped(n: Node, source: string | undefined): boolean {
  if (n.type !== "Identifier") return true;
  const text = textOf(n, source);
  return text === undefined || text === n.name;
}

/** An identifier's first character as the scanner takes one (ASCII; anything else: not sure). */
function identifierStart(c: string | undefined): boolean {
  return c !== undefined && /^[A-Za-z_$]$/.test(c);
}

/**
 * The keys of `module.exports = { … }` Node's export scanner (cjs-module-lexer's
 * tryParseLiteralExports, checked against Node 20, 22 and 24) gives an ES importer, and the text
 * of the property where it stops (attack36 F10; fixture twins/by-name-cjs-literal-stop). It reads
 * in order: a key that is a name or a string (`find`, `"find"`), shorthand or with a value; a
 * `...name` spread; and stops at anything else — a numeric or computed key, a name with a `\u`
 * escape, an accessor, an async or generator method, a spread of more than a name. A key whose
 * value starts with a name is given (`find: impl.find`, `find() {}`), and the reading goes on
 * only when that value is a plain name followed at once by `,` or `}`. Without the text, or where
 * unsure, a key is not given: then the twin is not taken, never wrongly taken.
 */
function scannedLiteralKeys(obj: Node, source: string | undefined): { keys: Set<string>; stop?: string } {
  const keys = new Set<string>();
  if (
    obj.type !== "ObjectExpression" ||
    source === undefined ||
    (obj.extra as { parenthesized?: boolean } | undefined)?.parenthesized
  )
    return { keys };
  const stopAt = (p: Node): { keys: Set<string>; stop?: string } => {
    const text = (textOf(p, source) ?? "").replace(/\s+/g, " ");
    return { keys, stop: text.length > 40 ? `${text.slice(0, 39)}…` : text };
  };
  const plainName = (v: Node): boolean =>
    v.type === "Identifier" &&
    unescaped(v, source) &&
    !(v.extra as { parenthesized?: boolean } | undefined)?.parenthesized &&
    textOf(v, source) !== undefined;
  for (const p of obj.properties) {
    if (p.type === "SpreadElement") {
      const a = p.argument as Node;
      const required =
        a.type === "CallExpression" &&
        a.callee.type === "Identifier" &&
        a.callee.name === "require" &&
        a.arguments.length === 1 &&
        a.arguments[0].type === "StringLiteral";
      if (plainName(a) || required) continue;
      return stopAt(p);
    }
    if (p.computed) return stopAt(p);
    const key = p.key as Node;
    let k: string | undefined;
    if (key.type === "Identifier" && unescaped(key, source) && textOf(key, source) !== undefined)
      k = key.name;
    else if (key.type === "StringLiteral" && p.type === "ObjectProperty") k = key.value;
    if (k === undefined) return stopAt(p);
    if (p.type === "ObjectMethod") {
      if (p.kind === "method" && !p.async && !p.generator && key.type === "Identifier") keys.add(k);
      return stopAt(p);
    }
    if (p.type !== "ObjectProperty") return stopAt(p);
    const v = p.value as Node;
    if (p.shorthand && key.type === "Identifier") {
      keys.add(k);
      continue;
    }
    const parenthesized = (v.extra as { parenthesized?: boolean } | undefined)?.parenthesized;
    if (parenthesized || typeof v.start !== "number" || !identifierStart(source[v.start])) return stopAt(p);
    keys.add(k);
    const next = typeof v.end === "number" ? source[v.end] : undefined;
    if (!plainName(v) || (next !== "," && next !== "}")) return stopAt(p);
  }
  return { keys };
}

/** `x`, `x.y` or `x["y"]`: what a getter Node's export scanner reads may return. */
function isPlainRead(n: Node | null | undefined): boolean {
  if (!n) return false;
  if (n.type === "Identifier") return true;
  return (
    n.type === "MemberExpression" &&
    n.object.type === "Identifier" &&
    (n.computed ? n.property.type === "StringLiteral" : n.property.type === "Identifier")
  );
}

/** A getter body `{ return <plain read>; }`, with no parameters. */
function plainGetter(params: Node[], body: Node): boolean {
  if (params.length > 0 || body.type !== "BlockStatement" || body.body.length !== 1) return false;
  const only = body.body[0] as Node;
  return only.type === "ReturnStatement" && isPlainRead(only.argument as Node | null);
}

/**
 * Whether Node's export scanner (cjs-module-lexer, checked against it) finds an
 * `Object.defineProperty(exports, "x", D)` export: D is `{ value: … }` or
 * `{ get: function () { return a.b; } }` / `{ get() { return a; } }`, with `enumerable: true`
 * before it or not. Any other descriptor (`get: () => f`, `writable: true`) hides the name from
 * an ES importer, though `require()` gets it (attack35 F07).
 */
function scannedDescriptor(d: Node | undefined): boolean {
  if (d?.type !== "ObjectExpression") return false;
  const props = d.properties as Node[];
  let i = 0;
  const keyName = (p: Node): string | undefined =>
    (p.type === "ObjectProperty" || p.type === "ObjectMethod") && !p.computed && p.key.type === "Identifier"
      ? p.key.name
      : undefined;
  const first = props[0];
  if (
    first?.type === "ObjectProperty" &&
    keyName(first) === "enumerable" &&
    first.value.type === "BooleanLiteral" &&
    first.value.value === true
  )
    i = 1;
  if (props.length !== i + 1) return false;
  const p = props[i] as Node;
  if (p.type === "ObjectProperty" && keyName(p) === "value") return true;
  if (p.type === "ObjectProperty" && keyName(p) === "get" && p.value.type === "FunctionExpression")
    return !p.value.async && !p.value.generator && plainGetter(p.value.params, p.value.body);
  if (p.type === "ObjectMethod" && p.kind === "method" && keyName(p) === "get")
    return !p.async && !p.generator && plainGetter(p.params, p.body);
  return false;
}

/**
 * What `name` exported by the ES module at `path` is bound to, as ECMA-262's ResolveExport reads
 * the texts: `file\0name` of the module that binds it, `null` where the module does not export
 * it (a star that leads back into the resolution adds nothing: attack28 F05, an `export *` cycle
 * is no ambiguity), "ambiguous", or undefined where the texts do not prove it (a package, a
 * CommonJS module, a file that cannot be read, a chain deeper than MAX_EXPORT_DEPTH).
 */
export function exportOrigin(
  parse: ParseModule,
  path: string,
  name: string,
  settings: HostResolve | undefined,
  seen: Set<string>,
  depth = 0,
): string | null | undefined {
  const key = `${path}\0${name}`;
  if (seen.has(key)) return null;
  seen.add(key);
  if (depth > MAX_EXPORT_DEPTH) return undefined;
  const links = namesOfFile(parse, path, 0)?.links;
  if (!links) return undefined;
  if (links.own.has(name)) return key;
  const fileOf = (specifier: string): string | undefined => {
    try {
      const r = resolveImport(specifier, path, "import", settings);
      return r?.kind === "file" ? r.path : undefined;
    } catch {
      return undefined;
    }
  };
  const via = links.indirect.get(name);
  if (via) {
    const target = fileOf(via[0]);
    if (target === undefined) return undefined;
    return via[1] === "*" ? `${target}\0*` : exportOrigin(parse, target, via[1], settings, seen, depth + 1);
  }
  if (name === "default") return null;
  let found: string | null = null;
  for (const specifier of links.stars) {
    const target = fileOf(specifier);
    if (target === undefined) return undefined;
    const o = exportOrigin(parse, target, name, settings, seen, depth + 1);
    if (o === undefined || o === "ambiguous") return o;
    if (o === null) continue;
    if (found !== null && found !== o) return "ambiguous";
    found = o;
  }
  return found;
}

/** For tests and watch mode. */
/**
 * The names this file's own text exports (ES and CommonJS forms), without following
 * `export *`: for SA103, a hand-written export that a generated variant's export would replace.
 */
export function ownExportNames(program: { body: Node[] }, path: string): ReadonlySet<string> {
  const noParse: ParseModule = () => {
    throw new Error("not followed");
  };
  return read(noParse, program, path, MAX_EXPORT_DEPTH).names;
}

export function clearExportNames(): void {
  cache.clear();
}
