import type { UnknownWhy } from "./analysis/return-type.js";
import { ACCEPTED_FORMS, isInvisible } from "./annotation.js";
import { visibleEscape } from "./escape.js";

/** `text` with its invisible format characters written as escapes (`@smartasync\u200b`). */
const showInvisible = (text: string): string =>
  [...text]
    .map((ch) =>
      !isInvisible(ch) ? ch : ch.length > 1 ? `\\u{${ch.codePointAt(0)!.toString(16)}}` : visibleEscape(ch),
    )
    .join("");

/** `U+200B`. */
const codePoint = (ch: string): string =>
  `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;

/**
 * The text of every diagnostic, written once so Babel and SWC print the same words. Each says
 * what was found and what to write instead (DESIGN §4).
 */
/** Where an annotated function without a name of its own stands (SA105). */
export type AnonymousAt =
  | { kind: "default-export" }
  | { kind: "declared-value"; name: string; declaration: "const" | "let" | "var" | "using" | "await using" }
  | { kind: "property-value"; name: string }
  | { kind: "class-field"; name: string }
  | { kind: "argument"; callee: string }
  | { kind: "assigned"; target: string }
  | { kind: "other" };

export const MSG = {
  malformed: (extra: string) =>
    `unexpected \`${extra}\` after @smartasync. Write the annotation alone, as ${ACCEPTED_FORMS}; the only words it takes name a variant explicitly: \`sync=readBlocking\` (an async function's sync variant) or \`async=hashInPool\` (a sync function's async variant), once each, \`factory\` (a function returning an object of annotated methods gets a sync twin) and \`same-thread\` (a sync function's async variant runs it on the calling thread, never in the worker pool).`,
  variantWord: (fn: string, why: string) => `@smartasync on \`${fn}\`: ${why}`,
  notAnnotatable: (what: string, instead: string) => `@smartasync cannot annotate ${what}. ${instead}`,
  precedesNothing: (what: string) =>
    `@smartasync must be the leading comment of a function, a \`const\` bound to a function, an exported function, a class method or an object method; here it precedes ${what}.`,
  clash: (variant: string, fn: string, option: string, handWritten: boolean, exported = false) =>
    handWritten
      ? `\`${fn}\` would gain the variant \`${variant}\`, but ${exported ? "the module already exports that name" : "a function of that name is already declared here"}. If it is a hand-written twin of \`${fn}\`, delete it: the annotation generates \`${variant}\` from \`${fn}\` (docs/migrating.md). Otherwise rename it, or choose another suffix with the \`${option}\` option.`
      : `\`${fn}\` would gain the variant \`${variant}\`, but that name is already taken here. Rename the existing \`${variant}\`, or choose another suffix with the \`${option}\` option.`,
  inheritedClash: (variant: string, fn: string, base: string) =>
    `\`${fn}\` would gain the method \`${variant}\`, which would replace the \`${variant}\` it inherits from \`${base}\` (whose own code calling \`this.${variant}()\` would then run \`${fn}\`). Rename one of them, or name the variant explicitly with a word of the annotation (\`// @smartasync sync=…\`).`,
  /** SA103 for an object literal: its prototype or a spread source the file shows (core/analysis/literal-variants.ts). */
  literalClash: (variant: string, fn: string, source: string, where: "proto" | "before" | "after") =>
    where === "after"
      ? `the spread of \`${source}\` after \`${fn}\` copies its own \`${fn}\` or \`${variant}\` over the annotated method or its generated variant \`${variant}\` (the object would hold one function of one pair and one of another). Move the spread before the method, or leave the member out of \`${source}\`.`
      : `\`${fn}\` would gain the method \`${variant}\`, which would replace the \`${variant}\` the object ${where === "proto" ? "inherits from" : "copies from"} \`${source}\` (whose own code calling \`this.${variant}()\` would then run \`${fn}\`). Rename one of them, or name the variant explicitly with a word of the annotation (\`// @smartasync sync=…\`).`,
  literalReplaced: (variant: string, fn: string, name: string) =>
    `the object literal defines \`${name}\` again after the annotated method \`${fn}\`: the object holds that one, not the method, and its marker would pair it with \`${variant}\`, the method's variant. Remove one of them, or annotate the one the object keeps.`,
  /** SA212: a module namespace that holds generated exports, reflected on (namespace-reflection.ts). */
  namespaceReflection: (ns: string, source: string, own: string[], generated: string[], how: string) =>
    `\`${how.replace("ns", ns)}\` lists every export of "${source}", which also exports the generated ${generated.map((g) => `\`${g}\``).join(", ")} (a module namespace cannot hide an export, as an object literal's generated variants are hidden). Name the exports you mean (\`const { ${own.join(", ")}, … } = ${ns}\`, or an object of them), or leave out the generated ${generated.length > 1 ? "names" : "name"} where you list them.`,
  /**
   * SA212, attack29 F13: a module namespace that holds generated exports, used as a value other
   * than by a member read (namespace-reflection.ts `valueUse`).
   */
  namespaceValue: (ns: string, source: string, own: string[], generated: string[], how: string) =>
    `\`${how}\` uses the namespace of "${source}" as a value, and it also holds the generated ${generated.map((g) => `\`${g}\``).join(", ")}: what lists it, or is given it, sees ${generated.length > 1 ? "them" : "it"} (a module namespace cannot hide an export, as an object literal's generated variants are hidden). Read the members you mean (\`${ns}.${own[0]}\`, \`const { ${own.join(", ")}, … } = ${ns}\`), or pass an object of them.`,
  /** SA213, attack29 F08: an object of the file holding annotated methods, listed with its non-enumerable properties (object-reflection.ts). */
  objectReflection: (
    how: string,
    object: string,
    generated: string[],
    side: "own" | "static" | "prototype",
  ) =>
    `\`${how}\` lists the non-enumerable properties of \`${object}\` too, and ${side === "prototype" ? "the prototype" : side === "static" ? "the class" : "the object"} also holds the generated ${generated.map((g) => `\`${g}\``).join(", ")}, which the source's does not: a generated variant is a real property, hidden only from what lists enumerable ones. Name the methods you mean${side === "own" ? ", list them with `Object.keys` (which does not see an object literal's variants)" : ""}, or leave out the generated ${generated.length > 1 ? "names" : "name"} where you list them.`,
  exportClash: (fn: string, exported: string, as: string, option: string) =>
    `\`${fn}\` is exported as \`${exported}\`, so its variant is exported as \`${as}\`, but the module already exports that name (an ES module that exports a name twice does not load; in CommonJS one export would replace the other). If that export is a hand-written twin of \`${fn}\`, delete it: the annotation exports \`${as}\` from \`${fn}\` (docs/migrating.md). Otherwise rename one of the exports, or choose another suffix with the \`${option}\` option.`,
  reExportClash: (exported: string, as: string) =>
    `the export \`${exported}\` of an imported smartasync function would export its variant as \`${as}\`, but this module re-exports another function's variant under that name already (an ES module that exports a name twice does not load). Import the function under another name (\`import { f as g }\`), or re-export it under another name.`,
  /**
   * SA105, by where the annotated function stands (collect.ts `anonymousAt`; fixtures
   * diagnostics/sa105-*): each form gets the place the annotation belongs.
   */
  anonymous: (at: AnonymousAt) => {
    const NEEDS = "an annotated function needs a name, so its variant can be named after it";
    switch (at.kind) {
      case "default-export":
        return `${NEEDS}: write \`export default async function load() {}\` rather than an anonymous default export.`;
      case "declared-value":
        return at.declaration === "const"
          ? `the annotation is on the value of \`const ${at.name}\`, not on the declaration, which gives the variant its name: put it before the declaration (\`// @smartasync\` above \`const ${at.name} = …\`).`
          : `the annotation is on the value of \`${at.declaration} ${at.name}\`, not on a declaration that can name the variant: declare \`${at.name}\` with \`const\` (a \`${at.declaration}\` binding can be given another function, which its variant would not follow) and put the annotation before it (\`// @smartasync\` above \`const ${at.name} = …\`).`;
      case "property-value":
        return `the annotation is on the value of the property \`${at.name}\`, not on the property, which gives the variant its name: put it before the property (\`/* @smartasync */ ${at.name}: async () => …\`).`;
      case "class-field":
        return `the annotation is on the value of the class field \`${at.name}\`: a field cannot have variants (each instance gets a function of its own). Write it as a method (\`async ${at.name}() {}\`) and annotate that.`;
      case "argument":
        return `${NEEDS}, and this one is written as an argument of \`${at.callee}\`: declare it (\`// @smartasync\` above \`async function load() {}\`) and pass \`load\`.`;
      case "assigned":
        return `${NEEDS}, and this one is assigned to \`${at.target}\`: declare it (\`// @smartasync\` above \`async function load() {}\`) and assign \`load\`.`;
      default:
        return `${NEEDS}: declare it (\`// @smartasync\` above \`async function load() {}\` or \`const load = async () => …\`) and use it by that name.`;
    }
  },
  factoryInner: (factory: string, fn: string) =>
    `\`${fn}\` is annotated inside the factory \`${factory}\`, but not as a method of an object it returns (\`return { … }\`): the factory's sync twin is a copy of it, which would need a pair of its own. Move \`${fn}\` out of the factory (to module level), or make it a method of the returned object.`,
  factoryPromiseUse: (factory: string, twin: string, call: string, method: string) =>
    `\`${call}\` in the factory \`${factory}\` uses the promise of its annotated async method \`${method}\`, but the twin \`${twin}\` copies this code as written, where \`${method}\` is the sync variant and gives the value: there it would fail (or hand a sync caller a promise). Annotate the method that makes this call (\`// @smartasync\` on an async method that awaits \`${call}\`: the twin then holds its sync variant), or make the call from outside the factory.`,
  factoryEmpty: (factory: string) =>
    `\`@smartasync factory\` on \`${factory}\`: it returns no object literal with an annotated async method, so its twin would be the same function. Annotate the methods of the object it returns (\`return { /* @smartasync */ async load() {…} }\`), or remove \`factory\`.`,
  factoryExportList: (factory: string, twin: string) =>
    `\`@smartasync factory\` on \`${factory}\`, which is exported by an export list: its twin \`${twin}\` goes right after the factory and would not be exported. Export the factory by its declaration (\`export function ${factory}\`), and \`${twin}\` is exported with it.`,
  factoryClash: (twin: string, factory: string, handWritten: boolean) =>
    handWritten
      ? `the factory \`${factory}\` would gain the sync twin \`${twin}\`, but a function of that name is already declared here. If it is the hand-written twin (\`syncMethods(${factory}(…))\`, or the same factory with sync methods), delete it: \`@smartasync factory\` generates \`${twin}\` (docs/migrating.md). Otherwise rename it, or name the twin on the annotation: \`// @smartasync factory sync=otherName\`.`
      : `the factory \`${factory}\` would gain the sync twin \`${twin}\`, but that name is already taken here. Rename the existing \`${twin}\`, or name the twin on the annotation: \`// @smartasync factory sync=otherName\`.`,
  duplicate: () => "@smartasync appears more than once on the same function; keep one.",
  misspelled: (word: string) =>
    `\`${word}\` looks like a misspelled annotation, so nothing here was given a second colour. Write \`@smartasync\` if you meant it.`,
  invisibleInTag: (word: string, hidden: readonly string[]) =>
    `\`${showInvisible(word)}\` holds ${hidden.length === 1 ? "an invisible character" : "invisible characters"} (${[...new Set(hidden)].map(codePoint).join(", ")}) next to the tag, so it is not an annotation and nothing here was given a second colour. Delete ${hidden.length === 1 ? "it" : "them"} and write \`@smartasync\` if you meant it.`,
  /**
   * SA108. `part` is what left the type unknown (return-type.ts `UnknownWhy`); `returned` the
   * value returned that made the function async, if any (a promise, a call of an async
   * smartasync function, or a call the build does not know, which the sync variant guards);
   * `word` the annotation that says the colour chosen (`async=loadAsync`), where the form takes
   * one.
   */
  unknownReturnType: (
    fn: string,
    type: string,
    part: string,
    why: UnknownWhy,
    returned: { text: string; how: "promise" | "smartasync" | "unknown" } | undefined,
    variant: string,
    word: string | undefined,
  ) => {
    const it = part === type ? "it" : `\`${part}\``;
    const reason = {
      imported: `${it} is imported, and smartasync does not read another module's types`,
      parameter: `${it} is a type parameter`,
      thenable: `${it} may have a \`then\``,
      open: `a promise matches ${it}`,
      computed: `${it} is computed, which smartasync does not evaluate`,
      unlisted: `${it} is not a type smartasync knows to be a value`,
    }[why];
    const taken =
      returned === undefined
        ? `it returns no promise nor call of an async smartasync function, so \`${fn}\` is taken as a sync function (its async variant is \`${variant}\`)`
        : returned.how === "unknown"
          ? `it returns the value of \`${returned.text}\`, a call the build does not follow, which may be a promise, so \`${fn}\` is taken as an async function: its sync variant \`${variant}\` checks at run time that the value is not a promise (a SmartAsyncError if it is)`
          : `it returns \`${returned.text}\`, ${returned.how === "promise" ? "a promise" : "a call of an async smartasync function"}, so \`${fn}\` is taken as an async function (its sync variant is \`${variant}\`)`;
    const say = word === undefined ? "" : `, or say it on the annotation: \`// @smartasync ${word}\``;
    return `\`${fn}\` declares the return type \`${type}\`, which may or may not be a promise (${reason}); ${taken}. Declare \`Promise<…>\` or write \`async\` if it returns a promise, a plain type if it never does (a primitive, an array, a type of this file with a member a promise lacks)${say}.`;
  },
  floating: (call: string, variant: string) =>
    `\`${call}\` is an async smartasync function called in async code without \`await\`: its promise floats and its errors are lost. Write \`await ${call}\` to wait, \`void ${call}\` to start it on purpose, or \`${variant}\` to block.`,
  unknownContext: (call: string, variant: string | undefined) =>
    `\`${call}\` is returned from a callback passed to a function smartasync does not know, so whether it will be awaited cannot be known; it stays a plain call.${variant ? ` Call \`${variant}\` for the value, or make the callback async and \`await\` it, to choose explicitly.` : ""}`,
  blocking: (call: string, variant: string) =>
    `\`${call}\` runs a blocking sync function on the event loop of async code. Write \`await ${call}\` to run it off the thread (it becomes \`${variant}\`), or keep it if blocking here is intended.`,
  /** `read`: the route is a member read (`{ q: O.top }`), not a call: it is named as read. */
  unanalysable: (source: string, problem: string, call: string, line: number, read = false) => {
    const { reason, advice } = splitAdvice(problem);
    const instead = advice
      ? `Instead, ${advice}.`
      : /^re-exports /.test(reason)
        ? `Fix that re-export in "${source}", or import the function from the module that defines it.`
        : /smartasync errors of its own/.test(reason)
          ? `Build "${source}" on its own to see its errors, and fix them.`
          : "Fix the import, or ignore this if it holds no smartasync functions.";
    return `\`${call}\` (line ${line}) is ${read ? "read" : "called"} through the imported module "${source}", which ${reason}, so its calls stay plain calls here. ${instead}`;
  },
  internal: (message: string) =>
    /Maximum call stack size exceeded/.test(message)
      ? // A limit, not a bug: the analysis recurses, and V8's stack ends (test/reliability, depth).
        `this file nests deeper than smartasync can analyse (${message}). Split the deepest expression into smaller ones; raising Node's stack (\`node --stack-size=…\`) also helps.`
      : `internal error in smartasync: ${message}. Please report it with this file.`,
  globalUnnamed: (write: string, fn: string) =>
    `\`${write}\` sets a global whose name is computed at run time to the smartasync function \`${fn}\`: a bare call of that global, here or in a module that imports this one, calls it by a name without its variant, which gives a promise where sync code wants the value, and the build cannot tell which calls those are. Instead, call \`${fn}\` itself (import it), or write the global's name (\`globalThis.name = ${fn}\`) so its bare calls are reported.`,
  notFollowed: (call: string, why: string) => {
    const { reason, advice } = splitAdvice(why);
    return `\`${call}\` calls a smartasync function by a route smartasync does not follow (${reason}), so it stays a plain call, which gives a promise where this code wants the value. ${advice ? `Instead, ${advice}.` : "Call the function by its own name, or call its variant explicitly."}`;
  },
  captured: (name: string, call: string) =>
    `this \`${name}\` would capture the generated call of \`${call}\`, which is rewritten to \`${name}(...)\` and must reach smartasync's variant. Rename this binding.`,
  dynamicScope: (call: string) =>
    `\`${call}\` is in the reach of \`with\` or a direct \`eval\`, so which function it calls is decided at run time; it stays a plain call. Move it out of the \`with\` block, or avoid \`eval\` declaring names here.`,
  needsWorker: (fn: string, why: string, reasons: string[]) =>
    `the sync variant of \`${fn}\` needs a worker (${reasons.join("; ")}), but ${why}, so a worker cannot reach it. Move the await that has no sync form into a module-level @smartasync function that takes plain arguments, and await that here: its own sync variant runs in the worker and this one stays inline.`,
  sharedState: (fn: string, names: string[], where: "worker" | "offloaded") =>
    `\`${fn}\` runs in a ${where === "worker" ? "worker (its sync variant)" : "worker pool (its async variant)"} but uses module-level mutable state (${names.join(", ")}). Each worker imports the module afresh, so it sees its own copy: changes are not shared with the main thread. Pass the state as arguments, or keep it in a store both can reach.`,
  /** SA315: a module-level value not proven the same in every thread (same-everywhere.ts). */
  notSameEverywhere: (fn: string, values: string[], where: "worker" | "offloaded") =>
    `\`${fn}\` runs in a ${where === "worker" ? "worker (its sync variant)" : "worker pool (its async variant)"} and reads module-level values the build cannot prove are the same there: ${values.join("; ")}. Each worker imports the module afresh and sees only what that import makes, never what this thread's code does to the value later. Pass what the function needs as an argument (it crosses as a copy of this thread's value), or keep the function on the calling thread (no annotation, or an inline variant).`,
  /** SA316: a package's object that code of this thread calls methods of (same-everywhere.ts `handleCalls`). */
  handleChanged: (fn: string, values: string[], where: "worker" | "offloaded") =>
    `\`${fn}\` runs in a ${where === "worker" ? "worker (its sync variant)" : "worker pool (its async variant)"} and reads an object a package made, of which code of this thread calls a method the build does not see into and does not know to be a read, or calls what such a method made (a part of it, for which no method is known to be a read): ${values.join("; ")}. Each worker imports the module afresh and makes its own object: if it is a handle onto a store every thread reaches (a database file), the worker sees the change and the program is right; if it keeps its data in this thread's memory (an in-memory database such as \`new Database(":memory:")\`, a cache), the worker reads its own copy, which never gets the change. The build cannot tell which. Open it from a file path (each worker then opens its own connection to that file), or keep \`${fn}\` on the calling thread (${where === "worker" ? "no annotation, or an inline variant" : "`// @smartasync same-thread`"}).`,
  callerState: (call: string, fn: string, from: string, where: "worker" | "offloaded", changes: string[]) =>
    `\`${call}\` runs \`${fn}\` of \`${from}\` in a ${where === "worker" ? "worker (its sync variant)" : "worker pool (its async variant)"}, and it reads what this module changes: ${changes.join("; ")}. The worker imports \`${from}\` afresh and never runs this code, so it sees the value from before the change. Pass the value as an argument, or make the change where the worker's own import makes it.`,
  /** SA316 at a call of another module's worker function: this module calls methods of a package's object it imports from there (caller-state.ts). */
  callerHandle: (call: string, fn: string, from: string, where: "worker" | "offloaded", calls: string[]) =>
    `\`${call}\` runs \`${fn}\` of \`${from}\` in a ${where === "worker" ? "worker (its sync variant)" : "worker pool (its async variant)"}, and it reads an object a package made there, of which this module calls a method the build does not see into and does not know to be a read, or calls what such a method made: ${calls.join("; ")}. The worker imports \`${from}\` afresh and makes its own object: if it is a handle onto a store every thread reaches (a database file), the worker sees the change; if it keeps its data in this thread's memory (an in-memory database such as \`new Database(":memory:")\`, a cache), the worker reads its own copy, which never gets the change. The build cannot tell which. Open it from a file path (each worker then opens its own connection to that file), or keep \`${fn}\` on the calling thread (${where === "worker" ? "no annotation, or an inline variant" : "`// @smartasync same-thread`"}).`,
  topLevelEffects: (lines: number[], runtime: string, cjs: boolean, declarations = false) =>
    `this module holds functions that run in workers, and each worker imports it again, which re-runs its top-level code (line${lines.length > 1 ? "s" : ""} ${lines.join(", ")}). Guard entry code: \`${workerGuard(runtime, cjs)}\`.${declarations ? DECLARATION_GUARD : ""}`,
  importedEffects: (chain: string[], lines: number[], runtime: string, cjs: boolean, declarations = false) =>
    `this module holds functions that run in workers, and each worker imports it again together with what it imports: ${chain.map((c) => `\`${c}\``).join(" → ")}, whose top-level code (line${lines.length > 1 ? "s" : ""} ${lines.join(", ")}) then runs again in every worker. Guard that code in \`${chain[chain.length - 1]}\`: \`${workerGuard(runtime, cjs)}\`.${declarations ? DECLARATION_GUARD : ""}`,
  moduleLevelWorkerCall: (
    call: string,
    fn: string,
    variant: string,
    kind: "async" | "sync",
    runtime: string,
    explicit: boolean,
  ) =>
    `\`${call}\` runs at module level and ${explicit ? "calls" : "becomes"} \`${variant}\`, which runs \`${fn}\` in a ${kind === "async" ? "worker" : "worker pool"}; a worker imports this module to reach \`${fn}\`, so this call runs again in every worker and starts another, without end. Call it from entry code behind \`if (!isWorker)\` (\`isWorker\` from "${runtime}"), or move it to the module that imports this one.`,
  unboundedDiscard: (call: string, fn: string, variant: string, why: string) =>
    `this call now blocks until \`${fn}\` finishes: \`${call}\` in sync code with its value unused runs \`${variant}\`, and \`${fn}\` can run without bound (${why}). Write \`void ${call}\` to start it in the background, or call \`${variant}\` by name if blocking is what you want.`,
  heldUnclear: (
    call: string,
    local: string,
    why: "parked" | "mixed" | "exported" | "returned",
    variant: string,
  ) =>
    why === "returned"
      ? `\`${local}\` holds the value of \`${call}\` (its sync variant \`${variant}\` runs here), and this code both reads \`${local}\` as a value and returns it to callers the build does not see (the function is exported, a method, or a function value passed around), where code written for the plain program may expect the promise the plain call gives. To return the value, call the variant by name, \`${variant}(…)\` (no warning); to return the promise, wrap the call in \`Promise.resolve(…)\`, which keeps it plain, and read it with \`await\` or \`.then\`.`
      : why === "exported"
        ? `\`${local}\` holds the value of \`${call}\` (its sync variant \`${variant}\` runs here, in sync code) and is exported: the build does not see what importers do with it, and code written for the plain program, where \`${local}\` is a promise, gets the value (\`await ${local}\` still works, \`${local}.then(…)\` fails). To export the value, call the variant by name, \`${variant}(…)\` (no warning); to export the promise, wrap the call in \`Promise.resolve(…)\`, which keeps it plain.`
        : `\`${local}\` holds the value of \`${call}\` (its sync variant \`${variant}\` runs here), ${why === "mixed" ? `and this code uses \`${local}\` both as a promise (\`.then\`, \`await\`, \`Promise.*\`) and as a value, so one of those uses gets what it does not expect` : `and \`${local}\` is read out of smartasync's sight (it is exported, or only stored in an object, an array or another name that is itself exported or only stored), where code may expect the promise the plain call gives`}. If the promise is wanted, wrap the call in \`Promise.resolve(…)\`, which keeps it plain; if the value is wanted, ${why === "mixed" ? "use it only as a value" : "nothing needs to change"}.`,
  /** SA210: a sync-code call's value handed where the build does not follow it (context.ts `flowUnproven`). */
  flowUnproven: (call: string, why: string, variant: string) =>
    `\`${call}\` is in sync code, so its sync variant \`${variant}\` runs here and gives the value, where the plain call gives a promise; that value is ${why}, where code written for the plain program may use it as a promise (a race, a timeout, a \`.then\`) and would get the value. If the value is meant, call the variant by name, \`${variant}(…)\` (no warning); if the promise is meant, wrap the call in \`Promise.resolve(…)\`, which keeps it plain.`,
  /** SA110: the file is compiled as a script whose output runs as an ES module (analyse.ts `refuseUnimportable`). */
  unimportableScript: (option: string) =>
    `the file is compiled as a script (\`${option}\`) and its output runs as an ES module (the nearest package.json says \`"type": "module"\`, or the file is \`.mjs\`), so smartasync cannot bring in its runtime: a script takes no \`import\`, and an ES module has no \`require\`. Compile it as a module (\`isModule: true\` or \`"unknown"\`), or, if the output runs as CommonJS, say so (\`module: { type: "commonjs" }\`, or \`isModule: "commonjs"\`).`,
  /** SA109: a call's value passed from sync code to a parameter used as a promise (param-uses.ts). */
  promiseArgument: (
    arg: string,
    variant: string,
    callee: string,
    /** `argument 1`, `property \`p\` of argument 1` (call-argument.ts `placeOf`). */
    place: string,
    what: string,
    at: string,
    fix: string,
    kept?: string,
  ) =>
    `\`${arg}\`${kept ? `, kept in \`${kept}\`,` : ""} is ${place} of \`${callee}\` in sync code, so its sync variant \`${variant}\` runs first and \`${callee}\` gets its value, where the plain program gives it a promise; but \`${callee}\` uses that parameter as a promise (${what} at ${at}), which a value changes: a timeout or a race would not wait for it, a \`catch\` would not see its error. If the value is meant, call the variant by name: \`${fix}\`; if the promise is meant, make the caller async and write \`await ${callee}(…)\` there.`,
  /** SA211: the same, where what the parameter does is not known. */
  unknownArgument: (
    arg: string,
    variant: string,
    callee: string,
    place: string,
    why: string,
    fix: string,
    kept?: string,
  ) =>
    `\`${arg}\`${kept ? `, kept in \`${kept}\`,` : ""} is ${place} of \`${callee}\` in sync code, so its sync variant \`${variant}\` runs first and \`${callee}\` gets its value, where the plain program gives it a promise; whether \`${callee}\` only awaits that parameter is not proven (${why}). If the value is meant, call the variant by name: \`${fix}\` (no warning); if the promise is meant, make the caller async and write \`await ${callee}(…)\` there.`,
  /** SA209: a plain function returns a sync-code call's value to callers that want both forms. */
  handedOnUnclear: (call: string, fn: string, variant: string) => {
    const who = fn ? `\`${fn}\`` : "the function";
    return `${who} returns the value of \`${call}\` (its sync variant \`${variant}\` runs here, so ${who} returns the value, not a promise), and some calls of ${who} use what it returns as a promise (\`await\`, \`.then\`, \`Promise.*\`) and others as a value: a caller that awaits it, alone or in \`Promise.all\`, now waits for each call in turn. If callers want the promise, make ${who} async (the \`async\` keyword, or annotate it \`// @smartasync\`); if they want the value, nothing needs to change.`;
  },
  offloadMutatesArgument: (fn: string, why: string, variant: string) =>
    `\`${variant}\` cannot run \`${fn}\` in a worker because ${why}: a worker changes its own copy, never the caller's object. It runs it at once on the calling thread and returns a promise of its result (correct, but blocking). Return a new value instead of changing the argument (for example \`return [...list].sort()\`) to offload it.`,
  workerMutatesArgument: (fn: string, why: string, reasons: string[]) =>
    `the sync variant of \`${fn}\` needs a worker (${reasons.join("; ")}), but ${why}, and a worker changes its own copy, never the caller's object. Return the new value instead of changing the argument, or move the await that has no sync form into a module-level @smartasync function that takes plain arguments and await that here.`,
  /** A `reason` of an offloaded call in `Promise.all([...])` (attack 13, F14). */
  /** Attack 18, F12: an offloaded call of a function whose body shows an effect outside JS memory. */
  offloadOutside: (fn: string, what: string, at: string) =>
    `offloaded, and \`${fn}\` ${what} (${at}): a pool thread runs it when one is free, after the caller has moved on, so code that runs meanwhile (the caller's next statements, other requests) sees the outside state before that effect, where the plain program ran it at the call; \`// @smartasync same-thread\` on \`${fn}\` keeps it on this thread`,
  /** The same for a function of another module that its module's build did not prove quiet. */
  offloadOutsideUnseen: (fn: string, module: string) =>
    `offloaded, and \`${fn}\` comes from ${module}, whose build does not prove it free of effects outside JS memory (files, network, console), and a pool thread runs it when one is free, after the caller has moved on, where the plain program ran it at the call; \`// @smartasync same-thread\` on \`${fn}\`, in its module, keeps it on the calling thread`,
  parallelOffload: (fn: string) =>
    `offloaded in Promise.all: runs in parallel with the other elements, so effects of \`${fn}\` outside JS memory (files, network, console) may come in another order than the plain program's calls one after another`,
  threadBound: (fn: string, items: string[], where: "worker" | "offloaded") =>
    `\`${fn}\` runs in a ${where === "worker" ? "worker (its sync variant)" : "worker pool (its async variant)"} but depends on what does not cross a thread: ${items.join("; ")}. Arguments and results cross as copies, and an AsyncLocalStorage store belongs to the thread that called \`run()\`: read the store on the calling thread and pass what it holds, compare plain values (an id, a name), return plain data — or keep the function on the calling thread.`,
  /** SA314: what only the calling thread's process has (thread-bound.ts, processUse). */
  processOnly: (fn: string, items: string[], where: "worker" | "offloaded") =>
    `\`${fn}\` runs in a ${where === "worker" ? "worker (its sync variant)" : "worker pool (its async variant)"} but uses what only the main thread of the process has, or state each thread keeps its own of: ${items.join("; ")}. Read it on the calling thread and pass what the function needs as an argument (the input read, the main module's path, a callback's result, the text formatted), register handlers there, or keep the function on the calling thread (no annotation, or an inline variant).`,
  offloadHeldBack: (why: string) => `called on this thread, not offloaded: ${why}`,
  /** SA307: `Promise.all([...])` whose calls may interleave, in a function that cannot take a worker. */
  interleavedInline: (fn: string, combinator: string, paused: string, effect: string, why: string) =>
    `the sync variant of \`${fn}\` runs the calls of ${combinator}([...]) one after another, but in the plain program they interleave: ${paused} may pause at an await and go on later, and ${effect} has effects another call or the caller may see, so they may come in another order. A worker variant would keep the order, but ${why}. Await the calls one by one where their order matters, or make the calls after the first that pauses free of effects.`,
  /** SA308: an awaited import without a twin made the variant a worker one. */
  noTwin: (
    call: string,
    fn: string,
    variant: string,
    entry: string,
    sameModule: string | undefined,
    /** The function's other calls that the same entry maps, in source order. */
    others: readonly string[] = [],
  ) =>
    `\`${call}\` has no sync twin smartasync knows${
      others.length
        ? ` (this hint covers its ${others.length + 1} calls in \`${fn}\`: here and at ${others.join(", ")})`
        : ""
    }, so \`${variant}\` runs \`${fn}\` on a worker thread (blocking on it). If the module has a sync function that does the same, name it in the \`twins\` option and \`${variant}\` calls it inline: "twins": ${entry}${
      sameModule ? ` (${sameModule})` : ""
    }. Otherwise nothing needs to change.`,
  /** SA309 (analysis/polling.ts): a polling loop over the blocking sleep in an inline copy (at the await). */
  pollingLoop: (fn: string, sleep: string, parts: string, loop: string) =>
    `the sync variant of \`${fn}\` sleeps here on the calling thread (\`${sleep}\` becomes a blocking sleep) in a loop (${loop}) whose exit condition reads ${parts}, which the loop itself does not change: only other code can (a callback, a timer, another function), and no other code of this thread runs while the sync variant sleeps, so it may wait forever or end with another result. A worker has its own copy of the module and would not see the change either. Call \`${fn}\` from async code (\`await ${fn}(…)\`), or make the loop change its own condition (read the state it waits for in the loop: a file, \`Atomics.load\`, a call that fetches it).`,
  /** SA309 (analysis/polling.ts): state only other code changes, read after the blocking sleep (at the read). */
  sleepThenRead: (fn: string, sleep: string, sleepLoc: string, parts: string) =>
    `the sync variant of \`${fn}\` reads ${parts} here after sleeping on the calling thread (\`${sleep}\` at ${sleepLoc} becomes a blocking sleep): only other code changes it (a callback, a timer, another function), and no other code of this thread runs while the sync variant sleeps, so it reads what was there before the sleep where the async function may read another value. A worker has its own copy of the module and would not see the change either. Call \`${fn}\` from async code (\`await ${fn}(…)\`), or read the state from where other threads and processes can change it (a file, \`Atomics.load\`, a call that fetches it).`,
  notOffloadable: (fn: string, why: string, variant: string) =>
    `\`${variant}\` cannot run \`${fn}\` in a worker because ${why}; it runs it at once on the calling thread and returns a promise of its result (correct, but blocking). Make \`${fn}\` a module-level function that does not use \`this\` (pass what it reads from \`this\` as an argument) to offload it.`,
} as const;

