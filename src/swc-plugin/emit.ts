import type { types as t } from "@babel/core";
import MagicString from "magic-string";
import type { Plan } from "../core/analysis/analyse.js";
import {
  type CallEdit,
  type CallNode,
  keptCheck,
  type OwnCheck,
  ownCheckOf,
  referenceOf,
  type Shape,
  type ViaMarker,
  viaMarker,
} from "../core/analysis/calls.js";
import { passesReceiver, tokensAfter } from "../core/analysis/collect.js";
import { type DispatchExpr, dispatchPlan } from "../core/analysis/dispatch-plan.js";
import { propertyHolding, variantExports } from "../core/analysis/exports.js";
import { replacedMethods } from "../core/analysis/factories.js";
import { deferredReturns } from "../core/analysis/forms.js";
import { holderCalls, spreadChecks } from "../core/analysis/literal-variants.js";
import type { LoopCopy } from "../core/analysis/loop-copy.js";
import { markerPlace } from "../core/analysis/marker-place.js";
import type { SaFactory, SaFunction } from "../core/analysis/model.js";
import { importedFirst, reusableNamespace } from "../core/analysis/namespaces.js";
import { moduleUrlCallees } from "../core/analysis/runtime-names.js";
import { isFunction, type Node, type Tree } from "../core/analysis/tree.js";
import { iifeFunction, valueLeaves } from "../core/analysis/view.js";
import { parseAnnotation } from "../core/annotation.js";
import { twinCheckHelper } from "../core/inline.js";
import { isIdentifierName } from "../core/naming.js";
import { variantKind } from "../core/strategy.js";
import { syntaxOf } from "../core/syntax.js";
import { RUNTIME_MODULE } from "../core/twins.js";
import { hashbangEnd, skipTrivia } from "./offsets.js";
import { encodeMappings, type Lines, Pieces, recount } from "./splice.js";

/**
 * The SWC adapter's output side: the core's plan applied as text edits to the original source
 * (magic-string keeps a map of every edit), so SWC then compiles the edited text and the final
 * source map still points at what the user wrote. Nodes carry UTF-16 offsets into `code`.
 */

const s = (n: Node): number => n.start!;
const e = (n: Node): number => n.end!;

/** Generated namespace imports (`_sa`, `_fs`), one per module, reusing the file's own. */
class TextImports {
  private readonly spaces = new Map<string, string>();
  private readonly added: string[] = [];
  /** Imports of the runtime and of built-in modules, placed before the file's own (`importedFirst`). */
  private readonly first: string[] = [];

  constructor(private readonly plan: Plan) {}

  namespace(source: string, hint: string, loaded = false): string {
    // `loaded`: the exports as this module found them at load (Babel's Imports.namespace says why).
    const key = loaded && this.plan.module.cjsInput ? `${source}\0loaded` : source;
    const known = this.spaces.get(key);
    if (known) return known;
    const own = reusableNamespace(this.plan.ctx, source);
    if (own) {
      this.spaces.set(key, own);
      return own;
    }
    const id = this.plan.names.uid(hint);
    const lit = JSON.stringify(source);
    (importedFirst(this.plan.ctx, source) ? this.first : this.added).push(
      this.plan.module.cjsInput
        ? loaded
          ? `const ${id} = { ...require(${lit}) };`
          : `const ${id} = require(${lit});`
        : `import * as ${id} from ${lit};`,
    );
    this.spaces.set(key, id);
    return id;
  }

  runtime(): string {
    return this.namespace(this.plan.ctx.options.runtime, "sa");
  }

  /** The runtime's name in the output, if the emit used it (`runtime()`). */
  runtimeUsed(): string | undefined {
    return this.spaces.get(this.plan.ctx.options.runtime);
  }

  private tempName: string | undefined;

  /** A module-level `var` of its own (babel-plugin/imports.ts `fresh`). */
  fresh(base: string): string {
    const name = this.plan.names.uid(base);
    this.added.push(`var ${name};`);
    return name;
  }

  /**
   * A module-level `var` that a rewritten call stores its receiver in for one step, so the
   * receiver's expression runs once and the member is read before the arguments (as the Babel
   * adapter's `Imports.temp`, which says why one per module is enough).
   */
  temp(): string {
    if (this.tempName) return this.tempName;
    this.tempName = this.plan.names.uid("obj");
    this.added.push(`var ${this.tempName};`);
    return this.tempName;
  }

  /** `import.meta.url`, or `__filename` where the output is CommonJS (DESIGN §10). */
  moduleUrl(): string {
    return this.plan.module.cjsOutput ? "__filename" : "import.meta.url";
  }

  /**
   * The runtime's and built-in modules' imports before the file's leading imports (after the
   * comments that lead them), the others after them; without leading imports, all at the top,
   * after the directives or hashbang (Babel's `Imports.flush`).
   */
  flush(ms: MagicString, code: string): void {
    const program = this.plan.ctx.tree.program;
    let last: Node | undefined;
    for (const st of program.body) {
      if (st.type === "ImportDeclaration") last = st;
      else break;
    }
    if (last) {
      if (this.first.length) ms.prependLeft(s(program.body[0] as Node), `${this.first.join("\n")}\n`);
      if (this.added.length) ms.appendLeft(e(last), `\n${this.added.join("\n")}`);
      return;
    }
    const all = [...this.first, ...this.added];
    if (all.length === 0) return;
    const text = all.join("\n");
    const directive = program.directives.at(-1);
    if (directive) {
      ms.appendLeft(e(directive), `\n${text}`);
      return;
    }
    // After a hashbang line, which a BOM may precede (test/reliability/adversarial-swc).
    const bang = hashbangEnd(code);
    if (bang > 0) {
      ms.appendLeft(bang, `\n${text}`);
      return;
    }
    if (code.charCodeAt(0) === 0xfeff) {
      ms.appendLeft(1, `${text}\n`);
      return;
    }
    ms.prepend(`${text}\n`);
  }
}

/** Binding strength of a printed dispatch expression, for the parentheses a place needs. */
const PREC: Record<DispatchExpr["kind"], number> = {
  assign: 2,
  stop: 3,
  or: 4,
  nullish: 10,
  receiver: 20,
  head: 20,
  rest: 20,
  arguments: 20,
  this: 20,
  super: 20,
  temp: 20,
  member: 20,
  string: 20,
  runtime: 20,
};

/** Marks the holes in the printed text (no source or generated text holds them). */
const RECEIVER_HOLE = "\0receiver\0";
const HEAD_HOLE = "\0head\0";
const REST_HOLE = "\0rest\0";
const ARGUMENTS_HOLE = "\0arguments\0";

/**
 * The core's dispatch (dispatch-plan.ts) as text around the source's own receiver and arguments:
 * what goes before the receiver, between it and the arguments (undefined where the receiver is
 * not written out: `super`), and after them; `mid` where the receiver's chain is split at its last
 * `?.` (`o?.repo.m(a)`): the text in place of that `?.` of `link`, between the head (`o`) and the
 * rest (`repo`). Parentheses only where a place needs them; a short circuit in its own, as it
 * replaces a call in any place.
 */
function printDispatch(
  plan: DispatchExpr,
  rt: string,
): { before: string; mid?: string; link?: Node; between?: string; end: string } {
  let link: Node | undefined;
  const print = (x: DispatchExpr, min: number): string => {
    const text = ((): string => {
      switch (x.kind) {
        case "receiver":
          return RECEIVER_HOLE;
        case "head":
          link = x.link;
          return HEAD_HOLE;
        case "rest":
          return `${print(x.object, PREC.member)}${x.dot ? "." : ""}${REST_HOLE}`;
        case "arguments":
          return `[${ARGUMENTS_HOLE}]`;
        case "this":
        case "super":
          return x.kind;
        case "temp":
          return x.name;
        case "string":
          return JSON.stringify(x.value);
        case "assign":
          return `${x.name} = ${print(x.value, PREC.assign)}`;
        case "member":
          return `${print(x.object, PREC.member)}${isIdentifierName(x.name) ? `.${x.name}` : `[${JSON.stringify(x.name)}]`}`;
        case "nullish":
          return `${print(x.value, PREC.nullish + 1)} == null`;
        case "or":
          return `${print(x.left, PREC.or)} || ${print(x.right, PREC.or + 1)}`;
        case "stop":
          return `${print(x.test, PREC.or)} ? void 0 : ${print(x.value, PREC.assign)}`;
        case "runtime":
          return `${rt}.${x.helper}(${x.args.map((a) => print(a, PREC.assign)).join(", ")})`;
      }
    })();
    return PREC[x.kind] < min ? `(${text})` : text;
  };
  const text = print(plan, plan.kind === "stop" ? PREC.stop + 1 : 0);
  const [head, end] = text.split(ARGUMENTS_HOLE);
  if (head.includes(HEAD_HOLE)) {
    // The holes in the source's order: head, rest, arguments.
    const [before, afterHead] = head.split(HEAD_HOLE);
    const [mid, between] = afterHead.split(REST_HOLE);
    return { before, mid, link, between, end };
  }
  const at = head.indexOf(RECEIVER_HOLE);
  return at < 0
    ? { before: head, end }
    : { before: head.slice(0, at), between: head.slice(at + RECEIVER_HOLE.length), end };
}

/** The offset just after the `(` that opens a call's arguments. */
function argsOpen(code: string, call: CallNode): number {
  const typeArgs = (call as { typeArguments?: Node | null }).typeArguments;
  let i = typeArgs?.end ?? e(call.callee);
  while (i < e(call) && code[i] !== "(") i++;
  return i + 1;
}

