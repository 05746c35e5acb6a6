import type { types as t } from "@babel/core";
import type { Plan } from "../core/analysis/analyse.js";
import {
  type CallEdit,
  type CallNode,
  keptCheck,
  type OwnCheck,
  ownCheckOf,
  referenceOf,
  referenceSlot,
  type Shape,
  type ViaMarker,
  viaMarker,
} from "../core/analysis/calls.js";
import { passesReceiver } from "../core/analysis/collect.js";
import { type DispatchExpr, dispatchPlan } from "../core/analysis/dispatch-plan.js";
import { deferredReturns } from "../core/analysis/forms.js";
import { holderCalls, spreadChecks } from "../core/analysis/literal-variants.js";
import type { LoopCopy } from "../core/analysis/loop-copy.js";
import { markerPlace } from "../core/analysis/marker-place.js";
import type { SaFunction } from "../core/analysis/model.js";
import { iifeFunction, iifeValueSlots, TRANSPARENT, valueLeaves } from "../core/analysis/view.js";
import { type AwaitFact, twinCheckHelper } from "../core/inline.js";
import { isIdentifierName } from "../core/naming.js";
import { variantKind } from "../core/strategy.js";
import { syntaxOf } from "../core/syntax.js";
import { RUNTIME_MODULE } from "../core/twins.js";
import { cloneWithMap, insertAfterIn, replaceIn, rewriteTree } from "./clone.js";
import type { Imports } from "./imports.js";

/** What the Babel emitter works with: Babel's builders, the core's plan, the file's name. */
export interface EmitCtx {
  t: typeof import("@babel/core").types;
  plan: Plan;
  filename: string | undefined;
  /**
   * The output is TypeScript read by TypeScript's checker (`smartasync build`'s declarations
   * pass): generated code must type-check where the source does, so the `this.m()` check reads
   * the variant as `(this.mSync as any)[_sa.OF]` (a method's type has no `OF` member).
   */
  typed?: boolean;
}

/** Renames what a call reaches, by its shape (in place, so it works on originals and copies). */
function rename(
  ctx: EmitCtx,
  call: CallNode,
  shapeKind: Shape["kind"],
  to: string,
  own?: { check: OwnCheck; imports: Imports; loc?: string },
): void {
  const t = ctx.t;
  if (own && (to !== own.check.name || own.check.kept !== undefined)) {
    // `this.m()` → `(this.mSync?.[_sa.OF] === (_obj = this.m) ? this : _sa.viaOf(this, _obj, "m",
    // "mSync", "sync")).mSync()`: a subclass's override is dispatched (fixture
    // methods/this-override), and `this.m` is read once, before the arguments, as the call reads
    // it (an accessor runs once; fixture strategies/dispatch-evaluation-order). `C.m()` checks `C`
    // the same way, and `super.m()` the parent's method (fixture methods/replaced-class-methods).
    const { check, imports } = own;
    const ref = referenceOf(call, shapeKind) as t.MemberExpression;
    const object = ref.object;
    const self = (): t.Expression =>
      object.type === "ThisExpression" ? t.thisExpression() : t.cloneNode(object as t.Identifier);
    const base = (): t.Expression | t.Super => (object.type === "Super" ? t.super() : self());
    // A sync-kind method kept as itself (attack25 F19): its async variant points back at it.
    const kept = check.kept;
    const variant = member(t, base(), kept ?? to);
    // `?.`: a receiver without `mSync` (a borrowed method, `outer.call(other)`, a mixin) reads
    // `undefined` and takes the dispatch, which calls that receiver's own `m` (attack17 F8;
    // fixture methods/this-borrowed-receiver).
    const expected = t.optionalMemberExpression(
      ctx.typed ? t.tsAsExpression(variant, t.tsAnyKeyword()) : variant,
      t.memberExpression(t.identifier(imports.runtime()), t.identifier("OF")),
      true,
      true,
    );
    const tmp = imports.temp();
    const read = t.assignmentExpression("=", t.identifier(tmp), member(t, base(), check.name));
    const mode = t.stringLiteral(kept !== undefined ? "sync" : variantKind(check.kind));
    // The call's place: the fallback throws there if the override gives a promise.
    const at = own.loc !== undefined ? [t.stringLiteral(own.loc)] : [];
    // The variant if the member is still the function, else one that dispatches on what it read
    // with the receiver it is called with.
    const chosen = (): t.ConditionalExpression =>
      t.conditionalExpression(
        t.binaryExpression("===", expected, read),
        // Kept as itself, the method is what the check read.
        kept !== undefined ? t.identifier(tmp) : member(t, base(), to),
        runtimeCall(ctx, imports, "viaFn", [t.identifier(tmp), t.stringLiteral(check.name), mode, ...at]),
      );
    if (shapeKind === "call-apply" || shapeKind === "bind") {
      // `Api.load.call(t, a)` → `(Api.loadSync?.[_sa.OF] === (_obj = Api.load) ? Api.loadSync :
      // _sa.viaFn(_obj, "load", "sync")).call(t, a)`: `.call`/`.apply`/`.bind` give the receiver
      // (attack20 F2; fixture typescript/namespace-stub-call-apply).
      const slot = referenceSlot(call, shapeKind);
      slot.holder[slot.key] = chosen();
      return;
    }
    if (object.type === "Super") {
      // `super` is no value to pick: `super.m(a)` → `(super.mSync?.[_sa.OF] === (_obj = super.m)
      // ? super.mSync : _sa.viaFn(_obj, "m", "sync")).call(this, a)`.
      ref.object = chosen();
      ref.property = t.identifier("call");
      ref.computed = false;
      call.arguments.unshift(t.thisExpression());
      return;
    }
    ref.object = t.conditionalExpression(
      t.binaryExpression("===", expected, read),
      self(),
      runtimeCall(ctx, imports, "viaOf", [
        self(),
        t.identifier(tmp),
        t.stringLiteral(check.name),
        t.stringLiteral(to),
        mode,
        ...at,
      ]),
    );
  }
  if (shapeKind === "choice") {
    call.callee = t.identifier(to);
    return;
  }
  // The core names the node (through `(0, f)`, `f!`, `.call`, `.bind(…)`, a template's tag).
  const ref = referenceOf(call, shapeKind);
  if (ref.type === "Identifier") {
    ref.name = to;
    // The map names the call after what it calls now. Node's `--enable-source-maps` takes a
    // frame's name from the map, failing the function's own from its call site's mapping, and the
    // parser's `identifierName` (the name as written, kept on the renamed node) put `parse` there:
    // the inline variant's frame read `at parse` under Babel, `at parseSync` under SWC (attack18
    // F21). With the new name the generator writes none (it equals the output's), as SWC does.
    if (ref.loc) ref.loc = { ...ref.loc, identifierName: to };
  } else if (ref.type === "MemberExpression" || ref.type === "OptionalMemberExpression") {
    // A variant of a string-named export or method (`ns["fetch-it"]()` → `ns["fetch-itSync"]()`,
    // fixture modules/string-named-member-call) stays computed.
    const named = isIdentifierName(to);
    ref.property = named ? t.identifier(to) : t.stringLiteral(to);
    ref.computed = !named;
  }
}

/** `object.name`, or `object["a-b"]` where the name is no identifier. */
function member(t: EmitCtx["t"], object: t.Expression | t.Super, name: string): t.MemberExpression {
  return isIdentifierName(name)
    ? t.memberExpression(object, t.identifier(name))
    : t.memberExpression(object, t.stringLiteral(name), true);
}

