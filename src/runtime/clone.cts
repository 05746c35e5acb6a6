// What crosses a thread (docs/runtime.md, "What crosses threads"). Every argument, result and
// thrown value is walked once before postMessage: a value that the structured clone would
// deliver changed (a class instance without its prototype, a getter turned into a plain value,
// a dropped symbol key …) is refused with the path to it; a value with a faithful transfer that
// the clone lacks (URL, Buffer, null-prototype object, error with its cause and code) is carried
// by a small codec. The walk remembers what it saw, so shared and cyclic values cost one visit
// and cross as shared and cyclic. Nothing here does work at import.
import { types } from "node:util";
import { registry } from "./internal.cjs";

/** Key of a codec placeholder: `{ [TAG]: kind, … }`. A user object with this key is wrapped. */
const TAG = "@@smartasync";

// ---------------------------------------------------------------------------------------------
// Refusals
// ---------------------------------------------------------------------------------------------

/** Why a value cannot cross; `segs` is the path to it, innermost segment first. */
class Refusal {
  readonly segs: string[] = [];
  constructor(readonly why: string) {}
}

const IDENT = /^[A-Za-z_$][\w$]*$/;
const key = (k: string): string => (IDENT.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`);
const index = (i: number | string): string => `[${i}]`;

/** Adds the segment of the child being walked to a refusal coming out of it. */
function within(err: unknown, seg: string): Refusal {
  const r =
    err instanceof Refusal
      ? err
      : new Refusal(
          // No regular expression here: at the edge of the stack, compiling one overflows too
          // (Node 24: "SyntaxError: Invalid regular expression: …: Stack overflow"), and that
          // error was reported as the value's own. A RangeError thrown by this check itself
          // reaches the caller's frame, which has more room, and is classified there.
          err instanceof RangeError && err.message.includes("call stack")
            ? "is nested too deeply to be copied to another thread (the stack ran out); pass a flatter value"
            : `threw when it was read (${errorLine(err)})`,
        );
  r.segs.push(seg);
  return r;
}

function pathOf(root: string, segs: string[]): string {
  const s = segs.slice().reverse();
  if (s.length > 12) s.splice(6, s.length - 11, "…");
  return root + s.join("");
}

/** `TypeError: boom` for an error, the value itself for anything else; one line, clipped. */
export function errorLine(v: unknown): string {
  let s: string;
  try {
    if (v instanceof Error || types.isNativeError(v)) {
      const e = v as Error;
      const name = typeof e.name === "string" ? e.name : "Error";
      try {
        s = `${name}: ${String(e.message)}`;
      } catch {
        s = `${name} (its message cannot be read)`;
      }
    } else s = typeof v === "string" ? JSON.stringify(v) : String(v);
  } catch {
    s = "a value that cannot be printed";
  }
  s = s.split("\n", 1)[0]!;
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}

const FUNCTION =
  "is a function: functions cannot be copied to another thread (pass the data it needs, or call it first)";
const SYMBOL = "is a symbol: symbols cannot be copied to another thread (pass a string)";
const PROXY = "is a Proxy, which cannot be copied to another thread (pass plain data)";
const PROMISE = "is a promise: await it first and pass its value";
const ACCESSOR =
  "is a getter/setter: the copy would hold only its current value (read it into a plain property first)";
const HIDDEN =
  "is a non-enumerable property, which the copy would drop (make it enumerable, or copy it to a plain property)";
const HIDDEN_ELEMENT =
  "is a non-enumerable array element, which the copy would turn into a hole (define it enumerable, or pass a copy of the array: [...array])";
const isEnumerable = Object.prototype.propertyIsEnumerable;
const symbolKey = (s: symbol) =>
  `has the symbol-keyed property [${String(s)}], which the copy would drop (use a string key)`;

function className(p: object): string {
  try {
    const c = (p as { constructor?: unknown }).constructor;
    return typeof c === "function" && c.name ? c.name : "an anonymous class";
  } catch {
    return "an anonymous class";
  }
}

/** The refusal for an object of a prototype the walk does not carry. */
function instanceWhy(v: object, p: object): string {
  if (types.isPromise(v)) return PROMISE;
  if (types.isWeakMap(v) || types.isWeakSet(v) || Object.prototype.toString.call(v) === "[object WeakRef]")
    return `is a ${className(p)}, which cannot be copied to another thread`;
  const name = className(p);
  const base = builtinBase(p);
  if (base !== undefined)
    return `is an instance of ${name} (a subclass of ${base}): the copy would be a plain ${base} without ${name}'s methods (pass a plain ${base})`;
  if (className(p) === "Object" && Object.getPrototypeOf(p) === null)
    return "is an object from another realm (vm context): its prototype would change (pass a plain object of this realm)";
  return `is an instance of ${name}: the copy would be a plain object without ${name}'s prototype and methods (pass plain data, e.g. its fields, and rebuild it inside)`;
}

// ---------------------------------------------------------------------------------------------
// Built-ins the clone copies faithfully (the "leaves": no children to walk)
// ---------------------------------------------------------------------------------------------

let leaves: Map<object, string> | undefined;
let bufferProto: object | undefined;

function leafNames(): Map<object, string> {
  if (leaves !== undefined) return leaves;
  const m = new Map<object, string>();
  const g = globalThis as unknown as Record<string, { prototype?: object } | undefined>;
  for (const n of [
    "Date",
    "RegExp",
    "Number",
    "String",
    "Boolean",
    "BigInt",
    "ArrayBuffer",
    "SharedArrayBuffer",
    "DataView",
    "Int8Array",
    "Uint8Array",
    "Uint8ClampedArray",
    "Int16Array",
    "Uint16Array",
    "Int32Array",
    "Uint32Array",
    "Float16Array",
    "Float32Array",
    "Float64Array",
    "BigInt64Array",
    "BigUint64Array",
    "Blob",
  ]) {
    const p = g[n]?.prototype;
    if (p !== undefined) m.set(p, n);
  }
  bufferProto = typeof Buffer === "function" ? Buffer.prototype : undefined;
  leaves = m;
  return m;
}

const CONTAINERS: [() => object, string][] = [
  [() => Array.prototype, "Array"],
  [() => Map.prototype, "Map"],
  [() => Set.prototype, "Set"],
  [() => URL.prototype, "URL"],
];

