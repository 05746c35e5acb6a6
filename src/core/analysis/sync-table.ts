/**
 * Built-in functions known to start no asynchronous work (docs/semantics.md, "Calls proven
 * synchronous"): a call of one, started and not awaited before an `await`, queues nothing for
 * that await to run, so the inline copy, which drops the await, stays the same program. Data
 * only; the rule that reads it is sync-proof.ts. Each entry cites where the claim is documented.
 *
 * What "starts no asynchronous work" means here: the call runs to its end before it returns and
 * leaves no callback of the program (no promise reaction, timer, event listener) to run later.
 * Output that completes later without calling back into the program (a console write to a POSIX
 * pipe) does not count: nothing of the program runs at the await.
 *
 * A name matches when it is listed, or when the entry says `suffixSync` and the name ends in
 * `Sync` (Node's convention for the synchronous form of an API).
 */
export interface SyncEntry {
  /** Listed names; `"all"`: every member. */
  names: readonly string[] | "all";
  /** Every member whose name ends in `Sync`, besides the listed names. */
  suffixSync?: boolean;
  /** Where the behaviour is documented. */
  source: string;
}

const NODE = "https://nodejs.org/api";
const SPEC = "https://tc39.es/ecma262/multipage";

/**
 * Node built-in modules (imported with or without `node:`), by module: functions reached as a
 * named import, a member of the default or namespace import, or of `require(…)`.
 */
export const SYNC_MODULE_FUNCTIONS: Readonly<Record<string, SyncEntry>> = {
  // "The synchronous APIs perform all operations synchronously, blocking the event loop until
  // the operation completes or fails" (existsSync included).
  fs: { names: [], suffixSync: true, source: `${NODE}/fs.html#synchronous-api` },
  // execSync, execFileSync, spawnSync: "will block the Node.js event loop".
  child_process: {
    names: [],
    suffixSync: true,
    source: `${NODE}/child_process.html#synchronous-process-creation`,
  },
  // gzipSync, inflateSync, …: "Compress or decompress a chunk of data synchronously".
  zlib: { names: [], suffixSync: true, source: `${NODE}/zlib.html#convenience-methods` },
  // scryptSync, pbkdf2Sync, randomFillSync, generateKeyPairSync, …; createHash/createHmac
  // return an object and start nothing; randomUUID generates at once.
  crypto: {
    names: ["createHash", "createHmac", "randomUUID", "timingSafeEqual", "getHashes", "getCiphers"],
    suffixSync: true,
    source: `${NODE}/crypto.html`,
  },
  // String manipulation only: "The node:path module provides utilities for working with file
  // and directory paths" (no I/O), posix and win32 members included.
  path: { names: "all", source: `${NODE}/path.html` },
  "path/posix": { names: "all", source: `${NODE}/path.html#pathposix` },
  "path/win32": { names: "all", source: `${NODE}/path.html#pathwin32` },
  // Formatting and inspection return strings at once.
  util: {
    names: ["format", "formatWithOptions", "inspect", "isDeepStrictEqual", "stripVTControlCharacters"],
    source: `${NODE}/util.html#utilformatformat-args`,
  },
  // URL/path conversions are string work.
  url: {
    names: ["fileURLToPath", "pathToFileURL", "format", "domainToASCII", "domainToUnicode"],
    source: `${NODE}/url.html#url-module-utility-functions`,
  },
  // Reads of the operating system's state, each returning its value.
  os: {
    names: [
      "arch",
      "cpus",
      "endianness",
      "freemem",
      "homedir",
      "hostname",
      "loadavg",
      "machine",
      "networkInterfaces",
      "platform",
      "release",
      "tmpdir",
      "totalmem",
      "type",
      "uptime",
      "userInfo",
      "version",
      "availableParallelism",
    ],
    source: `${NODE}/os.html`,
  },
};

/**
 * Global functions called by name (`structuredClone(v)`, `String(x)`), not shadowed by a binding.
 */