/** SA303's advice for a declaration whose initializer acts outside the module. */
const DECLARATION_GUARD =
  " A declaration whose initializer acts (a file written, output) is guarded in the initializer: `const x = isWorker ? undefined : effect();`.";

/** The `isWorker` guard in the file's own module syntax (SA303, SA305). */
function workerGuard(runtime: string, cjs: boolean): string {
  return cjs
    ? `const { isWorker } = require("${runtime}"); if (!isWorker) main();`
    : `import { isWorker } from "${runtime}"; if (!isWorker) main();`;
}

/** Why a function cannot be reached from a fresh import of its module (SA301/SA304). */
export const UNREACHABLE = {
  closure: "it is declared inside another function",
  /** Compiled, a namespace body is a function too; the words say what the source says. */
  namespace: "it is declared inside a TypeScript namespace",
  usesThis: "it is a method that uses `this`",
  usesSuper: "it is a method that uses `super`",
  /** A plain function reading `this` (`f.call(ctx, …)`): a worker call carries no receiver. */
  functionUsesThis:
    "it reads `this`, which a call on another thread cannot carry (`f.call(obj, …)` would lose `obj`)",
  localClass: "its class is declared inside a function",
  anonymousObject: "its object is not bound to a module-level `const`",
} as const;

/**
 * A route's reason and what to write instead, where the reason names it after a `; `
 * (`` `g` is a second name for `f`; call `f` itself ``): SA204 and SA206 end with that advice, the
 * one for their case, rather than a generic ending.
 */
function splitAdvice(why: string): { reason: string; advice?: string } {
  const m = /^(.*?); ((?:call|write|export|hold|import|destructure|rename|fix|build|have|move)\b.*)$/s.exec(
    why,
  );
  return m ? { reason: m[1]!, advice: m[2]! } : { reason: why };
}
