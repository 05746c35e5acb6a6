import type { types as t } from "@babel/core";
import { type ScannedReExport, scanModule } from "../import-scan.js";
import { MSG } from "../messages.js";
import type { BlockingFact, ExportFact, ListedHolder, ModuleFacts, PickedHolder } from "../module-facts.js";
import { exportedVariant, variantName } from "../naming.js";
import type { Options } from "../options.js";
import type { FunctionKind } from "../strategy.js";
import { type Ctx, fail } from "./ctx.js";
import { exportFactOf } from "./export-fact.js";
import { addKinds } from "./held.js";
import type { ImportedFns, ImportedRef } from "./imported.js";
import type { SaFunction } from "./model.js";
import { forEachChild, isFunction, type Node } from "./tree.js";
import { isExportsObject, isModuleExports, memberName, requireSource, strip } from "./view.js";

/** How deep re-export chains are followed; deeper chains are treated as plain JavaScript. */
export const MAX_REEXPORT_DEPTH = 16;

/** How a module-level name is exported apart from its own declaration. */
export interface ExportUse {
  /** `export { f as g }`: the declaration, the exported name and the local reference. */
  specifiers: { decl: t.ExportNamedDeclaration; exported: string; ref: t.Identifier }[];
  /** `export default f`. */
  isDefault: boolean;
  /** The declaration of `export default f`. */
  defaultDecl?: t.ExportDefaultDeclaration;
  /** TypeScript's `export = f`: the module is `f`, exported without its variant. */
  exportEquals?: boolean;
  /**
   * CommonJS: `module.exports = { f }`, `Object.assign(module.exports, { f })`, TypeScript's
   * `export = { f }` (the object) or `exports.g = f` (the statement).
   */
  cjs: (
    | { kind: "object"; obj: t.ObjectExpression; exported: string; ref: t.Identifier }
    | { kind: "assign"; stmt: t.Statement; exported: string; target: t.Expression; ref: t.Identifier }
    /**
     * `Object.defineProperty(exports, "g", { get() { return f; } })` (or `value: f`; also
     * `Object.defineProperties`, `Reflect.defineProperty`, on `module.exports` too): the variant
     * gets a getter of its own after the statement (attack26 F12).
     */
    | { kind: "define"; stmt: t.Statement; exported: string; target: t.Expression; ref: t.Identifier }
  )[];
  /** `export const { f } = ns` (or `= require("./a")`): the pattern that binds and exports it. */
  patterns: { pattern: t.ObjectPattern; exported: string; ref: t.Identifier }[];
}

/** Where a function's variant is exported beside the function's own exports (variantExports). */
export interface VariantExports {
  /** `export { f as g }` → `export { f as g, fSync as gSync }`: the list and the variant's name. */
  specifiers: { decl: t.ExportNamedDeclaration; as: string }[];
  /** `export default f` → a statement `export { fSync }` after the function. */
  statement: boolean;
  /** CommonJS exports of `f` → the variant beside it, under `as`. */
  cjs: { c: ExportUse["cjs"][number]; as: string }[];
}

/**
 * The exports a function's variant gets from the module's export lists and CommonJS exports,
 * each name once (`export { f, f as default }`, or a variant named by the annotation, give the
 * same name twice, and a duplicate export is a SyntaxError). An exported declaration
 * (`export async function f`) exports its variant by itself, and its other names too
 * (`export { f as g }` beside it gets `fSync as gSync`: attack 16, F25). Both emitters write
 * what this returns.
 */
export function variantExports(fn: SaFunction, use: ExportUse | undefined, options: Options): VariantExports {
  const out: VariantExports = { specifiers: [], statement: false, cjs: [] };
  if (!use) return out;
  const as = (exported: string): string =>
    exportedVariant(exported, fn.name, fn.variant, fn.kind, options, fn.explicitVariant);
  const exportedAs = new Set<string>(fn.exportDecl ? [fn.variant] : []);
  for (const { decl, exported } of use.specifiers) {
    // `export { f as default }` exports the variant under its own name.
    const name = as(exported);
    if (exportedAs.has(name)) continue;
    exportedAs.add(name);
    out.specifiers.push({ decl, as: name });
  }
  if (use.isDefault && !exportedAs.has(fn.variant)) out.statement = true;
  for (const c of use.cjs) out.cjs.push({ c, as: as(c.exported) });
  return out;
}

/**
 * The property of a CommonJS export object after which a variant goes: the one holding the
 * function itself. Node finds an ES importer's named exports in `module.exports = { … }` only up
 * to the first value that is not a plain name (`{ load, version: "1.0.0", loadSync }` hides
 * `loadSync`: attack24 F09, fixture cjs/export-object-order), so the variant goes right beside the
 * function, which Node found.
 */
export function propertyHolding(
  obj: t.ObjectExpression,
  ref: t.Identifier,
): t.ObjectExpression["properties"][number] {
  return obj.properties.find((p) => p.type === "ObjectProperty" && p.value === ref) ?? obj.properties.at(-1)!;
}

export function specifierNames(sp: t.ExportSpecifier): { local: string; exported: string } {
  const local = sp.local.type === "Identifier" ? sp.local.name : (sp.local as t.StringLiteral).value;
  const exported = sp.exported.type === "Identifier" ? sp.exported.name : sp.exported.value;
  return { local, exported };
}

/** An export whose value is an expression, not a name (`module.exports = { save: lib.save }`). */
export interface ValueExport {
  exported: string;
  value: Node;
}

/**
 * Indexes, once per file, how module-level names are exported apart from their declaration;
 * exports of other expressions go to `values` when asked for.
 */