/**
 * A dispatched method call, as the core plans it (dispatch-plan.ts `dispatchPlan`: the receiver
 * once, the method read before the arguments, the optional links kept), built from the call's
 * own receiver and arguments. A plain dispatch is the call itself, rewritten in place; one that
 * keeps a short circuit (`r?.m(a)` → `(_obj = r) == null ? void 0 : _sa.callSyncOf(…)`) is a new
 * expression, which the caller puts where the call was (`inPlace` for a node held elsewhere).
 */
function toDispatch(
  ctx: EmitCtx,
  call: CallNode,
  helper: string,
  imports: Imports,
  loc?: string,
): t.Expression {
  const t = ctx.t;
  const callee = call.callee as t.MemberExpression;
  const plan = dispatchPlan(call, helper, imports, loc);
  // The head's node, taken before `restOf` puts the temporary in its place.
  let head: t.Expression | undefined;
  const build = (x: DispatchExpr): t.Expression => {
    switch (x.kind) {
      case "receiver":
        return callee.object as t.Expression;
      case "head":
        head ??= (x.link as t.OptionalMemberExpression).object;
        return head;
      case "rest":
        head ??= (x.link as t.OptionalMemberExpression).object;
        return restOf(callee.object as t.Expression, x.link as t.OptionalMemberExpression, build(x.object));
      case "arguments":
        return t.arrayExpression(call.arguments as (t.Expression | t.SpreadElement)[]);
      case "this":
        return t.thisExpression();
      case "super":
        return t.super() as unknown as t.Expression;
      case "temp":
        return t.identifier(x.name);
      case "string":
        return t.stringLiteral(x.value);
      case "assign":
        return t.assignmentExpression("=", t.identifier(x.name), build(x.value));
      case "member":
        return member(t, build(x.object), x.name);
      case "nullish":
        return t.binaryExpression("==", build(x.value), t.nullLiteral());
      case "or":
        return t.logicalExpression("||", build(x.left), build(x.right));
      case "stop":
        return t.conditionalExpression(
          build(x.test),
          t.unaryExpression("void", t.numericLiteral(0)),
          build(x.value),
        );
      case "runtime":
        return runtimeCall(ctx, imports, x.helper, x.args.map(build));
    }
  };
  if (plan.kind === "runtime") {
    // In place: the node stays the call the maps and paths know.
    call.callee = t.memberExpression(t.identifier(imports.runtime()), t.identifier(plan.helper));
    call.arguments = plan.args.map(build);
    if (call.type === "OptionalCallExpression") call.optional = false;
    return call;
  }
  return build(plan);
}

/**
 * The receiver's links after its last `?.` on `object` (`o?.repo!.x` → `_obj.repo!.x`, the
 * dispatch split at `link`, dispatch-plan.ts `OptionalLinks.inner`): the source's own nodes, each
 * link made plain (the head's short circuit is tested before them), so an edit planned inside (a
 * call in a computed key or an argument) still finds its node.
 */
function restOf(
  receiver: t.Expression,
  link: t.OptionalMemberExpression,
  object: t.Expression,
): t.Expression {
  const plain = (n: t.Node): void => {
    const node = n as { type: string; optional?: boolean | null };
    if (node.type === "OptionalMemberExpression") node.type = "MemberExpression";
    else if (node.type === "OptionalCallExpression") node.type = "CallExpression";
    delete node.optional;
  };
  for (let n: t.Node = receiver; n !== link; ) {
    const next: t.Node =
      n.type === "OptionalMemberExpression"
        ? n.object
        : n.type === "OptionalCallExpression"
          ? n.callee
          : (n as t.TSNonNullExpression).expression;
    if (n.type !== "TSNonNullExpression") plain(n);
    n = next;
  }
  link.object = object;
  plain(link);
  return receiver;
}

/**
 * `node` becomes `by`, the same object (a call of the original tree is held by its parent, by the
 * plan's maps and by Babel's paths): its position and comments stay, the rest is `by`'s.
 */
function inPlace(node: t.Node, by: t.Expression): void {
  if (by === node) return;
  const keep = new Set([
    "start",
    "end",
    "loc",
    "range",
    "leadingComments",
    "trailingComments",
    "innerComments",
  ]);
  const record = node as unknown as Record<string, unknown>;
  for (const key of Object.keys(record)) if (!keep.has(key)) delete record[key];
  for (const [key, value] of Object.entries(by)) if (!keep.has(key)) record[key] = value;
}

/** `f(a)` → `_sa.callVariant(f, "sync", [a], "file:line:col")` (the `mockable` option, core/calls.ts). */
function toVariantCall(
  ctx: EmitCtx,
  call: CallNode,
  shape: Shape["kind"],
  via: ViaMarker,
  imports: Imports,
): void {
  const t = ctx.t;
  if (via.pick) {
    // `f.call(t, a)` → `_sa.pickVariant(f, "sync", "file:line:col").call(t, a)`: only the
    // reference is replaced, the call keeps its shape (the core names where it is held).
    const slot = referenceSlot(call, shape);
    slot.holder[slot.key] = runtimeCall(ctx, imports, "pickVariant", [
      slot.holder[slot.key] as t.Expression,
      t.stringLiteral(via.mode),
      t.stringLiteral(via.loc),
      ...(via.pick.optional ? [t.booleanLiteral(true)] : []),
    ]);
    return;
  }
  const callee = call.callee as t.Expression;
  call.callee = t.memberExpression(t.identifier(imports.runtime()), t.identifier("callVariant"));
  // The call's type arguments were `f`'s, not `callVariant`'s (the SWC edit drops them too).
  const typed = call as { typeParameters?: unknown; typeArguments?: unknown };
  typed.typeParameters = null;
  typed.typeArguments = null;
  call.arguments = [
    callee,
    t.stringLiteral(via.mode),
    t.arrayExpression(call.arguments as (t.Expression | t.SpreadElement)[]),
    t.stringLiteral(via.loc),
  ];
}

/**
 * `this.m.bind(this)` → `_sa.bound(_obj = this.m, _obj.bind(this), this)`: the bound function
 * keeps the method's marker (the autobind idiom, core/analysis/autobind.ts).
 */
function toBound(ctx: EmitCtx, call: CallNode, imports: Imports): void {
  const t = ctx.t;
  const callee = call.callee as t.MemberExpression;
  const tmp = imports.temp();
  const bind = t.callExpression(
    t.memberExpression(t.identifier(tmp), callee.property as t.Expression, callee.computed),
    call.arguments,
  );
  call.callee = t.memberExpression(t.identifier(imports.runtime()), t.identifier("bound"));
  call.arguments = [
    t.assignmentExpression("=", t.identifier(tmp), callee.object as t.Expression),
    bind,
    t.thisExpression(),
  ];
}

/** The member check `rename` pastes for a call of this shape, if any (computed once per site). */
function ownCheck(
  shape: Shape,
  imports: Imports,
  loc?: string,
): { check: OwnCheck; imports: Imports; loc?: string } | undefined {
  const check = ownCheckOf(shape);
  return check ? { check, imports, loc } : undefined;
}

