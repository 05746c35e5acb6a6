import type { types as t } from "@babel/core";
import { quietProblems } from "../module-facts.js";
import type { FunctionKind } from "../strategy.js";
import type { Unfollowed } from "./calls.js";
import { type Ctx, sourceOf } from "./ctx.js";
import { type Node, requiresOpaquely } from "./tree.js";
import { isCreateRequire, madeRequire, memberName, staticString, strip } from "./view.js";

/**
 * Routes to a function that the build cannot follow and that are not a named route of their
 * own (docs/modules.md, "Routes"): a module loaded by a `require` of anything but a string
 * (adversarial finding F34), and a function looked up at run time where this file stores a
 * smartasync function in a container (F29). A call through one is plain, and where sync code
 * wants its value it is SA206 — never a silent promise.
 */

/** Whether a file may `require` a module by a computed path (and is no quiet third-party code). */
const opaqueFiles = new WeakMap<Ctx, boolean>();

/** The smartasync function a value names (a reference the call analysis resolves), if any. */
export type HeldName = (value: Node) => { name: string; kind: FunctionKind; from?: string } | undefined;

/** Calls whose arguments end up in a container a later lookup reads (`map.set(k, f)`, `list.push(f)`). */
const STORING = new Set(["set", "add", "push", "unshift", "splice", "fill", "concat", "fromEntries", "of"]);

/** Object calls whose result is looked up by a key given at run time or by a copy (`Object.values(api)[0]`). */
const COPYING = new Set(["values", "entries", "fromEntries", "assign", "create", "getOwnPropertyDescriptor"]);

const peel = (n: Node): Node => strip(n);

const GLOBALS = new Set(["Object", "Array", "Reflect"]);

/** How the text of a `require` createRequire makes and a call calls in place begins. */
const MADE_IN_PLACE = "createRequire(…)(";
/** Marks a call of a `require` createRequire made under a name that may be written again. */
const MADE_UNDER_NAME = "\0";

/** `require(x)` of anything but a string, `module.require(…)`: the text to quote, else undefined. */
function opaqueRequireCall(ctx: Ctx, n: Node): string | undefined {
  if (n.type !== "CallExpression") return undefined;
  const callee = peel(n.callee as Node);
  const first = n.arguments[0] as Node | undefined;
  if (callee.type === "Identifier" && callee.name === "require") {
    if (!first || staticString(first) !== undefined || ctx.scopes.binding(callee, "require"))
      return undefined;
    return `require(${sourceOf(ctx, first).slice(0, 40)})`;
  }
  // A `require` made under another name (`const req = createRequire(…)`, attack 21 F6): followed
  // as `require` is, unless its name may hold something else when it is called, or it is given
  // anything but a string.
  if (callee.type === "Identifier") {
    const b = ctx.scopes.binding(callee, callee.name);
    const made = b && callee.name !== "require" ? madeRequire(ctx.scopes, b) : undefined;
    const arg = first ? sourceOf(ctx, first).slice(0, 40) : "";
    if (made === "unfollowed") return `${MADE_UNDER_NAME}${callee.name}(${arg})`;
    if (made === "followed" && (!first || staticString(first) === undefined)) return `${callee.name}(${arg})`;
  }
  // `createRequire(import.meta.url)("./lib.cjs")`: the `require` it makes, called in place (attack
  // 16, F17); `const require = createRequire(…)` then `require("./lib.cjs")` is followed.
  if (callee.type === "CallExpression") {
    const maker = peel(callee.callee as Node);
    if ((maker.type === "Identifier" && maker.name === "createRequire") || isCreateRequire(ctx.scopes, maker))
      return `${MADE_IN_PLACE}${first ? sourceOf(ctx, first).slice(0, 40) : ""})`;
  }
  if (
    callee.type === "MemberExpression" &&
    memberName(callee) === "require" &&
    (callee.object as Node).type === "Identifier" &&
    (callee.object as t.Identifier).name === "module" &&
    !ctx.scopes.binding(callee, "module")
  )
    return `module.require(${first ? sourceOf(ctx, first).slice(0, 40) : ""})`;
  return undefined;
}