export const SYNC_GLOBAL_FUNCTIONS: SyncEntry = {
  names: [
    "String",
    "Number",
    "Boolean",
    "BigInt",
    "Symbol",
    "Array",
    "Object",
    "parseInt",
    "parseFloat",
    "isNaN",
    "isFinite",
    "encodeURIComponent",
    "decodeURIComponent",
    "encodeURI",
    "decodeURI",
    "structuredClone",
  ],
  source: `${SPEC}/global-object.html#sec-function-properties-of-the-global-object; structuredClone: ${NODE}/globals.html#structuredclonevalue-options`,
};

/** Members of global objects (`JSON.parse(…)`, `Math.max(…)`, `console.log(…)`). */
export const SYNC_GLOBAL_MEMBERS: Readonly<Record<string, SyncEntry>> = {
  JSON: { names: "all", source: `${SPEC}/structured-data.html#sec-json-object` },
  Math: { names: "all", source: `${SPEC}/numbers-and-dates.html#sec-math-object` },
  // Every static method of Object, Array, Number, String runs to its end (ECMAScript defines
  // no job in them).
  Object: {
    names: "all",
    source: `${SPEC}/fundamental-objects.html#sec-properties-of-the-object-constructor`,
  },
  Array: {
    names: ["isArray", "from", "of"],
    source: `${SPEC}/indexed-collections.html#sec-properties-of-the-array-constructor`,
  },
  Number: { names: "all", source: `${SPEC}/numbers-and-dates.html#sec-properties-of-the-number-constructor` },
  String: { names: "all", source: `${SPEC}/text-processing.html#sec-properties-of-the-string-constructor` },
  Date: {
    names: ["now", "parse", "UTC"],
    source: `${SPEC}/numbers-and-dates.html#sec-properties-of-the-date-constructor`,
  },
  // console.* writes to process.stdout/stderr: synchronously to files and TTYs on POSIX, and
  // asynchronously to pipes there, but that write calls nothing of the program back ("A note on
  // process I/O"), so no code of the program runs at the next await.
  console: { names: "all", source: `${NODE}/process.html#a-note-on-process-io` },
  Buffer: {
    names: ["from", "alloc", "allocUnsafe", "concat", "byteLength", "isBuffer", "compare", "isEncoding"],
    source: `${NODE}/buffer.html#static-method-bufferfromarray`,
  },
};

/**
 * The one table of built-in constructors and prototype methods: every rule that needs a fact about
 * one reads it here (a rule lives once). Facts, each read by the file named:
 *
 * - `plain` (constructor): an instance is never a thenable (prove.ts, `proofOf`);
 * - `sync` (constructor or method): the call runs no code of the program, except the function
 *   argument `calls` names, and starts nothing (sync-proof.ts, `provenSync`);
 * - `keeps` (constructor): the instance holds what it is given, `new Set([o])` (arg-escape.ts);
 * - `view` (constructor): over an `ArrayBuffer`, the instance is a view of that memory, not a copy
 *   (arg-escape.ts, attack 18 F9);
 * - `mutates` / `reads` (method): changes its receiver in place / only reads it (writes.ts
 *   `isMutator`/`isReader`, read by arg-escape.ts, same-everywhere.ts, checks.ts, outside.ts);
 * - `calls` (method): the position of a function argument it calls before it returns;
 * - `result` (method): its result on a proven receiver is a new array or string, for a method
 *   called on it (sync-proof.ts) and a copy that holds the receiver's elements (arg-escape.ts);
 * - `self` (method): it returns its receiver (`m.set(k, v)` is `m`), which so leaves the place
 *   that holds it (sync-proof.ts, a private field's value).
 *
 * Not every built-in has every fact it could have: a fact is listed where a rule was reviewed for
 * it, so the table is the behaviour the analysis had when its lists were folded into it.
 */
export interface ConstructorFacts {
  plain?: true;
  sync?: true;
  keeps?: true;
  view?: true;
}

const PS = { plain: true, sync: true } as const;
const PSK = { ...PS, keeps: true } as const;
const PSV = { ...PS, view: true } as const;