/** The built-in class a prototype derives from, if any (for the subclass message). */
function builtinBase(p: object): string | undefined {
  const l = leafNames();
  for (let q: object | null = Object.getPrototypeOf(p); q !== null && q !== Object.prototype; ) {
    const n = l.get(q) ?? CONTAINERS.find(([f]) => f() === q)?.[1];
    if (n !== undefined) return n;
    q = Object.getPrototypeOf(q);
  }
  return undefined;
}

/** Own properties a leaf may have without the clone dropping anything. */
function leafExtra(v: object, name: string): string | undefined {
  switch (name) {
    case "RegExp": {
      const last = (v as RegExp).lastIndex;
      if (last !== 0)
        return `is a RegExp whose lastIndex is ${last}: the copy would start at 0 (set lastIndex to 0 first)`;
      break;
    }
    default:
      // Its indices are its data: listing its own keys costs a string per element, so the extra
      // properties of typed arrays (and Buffers) are not looked for (docs/runtime.md, limits).
      if (types.isTypedArray(v)) return undefined;
  }
  // String keys only: Reflect.ownKeys and getOwnPropertySymbols cost several times more (a
  // symbol-keyed property on a Date, Map, Set or boxed primitive is not looked for).
  const keys = Object.getOwnPropertyNames(v);
  const expected = name === "String" ? (v as unknown as string).length + 1 : name === "RegExp" ? 1 : 0;
  if (keys.length === expected) return undefined;
  for (const k of keys) {
    if (name === "RegExp" && k === "lastIndex") continue;
    if (name === "String" && (k === "length" || /^\d+$/.test(k))) continue;
    return `is a ${name} with its own property ${JSON.stringify(k)}, which the copy would drop`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// The check: one walk, refusing what would change, noting what needs the codec
// ---------------------------------------------------------------------------------------------

/**
 * How many walked objects a Walk keeps in a plain list before it moves them to a Set: an argument
 * is usually a handful of objects, and a linear search of a short list costs a fraction of a
 * Set's identity hashing (the first hash of an object is stored on it) on the round trip.
 */
const SEEN_LIST = 24;

interface Walk {
  /** The objects walked so far while they are few (see SEEN_LIST); then `seenSet`. */
  seen: object[] | undefined;
  seenSet: Set<object> | undefined;
  codec: boolean;
  /**
   * Also look for proxies (util.types.isProxy costs ~50 ns an object). Off on the way out: a
   * proxy of a plain object passes, postMessage refuses it, and the walk is redone with this on
   * to say where it is (locate).
   */
  proxies: boolean;
  /** The Buffers walked (the codec carries them; `bufferPlan` decides over which memory). */
  bufs: Buffer[] | undefined;
  /** The typed arrays, DataViews and ArrayBuffers walked: the clone sends their whole memory. */
  views: object[] | undefined;
}

export function isError(v: unknown): v is Error {
  return v instanceof Error || types.isNativeError(v);
}

/** Whether `v` was walked before (shared or cyclic); records it if not. */
function visited(v: object, w: Walk): boolean {
  const set = w.seenSet;
  if (set !== undefined) {
    if (set.has(v)) return true;
    set.add(v);
    return false;
  }
  const list = w.seen;
  if (list === undefined) {
    w.seen = [v];
    return false;
  }
  if (list.includes(v)) return true;
  if (list.length < SEEN_LIST) list.push(v);
  else {
    const moved = new Set(list);
    moved.add(v);
    w.seenSet = moved;
  }
  return false;
}

function check(v: unknown, w: Walk): void {
  if (typeof v !== "object" || v === null) {
    if (typeof v === "function") throw new Refusal(FUNCTION);
    if (typeof v === "symbol") throw new Refusal(SYMBOL);
    return;
  }
  if (visited(v, w)) return;
  if (w.proxies && types.isProxy(v)) throw new Refusal(PROXY);
  const p = Object.getPrototypeOf(v) as object | null;
  if (p === Object.prototype || p === null) {
    // An error with a null prototype (attack30 F01): named as such, not by its hidden `stack`.
    if (p === null && types.isNativeError(v)) throw new Refusal(outsideWhy(p));
    // A frozen, sealed or non-extensible object would arrive unlocked: the codec re-locks it.
    if (p === null || !Object.isExtensible(v)) w.codec = true;
    checkProps(v as Record<string, unknown>, w);
  } else if (p === Array.prototype) {
    if (!Object.isExtensible(v)) w.codec = true;
    checkArray(v as unknown[], w);
  } else if (p === Map.prototype) {
    // A frozen, sealed or non-extensible Map, Set, Date, error … arrives unlocked by the clone: the
    // codec re-locks it (attack18 F15).
    if (!Object.isExtensible(v)) w.codec = true;
    const extra = leafExtra(v, "Map");
    if (extra !== undefined) throw new Refusal(extra);
    let i = 0;
    for (const [k, x] of v as Map<unknown, unknown>) {
      try {
        check(k, w);
      } catch (err) {
        throw within(err, `.<key #${i}>`);
      }
      try {
        check(x, w);
      } catch (err) {
        throw within(err, mapGet(k, i));
      }
      i++;
    }
  } else if (p === Set.prototype) {
    if (!Object.isExtensible(v)) w.codec = true;
    const extra = leafExtra(v, "Set");
    if (extra !== undefined) throw new Refusal(extra);
    let i = 0;
    for (const x of v as Set<unknown>) {
      try {
        check(x, w);
      } catch (err) {
        throw within(err, `.<member #${i}>`);
      }
      i++;
    }
  } else {
    if (!Object.isExtensible(v)) w.codec = true;
    const leaf = leafNames().get(p);
    if (leaf !== undefined) {
      const extra = leafExtra(v, leaf);
      if (extra !== undefined) throw new Refusal(extra);
      // A Buffer over the same memory must stay a view of it (attack27 F01): noted for bufferPlan.
      if (ArrayBuffer.isView(v) || leaf.endsWith("ArrayBuffer")) {
        if (w.views === undefined) w.views = [v];
        else w.views.push(v);
      }
    } else if (isError(v)) {
      const why = errorShapeWhy(v, p);
      if (why !== undefined) throw new Refusal(why);
      w.codec = true;
      checkError(v, w);
    } else if (p === URL.prototype) {
      // The codec carries a URL as its href: an own property would be dropped.
      const extra = leafExtra(v, "URL");
      if (extra !== undefined) throw new Refusal(extra);
      w.codec = true;
    } else if (p === bufferProto) {
      w.codec = true;
      if (w.bufs === undefined) w.bufs = [v as Buffer];
      else w.bufs.push(v as Buffer);
    } else throw new Refusal(instanceWhy(v, p));
  }
}

function mapGet(k: unknown, i: number): string {
  if (typeof k === "string") return `.get(${JSON.stringify(k.length > 40 ? `${k.slice(0, 40)}…` : k)})`;
  if (typeof k === "number" || typeof k === "boolean" || typeof k === "bigint" || k == null)
    return `.get(${typeof k === "bigint" ? `${k}n` : String(k)})`;
  return `.<value #${i}>`;
}

// getOwnPropertyNames and getOwnPropertySymbols cost several times less than Reflect.ownKeys on
// V8, which matters on the round trip (docs/performance.md); a descriptor per key says whether
// it is hidden or an accessor without calling anything.
function checkProps(o: Record<string, unknown>, w: Walk): void {
  const keys = Object.getOwnPropertyNames(o);
  const syms = Object.getOwnPropertySymbols(o);
  if (syms.length > 0) throw new Refusal(symbolKey(syms[0]!));
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    if (k === TAG) w.codec = true;
    const d = Object.getOwnPropertyDescriptor(o, k)!;
    if (d.get !== undefined || d.set !== undefined || !d.enumerable) {
      // An error whose prototype was set to Object.prototype has a hidden `stack` (attack30 F01).
      if (types.isNativeError(o)) throw new Refusal(outsideWhy(Object.getPrototypeOf(o)));
      throw within(new Refusal(d.enumerable ? ACCESSOR : HIDDEN), key(k));
    }
    // A read-only or non-configurable property would arrive writable (fixture: frozen config).
    if (!d.writable || !d.configurable) w.codec = true;
    const x = d.value;
    if (typeof x === "object" ? x !== null : typeof x === "function" || typeof x === "symbol") {
      try {
        check(x, w);
      } catch (err) {
        throw within(err, key(k));
      }
    }
  }
}

function checkArray(a: unknown[], w: Walk): void {
  const n = a.length;
  // All own names, not only the enumerable ones (`Object.keys` costs the same): a non-enumerable
  // extra key would otherwise be dropped unseen (attack18 F1). Index keys come first, ascending,
  // then `length`: n + 1 names with n-1 at n-1 means no hole and no extra key.
  const keys = Object.getOwnPropertyNames(a);
  // `Object.defineProperty(a, "length", { writable: false })` fixes the length without locking
  // the array: the codec keeps it fixed, or a push in the other thread succeeds (attack19 F6).
  if (Object.isExtensible(a) && Object.getOwnPropertyDescriptor(a, "length")!.writable !== true)
    w.codec = true;
  if (keys.length === n + 1 && (n === 0 || keys[n - 1] === String(n - 1))) {
    // A non-enumerable element would arrive as a hole (attack27 F02). `Object.keys` lists the
    // enumerable ones at a fraction of a descriptor per element; only a shortfall is located.
    if (n > 0 && Object.keys(a).length !== n)
      for (let i = 0; i < n; i++)
        if (!isEnumerable.call(a, i)) throw within(new Refusal(HIDDEN_ELEMENT), index(i));
    for (let i = 0; i < n; i++) {
      const x = a[i];
      if (typeof x === "object" ? x !== null : typeof x === "function" || typeof x === "symbol") {
        try {
          check(x, w);
        } catch (err) {
          throw within(err, index(i));
        }
      }
    }
  } else {
    // Holes and extra keys (a RegExp match's index/input/groups) are copied: walk them.
    for (const k of keys) {
      if (k === "length") continue;
      const isIndex = /^(?:0|[1-9]\d*)$/.test(k);
      if (isIndex) {
        if (!isEnumerable.call(a, k)) throw within(new Refusal(HIDDEN_ELEMENT), index(k));
      } else {
        const d = Object.getOwnPropertyDescriptor(a, k)!;
        if (d.get !== undefined || d.set !== undefined) throw within(new Refusal(ACCESSOR), key(k));
        if (!d.enumerable) throw within(new Refusal(HIDDEN), key(k));
        // A read-only extra key would arrive writable: the codec keeps it read-only.
        if (!d.writable || !d.configurable) w.codec = true;
      }
      try {
        check((a as unknown as Record<string, unknown>)[k], w);
      } catch (err) {
        throw within(err, isIndex ? index(k) : key(k));
      }
    }
  }
  // Not looked for on arrays (the cost of getOwnPropertySymbols per array, and of a descriptor
  // per element): a symbol-keyed property, and a getter defined on an index.
}

/** This realm's built-in error prototypes (Error … AggregateError, DOMException). */
let errorProtos: Set<object> | undefined;
function builtinErrorProtos(): Set<object> {
  if (errorProtos !== undefined) return errorProtos;
  const protos = new Set<object>(Object.values(BUILTIN_ERRORS).map((C) => C.prototype as object));
  if (typeof DOMException === "function") protos.add(DOMException.prototype);
  errorProtos = protos;
  return protos;
}

function outsideWhy(p: object | null): string {
  return (
    `is an error whose prototype is ${p === null ? "null" : "Object.prototype"}: the copy would be an ` +
    "Error of the other thread (pass its fields, e.g. { message, stack }, as plain data)"
  );
}

/**
 * attack30 F01: the codec rebuilds an error as its built-in class (or a registered class) of the
 * receiving thread, so it carries only an error whose prototype chain is exactly that: class
 * prototypes (`C.prototype` of their own `constructor` C) down to a built-in error prototype of
 * this realm. Anything else arrived as this realm's plain built-in error, silently: a mixin
 * object put in by `Object.setPrototypeOf(err, { hint })` (`instanceof Error` false before,
 * true after; `hint` gone), an error of another realm (made in a `vm` context: `instanceof
 * TypeError` false before, true after), an object that inherits from `Error.prototype` without
 * being an error (`Object.create(Error.prototype)`: arrived as a real Error). A class of the
 * program keeps its documented path: registered, it arrives as itself; not registered, as its
 * base class with a warning (a function-style class, `Legacy.prototype = Object.create(…)`, too).
 * Only errors get here, never the hot path.
 */
function errorShapeWhy(v: object, p: object): string | undefined {
  const builtin = builtinErrorProtos();
  let user = false;
  for (
    let q: object | null = p, n = 0;
    q !== null && n < 64;
    q = Object.getPrototypeOf(q) as object | null, n++
  ) {
    if (builtin.has(q)) {
      if (user || types.isNativeError(v) || (typeof DOMException === "function" && v instanceof DOMException))
        return undefined;
      const name = className(q);
      return (
        `is not an error but an object that inherits from ${name}.prototype (made by Object.create, not by ` +
        `an error constructor): the copy would be a real ${name} (create it with new ${name}(…))`
      );
    }
    const d = Object.getOwnPropertyDescriptor(q, "constructor");
    // Node's own errors (ERR_OUT_OF_RANGE …) have prototypes whose `constructor` is a getter:
    // they crossed as their built-in class with `code` and `name`, and still do.
    if (d !== undefined && d.get !== undefined) continue;
    const c = d?.value as unknown;
    if (typeof c !== "function" || c.prototype !== q)
      return (
        "is an error whose prototype is not an error class's (an object put in by Object.setPrototypeOf or " +
        "Object.create): the copy would be a plain Error of the other thread without that prototype, so " +
        "`instanceof` and what the error inherits from it would change (throw an instance of an error " +
        "class instead: class HintError extends Error { … })"
      );
    if (c.name in BUILTIN_ERRORS && (globalThis as Record<string, unknown>)[c.name] !== c)
      return (
        `is an error from another realm (a vm context): the copy would be this realm's ${c.name}, so ` +
        "`instanceof` would change (create the error in this realm, or pass its message as a string)"
      );
    user = true;
  }
  return (
    "is an error whose prototype chain does not lead to an error class of this realm: the copy would " +
    "be a plain Error of the other thread (pass its fields, e.g. { message, stack }, as plain data)"
  );
}

const ERROR_OWN = new Set(["stack", "message", "name", "cause"]);

function checkError(e: Error, w: Walk): void {
  const state = heldState(e);
  if (state !== undefined) throw new Refusal(state);
  for (const f of ["name", "message", "stack"] as const) {
    let x: unknown;
    try {
      x = e[f];
    } catch (err) {
      throw within(err, key(f));
    }
    if (typeof x === "symbol" || (typeof x === "object" && x !== null) || typeof x === "function")
      throw within(new Refusal(`is not a string (${typeof x}), which an error cannot carry across`), key(f));
  }
  if (Object.hasOwn(e, "cause")) field(e, "cause", w);
  const aggregate = Object.hasOwn(e, "errors") && isAggregate(e);
  if (aggregate) field(e, "errors", w);
  const syms = Object.getOwnPropertySymbols(e);
  if (syms.length > 0) throw new Refusal(symbolKey(syms[0]!));
  // Non-enumerable own properties too (the codec carries them as non-enumerable).
  for (const k of Object.getOwnPropertyNames(e))
    if (!ERROR_OWN.has(k) && !(aggregate && k === "errors")) field(e, k, w);
}

/**
 * attack27 F06: the state of an error the copy cannot carry. The codec rebuilds an error on its
 * class's prototype with its own properties, but a class's private members (`#status`, `#check()`)
 * are not properties: the copy lacks them, so the class's getters throw there and `#status in
 * err` is false. Nor does the copy find state a class keeps elsewhere keyed by the instance
 * (`meta.set(this, …)` in a module `WeakMap`, as TypeScript and Babel lower `#status`). Nothing
 * can set a private field from outside its class, so such an error is refused, as any value that
 * would arrive changed is. Read from the source text of each user class of the error's chain
 * (private names are declared in the class body; strings and comments skipped), once per class.
 * Fixture worker/error-private-state.
 */
function heldState(e: Error): string | undefined {
  let own: unknown;
  try {
    own = (e as { constructor?: unknown }).constructor;
  } catch {
    return undefined;
  }
  if (typeof own !== "function" || Object.getPrototypeOf(e) !== own.prototype) own = undefined;
  // The classes from the error's own up to the first built-in (a global: Error, DOMException …).
  for (let c = own as Function | undefined, n = 0; typeof c === "function" && n < 32; n++) {
    if (c === Function.prototype || (c.name && (globalThis as Record<string, unknown>)[c.name] === c)) break;
    let why = stateOf.get(c);
    if (why === undefined) {
      why = classState(c);
      stateOf.set(c, why);
    }
    if (why !== null) {
      const name = className(Object.getPrototypeOf(e) as object);
      const of = c === own ? "which" : `whose base class ${c.name || "(anonymous)"}`;
      return `is an instance of ${name}, ${of} ${why}: a copy to another thread cannot carry that (its methods would not find it there); keep that state in an ordinary property (\`this.status = status\`)`;
    }
    c = Object.getPrototypeOf(c) as Function | undefined;
  }
  return undefined;
}

/** What each class's source says of state outside its instances' own properties (null: none). */
const stateOf = new WeakMap<Function, string | null>();

/** `.get(this)`, `.has(this, …)`, `.set(this, …)` on a collection, not `Reflect`/`super`'s. */
const KEYED_BY_THIS = /([\w$]+)\s*\.\s*(get|has|set)\s*\(\s*this\s*([,)])/g;
/** The helpers Babel and TypeScript lower `#field` and `#method()` to. */
const LOWERED_PRIVATE = /\b_*classPrivate(?:Field|Method|Getter|Setter)\w*|\b__classPrivateField\w*/;

function classState(c: Function): string | null {
  let text: string;
  try {
    text = Function.prototype.toString.call(c);
  } catch {
    return null;
  }
  const code = codeOnly(text);
  // A private name declared `static` is the class's own state, not its instances'.
  for (const [priv] of code.matchAll(/#[A-Za-z_$\u0080-\uffff][\w$\u0080-\uffff]*/g))
    if (
      !new RegExp(
        `\\bstatic\\s+(?:async\\s+|get\\s+|set\\s+|\\*\\s*)?${priv.replace(/\$/g, "\\$")}(?![\\w$])`,
      ).test(code)
    )
      return `keeps state in the private member ${priv}`;
  for (const m of code.matchAll(KEYED_BY_THIS))
    if (m[1] !== "Reflect" && m[1] !== "super")
      return `keeps state in \`${m[1]}\`, keyed by the instance (\`${m[1]}.${m[2]}(this${m[3] === "," ? ", …" : ""})\`)`;
  const lowered = LOWERED_PRIVATE.exec(code);
  if (lowered !== null) return `keeps state in private members (compiled to \`${lowered[0]}\`)`;
  return null;
}

/** A keyword a regular expression literal may follow (`return /x/`). */
const AFTER_KEYWORD =
  /(?:^|[^\w$])(?:return|typeof|case|do|else|in|of|new|delete|void|throw|yield|await)\s*$/;

/**
 * The source with its strings, template literals, regular expression literals and comments
 * blanked (a `#` or `.get(this)` in them is not code). A `/` after a value (an identifier, a
 * number, `)` or `]`, not a keyword such as `return`) is a division; elsewhere it opens a regular
 * expression.
 */
function codeOnly(s: string): string {
  let out = "";
  let last = ""; // the last character of code that is not a space
  for (let i = 0; i < s.length; ) {
    const ch = s[i]!;
    if (ch === "/" && s[i + 1] === "/") {
      const end = s.indexOf("\n", i);
      i = end < 0 ? s.length : end;
    } else if (ch === "/" && s[i + 1] === "*") {
      const end = s.indexOf("*/", i + 2);
      i = end < 0 ? s.length : end + 2;
      out += " ";
    } else if (
      ch === '"' ||
      ch === "'" ||
      ch === "`" ||
      (ch === "/" && (!/[\w$)\]]/.test(last) || AFTER_KEYWORD.test(out.slice(-12))))
    ) {
      // A template's `${…}` is skipped with it: a private name used there is declared outside.
      let j = i + 1;
      let inClass = false;
      while (j < s.length && (s[j] !== ch || inClass)) {
        if (ch === "/" && s[j] === "[") inClass = true;
        else if (ch === "/" && s[j] === "]") inClass = false;
        j += s[j] === "\\" ? 2 : 1;
      }
      i = j + 1;
      out += '""';
      last = '"';
    } else {
      out += ch;
      if (ch.trim() !== "") last = ch;
      i++;
    }
  }
  return out;
}

function isAggregate(e: Error): boolean {
  return e instanceof AggregateError || (e as { name?: unknown }).name === "AggregateError";
}

function field(o: object, k: string, w: Walk): void {
  const d = Object.getOwnPropertyDescriptor(o, k)!;
  if (d.get !== undefined || d.set !== undefined) throw within(new Refusal(ACCESSOR), key(k));
  try {
    check(d.value, w);
  } catch (err) {
    throw within(err, key(k));
  }
}

// ---------------------------------------------------------------------------------------------
// The codec (only when the check asked for it)
// ---------------------------------------------------------------------------------------------

interface EncodedError {
  [TAG]: "e";
  ctor: string;
  name: string;
  message: string;
  stack: string | undefined;
  hasCause: boolean;
  cause: unknown;
  errors: unknown;
  props: Record<string, unknown>;
  /** Non-enumerable own properties: name, value, writable, configurable. */
  hidden: [string, unknown, boolean, boolean][] | undefined;
  /**
   * The own `message`: 0 none (`new Error()`), 1 the usual hidden one, 2 enumerable (assigned
   * by the program: in `props`, in its place among the keys). `mr`: a hidden message that is no
   * string (`e.message = 42`), as it was (attack18 F2, F15).
   */
  mo: 0 | 1 | 2;
  mr?: unknown;
  /** Whether `stack` is an own property (`delete e.stack` removes it; attack18 F15). */
  so: boolean;
  /** The module URL and name its class is registered under (register()), if it is. */
  k?: [string, string];
  /** The name of its class, a user class registered nowhere (the receiver warns: attack25 F04). */
  u?: string;
}

const BUILTIN_ERRORS: Record<string, ErrorConstructor | AggregateErrorConstructor> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
  AggregateError,
};
const ERROR_ORDER = [
  AggregateError,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
] as Function[];

