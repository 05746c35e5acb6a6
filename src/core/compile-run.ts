/**
 * Which compile of a file is running: what smartasync stamps of the file system (an imported
 * module's modification time, an installed package's `package.json`) holds for one compiled file
 * and is taken again for the next. The analysis of one file asks for the same module many times;
 * a host that writes a module and then compiles its importer, in one synchronous run, still gets
 * the module as written.
 */
let compiles = 0;

/** A host starts compiling a file (each engine before its fast path, the Babel plugin per file). */
export function startCompile(): void {
  compiles++;
}

let ending = false;

/**
 * The compile running now, as a number that changes with each `startCompile` and when the
 * synchronous run it was asked in ends (a microtask): a caller of the module graph that is no
 * host (a test, a tool reading facts in a watch loop) sees an edit after an `await`.
 */
export function currentCompile(): number {
  if (!ending) {
    ending = true;
    queueMicrotask(() => {
      ending = false;
      compiles++;
    });
  }
  return compiles;
}

/**
 * A file stamp this recent (ms) is not trusted to name one text: a second write within the file
 * system's clock tick could keep it and change the text (the CLI's facts store does not remember
 * one, compile/facts-store.ts; FactsCache checks the text of a module whose stamp was this young).
 * The same for a folder's stamp standing for the names it holds (resolve.ts `remembered`).
 */
export const RACY_MS = 1000;