/** The opaque `require` a value is: the call itself, or a name bound to one and never assigned. */
function opaqueRequire(ctx: Ctx, value: Node): string | undefined {
  const n = peel(value);
  const direct = opaqueRequireCall(ctx, n);
  if (direct !== undefined || n.type !== "Identifier") return direct;
  const b = ctx.scopes.binding(n, n.name);
  const d = b?.node;
  if (d?.type !== "VariableDeclarator" || !d.init || b!.violations.length) return undefined;
  return opaqueRequireCall(ctx, peel(d.init as Node));
}

/**
 * A call through a module that a non-literal `require` loads: `lib.f()` of `const lib =
 * require(path.join(__dirname, "lib"))`, `f()` of `const { f } = require(name)`, `require(x)()`.
 * The build cannot tell which module that is, so it cannot tell whether `f` is smartasync: the
 * call is reported where sync code wants its value, as an async function's would be. Code that
 * never asked for smartasync under node_modules stays quiet (as SA204 does).
 */
function throughOpaqueRequire(ctx: Ctx, callee: Node): Unfollowed | undefined {
  // Binding lookups watch their names (lazy.ts): none in a file with no such `require`.
  let any = opaqueFiles.get(ctx);
  if (any === undefined) {
    any = requiresOpaquely(ctx.code) && !quietProblems(ctx.filename, ctx.code, ctx.options.runtime);
    opaqueFiles.set(ctx, any);
  }
  if (!any) return undefined;
  let via: string | undefined;
  let name = "?";
  if (callee.type === "MemberExpression" || callee.type === "OptionalMemberExpression") {
    via = opaqueRequire(ctx, callee.object as Node);
    name = memberName(callee) ?? "?";
  } else if (callee.type === "CallExpression") {
    via = opaqueRequireCall(ctx, callee);
    name = "default";
  } else if (callee.type === "Identifier") {
    const b = ctx.scopes.binding(callee, callee.name);
    const d = b?.node;
    if (d?.type === "VariableDeclarator" && d.init && !b!.violations.length) {
      via = opaqueRequireCall(ctx, peel(d.init as Node));
      name = callee.name;
    }
  }
  if (via === undefined) return undefined;
  if (via.startsWith(MADE_UNDER_NAME))
    return {
      unfollowed: `it goes through \`${via.slice(MADE_UNDER_NAME.length)}\`, a \`require\` made by \`createRequire\` under a name that is not a \`const\` written once, which the build does not follow, so it may be a smartasync function; bind it once (\`const req = createRequire(import.meta.url)\`), then \`req("./lib.cjs")\` is followed`,
      name,
      kind: "async",
      maybe: true,
    };
  if (via.startsWith(MADE_IN_PLACE))
    return {
      unfollowed: `it goes through \`${via}\`, a \`require\` made and called in place, which the build does not follow, so it may be a smartasync function; name it (\`const require = createRequire(import.meta.url)\`), then \`require("./lib.cjs")\` is followed`,
      name,
      kind: "async",
      maybe: true,
    };
  return {
    unfollowed: `it goes through \`${via}\`, a module the build cannot name, so it may be a smartasync function; require the module by a string literal (\`require("./lib.js")\`), which is followed`,
    name,
    kind: "async",
    maybe: true,
  };
}

/**
 * Is the callee a function looked up at run time: the result of a call (`registry.get("load")`,
 * `[load].at(0)`, `Reflect.get(api, "load")`), an element picked by a computed key of a value
 * that is no literal (`handlers.onLoad[0]`, `Object.values(api)[0]`), or a member of a copy
 * `Object` makes (`Object.fromEntries(pairs).k`)?
 */