/**
 * Built-in constructors by global name. Not `Promise` (its executor is the program's code), not
 * `Object` (`new Object(t)` returns `t` itself: attack finding 7), not `Worker`, `EventEmitter` or
 * any stream. Sources: https://tc39.es/ecma262/multipage/keyed-collections.html and the
 * constructors' own sections; URL: https://nodejs.org/api/url.html#the-whatwg-url-api.
 */
export const BUILTIN_CONSTRUCTORS: Readonly<Record<string, ConstructorFacts>> = {
  Array: PSK,
  Map: PSK,
  Set: PSK,
  WeakMap: PSK,
  WeakSet: PSK,
  // Holds its target; never reviewed for `plain` or `sync`.
  WeakRef: { keeps: true },
  Date: PS,
  RegExp: PS,
  URL: PS,
  URLSearchParams: PS,
  Error: PS,
  TypeError: PS,
  RangeError: PS,
  SyntaxError: PS,
  ReferenceError: PS,
  EvalError: PS,
  URIError: PS,
  AggregateError: PS,
  ArrayBuffer: PS,
  // `sync` is not claimed for SharedArrayBuffer, Uint8ClampedArray and the BigInt arrays: the
  // sync proof's list never had them (no fixture starts one before an await); proven plain only.
  SharedArrayBuffer: { plain: true },
  DataView: PSV,
  Uint8Array: PSV,
  Uint8ClampedArray: { plain: true, view: true },
  Uint16Array: PSV,
  Uint32Array: PSV,
  Int8Array: PSV,
  Int16Array: PSV,
  Int32Array: PSV,
  // Node 22+ (behind a flag before): a view when it exists.
  Float16Array: { view: true },
  Float32Array: PSV,
  Float64Array: PSV,
  BigInt64Array: { plain: true, view: true },
  BigUint64Array: { plain: true, view: true },
  TextEncoder: PS,
  TextDecoder: PS,
};

/** The built-in constructor `name` with fact `fact`. */
export function constructorHas(name: string, fact: keyof ConstructorFacts): boolean {
  return Object.hasOwn(BUILTIN_CONSTRUCTORS, name) && BUILTIN_CONSTRUCTORS[name]![fact] === true;
}

export interface MethodFacts {
  sync?: true;
  mutates?: true;
  reads?: true;
  calls?: number;
  result?: "array" | "string";
  self?: true;
}

/** The kinds of receiver the sync proof tells apart (a literal, `new Map()`, a proven local). */
export type ValueKind = "array" | "string" | "number" | "map" | "set";

const S = { sync: true, reads: true } as const;
const SM = { sync: true, mutates: true } as const;
const R = { reads: true } as const;
const M = { mutates: true } as const;
const A = "array" as const;
const T = "string" as const;

/**
 * Methods of built-in prototypes by the kind of receiver. `object`, `typed-array` and `emitter`
 * are not kinds the sync proof proves a receiver to be: their facts serve the write rules only
 * (writes.ts), which judge a method by its name whatever the receiver.
 */
export const BUILTIN_METHODS: Readonly<
  Record<ValueKind | "object" | "typed-array" | "emitter", Readonly<Record<string, MethodFacts>>>
