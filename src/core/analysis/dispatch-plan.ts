import type { types as t } from "@babel/core";
import type { CallNode } from "./calls.js";
import { strip } from "./transparent.js";
import type { Node } from "./tree.js";
import { memberName } from "./view.js";

/**
 * A dispatched method call, `obj.m(a)` → `_sa.callSyncOf(_obj = obj, _obj.m, "m", [a])` (the
 * runtime picks the variant by the marker of what `obj.m` holds, §3.3), described once here for
 * both emitters: which links of the call's optional chain are kept, which temporaries hold the
 * receiver and the method, what short-circuits to `undefined`. An emitter only prints the
 * expression (Babel builds nodes, the SWC adapter writes text around the source's own), so the two
 * outputs cannot drift apart.
 */

/** The optional links of a call's chain at the method (attack21 F11). */
export interface OptionalLinks {
  /** `r?.m()`: a nullish receiver stops the chain. */
  receiver: boolean;
  /** `r.m?.()`: a nullish method stops the chain. */
  call: boolean;
  /**
   * `o?.repo.m()`, `o?.[k].m()`, `o.a?.b.m()`, `o?.repo!.m()`: the short circuit comes from a `?.`
   * further up the receiver's chain, at this link (`o?.repo`), with none after it. The dispatch
   * splits the chain there (attack23 F14): the part before the `?.` (`o`) once, tested, then the
   * links after it (`.repo`) on the value held (`splitLink`).
   */
  inner?: Node;
  /**
   * The short circuit comes from further up the chain and the chain cannot be split
   * (`o.f?.(x).m()`: the link is a call, whose `this` a split would lose), or the chain ends
   * inside the callee's parentheses (`(r?.m)()`): the receiver alone, evaluated apart, cannot
   * tell a short circuit from a nullish value.
   */
  broken: boolean;
}

/**
 * The optional links a dispatched `obj.m(…)` must keep (attack21 F11: `await r?.read(x)` in an
 * inline copy lost its `?.`): `receiver` for `r?.m()`, `call` for `r.m?.()`, `inner` for
 * `o?.repo.read()` (attack23 F14), `broken` for what the dispatch cannot keep (`undispatchable`
 * says why such a call is left as written). `(o?.repo).read()` ends the chain at the parentheses
 * and is none of these.
 */
export function optionalLinks(call: CallNode): OptionalLinks {
  const callee = call.callee as Node & { extra?: { parenthesized?: boolean } };
  // `(r?.m)(a)`: the chain ends at the parentheses, and a short circuit calls `undefined`.
  if (
    (callee.extra?.parenthesized === true && callee.type === "OptionalMemberExpression") ||
    (strip(callee) !== callee && strip(callee).type === "OptionalMemberExpression")
  )
    return { receiver: false, call: false, broken: true };
  const receiver = callee.type === "OptionalMemberExpression" && callee.optional === true;
  const own = call.type === "OptionalCallExpression" && call.optional === true;
  if (receiver || (callee.type !== "OptionalMemberExpression" && callee.type !== "MemberExpression"))
    return { receiver, call: own, broken: false };
  const object = callee.object as Node & { extra?: { parenthesized?: boolean } };
  const chained =
    callee.type === "OptionalMemberExpression" ||
    ((object.type === "OptionalMemberExpression" || object.type === "OptionalCallExpression") &&
      object.extra?.parenthesized !== true);
  if (!chained) return { receiver, call: own, broken: false };
  const inner = splitLink(object);
  return inner ? { receiver, call: own, inner, broken: false } : { receiver, call: own, broken: true };
}

/**
 * The link of a receiver's optional chain that holds its last `?.` (`o?.repo` in `o?.repo.m()`,
 * `o?.[k]` in `o?.[k].b.m()`), walking down the plain links after it (members, calls, a
 * TypeScript `!`, which is part of the chain); undefined where the chain ends first at
 * parentheses (`(o?.a).b`: no short circuit reaches the method), or where that `?.` is a call's
 * (`o.f?.(x).m()`: `f` called apart from `o` would lose its `this`).
 */
function splitLink(object: Node): Node | undefined {
  let n = object;
  for (;;) {
    if ((n as { extra?: { parenthesized?: boolean } }).extra?.parenthesized === true) return undefined;
    if (n.type === "OptionalMemberExpression") {
      if (n.optional === true) return n;
      n = n.object as Node;
    } else if (n.type === "OptionalCallExpression") {
      if (n.optional === true) return undefined;
      n = n.callee as Node;
    } else if (n.type === "TSNonNullExpression") n = n.expression as Node;
    else return undefined;
  }
}

/** Whether a call is written in an optional chain (`obj?.m()`, `obj.m?.()`, `o?.a.m()`). */
export function inOptionalChain(call: CallNode): boolean {
  return call.type === "OptionalCallExpression" || call.callee.type === "OptionalMemberExpression";
}

