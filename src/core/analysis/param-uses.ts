import type { types as t } from "@babel/core";
import { handsBack, isPromiseMethodCall } from "../context.js";
import type { ParamUse } from "../module-facts.js";
import { argumentUse, staticKey, unknown } from "./call-argument.js";
import { type Index, resolveCallee } from "./calls.js";
import { type Ctx, locOf, sourceOf } from "./ctx.js";
import type { ImportedFns, ImportedRef } from "./imported.js";
import { CONTAINER_CLASSES, KEEPERS, readsElements, SCHEDULERS } from "./keepers.js";
import type { SaFunction } from "./model.js";
import { provenPrimitive } from "./primitive.js";
import { peelCallee } from "./transparent.js";
import { isFunction, type Node } from "./tree.js";
import { consumerOf, globalPath, globalRef, memberName, readsOf, strip, treeView } from "./view.js";

/**
 * How deep a parameter handed to another smartasync function's parameter (`to(p)` inside
 * `safe(p)`) is followed: beyond, the use is unknown.
 */
const MAX_FORWARDS = 3;

const THEN_LIKE = new Set(["then", "catch", "finally"]);

/**
 * What every smartasync function does with each of its parameters (attack17 F17): sync code that
 * calls it with a call of an async smartasync function as an argument passes that call's VALUE
 * (its sync variant runs first), where the plain program passes a promise. That is the same
 * program only where the parameter is **awaited only** — every read is `await p` (not in a `try`
 * that sees its rejection), a read of its value (`text.toUpperCase()`: a promise there breaks the
 * plain program), or hands `p` to another smartasync function's such parameter — and the function
 * never sees it any other way (not assigned, not read through `arguments`, no default that may be
 * a promise, not destructured). A promise's own use (`.then`, `Promise.race([p, …])`, an `await`
 * in such a `try`) is a **promise** use, located; what the build cannot read (a rest parameter, a
 * pattern, `arguments`, a hand-on it does not follow) is **unknown**. The call-site rule
 * (calls.ts) reads this, SA109/SA211.
 *
 * Writes `params` on every function of `fns`, one entry per declared parameter.
 */
export function paramUses(
  ctx: Ctx,
  index: Index,
  fns: readonly SaFunction[],
  /** The facts of the module's imports where `ctx.imported` reads only their shapes (the graph). */
  imported?: ImportedFns,
): void {
  const memo = new Map<SaFunction, ParamUse[]>();
  /** Functions being worked out (a forward cycle `a(p) → b(p) → a(p)` is unknown). */
  const open = new Set<SaFunction>();
  const of = (fn: SaFunction, depth: number): ParamUse[] | undefined => {
    const hit = memo.get(fn);
    if (hit) return hit;
    if (open.has(fn) || depth > MAX_FORWARDS) return undefined;
    open.add(fn);
    try {
      const out = usesOf(ctx, fn.fn, fn.kind === "sync", (call, i) => forwarded(call, i, depth));
      memo.set(fn, out);
      return out;
    } finally {
      open.delete(fn);
    }
  };
  /**
   * The use the smartasync function `call` calls makes of its argument `i`, if it is one: a
   * function of this file under its name, a method the call site resolves (`this.m(p)`,
   * `C.m(p)`, `super.m(p)`: calls.ts `resolveCallee`, as the call-site rule reads it), or an
   * imported function, through its `params` fact. A callee the build does not resolve (a
   * dispatched method, a plain function) is no smartasync function here.
   */
  const forwarded = (call: t.CallExpression, i: number, depth: number): ParamUse | "not-smartasync" => {
    const callee = strip(call.callee as Node);
    const b = callee.type === "Identifier" ? ctx.scopes.binding(callee, callee.name) : undefined;
    const own = b ? index.byBinding.get(b) : undefined;
    if (own) {
      if (call.arguments.slice(0, i + 1).some((a) => a.type === "SpreadElement"))
        return { use: "unknown", why: `spread into \`${own.display}\`` };
      const u = of(own, depth + 1)?.[i];
      if (!u) return unknown(`handed to \`${own.display}\`, which is not followed further`);
      return handedTo(own.display, u);
    }
    const r = resolveCallee(ctx, index, call);
    if (!r || r.explicit || r.choice) return "not-smartasync";
    if (r.fn && r.shape.kind !== "dispatch") {
      const target = r.fn;
      const uses = of(target, depth + 1);
      const u = argumentUse(
        call,
        i,
        target.display,
        uses,
        `handed to \`${target.display}\`, which is not followed further`,
      );
      return uses?.includes(u) ? handedTo(target.display, u) : u;
    }
    // The graph reads a module's imports as shapes (no `params`): their facts come from
    // `imported`, as the module's own compile reads them.
    const ext = r.ext && imported ? (factsRef(imported, call) ?? r.ext) : r.ext;
    if (!ext || ext.explicit) return "not-smartasync";
    const u = argumentUse(
      call,
      i,
      ext.fact.name,
      ext.fact.params,
      `handed to \`${ext.fact.name}\`, whose facts (\`${ext.fact.from}\`) do not say how it uses its parameters`,
    );
    return ext.fact.params?.includes(u) ? handedTo(ext.fact.name, u) : u;
  };
  for (const fn of fns) fn.params = of(fn, 0) ?? fn.fn.params.map(() => unknown("not followed"));
}

