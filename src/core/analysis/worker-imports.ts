import { readFileSync, statSync } from "node:fs";
import { dirname, posix, relative, sep } from "node:path";
import type { types as t } from "@babel/core";
import { MSG } from "../messages.js";
import { type DeclaredKind, declaredKindNow, detectKind } from "../package-type.js";
import { emptyReport } from "../report.js";
import { type HostResolve, resolveImport } from "../resolve.js";
import { type Ctx, createCtx, warn } from "./ctx.js";
import type { ModuleGraph } from "./module-graph.js";
import { FS_READS } from "./outside.js";
import { strip } from "./transparent.js";
import { forEachChild, isFunction, type Node } from "./tree.js";
import { staticString } from "./view.js";

/**
 * A worker reaches a function by importing its module, and so everything that module imports
 * (DESIGN §3.6a): each module on the way runs its top-level code again in every worker. This
 * pass follows the static imports of a module that holds worker or offloaded functions and warns
 * (SA303) at the import that leads to a module with top-level effects, naming the chain — the
 * program's entry included, when a cycle leads back to it (fixture diagnostics/sa303-import-cycle).
 */

/** Declarations and types: set-up a worker needs, never listed as effects. */
const QUIET = new Set([
  "ImportDeclaration",
  "ExportNamedDeclaration",
  "ExportAllDeclaration",
  "FunctionDeclaration",
  "ClassDeclaration",
  "VariableDeclaration",
  "EmptyStatement",
  "TSTypeAliasDeclaration",
  "TSInterfaceDeclaration",
  "TSEnumDeclaration",
  "TSModuleDeclaration",
  "TSDeclareFunction",
  "TSImportEqualsDeclaration",
  "TSExportAssignment",
]);

/**
 * A test that tells entry code from a worker's import: smartasync's `isWorker`, `isMainThread` of
 * `node:worker_threads`, and the entry checks `require.main === module` and `import.meta.main`
 * (in a worker, the main module is the worker's own script, never this one).
 */
export const WORKER_GUARD = /\b(isWorker|isMainThread)\b|\brequire\.main\b|\bimport\.meta\.main\b/;

/**
 * What a previous smartasync pass generated (`_sa.mark(…)`, `_sa.register(…)`, `_sa.explicit(…)`,
 * and an object literal's `_sa.hide(…)`, `_sa.ownVariantOf(…)`: core/analysis/literal-variants.ts).
 */
const GENERATED_CALLS = new Set(["mark", "register", "explicit", "hide", "ownVariantOf"]);

/** `exports`, `module.exports`, or a member of either. */
function isExportsTarget(n: Node): boolean {
  let cur = strip(n);
  while (cur.type === "MemberExpression") {
    const o = strip(cur.object);
    if (
      o.type === "Identifier" &&
      o.name === "module" &&
      !cur.computed &&
      cur.property.type === "Identifier" &&
      cur.property.name === "exports"
    )
      return true;
    cur = o;
  }
  return cur.type === "Identifier" && cur.name === "exports";
}

/**
 * The CommonJS form of `export`: `module.exports = …`, `exports.x = …`, `module.exports.x = …`
 * (chained too) and `Object.defineProperty(exports, …)`. Like an `export` declaration, it is
 * set-up, not an effect (fixture diagnostics/sa303-commonjs-exports).
 */
function isCommonJsExport(e: Node): boolean {
  const x = strip(e);
  if (x.type === "SequenceExpression") return x.expressions.every((y) => isCommonJsExport(y as Node));
  if (x.type === "AssignmentExpression") return x.operator === "=" && isExportsTarget(x.left as Node);
  if (x.type === "CallExpression") {
    const c = strip(x.callee as Node);
    return (
      c.type === "MemberExpression" &&
      strip(c.object).type === "Identifier" &&
      (strip(c.object) as t.Identifier).name === "Object" &&
      c.property.type === "Identifier" &&
      (c.property.name === "defineProperty" || c.property.name === "defineProperties") &&
      x.arguments[0] !== undefined &&
      isExportsTarget(x.arguments[0] as Node)
    );
  }
  return false;
}

