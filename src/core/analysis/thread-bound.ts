import type { types as t } from "@babel/core";
import { importTarget, isImportBinding, stateKind } from "./checks.js";
import { type Ctx, locOf, sourceOf } from "./ctx.js";
import { heldStateClass, keyedCollection, unregisteredErrorClass } from "./error-classes.js";
import type { SaFunction } from "./model.js";
import { processPath, processRead } from "./process-names.js";
import type { Binding } from "./scope.js";
import { isFunction, type Node } from "./tree.js";
import { calledWith } from "./twin-callee.js";
import { constantKey, memberName, strip } from "./view.js";
import { functionOfBinding } from "./writes.js";

/**
 * SA306 (attack 13, F35 and F37): what a worker or offloaded function does that only means
 * something on the calling thread, where the build sees it —
 * - `x.getStore()` (an `AsyncLocalStorage` store): a worker runs outside the caller's `run()`, so
 *   the store is `undefined` there; in the function, a function of its module it calls, or a
 *   function it imports from another module of the program (and that module's functions it calls);
 * - `===`/`!==`/`==`/`!=` with a module-level object (`cfg === DEFAULTS`): an argument arrives as a
 *   copy, never the module's object;
 * - `has`/`get`/`delete` on a module-level `WeakMap`/`WeakSet`: keyed by identity, a copy is never
 *   found;
 * - `return` of a module-level object (`return registry`): the caller gets a copy, and what it
 *   changes there the module's object never sees.
 * The comparison, the lookup and the `return` count in the function itself only: a helper of its
 * module that returns `registry` to it, or compares with it, runs on the same thread as it.
 * - `throw` of a module-level object (`throw NOT_FOUND`, a sentinel the caller compares with
 *   `===`), in the function or a function it calls (a throw crosses back unless caught): the
 *   caller catches a copy (attack 15, F5);
 * A module-level object is one of this module or one imported from another module of the program
 * (followed through re-exports), as written or inside the literal returned or thrown
 * (`return { prefs: DEFAULTS }`, `ROLES.admin` of a literal `ROLES`) (F6). An ARGUMENT returned as
 * is (`return cfg`, also inside a literal) comes back a copy as well (F10) when the function
 * uses it as an object (reads a member no string, number or boolean has: `cfg.port`) and its type
 * annotation does not say it is a primitive. A warning, not a function kept on the calling
 * thread: the build cannot tell an object from a string, and most functions that hand back what
 * they were given hand back a string or a number.
 * Not seen: identity the caller checks on the result (`getRegistry() === registry` in another
 * module), a store read through a package, objects reached through members of members.
 *
 * SA314 (`processOnly`, attack 15, F27, F28, F31, F32): what only the calling thread's process has
 * — `process.stdin` (a worker's is empty), the IPC channel of a forked child (`process.send`,
 * `process.connected`, `process.disconnect`, `process.channel`, `process.on("message")`),
 * the main module (`require.main`, `process.mainModule`: undefined in a worker), a handler for a
 * signal (`process.on("SIGTERM", …)`), for `uncaughtException`/`unhandledRejection` or for
 * `beforeExit` (the process delivers them to the main thread) — in the function or a function it
 * calls (same walk as the store above).
 */