/** Why a method call in an optional chain is not dispatched, as `MSG` words it in two parts. */
export interface Undispatchable {
  reason: string;
  advice: string;
}

/**
 * Whether an optional method call can be dispatched with its short circuit kept, for sync code's
 * calls and an inline copy's leaves alike (one rule): the dispatch replaces the call with
 * `(_obj = r) == null ? void 0 : _sa.callSyncOf(…)`, which ends the chain at the call. So it is
 * not dispatched where a short circuit comes from further up the chain and the chain cannot be
 * split there (`o.f?.(x).m()`, `(r?.m)()`: `broken`; `o?.repo.m()` is split, `inner`), nor where
 * the chain goes on after the call (`r?.m().length` gives `undefined` when `r` is nullish; ending
 * the chain at the call would read `.length` of `undefined`). `parent` is the tree's parent link.
 */
export function undispatchable(
  call: CallNode,
  name: string,
  parent: (n: Node) => Node | undefined,
): Undispatchable | undefined {
  if (optionalLinks(call).broken)
    return {
      reason: "a call after an optional call of its chain, or in parentheses with it, is not dispatched",
      advice: `write \`?.\` at the method too (\`a?.b?.${name}(…)\`), or check the receiver first`,
    };
  if (inOptionalChain(call) && chainGoesOn(call, parent))
    return {
      reason: "an optional chain that goes on after the call is not dispatched",
      advice: `write \`?.\` after the call too (\`r?.${name}(…)?.x\`), or check the receiver first`,
    };
  return undefined;
}

/** Whether the optional chain a call is in goes on after it (`r?.m().x`, `r?.m()!.x`, `r?.m()()`). */
function chainGoesOn(call: CallNode, parent: (n: Node) => Node | undefined): boolean {
  let n: Node = call;
  for (;;) {
    if ((n as { extra?: { parenthesized?: boolean } }).extra?.parenthesized === true) return false;
    const p = parent(n);
    if (!p) return false;
    // `r?.m()!.x`: a non-null assertion is part of the chain.
    if (p.type === "TSNonNullExpression") {
      n = p;
      continue;
    }
    if (p.type === "OptionalMemberExpression") return p.object === n && p.optional !== true;
    if (p.type === "OptionalCallExpression") return p.callee === n && p.optional !== true;
    return false;
  }
}

/** What an emitter prints: a small expression whose two holes are the source's own text. */
export type DispatchExpr =
  /** The call's receiver expression as written (a hole, filled once). */
  | { kind: "receiver" }
  /**
   * The receiver's chain before its last `?.` as written (`o` in `o?.repo.m(a)`, the object of
   * `link`, `OptionalLinks.inner`): a hole, filled once.
   */
  | { kind: "head"; link: Node }
  /**
   * The receiver's links after its last `?.` as written, on `object` instead of the head and with
   * no `?.` left (`.repo` → `_obj.repo`, `[k]` → `_obj[k]`; `dot`: the text after the `?.` wants a
   * `.` before it): a hole, filled once.
   */
  | { kind: "rest"; link: Node; object: DispatchExpr; dot: boolean }
  /** The call's arguments as written, in an array literal `[a, b]` (a hole, filled once). */
  | { kind: "arguments" }
  | { kind: "this" }
  | { kind: "super" }
  /** A module-level temporary the emitter declared (`DispatchTemps`). */
  | { kind: "temp"; name: string }
  | { kind: "assign"; name: string; value: DispatchExpr }
  /** `object.name`, or `object["a-b"]` where the name is no identifier. */
  | { kind: "member"; object: DispatchExpr; name: string }
  | { kind: "string"; value: string }
  /** `value == null` */
  | { kind: "nullish"; value: DispatchExpr }
  | { kind: "or"; left: DispatchExpr; right: DispatchExpr }
  /** `test ? void 0 : value`: the chain's short circuit. */
  | { kind: "stop"; test: DispatchExpr; value: DispatchExpr }
  /** `_sa.helper(…args)`: a function of the runtime. */
  | { kind: "runtime"; helper: string; args: DispatchExpr[] };

/**
 * Where the emitter's temporaries come from: `temp()` the module's shared one (written and read
 * with no user code between), `fresh(base)` one of its own (a getter of `m` runs between the
 * receiver's write and its read in `(_method = (_recv = r).m) == null ? …`, and could overwrite
 * the shared one). Both adapters' `Imports` give these.
 */
export interface DispatchTemps {
  temp(): string;
  fresh(base: string): string;
}

/** The method name a dispatched call names (`obj.m`, `obj["m"]`, `` obj[`m`] ``, `obj?.m`). */
export function dispatchedName(call: CallNode): string {
  return memberName(call.callee as Node) ?? "";
}