/**
 * Top-level statements with effects, in source order: what a fresh import runs besides
 * declarations. An `if` whose test is an entry guard (WORKER_GUARD) is the guard itself.
 */
export function topLevelEffects(
  program: t.Program,
  code: string,
  runtime = "smartasync/runtime",
): t.Statement[] {
  const out: t.Statement[] = [];
  // `register(import.meta.url, { NotFound })` written by hand (a class registered like the
  // functions, docs/runtime.md) is set-up too.
  const registers = new Set<string>();
  for (const s of program.body)
    if (s.type === "ImportDeclaration" && s.source.value === runtime)
      for (const sp of s.specifiers)
        if (
          sp.type === "ImportSpecifier" &&
          (sp.imported.type === "Identifier" ? sp.imported.name : sp.imported.value) === "register"
        )
          registers.add(sp.local.name);
  let effects: OutsideEffects | undefined;
  for (const s of program.body) {
    // A class `static {}` block is statements that run at import, like any other (attack 13, F32).
    if (hasStaticBlock(s)) {
      out.push(s);
      continue;
    }
    // A declaration is set-up a worker needs, unless what its initializer calls acts outside the
    // module: a file written, output, a process started … (attack 13, F32; declaredEffect).
    if (declarationOf(s)) {
      effects ??= new OutsideEffects(program, code);
      if (effects.inDeclaration(s)) out.push(s);
      continue;
    }
    if (QUIET.has(s.type)) continue;
    // `export default (console.log(…), x)` runs its expression at import as an initializer does
    // (attack29 F14); a default function or class is only made.
    if (s.type === "ExportDefaultDeclaration" && s.declaration.type !== "CallExpression") {
      if (isFunction(s.declaration as Node) || s.declaration.type === "ClassDeclaration") continue;
      if (s.declaration.type.startsWith("TS")) continue;
      effects ??= new OutsideEffects(program, code);
      if (effects.inExpression(s.declaration as Node)) out.push(s);
      continue;
    }
    if (
      s.type === "IfStatement" &&
      s.test.start != null &&
      WORKER_GUARD.test(code.slice(s.test.start, s.test.end ?? s.test.start))
    )
      continue;
    if (s.type === "ExpressionStatement") {
      const e = s.expression;
      if (
        e.type === "CallExpression" &&
        e.callee.type === "MemberExpression" &&
        e.callee.object.type === "Identifier" &&
        e.callee.property.type === "Identifier" &&
        GENERATED_CALLS.has(e.callee.property.name)
      )
        continue;
      if (isCommonJsExport(e)) continue;
      if (e.type === "CallExpression" && e.callee.type === "Identifier" && registers.has(e.callee.name))
        continue;
      // A directive-like string (`"use client"` after the prologue) does nothing.
      if (e.type === "StringLiteral") continue;
    }
    out.push(s);
  }
  return out;
}

/** The variable or class declaration a top-level statement is (exported or not). */
export function declarationOf(s: t.Statement): t.VariableDeclaration | t.ClassDeclaration | undefined {
  const decl =
    s.type === "ExportNamedDeclaration" || s.type === "ExportDefaultDeclaration" ? s.declaration : s;
  return decl?.type === "VariableDeclaration" || decl?.type === "ClassDeclaration" ? decl : undefined;
}

/** An entry guard as a test: names `isWorker` (WORKER_GUARD) and calls nothing (`!isWorker`, `isMainThread`). */
function isGuardTest(test: Node, code: string): boolean {
  if (test.start == null || !WORKER_GUARD.test(code.slice(test.start, test.end ?? test.start))) return false;
  let calls = false;
  const visit = (c: Node): void => {
    if (c.type === "CallExpression" || c.type === "NewExpression") calls = true;
    else forEachChild(c, visit);
  };
  visit(test);
  return !calls;
}

/** Node modules every function of which acts outside the module (starts a process, a server, a connection). */
const ACTING_MODULES = new Set(["child_process", "cluster", "http", "https", "http2", "net", "tls", "dgram"]);