export function indexExports(program: t.Program, values?: ValueExport[]): Map<string, ExportUse> {
  const out = new Map<string, ExportUse>();
  const use = (name: string): ExportUse => {
    const u = out.get(name) ?? { specifiers: [], isDefault: false, cjs: [], patterns: [] };
    out.set(name, u);
    return u;
  };
  // module.exports = { f, g: h }
  const object = (obj: t.ObjectExpression) => {
    for (const p of obj.properties) {
      if (p.type !== "ObjectProperty" || p.computed) continue;
      const key =
        p.key.type === "Identifier" ? p.key.name : p.key.type === "StringLiteral" ? p.key.value : undefined;
      if (key === undefined) continue;
      if (p.value.type === "Identifier")
        use(p.value.name).cjs.push({ kind: "object", obj, exported: key, ref: p.value });
      else values?.push({ exported: key, value: p.value as Node });
    }
  };
  for (const s of program.body) {
    // `export const { load } = ns`: each name the pattern binds is exported (a rest element, whose
    // object gains no property, is not).
    if (s.type === "ExportNamedDeclaration" && s.declaration?.type === "VariableDeclaration")
      for (const d of s.declaration.declarations) {
        // `export const viaNs = L.load`: a second name for the member's function, exported as a
        // value (attack 16, F17), like `export default lib.load`.
        const init = d.init && strip(d.init as Node);
        if (
          d.id.type === "Identifier" &&
          (init?.type === "MemberExpression" || init?.type === "OptionalMemberExpression")
        )
          values?.push({ exported: d.id.name, value: init });
        if (d.id.type !== "ObjectPattern" || !d.init) continue;
        for (const p of d.id.properties)
          if (p.type === "ObjectProperty" && !p.computed && p.value.type === "Identifier")
            use(p.value.name).patterns.push({ pattern: d.id, exported: p.value.name, ref: p.value });
      }
    if (s.type === "ExportNamedDeclaration" && !s.source && !s.declaration) {
      for (const sp of s.specifiers) {
        if (sp.type === "ExportSpecifier" && sp.local.type === "Identifier")
          use(sp.local.name).specifiers.push({
            decl: s,
            exported: specifierNames(sp).exported,
            ref: sp.local,
          });
      }
    }
    if (s.type === "ExportDefaultDeclaration" && s.declaration.type === "Identifier") {
      const u = use(s.declaration.name);
      u.isDefault = true;
      u.defaultDecl = s;
    } else if (
      s.type === "ExportDefaultDeclaration" &&
      !isFunction(s.declaration as Node) &&
      s.declaration.type !== "ClassDeclaration" &&
      s.declaration.type !== "TSInterfaceDeclaration" &&
      s.declaration.type !== "TSDeclareFunction"
    )
      // `export default lib.load`, `export default c ? load : null`: the value of an expression.
      values?.push({ exported: "default", value: s.declaration as Node });
    // TypeScript's `export = { f }` is `module.exports = { f }`.
    if (s.type === "TSExportAssignment" && s.expression.type === "ObjectExpression") object(s.expression);
    if (s.type === "TSExportAssignment" && s.expression.type === "Identifier")
      use(s.expression.name).exportEquals = true;
    if (s.type !== "ExpressionStatement") continue;
    const e = s.expression;
    // Object.defineProperty(exports, "g", { get() { return f; } }) and its other spellings: SWC's
    // and tsc's CommonJS output, and a hand-written read-only export (attack26 F12, fixture
    // modules/cjs-define-property-exports).
    for (const d of definedExports(e as Node))
      if (d.value.type === "Identifier")
        use(d.value.name).cjs.push({
          kind: "define",
          stmt: s,
          exported: d.exported,
          target: d.target,
          ref: d.value,
        });
      // `{ value: exports.load }`, `{ get: () => lib.load }`: the value of an expression, as
      // `exports.g = lib.load` (fixture cjs/exports-alias-assign-define).
      else values?.push({ exported: d.exported, value: d.value });
    // Object.assign(module.exports, { f }), Object.assign(exports, { f })
    if (
      e.type === "CallExpression" &&
      e.callee.type === "MemberExpression" &&
      e.callee.object.type === "Identifier" &&
      e.callee.object.name === "Object" &&
      memberName(e.callee) === "assign" &&
      e.arguments[0] &&
      isExportsObject(e.arguments[0] as Node)
    ) {
      for (const a of e.arguments.slice(1)) if (a.type === "ObjectExpression") object(a);
    }
    if (e.type !== "AssignmentExpression") continue;
    const { left, right } = e;
    if (isModuleExports(left) && right.type === "ObjectExpression") object(right);
    // `module.exports = lib.load`, `= c ? load : null`: the module is the value of an expression
    // (fixture modules/exported-second-name, attack29 F11).
    else if (isModuleExports(left) && right.type !== "Identifier")
      values?.push({ exported: "default", value: right });
    // module.exports = f: the module is the function, its ESM default; the variant goes on it
    // as a property (`module.exports.fSync = fSync`), which Node's CommonJS export scan also sees.
    if (isModuleExports(left) && right.type === "Identifier")
      use(right.name).cjs.push({
        kind: "assign",
        stmt: s,
        exported: "default",
        target: left as t.Expression,
        ref: right,
      });
    // exports.g = f; module.exports.g = f; a literal key too (`exports["g"] = f`, `` exports[`g`] ``),
    // the same export (fixture cjs/exports-computed-alias).
    if (left.type !== "MemberExpression" || !isExportsObject(left.object)) continue;
    const exported = memberName(left);
    if (exported === undefined) continue;
    if (right.type !== "Identifier") values?.push({ exported, value: right });
    else
      use(right.name).cjs.push({
        kind: "assign",
        stmt: s,
        exported,
        target: left.object as t.Expression,
        ref: right,
      });
  }
  return out;
}