function lookedUp(callee: Node): boolean {
  if (callee.type === "CallExpression" || callee.type === "OptionalCallExpression") return true;
  if (callee.type !== "MemberExpression" && callee.type !== "OptionalMemberExpression") return false;
  if (callee.computed && staticString(callee.property as Node) === undefined) return true;
  const object = peel(callee.object as Node);
  if (object.type !== "CallExpression") return false;
  const c = peel(object.callee as Node);
  return (
    c.type === "MemberExpression" &&
    (c.object as Node).type === "Identifier" &&
    ((c.object as t.Identifier).name === "Object" || (c.object as t.Identifier).name === "Reflect") &&
    COPYING.has(memberName(c) ?? "")
  );
}

/** Whether an object literal is a module's exports (`module.exports = { f }`, `export default { f }`), a followed route. */
function isExportsLiteral(ctx: Ctx, obj: Node): boolean {
  const p = ctx.tree.parent(obj);
  if (!p) return false;
  if (p.type === "ExportDefaultDeclaration" || p.type === "TSExportAssignment") return true;
  const exportsObject = (n: Node) =>
    (n.type === "Identifier" && n.name === "exports") ||
    (n.type === "MemberExpression" &&
      (n.object as Node).type === "Identifier" &&
      (n.object as t.Identifier).name === "module" &&
      memberName(n) === "exports");
  if (p.type === "AssignmentExpression" && p.right === obj) return exportsObject(p.left as Node);
  if (p.type === "CallExpression" && p.arguments[0] && p.arguments[0] !== obj)
    return exportsObject(p.arguments[0] as Node);
  return false;
}

/** The name a container is reached by: `registry` of `registry.set(…)`, `handlers` of `const handlers = { on: [load] }`. */
function containerName(ctx: Ctx, container: Node): string | undefined {
  let n = peel(container);
  while (n.type === "MemberExpression" || n.type === "OptionalMemberExpression") n = peel(n.object as Node);
  // `Object.fromEntries([…])`, `Array.of(f)`: the container is the call's result, not a name.
  if (n.type === "Identifier") return GLOBALS.has(n.name) ? undefined : n.name;
  // A literal: up through the literals that hold it to the name it is bound to.
  let p = ctx.tree.parent(n);
  while (
    p &&
    (p.type === "ArrayExpression" ||
      p.type === "ObjectExpression" ||
      p.type === "ObjectProperty" ||
      p.type === "ParenthesizedExpression")
  ) {
    n = p;
    p = ctx.tree.parent(p);
  }
  if (p?.type === "VariableDeclarator" && p.id.type === "Identifier") return p.id.name;
  if (p?.type === "AssignmentExpression" && p.right === n && p.left.type !== "Identifier")
    return containerName(ctx, p.left as Node);
  if (p?.type === "AssignmentExpression" && p.left.type === "Identifier") return p.left.name;
  return undefined;
}

/** Where this file stores a smartasync function in a container, once per file. */
const stores = new WeakMap<Ctx, { name: string; kinds: Set<FunctionKind>; where: string } | null>();