/** Methods of `process` that act (a listener, an exit, a signal, a message, a directory change). */
const PROCESS_ACTS = new Set([
  "on",
  "once",
  "addListener",
  "exit",
  "kill",
  "chdir",
  "send",
  "abort",
  "emitWarning",
]);

/** Globals whose call acts outside: output, a request, a timer that runs code later. */
const ACTING_GLOBALS = new Set(["fetch", "setTimeout", "setInterval", "setImmediate", "queueMicrotask"]);

/**
 * SA303 for declarations (attack 13, F32): a top-level `const`/`let`/`var` initializer, or a class's
 * static field, whose code calls something that acts outside the module — `console.*`,
 * `process.stdout.write`, a `fs` call that is not a read (`appendFileSync`), a function of
 * `child_process`/`http`/`net`…, `fetch`, a timer, `process.on`/`exit` — directly or through
 * functions of the module it calls (followed four deep). Such an initializer runs again in every
 * worker, and its effect with it. Anything else an initializer calls — a package's
 * `openDatabase(path)`, a `new Map()`, the module's own pure helpers — is the set-up a worker needs
 * to run the function, and is not listed (fixture diagnostics/sa303-call-in-initializer). Code behind
 * an entry guard (`isWorker ? … : …`) is not listed either. No scopes here (imported modules are
 * read from their parse alone), so a local that shadows `console` counts as the global.
 */
class OutsideEffects {
  /** Local name → the Node module and the export it names (`""` for the module object). */
  private readonly imports = new Map<string, { module: string; name: string }>();
  private readonly functions = new Map<string, Node>();
  private readonly memo = new Map<Node, boolean>();

  constructor(
    program: t.Program,
    private readonly code: string,
  ) {
    const node = (spec: string): string | undefined => {
      const m = spec.replace(/^node:/, "");
      return m === "fs" || m === "fs/promises" || m === "process" || ACTING_MODULES.has(m) ? m : undefined;
    };
    for (const st of program.body) {
      if (st.type === "ImportDeclaration") {
        const m = node(st.source.value);
        if (!m) continue;
        for (const sp of st.specifiers) {
          const name =
            sp.type === "ImportSpecifier"
              ? sp.imported.type === "Identifier"
                ? sp.imported.name
                : sp.imported.value
              : "";
          this.imports.set(sp.local.name, { module: m, name });
        }
        continue;
      }
      const decl = declarationOf(st);
      if (st.type === "FunctionDeclaration" && st.id) this.functions.set(st.id.name, st);
      if (decl?.type !== "VariableDeclaration") continue;
      for (const d of decl.declarations) {
        const init = d.init ? strip(d.init) : undefined;
        if (!init) continue;
        if (d.id.type === "Identifier" && isFunction(init)) this.functions.set(d.id.name, init);
        const m = init.type === "CallExpression" && isRequireOf(init) ? node(isRequireOf(init)!) : undefined;
        if (!m) continue;
        if (d.id.type === "Identifier") this.imports.set(d.id.name, { module: m, name: "" });
        else if (d.id.type === "ObjectPattern")
          for (const pr of d.id.properties)
            if (
              pr.type === "ObjectProperty" &&
              pr.key.type === "Identifier" &&
              pr.value.type === "Identifier"
            )
              this.imports.set(pr.value.name, { module: m, name: pr.key.name });
      }
    }
  }

  /** Whether the declaration's code that runs at import acts outside the module. */
  inDeclaration(s: t.Statement): boolean {
    const decl = declarationOf(s)!;
    if (decl.type === "VariableDeclaration")
      return decl.declarations.some((d) => d.init != null && this.acts(d.init as Node, 0));
    return decl.body.body.some(
      (m) =>
        (m.type === "ClassProperty" || m.type === "ClassPrivateProperty") &&
        m.static &&
        m.value != null &&
        this.acts(m.value as Node, 0),
    );
  }

  /** Whether a top-level expression's code acts outside the module (`export default …`). */
  inExpression(n: Node): boolean {
    return this.acts(n, 0);
  }