/** Where a parenthesised object ends: `(a || b).m()` → after the `)`. */
function objectOuterEnd(code: string, call: CallNode, object: Node): number {
  const opened = code.slice(s(call), s(object)).split("(").length - 1;
  let i = e(object);
  for (let k = 0; k < opened; ) {
    if (code[i] === ")") k++;
    else if (!/\s/.test(code[i])) break;
    i++;
  }
  return i;
}

const sortedEdits = new WeakMap<Plan, [Node, CallEdit][]>();

/** The plan's call edits by position, so each copied function finds its own in log time. */
function editsByStart(plan: Plan): [Node, CallEdit][] {
  let list = sortedEdits.get(plan);
  if (!list) {
    list = [...plan.edits].sort((a, b) => s(a[0]) - s(b[0]));
    sortedEdits.set(plan, list);
  }
  return list;
}

/**
 * What a statement may not start with in code without semicolons: after a line that does not
 * end in `;`, ASI does not end that line before these, so `x = foo\n(this.m === …)` calls `foo`
 * (`<` for a TypeScript assertion, `.` for a number such as `.5`).
 */
const CONTINUES = "([`+-/<.";

/** Where a statement follows the line before it: a list of statements, not an `if`'s body. */
const STATEMENT_LISTS = new Set(["Program", "BlockStatement", "StaticBlock", "SwitchCase", "TSModuleBlock"]);

/** Applies edits to one MagicString: the file itself, or a scratch copy for a variant's body. */
class Editor {
  /** Statements whose first token an edit replaced or preceded (see `begins`). */
  private readonly heads = new Set<Node>();

  constructor(
    readonly ms: MagicString,
    private readonly code: string,
    private readonly imports: TextImports,
    private readonly tree: Tree,
  ) {}

  /**
   * Notes an edit at the start of `n`: if `n` begins a statement of a statement list, the edited
   * statement may now begin with a token that continues the line before it (`finish`).
   */
  begins(n: Node): void {
    for (let cur = n, p = this.tree.parent(n); p !== undefined; cur = p, p = this.tree.parent(p)) {
      if (s(p) !== s(cur)) return;
      if (p.type === "ExpressionStatement") {
        // The first statement of a list follows `{`, `:` or the file's start (or a directive,
        // which a `(` would turn into a call), and one after a `;` starts afresh: nothing to join.
        const link = this.tree.link(p);
        if (!link || !STATEMENT_LISTS.has(link.parent.type)) return;
        const list = link.parent as unknown as Record<string, Node[] | undefined>;
        const before = link.index > 0 ? list[link.key]?.[link.index - 1] : list.directives?.at(-1);
        if (before && this.code[e(before) - 1] !== ";") this.heads.add(p);
        return;
      }
    }
  }

  /**
   * A `;` before each noted statement whose edited text starts with a token that would continue
   * the line before it in code without semicolons, as a formatter writes it
   * (fixture methods/this-override-no-semicolons). Decided on the final text, so edits that meet
   * at one place (`_sa.guard(` around `(this.m === …)`) are seen together; an `if`'s body is
   * never given one (`if (c) ;x` would make the `;` the body).
   */
  finish(): void {
    this.finishOn(this.ms);
    this.heads.clear();
  }

  /** `finish` on `ms`, a scratch copy of this one's edits (a loop's copy of a callback's body). */
  finishOn(ms: MagicString): void {
    for (const st of this.heads) {
      let text: string;
      try {
        text = ms.slice(s(st), e(st));
      } catch {
        // The statement's start lies in text an enclosing edit replaced: nothing of it starts a line.
        continue;
      }
      const first = text.trimStart()[0];
      if (first !== undefined && CONTINUES.includes(first)) ms.prependLeft(s(st), ";");
    }
  }

  /**
   * A checked call's receiver as text to paste several times: a name as it is, anything else in
   * parentheses — `(this as any).m()` and `(0, lib).m()` were pasted bare, which did not parse
   * (attack20 F3; fixtures typescript/receiver-cast, methods/receiver-sequence).
   */
  private receiver(object: Node): string {
    const text = this.code.slice(s(object), e(object));
    const bare = object.type === "ThisExpression" || object.type === "Super" || object.type === "Identifier";
    return bare ? text : `(${text})`;
  }

  /** Renames what a call reaches, by its shape. */
  rename(call: CallNode, shapeKind: Shape["kind"], to: string, own?: OwnCheck, loc?: string): void {
    if (own && (to !== own.name || own.kept !== undefined)) {
      // `this.m()` → `(this.mSync?.[_sa.OF] === (_obj = this.m) ? this : _sa.viaOf(this, _obj, "m",
      // "mSync", "sync")).mSync()`: a subclass's override is dispatched (fixture
      // methods/this-override), and `this.m` is read once, before the arguments. `C.m()` checks
      // `C` the same way (fixture methods/replaced-class-methods).
      const ref = referenceOf(call, shapeKind) as t.MemberExpression;
      const object = ref.object as Node;
      const rt = this.imports.runtime();
      const tmp = this.imports.temp();
      // A sync-kind method kept as itself (attack25 F19): its async variant points back at it,
      // and the fast path calls what the check read.
      const kept = own.kept;
      const mode = kept !== undefined ? "sync" : variantKind(own.kind);
      const check = kept ?? to;
      // The call's place: the fallback throws there if the override gives a promise.
      const at = loc !== undefined ? `, ${JSON.stringify(loc)}` : "";
      const name = JSON.stringify(own.name);
      this.begins(object);
      if (shapeKind === "call-apply" || shapeKind === "bind") {
        // `Api.load.call(t, a)` → `(Api.loadSync?.[_sa.OF] === (_obj = Api.load) ? Api.loadSync :
        // _sa.viaFn(_obj, "load", "sync")).call(t, a)`: `.call`/`.apply`/`.bind` give the
        // receiver (attack20 F2; fixture typescript/namespace-stub-call-apply).
        const self = this.receiver(object);
        this.ms.update(
          s(ref),
          e(ref),
          `(${self}${dot(check)}?.[${rt}.OF] === (${tmp} = ${self}${dot(own.name)}) ? ${kept !== undefined ? tmp : self + dot(to)} : ${rt}.viaFn(${tmp}, ${name}, "${mode}"${at}))`,
        );
        return;
      }
      if (object.type === "Super") {
        // `super` is no value to pick: `super.m(a)` → `(super.mSync?.[_sa.OF] === (_obj = super.m)
        // ? super.mSync : _sa.viaFn(_obj, "m", "sync")).call(this, a)`.
        this.ms.update(
          s(ref),
          e(ref),
          `(super${dot(check)}?.[${rt}.OF] === (${tmp} = super${dot(own.name)}) ? ${kept !== undefined ? tmp : `super${dot(to)}`} : ${rt}.viaFn(${tmp}, ${name}, "${mode}"${at})).call`,
        );
        this.ms.appendLeft(argsOpen(this.code, call), call.arguments.length ? "this, " : "this");
        return;
      }
      const self = this.receiver(object);
      this.ms.update(
        s(object),
        e(object),
        `(${self}${dot(check)}?.[${rt}.OF] === (${tmp} = ${self}${dot(own.name)}) ? ${self} : ${rt}.viaOf(${self}, ${tmp}, ${name}, ${JSON.stringify(to)}, "${mode}"${at}))`,
      );
    }
    if (shapeKind === "choice") {
      this.ms.update(s(call.callee), e(call.callee), to);
      return;
    }
    // The core names the node (through `(0, f)`, `f!`, `.call`, `.bind(…)`, a template's tag).
    const callee = referenceOf(call, shapeKind);
    if (callee.type === "Identifier") {
      this.ms.update(s(callee), e(callee), to);
      return;
    }
    if (callee.type !== "MemberExpression" && callee.type !== "OptionalMemberExpression") return;
    if (!callee.computed && isIdentifierName(to)) {
      this.ms.update(s(callee.property), e(callee.property), to);
      return;
    }
    // `a["m"]()` → `a.to()`, `a?.["m"]()` → `a?.to()`; a variant of a string-named export or
    // method stays computed: `ns["fetch-it"]()` → `ns["fetch-itSync"]()` (fixture
    // modules/string-named-member-call).
    const from = objectOuterEnd(this.code, callee as unknown as CallNode, callee.object);
    const optional = (callee as { optional?: boolean }).optional;
    this.ms.update(
      from,
      e(callee),
      isIdentifierName(to) ? `${optional ? "?." : "."}${to}` : `${optional ? "?." : ""}${dot(to)}`,
    );
  }