export function applyEdit(ctx: EmitCtx, call: CallNode, edit: CallEdit, imports: Imports): void {
  if (edit.shape.kind === "autobind") toBound(ctx, call, imports);
  else if (edit.via) toVariantCall(ctx, call, edit.shape.kind, edit.via, imports);
  else if (edit.shape.kind === "dispatch") inPlace(call, toDispatch(ctx, call, edit.to, imports, edit.loc));
  else rename(ctx, call, edit.shape.kind, edit.to, ownCheck(edit.shape, imports, edit.loc));
}

function runtimeCall(ctx: EmitCtx, imports: Imports, name: string, args: t.Expression[]): t.CallExpression {
  const t = ctx.t;
  return t.callExpression(t.memberExpression(t.identifier(imports.runtime()), t.identifier(name)), args);
}

/**
 * The calls before the markers of a class's or object literal's methods (core/analysis/literal-variants.ts
 * `holderCalls`): a class's run-time checks that its variants replace nothing it inherits; an
 * object's check of its prototype, and the call that makes its variants not enumerable.
 */
export function ownVariantStatements(
  ctx: EmitCtx,
  imports: Imports,
  list: readonly SaFunction[],
  self: () => t.Expression,
): t.ExpressionStatement[] {
  const t = ctx.t;
  return holderCalls(ctx.plan.ctx, list).map((c) =>
    t.expressionStatement(
      runtimeCall(
        ctx,
        imports,
        c.helper,
        c.args.map((a) =>
          typeof a === "object" ? self() : typeof a === "string" ? t.stringLiteral(a) : t.booleanLiteral(a),
        ),
      ),
    ),
  );
}

/**
 * The run-time checks of an object literal's spreads (core `spreadChecks`): `...base` becomes
 * `...(_sa.spreadOf(base, ["load", "loadSync"], false, "file:line:col"))`, in the original or, with
 * `map`, in a copy of it; and of a class's or object literal's computed keys: `[k]` becomes
 * `[_sa.keyOf(k, …)]`.
 */
export function checkSpreads(
  ctx: EmitCtx,
  imports: Imports,
  list: readonly SaFunction[],
  map?: Map<t.Node, t.Node>,
): void {
  const t = ctx.t;
  for (const c of spreadChecks(ctx.plan.ctx, list)) {
    const at = (map ? map.get(c.spread as t.Node) : c.spread) as t.Node | undefined;
    if (!at) continue;
    if (c.key) {
      // `[k]: v` → `[_sa.keyOf(k, ["load", "loadSync"], true, "file:line:col")]: v`; a class
      // member's key alike.
      const member = at as t.ObjectProperty | t.ObjectMethod | t.ClassMethod | t.ClassProperty;
      member.key = runtimeCall(ctx, imports, "keyOf", [
        member.key as t.Expression,
        t.arrayExpression(c.pairs.map((p) => t.stringLiteral(p))),
        t.booleanLiteral(c.after),
        t.stringLiteral(c.loc),
      ]);
      continue;
    }
    const spread = at as t.SpreadElement;
    spread.argument = runtimeCall(ctx, imports, "spreadOf", [
      spread.argument,
      t.arrayExpression(c.pairs.map((p) => t.stringLiteral(p))),
      t.booleanLiteral(c.after),
      t.stringLiteral(c.loc),
    ]);
  }
}

/**
 * Builds the sync form of an awaited or returned expression in a copy, leaf by leaf, from the
 * facts found on the original (DESIGN §3.4).
 */
class SyncMapper {
  private readonly done = new WeakSet<t.Node>();
  /** Mapping an element of a sequential `Promise.all`/`allSettled` copy: its calls are armed. */
  private inElement = false;
  /** Loops to write before a statement of the copy (core loop-copy.ts), by original statement. */
  readonly loops = new Map<t.Node, t.Statement[]>();
  constructor(
    private readonly ctx: EmitCtx,
    private readonly fn: SaFunction,
    private readonly origOf: Map<t.Node, t.Node>,
    private readonly imports: Imports,
  ) {}

  /** `_sa.guard(value, "fSync", "file:line:col", "text")`: the run-time check of an unproven value. */
  private guardOf(node: t.Node, site: { loc: string; text: string }): t.Expression {
    const t = this.ctx.t;
    return runtimeCall(this.ctx, this.imports, "guard", [
      node as t.Expression,
      t.stringLiteral(this.fn.variant),
      t.stringLiteral(site.loc),
      t.stringLiteral(site.text),
    ]);
  }

  /**
   * The loop of core loop-copy.ts, before its statement: the callback's body (mapped, `cbCopy`'s)
   * in a `for`. A block body is copied, each of its own `return`s pushing its value and going on
   * to the next element.
   */
  private loopStatements(
    loop: LoopCopy,
    cbCopy: t.ArrowFunctionExpression,
    where: t.Expression[],
    // pMap's options in the copy, read by the check too (the same twice: loop-copy.ts).
    options?: t.Expression,
  ): t.Statement[] {
    const t = this.ctx.t;
    const id = (name: string) => t.identifier(name);
    const list = () => id(loop.list);
    const pMap = loop.form === "pMap";
    const guard = (value: t.Expression, text: string) =>
      runtimeCall(this.ctx, this.imports, "guard", [
        value,
        t.cloneNode(where[0]!),
        t.cloneNode(where[1]!),
        t.stringLiteral(text),
      ]);
    // pMap checks each result before the next element runs (mapSync); Promise.all's are checked
    // once all have run (allDone).
    const result = (value: t.Expression) =>
      pMap ? guard(value, (where[2] as t.StringLiteral).value) : value;
    // Undefined needs no check: the callback's end, a bare `return`.
    const push = (value: t.Expression) =>
      t.expressionStatement(
        t.callExpression(t.memberExpression(id(loop.results), id("push")), [
          value.type === "Identifier" && value.name === "undefined" ? value : result(value),
        ]),
      );
    let body: t.Statement[];
    if (cbCopy.body.type === "BlockStatement") {
      const cloned = new Map<t.Node, t.Node>();
      const block = cloneWithMap(cbCopy.body, cloned);
      const returns = new Set<t.Node>();
      for (const [c, k] of cloned) if (loop.returns.has(this.origOf.get(c) as never)) returns.add(k);
      rewriteTree(
        block,
        (n) =>
          returns.has(n)
            ? t.blockStatement([
                push((n as t.ReturnStatement).argument ?? id("undefined")),
                t.continueStatement(id(loop.label)),
              ])
            : undefined,
        true,
      );
      body = [block, push(id("undefined"))];
    } else body = [push(t.cloneNode(cbCopy.body as t.Expression, true))];
    const values = {
      element: () =>
        pMap
          ? guard(t.memberExpression(list(), id(loop.index), true), loop.elementText!)
          : t.memberExpression(list(), id(loop.index), true),
      index: () => id(loop.index),
      list,
      undefined: () => id("undefined"),
    };
    const each: t.Statement[] = [];
    if (!pMap)
      each.push(
        t.ifStatement(
          t.unaryExpression("!", t.binaryExpression("in", id(loop.index), list())),
          t.blockStatement([push(id("undefined")), t.continueStatement()]),
        ),
      );
    if (loop.params.length)
      each.push(
        t.variableDeclaration(
          "const",
          loop.params.map((p) => t.variableDeclarator(id(p.name), values[p.value]())),
        ),
      );
    // pMap: an element is checked even where the callback takes none.
    else if (pMap) each.push(t.expressionStatement(values.element()));
    if (pMap) each.push(...body);
    else
      each.push(
        t.tryStatement(
          t.blockStatement(body),
          t.catchClause(
            id("error"),
            t.blockStatement([push(runtimeCall(this.ctx, this.imports, "failed", [id("error")]))]),
          ),
        ),
      );
    // Promise.all's map reads the length once; pMap's array iterator reads it at each step.
    const forStatement = t.forStatement(
      t.variableDeclaration("let", [
        t.variableDeclarator(id(loop.index), t.numericLiteral(0)),
        ...(pMap ? [] : [t.variableDeclarator(id(loop.count), t.memberExpression(list(), id("length")))]),
      ]),
      t.binaryExpression(
        "<",
        id(loop.index),
        pMap ? t.memberExpression(list(), id("length")) : id(loop.count),
      ),
      t.updateExpression("++", id(loop.index)),
      t.blockStatement(each),
    );
    // Labelled where a block body's `return` goes on to the next element.
    const loopStatement = loop.returns.size ? t.labeledStatement(id(loop.label), forStatement) : forStatement;
    const check = pMap
      ? runtimeCall(this.ctx, this.imports, "pMapLoop", [
          list(),
          options ? t.cloneNode(options, true) : id("undefined"),
        ])
      : runtimeCall(this.ctx, this.imports, "plainArray", [list()]);
    return [
      t.variableDeclaration("let", [t.variableDeclarator(id(loop.results))]),
      t.ifStatement(
        check,
        t.blockStatement([
          t.expressionStatement(t.assignmentExpression("=", id(loop.results), t.arrayExpression([]))),
          loopStatement,
        ]),
      ),
    ];
  }