  /** Whether evaluating `n` (not the functions it only makes) calls something that acts outside. */
  private acts(n: Node, depth: number): boolean {
    let found = false;
    const visit = (c: Node): void => {
      if (found || isFunction(c)) return;
      // `isWorker ? undefined : boot()`, `isMainThread && boot()`: the entry guard.
      const test =
        c.type === "ConditionalExpression"
          ? c.test
          : c.type === "LogicalExpression" && c.operator !== "??"
            ? c.left
            : undefined;
      if (test && isGuardTest(test as Node, this.code)) return;
      if (
        this.writesEnv(c) ||
        ((c.type === "CallExpression" || c.type === "NewExpression") && this.acting(c, depth))
      ) {
        found = true;
        return;
      }
      forEachChild(c, visit);
    };
    visit(n);
    return found;
  }

  /**
   * `process.env.X = …` (also `+=`, `??=`, `delete`, `Object.assign(process.env, …)`, `env` of
   * `node:process`): smartasync starts its workers with `SHARE_ENV` (docs/runtime.md), so a
   * worker's import writes the calling thread's environment again, and every child process
   * either starts sees that (attack 18, F20).
   */
  private writesEnv(c: Node): boolean {
    let target: Node | undefined;
    // `process.env.PORT ??= "3000"` does nothing the second time (the first import set it), as
    // `mkdir(…, { recursive: true })` does not.
    if (c.type === "AssignmentExpression")
      target = c.operator === "??=" || c.operator === "||=" ? undefined : (c.left as Node);
    else if (c.type === "UpdateExpression") target = c.argument as Node;
    else if (c.type === "UnaryExpression" && c.operator === "delete") target = c.argument as Node;
    else if (c.type === "CallExpression") {
      const callee = strip(c.callee as Node);
      const o = callee.type === "MemberExpression" ? strip(callee.object as Node) : undefined;
      if (
        o?.type === "Identifier" &&
        (o.name === "Object" || o.name === "Reflect") &&
        callee.type === "MemberExpression" &&
        !callee.computed &&
        callee.property.type === "Identifier" &&
        /^(assign|defineProperty|defineProperties|set|deleteProperty)$/.test(callee.property.name) &&
        c.arguments[0] !== undefined &&
        c.arguments[0].type !== "SpreadElement"
      )
        return this.isEnv(strip(c.arguments[0] as Node));
      return false;
    }
    if (!target) return false;
    const m = strip(target);
    return m.type === "MemberExpression" && this.isEnv(strip(m.object as Node));
  }

  /** `process.env`, or `env` imported from `node:process` (`import { env }`, `process.env` of its default). */
  private isEnv(n: Node): boolean {
    if (n.type === "Identifier") {
      const imp = this.imports.get(n.name);
      return imp?.module === "process" && imp.name === "env";
    }
    if (n.type !== "MemberExpression" || n.computed || n.property.type !== "Identifier") return false;
    if (n.property.name !== "env") return false;
    const o = strip(n.object as Node);
    if (o.type !== "Identifier") return false;
    if (o.name === "process") return true;
    const imp = this.imports.get(o.name);
    return imp?.module === "process" && imp.name === "";
  }

