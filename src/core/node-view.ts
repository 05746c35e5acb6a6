/**
 * The small window through which the rules of smartasync read syntax. Each compiler adapter
 * (Babel paths, the SWC AST) implements it, so the context walk of DESIGN §3.2 is written and
 * tested once, here in the core.
 */
export type ViewKind =
  | "call" // a call or optional call
  | "new"
  | "await"
  | "transparent" // parentheses; TS `as`, `satisfies`, `!`, `<T>x`
  | "sequence"
  | "conditional"
  | "logical" // `&&`, `||`, `??`
  | "member"
  | "array"
  | "expression-statement"
  | "return"
  | "function" // declaration, expression, arrow, method
  | "program"
  | "void" // the `void` operator: the value is dropped on purpose
  | "declarator" // `const p = …`: the value gets a name
  | "store" // kept where other code reads it later: an object's property, an assignment, an export
  | "iterate" // `for (x of it)`, `yield* it`: the elements of `it` go on, one by one
  | "tagged" // the template of a tagged template: substitution i is the tag's argument i + 1
  | "other";

/** Where a child sits in its parent, in the terms the rules need. */
export type Slot =
  | "callee"
  | "argument"
  | "object" // of a member expression
  | "test" // of a conditional
  | "branch" // consequent or alternate of a conditional
  | "last" // last expression of a sequence
  | "not-last"
  | "element" // of an array literal, or the value of an object literal's property
  | "concise-body" // expression body of an arrow function
  | "init" // of a variable declarator
  | "other";