/**
 * The module's own names a defining call exports: `Object.defineProperty(<exports>, "g", D)`,
 * `Reflect.defineProperty(…)` and `Object.defineProperties(<exports>, { g: D })`, `<exports>`
 * being `exports` or `module.exports`, where the descriptor `D` holds a name itself (`value: f`)
 * or by a getter that returns it (`get() { return f; }`, `get: function () { return f; }`,
 * `get: () => f`). A getter that does anything else is not an export the text proves.
 */
function definedExports(e: Node): { target: t.Expression; exported: string; value: Node }[] {
  if (e.type !== "CallExpression" || e.callee.type !== "MemberExpression" || e.callee.computed) return [];
  const base = e.callee.object as Node;
  const method = memberName(e.callee as Node);
  if (base.type !== "Identifier") return [];
  const [target, key, desc] = e.arguments as Node[];
  if (!target || !isExportsObject(target)) return [];
  const out: { target: t.Expression; exported: string; value: Node }[] = [];
  const add = (exported: string | undefined, d: Node | undefined): void => {
    const value = d && descriptorValue(d);
    if (exported !== undefined && value) out.push({ target: target as t.Expression, exported, value });
  };
  if (method === "defineProperty" && (base.name === "Object" || base.name === "Reflect"))
    add(key?.type === "StringLiteral" ? key.value : undefined, desc);
  else if (method === "defineProperties" && base.name === "Object" && key?.type === "ObjectExpression")
    for (const p of key.properties as Node[])
      if (p.type === "ObjectProperty" && !p.computed)
        add(
          p.key.type === "Identifier" ? p.key.name : p.key.type === "StringLiteral" ? p.key.value : undefined,
          p.value as Node,
        );
  return out;
}

/**
 * What a property descriptor holds: `{ value: f }`, or what a getter that only returns gives
 * (`get() { return f; }`). A getter's other expressions are left out (`get: () => lib_1.x` is
 * tsc's re-export, `cjsReExports`), but for a read of the module's own exports (`get: () =>
 * exports.load`), a second name of its function (fixture cjs/exports-alias-assign-define).
 */
function descriptorValue(desc: Node): Node | undefined {
  if (desc.type !== "ObjectExpression") return undefined;
  let found: Node | undefined;
  let getter = false;
  for (const p of desc.properties as Node[]) {
    if ((p.type !== "ObjectProperty" && p.type !== "ObjectMethod") || p.computed) continue;
    const key = p.key.type === "Identifier" ? p.key.name : p.key.type === "StringLiteral" ? p.key.value : "";
    if (key === "value" && p.type === "ObjectProperty") {
      found = p.value as Node;
      getter = false;
    } else if (key === "get" && (p.type === "ObjectProperty" || p.kind === "method")) {
      found = getterValue(p.type === "ObjectMethod" ? p : (p.value as Node));
      getter = true;
    }
  }
  if (!found || found.type === "Identifier" || !getter) return found;
  const v = strip(found);
  return (v.type === "MemberExpression" || v.type === "OptionalMemberExpression") &&
    isExportsObject(v.object as Node)
    ? found
    : undefined;
}

/** What a getter returns, where it only returns (`get() { return x; }`, `() => x`). */
function getterValue(fn: Node): Node | undefined {
  if (fn.type !== "ObjectMethod" && fn.type !== "FunctionExpression" && fn.type !== "ArrowFunctionExpression")
    return undefined;
  if (fn.params.length || fn.async || fn.generator) return undefined;
  const b = fn.body as Node;
  if (b.type !== "BlockStatement") return b;
  const only = b.body.length === 1 ? (b.body[0] as Node) : undefined;
  return only?.type === "ReturnStatement" ? ((only.argument as Node | null) ?? undefined) : undefined;
}

/**
 * The CommonJS form of `export * from` / `export { x } from` (docs/modules.md, "Routes"): a
 * module that hands on another module's exports without naming a function of its own.
 */
export interface CjsReExport {
  from: string;
  /** Exported name → the other module's name; undefined: every name but `default` (a star). */
  names?: Map<string, string>;
  /** `module.exports = require("x")`: the module *is* the other one, its `default` included. */
  whole?: boolean;
  /**
   * A getter re-export (`Object.defineProperty(exports, "x", { get: … return lib_1.x })`): the
   * variant needs a getter of its own beside it (`reExportVariants`).
   */
  getter?: { stmt: t.Statement; target: t.Expression; object: string };
}

/**
 * Helpers compilers wrap a `require` in without changing what its members are: tsc's
 * `__importStar`, Babel's `_interopRequireWildcard` (a copy of the exports, own names kept).
 */
const NAMESPACE_WRAPPERS = new Set(["__importStar", "_interopRequireWildcard"]);

/** Helpers that copy every export of their first argument onto the module's exports. */
const STAR_HELPERS = new Set(["__exportStar", "__export"]);

/** The name a callee is called by (`f`, `tslib_1.f`, `(0, tslib_1.f)`). */
function calleeName(n: Node): string | undefined {
  const c = n.type === "SequenceExpression" ? (n.expressions.at(-1) as Node) : n;
  if (c.type === "Identifier") return c.name;
  if (c.type === "MemberExpression") return memberName(c);
  return undefined;
}

/**
 * Every CommonJS re-export of a parsed module, as written by hand (`module.exports =
 * require("./lib")`, `{ ...require("./lib") }`, `Object.assign(module.exports, require(…))`) and
 * by compilers: tsc's `__exportStar(require("./lib"), exports)` and getter re-exports, Babel's
 * `Object.keys(_lib).forEach(…)` and `Object.defineProperty(exports, "x", { get … })`. Only
 * top-level statements count, and a `require` held by a name only through a binding that is
 * never assigned again: anything else is not a re-export the text proves.
 */