  /**
   * A dispatched method call, as the core plans it (dispatch-plan.ts `dispatchPlan`: the
   * receiver once, the method read before the arguments, the optional links kept): printed
   * around the source's own receiver and arguments, which stay where they are.
   */
  dispatch(call: CallNode, helper: string, loc?: string): void {
    const callee = call.callee as t.MemberExpression;
    const plan = dispatchPlan(call, helper, this.imports, loc);
    this.begins(call);
    const printed = printDispatch(plan, this.imports.runtime());
    const { before, mid, link, between } = printed;
    // An armed call with no argument (SyncCopy `arm`): `...calling()` in the arguments' array.
    const end = `${this.takeArm()}${printed.end}`;
    // A callee in parentheses (`(api.load)(x)`, fixture contexts/parenthesized-member-callee):
    // its `(` goes with it, the `)` falls in the range replaced after the object below.
    const from = objectOuterEnd(this.code, call, callee.object);
    const open = argsOpen(this.code, call);
    if (mid !== undefined && link !== undefined) {
      // `o?.repo.m(a)`: the `?.` of the split link (the core's `OptionalLinks.inner`) becomes
      // the text between the head and the rest; both stay where they are.
      const head = (link as unknown as t.OptionalMemberExpression).object as Node;
      const headEnd = objectOuterEnd(this.code, link as unknown as CallNode, head);
      // Only trivia between the head and its `?.` (a comment there may hold `?.` too).
      this.ms.update(headEnd, skipTrivia(this.code, headEnd) + 2, mid);
    }
    if (between === undefined) {
      // No receiver written out (`super.m(a)` → `…(this, super.m, …)`): all before the arguments.
      if (call.arguments.length === 0) this.ms.update(s(call), e(call), `${before}${end}`);
      else {
        this.ms.update(s(call), open, before);
        this.ms.update(e(call) - 1, e(call), end);
      }
      return;
    }
    if (s(callee) > s(call)) this.ms.update(s(call), s(callee), before);
    else this.ms.prependRight(s(call), before);
    if (call.arguments.length === 0) {
      this.ms.update(from, e(call), `${between}${end}`);
      return;
    }
    this.ms.update(from, open, between);
    this.ms.update(e(call) - 1, e(call), end);
  }

  /** `f(a)` → `_sa.callVariant(f, "sync", [a], "file:line:col")` (the `mockable` option, core/calls.ts). */
  variantCall(call: CallNode, shape: Shape["kind"], via: ViaMarker): void {
    if (via.pick) {
      // `f.call(t, a)` → `_sa.pickVariant(f, "sync", "file:line:col").call(t, a)`: only the
      // reference is replaced, the call keeps its shape.
      const ref = referenceOf(call, shape);
      this.begins(ref);
      const optional = via.pick.optional ? ", true" : "";
      this.ms.prependRight(s(ref), `${this.imports.runtime()}.pickVariant(`);
      this.ms.appendLeft(e(ref), `, ${JSON.stringify(via.mode)}, ${JSON.stringify(via.loc)}${optional})`);
      return;
    }
    this.begins(call);
    this.ms.prependRight(s(call), `${this.imports.runtime()}.callVariant(`);
    const open = argsOpen(this.code, call);
    // From the type arguments (dropped: a value is passed now) or the `(`; the callee's text,
    // parentheses included (`(0, f)(a)`), stays as it is.
    const typeArgs = (call as { typeArguments?: Node | null }).typeArguments;
    const from = typeArgs ? s(typeArgs) : open - 1;
    const head = `, ${JSON.stringify(via.mode)}, [`;
    const tail = `${this.takeArm()}], ${JSON.stringify(via.loc)})`;
    if (call.arguments.length === 0) {
      this.ms.update(from, e(call), `${head}${tail}`);
      return;
    }
    this.ms.update(from, open, head);
    this.ms.update(e(call) - 1, e(call), tail);
  }

  /**
   * `this.m.bind(this)` → `_sa.bound(_obj = this.m, _obj.bind(this), this)`: the bound function
   * keeps the method's marker (the autobind idiom, core/analysis/autobind.ts).
   */
  bound(call: CallNode): void {
    const callee = call.callee as t.MemberExpression;
    const tmp = this.imports.temp();
    this.begins(call);
    this.ms.prependRight(s(call), `${this.imports.runtime()}.bound(${tmp} = `);
    this.ms.appendLeft(objectOuterEnd(this.code, call, callee.object), `, ${tmp}`);
    this.ms.appendLeft(e(call), ", this)");
  }

  apply(call: CallNode, edit: CallEdit): void {
    if (edit.shape.kind === "autobind") this.bound(call);
    else if (edit.via) this.variantCall(call, edit.shape.kind, edit.via);
    else if (edit.shape.kind === "dispatch") this.dispatch(call, edit.to, edit.loc);
    else this.rename(call, edit.shape.kind, edit.to, ownCheckOf(edit.shape), edit.loc);
  }

  /**
   * `...calling()` for the next call written with no argument, where its arguments go (SyncCopy
   * `arm`); left for the caller to place in the call's own parentheses when not taken.
   */
  armText: string | undefined;

  private takeArm(): string {
    const text = this.armText ?? "";
    this.armText = undefined;
    return text;
  }

  wrap(n: Node, before: string, after: string): void {
    this.begins(n);
    this.ms.prependRight(s(n), before);
    this.ms.appendLeft(e(n), after);
  }

  /**
   * `wrap`, innermost at both ends: text other edits wrote at the node's start or end (a
   * dispatch whose receiver is the node starts there) stays outside. The marker wrapper of an
   * object literal goes around the literal itself (fixture methods/literal-receiver-and-argument,
   * attack25 F09: `{…}.get(3)` had the wrapper around the dispatch's head instead).
   */
  wrapInner(n: Node, before: string, after: string): void {
    this.begins(n);
    this.ms.appendRight(s(n), before);
    this.ms.prependLeft(e(n), after);
  }
}

/**
 * Builds the text of the inline sync variant: the function's own text with its colour removed
 * (DESIGN §3.4), leaf by leaf from the facts found on the original.
 */
class SyncCopy {
  private readonly ed: Editor;
  /** Callbacks of `Promise.all(xs.map(async …))` whose errors are held (holdError). */
  private readonly held: (t.ArrowFunctionExpression | t.FunctionExpression)[] = [];
  /** Loops of the loop form (core loop-copy.ts), written once the walk has mapped their bodies. */
  private readonly loops: { loop: LoopCopy; site: string; text: string }[] = [];
  /** Mapping an element of a sequential `Promise.all`/`allSettled` copy: its calls are armed. */
  private inElement = false;
  /** Armed calls with no argument written: `...calling()` is their only one. */
  private readonly armedBare = new Set<Node>();

  constructor(
    private readonly plan: Plan,
    private readonly fn: SaFunction,
    code: string,
    private readonly imports: TextImports,
  ) {
    this.ed = new Editor(new MagicString(code), code, imports, plan.ctx.tree);
  }

  /** Maps each leaf of a value (`valueLeaves`: through wrappers, `?:`, `&&`/`||`/`??`, a sequence's last). */
  private map(node: Node): void {
    const iifes: Node[] = [];
    for (const leaf of valueLeaves(node, [], this.fn.iifeTried, iifes)) {
      this.mapLeaf(leaf);
      // A call an IIFE returns from inside its `try`, made after it; the IIFE's value settled
      // (core forms.ts `iifeDeferrals`, fixture inline/iife-return-in-try).
      if (this.fn.iifeLater?.has(leaf)) this.deferLeaf(leaf);
    }
    for (const iife of iifes) {
      if (this.fn.iifeSettled?.has(iife)) this.ed.wrap(iife, `${this.imports.runtime()}.settled(`, ")");
      // Its `catch` around a checked argument (a twin's) rethrows the check's error first, as the
      // function's own do (fixture inline/iife-return-in-try).
      if (this.fn.iifeTried?.has(iife))
        this.plan.ctx.tree.walk(iifeFunction(iife)!.body as Node, (n) => {
          if (isFunction(n)) return false;
          if (n.type === "CatchClause" && this.fn.guardCatches?.has(n)) this.rethrowFirst(n);
          return undefined;
        });
    }
  }

  /**
   * An element's call: `calling(…)` around its last argument (`, ...calling()` after a spread), so
   * that what throws before the call is made is not held as the element's rejection (runtime
   * `armed`, attack30 F07). A call with no argument gets `...calling()` as its only one: the text
   * is returned for the caller to place (a dispatch writes its own parentheses). A tagged
   * template's last substitution is wrapped; one without any, its tag (`armTag`, once renamed).
   */
  private arm(node: Node): string | undefined {
    const rt = this.imports.runtime();
    if (node.type === "TaggedTemplateExpression") {
      const subs = node.quasi.expressions as Node[];
      if (subs.length === 0) return "";
      this.ed.wrap(subs[subs.length - 1]!, `${rt}.calling(`, ")");
      return undefined;
    }
    if (node.type !== "CallExpression" && node.type !== "OptionalCallExpression") return undefined;
    const last = node.arguments[node.arguments.length - 1] as Node | undefined;
    if (last === undefined) {
      this.armedBare.add(node);
      return `...${rt}.calling()`;
    }
    if (last.type === "SpreadElement") this.ed.ms.appendLeft(e(last), `, ...${rt}.calling()`);
    else this.ed.wrap(last, `${rt}.calling(`, ")");
    return undefined;
  }

  private armTag(node: Node): void {
    const tag = (node as t.TaggedTemplateExpression).tag as Node;
    if ((node as t.TaggedTemplateExpression).quasi.expressions.length === 0)
      this.ed.wrap(tag, `${this.imports.runtime()}.calling(`, ")");
  }