/** The callee's own use of the parameter a hand-on reaches; an unknown one says where it went. */
const handedTo = (callee: string, u: ParamUse): ParamUse =>
  u.use === "unknown" ? unknown(`handed to \`${callee}\`, whose parameter is not proven: ${u.why}`) : u;

/** The imported function `call` calls (`f(…)`, `ns.f(…)`, also through `.call`), as `imported` reads it. */
function factsRef(imported: ImportedFns, call: t.CallExpression): ImportedRef | undefined {
  let c = peelCallee(call.callee as Node);
  if ((c.type === "MemberExpression" || c.type === "OptionalMemberExpression") && memberName(c) === "call")
    c = peelCallee(c.object as Node);
  return imported.resolve(c);
}

/**
 * A default value that is surely not a promise (a proven primitive, `undefined`, an empty
 * literal): it does not change the rule.
 */
function plainDefault(ctx: Ctx, n: Node): boolean {
  if (provenPrimitive(ctx, n)) return true;
  const e = strip(n);
  switch (e.type) {
    case "Identifier":
      return e.name === "undefined";
    case "TemplateLiteral":
      return e.expressions.length === 0;
    case "ArrayExpression":
      return e.elements.length === 0;
    case "ObjectExpression":
      return e.properties.length === 0;
    default:
      return false;
  }
}

/** Whether `fn` reads `arguments` in its own body (not in a nested non-arrow function). */
function readsArguments(ctx: Ctx, fn: t.Function): boolean {
  let found = false;
  // A closed arrow inside `fn` (its body not in this lazy tree) that mentions `arguments` is
  // counted as reading them, from its text: watching the name instead (tree.ts `watched`) opened
  // the tree of every file where any function reads its own `arguments` (test/lazy-analysis).
  ctx.tree.walk(
    fn.body as Node,
    (n) => {
      if (found) return false;
      if (isFunction(n) && n.type !== "ArrowFunctionExpression") return false;
      if (ctx.tree.isClosed(n)) {
        if (ctx.code.slice(n.start!, n.end!).includes("arguments")) found = true;
        return false;
      }
      if (n.type === "Identifier" && n.name === "arguments") {
        const p = ctx.tree.parent(n);
        const key =
          p && (p.type === "MemberExpression" || p.type === "OptionalMemberExpression") && p.property === n;
        if (!key || (p as t.MemberExpression).computed) found = true;
      }
      return undefined;
    },
    true,
  );
  return found;
}