  map(node: t.Expression): t.Expression {
    if (this.done.has(node)) return node;
    const orig = this.origOf.get(node);
    const out = this.mapOne(node);
    if (!orig) return out;
    // A call an IIFE returns from inside its `try`, made after it; the IIFE's value settled
    // (core forms.ts `iifeDeferrals`, fixture inline/iife-return-in-try).
    if (this.fn.iifeLater?.has(orig))
      return located(laterCall(this.ctx, this.fn, orig, out, this.imports), node.loc);
    if (this.fn.iifeSettled?.has(orig)) {
      this.done.add(node);
      return located(runtimeCall(this.ctx, this.imports, "settled", [out]), node.loc);
    }
    return out;
  }

  /**
   * An element's call: `calling(…)` around its last argument (`...calling()` after a spread or
   * with none; a tagged template's last substitution, or its tag), so that what throws before
   * the call is made is not held as the element's rejection (runtime `armed`, attack30 F07).
   */
  private arm(node: t.Expression): void {
    const t = this.ctx.t;
    const calling = (args: t.Expression[]) => runtimeCall(this.ctx, this.imports, "calling", args);
    if (node.type === "TaggedTemplateExpression") {
      const subs = node.quasi.expressions as t.Expression[];
      if (subs.length > 0) subs[subs.length - 1] = calling([subs[subs.length - 1]!]);
      else node.tag = calling([node.tag]);
      return;
    }
    if (node.type !== "CallExpression" && node.type !== "OptionalCallExpression") return;
    const args = node.arguments;
    const last = args[args.length - 1];
    if (last === undefined || last.type === "SpreadElement" || last.type === "ArgumentPlaceholder")
      args.push(t.spreadElement(calling([])));
    else args[args.length - 1] = calling([last as t.Expression]);
  }