export function cjsReExports(ctx: Ctx): CjsReExport[] {
  const out: CjsReExport[] = [];
  const body = ctx.program.body as Node[];
  // `var lib_1 = require("./lib")`, also through a namespace helper.
  const held = new Map<string, string>();
  const requireOf = (n: Node | null | undefined): string | undefined => {
    if (!n) return undefined;
    const direct = requireSource(ctx.scopes, n);
    if (direct !== undefined) return direct;
    if (
      n.type === "CallExpression" &&
      n.arguments.length === 1 &&
      NAMESPACE_WRAPPERS.has(calleeName(n.callee as Node) ?? "")
    )
      return requireSource(ctx.scopes, n.arguments[0] as Node);
    return undefined;
  };
  for (const s of body) {
    if (s.type !== "VariableDeclaration") continue;
    for (const d of s.declarations) {
      const from = requireOf(d.init as Node);
      if (from === undefined || d.id.type !== "Identifier") continue;
      held.set(d.id.name, from);
    }
  }
  // Whether the name was assigned again is asked only for a name a re-export uses: reading a
  // binding's writes in a lazy tree watches them, and a closed function writing one of the
  // file's many `const x = require(…)` names then forced a second analysis (postcss).
  const heldModule = (name: string): string | undefined => {
    const from = held.get(name);
    if (from === undefined) return undefined;
    const b = ctx.scopes.binding(ctx.program as Node, name);
    return b && !b.violations.length ? from : undefined;
  };
  /** The module a value is: `require("x")`, or a name holding one. */
  const moduleOf = (n: Node | null | undefined): string | undefined =>
    n?.type === "Identifier" ? heldModule(n.name) : requireOf(n);
  const star = (n: Node | null | undefined) => {
    const from = moduleOf(n);
    if (from !== undefined) out.push({ from });
  };
  for (const s of body) {
    if (s.type !== "ExpressionStatement") continue;
    const e = s.expression as Node;
    if (e.type === "AssignmentExpression" && e.operator === "=" && isModuleExports(e.left as Node)) {
      const right = e.right as Node;
      const from = moduleOf(right);
      if (from !== undefined) out.push({ from, whole: true });
      else if (right.type === "ObjectExpression")
        for (const p of right.properties) if (p.type === "SpreadElement") star(p.argument as Node);
      continue;
    }
    if (e.type !== "CallExpression") continue;
    const callee = e.callee as Node;
    const args = e.arguments as Node[];
    const name = calleeName(callee);
    // __exportStar(require("./lib"), exports), tslib_1.__exportStar(…), __export(require(…))
    if (name !== undefined && STAR_HELPERS.has(name)) {
      if (name === "__export" || (args[1] && isExportsObject(args[1]))) star(args[0]);
      continue;
    }
    if (callee.type !== "MemberExpression") continue;
    const base = callee.object as Node;
    // Object.assign(module.exports, require("./lib"))
    if (base.type === "Identifier" && base.name === "Object" && name === "assign") {
      if (args[0] && isExportsObject(args[0])) for (const a of args.slice(1)) star(a);
      continue;
    }
    // Object.defineProperty(exports, "x", { enumerable: true, get: function () { return lib_1.x; } })
    if (base.type === "Identifier" && base.name === "Object" && name === "defineProperty") {
      const [target, key, desc] = args;
      if (!target || !isExportsObject(target) || key?.type !== "StringLiteral") continue;
      const got = getterMember(desc);
      const from = got && heldModule(got.object);
      if (got && from !== undefined)
        out.push({
          from,
          names: new Map([[key.value, got.name]]),
          getter: { stmt: s as t.Statement, target: target as t.Expression, object: got.object },
        });
      continue;
    }
    // Object.keys(_lib).forEach(function (key) { … exports … }): Babel's `export *` of `_lib`.
    if (
      name === "forEach" &&
      base.type === "CallExpression" &&
      calleeText(base.callee as Node) === "Object.keys" &&
      base.arguments.length === 1 &&
      args[0] &&
      (args[0].type === "FunctionExpression" || args[0].type === "ArrowFunctionExpression") &&
      mentionsExports(args[0])
    )
      star(base.arguments[0] as Node);
  }
  return out;
}

/** `Object.keys` for a member callee of two names. */
function calleeText(n: Node): string | undefined {
  if (n.type !== "MemberExpression" || n.computed || (n.object as Node).type !== "Identifier")
    return undefined;
  return `${(n.object as t.Identifier).name}.${memberName(n)}`;
}

/** Whether a function's body names the `exports` object (it writes re-exports there). */
function mentionsExports(fn: Node): boolean {
  let found = false;
  const visit = (n: Node): void => {
    if (found) return;
    if (isExportsObject(n)) {
      found = true;
      return;
    }
    forEachChild(n, visit);
  };
  visit(fn);
  return found;
}

/** `{ get: function () { return lib.x; } }`, `{ get() { return lib.x } }`, `{ get: () => lib.x }`. */
function getterMember(desc: Node | undefined): { object: string; name: string } | undefined {
  if (desc?.type !== "ObjectExpression") return undefined;
  let value: Node | undefined;
  for (const p of desc.properties as Node[]) {
    const key =
      (p.type === "ObjectProperty" || p.type === "ObjectMethod") && !p.computed && p.key.type === "Identifier"
        ? p.key.name
        : undefined;
    if (key !== "get") continue;
    const fn = p.type === "ObjectMethod" ? p : p.type === "ObjectProperty" ? (p.value as Node) : undefined;
    if (
      !fn ||
      (fn.type !== "ObjectMethod" &&
        fn.type !== "FunctionExpression" &&
        fn.type !== "ArrowFunctionExpression")
    )
      return undefined;
    const b = fn.body as Node;
    if (b.type !== "BlockStatement") value = b;
    else if (b.body.length === 1 && b.body[0]!.type === "ReturnStatement")
      value = b.body[0]!.argument as Node;
  }
  if (value?.type !== "MemberExpression" || (value.object as Node).type !== "Identifier") return undefined;
  const name = memberName(value);
  return name === undefined ? undefined : { object: (value.object as t.Identifier).name, name };
}

