import type { types as t } from "@babel/core";
import { MSG } from "../messages.js";
import { at, type Ctx, fail, locOf } from "./ctx.js";
import type { SaFactory, SaFunction } from "./model.js";
import { isFunction, isFunctionBinding, type Node } from "./tree.js";
import { memberName, strip } from "./view.js";

/**
 * `return (x as T)` → `x`: what a return gives, through parentheses and type assertions, and
 * through the wrapper that marks the methods of a returned object, which a previous pass added
 * (`(_o => (_sa.mark(_o.load, …), _o))({ … })`, see checks.ts `ownerName`).
 */
function returned(n: Node | null | undefined): Node | undefined {
  const cur = n ? strip(n) : undefined;
  if (
    cur?.type === "CallExpression" &&
    cur.callee.type === "ArrowFunctionExpression" &&
    cur.arguments.length === 1 &&
    cur.arguments[0]!.type === "ObjectExpression"
  )
    return cur.arguments[0] as Node;
  return cur;
}

/**
 * The objects a factory returns, with their annotated methods, and the checks its twin needs
 * (docs/semantics.md, "Factories"). The twin is a copy of the factory in which each returned
 * object literal holds its annotated async methods' sync variants under the methods' own names:
 * so every annotated function inside the factory must be such a method (another would need its
 * own pair in the copy), and at least one must be there. The twin's name must be free, unless a
 * previous pass generated it (every method already marked): SA103 names a hand-written twin.
 */
export function resolveFactories(ctx: Ctx, factories: SaFactory[], fns: SaFunction[]): void {
  for (const factory of factories) {
    const f = factory.fn;
    const own: Node[] = [];
    if (f.body.type !== "BlockStatement") own.push(f.body);
    ctx.tree.walk(f.body, (n) => {
      if (isFunction(n)) return false;
      if (n.type === "ReturnStatement") own.push((n as t.ReturnStatement).argument as Node);
      return undefined;
    });
    const objects = new Set<Node | undefined>(
      own.map(returned).filter((n) => n?.type === "ObjectExpression"),
    );
    for (const fn of fns) {
      if (fn.fn.start! < f.start! || fn.fn.end! > f.end!) continue;
      if (fn.form === "object-method" && objects.has(fn.holder)) {
        const list = factory.holders.get(fn.holder!) ?? [];
        list.push(fn);
        factory.holders.set(fn.holder!, list);
        continue;
      }
      fail(ctx, "SA102", at(fn.loc), MSG.factoryInner(factory.name, fn.display));
    }
    const replaced = replacedMethods(factory);
    if (replaced.length === 0) fail(ctx, "SA102", at(factory.loc), MSG.factoryEmpty(factory.name));
    const taken = ctx.scopes.binding(factory.stmt, factory.variant);
    if (!taken) {
      for (const fn of replaced) fn.factory = factory;
      continue;
    }
    if ([...factory.holders.values()].every((list) => list.every((fn) => fn.processed))) {
      factory.processed = true;
      continue;
    }
    fail(
      ctx,
      "SA103",
      at(factory.loc),
      MSG.factoryClash(factory.variant, factory.name, isFunctionBinding(taken.node)),
    );
  }
}

/**
 * What the twin does with the annotated methods of one returned object (both emitters build the
 * twin from this): each `replaced` method — an async one — is replaced by its sync variant under
 * the method's own key; each `kept` method — a sync one — stays as written, and its async
 * variant is left out (the twin's objects are plain objects of sync methods).
 */
export interface TwinObject {
  holder: Node;
  replaced: SaFunction[];
  kept: SaFunction[];
}

export function twinObjects(factory: SaFactory): TwinObject[] {
  return [...factory.holders].map(([holder, list]) => ({
    holder,
    replaced: list.filter((fn) => fn.kind === "async"),
    kept: list.filter((fn) => fn.kind !== "async"),
  }));
}

/** Every method the twin replaces by its sync variant, over all the returned objects. */
export function replacedMethods(factory: SaFactory): SaFunction[] {
  return twinObjects(factory).flatMap((o) => o.replaced);
}

/** The report's entry for a factory: its twin and the methods the twin makes sync. */
export function factoryReport(ctx: Ctx, factory: SaFactory) {
  const methods = replacedMethods(factory);
  return {
    name: factory.name,
    loc: locOf(ctx, at(factory.loc)),
    twin: factory.variant,
    methods: methods.map((fn) => fn.name),
  };
}

/**
 * A call of a factory's annotated async method that uses its promise (`awaited`: `await`,
 * `.then`/`.catch`/`.finally`, an element of `Promise.all([…])`) in code the twin copies as
 * written — another member of the returned object, an annotated sync method, the factory's own
 * code (attack30 F06). In the twin the method's key holds its sync variant, which gives the
 * value: `this.load(a).catch(…)` would fail there with `.catch is not a function`, or hand a sync
 * caller a promise. The build refuses the factory there (SA102; fixture
 * diagnostics/sa102-factory-promise-use). The annotated async methods' own bodies are not copied:
 * their sync variants are. `resolved`: the function the call was resolved to, if any; a
 * `this.load()` of a sibling member is dispatched by name, and found here by its object.
 */
export function refusePromiseUse(
  ctx: Ctx,
  byOwner: ReadonlyMap<Node, ReadonlyMap<string, SaFunction>>,
  call: Node,
  resolved: SaFunction | undefined,
  text: string,
): void {
  const callee = resolved ?? siblingMethod(ctx, byOwner, call);
  const factory = callee?.factory;
  if (factory === undefined || !ctx.tree.within(call, factory.fn as Node)) return;
  if (replacedMethods(factory).some((fn) => ctx.tree.within(call, fn.fn as Node))) return;
  fail(ctx, "SA102", call, MSG.factoryPromiseUse(factory.name, factory.variant, text, callee!.name));
}

/** `this.m(…)` in a method of an object literal (or an arrow in one): that object's annotated `m`. */
function siblingMethod(
  ctx: Ctx,
  byOwner: ReadonlyMap<Node, ReadonlyMap<string, SaFunction>>,
  call: Node,
): SaFunction | undefined {
  if (call.type !== "CallExpression" && call.type !== "OptionalCallExpression") return undefined;
  const callee = strip(call.callee as Node);
  if (callee.type !== "MemberExpression" && callee.type !== "OptionalMemberExpression") return undefined;
  if (strip(callee.object as Node).type !== "ThisExpression") return undefined;
  const name = memberName(callee);
  if (name === undefined) return undefined;
  let f: Node | undefined = ctx.tree.functionParent(call);
  while (f?.type === "ArrowFunctionExpression") f = ctx.tree.functionParent(f);
  if (f === undefined) return undefined;
  const member = f.type === "ObjectMethod" ? f : ctx.tree.parent(f);
  if (member?.type !== "ObjectMethod" && member?.type !== "ObjectProperty") return undefined;
  const holder = ctx.tree.parent(member);
  return holder?.type === "ObjectExpression" ? byOwner.get(holder)?.get(name) : undefined;
}