> = {
  // https://tc39.es/ecma262/multipage/indexed-collections.html#sec-properties-of-the-array-prototype-object
  array: {
    at: S,
    concat: { ...S, result: A },
    copyWithin: { ...SM, result: A, self: true },
    entries: S,
    every: { ...S, calls: 0 },
    fill: { ...SM, result: A, self: true },
    filter: { ...S, calls: 0, result: A },
    find: { ...S, calls: 0 },
    findIndex: { ...S, calls: 0 },
    findLast: { ...S, calls: 0 },
    findLastIndex: { ...S, calls: 0 },
    flat: { ...S, result: A },
    flatMap: { ...S, calls: 0, result: A },
    forEach: { ...S, calls: 0 },
    includes: S,
    indexOf: S,
    join: { ...S, result: T },
    keys: S,
    lastIndexOf: S,
    map: { ...S, calls: 0, result: A },
    pop: SM,
    push: SM,
    reduce: { ...S, calls: 0 },
    reduceRight: { ...S, calls: 0 },
    reverse: { ...SM, result: A, self: true },
    shift: SM,
    slice: { ...S, result: A },
    some: { ...S, calls: 0 },
    sort: { ...SM, calls: 0, result: A, self: true },
    splice: { ...SM, result: A },
    toReversed: { ...S, result: A },
    toSorted: { ...S, calls: 0, result: A },
    toSpliced: { ...S, result: A },
    unshift: SM,
    values: S,
    with: { ...S, result: A },
  },
  // https://tc39.es/ecma262/multipage/text-processing.html#sec-properties-of-the-string-prototype-object
  string: {
    at: { ...S, result: T },
    charAt: { ...S, result: T },
    charCodeAt: S,
    codePointAt: S,
    concat: { ...S, result: T },
    endsWith: S,
    includes: S,
    indexOf: S,
    lastIndexOf: S,
    localeCompare: S,
    // Not `sync`: they call the argument's `Symbol.match`/`matchAll`/`search` method, which may be
    // the program's own object.
    match: R,
    matchAll: R,
    normalize: { ...S, result: T },
    padEnd: { ...S, result: T },
    padStart: { ...S, result: T },
    repeat: { ...S, result: T },
    // A function replacement is called per match.
    replace: { ...S, calls: 1, result: T },
    replaceAll: { ...S, calls: 1, result: T },
    search: R,
    slice: { ...S, result: T },
    split: { ...S, result: A },
    startsWith: S,
    substring: { ...S, result: T },
    toLowerCase: { ...S, result: T },
    toUpperCase: { ...S, result: T },
    toString: { ...S, result: T },
    trim: { ...S, result: T },
    trimEnd: { ...S, result: T },
    trimStart: { ...S, result: T },
  },
  // https://tc39.es/ecma262/multipage/numbers-and-dates.html#sec-properties-of-the-number-prototype-object
  number: { toFixed: S, toPrecision: S, toExponential: S, toString: S, toLocaleString: S },
  // https://tc39.es/ecma262/multipage/keyed-collections.html#sec-properties-of-the-map-prototype-object
  map: {
    clear: SM,
    delete: SM,
    entries: S,
    forEach: { ...S, calls: 0 },
    get: S,
    has: S,
    keys: S,
    set: { ...SM, self: true },
    values: S,
  },
  // https://tc39.es/ecma262/multipage/keyed-collections.html#sec-properties-of-the-set-prototype-object
  set: {
    add: { ...SM, self: true },
    clear: SM,
    delete: SM,
    entries: S,
    forEach: { ...S, calls: 0 },
    has: S,
    keys: S,
    values: S,
  },
  // Object.prototype's readers, on every object.
  object: {
    hasOwnProperty: R,
    valueOf: R,
    propertyIsEnumerable: R,
    isPrototypeOf: R,
  },
  // `ta.set(array, offset)` copies into the receiver (its other methods are the array's).
  "typed-array": { set: M },
  // An EventEmitter's listeners and limit (attack 18, F17): `bus.on("job", h)` in one function
  // changes what `bus.listenerCount("job")` gives in another, and a worker's import of the module
  // makes an emitter of its own that never got the listener.
  emitter: {
    on: M,
    once: M,
    off: M,
    addListener: M,
    prependListener: M,
    prependOnceListener: M,
    removeListener: M,
    removeAllListeners: M,
    setMaxListeners: M,
  },
};

/** The facts of `kind`'s method `name`, if the table lists it. */
export function methodFacts(kind: keyof typeof BUILTIN_METHODS, name: string): MethodFacts | undefined {
  return Object.hasOwn(BUILTIN_METHODS[kind], name) ? BUILTIN_METHODS[kind][name] : undefined;
}

/** The names of `kind`'s methods whose facts pass `test`. */
function methodsWith(kind: keyof typeof BUILTIN_METHODS, test: (f: MethodFacts) => boolean): string[] {
  return Object.entries(BUILTIN_METHODS[kind])
    .filter(([, f]) => test(f))
    .map(([m]) => m);
}

