/**
 * The local names a file gives smartasync's runtime, read from its top level: the module object
 * (`runtimeLocals`: the previous pass's markers are called through it, checks.ts) and the
 * runtime's own `register` (`registerLocals`). From both, `moduleUrlCallees` tells a host which
 * calls of the output name the module's URL as their first argument: those the engine generated
 * and the program's own `register(import.meta.url, { ValidationError })` (esbuild's worker files,
 * unplugin/esbuild-workers.ts `pointAt`, which points each at the module's worker file).
 */
import type { Ctx } from "./ctx.js";
import { keyName } from "./ctx.js";
import type { Node } from "./tree.js";
import { isNodeRequire } from "./view.js";

/** `require("<runtime>")` with Node's `require`. */
function isRuntimeRequire(ctx: Ctx, e: Node | null | undefined): boolean {
  return (
    e?.type === "CallExpression" &&
    isNodeRequire(ctx.scopes, e.callee as Node) &&
    e.arguments[0]?.type === "StringLiteral" &&
    e.arguments[0].value === ctx.options.runtime
  );
}

/**
 * Local names the file gives the runtime module (`import * as _sa`, `const _sa = require(…)`),
 * also as a CommonJS module transform writes the import over again after a first pass:
 * `var _sa = _interopRequireWildcard(require(…))` (the helper's call around the require), and
 * Babel's `var _runtime = …; var _sa = _runtime;` (an alias of a name already found).
 */
export function runtimeLocals(ctx: Ctx): Set<string> {
  const locals = new Set<string>();
  for (const s of ctx.program.body) {
    if (s.type === "ImportDeclaration" && s.source.value === ctx.options.runtime) {
      for (const sp of s.specifiers) if (sp.type === "ImportNamespaceSpecifier") locals.add(sp.local.name);
    }
    if (s.type === "VariableDeclaration") {
      for (const d of s.declarations) {
        const init = d.init as Node | null | undefined;
        if (d.id.type !== "Identifier" || !init) continue;
        const interop =
          init.type === "CallExpression" && init.arguments.length === 1
            ? (init.arguments[0] as Node)
            : undefined;
        if (
          isRuntimeRequire(ctx, init) ||
          isRuntimeRequire(ctx, interop) ||
          (init.type === "Identifier" && locals.has(init.name))
        ) {
          locals.add(d.id.name);
        }
      }
    }
  }
  return locals;
}

/**
 * Local names of the runtime's `register`: `import { register }`, `import { register as r }`,
 * `const { register } = require(…)`, `const { register: r } = require(…)`.
 */
export function registerLocals(ctx: Ctx): Set<string> {
  const out = new Set<string>();
  for (const s of ctx.program.body) {
    if (s.type === "ImportDeclaration" && s.source.value === ctx.options.runtime && s.importKind !== "type") {
      for (const sp of s.specifiers) {
        if (sp.type !== "ImportSpecifier" || sp.importKind === "type") continue;
        const imported = sp.imported.type === "Identifier" ? sp.imported.name : sp.imported.value;
        if (imported === "register") out.add(sp.local.name);
      }
    } else if (s.type === "VariableDeclaration") {
      for (const d of s.declarations) {
        if (d.id.type !== "ObjectPattern" || !isRuntimeRequire(ctx, d.init as Node | null)) continue;
        for (const p of d.id.properties)
          if (
            p.type === "ObjectProperty" &&
            p.value.type === "Identifier" &&
            keyName(p as { key: Node; computed?: boolean }) === "register"
          )
            out.add(p.value.name);
      }
    }
  }
  return out;
}

/** The runtime's functions whose first argument is the calling module's URL. */
const URL_TAKERS = ["runSync", "offload", "register"];

/**
 * The callees, as written in the output, whose first argument names the module's URL: the
 * runtime's `runSync`, `offload` and `register` through each name of the runtime module (the
 * file's own, and the one the engine added: the returned function's argument), and the file's
 * own `register`. The file's names are read when called, before an engine edits its tree.
 */
export function moduleUrlCallees(ctx: Ctx): (generated: string | undefined) => string[] {
  const spaces = runtimeLocals(ctx);
  const registers = registerLocals(ctx);
  return (generated) => {
    const out = new Set<string>();
    for (const ns of generated === undefined ? spaces : new Set([...spaces, generated]))
      for (const f of URL_TAKERS) out.add(`${ns}.${f}`);
    for (const name of registers) out.add(name);
    return [...out];
  };
}