  private mapLeaf(node: Node): void {
    const fact = this.fn.leaves.get(node);
    if (!fact) return;
    const rt = () => this.imports.runtime();
    switch (fact.kind) {
      case "smartasync": {
        const r = this.fn.leafCallees.get(node)!;
        const call = node as CallNode;
        // Before the call is rewritten: a dispatch writes its own text where a bare call's
        // arguments would be (`armText`).
        const arm = this.inElement && !fact.atCall ? this.arm(node) : undefined;
        this.ed.armText = arm;
        if (r.shape.kind === "dispatch") this.ed.dispatch(call, "callSync");
        // A sync-kind method keeps its own name, checked still to be the method (attack25 F19).
        else if (r.fn)
          this.ed.rename(
            call,
            r.shape.kind,
            r.fn.kind === "async" ? r.fn.variant : r.fn.name,
            ownCheckOf(keptCheck(r, true) ?? r.shape),
          );
        else if (r.ext?.fact.kind === "async") {
          const via = viaMarker(this.plan.ctx, node, r, "sync");
          if (via) this.ed.variantCall(call, r.shape.kind, via);
          // An imported namespace's or CommonJS module object's member: checked as in the
          // source's own calls (fixture cjs/stubbed-from-another-file).
          else this.ed.rename(call, r.shape.kind, r.ext.variantRef(), ownCheckOf(r.shape));
        }
        // Not taken by a dispatch or a `callVariant`: a bare call's parentheses hold it.
        if (this.ed.armText !== undefined) this.ed.ms.prependRight(e(call) - 1, this.ed.armText);
        this.ed.armText = undefined;
        if (node.type === "TaggedTemplateExpression" && arm !== undefined) this.armTag(node);
        if (fact.guard) this.guardOf(node, fact.guard);
        return;
      }
      case "twin": {
        const call = node as CallNode;
        const ns =
          fact.twin.module === RUNTIME_MODULE
            ? rt()
            : this.imports.namespace(
                fact.twin.module,
                fact.twin.module.replace(/^node:/, "").replace(/\W+/g, "_"),
                fact.replacedByName !== undefined,
              );
        this.ed.begins(call);
        if (fact.replacedByName)
          this.ed.wrap(
            call.callee as Node,
            `${rt()}.twinSame(`,
            `, ${ns}[${JSON.stringify(fact.replacedByName.name)}], ${ns}.${fact.twin.name}, ${JSON.stringify(this.fn.variant)}, ${JSON.stringify(fact.replacedByName.loc)}, ${JSON.stringify(fact.replacedByName.text)})`,
          );
        else if (fact.replaced)
          this.ed.wrap(
            call.callee as Node,
            `${rt()}.twinVia(`,
            `, ${JSON.stringify(fact.replaced.promise)}, ${ns}.${fact.twin.name}, ${JSON.stringify(this.fn.variant)}, ${JSON.stringify(fact.replaced.loc)}, ${JSON.stringify(fact.replaced.text)})`,
          );
        else this.ed.ms.update(s(call.callee), e(call.callee), `${ns}.${fact.twin.name}`);
        for (const c of fact.checks) {
          const where = `${JSON.stringify(fact.twin.name)}, ${JSON.stringify(c.loc)})`;
          const arg = call.arguments[c.index] as Node;
          if (c.kind === "value") this.guardOf(arg, c);
          else
            this.ed.wrap(
              arg,
              `${rt()}.${twinCheckHelper(c.kind)}(`,
              c.kind === "options" ? `, ${JSON.stringify(c.promiseOnly)}, ${where}` : `, ${where}`,
            );
        }
        // After the checks: a check's failure is the copy's own, never the element's.
        if (this.inElement) {
          const bare = this.arm(node);
          if (bare !== undefined) this.ed.ms.prependRight(e(call) - 1, bare);
        }
        // A twin by name: its result is checked like any unproven value.
        if (fact.guard) this.guardOf(node, fact.guard);
        return;
      }
      case "combinator": {
        const call = node as CallNode;
        const arr = call.arguments[0] as t.ArrayExpression;
        this.ed.begins(call);
        this.ed.ms.remove(s(call), s(arr));
        this.ed.ms.remove(e(arr), e(call));
        const outer = this.inElement;
        this.inElement = true;
        for (const el of arr.elements as Node[]) {
          this.map(el);
          // allSettled: each element settles on its own, in order (the report says sequential).
          // all: every element runs, and a call's error is held until the others have
          // (`attemptCall`); `allOf` throws the first by index. Only the call's own failure is
          // held: each call's last argument is `calling(…)`, what throws before it (the callee,
          // an argument) throws at once, as while the async function builds the array (attack30
          // F07).
          this.ed.wrap(
            el,
            `${rt()}.${fact.name === "allSettled" ? "settleCall" : "attemptCall"}(() => `,
            ")",
          );
        }
        this.inElement = outer;
        // `Promise.all` inside an element: its rejection is that element's.
        if (fact.name === "all")
          this.ed.wrap(arr, `${rt()}.allOf(${outer ? `${rt()}.calling(` : ""}`, outer ? "))" : ")");
        return;
      }
      case "mapAll": {
        const call = node as CallNode;
        this.ed.begins(call);
        if (fact.pMap) {
          // `pMap(xs, cb, opts)` → `_sa.mapSync(xs, cbSync, opts, …, _p_map.pMapSkip)`: the
          // callback (made sync by the walk) runs element by element, in order.
          const args = call.arguments as Node[];
          const skip = `${this.imports.namespace("p-map", "p_map")}.pMapSkip`;
          const site = `${JSON.stringify(this.fn.variant)}, ${JSON.stringify(fact.guard.loc)}`;
          const where = `${site}, ${JSON.stringify(fact.guard.text)}, ${skip})`;
          // The loop form (core loop-copy.ts): the loop's results where it ran, else the callback form.
          const loop = this.fn.loopCopies?.get(call);
          if (loop) this.loops.push({ loop, site, text: JSON.stringify(fact.guard.text) });
          const first = loop
            ? `${loop.results} !== undefined ? ${rt()}.mapDone(${loop.results}, ${skip}) : `
            : "";
          this.ed.ms.overwrite(s(call), s(args[0]!), `${first}${rt()}.mapSync(`);
          this.ed.ms.overwrite(
            e(args.at(-1)!),
            e(call),
            `${args.length === 2 ? ", undefined" : ""}, ${where}`,
          );
          return;
        }
        if (fact.asyncLimit) {
          // `mapLimit(xs, n, cb)` → `_sa.mapLimitSync(xs, n, cbSync, each, …)`: the callback
          // (made sync by the walk) runs element by element, in order.
          const args = call.arguments as Node[];
          this.ed.ms.overwrite(s(call), s(args[0]!), `${rt()}.mapLimitSync(`);
          this.ed.ms.overwrite(
            e(args[2]!),
            e(call),
            `, ${fact.asyncLimit === "each"}, ${JSON.stringify(this.fn.variant)}, ${JSON.stringify(fact.guard.loc)}, ${JSON.stringify(fact.guard.text)})`,
          );
          return;
        }
        // `Promise.all(xs.map(cb))` → `_sa.allSync(xs.map(cbSync), …)`: the map runs the sync
        // callback element by element; each result is checked.
        const arg = call.arguments[0] as Node;
        if (fact.limited) {
          // `(x) => limit(fn)` → `(x) => _sa.limited(fn)`: the function the limiter would run in
          // its turn runs now (fn, made sync by the walk, is one of the function's map callbacks).
          const outer = (arg as CallNode).arguments[0] as t.ArrowFunctionExpression;
          const limiter = (outer.body as CallNode).callee as Node;
          this.ed.ms.overwrite(s(limiter), e(limiter), `${rt()}.limited`);
        }
        // Each callback runs to its end, an error held until all have run (holdError, once the
        // callback's own edits are made).
        this.held.push((arg as CallNode).arguments[0] as t.ArrowFunctionExpression);
        const where = `${JSON.stringify(this.fn.variant)}, ${JSON.stringify(fact.guard.loc)}, ${JSON.stringify(fact.guard.text)}`;
        // The loop form (core loop-copy.ts): the loop's results where it ran, else the callback form.
        const loop = this.fn.loopCopies?.get(call);
        if (loop)
          this.loops.push({
            loop,
            site: `${JSON.stringify(this.fn.variant)}, ${JSON.stringify(fact.guard.loc)}`,
            text: JSON.stringify(fact.guard.text),
          });
        const first = loop
          ? `${loop.results} !== undefined ? ${rt()}.allDone(${loop.results}, ${where}) : `
          : "";
        this.ed.ms.overwrite(s(call), s(arg), `${first}${rt()}.allSync(`);
        this.ed.ms.overwrite(e(arg), e(call), `, ${where})`);
        return;
      }
      case "guarded":
        this.guardOf(node, fact);
        return;
      default:
        return;
    }
  }

  /**
   * The sync callback of `Promise.all(xs.map(async …))` holds its error for `allSync`, which
   * throws the first by index once every callback has run: `(x) => body` → `(x) => { try {
   * return body; } catch (error) { return _sa.failed(error); } }` (Babel's holdError). Made after
   * the callback's own edits, so that the `try` encloses them: an edit at the same place made
   * later lands outside the ones made before it (a guard of the whole body ends where it does).
   */
  private holdError(cb: t.ArrowFunctionExpression | t.FunctionExpression): void {
    const ms = this.ed.ms;
    const handler = ` catch (error) { return ${this.imports.runtime()}.failed(error); }`;
    const body = cb.body as Node;
    if (body.type === "BlockStatement") {
      // After the directives (`"use strict"` stays one), ending the last if it has no `;`.
      const last = (body as t.BlockStatement).directives?.at(-1) as Node | undefined;
      const semi = last && this.plan.ctx.code[e(last) - 1] !== ";" ? ";" : "";
      ms.appendLeft(last ? e(last) : s(body) + 1, `${semi} try {`);
      ms.prependRight(e(body) - 1, `}${handler} `);
      return;
    }
    // An expression body in parentheses (`(x) => ({ … })`) keeps them, inside the `return`.
    const from = (body.extra?.parenStart as number | undefined) ?? s(body);
    ms.prependRight(from, "{ try { return ");
    ms.appendLeft(e(cb), `; }${handler} }`);
  }

  /**
   * `catch (e) { … }` → `catch (e) { _sa.rethrowGuard(e); … }`: a guard's failure passes through
   * the user's `catch` (a clause without a plain parameter gets one; a pattern moves into the body).
   */
  private rethrowFirst(clause: t.CatchClause): void {
    const ms = this.ed.ms;
    const code = this.plan.ctx.code;
    const param = clause.param as Node | null;
    let name: string;
    let pattern = "";
    if (param?.type === "Identifier") name = param.name;
    else {
      name = this.fn.guardCatchName!;
      if (param) {
        pattern = ` let ${code.slice(s(param), e(param))} = ${name};`;
        ms.overwrite(s(param), e(param), name);
      } else ms.appendLeft(s(clause.body), `(${name}) `);
    }
    ms.appendLeft(s(clause.body) + 1, ` ${this.imports.runtime()}.rethrowGuard(${name});${pattern}`);
  }

  /**
   * `try { B } catch (e) { C } finally { F }` → `{ let _held; try { try { B } catch (e) { C } }
   * catch (_caught) { _held = _caught; throw _caught; } finally { try { F } finally {
   * _sa.rethrowGuard(_held); } } }` (without a `catch`, `B` stays the outer `try`'s block): the
   * error that leaves the `try` and `catch` is remembered, and a guard's is rethrown once the
   * `finally` block has run, whatever its completion (core `guardFinallies`; fixture
   * inline/guard-through-finally).
   */
  private holdThroughFinally(n: t.TryStatement): void {
    const ms = this.ed.ms;
    const held = this.fn.guardHeldName!;
    const caught = this.fn.guardCatchName!;
    const handler = n.handler as Node | null;
    const finalizer = n.finalizer as Node;
    // Opening texts go before anything inside (prependRight), closing ones after (appendLeft).
    ms.prependRight(s(n as Node), `{ let ${held}; ${handler ? "try { " : ""}`);
    ms.appendLeft(
      handler ? e(handler) : e(n.block as Node),
      `${handler ? " }" : ""} catch (${caught}) { ${held} = ${caught}; throw ${caught}; }`,
    );
    ms.prependRight(s(finalizer), "{ try ");
    ms.appendLeft(e(finalizer), ` finally { ${this.imports.runtime()}.rethrowGuard(${held}); } } }`);
  }

  /**
   * A returned call that the async function returns as a promise from inside a `try` (forms.ts,
   * deferredReturns) becomes `later(fSync, ...args)`: its arguments are evaluated in place, the
   * call is made after the `try`, as the async function's promise settles after it
   * (fixture inline/return-in-try).
   */
  private defer(node: Node, deferred: Set<Node>): void {
    for (const leaf of valueLeaves(node, [], this.fn.iifeTried)) if (deferred.has(leaf)) this.deferLeaf(leaf);
  }

  private deferLeaf(node: Node): void {
    const rt = this.imports.runtime();
    const call = node as CallNode;
    const fact = this.fn.leaves.get(node);
    const r = fact?.kind === "smartasync" ? this.fn.leafCallees.get(node) : undefined;
    // A twin (`_fs.readFileSync`) is a plain function: it needs no receiver either. Only a call
    // has a callee: a tagged template (`` return tag`x${k}` ``) takes the arrow form below, as
    // Babel's does (fixture inline/return-tagged-template-in-try, attack25 F07).
    const plain =
      call.type === "CallExpression" &&
      ((call.callee.type === "Identifier" && r?.shape.kind === "ident") || fact?.kind === "twin");
    if (plain) {
      // `fSync(a, b)` → `later(fSync, a, b)`: the `(` becomes the separator.
      const open = argsOpen(this.plan.ctx.code, call) - 1;
      this.ed.begins(call);
      this.ed.ms.prependRight(s(call), `${rt}.later(`);
      this.ed.ms.update(open, open + 1, call.arguments.length || this.armedBare.has(call) ? ", " : "");
      return;
    }
    this.ed.wrap(node, `${rt}.later(() => `, ")");
  }

  /**
   * The loop of core loop-copy.ts, written before its statement: the callback's body in a `for`
   * (`site`: the variant and the place of the checks, `resultText` the results' text, both as
   * literals). A block body is copied
   * from a scratch copy of the edits, in which each of its own `return`s pushes its value and goes
   * on to the next element, and the statements an edit made start with `(` get their `;`.
   */
  private writeLoop(loop: LoopCopy, site: string, resultText: string): void {
    const where = `${site}, ${resultText}`;
    const rt = this.imports.runtime();
    const body = loop.cb.body as Node;
    const { results: r, index: i, count: n, list } = loop;
    // Labelled where a block body's `return` goes on to the next element.
    const label = loop.returns.size ? `${loop.label}: ` : "";
    const pMap = loop.form === "pMap";
    // pMap checks each result before the next element runs (mapSync); Promise.all's are checked
    // once all have run (allDone).
    const push = (value: string) => `${r}.push(${pMap ? `${rt}.guard(${value}, ${where})` : value});`;
    let each: string;
    if (body.type === "BlockStatement") {
      const scratch = this.ed.ms.clone();
      this.ed.finishOn(scratch);
      for (const ret of loop.returns) {
        const arg = (ret as t.ReturnStatement).argument as Node | null;
        const code = this.plan.ctx.code;
        // `return` is six characters; the value keeps its edits, the `;` (if any) ends the push.
        const semi = code[e(ret) - 1] === ";";
        const open = `{ ${r}.push(${pMap ? `${rt}.guard(` : ""}`;
        const close = `${pMap ? `, ${where})` : ""})`;
        const next = ` continue ${loop.label}; }`;
        if (arg) {
          // The push closes where the statement's `;` is, after any parentheses of the value.
          scratch.update(s(ret), s(ret) + 6, open);
          if (semi) {
            scratch.appendLeft(e(ret) - 1, close);
            scratch.appendLeft(e(ret), next);
          } else scratch.appendLeft(e(ret), `${close};${next}`);
        } else scratch.update(s(ret), e(ret), `{ ${r}.push(undefined);${next}`);
      }
      // Undefined needs no check: the callback's end, a bare `return`.
      each = ` ${scratch.slice(s(body), e(body))} ${r}.push(undefined);`;
    } else {
      // In parentheses: a sequence body (`(a, b)`, its parentheses outside the node) is one value.
      each = ` ${push(`(${this.ed.ms.slice(s(body), e(body))})`)}`;
    }
    const element = pMap
      ? `${rt}.guard(${list}[${i}], ${site}, ${JSON.stringify(loop.elementText)})`
      : `${list}[${i}]`;
    const values = { element, index: i, list, undefined: "undefined" };
    const params = loop.params.length
      ? ` const ${loop.params.map((p) => `${p.name} = ${values[p.value]}`).join(", ")};`
      : pMap
        ? ` ${element};`
        : "";
    // pMap's options, read by the check too (the same twice: loop-copy.ts).
    const options = loop.options ? this.ed.ms.slice(s(loop.options), e(loop.options)) : "undefined";
    const text = pMap
      ? `let ${r}; if (${rt}.pMapLoop(${list}, ${options})) { ${r} = []; ${label}for (let ${i} = 0; ${i} < ${list}.length; ${i}++) {` +
        `${params}${each} } } `
      : `let ${r}; if (${rt}.plainArray(${list})) { ${r} = []; ${label}for (let ${i} = 0, ${n} = ${list}.length; ${i} < ${n}; ${i}++) {` +
        ` if (!(${i} in ${list})) { ${r}.push(undefined); continue; }${params}` +
        ` try {${each} } catch (error) { ${r}.push(${rt}.failed(error)); } } } `;
    this.ed.ms.prependLeft(s(loop.statement), text);
  }

  /** `_sa.guard(value, "fSync", "file:line:col", "text")`: the run-time check of an unproven value. */
  private guardOf(node: Node, site: { loc: string; text: string }): void {
    this.ed.wrap(
      node,
      `${this.imports.runtime()}.guard(`,
      `, ${JSON.stringify(this.fn.variant)}, ${JSON.stringify(site.loc)}, ${JSON.stringify(site.text)})`,
    );
  }

  /** The copy's text, from `from` to `to` of the original (the function or its member). */
  build(from: number, to: number): string {
    const { fn, plan } = this;
    const f = fn.fn;
    const ms = this.ed.ms;
    // Calls keep the decisions made on the original, except the leaves mapped below.
    const edits = editsByStart(plan);
    let lo = 0;
    for (let hi = edits.length; lo < hi; ) {
      const mid = (lo + hi) >>> 1;
      if (s(edits[mid][0]) < from) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < edits.length && s(edits[i][0]) < to; i++) {
      const [call, edit] = edits[i];
      if (e(call) <= to && !fn.leaves.has(call)) this.ed.apply(call as CallNode, edit);
    }
    // `arguments.callee` of a sloppy-mode function: the function, as in the plain program
    // (core arguments-callee.ts; fixture inline/arguments-callee-sloppy).
    for (const [m, name] of fn.calleeReads ?? []) ms.update(s(m), e(m), name);
    const body = f.body as Node;
    const deferred = deferredReturns(plan.ctx, fn);
    // A parameter's default the copy takes the awaited value of (core param-defaults.ts).
    for (const value of fn.syncDefaults ?? []) this.map(value);
    if (body.type !== "BlockStatement") this.map(body);
    plan.ctx.tree.walk(body, (n) => {
      if (isFunction(n)) {
        // The map's callback around p-limit's limiter: walked through to the function it hands on.
        if (fn.limitCallbacks?.has(n)) return undefined;
        // The callback of `await Promise.all(xs.map(async …))` becomes a sync callback: its
        // `async` goes, and its body is rewritten like the function's own.
        if (!fn.mapCallbacks?.has(n)) return false;
        const cb = n as t.ArrowFunctionExpression | t.FunctionExpression;
        const upTo = cb.params.length ? s(cb.params[0] as Node) : s(cb.body as Node);
        const kw = /\basync\b\s*/.exec(plan.ctx.code.slice(s(cb), upTo));
        if (kw) ms.remove(s(cb) + kw.index, s(cb) + kw.index + kw[0].length);
        if (cb.body.type !== "BlockStatement") this.map(cb.body as Node);
        return undefined;
      }
      if (n.type === "AwaitExpression") {
        const text = plan.ctx.code.slice(s(n), s(n.argument));
        // The line break after `await` goes too: `return await\n f()` must not become a bare
        // `return` (fixture inline/await-line-break).
        const kw = /^await\s*/.exec(text)?.[0].length ?? 5;
        ms.remove(s(n), s(n) + kw);
        // A statement that now starts with `(`, `[` or a template would continue the line before
        // it in code without semicolons (`f()\n[a, b]` indexes f()): `finish` guards it like a
        // formatter does (fixture inline/await-statement-no-semicolons).
        this.ed.begins(n);
        this.map(n.argument);
      } else if (n.type === "ReturnStatement" && n.argument) {
        this.map(n.argument);
        if (deferred.size) this.defer(n.argument, deferred);
      } else if (n.type === "CatchClause" && this.fn.guardCatches?.has(n)) {
        this.rethrowFirst(n);
      } else if (n.type === "TryStatement" && this.fn.guardFinallies?.has(n)) {
        this.holdThroughFinally(n);
      } else if (this.fn.startGuards?.has(n)) {
        // A call started before an await and not proven to start no async work: its result checked.
        const site = this.fn.startGuards.get(n)!;
        this.ed.wrap(
          n,
          `${this.imports.runtime()}.started(`,
          `, ${JSON.stringify(this.fn.variant)}, ${JSON.stringify(site.loc)}, ${JSON.stringify(site.text)})`,
        );
      } else if (n.type === "ForOfStatement" && n.await && this.fn.forAwaits?.has(n)) {
        // `for await` over an array: a plain `for … of` over its elements, each guarded.
        const site = this.fn.forAwaits.get(n)!;
        const m = /\bawait\s*/.exec(plan.ctx.code.slice(s(n), s(n.left)));
        if (m) ms.remove(s(n) + m.index, s(n) + m.index + m[0].length);
        this.ed.wrap(
          n.right,
          `${this.imports.runtime()}.syncElements(`,
          `, ${JSON.stringify(this.fn.variant)}, ${JSON.stringify(site.loc)}, ${JSON.stringify(site.text)})`,
        );
      }
      return undefined;
    });
    // Each loop copies its callback's body as mapped, before holdError wraps it, but after the
    // callbacks inside that body hold their errors (a map in the body: their copies must too).
    const loopCallbacks = new Set<Node>(this.loops.map(({ loop }) => loop.cb as Node));
    for (const cb of this.held) if (!loopCallbacks.has(cb as Node)) this.holdError(cb);
    for (const { loop, site, text } of this.loops) this.writeLoop(loop, site, text);
    for (const cb of this.held) if (loopCallbacks.has(cb as Node)) this.holdError(cb);
    if (f.async) {
      const limit =
        (f as { key?: Node }).key && fn.member === f
          ? s((f as { key: Node }).key)
          : (f as { id?: Node | null }).id
            ? s((f as { id: Node }).id)
            : f.params.length
              ? s(f.params[0])
              : s(body);
      const head = plan.ctx.code.slice(s(f), limit);
      const m = /\basync\b\s*/.exec(head);
      if (m) ms.remove(s(f) + m.index, s(f) + m.index + m[0].length);
    }
    this.nestedPairs(from, to);
    if (deferred.size && body.type === "BlockStatement") {
      // The body runs in an arrow (same `this`, `arguments`, `super`), so that a deferred
      // returned call is made once every `try` of the body is left (runtime/later.ts).
      const text = (at: number, generated: string) => {
        const before = plan.ctx.code.slice(0, at).split("\n");
        return piecesOf(plan).generated(generated, before.length - 1, before.at(-1)!.length);
      };
      ms.appendLeft(s(body) + 1, text(s(body), ` return ${this.imports.runtime()}.settled((() => {`));
      ms.prependRight(e(body) - 1, text(e(body) - 1, "})()); "));
    }
    const rt = f.returnType as t.TSTypeAnnotation | null | undefined;
    if (rt?.type === "TSTypeAnnotation" && rt.start != null) {
      const ann = rt.typeAnnotation as t.TSTypeReference;
      const arg = ann.type === "TSTypeReference" ? ann.typeArguments?.params : undefined;
      if (arg?.length === 1) ms.update(s(ann), e(ann), plan.ctx.code.slice(s(arg[0]), e(arg[0])));
      else ms.remove(s(rt), e(rt));
    }
    this.ed.finish();
    // The copy keeps its own mappings: each line maps to the line it came from (splice.ts).
    return piecesOf(plan).fromRange(ms, from, to, sourceName(plan));
  }

  /**
   * A function annotated inside the one being copied keeps its variant and marker in the copy:
   * the copy's calls of `innerSync` need a declaration in the copy's own scope (fixture
   * inline/nested-annotated).
   */
  private nestedPairs(from: number, to: number): void {
    const { plan, fn } = this;
    const ms = this.ed.ms;
    const holders = new Map<Node, SaFunction[]>();
    for (const inner of plan.fns) {
      if (inner === fn || inner.processed) continue;
      if (inner.form === "class-method" || inner.form === "object-method") {
        const member = inner.member!;
        if (s(member) < from || e(member) > to) continue;
        const text = variantText(plan, inner, plan.ctx.code, this.imports);
        ms.appendLeft(e(member), inner.form === "object-method" ? `, ${text}` : `\n${text}`);
        holders.set(inner.holder!, [...(holders.get(inner.holder!) ?? []), inner]);
        continue;
      }
      const stmt = inner.stmt;
      if (!stmt || s(stmt) < from || e(stmt) > to) continue;
      const text = variantText(plan, inner, plan.ctx.code, this.imports);
      if (inner.wrapper) unwrap(this.ed.ms, inner.wrapper, this.imports.runtime(), inner.name);
      this.ed.ms.appendLeft(
        e(stmt),
        `\n${atFunction(plan, inner, pairLines(inner, text, this.imports).join("\n"))}`,
      );
    }
    // Methods are marked where their class or object is created, as in the original.
    for (const [holder, list] of holders) {
      const rt = this.imports.runtime();
      const isClass = list[0].form === "class-method";
      checkSpreads(plan, list, this.ed, rt);
      const marks = (self: string) => [
        ...ownVariants(plan, list, rt, self),
        ...list.map((m) => {
          const o = isClass && !m.isStatic ? `${self}.prototype` : self;
          return `${rt}.mark(${o}.${m.name}, ${markerSpec(m, `${o}.${m.variant}`)})`;
        }),
      ];
      const place = markerPlace(plan.ctx.tree, holder);
      if (place.kind === "class") {
        // First in the class body, as in the original.
        ms.appendLeft(s((holder as t.Class).body) + 1, `\nstatic {\n${marks("this").join(";\n")};\n}\n`);
        continue;
      }
      if (place.kind === "after") {
        ms.appendLeft(e(place.statement), `\n${marks(place.name).join(";\n")};`);
        continue;
      }
      const o = plan.names.uid("o");
      this.ed.wrapInner(holder, `((${o}) => (${[...marks(o), o].join(", ")}))(`, ")");
    }
  }

  /** Renames the copy: the declaration's id, or the method's key. */
  rename(node: Node, to: string): void {
    this.ed.ms.update(s(node), e(node), to);
  }

  renameKey(member: Node, to: string): void {
    const key = (member as { key: Node }).key;
    if (!(member as { computed?: boolean }).computed) {
      this.rename(key, to);
      return;
    }
    const code = this.plan.ctx.code;
    const open = code.lastIndexOf("[", s(key));
    const close = code.indexOf("]", e(key));
    this.ed.ms.update(open, close + 1, to);
  }
}

/**
 * The calls before the markers of a class's or object literal's methods (core/analysis/literal-variants.ts
 * `holderCalls`), as the Babel adapter's `ownVariantStatements`.
 */
function ownVariants(plan: Plan, list: readonly SaFunction[], rt: string, self: string): string[] {
  return holderCalls(plan.ctx, list).map(
    (c) =>
      `${rt}.${c.helper}(${c.args.map((a) => (typeof a === "object" ? self : JSON.stringify(a))).join(", ")})`,
  );
}

/** The run-time checks of an object literal's spreads and a class's or literal's computed keys (core `spreadChecks`, as the Babel adapter's `checkSpreads`). */
function checkSpreads(plan: Plan, list: readonly SaFunction[], ed: Editor, rt: string): void {
  for (const c of spreadChecks(plan.ctx, list))
    ed.wrap(
      (c.key ? (c.spread as t.ObjectProperty).key : (c.spread as t.SpreadElement).argument) as Node,
      `${rt}.${c.key ? "keyOf" : "spreadOf"}(`,
      `, ${JSON.stringify(c.pairs)}, ${c.after}, ${JSON.stringify(c.loc)})`,
    );
}

/** An exported name as written: an identifier, or a string where it is not one (`"a-b"`). */
const quoted = (name: string): string => (isIdentifierName(name) ? name : JSON.stringify(name));

const isTs = (filename: string | undefined) => syntaxOf(filename).typescript;

/**
 * `(...args) => _sa.runSync(url, key, args)` and friends, as text. `isStatic` is separate from
 * `head` because `static` must come before `async` (attack20 F6: `async static saveAsync` did
 * not parse; fixture annotations/same-thread-static).
 */
function wrapperText(
  plan: Plan,
  fn: SaFunction,
  imports: TextImports,
  head: string,
  isStatic = false,
): string {
  let call: string;
  let async = false;
  if (fn.kind === "async") {
    call = `${imports.runtime()}.runSync(${imports.moduleUrl()}, ${JSON.stringify(fn.registerKey)}, args)`;
  } else if (fn.asyncStrategy === "offload") {
    call = `${imports.runtime()}.offload(${imports.moduleUrl()}, ${JSON.stringify(fn.registerKey)}, args)`;
  } else {
    // Same thread (SA304): an async function runs it now and turns a throw into a rejection.
    async = true;
    const method = fn.form === "class-method" || fn.form === "object-method";
    call = passesReceiver(fn)
      ? `${fn.name}.apply(this, args)`
      : `${method ? "this." : ""}${fn.name}(...args)`;
  }
  let params = "...args";
  let ret = "";
  if (isTs(plan.ctx.filename)) {
    // Typed from the function, so declaration emit gives hand-written callers real types.
    let query: string | undefined = fn.name;
    if (fn.form === "class-method" || fn.form === "object-method") {
      const owner = fn.registerKey.split(".")[0];
      query = owner.startsWith("<")
        ? undefined
        : `${owner}${fn.form === "class-method" && !fn.isStatic ? ".prototype" : ""}.${fn.name}`;
    }
    if (query) {
      params += `: Parameters<typeof ${query}>`;
      ret =
        fn.kind === "async"
          ? `: Awaited<ReturnType<typeof ${query}>>`
          : `: Promise<ReturnType<typeof ${query}>>`;
    }
  }
  return atFunction(
    plan,
    fn,
    `${isStatic ? "static " : ""}${async ? "async " : ""}${head}(${params})${ret} {\n  return ${call};\n}`,
  );
}

const pieces = new WeakMap<Plan, Pieces>();

/** The texts with maps of their own inserted by this emit (splice.ts). */
function piecesOf(plan: Plan): Pieces {
  let p = pieces.get(plan);
  if (!p) {
    p = new Pieces();
    pieces.set(plan, p);
  }
  return p;
}

const sourceName = (plan: Plan): string => plan.ctx.filename ?? "<input>";

/** Generated text for `fn` (a wrapper variant, its marker): each line maps to the function. */
function atFunction(plan: Plan, fn: SaFunction, text: string): string {
  return piecesOf(plan).generated(text, fn.loc.line - 1, Math.max(fn.loc.column - 1, 0));
}

/** `{ kind: "async", sync: loadSync }`: the marker's description for `mark()`. */
function markerSpec(fn: SaFunction, variant: string): string {
  return `{ kind: ${JSON.stringify(fn.kind)}, ${variantKind(fn.kind)}: ${variant} }`;
}

/** The variant of `fn` as text in the form of its declaration. */
function variantText(plan: Plan, fn: SaFunction, code: string, imports: TextImports): string {
  const inline = fn.kind === "async" && fn.syncPlan?.strategy === "inline";
  const exp = fn.exportDecl ? "export " : "";
  switch (fn.form) {
    case "function": {
      if (!inline) return `${exp}${wrapperText(plan, fn, imports, `function ${fn.variant}`)}`;
      const copy = new SyncCopy(plan, fn, code, imports);
      copy.rename((fn.fn as t.FunctionDeclaration).id!, fn.variant);
      return `${exp}${copy.build(s(fn.fn), e(fn.fn))}`;
    }
    case "const": {
      if (!inline) return `${exp}${wrapperText(plan, fn, imports, `function ${fn.variant}`)}`;
      const copy = new SyncCopy(plan, fn, code, imports);
      return `${exp}const ${fn.variant} = ${copy.build(s(fn.fn), e(fn.fn))};`;
    }
    default: {
      const member = fn.member!;
      if (!inline) {
        return wrapperText(plan, fn, imports, fn.variant, fn.isStatic);
      }
      const copy = new SyncCopy(plan, fn, code, imports);
      copy.renameKey(member, fn.variant);
      return copy.build(s(member), e(member));
    }
  }
}

/**
 * The sync twin of a factory (core: factories.ts), as text: a scratch copy of the factory with
 * the calls of its body edited as in the original, named after the twin, in which each returned
 * object holds its annotated async methods' sync variants under the methods' own keys (its
 * annotated sync methods as written, without their async variants), and no wrapper marking them:
 * a plain object of sync methods, as a hand-written twin returns. Annotations inside are removed
 * (copied into the twin, they would annotate its methods).
 */
function factoryTwinText(plan: Plan, factory: SaFactory, code: string, imports: TextImports): string {
  const f = factory.fn;
  const from = s(f);
  const to = e(f);
  const ms = new MagicString(code);
  const ed = new Editor(ms, code, imports, plan.ctx.tree);
  const replaced = replacedMethods(factory);
  const inReplaced = (a: number, b: number) =>
    replaced.some((fn) => a >= s(fn.member!) && b <= e(fn.member!));
  for (const [call, edit] of editsByStart(plan)) {
    if (s(call) < from || e(call) > to || inReplaced(s(call), e(call))) continue;
    ed.apply(call as CallNode, edit);
  }
  for (const fn of replaced) {
    const member = fn.member!;
    let text: string;
    if (fn.syncPlan?.strategy === "inline")
      text = new SyncCopy(plan, fn, code, imports).build(s(member), e(member));
    else {
      const key = (member as { key: Node }).key;
      const head = (member as { computed?: boolean }).computed
        ? `[${code.slice(s(key), e(key))}]`
        : code.slice(s(key), e(key));
      text = wrapperText(plan, fn, imports, head);
    }
    ms.overwrite(s(member), e(member), text);
  }
  for (const c of plan.ctx.comments) {
    if (c.start! < from || c.end! > to || inReplaced(c.start!, c.end!)) continue;
    if (parseAnnotation(c.value, c.type === "CommentBlock").kind !== "none") ms.remove(c.start!, c.end!);
  }
  if (factory.form === "function") {
    const id = (f as t.FunctionDeclaration).id as Node;
    ms.overwrite(s(id), e(id), factory.variant);
  }
  // The factory's return type describes the async methods.
  const rt = f.returnType as Node | null | undefined;
  if (rt?.start != null) ms.remove(s(rt), e(rt));
  // Semicolon-less bodies: a rewritten statement must not join the line before (fixture
  // methods/this-override-no-semicolons).
  ed.finish();
  const body = piecesOf(plan).fromRange(ms, from, to, sourceName(plan));
  const exp = factory.exportDecl ? "export " : "";
  return factory.form === "function" ? `${exp}${body}` : `${exp}const ${factory.variant} = ${body};`;
}

/** A function/const variant and the statements that mark it (and, typed form, its choices). */
function pairLines(fn: SaFunction, variant: string, imports: TextImports): string[] {
  const rt = imports.runtime();
  const lines = [variant, `${rt}.mark(${fn.name}, ${markerSpec(fn, fn.variant)});`];
  if (fn.wrapper) {
    const [sync, async] = fn.kind === "async" ? [fn.variant, fn.name] : [fn.name, fn.variant];
    lines.push(`${rt}.explicit(${fn.name}, { sync: ${sync}, async: ${async} });`);
  }
  return lines;
}

/**
 * The typed form `smartasync(fn)`: the wrapper goes, its explicit choices stay (pairLines), and
 * the binding holds the function behind the runtime's guard for calls not rewritten
 * (`_sa.typed(fn, "name")`), as uncompiled.
 */
function unwrap(ms: MagicString, wrapper: t.CallExpression, rt: string, name: string): void {
  const arg = wrapper.arguments[0] as Node;
  ms.overwrite(s(wrapper), s(arg), `${rt}.typed(`);
  ms.overwrite(e(arg), e(wrapper), `, ${JSON.stringify(name)})`);
}

/**
 * SWC lowers `export function f` in a TypeScript namespace to `function f … ; NS.f = f;` and gives
 * the export's leading comments to the assignment, so an annotation there would lead
 * `NS.f = f` in the output: SA102 when the output is compiled again. Babel's lowering drops
 * it; so does this, from the exported declarations of namespace bodies: the marker beside the
 * function says what it is and that it is compiled. Other comments stay.
 */
function dropNamespaceExportAnnotations(ms: MagicString, plan: Plan): void {
  const { ctx } = plan;
  const inNamespace = new Set<number>();
  for (const stmt of [...plan.fns.map((f) => f.stmt), ...plan.factories.map((f) => f.stmt)])
    if (stmt?.type === "ExportNamedDeclaration" && ctx.tree.parent(stmt)?.type === "TSModuleBlock")
      inNamespace.add(s(stmt));
  if (inNamespace.size === 0) return;
  const next = tokensAfter(ctx.code, ctx.comments);
  ctx.comments.forEach((c, k) => {
    if (inNamespace.has(next[k]) && parseAnnotation(c.value, c.type === "CommentBlock").kind === "annotation")
      ms.remove(c.start!, c.end!);
  });
}

/**
 * `Object.defineProperty(<target>, "<exported>", { enumerable: true, get: function () { return
 * <value>; } })`: a variant's export beside a getter export, read as late as the name's, in the
 * form Node's CommonJS export scan finds for an ES importer (fixture modules/cjs-define-property-exports).
 */
function definedGetter(target: string, exported: string, value: string): string {
  return `Object.defineProperty(${target}, ${JSON.stringify(exported)}, { enumerable: true, get: function () { return ${value}; } });`;
}

/** After a statement: a new line, then `text`. */
function after(ms: MagicString, stmt: Node, text: string): void {
  ms.appendLeft(e(stmt), `\n${text}`);
}

export interface Emitted {
  code: string;
  /** The callees of the output whose first argument is the module's URL (core `moduleUrlCallees`). */
  urlCallees: string[];
  /** A version 3 source map of `code` to the input. */
  map: { version: number; sources: string[]; sourcesContent: string[]; names: string[]; mappings: string };
}

/** Applies the plan to the source text. */
export function emit(plan: Plan, code: string, filename: string | undefined): Emitted {
  const ms = new MagicString(code);
  const imports = new TextImports(plan);
  const { ctx, fns, options } = { ...plan, options: plan.ctx.options };
  const main = new Editor(ms, code, imports, ctx.tree);
  const rt = () => imports.runtime();

  // Variants copy the original text, so they are built from the original, before any edit.
  const variants = new Map<SaFunction, string>();
  for (const fn of fns) if (!fn.processed) variants.set(fn, variantText(plan, fn, code, imports));
  for (const [call, edit] of plan.edits) main.apply(call as CallNode, edit);
  dropNamespaceExportAnnotations(ms, plan);

  const holders = new Map<Node, SaFunction[]>();
  for (const fn of fns) {
    if (fn.processed) continue;
    const variant = variants.get(fn)!;
    if (fn.form === "function" || fn.form === "const") {
      const lines = pairLines(fn, variant, imports);
      // The typed form: the wrapper goes, its explicit choices stay for code not compiled.
      if (fn.wrapper) unwrap(ms, fn.wrapper, rt(), fn.name);
      if (plan.inWorkers.has(fn)) lines.push(`${rt()}.register(${imports.moduleUrl()}, { ${fn.name} });`);
      const exp = variantExports(fn, plan.exportIndex.get(fn.name), options);
      for (const { decl, as } of exp.specifiers) {
        const last = decl.specifiers.at(-1)!;
        ms.appendLeft(e(last), `, ${as === fn.variant ? fn.variant : `${fn.variant} as ${quoted(as)}`}`);
      }
      if (exp.statement) lines.push(`export { ${fn.variant} };`);
      for (const { c, as } of exp.cjs) {
        if (c.kind === "object") {
          ms.appendLeft(
            e(propertyHolding(c.obj, c.ref)),
            `, ${as === fn.variant ? as : `${quoted(as)}: ${fn.variant}`}`,
          );
        } else if (c.kind === "define")
          after(ms, c.stmt, definedGetter(code.slice(s(c.target), e(c.target)), as, fn.variant));
        else {
          const member = isIdentifierName(as) ? `.${as}` : `[${JSON.stringify(as)}]`;
          after(ms, c.stmt, `${code.slice(s(c.target), e(c.target))}${member} = ${fn.variant};`);
        }
      }
      after(ms, fn.stmt!, atFunction(plan, fn, lines.join("\n")));
      continue;
    }
    ms.appendLeft(e(fn.member!), fn.form === "object-method" ? `, ${variant}` : `\n${variant}`);
    const list = holders.get(fn.holder!) ?? [];
    list.push(fn);
    holders.set(fn.holder!, list);
  }

  // The module's error classes, registered after their declarations (core error-classes.ts).
  for (const c of plan.errorClasses) {
    const text = `${rt()}.register(${imports.moduleUrl()}, { ${c.name} });`;
    // An imported class is registered after its import, below the runtime's import that
    // `imports.flush` adds after the leading imports (appended left of the same place), as Babel
    // places them (fixture worker/error-class-imported).
    if (c.stmt.type === "ImportDeclaration") ms.appendRight(e(c.stmt), `\n${text}`);
    else after(ms, c.stmt, text);
  }

  // Methods are marked (and registered) where their class or object is created.
  for (const [holder, list] of holders) {
    const isClass = list[0].form === "class-method";
    checkSpreads(plan, list, main, rt());
    const stmts = (self: string): string[] => {
      const out: string[] = ownVariants(plan, list, rt(), self);
      const reg: string[] = [];
      for (const fn of list) {
        const o = isClass && !fn.isStatic ? `${self}.prototype` : self;
        out.push(`${rt()}.mark(${o}.${fn.name}, ${markerSpec(fn, `${o}.${fn.variant}`)})`);
        if (plan.inWorkers.has(fn)) reg.push(`${JSON.stringify(fn.registerKey)}: ${o}.${fn.name}`);
      }
      if (reg.length) out.push(`${rt()}.register(${imports.moduleUrl()}, { ${reg.join(", ")} })`);
      return out;
    };
    const place = markerPlace(ctx.tree, holder);
    if (place.kind === "class") {
      // First in the class body: its methods exist before any static element runs, and a static
      // block or field that calls one (`this.load()`, `C.load()`) finds it marked (attack25 F02;
      // fixture methods/static-elements-call-methods).
      const body = (holder as t.Class).body;
      ms.appendLeft(s(body) + 1, `\nstatic {\n${stmts("this").join(";\n")};\n}\n`);
      continue;
    }
    if (place.kind === "after") {
      after(ms, place.statement, `${stmts(place.name).join(";\n")};`);
      continue;
    }
    // An object not bound to a name: mark it where it is created.
    const o = plan.names.uid("o");
    main.wrapInner(holder, `((${o}) => (${[...stmts(o), o].join(", ")}))(`, ")");
  }

  // `// @smartasync factory`: its sync twin after it. Built from the original text, as variants are.
  for (const factory of plan.factories)
    if (!factory.processed) after(ms, factory.stmt, factoryTwinText(plan, factory, code, imports));

  for (const r of plan.reExports) {
    const spec = r.local === r.exported ? quoted(r.local) : `${quoted(r.local)} as ${quoted(r.exported)}`;
    if (r.kind === "specifier") ms.appendLeft(e(r.decl.specifiers.at(-1)!), `, ${spec}`);
    else if (r.kind === "statement") after(ms, r.after, `export { ${spec} };`);
    else if (r.kind === "object")
      ms.appendLeft(
        e(propertyHolding(r.obj, r.ref)),
        `, ${r.exported === r.local ? r.local : `${quoted(r.exported)}: ${r.local}`}`,
      );
    else if (r.kind === "getter") {
      const member = isIdentifierName(r.local) ? `.${r.local}` : `[${JSON.stringify(r.local)}]`;
      after(
        ms,
        r.stmt,
        definedGetter(code.slice(s(r.target), e(r.target)), r.exported, `${r.object}${member}`),
      );
    } else if (r.kind === "define")
      after(ms, r.stmt, definedGetter(code.slice(s(r.target), e(r.target)), r.exported, r.local));
    else {
      const member = isIdentifierName(r.exported) ? `.${r.exported}` : `[${JSON.stringify(r.exported)}]`;
      after(ms, r.stmt, `${code.slice(s(r.target), e(r.target))}${member} = ${r.local};`);
    }
  }
  // A namespace import takes no named specifiers: the variants it would gain come in by a
  // declaration of their own after it (fixture modules/namespace-beside-default, attack29 F17).
  const ownImports = new Map<t.ImportDeclaration, string[]>();
  for (const v of plan.imported.pending) {
    const alias = (sep: string) =>
      v.local === v.imported ? v.imported : `${quoted(v.imported)}${sep}${v.local}`;
    if (v.holder.kind === "require") {
      // Before a rest element, which must stay last (fixtures modules/destructured-rest,
      // cjs/destructured-rest; attack29 F16).
      const props = v.holder.pattern.properties;
      const rest = props.find((p) => p.type === "RestElement");
      if (rest) ms.appendRight(s(rest), `${alias(": ")}, `);
      else ms.appendLeft(e(props.at(-1)!), `, ${alias(": ")}`);
      continue;
    }
    const specs = v.holder.decl.specifiers;
    if (specs.some((x) => x.type === "ImportNamespaceSpecifier")) {
      const list = ownImports.get(v.holder.decl) ?? [];
      list.push(alias(" as "));
      ownImports.set(v.holder.decl, list);
      continue;
    }
    const named = specs.filter((x) => x.type === "ImportSpecifier");
    if (named.length) ms.appendLeft(e(named.at(-1)!), `, ${alias(" as ")}`);
    else ms.appendLeft(e(specs.at(-1)!), `, { ${alias(" as ")} }`);
  }
  for (const [decl, list] of ownImports) {
    const source = code.slice(s(decl.source), e(decl.source));
    ms.appendLeft(e(decl), `\nimport { ${list.join(", ")} } from ${source};`);
  }
  main.finish();
  imports.flush(ms, code);
  let map: Emitted["map"] | undefined;
  const text = ms.toString();
  const all = piecesOf(plan);
  const expanded = all.expand(text);
  return {
    code: expanded,
    urlCallees: moduleUrlCallees(plan.ctx)(imports.runtimeUsed()),
    // Built on first use: a build without source maps never pays for one (about 40% of emit).
    get map() {
      const source = filename ?? "<input>";
      const own = ms.generateDecodedMap({ source, includeContent: true, hires: true });
      map ??= {
        version: 3,
        sources: [source],
        sourcesContent: [code],
        names: [],
        mappings: encodeMappings(recount(all.splice(text, own.mappings as Lines), expanded, code)),
      };
      return map;
    },
  };
}

/** `.name`, or `["a-b"]` where the name is no identifier. */
function dot(name: string): string {
  return isIdentifierName(name) ? `.${name}` : `[${JSON.stringify(name)}]`;
}