/** The uses of each parameter of `fn`. */
function usesOf(
  ctx: Ctx,
  fn: t.Function,
  sync: boolean,
  forwarded: (call: t.CallExpression, i: number) => ParamUse | "not-smartasync",
): ParamUse[] {
  if (fn.params.length === 0) return [];
  if (readsArguments(ctx, fn))
    return fn.params.map(() => unknown("the function reads its arguments through `arguments`"));
  const follow: Follow = (read, depth) =>
    sync
      ? syncReadUse(ctx, fn, read, forwarded, follow, depth)
      : readUse(ctx, fn, read, forwarded, follow, depth);
  /** The use of the name `id` that the parameter `raw` binds (itself, or inside its pattern). */
  const nameUse = (raw: Node, id: t.Identifier): ParamUse => {
    const b = ctx.scopes.binding(fn.body as Node, id.name);
    // Babel binds a defaulted parameter at the identifier or at the default, a pattern's names
    // at the whole parameter: accept either.
    if (b?.kind !== "param" || (b.node !== id && b.node !== raw))
      return unknown("its binding cannot be read");
    if (b.violations.length) return unknown("it is assigned in the body");
    // Its reads as every rule finds a binding's (view.ts `readsOf`), watched within its scope.
    const reads = readsOf(ctx.tree, ctx.scopes, b);
    if (!reads) return unknown("it is declared again in the body");
    // A pattern's own shorthand (`{ p }`) is the name's declaration, not a read of it.
    const use = combine(reads.uses.filter((u) => u !== id).map((u) => follow(u, 0)));
    return use.use === "value" ? (sync ? { use: "value" } : { use: "awaited" }) : use;
  };
  /** The use of what `target` binds, part `raw` of a parameter (or the parameter itself). */
  const targetUse = (raw: Node, target: Node, top: boolean): ParamUse => {
    let n = target;
    if (n.type === "AssignmentPattern") {
      if (!plainDefault(ctx, n.right as Node)) return unknown("its default value may be a promise");
      n = n.left as Node;
    }
    if (n.type === "Identifier") return nameUse(raw, n);
    if (n.type === "ObjectPattern" || n.type === "ArrayPattern") return patternUse(raw, n, top);
    return unknown(top ? "a rest parameter" : "a destructured parameter");
  };
  /**
   * A destructured parameter (`{ p }`, `[p]`): as a whole it is unknown (its value is read
   * through the pattern), each part the use of the name it binds, which the call-site rule reads
   * for an object or array literal written as the argument (`f({ p: load() })`: attack19 F2).
   * A part the pattern does not name is not read, unless a rest element gathers it.
   */
  const patternUse = (raw: Node, pattern: t.ObjectPattern | t.ArrayPattern, top: boolean): ParamUse => {
    const why = top ? "a destructured parameter" : "a nested pattern";
    // No prototype: a part named `__proto__` or `constructor` is a part like any other.
    const parts: Record<string, ParamUse> = Object.create(null);
    let others: ParamUse = sync ? { use: "value" } : { use: "awaited" };
    if (pattern.type === "ObjectPattern") {
      for (const prop of pattern.properties) {
        if (prop.type === "RestElement") {
          others = unknown("gathered by a rest element of the pattern");
          continue;
        }
        const key = prop.computed ? undefined : staticKey(prop.key as Node);
        // `{ [k]: p }`: which part it names is not read.
        if (key === undefined) return unknown(why);
        parts[key] = targetUse(raw, prop.value as Node, false);
      }
    } else {
      pattern.elements.forEach((el, i) => {
        if (!el) return;
        if (el.type === "RestElement") others = unknown("gathered by a rest element of the pattern");
        else parts[String(i)] = targetUse(raw, el as Node, false);
      });
    }
    return { use: "unknown", why, parts, others };
  };
  return fn.params.map((raw) => {
    const param = raw as Node;
    if (param.type === "RestElement") return unknown("a rest parameter");
    return targetUse(param, param, true);
  });
}

/** What one read of a parameter (or of a `const` alias of it, `depth` aliases down) does with it. */
type Follow = (read: Node, depth: number) => ParamUse;

/**
 * The uses of several reads as one: the first promise use is the one named; an unknown one only
 * where there is none; else a read of the value (`awaited` reads count as the value: the callers
 * of `combine` say which of the two the parameter is).
 */
function combine(uses: readonly ParamUse[]): ParamUse {
  let out: ParamUse = { use: "value" };
  for (const use of uses) {
    if (use.use === "promise") return use;
    if (use.use === "unknown" && out.use !== "unknown") out = use;
  }
  return out;
}

/** How many `const` aliases deep (`const q = p; const r = q`) a parameter's reads are followed. */
const MAX_ALIASES = 3;

/**
 * Whether the call or `new` `call`, which is no smartasync function, only reads the value of its
 * arguments as far as the build can tell: a global (`String(p)`, `JSON.stringify(p)`,
 * `console.log(p)`, not a scheduler), a method of another value that does not keep it
 * (`s.includes(p)`). A function or class of the module (`raceHelper(p)`, `new Tracker(p)`), an
 * imported plain function or class (its module's body is not followed), a method through `this`, a keeping method (`KEEPERS`), a scheduler are hand-ons the build does
 * not follow: the argument's use there is unknown (attack19 F1). Undefined: a value read, else why.
 */