/** Every method name with a fact, whatever its receiver: the write rules judge by name. */
function namesWith(test: (f: MethodFacts) => boolean): Set<string> {
  const out = new Set<string>();
  for (const kind of Object.keys(BUILTIN_METHODS) as (keyof typeof BUILTIN_METHODS)[])
    for (const m of methodsWith(kind, test)) out.add(m);
  return out;
}

const BUILTIN_METHOD_NAMES = namesWith(() => true);

/**
 * Whether a built-in prototype of the table has a method of this name (`join`, `trim`, `get`):
 * an awaited `x.join(…)` on a receiver the build cannot see is most likely that method, so an
 * inline copy guards its value rather than dispatch it (calls.ts `unknownMethodDispatch`).
 */
export function isBuiltinMethodName(name: string): boolean {
  return BUILTIN_METHOD_NAMES.has(name);
}

const MUTATORS = namesWith((f) => f.mutates === true);
/** `Date`'s setters (`d.setHours(…)`). */
const DATE_SETTER = /^set(UTC)?(FullYear|Month|Date|Hours|Minutes|Seconds|Milliseconds)$|^set(Time|Year)$/;
/**
 * `Buffer`'s in-place writers (`buf.write(s)`, `buf.writeUInt32LE(…)`, `buf.swap16()`). A bare
 * `write` is a stream's too: a stream argument cannot cross to a worker anyway (a class
 * instance), so treating its `write` as a write keeps the function on the calling thread where
 * it works; a module-level stream is module state either way (SA302's rule for method calls).
 */
const BUFFER_WRITER =
  /^write((U?Int|BigU?Int)(8|16|32|64)(LE|BE)?|(Float|Double)(LE|BE)|U?Int(LE|BE))?$|^swap(16|32|64)$/;

/** Whether a method of this name changes its receiver. */
export function isMutator(name: string): boolean {
  return MUTATORS.has(name) || DATE_SETTER.test(name) || BUFFER_WRITER.test(name);
}

const READERS = namesWith((f) => f.reads === true);

const METHOD_NAMES = namesWith(() => true);

/**
 * Whether a built-in prototype of the table has a method of this name: a call of it on an object
 * of unknown class is taken at its name's word as acting in JS memory (outside.ts).
 */
export function isBuiltinMethod(name: string): boolean {
  return METHOD_NAMES.has(name);
}

/** Whether a method of this name only reads its receiver (`get`, `map`, `toSorted`, `getTime` …). */
export function isReader(name: string): boolean {
  return READERS.has(name) || /^(get|has|is|to)[A-Z]/.test(name) || name === "toString";
}

/**
 * Array methods that call their first argument with the array's elements (`xs.map(f)`): the
 * callback's parameter is an element (writes.ts, same-everywhere.ts, arg-escape.ts), and its
 * return value flows into the array call itself: `await Promise.all(xs.map(x => f(x)))` is
 * awaited, `const ys = xs.map(x => f(x))` in sync code is a value (context.ts, fixtures
 * contexts/array-callback-*).
 */
export const SYNC_ARRAY_METHODS: ReadonlySet<string> = new Set(methodsWith("array", (f) => f.calls === 0));

/**
 * Reader methods whose result is a new array holding the receiver's elements (`slice`, `map`,
 * `toSorted` …): what is derived from an argument stays derived (arg-escape.ts).
 */
export const COPIES: ReadonlySet<string> = new Set(
  methodsWith("array", (f) => f.result === "array" && f.mutates !== true),
);

/**
 * Constructors of built-ins (`new Map()`) whose building starts nothing: the `sync` ones above,
 * as an entry of the sync proof.
 */
export const SYNC_CONSTRUCTORS: SyncEntry = {
  names: Object.keys(BUILTIN_CONSTRUCTORS).filter((c) => BUILTIN_CONSTRUCTORS[c]!.sync),
  source: `${SPEC}/keyed-collections.html (and the constructors' own sections); URL: ${NODE}/url.html#the-whatwg-url-api`,
};

/**
 * Methods of built-in prototypes proven to start nothing, by the kind of value a receiver is
 * proven to be (an array, string, number, Map or Set literal or `new Map()`/`new Set()`):
 * `out.push(x)`, `s.trim()`. The `sync` methods of BUILTIN_METHODS.
 */