export function threadBound(ctx: Ctx, fn: SaFunction): { bound: string[]; processOnly: string[] } {
  const items: string[] = [];
  const processOnly: string[] = [];
  const seen = new Set<t.Function>([fn.fn]);
  const settingsOf = new Map<Ctx, Map<Setting, Node>>();
  const queue: { ctx: Ctx; f: t.Function; via: string | undefined }[] = [{ ctx, f: fn.fn, via: undefined }];
  for (let i = 0; i < queue.length && i < 64; i++) {
    const { ctx: here, f, via } = queue[i]!;
    const top = here.scopes.program;
    const through = via ? ` through ${via}` : "";
    const own = here === ctx;
    // Identity and the result only cross the thread at the worker function itself: a helper that
    // returns `registry` to it, or compares with it, stays on one thread (review-core finding 9).
    const crossing = f === fn.fn;
    // A helper the lazy tree left closed (its text names nothing smartasync; under SWC its body
    // may be blanked before the parse) is walked from the function itself: the walk marks the
    // tree broken and the file is analysed again on its whole tree (tree.ts), so a
    // `require.main` or `getStore()` in such a helper is seen by both compilers.
    let settings = settingsOf.get(here);
    if (settings === undefined) {
      settings = perThreadSettings(here, fn.fn);
      settingsOf.set(here, settings);
    }
    const told = new Set<Setting>();
    here.tree.walk((f !== fn.fn && here.tree.isClosed(f) ? f : f.body) as Node, (n) => {
      const only = processUse(here, n) ?? perThreadUse(here, n, settings, told);
      if (only !== undefined) processOnly.push(`${only.what} at ${locOf(here, n)}${through} (${only.why})`);
      if (n.type === "CallExpression" || n.type === "OptionalCallExpression") {
        const callee = strip(n.callee as Node);
        const name = callee.type.endsWith("MemberExpression") ? memberName(callee) : undefined;
        // attack27 F16: `Object.is(role, ADMIN)`, `ADMINS.includes(role)` of a module array of
        // objects: the comparison above, spelt as a call.
        if (crossing) {
          const same = identityCall(here, n);
          if (same)
            items.push(
              `compares with \`${same}\` in \`${shown(here, n, 48)}\` at ${locOf(here, n)}${through} (a module object: what arrives from the caller is a copy, never this object)`,
            );
        }
        // attack25 F04: a rejection crosses back as a throw does.
        const rejected = rejectedValue(here, n);
        const cls = rejected && unregisteredErrorClass(here, rejected);
        if (cls)
          items.push(
            `rejects with \`${shown(here, rejected!, 48)}\` at ${locOf(here, n)}${through} (${cls})`,
          );
        // attack27 F06: an error whose class keeps state the copy cannot carry (`#status`).
        const held = rejected && heldStateClass(here, rejected);
        if (held)
          items.push(
            `rejects with \`${shown(here, rejected!, 48)}\` at ${locOf(here, n)}${through} (${held})`,
          );
        if (storeRead(here, n))
          items.push(
            `reads \`${sourceOf(here, n)}\` at ${locOf(here, n)}${through} (an AsyncLocalStorage store: undefined in a worker, outside the caller's \`run()\`)`,
          );
        if (crossing && name !== undefined && (name === "has" || name === "get" || name === "delete")) {
          const o = strip((callee as t.MemberExpression).object as Node);
          const b = o.type === "Identifier" ? here.scopes.binding(o, o.name) : undefined;
          if (b && b.scope === top && weakCollection(b))
            items.push(
              `looks up \`${sourceOf(here, n)}\` at ${locOf(here, n)}${through} (a WeakMap/WeakSet of the module, keyed by identity: a copy is never found)`,
            );
          else if (b && b.scope === top && !primitiveKey(n.arguments[0] as Node | undefined)) {
            // attack27 F16: a Map or Set of the module whose keys the build sees are objects
            // (`new Map([[ADMIN, "all"]])`, `admins.add(ADMIN)`) is the same identity lookup.
            const key = objectKey(here, b);
            if (key)
              items.push(
                `looks up \`${sourceOf(here, n)}\` at ${locOf(here, n)}${through} (a ${key.kind} of the module keyed by objects, such as \`${key.shown}\`: an object argument arrives as a copy, which is never found there)`,
              );
          }
        }
        return undefined;
      }
      // attack27 F16: the same comparison spelt `case ADMIN:` of a `switch`.
      if (crossing && n.type === "SwitchCase" && n.test) {
        const side = moduleObject(here, strip(n.test as Node));
        if (side)
          items.push(
            `compares with \`${side}\` in \`case ${side}:\` at ${locOf(here, n)}${through} (a module object: what arrives from the caller is a copy, never this object)`,
          );
        return undefined;
      }
      if (crossing && n.type === "BinaryExpression" && /^[!=]==?$/.test(n.operator)) {
        for (const x of [n.left, n.right]) {
          const side = moduleObject(here, strip(x as Node));
          if (side)
            items.push(
              `compares with \`${side}\` at ${locOf(here, n)}${through} (a module object: what arrives from the caller is a copy, never this object)`,
            );
        }
        return undefined;
      }
      if (crossing && n.type === "ReturnStatement" && n.argument && here.tree.functionParent(n) === f) {
        for (const part of crossingParts(strip(n.argument as Node))) {
          const object = moduleObject(here, part);
          if (object)
            items.push(
              `returns \`${object}\` at ${locOf(here, n)}${through} (a module object: the caller gets a copy, and what it changes there this object never sees)`,
            );
          else {
            // attack23 F8: an element, member or destructured part of one (`USERS.find(…)`).
            const root = modulePart(here, part);
            if (root)
              items.push(
                `returns \`${shown(here, part, 48)}\` at ${locOf(here, n)}${through} (a part of the module object \`${root}\`: the caller gets a copy, so \`===\` with the objects \`${root}\` holds fails there, and what it changes on the result \`${root}\` never sees)`,
              );
          }
          const param = ownParameter(here, f, part);
          if (param)
            items.push(
              `returns its argument \`${param}\` as is at ${locOf(here, n)}${through} (if it is an object, the caller gets a copy: what it then changes on the result never reaches its own object)`,
            );
          else {
            const held = argumentPart(here, f, part);
            if (held)
              items.push(
                `returns \`${sourceOf(here, part)}\`, ${held}, at ${locOf(here, n)}${through} (the caller gets copies: \`result.includes(x)\`, \`map.get(x)\` or \`===\` with its own objects fail, and what it changes on them never reaches them)`,
              );
          }
        }
        return undefined;
      }
      if (n.type === "ThrowStatement" && n.argument) {
        for (const part of crossingParts(strip(n.argument as Node))) {
          const object = moduleObject(here, part);
          if (object)
            items.push(
              `throws \`${object}\` at ${locOf(here, n)}${through} (a module object: the caller catches a copy, so \`e === ${object}\` is false there)`,
            );
          const cls = unregisteredErrorClass(here, part);
          if (cls) items.push(`throws \`${shown(here, part, 48)}\` at ${locOf(here, n)}${through} (${cls})`);
          const held = heldStateClass(here, part);
          if (held)
            items.push(`throws \`${shown(here, part, 48)}\` at ${locOf(here, n)}${through} (${held})`);
        }
        return undefined;
      }
      if (n.type !== "Identifier") return undefined;
      const b = here.scopes.binding(n, n.name);
      if (!b || b.scope !== top) return undefined;
      // Functions it calls: of its own module, and one import away (a helper reading the store).
      const next = stateKind(here, b) === "code" ? functionOfBinding(b) : undefined;
      if (next && !seen.has(next)) {
        seen.add(next);
        queue.push({ ctx: here, f: next, via: via ?? `\`${n.name}()\`` });
        return undefined;
      }
      if (own && isImportBinding(here, b)) {
        const target = importTarget(here, n, b);
        const there = target && functionOfBinding(target.there);
        if (target && there && !seen.has(there)) {
          seen.add(there);
          // `currentUser` imported from `./context.js` → `currentUser()` imported from `./context.js`.
          queue.push({
            ctx: target.other,
            f: there,
            via: `\`${n.name}()\`${target.from.replace(/^`[^`]*`/, "")}`,
          });
        }
      }
      return undefined;
    });
  }
  return { bound: [...new Set(items)], processOnly: [...new Set(processOnly)] };
}

/** How many `const` second names and imports `storeRead` follows (`const read = ctx.getStore.bind(ctx)`). */
const MAX_STORE_ALIASES = 4;

/**
 * Whether a call reads an `AsyncLocalStorage` store: `getStore()` with no argument, however it is
 * run — `ctx.getStore()`, `ctx.getStore.call(ctx)`, `.apply(ctx)`, `Reflect.apply(ctx.getStore,
 * ctx, [])`, `ctx.getStore.bind(ctx)()` (twin-callee.ts `calledWith`, the one reading of those
 * spellings) — or a `const` second name of it, of this module or imported from another module of
 * the program (`const read = ctx.getStore.bind(ctx)`, `const { getStore } = ctx`): attack27 F12,
 * fixture diagnostics/sa306-store-spellings.
 */
function storeRead(ctx: Ctx, call: t.CallExpression | t.OptionalCallExpression): boolean {
  const { fn, args } = calledWith(ctx, call);
  return (args === undefined || args.length === 0) && namesGetStore(ctx, fn, 0);
}

/** Whether `n` is the `getStore` method of some object, as written or through second names. */
function namesGetStore(ctx: Ctx, n: Node, depth: number): boolean {
  const e = strip(n);
  if (depth > MAX_STORE_ALIASES) return false;
  if (e.type === "MemberExpression" || e.type === "OptionalMemberExpression")
    return memberName(e) === "getStore";
  if (e.type === "CallExpression") {
    // `ctx.getStore.bind(ctx)`: calling it runs `getStore`.
    const callee = strip(e.callee as Node);
    return (
      (callee.type === "MemberExpression" || callee.type === "OptionalMemberExpression") &&
      memberName(callee) === "bind" &&
      namesGetStore(ctx, callee.object as Node, depth + 1)
    );
  }
  if (e.type !== "Identifier") return false;
  const b = ctx.scopes.binding(e, e.name);
  if (!b) return false;
  if (isImportBinding(ctx, b)) {
    // `import { read } from "./context.js"` of `export const read = ctx.getStore.bind(ctx)`.
    const target = importTarget(ctx, e, b);
    const d = target?.there.node;
    if (!target || d?.type !== "VariableDeclarator" || d.id.type !== "Identifier" || !d.init) return false;
    return target.there.kind === "const" && namesGetStore(target.other, d.init as Node, depth + 1);
  }
  const d = b.node;
  if (b.kind !== "const" || d.type !== "VariableDeclarator" || !d.init) return false;
  if (d.id.type === "Identifier") return namesGetStore(ctx, d.init as Node, depth + 1);
  // `const { getStore } = ctx`, `const { getStore: read } = ctx`.
  return (
    d.id.type === "ObjectPattern" &&
    d.id.properties.some(
      (p) =>
        p.type === "ObjectProperty" &&
        !p.computed &&
        strip(p.value as Node).type === "Identifier" &&
        (p.value as t.Identifier).name === e.name &&
        ((p.key.type === "Identifier" && p.key.name === "getStore") ||
          (p.key.type === "StringLiteral" && p.key.value === "getStore")),
    )
  );
}

/**
 * What a call rejects with: the argument of `Promise.reject(x)`, or of `reject(x)` where `reject`
 * is the second parameter of a `new Promise((resolve, reject) => …)` executor.
 */
function rejectedValue(ctx: Ctx, call: t.CallExpression | t.OptionalCallExpression): Node | undefined {
  const arg = call.arguments[0];
  if (!arg || arg.type === "SpreadElement") return undefined;
  const callee = strip(call.callee as Node);
  if (callee.type === "MemberExpression" && memberName(callee) === "reject") {
    const o = strip(callee.object as Node);
    return isGlobal(ctx, o, "Promise") ? (arg as Node) : undefined;
  }
  if (callee.type !== "Identifier") return undefined;
  const b = ctx.scopes.binding(callee, callee.name);
  const executor = b?.kind === "param" ? (b.scope.node as Node) : undefined;
  if (!executor || !isFunction(executor) || executor.params[1] !== b!.node) return undefined;
  const made = ctx.tree.parent(executor);
  return made?.type === "NewExpression" &&
    made.arguments[0] === executor &&
    isGlobal(ctx, strip(made.callee as Node), "Promise")
    ? (arg as Node)
    : undefined;
}

/**
 * The values a returned or thrown expression hands over as they are: the expression, the values
 * of a literal object or array (not spread: a spread copies), both arms of `?:`, `&&`, `||`, `??`,
 * the last of a sequence.
 */
function crossingParts(n: Node): Node[] {
  const out: Node[] = [];
  const todo: Node[] = [n];
  while (todo.length && out.length < 256) {
    const x = strip(todo.pop()!);
    out.push(x);
    if (x.type === "ObjectExpression") {
      for (const p of x.properties) if (p.type === "ObjectProperty") todo.push(p.value as Node);
    } else if (x.type === "ArrayExpression") {
      for (const e of x.elements) if (e && e.type !== "SpreadElement") todo.push(e as Node);
    } else if (x.type === "ConditionalExpression") todo.push(x.consequent as Node, x.alternate as Node);
    else if (x.type === "LogicalExpression") todo.push(x.left as Node, x.right as Node);
    else if (x.type === "SequenceExpression" && x.expressions.length)
      todo.push(x.expressions[x.expressions.length - 1] as Node);
  }
  return out;
}

/**
 * `n` as written when it is a module-level object: a `const` of this module holding a literal,
 * `new …` or a frozen one; such a `const` imported from another module of the program; or a
 * member of a literal one whose value is itself such an object (`ROLES.admin`).
 */
function moduleObject(ctx: Ctx, n: Node): string | undefined {
  if (n.type === "Identifier") {
    const b = ctx.scopes.binding(n, n.name);
    if (!b || b.scope !== ctx.scopes.program) return undefined;
    if (objectBinding(ctx, b) !== undefined) return n.name;
    if (isImportBinding(ctx, b)) {
      const target = importTarget(ctx, n, b);
      if (target && objectBinding(target.other, target.there) !== undefined) return n.name;
    }
    return undefined;
  }
  if (n.type !== "MemberExpression") return undefined;
  const o = strip(n.object as Node);
  const key = memberName(n);
  if (o.type !== "Identifier" || key === undefined) return undefined;
  const b = ctx.scopes.binding(o, o.name);
  const init = b && b.scope === ctx.scopes.program ? objectBinding(ctx, b) : undefined;
  const literal = init && literalOf(init);
  if (!literal) return undefined;
  for (const p of literal.properties) {
    if (p.type !== "ObjectProperty" || p.computed) continue;
    const k =
      p.key.type === "Identifier" ? p.key.name : p.key.type === "StringLiteral" ? p.key.value : undefined;
    if (k === key && madeObject(strip(p.value as Node))) return `${o.name}.${key}`;
  }
  return undefined;
}

/**
 * attack23 F8: the module-level object `n` is a part of — an element or member of one (`USERS[0]`,
 * `ROLES[k]`), what `find`/`at`/`filter`/… of it gives (`USERS.find((u) => …)`), a name
 * destructured from one (`const { admin } = ROLES`, in the module or the function), a local
 * `const` or a loop variable holding one (`for (const u of USERS)`) — when its literal shows an
 * object there: the root's name, else undefined. `LIMITS.max` of `{ max: 3 }` is a copy of a
 * number, not named; nor is what the literal does not show (a `new Registry()`'s members).
 */
function modulePart(ctx: Ctx, n: Node): string | undefined {
  const held = heldValues(ctx, n, 0);
  if (!held || held.part === false) return undefined;
  return held.values.some((v) => madeObject(v) || moduleObject(ctx, v) !== undefined) ? held.root : undefined;
}

/** The values `n` may be of a module object `root` (its literals' entries), `part` once inside it. */
interface Held {
  root: string;
  values: Node[];
  part: boolean;
}

/** Methods of arrays that give one element of the receiver. */
const ELEMENT_OF = new Set(["find", "findLast", "at", "pop", "shift"]);

function heldValues(ctx: Ctx, x: Node, depth: number): Held | undefined {
  const n = strip(x);
  if (depth > 6) return undefined;
  const inside = (h: Held | undefined, pick: (v: Node) => Node[]): Held | undefined =>
    h && { root: h.root, values: h.values.flatMap((v) => pick(literalOf(v) ?? arrayOf(v) ?? v)), part: true };
  if (n.type === "Identifier") {
    const b = ctx.scopes.binding(n, n.name);
    if (!b || b.violations.length > 0 || b.node.type !== "VariableDeclarator") return undefined;
    const d = b.node;
    const top = b.scope === ctx.scopes.program;
    if (top && b.kind !== "const") return undefined;
    if (top && d.id.type === "Identifier") {
      const init = objectBinding(ctx, b);
      return init && { root: n.name, values: [init], part: false };
    }
    // `for (const u of USERS)`: an element.
    const loop = ctx.tree.parent(ctx.tree.parent(d) ?? d);
    if (!d.init && loop?.type === "ForOfStatement" && d.id.type === "Identifier")
      return inside(heldValues(ctx, loop.right as Node, depth + 1), elements);
    if (!d.init) return undefined;
    const from = heldValues(ctx, d.init as Node, depth + 1);
    if (d.id.type === "Identifier") return top ? undefined : from;
    // `const { admin } = ROLES`: the member the pattern gives the name.
    if (d.id.type !== "ObjectPattern") return undefined;
    const named = d.id.properties.find(
      (p) =>
        p.type === "ObjectProperty" &&
        !p.computed &&
        strip(p.value as Node).type === "Identifier" &&
        (strip(p.value as Node) as t.Identifier).name === n.name,
    ) as t.ObjectProperty | undefined;
    const key = named;
    const k = key && !key.computed ? keyOf(key.key as Node) : undefined;
    return k === undefined ? undefined : inside(from, (v) => memberValues(v, k));
  }
  if (n.type === "MemberExpression" || n.type === "OptionalMemberExpression") {
    const key = n.computed ? undefined : memberName(n);
    const p = strip(n.property as Node);
    const k =
      key ??
      (p.type === "NumericLiteral" ? String(p.value) : p.type === "StringLiteral" ? p.value : undefined);
    return inside(heldValues(ctx, n.object as Node, depth + 1), (v) => memberValues(v, k));
  }
  if (n.type === "CallExpression" || n.type === "OptionalCallExpression") {
    const callee = strip(n.callee as Node);
    if (!callee.type.endsWith("MemberExpression")) return undefined;
    const name = memberName(callee);
    const receiver = (callee as t.MemberExpression).object as Node;
    // `Object.values(ROLES)`: its members.
    const o = strip(receiver);
    if (o.type === "Identifier" && o.name === "Object" && !ctx.scopes.binding(o, o.name) && name === "values")
      return n.arguments[0]
        ? inside(heldValues(ctx, n.arguments[0] as Node, depth + 1), (v) => memberValues(v, undefined))
        : undefined;
    if (name === undefined || (!ELEMENT_OF.has(name) && !ELEMENT_METHODS.has(name))) return undefined;
    return inside(heldValues(ctx, receiver, depth + 1), elements);
  }
  return undefined;
}

function keyOf(k: Node): string | undefined {
  if (k.type === "Identifier") return k.name;
  if (k.type === "StringLiteral") return k.value;
  return undefined;
}

/** An array literal an initializer is, through `Object.freeze(…)`. */
function arrayOf(init: Node): t.ArrayExpression | undefined {
  if (init.type === "ArrayExpression") return init;
  if (init.type === "CallExpression" && init.arguments[0]) return arrayOf(strip(init.arguments[0] as Node));
  return undefined;
}

/** The elements of an array literal (empty for anything else: not shown). */
function elements(v: Node): Node[] {
  if (v.type !== "ArrayExpression") return [];
  return v.elements.flatMap((e) => (e && e.type !== "SpreadElement" ? [strip(e as Node)] : []));
}

/** The values a literal holds at `key` (every value where the key is not spelt). */
function memberValues(v: Node, key: string | undefined): Node[] {
  if (v.type === "ArrayExpression")
    return key === undefined || /^\d+$/.test(key)
      ? elements(v).filter((_, i) => key === undefined || String(i) === key)
      : [];
  if (v.type !== "ObjectExpression") return [];
  const out: Node[] = [];
  for (const p of v.properties) {
    if (p.type !== "ObjectProperty") continue;
    const k = p.computed ? undefined : keyOf(p.key as Node);
    if (key === undefined || k === undefined || k === key) out.push(strip(p.value as Node));
  }
  return out;
}

/** The initializer of a module-level `const` holding an object, else undefined. */
function objectBinding(ctx: Ctx, b: Binding): Node | undefined {
  if (b.scope !== ctx.scopes.program || b.kind !== "const" || b.node.type !== "VariableDeclarator")
    return undefined;
  const init = b.node.init ? strip(b.node.init as Node) : undefined;
  return init !== undefined && madeObject(init) ? init : undefined;
}

/** The object literal an initializer is, through `Object.freeze(…)` and the like. */
function literalOf(init: Node): t.ObjectExpression | undefined {
  if (init.type === "ObjectExpression") return init;
  if (init.type === "CallExpression" && init.arguments[0]) return literalOf(strip(init.arguments[0] as Node));
  return undefined;
}

/** Methods of arrays whose result holds elements of the receiver (or is one). */
const ELEMENT_METHODS = new Set([
  "filter",
  "find",
  "findLast",
  "slice",
  "at",
  "concat",
  "flat",
  "toSorted",
  "toReversed",
  "toSpliced",
  "sort",
  "reverse",
]);
/** Methods that put a value into a container the function made (`m.set(u, …)`, `out.push(u)`). */
const PUTS = new Set(["set", "add", "push", "unshift"]);

/**
 * Attack 16, F22: what `n`, returned by `f`, holds of its arguments' objects — elements or members
 * of an argument (`users.filter(…)`, `team.members.find(…)`, `items[i]`, a loop variable over an
 * argument, a local holding one) or a `Map`/`Set`/array the function made and put such parts into
 * (`m.set(u, …)`) — described for the message, when the function reads a member no string, number
 * or boolean has on such a part (`u.active`): they are objects, and the caller gets copies of them.
 */
function argumentPart(ctx: Ctx, f: t.Function, n: Node): string | undefined {
  const parts = new Set<Binding>();
  for (const param of f.params) {
    const id = strip(param as Node);
    if (id.type !== "Identifier") continue;
    const b = ctx.scopes.binding(id, id.name);
    if (b?.kind === "param" && b.violations.length === 0) parts.add(b);
  }
  if (parts.size === 0) return undefined;
  const params = new Set(parts);
  const isPart = (x: Node): boolean => {
    const e = strip(x);
    if (e.type === "Identifier") {
      const b = ctx.scopes.binding(e, e.name);
      return b !== undefined && parts.has(b);
    }
    if (e.type === "MemberExpression" || e.type === "OptionalMemberExpression") {
      const key = memberName(e);
      return (key === undefined || !PRIMITIVE_MEMBERS.has(key)) && isPart(e.object as Node);
    }
    if (e.type === "CallExpression" || e.type === "OptionalCallExpression") {
      const callee = strip(e.callee as Node);
      if (!callee.type.endsWith("MemberExpression")) return false;
      const name = memberName(callee);
      return (
        name !== undefined &&
        ELEMENT_METHODS.has(name) &&
        isPart((callee as t.MemberExpression).object as Node)
      );
    }
    return false;
  };
  const containers = new Set<Binding>();
  let objectUse = false;
  // Grow the set of bindings that hold parts until it stops changing (a few rounds at most).
  for (let round = 0, grew = true; grew && round < 4; round++) {
    grew = false;
    const add = (b: Binding | undefined): void => {
      if (b !== undefined && !parts.has(b)) {
        parts.add(b);
        grew = true;
      }
    };
    ctx.tree.walk(
      f.body as Node,
      (x) => {
        if (x.type === "VariableDeclarator" && x.id.type === "Identifier") {
          const b = ctx.scopes.binding(x.id, x.id.name);
          const parent = ctx.tree.parent(ctx.tree.parent(x) ?? x);
          if (x.init && isPart(x.init as Node)) add(b);
          else if (parent?.type === "ForOfStatement" && isPart(parent.right as Node)) add(b);
          else if (
            x.init &&
            (x.init.type === "NewExpression" || x.init.type === "ArrayExpression") &&
            b !== undefined &&
            !containers.has(b)
          )
            containers.add(b);
        } else if (
          x.type === "AssignmentExpression" &&
          x.left.type === "Identifier" &&
          isPart(x.right as Node)
        ) {
          add(ctx.scopes.binding(x.left, x.left.name));
        } else if (x.type === "CallExpression" || x.type === "OptionalCallExpression") {
          const callee = strip(x.callee as Node);
          if (callee.type.endsWith("MemberExpression")) {
            const receiver = strip((callee as t.MemberExpression).object as Node);
            // A callback given to a method of a part sees its elements (`users.filter((u) => …)`).
            if (isPart(receiver))
              for (const a of x.arguments)
                if (isFunction(a as Node))
                  for (const p of (a as t.Function).params) {
                    const id = strip(p as Node);
                    if (id.type === "Identifier") add(ctx.scopes.binding(id, id.name));
                  }
            const name = memberName(callee);
            if (receiver.type === "Identifier" && name !== undefined && PUTS.has(name)) {
              const b = ctx.scopes.binding(receiver, receiver.name);
              if (b !== undefined && containers.has(b) && x.arguments.some((a) => isPart(a as Node))) add(b);
            }
          }
        } else if (x.type === "MemberExpression" || x.type === "OptionalMemberExpression") {
          const o = strip(x.object as Node);
          const key = memberName(x);
          if (o.type === "Identifier" && (key === undefined || !PRIMITIVE_MEMBERS.has(key))) {
            const b = ctx.scopes.binding(o, o.name);
            if (b !== undefined && parts.has(b) && !params.has(b) && !containers.has(b)) objectUse = true;
          }
        }
        return undefined;
      },
      true,
    );
  }
  if (!objectUse || !isPart(n)) return undefined;
  const e = strip(n);
  if (e.type === "Identifier") {
    const b = ctx.scopes.binding(e, e.name);
    if (b !== undefined && containers.has(b)) return "a collection it filled with its arguments' objects";
    if (b !== undefined && params.has(b)) return undefined;
  }
  return "objects inside its arguments";
}

/** A parameter of `f` returned as is, by name, unless annotated as a primitive. */
function ownParameter(ctx: Ctx, f: t.Function, n: Node): string | undefined {
  if (n.type !== "Identifier") return undefined;
  const b = ctx.scopes.binding(n, n.name);
  // A parameter assigned in the function (`list = [...list]`) may no longer hold the argument.
  if (b?.kind !== "param" || b.scope.node !== f || b.violations.length > 0) return undefined;
  const annotation = (b.node as { typeAnnotation?: { typeAnnotation?: Node } }).typeAnnotation
    ?.typeAnnotation;
  if (annotation && PRIMITIVE_TYPES.has(annotation.type)) return undefined;
  // Used as an object: a member read that no string, number or boolean has (`cfg.port`). A
  // parameter only passed through (`return name`) is most often a string: not warned.
  let object = false;
  ctx.tree.walk(
    f.body as Node,
    (x) => {
      if (object) return false;
      if (x.type !== "MemberExpression" && x.type !== "OptionalMemberExpression") return undefined;
      const o = strip(x.object as Node);
      const key = memberName(x);
      if (
        o.type === "Identifier" &&
        ctx.scopes.binding(o, o.name) === b &&
        (key === undefined || !PRIMITIVE_MEMBERS.has(key))
      )
        object = true;
      return undefined;
    },
    true,
  );
  return object ? n.name : undefined;
}
const PRIMITIVE_MEMBERS = new Set(
  [String.prototype, Number.prototype, Boolean.prototype, Object.prototype].flatMap((p) =>
    Object.getOwnPropertyNames(p),
  ),
);
const PRIMITIVE_TYPES = new Set([
  "TSStringKeyword",
  "TSNumberKeyword",
  "TSBooleanKeyword",
  "TSBigIntKeyword",
  "TSSymbolKeyword",
  "TSLiteralType",
  "TSUndefinedKeyword",
  "TSNullKeyword",
]);

/** Events the process delivers to its main thread only (SA314). */
const MAIN_THREAD_EVENTS = new Set([
  "uncaughtException",
  "unhandledRejection",
  "beforeExit",
  "message",
  "disconnect",
]);
const LISTEN = new Set(["on", "once", "addListener", "prependListener", "prependOnceListener"]);
const IPC = new Set(["send", "connected", "disconnect", "channel"]);

/**
 * What `n` uses that only the calling thread's process has (SA314), or undefined. The process and
 * its members are read however the program spells them (attack27 F13: `import { stdin } from
 * "node:process"`, `proc.on("SIGTERM", …)` of `import proc from "node:process"`, `const { send }
 * = process`, `globalThis.process.send`; process-names.ts). A spelling other than
 * `process.<member>` is quoted with the member it is.
 */
function processUse(ctx: Ctx, n: Node): { what: string; why: string } | undefined {
  const as = (path: string, written: Node): string => {
    const text = sourceOf(ctx, written).replace(/\s+/g, "");
    return text === path ? `\`${path}\`` : `\`${text}\` (\`${path}\`)`;
  };
  if (n.type === "CallExpression" || n.type === "OptionalCallExpression") {
    const callee = strip(n.callee as Node);
    const path = processPath(ctx, callee);
    const method = path?.startsWith("process.") ? path.slice("process.".length) : undefined;
    // The event as the source fixes it: a string, a template without substitutions, a `const`
    // bound to one (attack29 F05: `const ev = "SIGUSR2"; process.once(ev, …)`).
    const event = n.arguments[0] ? constantKey(ctx.scopes, strip(n.arguments[0] as Node)) : undefined;
    const name = method !== undefined && LISTEN.has(method) && typeof event === "string" ? event : undefined;
    if (name === undefined || (!/^SIG[A-Z0-9]+$/.test(name) && !MAIN_THREAD_EVENTS.has(name)))
      return n.type === "CallExpression" ? readUse(ctx, n, as) : undefined;
    const text = sourceOf(ctx, callee).replace(/\s+/g, "");
    return {
      what: `registers \`${text}("${name}", …)\`${text === path ? "" : ` (\`${path}\`)`}`,
      why:
        name === "message" || name === "disconnect"
          ? "the IPC channel of a forked child is the main thread's: a worker's process never gets the event"
          : name.startsWith("SIG")
            ? "the process delivers signals to its main thread: a handler registered in a worker never runs"
            : `the process emits \`${name}\` on its main thread: a handler registered in a worker never runs for it`,
    };
  }
  if (n.type === "MemberExpression" || n.type === "OptionalMemberExpression") {
    const o = strip(n.object as Node);
    if (isGlobal(ctx, o, "require") && memberName(n) === "main")
      return {
        what: "reads `require.main`",
        why: "undefined in a worker: its main module is smartasync's worker",
      };
  }
  return readUse(ctx, n, as);
}

/** A main-thread-only member of `process` that `n` reads (`process.stdin`, `Reflect.get(process, "stdin")`). */
function readUse(
  ctx: Ctx,
  n: Node,
  as: (path: string, written: Node) => string,
): { what: string; why: string } | undefined {
  const path = processRead(ctx, n);
  if (path === undefined || !path.startsWith("process.")) return undefined;
  const key = path.slice("process.".length);
  if (key === "mainModule")
    return {
      what: `reads ${as(path, n)}`,
      why: "undefined in a worker: its main module is smartasync's worker",
    };
  // `process.openStdin()` is the old name of `process.stdin` (fixture diagnostics/sa314-process-loaders).
  if (key === "stdin" || key === "openStdin")
    return {
      what: `reads ${as(path, n)}`,
      why: "a worker's standard input is empty: what is piped to the process goes to the main thread",
    };
  if (IPC.has(key))
    return {
      what: `uses ${as(path, n)}`,
      why: "the IPC channel of a forked child is the main thread's: a worker's process has none",
    };
  if (key === "setUncaughtExceptionCaptureCallback")
    return {
      what: `uses ${as(path, n)}`,
      why: "the process captures the uncaught exceptions of its main thread there: one set in a worker never sees them",
    };
  return undefined;
}

/**
 * Attack 16, F7/F15/F16: state Node keeps per thread, which the program changes and a worker
 * therefore does not see: `util.inspect.defaultOptions` (console output of objects), the default
 * of `EventEmitter.defaultMaxListeners`, `Error.stackTraceLimit`, the console's group indentation
 * and its counters and timers, and `process.on("warning")` listeners.
 */
type Setting = "inspect" | "listeners" | "stack" | "group" | "counters" | "warning";

/**
 * Whether the file's text names any per-thread setting. Asked once per file, not once per worker
 * function: a file of hundreds of them ran the pattern over its whole text each time.
 */
const settingWords = new WeakMap<Ctx, boolean>();
function mayChangeSettings(ctx: Ctx): boolean {
  let may = settingWords.get(ctx);
  if (may === undefined) {
    may =
      /defaultOptions|defaultMaxListeners|stackTraceLimit|console\s*\.\s*(group|count|time)|["'`]warning["'`]/.test(
        ctx.code,
      );
    settingWords.set(ctx, may);
  }
  return may;
}

/** Where the program (this file, outside `worker`) changes per-thread state, by kind. */
function perThreadSettings(ctx: Ctx, worker: t.Function): Map<Setting, Node> {
  const found = new Map<Setting, Node>();
  // Most files change none of it: the text says so before any walk (which may open lazy bodies).
  if (!mayChangeSettings(ctx)) return found;
  const set = (kind: Setting, at: Node): void => {
    if (!found.has(kind)) found.set(kind, at);
  };
  ctx.tree.walk(ctx.program as Node, (n) => {
    if (n === worker) return false;
    if (n.type === "AssignmentExpression") {
      const target = squeeze(sourceOf(ctx, n.left as Node));
      if (/(^|\.)inspect\.defaultOptions([.[]|$)/.test(target)) set("inspect", n);
      else if (/(^|\.)defaultMaxListeners$/.test(target)) set("listeners", n);
      else if (target === "Error.stackTraceLimit") set("stack", n);
      return undefined;
    }
    if (n.type !== "CallExpression" && n.type !== "OptionalCallExpression") return undefined;
    const callee = strip(n.callee as Node);
    const first = n.arguments[0] ? strip(n.arguments[0] as Node) : undefined;
    if (callee.type !== "MemberExpression" && callee.type !== "OptionalMemberExpression") return undefined;
    const o = strip(callee.object as Node);
    const method = memberName(callee);
    if (squeeze(sourceOf(ctx, callee)) === "Object.assign" && first)
      if (/(^|\.)inspect\.defaultOptions$/.test(squeeze(sourceOf(ctx, first)))) set("inspect", n);
    if (isGlobal(ctx, o, "console")) {
      if (method === "group" || method === "groupCollapsed") set("group", n);
      else if (method !== undefined && COUNTERS.has(method)) set("counters", n);
    } else if (
      isGlobal(ctx, o, "process") &&
      method !== undefined &&
      LISTEN.has(method) &&
      first?.type === "StringLiteral" &&
      first.value === "warning"
    )
      set("warning", n);
    return undefined;
  });
  return found;
}

const COUNTERS = new Set(["count", "countReset", "time", "timeEnd", "timeLog"]);
const OUTPUT = new Set([
  "log",
  "info",
  "warn",
  "error",
  "debug",
  "dir",
  "table",
  "trace",
  "count",
  "timeLog",
  "timeEnd",
]);

function squeeze(text: string): string {
  return text.replace(/\s+/g, "");
}

/** Code as a message quotes it: spaces collapsed, at most `max` characters. */
function shown(ctx: Ctx, n: Node, max: number): string {
  const text = sourceOf(ctx, n).replace(/\s+/g, " ");
  return text.length <= max ? text : `${text.slice(0, max - 3)}...`;
}

/** What `n` in a worker function uses of per-thread state the program changed (SA314), once per kind. */
function perThreadUse(
  ctx: Ctx,
  n: Node,
  settings: Map<Setting, Node>,
  told: Set<Setting>,
): { what: string; why: string } | undefined {
  if (settings.size === 0) return undefined;
  const at = (kind: Setting): string =>
    `\`${shown(ctx, settings.get(kind)!, 48)}\` at ${locOf(ctx, settings.get(kind)!)}`;
  // The message is made only once the kind is known to be set: `at(kind)` of a kind the program
  // never set has no node to show (attack23 F3: `process.on("warning")` + `new EventEmitter()`).
  const once = (
    kind: Setting,
    what: string,
    why: () => string,
  ): { what: string; why: string } | undefined => {
    if (!settings.has(kind) || told.has(kind)) return undefined;
    told.add(kind);
    return { what, why: why() };
  };
  if (n.type === "NewExpression") {
    const callee = squeeze(sourceOf(ctx, n.callee as Node));
    if (/(^|\.)EventEmitter$/.test(callee))
      return once(
        "listeners",
        `creates \`${shown(ctx, n, 40)}\``,
        () =>
          `the program sets ${at("listeners")}, but a worker has its own \`events\` module: its emitters keep the default limit of 10`,
      );
    return undefined;
  }
  if (n.type === "MemberExpression" && memberName(n) === "stack" && settings.has("stack"))
    return once(
      "stack",
      `reads \`${shown(ctx, n, 40)}\``,
      () => `the program sets ${at("stack")}, but a worker has its own \`Error.stackTraceLimit\` (10)`,
    );
  if (n.type === "MemberExpression" && memberName(n) === "getMaxListeners")
    return once(
      "listeners",
      `calls \`${shown(ctx, n, 40)}()\``,
      () =>
        `the program sets ${at("listeners")}, but a worker has its own \`events\` module: the default there is 10`,
    );
  if (n.type !== "CallExpression" && n.type !== "OptionalCallExpression") return undefined;
  const callee = strip(n.callee as Node);
  const text = squeeze(sourceOf(ctx, callee));
  const method = callee.type.endsWith("MemberExpression") ? memberName(callee) : undefined;
  const onConsole =
    callee.type.endsWith("MemberExpression") &&
    isGlobal(ctx, strip((callee as t.MemberExpression).object as Node), "console");
  if (onConsole && method !== undefined && COUNTERS.has(method) && settings.has("counters"))
    return once(
      "counters",
      `calls \`console.${method}()\``,
      () =>
        `the program counts or times with ${at("counters")}, but a worker's console has counters and timers of its own: \`console.count\` starts again at 1 there, a label started on one thread is unknown on the other`,
    );
  if (onConsole && method !== undefined && OUTPUT.has(method) && settings.has("group"))
    return once(
      "group",
      `writes with \`console.${method}()\``,
      () =>
        `the program indents its console with ${at("group")}, but a worker's console has its own indentation (none): its lines are not indented`,
    );
  const inspects =
    /(^|\.)inspect$/.test(text) ||
    /^util\.format(WithOptions)?$/.test(text) ||
    (onConsole &&
      method !== undefined &&
      OUTPUT.has(method) &&
      n.arguments.some((a) => !plainText(a as Node)));
  if (inspects && settings.has("inspect"))
    return once(
      "inspect",
      `formats values with \`${text}()\``,
      () =>
        `the program sets ${at("inspect")}, but a worker has its own \`util\` module with the default options: objects print another way there`,
    );
  if (text === "process.emitWarning" && settings.has("warning"))
    return once(
      "warning",
      "calls `process.emitWarning()`",
      () =>
        `the program handles warnings with ${at("warning")}, but a worker's warnings go to its own \`process\` object: the handler never sees them and Node prints them to standard error`,
    );
  return undefined;
}

/** A string, number or template argument: printed as is, not inspected. */
function plainText(n: Node): boolean {
  const x = strip(n);
  return x.type === "StringLiteral" || x.type === "NumericLiteral" || x.type === "TemplateLiteral";
}

function isGlobal(ctx: Ctx, n: Node, name: string): boolean {
  return n.type === "Identifier" && n.name === name && ctx.scopes.binding(n, name) === undefined;
}

function madeObject(init: Node): boolean {
  if (init.type === "ObjectExpression" || init.type === "ArrayExpression" || init.type === "NewExpression")
    return true;
  if (init.type !== "CallExpression" || isFunction(init)) return false;
  const callee = strip(init.callee as Node);
  const arg = init.arguments[0];
  return (
    callee.type === "MemberExpression" &&
    callee.object.type === "Identifier" &&
    callee.object.name === "Object" &&
    ["freeze", "seal", "preventExtensions"].includes(memberName(callee) ?? "") &&
    arg !== undefined &&
    madeObject(strip(arg as Node))
  );
}

/**
 * The module object a call compares an argument with by identity: `Object.is(x, ADMIN)`, or
 * `includes`/`indexOf`/`lastIndexOf` of a module-level array literal an element of which is an
 * object (`ADMINS.includes(role)`, `[ADMIN, OWNER].includes(role)`), with a key not written as
 * a primitive.
 */
function identityCall(ctx: Ctx, call: t.CallExpression | t.OptionalCallExpression): string | undefined {
  const callee = strip(call.callee as Node);
  if (!callee.type.endsWith("MemberExpression")) return undefined;
  const name = memberName(callee);
  const o = strip((callee as t.MemberExpression).object as Node);
  if (name === "is" && isGlobal(ctx, o, "Object")) {
    for (const a of call.arguments.slice(0, 2)) {
      const side = a.type === "SpreadElement" ? undefined : moduleObject(ctx, strip(a as Node));
      if (side) return side;
    }
    return undefined;
  }
  if (name !== "includes" && name !== "indexOf" && name !== "lastIndexOf") return undefined;
  if (primitiveKey(call.arguments[0] as Node | undefined)) return undefined;
  let list: t.ArrayExpression | undefined;
  if (o.type === "ArrayExpression") list = o;
  else if (o.type === "Identifier") {
    const b = ctx.scopes.binding(o, o.name);
    const init =
      b && b.scope === ctx.scopes.program && b.kind === "const" ? objectBinding(ctx, b) : undefined;
    list = init && arrayOf(init);
  }
  for (const e of list ? elements(list) : []) {
    const side = moduleObject(ctx, e);
    if (side) return side;
    if (e.type === "ObjectExpression" || e.type === "NewExpression") return shown(ctx, e, 32);
  }
  return undefined;
}

/** A key written as a primitive (`rights.get("admin")`): found in a copy as in the original. */
function primitiveKey(k: Node | undefined): boolean {
  const x = k && strip(k);
  return (
    x === undefined ||
    x.type === "StringLiteral" ||
    x.type === "NumericLiteral" ||
    x.type === "BooleanLiteral" ||
    x.type === "NullLiteral" ||
    x.type === "BigIntLiteral" ||
    x.type === "TemplateLiteral"
  );
}

/**
 * attack27 F16: a module-level `Map`/`Set` an object key of which the build sees — in its
 * initializer (`new Map([[ADMIN, "all"]])`, `new Set([ADMIN])`) or in a top-level
 * `rights.set(ADMIN, …)` / `admins.add(ADMIN)` — where the key is an object literal, `new …`, or
 * a module-level object (of this module or imported). One keyed by strings is not named.
 */
function objectKey(ctx: Ctx, b: Binding): { kind: "Map" | "Set"; shown: string } | undefined {
  const kind = keyedCollection(b);
  if ((kind !== "Map" && kind !== "Set") || b.node.type !== "VariableDeclarator") return undefined;
  const keys: Node[] = [];
  const init = strip(b.node.init as Node) as t.NewExpression;
  const list = init.arguments[0] ? strip(init.arguments[0] as Node) : undefined;
  if (list?.type === "ArrayExpression")
    for (const e of list.elements) {
      const x = e && e.type !== "SpreadElement" ? strip(e as Node) : undefined;
      if (kind === "Set" && x) keys.push(x);
      else if (x?.type === "ArrayExpression" && x.elements[0] && x.elements[0].type !== "SpreadElement")
        keys.push(strip(x.elements[0] as Node));
    }
  for (const stmt of ctx.program.body as Node[]) {
    const call = stmt.type === "ExpressionStatement" ? strip(stmt.expression as Node) : undefined;
    if (call?.type !== "CallExpression" || !call.arguments[0]) continue;
    const callee = strip(call.callee as Node);
    if (callee.type !== "MemberExpression" || memberName(callee) !== (kind === "Map" ? "set" : "add"))
      continue;
    const o = strip(callee.object as Node);
    if (o.type === "Identifier" && ctx.scopes.binding(o, o.name) === b)
      keys.push(strip(call.arguments[0] as Node));
  }
  for (const k of keys)
    if (madeObject(k) || moduleObject(ctx, k) !== undefined) return { kind, shown: shown(ctx, k, 32) };
  return undefined;
}

function weakCollection(b: Binding): boolean {
  if (b.node.type !== "VariableDeclarator" || !b.node.init) return false;
  const init = strip(b.node.init as Node);
  return (
    init.type === "NewExpression" &&
    init.callee.type === "Identifier" &&
    (init.callee.name === "WeakMap" || init.callee.name === "WeakSet")
  );
}