/** Every name under which `local` is exported, ESM and CommonJS alike. */
export function exportedNames(use: ExportUse | undefined): string[] {
  if (!use) return [];
  return [
    ...use.specifiers.map((s) => s.exported),
    ...(use.isDefault ? ["default"] : []),
    ...use.cjs.map((c) => c.exported),
    ...use.patterns.map((p) => p.exported),
  ];
}

/**
 * Smartasync functions exported as the value of an expression (`{ save: lib.save }`): importers
 * get a fact that says why their calls are not followed (SA206), never silence.
 */
export function valueExportFacts(imported: ImportedFns, values: ValueExport[]): Map<string, ExportFact> {
  const out = new Map<string, ExportFact>();
  for (const { exported, value } of values) {
    const r = imported.resolve(value);
    if (!r || r.explicit || r.shape !== "member") continue;
    out.set(exported, {
      ...r.fact,
      unfollowed: `it is exported as \`${exported}\`, the value of an expression, without its variant; export the function by its own name`,
    });
  }
  return out;
}

/**
 * An exported `let`/`var` the module assigns a smartasync function to (`let later; later = load;
 * export { later }`, attack 16, F17): a live binding whose function is whatever the last
 * assignment left, without its variant — importers' calls are SA206, never a silent promise.
 */
export function reassignedExportFacts(
  ctx: Ctx,
  fns: SaFunction[],
  imported: ImportedFns,
  uses: Map<string, ExportUse>,
): Map<string, ExportFact> {
  const out = new Map<string, ExportFact>();
  for (const [local, use] of uses) {
    const b = ctx.scopes.program.bindings.get(local);
    if (!b || (b.kind !== "let" && b.kind !== "var") || b.violations.length === 0) continue;
    const names = exportedNames(use);
    if (names.length === 0) continue;
    const decl = b.node.type === "VariableDeclarator" ? (b.node.init as Node | null) : null;
    const values = [
      decl,
      ...b.violations.map((v) => (v.type === "AssignmentExpression" ? (v.right as Node) : null)),
    ];
    for (const v of values) {
      const value = v && strip(v);
      if (!value) continue;
      const own =
        value.type === "Identifier" && ctx.scopes.binding(value, value.name)?.scope === ctx.scopes.program
          ? fns.find((f) => f.name === value.name && (f.form === "function" || f.form === "const"))
          : undefined;
      const fact: ExportFact | undefined = own
        ? exportFactOf(own, ctx.fileName, false)
        : imported.resolve(value)?.fact;
      if (!fact) continue;
      for (const name of names)
        out.set(name, {
          ...fact,
          unfollowed: `it is exported as \`${name}\`, a \`${b.kind}\` the module assigns it to (\`${local} = ${fact.name.split(".").pop()}\`), without its variant; export the function by its own name`,
        });
      break;
    }
  }
  return out;
}

/** Why `export = f` is not followed, for importers' SA206. */
export const EXPORT_EQUALS = (name: string) =>
  `\`export = ${name}\` exports it without its variant; write \`export = { ${name} }\``;

/** The name a function is exported under by its own declaration (`export default function`). */
export function declaredExportName(fn: SaFunction): string {
  return fn.stmt!.type === "ExportDefaultDeclaration" ? "default" : fn.name;
}

/** The fact of `export = f`: the module is `f`, and importers are told why it is not followed. */
export function equalsFact(fn: SaFunction, ctx: { fileName: string }): ExportFact {
  return exportFactOf(fn, ctx.fileName, false, { unfollowed: EXPORT_EQUALS(fn.name) });
}

/** A re-export, ES or CommonJS, as the rule below reads it. */
export type ReExportRule = ScannedReExport & { whole?: boolean };

/** The facts a module is being given: its own exports, then what its re-exports carry. */
export interface Carrying {
  exports: Map<string, ExportFact>;
  methods: Map<string, Set<FunctionKind>>;
  picked: Map<string, PickedHolder>;
  namespaces: Map<string, ModuleFacts>;
  /** Plain functions and classes whose call blocks on a worker (`ModuleFacts.blocking`). */
  blocking: Map<string, BlockingFact>;
  /** Exported name → why it cannot be followed; absent where none is kept (a manifest). */
  problems?: Map<string, string>;
  /** Names re-exported from a module where they are no function's variant. */
  foreign?: Set<string>;
  /** Exported objects and classes holding annotated methods (`ModuleFacts.listed`, SA213). */
  listed?: Map<string, ListedHolder>;
}

/**
 * What one re-export carries from the module it names (`target`) — the one rule for importers
 * (module-graph.ts) and for the manifest a build writes (factsOfFile), so both list the same:
 * `export * as ns` a namespace (when `ns` holds anything); `export *` and a CommonJS star
 * (`__exportStar`, `{ ...require() }`) every export, element-held literal (`picked`), namespace
 * and problem but `default` and names the module exports itself (`shadowed`);
 * `module.exports = require()` (whole) the same with `default`; and
 * a named re-export each name under its exported name, with its variant named for it.
 */