  private acting(call: t.CallExpression | t.NewExpression, depth: number): boolean {
    const callee = strip(call.callee as Node);
    // `mkdirSync(dir, { recursive: true })` is set-up that does nothing the second time.
    if (recursiveMkdir(call)) return false;
    // An immediately invoked function (`const t = (() => { console.log(…); return 1 })()`, also
    // through `.call`/`.apply`) runs its body here (attack29 F14).
    const invoked =
      isFunction(callee) && call.type === "CallExpression"
        ? callee
        : callee.type === "MemberExpression" &&
            !callee.computed &&
            callee.property.type === "Identifier" &&
            (callee.property.name === "call" || callee.property.name === "apply") &&
            isFunction(strip(callee.object as Node))
          ? strip(callee.object as Node)
          : undefined;
    if (invoked) return depth < 4 && this.acts((invoked as t.Function).body as Node, depth + 1);
    if (callee.type === "Identifier") {
      const imp = this.imports.get(callee.name);
      if (imp) return actingExport(imp.module, imp.name);
      if (ACTING_GLOBALS.has(callee.name)) return true;
      const fn = this.functions.get(callee.name);
      if (!fn || depth >= 4 || call.type === "NewExpression") return false;
      const hit = this.memo.get(fn);
      if (hit !== undefined) return hit;
      this.memo.set(fn, false); // a cycle of the module's functions adds nothing
      const body = (fn as t.Function).body as Node;
      const out = this.acts(body, depth + 1);
      this.memo.set(fn, out);
      return out;
    }
    if (callee.type !== "MemberExpression" || callee.computed || callee.property.type !== "Identifier")
      return false;
    const method = callee.property.name;
    const object = strip(callee.object as Node);
    if (object.type === "Identifier") {
      if (object.name === "console") return true;
      if (object.name === "process") return PROCESS_ACTS.has(method);
      const imp = this.imports.get(object.name);
      if (imp && imp.name === "") return actingExport(imp.module, method);
      if (imp) return actingExport(imp.module, imp.name);
    }
    // `process.stdout.write(…)`, `process.stderr.write(…)`.
    return (
      object.type === "MemberExpression" &&
      strip(object.object as Node).type === "Identifier" &&
      (strip(object.object as Node) as t.Identifier).name === "process" &&
      object.property.type === "Identifier" &&
      (object.property.name === "stdout" || object.property.name === "stderr")
    );
  }
}

/** `mkdir(…)`/`mkdirSync(…)`/`fs.mkdirSync(…)` with `{ recursive: true }`: the same on every run. */
function recursiveMkdir(call: t.CallExpression | t.NewExpression): boolean {
  const callee = strip(call.callee as Node);
  const name =
    callee.type === "Identifier"
      ? callee.name
      : callee.type === "MemberExpression" && callee.property.type === "Identifier"
        ? callee.property.name
        : undefined;
  const options = call.arguments[1];
  return (
    (name === "mkdir" || name === "mkdirSync") &&
    options?.type === "ObjectExpression" &&
    options.properties.some(
      (p) =>
        p.type === "ObjectProperty" &&
        p.key.type === "Identifier" &&
        p.key.name === "recursive" &&
        p.value.type === "BooleanLiteral" &&
        p.value.value,
    )
  );
}

/** Whether `name` of Node's `module` acts outside (`""`: the module object itself, not a call). */
function actingExport(module: string, name: string): boolean {
  if (name === "") return false;
  if (module === "fs" || module === "fs/promises") return !FS_READS.has(name);
  if (module === "process") return PROCESS_ACTS.has(name);
  return ACTING_MODULES.has(module);
}

/**
 * `require("x")` → "x". Imported modules are read without scopes (see OutsideEffects), so a
 * module-level binding named `require` is not seen here: the worst case is a module listed as
 * imported at load time that is not, a warning too many, never a call rewritten.
 */
function isRequireOf(call: t.CallExpression): string | undefined {
  return call.callee.type === "Identifier" && call.callee.name === "require"
    ? staticString(call.arguments[0] as Node | undefined)
    : undefined;
}

/** Whether a module-level class declaration (exported or not) has a non-empty `static {}` block. */
function hasStaticBlock(s: t.Statement): boolean {
  const decl =
    s.type === "ExportNamedDeclaration" || s.type === "ExportDefaultDeclaration" ? s.declaration : s;
  if (decl?.type !== "ClassDeclaration") return false;
  return decl.body.body.some((m) => m.type === "StaticBlock" && m.body.length > 0);
}

/**
 * Who reads the output: Node (the CLI's build, `smartasync/register`, a Babel or SWC run that
 * writes files for Node), which gives a `.js` file of a package without `"type"` the kind its
 * code has (module syntax detection), or a bundler (the unplugin hosts, a Babel caller that
 * `supportsStaticESM`), which reads such a file as an ES module.
 */
export type ModuleHost = "node" | "bundler";