  private mapOne(node: t.Expression): t.Expression {
    const t = this.ctx.t;
    const rec = node as unknown as Record<string, t.Expression>;
    if (TRANSPARENT.has(node.type)) {
      rec.expression = this.map(rec.expression);
      return node;
    }
    if (node.type === "ConditionalExpression") {
      node.consequent = this.map(node.consequent);
      node.alternate = this.map(node.alternate);
      return node;
    }
    if (node.type === "LogicalExpression") {
      node.left = this.map(node.left);
      node.right = this.map(node.right);
      return node;
    }
    if (node.type === "SequenceExpression") {
      const last = node.expressions.length - 1;
      node.expressions[last] = this.map(node.expressions[last]);
      return node;
    }
    // An IIFE's call gives what its function returns: each of those is mapped (core view.ts).
    const orig0 = this.origOf.get(node);
    const given = iifeValueSlots(node, orig0 && this.fn.iifeTried?.has(orig0) ? new Set([node]) : undefined);
    if (given) {
      for (const s of given) s.holder[s.key] = this.map(s.holder[s.key] as t.Expression);
      // Its `catch` around a checked argument (a twin's) rethrows the check's error first, as the
      // function's own do (fixture inline/iife-return-in-try).
      if (orig0 && this.fn.iifeTried?.has(orig0)) {
        this.done.add(node);
        rewriteTree(
          iifeFunction(node)!.body,
          (n) => {
            const o = this.origOf.get(n);
            if (n.type === "CatchClause" && o && this.fn.guardCatches?.has(o))
              rethrowFirst(this.ctx, this.fn, n, this.imports);
            return undefined;
          },
          true,
        );
      }
      return node;
    }
    const orig = this.origOf.get(node);
    const fact: AwaitFact | undefined = orig ? this.fn.leaves.get(orig) : undefined;
    if (!fact) return node;
    this.done.add(node);
    switch (fact.kind) {
      case "smartasync": {
        const r = this.fn.leafCallees.get(orig!)!;
        const call = node as CallNode;
        // Before the call is rewritten (a dispatch takes its arguments into an array); a tagged
        // template's tag once renamed (below).
        const armed = this.inElement && !fact.atCall;
        if (armed && node.type !== "TaggedTemplateExpression") this.arm(node);
        let out: t.Expression = node;
        if (r.shape.kind === "dispatch") out = toDispatch(this.ctx, call, "callSync", this.imports);
        // A sync-kind method keeps its own name, checked still to be the method (attack25 F19).
        else if (r.fn)
          rename(
            this.ctx,
            call,
            r.shape.kind,
            r.fn.kind === "async" ? r.fn.variant : r.fn.name,
            ownCheck(keptCheck(r, true) ?? r.shape, this.imports),
          );
        else if (r.ext?.fact.kind === "async") {
          const via = viaMarker(this.ctx.plan.ctx, orig!, r, "sync");
          if (via) toVariantCall(this.ctx, call, r.shape.kind, via, this.imports);
          else
            rename(
              this.ctx,
              call,
              r.shape.kind,
              r.ext.variantRef(),
              // An imported namespace's or CommonJS module object's member: checked as in the
              // source's own calls (fixture cjs/stubbed-from-another-file).
              ownCheck(r.shape, this.imports),
            );
        }
        if (armed && node.type === "TaggedTemplateExpression") this.arm(node);
        if (fact.guard) return this.guardOf(out, fact.guard);
        return out;
      }
      case "twin": {
        const call = node as CallNode;
        const ns =
          fact.twin.module === RUNTIME_MODULE
            ? this.imports.runtime()
            : this.imports.namespace(
                fact.twin.module,
                fact.twin.module.replace(/^node:/, "").replace(/\W+/g, "_"),
                fact.replacedByName !== undefined,
              );
        const twin = t.memberExpression(t.identifier(ns), t.identifier(fact.twin.name));
        const byName = fact.replacedByName;
        call.callee = byName
          ? runtimeCall(this.ctx, this.imports, "twinSame", [
              call.callee as t.Expression,
              t.memberExpression(t.identifier(ns), t.stringLiteral(byName.name), true),
              twin,
              t.stringLiteral(this.fn.variant),
              t.stringLiteral(byName.loc),
              t.stringLiteral(byName.text),
            ])
          : fact.replaced
            ? runtimeCall(this.ctx, this.imports, "twinVia", [
                call.callee as t.Expression,
                t.stringLiteral(fact.replaced.promise),
                twin,
                t.stringLiteral(this.fn.variant),
                t.stringLiteral(fact.replaced.loc),
                t.stringLiteral(fact.replaced.text),
              ])
            : twin;
        for (const c of fact.checks) {
          const arg = call.arguments[c.index] as t.Expression;
          if (c.kind === "value") {
            call.arguments[c.index] = this.guardOf(arg, c);
            continue;
          }
          const where = [t.stringLiteral(fact.twin.name), t.stringLiteral(c.loc)];
          const promiseOnly =
            c.kind === "options" ? [t.arrayExpression(c.promiseOnly.map((k) => t.stringLiteral(k)))] : [];
          call.arguments[c.index] = runtimeCall(this.ctx, this.imports, twinCheckHelper(c.kind), [
            arg,
            ...promiseOnly,
            ...where,
          ]);
        }
        // After the checks: a check's failure is the copy's own, never the element's.
        if (this.inElement) this.arm(node);
        // A twin by name: its result is checked like any unproven value.
        if (fact.guard) return this.guardOf(node, fact.guard);
        return node;
      }
      case "combinator": {
        const arr = (node as CallNode).arguments[0] as t.ArrayExpression;
        const outer = this.inElement;
        this.inElement = true;
        const elements = (arr.elements as t.Expression[]).map((e) => this.map(e));
        this.inElement = outer;
        // all: every element runs, and a call's error is held until the others have
        // (`attemptCall`); `allOf` throws the first by index, as the array is evaluated before
        // Promise.all sees a rejection. Only the call's own failure is held: each call's last
        // argument is `calling(…)`, what throws before it (the callee, an argument) throws at
        // once, as while the async function builds the array (attack30 F07).
        if (fact.name === "all") {
          const all = t.arrayExpression(
            elements.map((e) =>
              runtimeCall(this.ctx, this.imports, "attemptCall", [t.arrowFunctionExpression([], e)]),
            ),
          );
          // `Promise.all` inside an element: its rejection is that element's.
          return runtimeCall(this.ctx, this.imports, "allOf", [
            outer ? runtimeCall(this.ctx, this.imports, "calling", [all]) : all,
          ]);
        }
        // allSettled: each element settles on its own, in order (the report says sequential).
        return t.arrayExpression(
          elements.map((e) =>
            runtimeCall(this.ctx, this.imports, "settleCall", [t.arrowFunctionExpression([], e)]),
          ),
        );
      }
      case "mapAll": {
        const t = this.ctx.t;
        if (fact.pMap) {
          // `pMap(xs, cb, opts)` → `_sa.mapSync(xs, cbSync, opts, …, _p_map.pMapSkip)`: the
          // callback (made sync with the function's body) runs element by element, in order.
          const args = (node as CallNode).arguments as t.Expression[];
          const skip = () =>
            t.memberExpression(
              t.identifier(this.imports.namespace("p-map", "p_map")),
              t.identifier("pMapSkip"),
            );
          const where = [
            t.stringLiteral(this.fn.variant),
            t.stringLiteral(fact.guard.loc),
            t.stringLiteral(fact.guard.text),
          ];
          const orig = this.origOf.get(node);
          const loop = orig ? this.fn.loopCopies?.get(orig) : undefined;
          if (loop) {
            // The loop form (core loop-copy.ts), the callback form beside it.
            this.loops.set(
              loop.statement as t.Node,
              this.loopStatements(loop, args[1] as t.ArrowFunctionExpression, where, args[2]),
            );
          }
          const mapSync = runtimeCall(this.ctx, this.imports, "mapSync", [
            args[0]!,
            args[1]!,
            args[2] ?? t.identifier("undefined"),
            ...where,
            skip(),
          ]);
          if (!loop) return mapSync;
          // `_r !== undefined ? _sa.mapDone(_r, _p_map.pMapSkip) : _sa.mapSync(xs, …)`
          return t.conditionalExpression(
            t.binaryExpression("!==", t.identifier(loop.results), t.identifier("undefined")),
            runtimeCall(this.ctx, this.imports, "mapDone", [t.identifier(loop.results), skip()]),
            mapSync,
          );
        }
        if (fact.asyncLimit) {
          // `mapLimit(xs, n, cb)` → `_sa.mapLimitSync(xs, n, cbSync, each, …)`: the callback
          // (made sync with the function's body) runs element by element, in order.
          const args = (node as CallNode).arguments as t.Expression[];
          return runtimeCall(this.ctx, this.imports, "mapLimitSync", [
            args[0]!,
            args[1]!,
            args[2]!,
            t.booleanLiteral(fact.asyncLimit === "each"),
            t.stringLiteral(this.fn.variant),
            t.stringLiteral(fact.guard.loc),
            t.stringLiteral(fact.guard.text),
          ]);
        }
        // `Promise.all(xs.map(cb))` → `_sa.allSync(xs.map(cbSync), …)`: the map runs the sync
        // callback element by element, each to its end (the callback holds its error until all
        // have run: holdError); the first error by index is thrown, each result is checked.
        const mapCall = (node as CallNode).arguments[0] as t.CallExpression;
        const orig = this.origOf.get(node);
        const loop = orig ? this.fn.loopCopies?.get(orig) : undefined;
        // The loop form (core loop-copy.ts) needs the callback's body as mapped, before
        // holdError wraps it; the callback form stays beside it for inputs that are not arrays.
        const where = [
          t.stringLiteral(this.fn.variant),
          t.stringLiteral(fact.guard.loc),
          t.stringLiteral(fact.guard.text),
        ];
        if (loop)
          this.loops.set(
            loop.statement as t.Node,
            this.loopStatements(loop, mapCall.arguments[0] as t.ArrowFunctionExpression, where),
          );
        if (fact.limited) {
          // `(x) => limit(fn)` → `(x) => _sa.limited(fn)`: the function the limiter would run in
          // its turn runs now (fn, made sync, is one of the function's map callbacks).
          const outer = mapCall.arguments[0] as t.ArrowFunctionExpression;
          const limiterCall = outer.body as t.CallExpression;
          outer.body = runtimeCall(this.ctx, this.imports, "limited", [
            limiterCall.arguments[0] as t.Expression,
          ]);
        }
        holdError(this.ctx, this.imports, mapCall.arguments[0] as t.ArrowFunctionExpression);
        const all = runtimeCall(this.ctx, this.imports, "allSync", [
          (node as CallNode).arguments[0] as t.Expression,
          ...where,
        ]);
        if (!loop) return all;
        // `_r !== undefined ? _sa.allDone(_r, …) : _sa.allSync(xs.map(…), …)`
        return t.conditionalExpression(
          t.binaryExpression("!==", t.identifier(loop.results), t.identifier("undefined")),
          runtimeCall(this.ctx, this.imports, "allDone", [
            t.identifier(loop.results),
            ...where.map((w) => t.cloneNode(w)),
          ]),
          all,
        );
      }
      case "guarded":
        return this.guardOf(node, fact);
      default:
        return node;
    }
  }
}