export function carryReExport(
  into: Carrying,
  re: ReExportRule,
  target: ModuleFacts,
  options: Options,
  shadowed: (name: string) => boolean,
): void {
  addKinds(into.methods, target.methods);
  if (re.namespace !== undefined) {
    // A namespace whose plain functions block is one too (`H.H2.len(u)`, attack23 F6).
    if (target.exports.size || target.namespaces?.size || target.blocking?.size)
      into.namespaces.set(re.namespace, target);
    return;
  }
  if (!re.names) {
    // `module.exports = require("./lib")` is the other module itself, `default` and all.
    const carried = (name: string) => (re.whole || name !== "default") && !shadowed(name);
    for (const [name, fact] of target.exports)
      if (carried(name) && !into.exports.has(name)) into.exports.set(name, fact);
    for (const [name, p] of target.picked ?? [])
      if (carried(name) && !into.picked.has(name)) into.picked.set(name, p);
    for (const [name, b] of target.blocking ?? [])
      if (carried(name) && !into.blocking.has(name)) into.blocking.set(name, b);
    if (into.listed)
      for (const [name, l] of target.listed ?? [])
        if (carried(name) && !into.listed.has(name)) into.listed.set(name, l);
    // A namespace the target exports by name (`export * as ns`, `module.exports = { ns }`) is
    // one of its names, which a star carries too (ES: `export *` re-exports it).
    for (const [name, ns] of target.namespaces ?? [])
      if (carried(name) && !into.namespaces.has(name)) into.namespaces.set(name, ns);
    // A name the target cannot give its variant for stays unfollowable through this module.
    if (into.problems)
      for (const [name, why] of target.problems ?? [])
        if (carried(name) && !into.exports.has(name) && !into.problems.has(name))
          into.problems.set(name, `re-exports * from ${re.from}, which ${why}`);
    return;
  }
  for (const [exported, imported] of re.names) {
    const p = target.picked?.get(imported);
    if (p) into.picked.set(exported, p);
    const b = target.blocking?.get(imported);
    if (b) into.blocking.set(exported, b);
    const l = target.listed?.get(imported);
    if (l) into.listed?.set(exported, l);
    // The static methods of a class re-exported under another name (`Util.len` → `U.len`).
    for (const [name, m] of target.blocking ?? [])
      if (name.startsWith(`${imported}.`)) into.blocking.set(`${exported}${name.slice(imported.length)}`, m);
    // A name re-exported from a module where it is no function's variant.
    if (into.foreign && ![...target.exports.values()].some((f) => f.variant === imported))
      into.foreign.add(exported);
    const fact = target.exports.get(imported);
    const why = fact ? undefined : target.problems?.get(imported);
    if (why !== undefined)
      into.problems?.set(exported, `re-exports ${imported} from ${re.from}, which ${why}`);
    if (!fact) continue;
    const variant = exportedVariant(exported, imported, fact.variant, fact.kind, options, fact.explicit);
    into.exports.set(exported, { ...fact, variant });
  }
}

/**
 * ES modules leave out of a module a name two of its `export *` give from different bindings
 * (ECMA-262 ResolveExport: "ambiguous"): `import { load }` of it is a SyntaxError, the namespace's
 * `load` undefined. `carryReExport` keeps the first star's; here such a name is dropped again
 * (no variant followed through the module, so a call fails as the source program does) and, where
 * problems are kept, said (SA204 at an importer's call; attack 17, F7). `stars` are the module's
 * ES `export * from` with their targets' facts, in order; `namesOf` lists every name a target
 * exports (a plain module's too), as far as its text proves. The same binding reached by two
 * stars (`a` and `b` both `export * from "./common"`) is one export, as in ES.
 */
export function excludeAmbiguousStars(
  into: Carrying,
  stars: readonly { re: ReExportRule; target: ModuleFacts }[],
  shadowed: (name: string) => boolean,
  namesOf: (from: string) => ReadonlySet<string> | undefined,
  /**
   * What a star's target binds `name` to, read from the texts (export-names.ts `exportOrigin`):
   * a module in an import cycle has no facts yet, so its names would read as other bindings.
   */
  starOrigin?: (from: string, name: string) => string | null | undefined,
): void {
  if (stars.length < 2) return;
  const first = new Map<string, { from: string; origin: unknown; variant: boolean }>();
  for (const { re, target } of stars) {
    // The variants a target's smartasync functions export beside them (compiled, `a.js` exports
    // `loadSync` too): one clashing with another star's name leaves the function unreachable.
    const variants = new Map<string, string>();
    for (const [k, f] of target.exports) if (f.variant !== k) variants.set(f.variant, k);
    const names = new Set<string>([
      ...(namesOf(re.from) ?? []),
      ...variants.keys(),
      ...target.exports.keys(),
      ...(target.picked?.keys() ?? []),
      ...(target.namespaces?.keys() ?? []),
      ...(target.problems?.keys() ?? []),
    ]);
    for (const name of names) {
      if (name === "default" || shadowed(name)) continue;
      const fact = target.exports.get(name);
      // What the name is bound to, as far as the facts tell: a smartasync function by its
      // defining file and name, a namespace by its facts (kept once per module); a plain name
      // has no known binding and differs from any other.
      const of = variants.get(name);
      const ofFact = of === undefined ? undefined : target.exports.get(of);
      const origin = fact
        ? `${fact.from}\0${fact.name}`
        : ofFact
          ? `${ofFact.from}\0${ofFact.name}\0variant`
          : target.namespaces?.get(name);
      const seen = first.get(name);
      if (!seen) {
        first.set(name, { from: re.from, origin, variant: ofFact !== undefined });
        continue;
      }
      if ((seen.origin !== undefined && seen.origin === origin) || seen.from === re.from) continue;
      // Names as the texts bind them (a variant is no name of a text): the same binding, or a
      // star that gives none (it leads back into this module: attack28 F05), is no ambiguity.
      if (starOrigin && !seen.variant && ofFact === undefined) {
        const a = starOrigin(seen.from, name);
        const b = a === undefined || a === "ambiguous" ? undefined : starOrigin(re.from, name);
        if (a !== undefined && b !== undefined && b !== "ambiguous") {
          if (b === null || a === b) continue;
          if (a === null) {
            first.set(name, { from: re.from, origin, variant: false });
            continue;
          }
        }
      }
      // A variant made ambiguous: the function it belongs to cannot be followed through here
      // (attack24 F03: `a.js`'s `load` beside `b.js`'s own `loadSync`).
      for (const [k, f] of into.exports) {
        if (f.variant !== name || k === name) continue;
        into.exports.delete(k);
        into.problems?.set(
          k,
          `gets ${k}'s variant ${name} and another ${name} from two \`export *\` (\`export * from "${seen.from}"\`, \`export * from "${re.from}"\`), so ES modules leave ${name} out of it and ${k} cannot be called through it in sync code; export ${k} and ${name} by name from the module you mean`,
        );
      }
      const held =
        into.exports.has(name) ||
        into.picked.has(name) ||
        into.namespaces.has(name) ||
        into.problems?.has(name);
      if (!held) continue;
      into.exports.delete(name);
      into.picked.delete(name);
      into.namespaces.delete(name);
      into.problems?.set(
        name,
        `gets ${name} from both \`export * from "${seen.from}"\` and \`export * from "${re.from}"\`, so ES modules leave ${name} out of it (an import of it is a SyntaxError, a namespace's ${name} is undefined); export it by name from the module you mean`,
      );
    }
  }
}