function handOn(
  ctx: Ctx,
  call: t.CallExpression | t.OptionalCallExpression | t.NewExpression | t.TaggedTemplateExpression,
  /** The argument's index; undefined: inside an array given as an argument. */
  index?: number,
): string | undefined {
  const c = strip((call.type === "TaggedTemplateExpression" ? call.tag : call.callee) as Node);
  if (c.type === "Identifier") {
    const b = ctx.scopes.binding(c, c.name);
    if (!b) {
      const kept = SCHEDULERS.get(c.name);
      if (kept !== undefined && (index === undefined || index >= kept))
        return `handed to \`${c.name}\`, which keeps it for later`;
      // `new WeakRef(p)`, `new Set([p])`: kept for later readers, as at a call site (view.ts
      // `argumentReader` reads the same list).
      return CONTAINER_CLASSES.has(c.name)
        ? `kept in ${call.type === "NewExpression" ? `a \`new ${c.name}\`` : `\`${c.name}(…)\``}, which the build does not follow`
        : undefined;
    }
    // An imported plain function (`raceHelper(p)` from a helper module): its body is not
    // followed, and it may race or keep the promise as a function of this file may (attack19 F1).
    if (b.kind === "module")
      return call.type === "NewExpression"
        ? `handed to \`new ${c.name}\`, an imported class the build does not follow`
        : `handed to \`${c.name}\`, an imported function the build does not follow`;
    return call.type === "NewExpression"
      ? `handed to \`new ${c.name}\`, a class the build does not follow`
      : `handed to \`${c.name}\`, a function the build does not follow`;
  }
  if (c.type === "MemberExpression" || c.type === "OptionalMemberExpression") {
    const name = memberName(c);
    const o = strip(c.object as Node);
    if (o.type === "ThisExpression" || o.type === "Super")
      return `handed to \`${short(sourceOf(ctx, c))}\`, a method the build does not follow`;
    if (name === undefined || KEEPERS.has(name))
      return `handed to \`${short(sourceOf(ctx, c))}\`, which keeps it where the build does not follow`;
    return undefined;
  }
  return `handed to \`${short(sourceOf(ctx, c))}\`, which the build does not follow`;
}

/**
 * What one read of a parameter of a **sync** smartasync function does with it. Such a function
 * cannot await: in the plain program a promise there is read as a value (`text.split`, a plain
 * program's bug that the value mends), so only a promise's own uses count — `.then/.catch/
 * .finally` on it, an argument of `Promise.*` or an element of the array given to one — and a
 * hand-on to another smartasync function's parameter, as for an async one.
 */
function syncReadUse(
  ctx: Ctx,
  fn: t.Function,
  read: Node,
  forwarded: (call: t.CallExpression, i: number) => ParamUse | "not-smartasync",
  follow: Follow,
  depth: number,
): ParamUse {
  const use = ownReadUse(ctx, fn, read, forwarded, follow, depth);
  // A read in a nested function (`setImmediate(() => Promise.race([p, t]))`, an async arrow's
  // `try { await p }`) runs when, and if, that function runs: a promise use there is not proven
  // either way, and not the function's own `await` (attack19 F1).
  if (ctx.tree.functionParent(read) === fn || use.use === "value" || use.use === "unknown") return use;
  const where = use.use === "promise" ? `${use.what} (${use.at})` : "awaited";
  return unknown(`used as a promise in a nested function, which the build does not follow: ${where}`);
}