/**
 * Whether a file's own syntax is CommonJS (generated imports are `require` calls there). `host`
 * matters only for a file of a package without `"type"` that has no module syntax of either
 * kind: such a file exports nothing, so its facts (facts.ts, module-graph.ts) are the same under
 * both hosts, and only the file's own compile asks with its host.
 */
export function isCommonJsSource(
  program: t.Program,
  filename: string | undefined,
  code: string,
  host: ModuleHost = "node",
): boolean {
  const hasEsm = program.body.some(
    (s) =>
      s.type === "ImportDeclaration" ||
      s.type === "ExportNamedDeclaration" ||
      s.type === "ExportDefaultDeclaration" ||
      s.type === "ExportAllDeclaration",
  );
  // TypeScript's `export = x` and `import x = require("m")` are CommonJS whatever else the
  // file holds: both compilers emit `module.exports =` / `require(…)` for them, so the runtime
  // import must be a `require` too (attack17 F10: `export =` alone, under SWC, got an `import`
  // beside `module.exports` and the file failed to load; fixture cjs/ts-export-assignment).
  const tsCommonJs = program.body.some(
    (s) =>
      s.type === "TSExportAssignment" ||
      (s.type === "TSImportEqualsDeclaration" &&
        s.importKind !== "type" &&
        s.moduleReference.type === "TSExternalModuleReference"),
  );
  if (/\.c[jt]s$/.test(filename ?? "")) return true;
  if (hasEsm) return false;
  if (tsCommonJs || /\b(require\s*\(|module\.exports|exports\.)/.test(code)) return true;
  // A file without `import`/`export`, `require` or `module.exports` (a plain Node script) is
  // CommonJS where the nearest package.json says `"type": "commonjs"`, as Node runs it
  // (core/package-type.ts, the rule `smartasync/register` follows too): an ES `import` of the
  // runtime there made the built file die at load (attack26 F01, fixture cjs/type-commonjs-script).
  // An ES module where it says `"module"`, though a parser that guesses (`sourceType:
  // "unambiguous"`, the module graph's) calls it a script: its facts follow an edit of `"type"`
  // (module-facts.ts, test/modules.test.ts).
  const declared =
    filename !== undefined && /\.[mc]?[jt]sx?$/.test(filename) ? declaredKindNow(filename) : undefined;
  if (declared !== undefined) return declared === "commonjs";
  const script = program.sourceType === "script";
  if (filename === undefined || !/\.[jt]sx?$/.test(filename) || host === "bundler") return script;
  // A package without `"type"`: Node reads the file by its code, and code without module syntax
  // is CommonJS (sloppy mode, top-level `this` is `module.exports`). An ES `import` of the
  // runtime made Node read the built file as an ES module: strict, `this` undefined, another
  // program (attack26 F01, a package without "type", fixture cjs/typeless-script). A bundler
  // reads it as an ES module (unless its parser was told it is a script).
  return script || nodeKindOf(program, filename, code) === "commonjs";
}

const detected = new WeakMap<t.Program, DeclaredKind>();

/**
 * Node's module syntax detection on a file without `import`/`export` (core/package-type.ts
 * `detectKind`, Node's own compile of the text, for JavaScript); on TypeScript, whose text does
 * not compile, the same rule on the tree: `import.meta`, a top-level `await`, or a top-level
 * `let`/`const`/`class` named as a CommonJS wrapper's parameter make an ES module.
 */
function nodeKindOf(program: t.Program, filename: string, code: string): DeclaredKind {
  let kind = detected.get(program);
  if (kind === undefined) {
    kind = /\.jsx?$/.test(filename) ? detectKind(code) : moduleByTree(program) ? "module" : "commonjs";
    detected.set(program, kind);
  }
  return kind;
}

const WRAPPER_NAMES = new Set(["exports", "require", "module", "__filename", "__dirname"]);

function moduleByTree(program: t.Program): boolean {
  for (const s of program.body) {
    const decl = s.type === "VariableDeclaration" && s.kind !== "var" ? s : undefined;
    if (decl?.declarations.some((d) => d.id.type === "Identifier" && WRAPPER_NAMES.has(d.id.name)))
      return true;
    if (s.type === "ClassDeclaration" && s.id && WRAPPER_NAMES.has(s.id.name)) return true;
  }
  let found = false;
  const walk = (n: Node, top: boolean): void => {
    if (found) return;
    if (n.type === "MetaProperty" && n.meta.name === "import") found = true;
    else if (top && (n.type === "AwaitExpression" || (n.type === "ForOfStatement" && n.await))) found = true;
    const inner = top && !isFunction(n) && n.type !== "ClassBody";
    forEachChild(n, (c) => walk(c, inner));
  };
  walk(program, true);
  return found;
}

/** Specifiers a module imports when it is evaluated: static imports, re-exports, top-level `require`. */
function staticImports(program: t.Program): { specifier: string; at: Node }[] {
  const out: { specifier: string; at: Node }[] = [];
  for (const s of program.body) {
    if (s.type === "ImportDeclaration") {
      if (s.importKind !== "type" && s.importKind !== "typeof")
        out.push({ specifier: s.source.value, at: s });
    } else if ((s.type === "ExportNamedDeclaration" || s.type === "ExportAllDeclaration") && s.source) {
      if (s.exportKind !== "type") out.push({ specifier: s.source.value, at: s });
    } else if (
      s.type === "TSImportEqualsDeclaration" &&
      s.importKind !== "type" &&
      s.moduleReference.type === "TSExternalModuleReference"
    ) {
      out.push({ specifier: s.moduleReference.expression.value, at: s });
    }
  }
  // `require(…)` outside functions runs at import time too.
  for (const s of program.body) {
    const walk = (n: Node): void => {
      if (isFunction(n)) return;
      if (
        n.type === "CallExpression" &&
        n.callee.type === "Identifier" &&
        n.callee.name === "require" &&
        n.arguments[0]?.type === "StringLiteral"
      )
        out.push({ specifier: n.arguments[0].value, at: s });
      forEachChild(n, walk);
    };
    walk(s);
  }
  return out;
}

/** What this pass needs of a module it reads: its effects, its syntax, its imports. */
interface ImportedModule {
  lines: number[];
  /** Some of those lines are declarations (their guard goes in the initializer). */
  declarations: boolean;
  cjs: boolean;
  imports: string[];
}

const caches = new WeakMap<
  ModuleGraph,
  Map<string, { mtimeMs: number; size: number; module: ImportedModule | undefined }>
>();

/** Reads and parses an imported module once per content (path, mtime, size) for the graph's life. */
function moduleAt(graph: ModuleGraph, path: string): ImportedModule | undefined {
  let cache = caches.get(graph);
  if (!cache) {
    cache = new Map();
    caches.set(graph, cache);
  }
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) return undefined;
  const hit = cache.get(path);
  if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.module;
  let module: ImportedModule | undefined;
  try {
    const code = readFileSync(path, "utf8");
    const parsed = graph.parse(code, path);
    const found = topLevelEffects(parsed.program, code);
    module = {
      lines: found.map((s) => s.loc?.start.line).filter((l): l is number => l !== undefined),
      declarations: found.some((s) => declarationOf(s)?.type === "VariableDeclaration"),
      cjs: isCommonJsSource(parsed.program, path, code),
      imports: staticImports(parsed.program).map((i) => i.specifier),
    };
  } catch {
    // A module that cannot be read or parsed: SA204 speaks of it where it matters.
    module = undefined;
  }
  cache.set(path, { mtimeMs: st.mtimeMs, size: st.size, module });
  return module;
}