export interface NodeView<N> {
  kind(n: N): ViewKind;
  parent(n: N): N | undefined;
  slot(parent: N, child: N): Slot;
  /** Index of `child` among the arguments of `call`. */
  argIndex(call: N, child: N): number;
  /** The callee of a call or new expression. */
  callee(call: N): N;
  /** The object of a member expression. */
  memberObject(member: N): N;
  /** The static property name of a member expression (`a.b`, `a["b"]`), else undefined. */
  memberName(member: N): string | undefined;
  /** Whether `n` is an identifier naming the global `name` (not shadowed by a local). */
  isGlobal(n: N, name: string): boolean;
  /**
   * The key of a member expression as far as the source fixes it: a static name, a computed
   * `const` string, a well-known symbol as `@@iterator` (`xs[Symbol.iterator]`); `null` for a
   * number (an index); undefined for a key the source does not fix (`xs[i]`).
   */
  memberKey?(member: N): string | null | undefined;
  /**
   * The global a call's (or `new`'s) callee is, as a dotted path from the global
   * (`Object.values`, `Array.prototype.values.call`, `String`), however the global is spelled;
   * undefined for a callee that is no global's.
   */
  globalCallee?(call: N): string | undefined;
  /** Colour of a function: `async`, or a declared `Promise`/`PromiseLike` return type. */
  isAsyncFunction(fn: N): boolean;
  /** Whether a function is a generator (`function*`): what it returns goes to `next()`'s caller. */
  isGenerator?(fn: N): boolean;
  /**
   * Whether an object literal has a method of its own that may read the object through `this`
   * (a method, getter or setter, a `function` value): what it holds may leave through them.
   */
  hasOwnMethods?(obj: N): boolean;
  /** The nearest function enclosing `n` (not `n` itself); undefined at module level. */
  enclosingFunction(n: N): N | undefined;
  /**
   * The local a declarator names (`const p = …`, one identifier, never written again) and every
   * read of it; undefined when the name is written again or may be read where the view cannot
   * look. Lets the context walk follow a call's value through the name it is kept under.
   */
  localUses?(declarator: N): { name: string; uses: readonly N[]; exported?: boolean } | undefined;
  /**
   * The local a declarator names (one identifier) where the code writes it again (`let task =
   * f(); task = …`): every read of it, a write that also reads (`v ||= x`, `v += 1`) counted as
   * a read; undefined where it is never written again (localUses) or is not one plain name.
   */
  reassignedUses?(declarator: N): { name: string; uses: readonly N[]; exported?: boolean } | undefined;
  /**
   * Whether `call` adopts the value its function argument at `index` returns into the promise
   * it returns, as p-limit's `limit(fn)` does: a call returned from that function is awaited.
   */
  adoptsCallback?(call: N, index: number): boolean;
  /**
   * Whether `call` calls the first parameter of a `new Promise(executor)` executor, the
   * `resolve` that adopts a promise it is given.
   */
  resolvesPromise?(call: N): boolean;
  /** A spread of an iterable or object (`f(...s)`, `[...s]`, `{ ...s }`): it reads it at once. */
  isSpread?(n: N): boolean;
  /**
   * For argument `index` of `call`, when the callee is a function this file declares under a
   * name never written again and the parameter there is a plain name: that parameter, as a
   * local (its name and every read of it in the function).
   */
  parameterUses?(call: N, index: number): { name: string; uses: readonly N[] } | undefined;
  /**
   * The calls of a plain function `fn` (a function declaration, or a function or arrow a
   * `const` holds), under a name never written again: `complete` when every read of the name
   * is the callee of one of `calls` and the function is not exported — the build sees every
   * caller. Undefined for a function with no such name (a method, a callback).
   */
  functionCalls?(fn: N): { name: string; calls: N[]; complete: boolean } | undefined;
  /**
   * The author's word that `fn`'s callers get a value: it is an annotated sync function (its
   * body is the sync colour; the async one is its variant), or it declares (TypeScript) a return
   * type that is never a promise, `any`/`unknown` aside.
   */
  declaresValue?(fn: N): boolean;
  /** Argument `index` of a call or `new` (a spread counts as one argument), if there is one. */
  argumentAt?(call: N, index: number): N | undefined;
  /**
   * Whether `call` calls a smartasync function: what it does with an argument that is a call's
   * value is the promise-argument rule's (SA109, SA211), not the context walk's.
   */
  isSmartasyncCall?(call: N): boolean;
  /**
   * For argument `index` of the call or `new` `call`, whose callee the walk does not follow (no
   * smartasync function, no function of the file `parameterUses` reads): undefined where the
   * callee only reads the values it is given as far as the build can tell — a global that is no
   * scheduler and no container (`console.log`, `String`), a Node built-in module's function, a
   * method of another value that does not keep its argument (`s.includes(x)`); else why the
   * value's use there is not proven (an imported function, a class, `emit`, `this.m`, …).
   */
  argumentReader?(call: N, index: number): string | undefined;
  /** The static key of an object literal's property (`{ p: x }`, `{ "p": x }`, `{ p }`). */
  propertyKey?(prop: N): string | undefined;
  /**
   * The array literal a name refers to: `out` in `out.push(x)` where `const out = []` (one name,
   * never written again). Undefined for any other name.
   */
  localArray?(name: N): N | undefined;
  /**
   * The reads of the names an array pattern declares (`const [a, b] = e`: every read of `a` and
   * `b`), where each is a plain name never written again; undefined for any other pattern.
   */
  patternUses?(declarator: N): N[] | undefined;
  /**
   * Whether an object pattern declarator takes a promise's own member (`const { then } = e`,
   * `catch`, `finally`) or one the source does not fix (a computed key).
   */
  takesPromiseMember?(declarator: N): boolean;
  /**
   * How many parameters the function written in place as argument `index` of `call` declares:
   * `Infinity` with a rest parameter or a read of `arguments`; undefined where the argument is
   * not a function written in place.
   */
  callbackArity?(call: N, index: number): number | undefined;
  /**
   * Parameter `param` of the function written in place as argument `index` of `call`
   * (`xs.forEach((x) => …)`), as a local: every read of it. Undefined where the argument is no
   * such function or the parameter no plain name.
   */
  callbackParamUses?(call: N, index: number, param: number): readonly N[] | undefined;
  /** The reads of the parameter a default value is given to (`function f(v = e)`: `v`'s reads). */
  defaultUses?(pattern: N): { name: string; uses: readonly N[] } | undefined;
}