/**
 * The dispatch of `call` through the runtime's `${helper}Of`, its optional links kept:
 *
 * - `obj.m(a)` → `_sa.callSyncOf(_obj = obj, _obj.m, "m", [a])`: the receiver runs once and
 *   `obj.m` is read before the arguments, as the call it replaces reads it (fixture
 *   strategies/dispatch-evaluation-order);
 * - `super.m(a)` → `_sa.callSyncOf(this, super.m, "m", [a])`: `super` is no value to keep in a
 *   temporary, and the receiver of a `super` call is `this` (attack18 F14);
 * - `r?.m(a)` → `(_obj = r) == null ? void 0 : _sa.callSyncOf(_obj, _obj.m, "m", [a])`;
 * - `r.m?.(a)` → `(_method = (_recv = r).m) == null ? void 0 : _sa.callSyncOf(_recv, _method,
 *   "m", [a])`, and `r?.m?.(a)` → `(_recv = r) == null || (_method = _recv.m) == null ? void 0 :
 *   …`: the method read once, into a temporary of its own;
 *
 * - `o?.repo.m(a)` (the last `?.` further up the receiver's chain, attack23 F14) → `(_obj = o) ==
 *   null ? void 0 : _sa.callSyncOf(_obj = _obj.repo, _obj.m, "m", [a])`, and `o?.repo.m?.(a)` →
 *   `(_obj = o) == null || (_method = (_recv = _obj.repo).m) == null ? void 0 : …`: the chain split
 *   at its last `?.`, the part before it evaluated once and tested, the links after it read on the
 *   value held (the shared temporary serves both: `_obj.repo` reads it before any user code runs);
 *
 * where the chain stops the arguments are not evaluated, as in the call written (attack21 F11).
 * `loc`: the call's place, the fallback's error names it if the function has no sync variant and
 * gives a promise (an inline copy's dispatch passes none: the copy's guard is around it). A call
 * `undispatchable` refuses is never planned (the analysis keeps it plain).
 */
export function dispatchPlan(
  call: CallNode,
  helper: string,
  temps: DispatchTemps,
  loc?: string,
): DispatchExpr {
  const name = dispatchedName(call);
  const callee = call.callee as t.MemberExpression;
  const sup = callee.object.type === "Super";
  const links = optionalLinks(call);
  const tail = (recv: DispatchExpr, method: DispatchExpr): DispatchExpr => ({
    kind: "runtime",
    helper: `${helper}Of`,
    args: [
      recv,
      method,
      { kind: "string", value: name },
      { kind: "arguments" },
      ...(loc !== undefined ? [{ kind: "string", value: loc } as const] : []),
    ],
  });
  let obj: DispatchExpr = sup ? { kind: "super" } : { kind: "receiver" };
  // `o?.repo.m(a)`: `(_obj = o) == null` stops the chain, and the receiver is `_obj.repo`.
  let split: DispatchExpr | undefined;
  const link = links.inner;
  if (link !== undefined) {
    const head = temps.temp();
    split = { kind: "nullish", value: { kind: "assign", name: head, value: { kind: "head", link } } };
    const dot = (link as t.OptionalMemberExpression).computed !== true;
    obj = { kind: "rest", link, object: { kind: "temp", name: head }, dot };
  }
  if (links.call) {
    // The receiver and the method in temporaries of their own: a getter of `m` runs between.
    const recv = sup ? undefined : temps.fresh("recv");
    const method = temps.fresh("method");
    const self: DispatchExpr = recv === undefined ? { kind: "this" } : { kind: "temp", name: recv };
    const setRecv: DispatchExpr = recv === undefined ? obj : { kind: "assign", name: recv, value: obj };
    const own: DispatchExpr = {
      kind: "nullish",
      value: { kind: "assign", name: method, value: { kind: "member", object: setRecv, name } },
    };
    const test: DispatchExpr = links.receiver
      ? {
          kind: "or",
          left: { kind: "nullish", value: setRecv },
          right: {
            kind: "nullish",
            value: { kind: "assign", name: method, value: { kind: "member", object: self, name } },
          },
        }
      : split
        ? { kind: "or", left: split, right: own }
        : own;
    return { kind: "stop", test, value: tail(self, { kind: "temp", name: method }) };
  }
  if (sup) return tail({ kind: "this" }, { kind: "member", object: obj, name });
  const tmp = temps.temp();
  const held: DispatchExpr = { kind: "temp", name: tmp };
  const setObj: DispatchExpr = { kind: "assign", name: tmp, value: obj };
  if (links.receiver || split)
    return {
      kind: "stop",
      test: split ?? { kind: "nullish", value: setObj },
      value: tail(split ? setObj : held, { kind: "member", object: held, name }),
    };
  return tail(setObj, { kind: "member", object: held, name });
}