/**
 * The sync callback of `Promise.all(xs.map(async …))` (a function written in place: core
 * leaves.ts, plainAsyncCallback) holds its error for `allSync`, which throws the first by index
 * once every callback has run: `(x) => body` → `(x) => { try { return body; } catch (error) {
 * return _sa.failed(error); } }`. The `try` goes inside the callback, not around it (`caught`):
 * no closure and no spread of the arguments per call (docs/performance.md, examples/find-up).
 * The body holds no `try` of its own (plainAsyncCallback), so nothing it catches changes.
 */
function holdError(
  ctx: EmitCtx,
  imports: Imports,
  cb: t.ArrowFunctionExpression | t.FunctionExpression,
): void {
  const t = ctx.t;
  const body = cb.body;
  const block = body.type === "BlockStatement";
  const error = t.identifier("error");
  const handler = t.catchClause(
    error,
    t.blockStatement([t.returnStatement(runtimeCall(ctx, imports, "failed", [t.cloneNode(error)]))]),
  );
  cb.body = t.blockStatement(
    [t.tryStatement(t.blockStatement(block ? body.body : [t.returnStatement(body)]), handler)],
    block ? body.directives : [],
  );
}

/**
 * `catch (e) { … }` → `catch (e) { _sa.rethrowGuard(e); … }`: a guard's failure passes through
 * the user's `catch` (a clause without a plain parameter gets one; a pattern moves into the body).
 */
function rethrowFirst(ctx: EmitCtx, fn: SaFunction, clause: t.CatchClause, imports: Imports): void {
  const t = ctx.t;
  const first: t.Statement[] = [];
  let id = clause.param;
  if (id?.type !== "Identifier") {
    const name = t.identifier(fn.guardCatchName!);
    if (id) first.push(t.variableDeclaration("let", [t.variableDeclarator(id, t.cloneNode(name))]));
    clause.param = id = name;
  }
  first.unshift(t.expressionStatement(runtimeCall(ctx, imports, "rethrowGuard", [t.cloneNode(id)])));
  clause.body.body.unshift(...first);
}

/**
 * `try { B } catch (e) { C } finally { F }` → `{ let _held; try { try { B } catch (e) { C } }
 * catch (_caught) { _held = _caught; throw _caught; } finally { try { F } finally {
 * _sa.rethrowGuard(_held); } } }` (without a `catch`, `B` stays the outer `try`'s block): the
 * error that leaves the `try` and `catch` is remembered, and a guard's is rethrown once the
 * `finally` block has run, whatever its completion, a `return`, `break`, `continue` or `throw`
 * included (core `guardFinallies`; fixture inline/guard-through-finally). Returns the block.
 */
function holdThroughFinally(
  ctx: EmitCtx,
  fn: SaFunction,
  n: t.TryStatement,
  imports: Imports,
): t.BlockStatement {
  const t = ctx.t;
  const held = () => t.identifier(fn.guardHeldName!);
  const caught = () => t.identifier(fn.guardCatchName!);
  if (n.handler) {
    n.block = t.blockStatement([t.tryStatement(n.block, n.handler)]);
  }
  n.handler = t.catchClause(
    caught(),
    t.blockStatement([
      t.expressionStatement(t.assignmentExpression("=", held(), caught())),
      t.throwStatement(caught()),
    ]),
  );
  n.finalizer = t.blockStatement([
    t.tryStatement(
      n.finalizer!,
      null,
      t.blockStatement([t.expressionStatement(runtimeCall(ctx, imports, "rethrowGuard", [held()]))]),
    ),
  ]);
  return t.blockStatement([t.variableDeclaration("let", [t.variableDeclarator(held())]), n]);
}

/** `Promise<T>` → `T` on a sync copy; any other declared return type is dropped. */
function syncReturnType(fn: t.Function): void {
  const rt = fn.returnType;
  if (!rt) return;
  if (rt.type === "TSTypeAnnotation" && rt.typeAnnotation.type === "TSTypeReference") {
    const ref = rt.typeAnnotation;
    const args =
      (
        ref as {
          typeArguments?: t.TSTypeParameterInstantiation;
          typeParameters?: t.TSTypeParameterInstantiation;
        }
      ).typeArguments ?? (ref as { typeParameters?: t.TSTypeParameterInstantiation }).typeParameters;
    if (args?.params.length === 1) {
      rt.typeAnnotation = args.params[0];
      return;
    }
  }
  fn.returnType = null;
}

/** The inline sync variant: a copy of the function with its colour removed (DESIGN §3.4). */
export function inlineCopy(
  ctx: EmitCtx,
  fn: SaFunction,
  edits: Map<t.Node, CallEdit>,
  imports: Imports,
  source: t.Node,
): t.Node {
  const map = new Map<t.Node, t.Node>();
  const copy = cloneWithMap(source, map);
  const origOf = new Map<t.Node, t.Node>();
  for (const [o, c] of map) origOf.set(c, o);
  // Calls keep the decisions made on the original, except the leaves mapped below.
  rewriteTree(
    copy,
    (n) => {
      const o = origOf.get(n);
      // `arguments.callee` of a sloppy-mode function: the function, as in the plain program
      // (core arguments-callee.ts; fixture inline/arguments-callee-sloppy).
      const callee = o && fn.calleeReads?.get(o);
      if (callee) return located(ctx.t.identifier(callee), n.loc);
      const edit = o ? edits.get(o) : undefined;
      if (edit && !fn.leaves.has(o!)) applyEdit(ctx, n as CallNode, edit, imports);
      return undefined;
    },
    false,
  );
  const fnCopy = (copy.type === "ObjectProperty" ? copy.value : copy) as t.Function;
  const mapper = new SyncMapper(ctx, fn, origOf, imports);
  const deferred = deferredReturns(ctx.plan.ctx, fn);
  const own = (n: t.Node): t.Node | undefined => {
    if (n.type === "AwaitExpression") return mapper.map(n.argument);
    if (n.type === "ReturnStatement" && n.argument && deferred.size)
      deferLeaves(ctx, fn, n, n.argument, deferred, origOf, mapper, imports);
    if (n.type === "ReturnStatement" && n.argument) n.argument = mapper.map(n.argument);
    if (n.type === "CatchClause" && fn.guardCatches?.has(origOf.get(n)!)) rethrowFirst(ctx, fn, n, imports);
    if (n.type === "TryStatement" && fn.guardFinallies?.has(origOf.get(n)!))
      return holdThroughFinally(ctx, fn, n, imports);
    // A call started before an await and not proven to start no async work: its result checked.
    const started = fn.startGuards?.get(origOf.get(n)!);
    if (started) {
      const t = ctx.t;
      return runtimeCall(ctx, imports, "started", [
        n as t.Expression,
        t.stringLiteral(fn.variant),
        t.stringLiteral(started.loc),
        t.stringLiteral(started.text),
      ]);
    }
    // `for await` over an array: a plain `for … of` over its elements, each guarded.
    const loop = n.type === "ForOfStatement" && n.await ? fn.forAwaits?.get(origOf.get(n)!) : undefined;
    if (loop && n.type === "ForOfStatement") {
      const t = ctx.t;
      n.await = false;
      n.right = runtimeCall(ctx, imports, "syncElements", [
        n.right,
        t.stringLiteral(fn.variant),
        t.stringLiteral(loop.loc),
        t.stringLiteral(loop.text),
      ]);
    }
    return undefined;
  };
  // The callbacks of `await Promise.all(xs.map(async …))` become sync callbacks, their bodies
  // rewritten like the function's own (each apart: the walks below skip nested functions).
  for (const cb of fn.mapCallbacks ?? []) {
    const c = map.get(cb) as t.ArrowFunctionExpression | t.FunctionExpression | undefined;
    if (!c) continue;
    c.async = false;
    if (c.body.type === "BlockStatement") rewriteTree(c.body, own, true);
    else c.body = mapper.map(rewriteTree(c.body, own, true) as t.Expression);
  }
  if (fnCopy.body.type === "BlockStatement") rewriteTree(fnCopy.body, own, true);
  else fnCopy.body = mapper.map(rewriteTree(fnCopy.body, own, true) as t.Expression);
  // A parameter's default the copy takes the awaited value of (core param-defaults.ts).
  if (fn.syncDefaults?.size)
    for (const p of fnCopy.params)
      rewriteTree(
        p,
        (n) => {
          if (n.type === "AssignmentPattern" && fn.syncDefaults!.has(origOf.get(n.right)!))
            n.right = mapper.map(n.right);
          return undefined;
        },
        true,
      );
  fnCopy.async = false;
  if (deferred.size && fnCopy.body.type === "BlockStatement") {
    // The body runs in an arrow (same `this`, `arguments`, `super`), so that a deferred returned
    // call is made once every `try` of the body is left (runtime/later.ts).
    const t = ctx.t;
    const body = fnCopy.body;
    const run = t.callExpression(t.arrowFunctionExpression([], body), []);
    fnCopy.body = located(
      t.blockStatement([t.returnStatement(runtimeCall(ctx, imports, "settled", [run]))]),
      body.loc,
    );
  }
  // Each loop of the loop form goes right before its statement (core loop-copy.ts).
  for (const [statement, loop] of mapper.loops) {
    const at = map.get(statement);
    if (at) insertBefore(fnCopy.body, at, loop);
  }
  syncReturnType(fnCopy);
  nestedPairs(ctx, fn, edits, imports, map);
  return copy;
}