/** The ES re-exports of a parsed program (`export * from`, `export * as ns from`, `export { a as b } from`). */
export function esReExports(program: t.Program): ReExportRule[] {
  const out: ReExportRule[] = [];
  for (const s of program.body) {
    if ((s.type !== "ExportNamedDeclaration" && s.type !== "ExportAllDeclaration") || !s.source) continue;
    const from = s.source.value;
    if (s.type === "ExportAllDeclaration") {
      out.push({ from });
      continue;
    }
    const names = new Map<string, string>();
    for (const sp of s.specifiers) {
      if (sp.type === "ExportNamespaceSpecifier")
        out.push({
          from,
          namespace:
            sp.exported.type === "Identifier" ? sp.exported.name : (sp.exported as t.StringLiteral).value,
        });
      else if (sp.type === "ExportSpecifier") {
        const { local, exported } = specifierNames(sp);
        names.set(exported, local);
      }
    }
    if (names.size) out.push({ from, names });
  }
  return out;
}

/**
 * A variant export to add: `export { f } from "./a"` gains `fSync` (a specifier), and so does
 * `export { f }` of an imported `f`; `export default f` of an imported `f` gains a statement
 * `export { fSync }`; a CommonJS export of a required `f` gains its variant beside it.
 */
export type ReExportVariant = { local: string; exported: string } & (
  | { kind: "specifier"; decl: t.ExportNamedDeclaration }
  | { kind: "statement"; after: t.Statement }
  | ExportUse["cjs"][number]
  /** `Object.defineProperty(<target>, "<exported>", { enumerable: true, get: function () { return <object>.<local>; } })` after `stmt`. */
  | ({ kind: "getter" } & NonNullable<CjsReExport["getter"]>)
);

/** A smartasync function this file imports and exports again (`import { f } …; export { f }`). */
export interface ExportedImport {
  exported: string;
  /** Exported name of its variant: named after the local binding, as for a function's own. */
  variant: string;
  ref: ImportedRef;
  via:
    | { kind: "specifier"; decl: t.ExportNamedDeclaration }
    | { kind: "statement"; after: t.Statement }
    | { kind: "pattern"; pattern: t.ObjectPattern }
    | ExportUse["cjs"][number];
}

/**
 * Module objects this file exports by name (`import * as ns from "./a"; export { ns }`,
 * `module.exports = { ns }`): importers reach `ns.f()` through them (fixture modules/export-star-as).
 */
export function exportedNamespaces(
  imported: ImportedFns,
  uses: Map<string, ExportUse>,
): Map<string, ModuleFacts> {
  const out = new Map<string, ModuleFacts>();
  for (const use of uses.values()) {
    for (const { exported, ref } of [...use.specifiers, ...use.cjs]) {
      const facts = imported.namespaceFacts(ref);
      if (facts) out.set(exported, facts);
    }
    // `import lib from "./lib.cjs"; export default lib` (adversarial finding F39).
    const facts = use.defaultDecl && imported.namespaceFacts(use.defaultDecl.declaration as Node);
    if (facts) out.set("default", facts);
  }
  return out;
}

/**
 * Every export of an imported smartasync function (docs/modules.md, "Routes"): ESM export lists,
 * `export default f`, and CommonJS exports of a required `f`. Facts and emitted exports both
 * come from here.
 */
export function exportedImports(
  ctx: Ctx,
  imported: ImportedFns,
  uses: Map<string, ExportUse>,
): ExportedImport[] {
  const out: ExportedImport[] = [];
  for (const [local, use] of uses) {
    const add = (exported: string, node: Node, via: ExportedImport["via"]) => {
      const r = imported.resolve(node);
      if (!r || r.explicit || r.shape !== "ident") return;
      const own = r.fact.explicit ? r.fact.variant : variantName(local, r.fact.kind, ctx.options);
      out.push({
        exported,
        variant: exportedVariant(exported, local, own, r.fact.kind, ctx.options, r.fact.explicit),
        ref: r,
        via,
      });
    };
    for (const sp of use.specifiers) add(sp.exported, sp.ref, { kind: "specifier", decl: sp.decl });
    if (use.defaultDecl)
      add("default", use.defaultDecl.declaration as Node, { kind: "statement", after: use.defaultDecl });
    for (const c of use.cjs) add(c.exported, c.ref, c);
    for (const p of use.patterns) add(p.exported, p.ref, { kind: "pattern", pattern: p.pattern });
  }
  return out;
}