function ownReadUse(
  ctx: Ctx,
  fn: t.Function,
  read: Node,
  forwarded: (call: t.CallExpression, i: number) => ParamUse | "not-smartasync",
  follow: Follow,
  depth: number,
): ParamUse {
  const { outer: cur, parent: p } = consumerOf(ctx.tree, read);
  const value: ParamUse = { use: "value" };
  const promise = (where: Node): ParamUse => ({
    use: "promise",
    what: `\`${short(sourceOf(ctx, where))}\``,
    at: locOf(ctx, where),
  });
  const nested = ctx.tree.functionParent(read) !== fn;
  if (!p) return value;
  // `await p` of a nested async function (the function's own is read by `readUse`).
  if (p.type === "AwaitExpression") return nested ? { use: "awaited" } : value;
  if ((p.type === "CallExpression" || p.type === "OptionalCallExpression") && p.callee !== cur) {
    if (promiseStatic(ctx, p)) return promise(p);
    // `Array.of(p, t)`: an array of its arguments, read as the literal `[p, t]` (attack20 F5).
    if (arrayGlobal(ctx, p, "of")) return arrayUse(ctx, p, nested, promise);
    const i = p.arguments.indexOf(cur as t.Expression);
    // `Promise.prototype.then.call(p, …)`: `p.then(…)` (context.ts reads it so at a call site).
    if (i === 0 && isPromiseMethodCall(treeView(ctx.tree, ctx.scopes), p as Node)) return promise(p);
    // `f(...p)` iterates the value.
    if (i < 0) return value;
    // `Object(p)`, `Object.freeze(p)`: the parameter handed back, what is done with the result is
    // done with it — the one reading sync code's own call gets (context.ts `handsBack`; attack21
    // F1: `Promise.race([Object(p), t])` was taken for a read of the value).
    if (i === 0 && handsBack(treeView(ctx.tree, ctx.scopes), p as Node)) return follow(p, depth);
    const got = p.type === "CallExpression" ? forwarded(p, i) : "not-smartasync";
    if (got === "not-smartasync") {
      const why = handOn(ctx, p, i);
      return why ? unknown(why) : value;
    }
    return got.use === "promise"
      ? { ...got, what: `\`${short(sourceOf(ctx, p))}\`, which passes it on to ${got.what}` }
      : got;
  }
  if (p.type === "NewExpression" && p.callee !== cur) {
    const why = handOn(ctx, p, p.arguments.indexOf(cur as t.Expression));
    return why ? unknown(why) : value;
  }
  if ((p.type === "MemberExpression" || p.type === "OptionalMemberExpression") && p.object === cur) {
    const call = ctx.tree.parent(p);
    const name = memberName(p);
    // `p.valueOf()`, `p?.valueOf()`: a promise's (Object.prototype's) returns the promise itself,
    // a primitive's the value: what is done with the result is done with `p` (attack20 F12).
    if (
      name === "valueOf" &&
      (call?.type === "CallExpression" || call?.type === "OptionalCallExpression") &&
      call.callee === p &&
      call.arguments.length === 0
    )
      return follow(call, depth);
    return name !== undefined && THEN_LIKE.has(name) && call?.type.endsWith("CallExpression")
      ? promise(call)
      : value;
  }
  if (p.type === "ArrayExpression") return arrayUse(ctx, p, nested, promise);
  // `` tag`x${p}` ``: the tag is called with `p` as an argument, as `tag(["x", ""], p)` would be
  // (attack20 F5); `String.raw` and other globals' methods only read it.
  if (p.type === "TemplateLiteral") {
    const tagged = ctx.tree.parent(p);
    if (tagged?.type === "TaggedTemplateExpression" && tagged.quasi === p) {
      const why = handOn(ctx, tagged, p.expressions.indexOf(cur as t.Expression) + 1);
      return why ? unknown(why) : value;
    }
  }
  if (p.type === "ObjectProperty" && p.value === cur)
    return unknown("kept in an object, which the build does not follow");
  if (p.type === "VariableDeclarator" && p.init === cur) {
    const id = p.id as Node;
    // `const { a } = p`, `const [x] = p`: reads of the value.
    if (id.type === "ObjectPattern" || id.type === "ArrayPattern") return value;
    const decl = ctx.tree.parent(p);
    if (id.type !== "Identifier" || decl?.type !== "VariableDeclaration" || decl.kind !== "const")
      return unknown(`kept in \`${short(sourceOf(ctx, id))}\`, which the build does not follow`);
    // `const task = p`: the alias's reads are the parameter's (a few names deep).
    const b = ctx.scopes.binding(id, id.name);
    const reads = b && depth < MAX_ALIASES ? readsOf(ctx.tree, ctx.scopes, b) : undefined;
    if (!reads) return unknown(`kept in \`${id.name}\`, which is not followed further`);
    return combine(reads.uses.map((u) => follow(u, depth + 1)));
  }
  // `(task = p) => Promise.race([task, t])`, `const { a = p } = o`: the default goes on under
  // another name, which the build does not follow (attack24 F07, fixture
  // diagnostics/sa211-nested-parameter-default; it was taken for a read of the value).
  if (p.type === "AssignmentPattern" && p.right === cur)
    return unknown(
      `the default value of \`${short(sourceOf(ctx, p.left as Node))}\`, which the build does not follow`,
    );
  if (p.type === "AssignmentExpression" && p.right === cur)
    return unknown(`stored in \`${short(sourceOf(ctx, p.left as Node))}\`, which the build does not follow`);
  if (p.type === "YieldExpression") return unknown("yielded, which the build does not follow");
  // `p ?? d`, `p || d`, `c ? p : d`, `(log(), p)`: the result may be the parameter itself, so
  // what is done with the result is done with it (attack19 F1). A test (`c` of `c ? a : b`) or
  // a sequence's earlier item only reads it.
  if (
    (p.type === "LogicalExpression" && (p.left === cur || p.right === cur)) ||
    (p.type === "ConditionalExpression" && p.test !== cur) ||
    (p.type === "SequenceExpression" && p.expressions[p.expressions.length - 1] === cur)
  )
    return follow(p, depth);
  // A nested function's result goes where the build does not follow (`() => p`).
  if (nested && (p.type === "ReturnStatement" || (p.type === "ArrowFunctionExpression" && p.body === cur)))
    return unknown("returned from a nested function, which the build does not follow");
  return value;
}