const ctxCaches = new WeakMap<
  ModuleGraph,
  Map<string, { mtimeMs: number; size: number; ctx: Ctx | undefined }>
>();

/**
 * An imported module of the program as a context of its own (its tree and scopes, for the rules
 * that look one module deep: SA302 across an import), read and parsed once per content for the
 * graph's life. Its locations are named as `from`'s are (relative to the same root).
 */
export function importedCtx(from: Ctx, path: string): Ctx | undefined {
  const graph = from.graph;
  if (!graph || !from.filename) return undefined;
  let cache = ctxCaches.get(graph);
  if (!cache) {
    cache = new Map();
    ctxCaches.set(graph, cache);
  }
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) return undefined;
  const hit = cache.get(path);
  if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.ctx;
  let ctx: Ctx | undefined;
  try {
    const code = readFileSync(path, "utf8");
    const parsed = graph.parse(code, path);
    const rel = relative(dirname(from.filename), path).split(sep).join("/");
    const fileName = posix.normalize(posix.join(posix.dirname(from.fileName), rel));
    ctx = createCtx({
      options: from.options,
      fileName,
      filename: path,
      code,
      report: emptyReport(fileName),
      program: parsed.program,
      comments: parsed.comments,
      graph,
      error: (message) => new Error(message),
    });
  } catch {
    // A module that cannot be read or parsed: SA204 speaks of it where it matters.
    ctx = undefined;
  }
  cache.set(path, { mtimeMs: st.mtimeMs, size: st.size, ctx });
  return ctx;
}