/**
 * A file that re-exports smartasync functions by name re-exports their variants too
 * (`export { f } from "./a"` → `export { f, fSync } from "./a"`); `export *` needs nothing. So
 * does a file that exports an imported one (`import { f } …; export { f }` → `export { f, fSync }`).
 */
export function reExportVariants(ctx: Ctx, imported: ImportedFns): ReExportVariant[] {
  const out: ReExportVariant[] = [];
  // A variant name the module declares itself (`export function loadSync() {}` beside
  // `export { load } from "./a"`) is not added: a second export of it would not load. Importers
  // are told the variant cannot be reached through this module (module-graph.ts, SA204).
  let own: Set<string> | undefined;
  const declared = (name: string): boolean => {
    if (!own) {
      const text = scanModule(ctx.code);
      own = new Set(text.ownExports);
      // …or re-exports by name from another declaration (`export { loadSync } from "./other"`).
      for (const re of text.reExports) if (re.names) for (const n of re.names.keys()) own.add(n);
    }
    return own.has(name);
  };
  // Variants re-exported by name above (`export { read } from "./lib"` → `readSync`): the same
  // name for an export of the imported binding (`export default read`) is that one already.
  const reExported = new Map<string, ExportFact>();
  for (const s of ctx.program.body) {
    if (s.type !== "ExportNamedDeclaration" || !s.source || s.exportKind === "type") continue;
    const facts = imported.factsOf(s.source.value);
    const names = new Set(
      s.specifiers.map((sp) => (sp.exported.type === "Identifier" ? sp.exported.name : sp.exported.value)),
    );
    for (const sp of s.specifiers) {
      if (sp.type !== "ExportSpecifier") continue;
      const { local, exported } = specifierNames(sp);
      const fact = facts.exports.get(local);
      if (!fact) continue;
      const as = exportedVariant(exported, local, fact.variant, fact.kind, ctx.options, fact.explicit);
      // attack 17, F9: `export { default } from "./a"` (a's default is `function load`) and
      // `export { default as load } from "./b"` both name their variant `loadSync`: two functions
      // under one export name, a module that does not load.
      const prior = reExported.get(as);
      if (prior !== undefined && (prior.from !== fact.from || prior.name !== fact.name))
        fail(ctx, "SA103", sp, MSG.reExportClash(exported, as));
      // The same function by a second route (`export { default }` and `export { default as
      // load }` of one module): its variant is exported once, by the first (fixture
      // modules/barrel-same-default-twice, attack29 F18).
      if (prior !== undefined) continue;
      if (names.has(as) || declared(as)) continue;
      names.add(as);
      reExported.set(as, fact);
      out.push({ kind: "specifier", decl: s, local: fact.variant, exported: as });
    }
  }
  const uses = indexExports(ctx.program);
  // Exported already (by hand, or by a previous pass: idempotence), as ESM or CommonJS.
  const taken = new Set([...uses.values()].flatMap((u) => exportedNames(u)));
  // A getter re-export (`Object.defineProperty(exports, "load", { get … lib_1.load })`) hands on
  // one name: its variant gets a getter of its own, read as late as the name's.
  const cjs = cjsReExports(ctx);
  for (const re of cjs) for (const n of re.names?.keys() ?? []) taken.add(n);
  // A star of the same module (`__exportStar(require("./lib"))`) hands its variants on already,
  // as getters that cannot be redefined: a getter of our own there throws at load (review;
  // tsc's output for `export * from "./lib"; export { load } from "./lib"`, fixture
  // modules/cjs-barrels).
  const stars = new Set(cjs.filter((re) => !re.names && !re.whole).map((re) => re.from));
  for (const re of cjs) {
    if (!re.getter || !re.names) continue;
    const facts = imported.factsOf(re.from);
    for (const [exported, name] of re.names) {
      const fact = facts.exports.get(name);
      if (!fact || fact.unfollowed) continue;
      const as = exportedVariant(exported, name, fact.variant, fact.kind, ctx.options, fact.explicit);
      if (as === fact.variant && stars.has(re.from) && facts.exports.has(name)) continue;
      if (taken.has(as)) continue;
      taken.add(as);
      out.push({ kind: "getter", ...re.getter, local: fact.variant, exported: as });
    }
  }
  for (const e of exportedImports(ctx, imported, uses)) {
    const prior = reExported.get(e.variant);
    // attack 16, F24: `export { read } from "./lib"` and `export default read` of the same
    // import would export `readSync` twice, and a module with a duplicate export does not load.
    if (prior !== undefined) {
      // One function under two export names of its module (`export { default } from "./lib"`
      // beside `import { load } from "./lib"; export { load }`, lib's default being `load`): its
      // variant is exported once (fixture modules/barrel-same-default-twice, attack29 F18).
      if (prior === e.ref.fact || (prior.from === e.ref.fact.from && prior.name === e.ref.fact.name))
        continue;
      const v = e.via;
      const node =
        v.kind === "specifier"
          ? v.decl
          : v.kind === "statement"
            ? v.after
            : v.kind === "pattern"
              ? v.pattern
              : v.kind === "object"
                ? v.obj
                : v.stmt;
      fail(ctx, "SA103", node, MSG.reExportClash(e.exported, e.variant));
    }
    if (taken.has(e.variant) || declared(e.variant)) continue;
    taken.add(e.variant);
    // `export const { load } = ns` exports what its pattern binds: the variant joins the pattern
    // (`{ load, loadSync }`), added the way a variant import is (adversarial finding F26).
    if (e.via.kind === "pattern") imported.bindInPattern(e.via.pattern, e.ref.fact.variant, e.variant);
    else out.push({ ...e.via, local: e.ref.variantRef(), exported: e.variant });
  }
  return out;
}