/**
 * The use of an array that holds the parameter as an element: `arr` is the literal `[p, t]` or
 * `Array.of(p, t)`. Given to `Promise.*`, it is a promise use; copied by `Array.from(arr)`, the
 * copy's use (attack20 F5), unless a mapper is given the elements; iterated by `for await`, each element is awaited (the
 * function's own `for await` is read by `readUse`, as its `await`); given to a reader of values
 * (`console.log([p, q])`), a read of the value; anything else is not followed.
 */
function arrayUse(ctx: Ctx, arr: Node, nested: boolean, promise: (where: Node) => ParamUse): ParamUse {
  const { outer, parent: up } = consumerOf(ctx.tree, arr);
  if (up && (up.type === "CallExpression" || up.type === "OptionalCallExpression") && up.callee !== outer) {
    if (promiseStatic(ctx, up)) return promise(up);
    // A mapper (`Array.from([p], f)`) is given each element: not followed.
    if (arrayGlobal(ctx, up, "from") && up.arguments[0] === outer)
      return up.arguments.length === 1
        ? arrayUse(ctx, up, nested, promise)
        : unknown("put in an array handed to a mapper, which the build does not follow");
    // `Object.freeze([p, t])`, `Object.values([p, t])`: the same elements (context.ts `handsBack`).
    if (up.arguments[0] === outer && handsBack(treeView(ctx.tree, ctx.scopes), up as Node))
      return arrayUse(ctx, up, nested, promise);
    if (!handOn(ctx, up)) {
      // A global is a reader of the elements only where keepers.ts says so (`Reflect.get(xs,
      // 0)`, `Iterator.from(xs)` give them back), as for sync code's own call (context.ts).
      const g = globalPath(ctx.scopes, up.callee as Node);
      if (g === undefined || readsElements(g)) return { use: "value" };
      return unknown(`put in an array handed to \`${g}(…)\`, which may give its elements back`);
    }
  }
  if (nested && forAwaitOver(outer, up)) return { use: "awaited" };
  return unknown("put in an array, which the build does not follow");
}

/** `Array.of(…)`, `Array.from(…)`: the static `name` of the global `Array`. */
function arrayGlobal(ctx: Ctx, call: t.CallExpression | t.OptionalCallExpression, name: string): boolean {
  const c = strip(call.callee as Node);
  if (c.type !== "MemberExpression" && c.type !== "OptionalMemberExpression") return false;
  const o = strip(c.object as Node);
  return (
    memberName(c) === name && o.type === "Identifier" && o.name === "Array" && !ctx.scopes.binding(o, "Array")
  );
}

/** The `for await (… of [p])` whose iterated array literal is `arr` (`outer` through wrappers), else undefined. */
function forAwaitOver(outer: Node, up: Node | undefined): t.ForOfStatement | undefined {
  const arr = strip(outer);
  return up?.type === "ForOfStatement" && up.await && up.right === outer && arr.type === "ArrayExpression"
    ? up
    : undefined;
}