function builtinErrorName(err: Error): string {
  // DOMException (AbortError, TimeoutError, DataCloneError …) keeps its class and `code`.
  if (typeof DOMException === "function" && err instanceof DOMException) return "DOMException";
  for (const C of ERROR_ORDER) if (err instanceof C) return C.name;
  // An error of another realm never gets here: it is refused (errorShapeWhy, attack30 F01).
  return "Error";
}

/** Defines `k` as an own data property (an own "__proto__" key stays a key, not a prototype). */
function put(o: Record<string, unknown>, k: string, v: unknown): void {
  if (k === "__proto__")
    Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

function encode(v: unknown, copies: Map<object, unknown>): unknown {
  if (typeof v !== "object" || v === null) return v;
  const done = copies.get(v);
  if (done !== undefined) return done;
  const p = Object.getPrototypeOf(v) as object | null;
  if (p === Object.prototype || p === null) {
    const o: Record<string, unknown> = {};
    const lock = lockOf(v);
    // Read-only or non-configurable properties, as [key, writable, configurable].
    const ro: [string, boolean, boolean][] = [];
    const keys = Object.keys(v);
    if (lock === undefined)
      for (const k of keys) {
        const d = Object.getOwnPropertyDescriptor(v, k)!;
        if (!d.writable || !d.configurable) ro.push([k, d.writable === true, d.configurable === true]);
      }
    const wrap = p === null || lock !== undefined || ro.length > 0 || Object.hasOwn(v, TAG);
    copies.set(v, wrap ? { [TAG]: "o", n: p === null, p: o, l: lock, r: ro.length > 0 ? ro : undefined } : o);
    for (const k of keys) put(o, k, encode((v as Record<string, unknown>)[k], copies));
    return copies.get(v);
  }
  if (p === Array.prototype) {
    const a = new Array((v as unknown[]).length) as unknown[];
    const lock = lockOf(v);
    const keys = Object.keys(v);
    const ro: [string, boolean, boolean][] = [];
    if (lock === undefined) {
      for (const k of keys) {
        if (/^(?:0|[1-9]\d*)$/.test(k)) continue;
        const d = Object.getOwnPropertyDescriptor(v, k)!;
        if (!d.writable || !d.configurable) ro.push([k, d.writable === true, d.configurable === true]);
      }
      if (Object.getOwnPropertyDescriptor(v, "length")!.writable !== true) ro.push(["length", false, false]);
    }
    copies.set(
      v,
      lock === undefined && ro.length === 0
        ? a
        : { [TAG]: "a", p: a, l: lock, r: ro.length > 0 ? ro : undefined },
    );
    for (const k of keys) put(a as never, k, encode((v as Record<string, unknown>)[k], copies));
    return copies.get(v);
  }
  const lock = lockOf(v);
  if (lock !== undefined) {
    // A locked Map, Set, error or leaf: its copy is locked the same way on arrival (attack18 F15).
    const wrapper: { [TAG]: "L"; p: unknown; l: string } = { [TAG]: "L", p: undefined, l: lock };
    wrapper.p = encodeUnlocked(v, p, copies);
    copies.set(v, wrapper);
    return wrapper;
  }
  return encodeUnlocked(v, p, copies);
}

/** `encode` of an object that is neither a plain object nor an array, lock aside. */
function encodeUnlocked(v: object, p: object | null, copies: Map<object, unknown>): unknown {
  if (p === Map.prototype) {
    const m = new Map();
    copies.set(v, m);
    for (const [k, x] of v as Map<unknown, unknown>) m.set(encode(k, copies), encode(x, copies));
    return m;
  }
  if (p === Set.prototype) {
    const s = new Set();
    copies.set(v, s);
    for (const x of v as Set<unknown>) s.add(encode(x, copies));
    return s;
  }
  if (isError(v)) return encodeError(v, copies);
  if (p === URL.prototype) {
    const u = { [TAG]: "u", h: (v as URL).href };
    copies.set(v, u);
    return u;
  }
  if (p === bufferProto) {
    // Not reached through sendArgs/sendValue, where bufferPlan chose each Buffer's form first.
    const u = { [TAG]: "b", v: new Uint8Array(v as Buffer) };
    copies.set(v, u);
    return u;
  }
  return v; // a leaf the clone copies as it is
}

/**
 * The wire form of each Buffer of a value, over which memory (attack27 F01: a Buffer and another
 * view of its memory stopped sharing it). A Buffer whose memory crosses anyway — the
 * `ArrayBuffer` itself, or a typed array or `DataView` over it, is in the value (the clone sends
 * a view's whole buffer), or it is a `SharedArrayBuffer` — is carried as a view of that memory,
 * its `byteOffset` and length kept. Otherwise only its own bytes cross (a small Buffer is a view
 * of Node's 8 KiB pool: sending the pool would send other data of this thread with it): Buffers
 * over overlapping bytes of one memory share one copy of the span they cover, each at its offset
 * in it, so a write through one shows through the other (`b` and `b.subarray(1)`); Buffers over
 * bytes that do not overlap get copies of their own (nothing written through one can show
 * through the other; only `a.buffer === b.buffer` differs). Fixture worker/buffer-views-cross.
 */
function bufferPlan(w: Walk, copies: Map<object, unknown>): void {
  const bufs = w.bufs;
  if (bufs === undefined) return;
  // A non-extensible Buffer is re-locked on arrival, as `encode` does for other built-ins.
  const carry = (b: Buffer, v: Uint8Array) => {
    const u = { [TAG]: "b", v };
    const lock = lockOf(b);
    copies.set(b, lock === undefined ? u : { [TAG]: "L", p: u, l: lock });
  };
  const whole = new Set<ArrayBufferLike>();
  for (const x of w.views ?? [])
    whole.add(ArrayBuffer.isView(x) ? (x as ArrayBufferView).buffer : (x as ArrayBufferLike));
  const own = new Map<ArrayBufferLike, Buffer[]>();
  for (const b of bufs) {
    const ab = b.buffer;
    if (whole.has(ab) || (typeof SharedArrayBuffer === "function" && ab instanceof SharedArrayBuffer))
      carry(b, new Uint8Array(ab, b.byteOffset, b.length));
    else {
      const group = own.get(ab);
      if (group === undefined) own.set(ab, [b]);
      else group.push(b);
    }
  }
  for (const group of own.values()) {
    if (group.length === 1) {
      carry(group[0]!, new Uint8Array(group[0]!));
      continue;
    }
    group.sort((a, b) => a.byteOffset - b.byteOffset);
    // Runs of overlapping Buffers (by offset): each run shares one copy of the bytes it covers.
    for (let i = 0; i < group.length; ) {
      const start = group[i]!.byteOffset;
      let end = start + group[i]!.length;
      let j = i + 1;
      while (j < group.length && group[j]!.byteOffset < end) {
        end = Math.max(end, group[j]!.byteOffset + group[j]!.length);
        j++;
      }
      const span = new Uint8Array(group[i]!.buffer, start, end - start).slice().buffer;
      for (let k = i; k < j; k++) {
        const b = group[k]!;
        carry(b, new Uint8Array(span, b.byteOffset - start, b.length));
      }
      i = j;
    }
  }
}

function encodeError(err: Error, copies: Map<object, unknown>): EncodedError {
  const ctor = builtinErrorName(err);
  // The name the program reads (`err.name`): a class that sets none (`class Gone extends Error {}`)
  // has its base's, "Error", and so has its copy (attack25 F04: the class's name there printed
  // something else than the plain program; the warning for an unregistered class names it).
  const name = typeof err.name === "string" ? err.name : ctor;
  const own = (err as { constructor?: Function }).constructor;
  const hasCause = Object.hasOwn(err, "cause");
  const out: EncodedError = {
    [TAG]: "e",
    ctor,
    name,
    message: err.message === undefined ? "" : String(err.message),
    stack: typeof err.stack === "string" ? err.stack : undefined,
    hasCause,
    cause: undefined,
    errors: undefined,
    props: {},
    hidden: undefined,
    mo: 0,
    so: Object.hasOwn(err, "stack"),
  };
  if (typeof own === "function" && !(own.name in BUILTIN_ERRORS)) {
    const at = registeredAs(own);
    if (at !== undefined) out.k = at;
    // A user class (not a global such as DOMException): the copy will not be an instance of it,
    // but of its nearest registered base class if it has one (`class Local extends NotFound`
    // declared in a function: `instanceof NotFound` still holds on the other side).
    else if (own.name && (globalThis as Record<string, unknown>)[own.name] !== own) {
      out.u = own.name;
      for (let c = Object.getPrototypeOf(own); typeof c === "function" && !(c.name in BUILTIN_ERRORS); ) {
        const base = registeredAs(c);
        if (base !== undefined) {
          out.k = base;
          break;
        }
        c = Object.getPrototypeOf(c);
      }
    }
  }
  copies.set(err, out);
  if (hasCause) out.cause = encode(err.cause, copies);
  if (Object.hasOwn(err, "errors") && isAggregate(err))
    out.errors = encode((err as AggregateError).errors, copies);
  const aggregate = out.errors !== undefined;
  for (const k of Object.getOwnPropertyNames(err)) {
    if (aggregate && k === "errors") continue;
    const d = Object.getOwnPropertyDescriptor(err, k)!;
    if (ERROR_OWN.has(k)) {
      // `e.name = …`, `e.message = …`, `e.cause = …` on an error make enumerable own properties,
      // which `JSON.stringify(e)`, `Object.keys(e)` and `{ ...e }` show: they stay enumerable, in
      // their place among the keys (attack18 F2).
      const x = k === "cause" ? out.cause : k === "name" ? out.name : k === "stack" ? out.stack : err.message;
      if (k === "message") out.mo = d.enumerable ? 2 : 1;
      if (k === "message" && !d.enumerable && typeof x !== "string") out.mr = x;
      if (d.enumerable) put(out.props, k, k === "message" ? encode(x, copies) : x);
      continue;
    }
    const x = encode(d.value, copies);
    if (d.enumerable) put(out.props, k, x);
    else {
      out.hidden ??= [];
      out.hidden.push([k, x, d.writable === true, d.configurable === true]);
    }
  }
  return out;
}

/**
 * Where a class is registered (`register(import.meta.url, { NotFound })`): the module URL and
 * name the other thread finds its own copy of the class under. Only for errors of user classes,
 * off the hot path.
 */
function registeredAs(cls: Function): [string, string] | undefined {
  for (const [url, fns] of registry()) for (const [name, fn] of fns) if (fn === cls) return [url, name];
  return undefined;
}

/** How an object is locked, for the codec to lock its copy the same way. */
function lockOf(v: object): "f" | "s" | "x" | undefined {
  if (Object.isExtensible(v)) return undefined;
  return Object.isFrozen(v) ? "f" : Object.isSealed(v) ? "s" : "x";
}

function relock(o: object, lock: unknown): void {
  if (lock === "f") Object.freeze(o);
  else if (lock === "s") Object.seal(o);
  else if (lock === "x") Object.preventExtensions(o);
}

function tagOf(v: object): unknown {
  return Object.hasOwn(v, TAG) ? (v as Record<string, unknown>)[TAG] : undefined;
}

function decode(v: unknown, memo: Map<object, unknown>): unknown {
  if (typeof v !== "object" || v === null) return v;
  if (memo.has(v)) return memo.get(v);
  const p = Object.getPrototypeOf(v) as object | null;
  if (p === Object.prototype) {
    const o = v as Record<string, unknown>;
    switch (tagOf(o)) {
      case "u": {
        const u = new URL(o.h as string);
        memo.set(v, u);
        return u;
      }
      case "b": {
        const u8 = o.v as Uint8Array;
        const b = Buffer.from(u8.buffer, u8.byteOffset, u8.length);
        memo.set(v, b);
        return b;
      }
      case "e":
        return decodeError(o as unknown as EncodedError, memo);
      case "o": {
        const out: Record<string, unknown> = o.n === true ? Object.create(null) : {};
        memo.set(v, out);
        const props = o.p as Record<string, unknown>;
        for (const k of Object.keys(props)) put(out, k, decode(props[k], memo));
        if (Array.isArray(o.r))
          for (const [k, writable, configurable] of o.r as [string, boolean, boolean][])
            Object.defineProperty(out, k, { writable, configurable });
        relock(out, o.l);
        return out;
      }
      case "a": {
        const a = o.p as unknown[];
        memo.set(v, a);
        decode(a, memo);
        if (Array.isArray(o.r))
          for (const [k, writable, configurable] of o.r as [string, boolean, boolean][])
            Object.defineProperty(a, k, { writable, configurable });
        relock(a, o.l);
        return a;
      }
      case "L": {
        const x = decode(o.p, memo) as object;
        memo.set(v, x);
        relock(x, o.l);
        return x;
      }
    }
    memo.set(v, v);
    for (const k of Object.keys(o)) {
      const x = o[k];
      if (typeof x === "object" && x !== null) {
        const d = decode(x, memo);
        if (d !== x) put(o, k, d);
      }
    }
    return v;
  }
  memo.set(v, v);
  if (Array.isArray(v)) {
    for (const k of Object.keys(v)) {
      const x = (v as unknown as Record<string, unknown>)[k];
      if (typeof x === "object" && x !== null) {
        const d = decode(x, memo);
        if (d !== x) put(v as never, k, d);
      }
    }
  } else if (v instanceof Map) {
    const entries = [...v].map(([k, x]) => [decode(k, memo), decode(x, memo)] as const);
    v.clear();
    for (const [k, x] of entries) v.set(k, x);
  } else if (v instanceof Set) {
    const members = [...v].map((x) => decode(x, memo));
    v.clear();
    for (const x of members) v.add(x);
  }
  return v;
}

const hidden = { writable: true, configurable: true, enumerable: false };

function decodeError(enc: EncodedError, memo: Map<object, unknown>): Error {
  const C = BUILTIN_ERRORS[enc.ctor] ?? Error;
  // The message as the original had it: none, the usual hidden one, or (enumerable, in `props`)
  // defined below in its place among the keys.
  const message = enc.mo === 1 ? enc.message : undefined;
  const err: Error =
    enc.ctor === "DOMException" && typeof DOMException === "function"
      ? new DOMException(enc.message, enc.name)
      : C === AggregateError
        ? new AggregateError([], message)
        : new (C as ErrorConstructor)(message);
  // A user class registered on this side too: the error is an instance of it again, so
  // `instanceof NotFound` in the caller's catch holds (fixture worker/error-class-registered).
  const own = enc.k === undefined ? undefined : registry().get(enc.k[0])?.get(enc.k[1]);
  const found = typeof own === "function" && own.prototype instanceof Error;
  if (found) Object.setPrototypeOf(err, own.prototype);
  if (enc.u !== undefined || (enc.k !== undefined && !found))
    unregistered(enc.u ?? enc.k![1], enc.name, found ? own.name : C.name);
  memo.set(enc, err);
  const shown = (k: string) => Object.hasOwn(enc.props, k);
  if (enc.mr !== undefined) Object.defineProperty(err, "message", { ...hidden, value: enc.mr });
  if (err.name !== enc.name && !shown("name"))
    Object.defineProperty(err, "name", { ...hidden, value: enc.name });
  if (!enc.so) delete (err as { stack?: string }).stack;
  else if (!shown("stack"))
    Object.defineProperty(err, "stack", { ...hidden, value: enc.stack ?? `${enc.name}: ${enc.message}` });
  // In the order the constructor makes them: `new AggregateError(errors, message, { cause })`
  // defines message, cause, then errors. The copy's constructor made `errors` already, so it is
  // taken out and defined again after the cause (attack29, suspected: the own keys came out
  // `stack, message, errors, cause`; test/runtime/crossing.test.ts).
  const cause = enc.hasCause && !shown("cause");
  if (cause && enc.errors !== undefined) delete (err as { errors?: unknown }).errors;
  if (cause) Object.defineProperty(err, "cause", { ...hidden, value: decode(enc.cause, memo) });
  if (enc.errors !== undefined)
    Object.defineProperty(err, "errors", { ...hidden, value: decode(enc.errors, memo) });
  for (const k of Object.keys(enc.props)) {
    const x = decode(enc.props[k], memo);
    if (ERROR_OWN.has(k))
      Object.defineProperty(err, k, { value: x, enumerable: true, writable: true, configurable: true });
    else put(err as never, k, x);
  }
  if (enc.hidden !== undefined)
    for (const [k, x, writable, configurable] of enc.hidden)
      Object.defineProperty(err, k, { value: decode(x, memo), enumerable: false, writable, configurable });
  return err;
}

/** Classes already warned about on this thread: one warning per class (attack25 F04). */
const warnedClasses = new Set<string>();
/** The function whose value `receive` is decoding, for the warning to name. */
let receiving: string | undefined;

/**
 * attack25 F04: an error of a user class that no `register` call lists arrives as its built-in
 * base class, so the receiver's `err instanceof NotFound` is false where the plain program's is
 * true. The copy cannot be made an instance of a class this side cannot find; the program is
 * told, on standard error, once per class (fixture worker/error-class-unregistered).
 */
function unregistered(cls: string, name: string, base: string): void {
  if (warnedClasses.has(cls)) return;
  warnedClasses.add(cls);
  const from = receiving === undefined ? "another thread" : `${receiving}'s worker`;
  process.emitWarning(
    `an error of class ${cls} crossed from ${from} but ${cls} is not registered, so it arrived as ` +
      `${/^[AEIOU]/.test(base) ? "an" : "a"} ${base}${name === base ? "" : ` named "${name}"`} and ` +
      `\`err instanceof ${cls}\` is false here. Register the class, in the module that declares it or ` +
      `one that imports it: register(import.meta.url, { ${cls} }) ` +
      "(smartasync/runtime; docs/runtime.md, What crosses threads)",
    { type: "SmartasyncWarning", code: "SMARTASYNC_UNREGISTERED_CLASS" },
  );
}

// ---------------------------------------------------------------------------------------------
// Entry points
// ---------------------------------------------------------------------------------------------

/** A refusal as the error the caller gets (code SMARTASYNC_UNCLONEABLE, with the path). */
export function uncloneable(message: string, valuePath?: string): TypeError {
  const err = new TypeError(message);
  (err as TypeError & { code: string }).code = "SMARTASYNC_UNCLONEABLE";
  if (valuePath !== undefined) (err as TypeError & { valuePath: string }).valuePath = valuePath;
  return err;
}

/**
 * The arguments as they go on the wire: `args` itself when nothing needs the codec (the usual
 * case: no copy, no allocation for primitive arguments), else an encoded copy. Throws the
 * located error for a value that would arrive changed.
 */
export function sendArgs(args: unknown[], fn: string, proxies = false): { args: unknown[]; c: boolean } {
  const w: Walk = {
    seen: undefined,
    seenSet: undefined,
    codec: false,
    proxies,
    bufs: undefined,
    views: undefined,
  };
  for (let i = 0; i < args.length; i++) {
    const x = args[i];
    if (typeof x === "object" ? x === null : typeof x !== "function" && typeof x !== "symbol") continue;
    try {
      check(x, w);
    } catch (err) {
      const r = within(err, index(i));
      const path = pathOf("args", r.segs);
      throw uncloneable(`smartasync: cannot send the arguments of ${fn} to a worker: ${path} ${r.why}`, path);
    }
  }
  if (!w.codec) return { args, c: false };
  const copies = new Map<object, unknown>();
  bufferPlan(w, copies);
  return { args: args.map((x) => encode(x, copies)), c: true };
}

/**
 * A result (`thrown` false) or a thrown value (`thrown` true) as it goes back on the wire.
 * Throws the located error (itself always sendable) when it would arrive changed.
 */
export function sendValue(
  v: unknown,
  fn: string,
  thrown: boolean,
  proxies = false,
): { v: unknown; c: boolean } {
  // A primitive result (the usual case) needs no walk.
  if (typeof v !== "object" ? typeof v !== "function" && typeof v !== "symbol" : v === null)
    return { v, c: false };
  const w: Walk = {
    seen: undefined,
    seenSet: undefined,
    codec: false,
    proxies,
    bufs: undefined,
    views: undefined,
  };
  try {
    check(v, w);
  } catch (err) {
    const r = within(err, "");
    const path = pathOf(thrown ? "error" : "result", r.segs);
    throw uncloneable(
      thrown
        ? `smartasync: ${fn} threw ${errorLine(v)}, which cannot be sent back from its worker: ${path} ${r.why}`
        : `smartasync: ${fn} returned a value that cannot be sent back from its worker: ${path} ${r.why}`,
      path,
    );
  }
  if (!w.codec) return { v, c: false };
  const copies = new Map<object, unknown>();
  bufferPlan(w, copies);
  return { v: encode(v, copies), c: true };
}

/** Rebuilds what the codec carried (only called for a message that used it). */
export function receive<T>(v: T, from?: string): T {
  receiving = from;
  try {
    return decode(v, new Map()) as T;
  } finally {
    receiving = undefined;
  }
}