export const SYNC_PROTOTYPE_METHODS: Readonly<Record<ValueKind, SyncEntry>> = {
  array: {
    names: methodsWith("array", (f) => f.sync === true),
    source: `${SPEC}/indexed-collections.html#sec-properties-of-the-array-prototype-object`,
  },
  string: {
    names: methodsWith("string", (f) => f.sync === true),
    source: `${SPEC}/text-processing.html#sec-properties-of-the-string-prototype-object`,
  },
  number: {
    names: methodsWith("number", (f) => f.sync === true),
    source: `${SPEC}/numbers-and-dates.html#sec-properties-of-the-number-prototype-object`,
  },
  map: {
    names: methodsWith("map", (f) => f.sync === true),
    source: `${SPEC}/keyed-collections.html#sec-properties-of-the-map-prototype-object`,
  },
  set: {
    names: methodsWith("set", (f) => f.sync === true),
    source: `${SPEC}/keyed-collections.html#sec-properties-of-the-set-prototype-object`,
  },
};

/**
 * Of the functions above, those that call a function argument before they return (a callback,
 * a comparator, a reviver or replacer, a mapping function), with the position of that argument:
 * such a call is proven only when the function it may be handed there is shown and proven too.
 * The other arguments are data (`JSON.parse(text)` of any `text`), never called. By name: the
 * methods' `calls` facts, and the global members' below.
 */
export const CALLS_ITS_ARGUMENTS: ReadonlyMap<string, number> = new Map([
  ...(Object.values(BUILTIN_METHODS) as Readonly<Record<string, MethodFacts>>[]).flatMap((kind) =>
    Object.entries(kind).flatMap(([m, f]) => (f.calls === undefined ? [] : [[m, f.calls] as const])),
  ),
  // Array.from(items, mapFn).
  ["from", 1],
  // JSON.parse(text, reviver), JSON.stringify(value, replacer).
  ["parse", 1],
  ["stringify", 1],
  // Object.groupBy(items, callback), Map.groupBy(items, callback).
  ["groupBy", 1],
]);

/**
 * smartasync's runtime (`options.runtime`): the `smartasync(fn)` wrapper only wraps, and the
 * marker and sleep helpers run to their end (src/runtime/index.cts).
 */
export const SYNC_RUNTIME_FUNCTIONS: SyncEntry = {
  names: [
    "smartasync",
    "mark",
    "getMarker",
    "isSmartAsync",
    "sleepSync",
    "canBlock",
    "hide",
    "spreadOf",
    "keyOf",
  ],
  source: "src/runtime/index.cts, src/runtime/wrapper.cts",
};

/** Whether `name` is one of an entry's functions. */
export function inEntry(entry: SyncEntry, name: string): boolean {
  if (entry.names === "all") return true;
  if (entry.suffixSync && name.length > 4 && name.endsWith("Sync")) return true;
  return entry.names.includes(name);
}

function resultsOf(kind: ValueKind): Record<string, "array" | "string"> {
  return Object.fromEntries(
    Object.entries(BUILTIN_METHODS[kind]).flatMap(([m, f]) => (f.result ? [[m, f.result] as const] : [])),
  );
}

/**
 * What a proven call gives, for a method called on its result (`[3, 1, 2].sort(cmp).join("")`,
 * `Object.keys(o).join()`): by the receiver's kind, the methods that give an array or a string
 * (ECMAScript: the array methods create their result with ArraySpeciesCreate, an Array for an
 * array literal). `global` holds the globals' members and functions (`"Object.keys"`, `"String"`).
 */
export const RESULT_KINDS: Readonly<
  Record<"array" | "string" | "global", Readonly<Record<string, "array" | "string">>>
> = {
  array: resultsOf("array"),
  string: resultsOf("string"),
  global: {
    "Object.keys": "array",
    "Object.values": "array",
    "Object.entries": "array",
    "Object.getOwnPropertyNames": "array",
    "Array.from": "array",
    "Array.of": "array",
    String: "string",
  },
};