/**
 * `Promise.race(…)`, `Promise.resolve(…)`: a static of the global `Promise`, however spelled
 * (`const P = Promise`, `globalThis.Promise`: view.ts `globalRef`, as at a call site).
 */
function promiseStatic(ctx: Ctx, call: t.CallExpression | t.OptionalCallExpression): boolean {
  const c = strip(call.callee as Node);
  if (c.type !== "MemberExpression" && c.type !== "OptionalMemberExpression") return false;
  return globalRef(ctx.scopes, c.object as Node, "Promise");
}

/** What one read of a parameter does with it. */
function readUse(
  ctx: Ctx,
  fn: t.Function,
  read: Node,
  forwarded: (call: t.CallExpression, i: number) => ParamUse | "not-smartasync",
  follow: Follow,
  depth: number,
): ParamUse {
  const { outer, parent } = consumerOf(ctx.tree, read);
  const promise = (where: Node, what = `\`${short(sourceOf(ctx, where))}\``): ParamUse => ({
    use: "promise",
    what,
    at: locOf(ctx, where),
  });
  // `await Promise.resolve(p)` awaits what `await p` awaits: a value stays that value, a promise
  // is adopted, a rejection rejects the await alike (docs/semantics.md). Any other use of
  // `Promise.resolve(p)` (a `.then` on it, kept, returned) is a promise use, below.
  const p = resolvedThenAwaited(ctx, outer, parent) ?? parent;
  // `for await (const v of [p])` awaits each element as `await p` does (attack20 F12).
  const arr = parent?.type === "ArrayExpression" ? consumerOf(ctx.tree, parent) : undefined;
  const loop = arr ? forAwaitOver(arr.outer, arr.parent) : undefined;
  const awaits = p?.type === "AwaitExpression" ? p : loop;
  if (ctx.tree.functionParent(read) === fn && awaits) {
    // `try { await p } catch {}`: the body handles the promise's rejection, which the value's
    // sync variant throws in the caller, before the function runs (F17's `to`).
    const tried = guardedBy(ctx, awaits, fn);
    const quoted = loop
      ? `for await (… of ${short(sourceOf(ctx, loop.right as Node))})`
      : short(sourceOf(ctx, awaits));
    return tried
      ? promise(awaits, `\`${quoted}\` inside a \`try\` whose ${tried} sees its rejection`)
      : { use: "awaited" };
  }
  // Any other read is as a sync function's: a read of the value (`text.toUpperCase()`, which a
  // promise there would break in the plain program) wants the value; a promise's own uses do not.
  return syncReadUse(ctx, fn, read, forwarded, follow, depth);
}

/**
 * The `await` of `await Promise.resolve(read)` (through parentheses and TS wrappers), the read
 * its only argument; undefined for any other shape.
 */
function resolvedThenAwaited(ctx: Ctx, outer: Node, parent: Node | undefined): Node | undefined {
  if (parent?.type !== "CallExpression" || parent.arguments.length !== 1 || parent.arguments[0] !== outer)
    return undefined;
  const c = strip(parent.callee as Node);
  if (!promiseStatic(ctx, parent) || (c.type !== "MemberExpression" && c.type !== "OptionalMemberExpression"))
    return undefined;
  if (memberName(c) !== "resolve") return undefined;
  const up = consumerOf(ctx.tree, parent).parent;
  return up?.type === "AwaitExpression" ? up : undefined;
}

/** `catch` or `finally` of a `try` whose block holds `n`, inside `fn`'s own body, else undefined. */
function guardedBy(ctx: Ctx, n: Node, fn: t.Function): string | undefined {
  for (let cur = n, p = ctx.tree.parent(n); p && p !== fn; cur = p, p = ctx.tree.parent(p)) {
    if (p.type === "TryStatement" && p.block === cur)
      return p.handler ? "`catch`" : p.finalizer ? "`finally`" : undefined;
  }
  return undefined;
}

/** A use quoted in a message: one line, at most 60 characters. */
function short(text: string): string {
  const one = text.replace(/\s+/g, " ");
  return one.length > 60 ? `${one.slice(0, 57)}...` : one;
}
