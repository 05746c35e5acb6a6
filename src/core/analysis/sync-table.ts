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
 * Constructors of built-ins (`new Map()`): building one starts nothing. Not `Promise` (its
 * executor is the program's code) and not `Worker`, `EventEmitter` or any stream.
 */
export const SYNC_CONSTRUCTORS: SyncEntry = {
  names: [
    "Array",
    "Map",
    "Set",
    "WeakMap",
    "WeakSet",
    "Date",
    "RegExp",
    "URL",
    "URLSearchParams",
    "Error",
    "TypeError",
    "RangeError",
    "SyntaxError",
    "ReferenceError",
    "EvalError",
    "URIError",
    "AggregateError",
    "ArrayBuffer",
    "DataView",
    "Uint8Array",
    "Uint16Array",
    "Uint32Array",
    "Int8Array",
    "Int16Array",
    "Int32Array",
    "Float32Array",
    "Float64Array",
    "TextEncoder",
    "TextDecoder",
  ],
  source: `${SPEC}/keyed-collections.html (and the constructors' own sections); URL: ${NODE}/url.html#the-whatwg-url-api`,
};

/**
 * Methods of built-in prototypes, by the kind of value a receiver is proven to be (an array,
 * string, number, Map or Set literal or `new Map()`/`new Set()`): `out.push(x)`, `s.trim()`.
 */
export const SYNC_PROTOTYPE_METHODS: Readonly<
  Record<"array" | "string" | "number" | "map" | "set", SyncEntry>
> = {
  array: {
    names: [
      "at",
      "concat",
      "copyWithin",
      "entries",
      "every",
      "fill",
      "filter",
      "find",
      "findIndex",
      "findLast",
      "findLastIndex",
      "flat",
      "flatMap",
      "forEach",
      "includes",
      "indexOf",
      "join",
      "keys",
      "lastIndexOf",
      "map",
      "pop",
      "push",
      "reduce",
      "reduceRight",
      "reverse",
      "shift",
      "slice",
      "some",
      "sort",
      "splice",
      "toReversed",
      "toSorted",
      "toSpliced",
      "unshift",
      "values",
      "with",
    ],
    source: `${SPEC}/indexed-collections.html#sec-properties-of-the-array-prototype-object`,
  },
  string: {
    names: [
      "at",
      "charAt",
      "charCodeAt",
      "codePointAt",
      "concat",
      "endsWith",
      "includes",
      "indexOf",
      "lastIndexOf",
      "localeCompare",
      "normalize",
      "padEnd",
      "padStart",
      "repeat",
      "replace",
      "replaceAll",
      "slice",
      "split",
      "startsWith",
      "substring",
      "toLowerCase",
      "toUpperCase",
      "toString",
      "trim",
      "trimEnd",
      "trimStart",
    ],
    source: `${SPEC}/text-processing.html#sec-properties-of-the-string-prototype-object`,
  },
  number: {
    names: ["toFixed", "toPrecision", "toExponential", "toString", "toLocaleString"],
    source: `${SPEC}/numbers-and-dates.html#sec-properties-of-the-number-prototype-object`,
  },
  map: {
    names: ["clear", "delete", "entries", "forEach", "get", "has", "keys", "set", "values"],
    source: `${SPEC}/keyed-collections.html#sec-properties-of-the-map-prototype-object`,
  },
  set: {
    names: ["add", "clear", "delete", "entries", "forEach", "has", "keys", "values"],
    source: `${SPEC}/keyed-collections.html#sec-properties-of-the-set-prototype-object`,
  },
};

/**
 * Of the functions above, those that call a function argument before they return (a callback,
 * a comparator, a reviver or replacer, a mapping function), with the position of that argument:
 * such a call is proven only when the function it may be handed there is shown and proven too.
 * The other arguments are data (`JSON.parse(text)` of any `text`), never called.
 */
export const CALLS_ITS_ARGUMENTS: ReadonlyMap<string, number> = new Map([
  ["every", 0],
  ["filter", 0],
  ["find", 0],
  ["findIndex", 0],
  ["findLast", 0],
  ["findLastIndex", 0],
  ["flatMap", 0],
  ["forEach", 0],
  ["map", 0],
  ["reduce", 0],
  ["reduceRight", 0],
  ["some", 0],
  ["sort", 0],
  ["toSorted", 0],
  // String.prototype.replace(pattern, replacement): a function replacement is called per match.
  ["replace", 1],
  ["replaceAll", 1],
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
  names: ["smartasync", "mark", "getMarker", "isSmartAsync", "sleepSync", "canBlock"],
  source: "src/runtime/index.cts, src/runtime/wrapper.cts",
};

/** Whether `name` is one of an entry's functions. */
export function inEntry(entry: SyncEntry, name: string): boolean {
  if (entry.names === "all") return true;
  if (entry.suffixSync && name.length > 4 && name.endsWith("Sync")) return true;
  return entry.names.includes(name);
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
  array: Object.fromEntries([
    ...[
      "concat",
      "copyWithin",
      "fill",
      "filter",
      "flat",
      "flatMap",
      "map",
      "reverse",
      "slice",
      "sort",
      "splice",
      "toReversed",
      "toSorted",
      "toSpliced",
      "with",
    ].map((m) => [m, "array" as const]),
    ["join", "string" as const],
  ]),
  string: Object.fromEntries([
    ...[
      "at",
      "charAt",
      "concat",
      "normalize",
      "padEnd",
      "padStart",
      "repeat",
      "replace",
      "replaceAll",
      "slice",
      "substring",
      "toLowerCase",
      "toUpperCase",
      "toString",
      "trim",
      "trimEnd",
      "trimStart",
    ].map((m) => [m, "string" as const]),
    ["split", "array" as const],
  ]),
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