/**
 * Whether the module at `start` imports the module at `target` when it is evaluated (static
 * imports, re-exports, top-level `require`, followed through the program's own modules): then a
 * worker's import of `start` runs `target`'s top-level code too.
 */
export function importsReach(from: Ctx, start: string, target: string): boolean {
  const graph = from.graph;
  if (!graph) return false;
  const seen = new Set<string>([start]);
  const queue = [start];
  for (let i = 0; i < queue.length && i < MAX_MODULES; i++) {
    const path = queue[i]!;
    if (path === target) return true;
    for (const spec of moduleAt(graph, path)?.imports ?? []) {
      const next = fileOf(spec, path, from.options.runtime, from.options.resolve);
      if (next !== undefined && !seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return false;
}

/** How many modules one file's imports are followed through, at most. */
const MAX_MODULES = 2000;

/** The program's own module file an import names (not a package, not the runtime), if any. */
export function fileOf(
  specifier: string,
  from: string,
  runtime: string,
  settings?: HostResolve,
): string | undefined {
  if (specifier === runtime || specifier.startsWith(`${runtime}/`)) return undefined;
  let r: ReturnType<typeof resolveImport>;
  try {
    r = resolveImport(specifier, from, "import", settings);
  } catch {
    return undefined;
  }
  if (r?.kind !== "file" || /[\\/]node_modules[\\/]/.test(r.path)) return undefined;
  // Only modules of code: `import "./style.css"` or a JSON file is for a bundler, not read here.
  if (!/\.[cm]?[jt]sx?$/.test(r.path)) return undefined;
  return r.path;
}

/**
 * SA303 for what a worker imports along with the module (breadth first, so each module is named
 * by its shortest chain; each is named once, at the import of this file that leads to it).
 */
export function checkWorkerImports(ctx: Ctx): void {
  const graph = ctx.graph;
  const self = ctx.filename;
  if (!graph || !self) return;
  const runtime = ctx.options.runtime;
  const show = (path: string): string => {
    const rel = relative(dirname(self), path).split(sep).join("/");
    return rel.startsWith(".") ? rel : `./${rel}`;
  };
  const seen = new Set<string>([self]);
  const queue: { path: string; chain: string[]; at: Node }[] = [];
  for (const { specifier, at } of staticImports(ctx.program)) {
    const path = fileOf(specifier, self, runtime, ctx.options.resolve);
    if (!path || seen.has(path)) continue;
    seen.add(path);
    queue.push({ path, chain: [show(path)], at });
  }
  for (let i = 0; i < queue.length && i < MAX_MODULES; i++) {
    const { path, chain, at } = queue[i];
    const m = moduleAt(graph, path);
    if (!m) continue;
    if (m.lines.length)
      warn(ctx, "SA303", at, MSG.importedEffects(chain, m.lines, runtime, m.cjs, m.declarations));
    for (const specifier of m.imports) {
      const next = fileOf(specifier, path, runtime, ctx.options.resolve);
      if (!next || seen.has(next)) continue;
      seen.add(next);
      queue.push({ path: next, chain: [...chain, show(next)], at });
    }
  }
}