export function storedFunction(ctx: Ctx, held: HeldName) {
  let found = stores.get(ctx);
  if (found !== undefined) return found;
  found = null;
  const kinds = new Set<FunctionKind>();
  const note = (v: Node | null | undefined, where: string, at: Node, container: Node) => {
    if (!v || v.type === "SpreadElement") return;
    const n = peel(v);
    if (n.type !== "Identifier" && n.type !== "MemberExpression") return;
    const h = held(n);
    if (!h) return;
    kinds.add(h.kind);
    found ??= { name: h.name, kinds, where: `${where} at line ${at.loc?.start.line ?? 0}` };
    // A lookup through the container's name in a function the lazy tree left closed must open
    // it (lazy.ts `exactOnClosed` reads `watched`).
    const root = containerName(ctx, container);
    if (root !== undefined) ctx.tree.watched.add(root);
  };
  ctx.tree.walk(
    ctx.program,
    (n) => {
      // A closed literal (its text skipped by the parse) names no smartasync function, nor a
      // second name of one (lazy.ts checks its text after the analysis): nothing to note.
      if (ctx.tree.isClosed(n)) return false;
      if (n.type === "ArrayExpression") for (const e of n.elements) note(e as Node | null, "an array", n, n);
      else if (n.type === "ObjectExpression" && !isExportsLiteral(ctx, n)) {
        for (const p of n.properties)
          if (p.type === "ObjectProperty") note(p.value as Node, "an object", n, n);
      } else if (n.type === "CallExpression") {
        const c = peel(n.callee as Node);
        const name = c.type === "MemberExpression" ? memberName(c) : undefined;
        if (name !== undefined && STORING.has(name))
          for (const a of n.arguments)
            note(
              a as Node,
              `\`${sourceOf(ctx, c).slice(0, 30)}(…)\``,
              n,
              (c as t.MemberExpression).object as Node,
            );
      }
      return undefined;
      // A function the lazy tree left closed mentions no smartasync function, so it stores none.
    },
    true,
  );
  stores.set(ctx, found);
  return found;
}

/**
 * A lookup through a container another module exports and fills with a smartasync function
 * (`registry.get("load")(x)` of `import { registry } from "./registry.js"`, where that module
 * calls `registry.set("load", load)`): its facts list the container under `picked`.
 */
function importedContainer(ctx: Ctx, callee: Node): Unfollowed | undefined {
  let n = peel(callee);
  // Down the lookup to the name it starts from: `registry.get("load")` → `registry`,
  // `handlers.onLoad[0]` → `handlers`, `lib.registry.get(k)` → `lib.registry`.
  for (;;) {
    if (n.type === "CallExpression" || n.type === "OptionalCallExpression") n = peel(n.callee as Node);
    else if ((n.type === "MemberExpression" || n.type === "OptionalMemberExpression") && ctx.imported) {
      const holder = ctx.imported.pickedHolder(n);
      if (holder) return containerWhy(ctx, callee, holder);
      n = peel(n.object as Node);
    } else break;
  }
  const holder = n.type === "Identifier" ? ctx.imported?.pickedHolder(n) : undefined;
  return holder ? containerWhy(ctx, callee, holder) : undefined;
}

function containerWhy(
  ctx: Ctx,
  callee: Node,
  holder: { name: string; kind: FunctionKind; from: string; returned?: true },
): Unfollowed {
  if (holder.returned)
    return {
      unfollowed: `the function called is the result of \`${sourceOf(ctx, callee).slice(0, 40)}\`, which ${holder.from} exports returning \`${holder.name}\`; call \`${holder.name}\` by its name`,
      name: holder.name,
      kinds: new Set([holder.kind]),
      maybe: true,
    };
  return {
    unfollowed: `the function called is looked up at run time (\`${sourceOf(ctx, callee).slice(0, 40)}\`) in a container that ${holder.from} fills with \`${holder.name}\`, whose calls cannot be followed there; call \`${holder.name}\` by its name`,
    name: holder.name,
    kinds: new Set([holder.kind]),
    maybe: true,
  };
}

/** Why a call the other routes do not resolve is not followed, if it may reach a smartasync function. */
export function opaqueRoute(ctx: Ctx, callee: Node, held: HeldName): Unfollowed | undefined {
  const viaRequire = throughOpaqueRequire(ctx, callee);
  if (viaRequire) return viaRequire;
  if (!lookedUp(callee)) return undefined;
  const stored = storedFunction(ctx, held);
  if (!stored) return importedContainer(ctx, callee);
  return {
    unfollowed: `the function called is looked up at run time (\`${sourceOf(ctx, callee).slice(0, 40)}\`), and this file stores \`${stored.name}\` where its calls cannot be followed (${stored.where}); call \`${stored.name}\` by its name`,
    name: stored.name,
    kinds: stored.kinds,
    maybe: true,
  };
}