/** Puts `statements` right before `target`, in the block of `root` that holds it. */
function insertBefore(root: t.Node, target: t.Node, statements: t.Statement[]): boolean {
  const stack: t.Node[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === "BlockStatement") {
      const i = n.body.indexOf(target as t.Statement);
      if (i >= 0) {
        n.body.splice(i, 0, ...statements);
        return true;
      }
    }
    for (const v of Object.values(n)) {
      if (Array.isArray(v)) {
        for (const c of v)
          if (c && typeof c === "object" && typeof (c as t.Node).type === "string") stack.push(c);
      } else if (v && typeof v === "object" && typeof (v as t.Node).type === "string")
        stack.push(v as t.Node);
    }
  }
  return false;
}

/**
 * A returned call that the async function returns as a promise from inside a `try` (forms.ts,
 * deferredReturns) becomes `later(fSync, ...args)`: its arguments are evaluated in place, the
 * call is made after the `try`, as the async function's promise settles after it
 * (fixture inline/return-in-try).
 */
function deferLeaves(
  ctx: EmitCtx,
  fn: SaFunction,
  ret: t.ReturnStatement,
  node: t.Node,
  deferred: Set<t.Node>,
  origOf: Map<t.Node, t.Node>,
  mapper: SyncMapper,
  imports: Imports,
): void {
  for (const leaf of valueLeaves(node, [], copyTried(fn, origOf, node))) {
    const orig = origOf.get(leaf);
    if (!orig || !deferred.has(orig)) continue;
    const mapped = mapper.map(leaf as t.Expression);
    replaceIn(leaf, located(laterCall(ctx, fn, orig, mapped, imports), leaf.loc), ret);
  }
}

/** The copies of `fn.iifeTried`'s IIFEs under `node` (valueLeaves' `follow` on the copy). */
function copyTried(fn: SaFunction, origOf: Map<t.Node, t.Node>, node: t.Node): Set<t.Node> | undefined {
  if (!fn.iifeTried?.size) return undefined;
  const out = new Set<t.Node>();
  rewriteTree(
    node,
    (n) => {
      const o = origOf.get(n);
      if (o && fn.iifeTried!.has(o)) out.add(n);
      return undefined;
    },
    false,
  );
  return out;
}

/** `fSync(a, b)` → `later(fSync, a, b)`; any other mapped call → `later(() => …)`. */
function laterCall(
  ctx: EmitCtx,
  fn: SaFunction,
  orig: t.Node,
  mapped: t.Expression,
  imports: Imports,
): t.Expression {
  const t = ctx.t;
  // A twin (`_fs.readFileSync`) is a plain function: it needs no receiver either.
  const plain = (callee: t.Node) => callee.type === "Identifier" || fn.leaves.get(orig)?.kind === "twin";
  const args =
    mapped.type === "CallExpression" && plain(mapped.callee)
      ? [mapped.callee as t.Expression, ...(mapped.arguments as t.Expression[])]
      : [t.arrowFunctionExpression([], mapped)];
  return runtimeCall(ctx, imports, "later", args);
}

/**
 * A function annotated inside the one being copied keeps its variant and marker in the copy:
 * the copy's calls of `innerSync` need a declaration in the copy's own scope (fixture
 * inline/nested-annotated).
 */
function nestedPairs(
  ctx: EmitCtx,
  outer: SaFunction,
  edits: Map<t.Node, CallEdit>,
  imports: Imports,
  map: Map<t.Node, t.Node>,
): void {
  const t = ctx.t;
  const root = map.get(outer.member ?? outer.fn)!;
  const holders = new Map<t.Node, SaFunction[]>();
  for (const inner of ctx.plan.fns) {
    if (inner === outer || inner.processed) continue;
    if (inner.form === "class-method" || inner.form === "object-method") {
      const member = map.get(inner.member!);
      if (!member) continue;
      insertAfterIn(member, [buildVariant(ctx, inner, edits, imports)], root);
      holders.set(inner.holder!, [...(holders.get(inner.holder!) ?? []), inner]);
      continue;
    }
    const stmt = inner.stmt && map.get(inner.stmt);
    if (!stmt) continue;
    const pair: t.Statement[] = [
      buildVariant(ctx, inner, edits, imports) as t.Statement,
      ...pairStatements(ctx, inner, imports),
    ];
    if (inner.wrapper) {
      // The typed form: the copy calls the function itself, as the original does once compiled.
      const decl = (
        stmt.type === "ExportNamedDeclaration" ? stmt.declaration : stmt
      ) as t.VariableDeclaration;
      decl.declarations[0].init = runtimeCall(ctx, imports, "typed", [
        map.get(inner.wrapper.arguments[0]) as t.Expression,
        t.stringLiteral(inner.name),
      ]);
    }
    insertAfterIn(stmt, pair, root);
  }
  // Methods are marked where their class or object is created, as in the original.
  for (const [holder, list] of holders) {
    const copy = map.get(holder)!;
    const isClass = list[0].form === "class-method";
    checkSpreads(ctx, imports, list, map);
    const marks = (self: () => t.Expression): t.ExpressionStatement[] => [
      ...ownVariantStatements(ctx, imports, list, self),
      ...list.map((fn) => {
        const o = () =>
          isClass && !fn.isStatic ? t.memberExpression(self(), t.identifier("prototype")) : self();
        return t.expressionStatement(
          t.callExpression(t.memberExpression(t.identifier(imports.runtime()), t.identifier("mark")), [
            t.memberExpression(o(), t.identifier(fn.name)),
            markerSpec(ctx, fn, t.memberExpression(o(), t.identifier(fn.variant))),
          ]),
        );
      }),
    ];
    const place = markerPlace(ctx.plan.ctx.tree, holder);
    if (place.kind === "class") {
      // First in the class body, as in the original (transform.ts).
      (copy as t.Class).body.body.unshift(t.staticBlock(marks(() => t.thisExpression())));
      continue;
    }
    if (place.kind === "after") {
      const name = place.name;
      insertAfterIn(
        map.get(place.statement)!,
        marks(() => t.identifier(name)),
        root,
      );
      continue;
    }
    const o = t.identifier(ctx.plan.names.uid("o"));
    const body = marks(() => t.cloneNode(o)).map((m) => m.expression);
    replaceIn(
      copy,
      t.callExpression(t.arrowFunctionExpression([o], t.sequenceExpression([...body, t.cloneNode(o)])), [
        copy as t.Expression,
      ]),
      root,
    );
  }
}

/** The statements that follow a function/const variant: its marker (and, typed form, its choices). */
export function pairStatements(
  ctx: EmitCtx,
  fn: SaFunction,
  imports: Imports,
  explicit = fn.wrapper !== undefined,
): t.Statement[] {
  const t = ctx.t;
  const call = (name: string, args: t.Expression[]) =>
    t.expressionStatement(
      t.callExpression(t.memberExpression(t.identifier(imports.runtime()), t.identifier(name)), args),
    );
  const out = [call("mark", [t.identifier(fn.name), markerSpec(ctx, fn, t.identifier(fn.variant))])];
  if (explicit) {
    const [sync, async] = fn.kind === "async" ? [fn.variant, fn.name] : [fn.name, fn.variant];
    out.push(
      call("explicit", [
        t.identifier(fn.name),
        t.objectExpression([
          t.objectProperty(t.identifier("sync"), t.identifier(sync)),
          t.objectProperty(t.identifier("async"), t.identifier(async)),
        ]),
      ]),
    );
  }
  return out;
}

/** `(...args) => _sa.runSync(url, key, args)` and friends: the body of a worker/pool variant. */
function wrapperBody(
  ctx: EmitCtx,
  fn: SaFunction,
  imports: Imports,
): { params: t.RestElement[]; body: t.BlockStatement; async: boolean } {
  const t = ctx.t;
  const args = t.identifier("args");
  const params = [t.restElement(t.identifier("args"))];
  let call: t.Expression;
  let async = false;
  if (fn.kind === "async") {
    call = runtimeCall(ctx, imports, "runSync", [imports.moduleUrl(), t.stringLiteral(fn.registerKey), args]);
  } else if (fn.asyncStrategy === "offload") {
    call = runtimeCall(ctx, imports, "offload", [imports.moduleUrl(), t.stringLiteral(fn.registerKey), args]);
  } else {
    // Same thread (SA304): an async function runs it now and turns a throw into a rejection.
    async = true;
    const target =
      fn.form === "class-method" || fn.form === "object-method"
        ? t.memberExpression(t.thisExpression(), t.identifier(fn.name))
        : t.identifier(fn.name);
    call = passesReceiver(fn)
      ? t.callExpression(t.memberExpression(target, t.identifier("apply")), [
          t.thisExpression(),
          t.identifier("args"),
        ])
      : t.callExpression(target, [t.spreadElement(t.identifier("args"))]);
  }
  return { params, body: t.blockStatement([t.returnStatement(call)]), async };
}

/** Builds the variant node of `fn` in the form of its declaration. */
export function buildVariant(
  ctx: EmitCtx,
  fn: SaFunction,
  edits: Map<t.Node, CallEdit>,
  imports: Imports,
): t.Node {
  const t = ctx.t;
  const id = t.identifier(fn.variant);
  if (fn.kind === "async" && fn.syncPlan?.strategy === "inline") {
    if (fn.form === "function") {
      const c = inlineCopy(ctx, fn, edits, imports, fn.fn) as t.FunctionDeclaration;
      c.id = id;
      return c;
    }
    if (fn.form === "const") {
      const c = inlineCopy(ctx, fn, edits, imports, fn.fn) as t.Expression;
      return t.variableDeclaration("const", [t.variableDeclarator(id, c)]);
    }
    const c = inlineCopy(ctx, fn, edits, imports, fn.member!) as
      | t.ClassMethod
      | t.ObjectMethod
      | t.ObjectProperty;
    c.key = id;
    c.computed = false;
    return c;
  }
  const w = wrapperBody(ctx, fn, imports);
  const typed = typeWrapper(ctx, fn, w.params[0]);
  let out: t.Function;
  switch (fn.form) {
    case "function":
    case "const":
      out = t.functionDeclaration(id, w.params, w.body, false, w.async);
      break;
    case "class-method":
      out = t.classMethod("method", id, w.params, w.body, false, fn.isStatic, false, w.async);
      break;
    case "object-method":
      out = t.objectMethod("method", id, w.params, w.body, false, false, w.async);
      break;
  }
  if (typed) out.returnType = typed;
  // Every line of generated code maps to the function it was generated for (test/source-maps).
  return located(out, fn.fn.loc);
}

/** Gives `loc` to every node of a generated subtree that has none, so the map covers its lines. */
function located<N extends t.Node>(node: N, loc: t.SourceLocation | null | undefined): N {
  if (!loc) return node;
  rewriteTree(
    node,
    (n) => {
      n.loc ??= loc;
      return undefined;
    },
    false,
  );
  return node;
}

/**
 * In TypeScript input, a wrapper variant is typed from its function (`...args: Parameters<typeof
 * f>`, returning `Awaited<ReturnType<typeof f>>` or `Promise<ReturnType<typeof f>>`), so that
 * declaration emit gives hand-written callers real types (docs/typescript.md).
 */
function typeWrapper(ctx: EmitCtx, fn: SaFunction, rest: t.RestElement): t.TSTypeAnnotation | undefined {
  const t = ctx.t;
  if (!syntaxOf(ctx.filename).typescript) return undefined;
  let query: t.TSEntityName;
  if (fn.form === "function" || fn.form === "const") query = t.identifier(fn.name);
  else {
    const owner = fn.registerKey.split(".")[0];
    if (owner.startsWith("<")) return undefined;
    query = t.identifier(owner);
    if (fn.form === "class-method" && !fn.isStatic)
      query = t.tsQualifiedName(query, t.identifier("prototype"));
    query = t.tsQualifiedName(query, t.identifier(fn.name));
  }
  const of = (name: string, arg: t.TSType) =>
    t.tsTypeReference(t.identifier(name), t.tsTypeParameterInstantiation([arg]));
  const fnType = () => t.tsTypeQuery(t.cloneNode(query));
  rest.typeAnnotation = t.tsTypeAnnotation(of("Parameters", fnType()));
  const returns = of("ReturnType", fnType());
  return t.tsTypeAnnotation(fn.kind === "async" ? of("Awaited", returns) : of("Promise", returns));
}

/** `{ kind: "async", sync: loadSync }`: the marker's description for `mark()`. */
export function markerSpec(ctx: EmitCtx, fn: SaFunction, variant: t.Expression): t.ObjectExpression {
  const t = ctx.t;
  return t.objectExpression([
    t.objectProperty(t.identifier("kind"), t.stringLiteral(fn.kind)),
    t.objectProperty(t.identifier(variantKind(fn.kind)), variant),
  ]);
}
