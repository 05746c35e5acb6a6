/**
 * Vite's dev server (and Vitest, which runs on one) keeps each module's transform until the
 * module is invalidated. When a file changes, Vite invalidates its modules and, through the
 * module graph, their importers — but an importer that imports the file with a static `import`
 * is only soft-invalidated: its kept output is evaluated again with new import timestamps,
 * never transformed again. A smartasync module's output depends on the facts of what it
 * imports (is `fetchName` a smartasync function, which variants does a barrel re-export), so an
 * importer kept that way called a function plain that had become `// @smartasync` (sync code
 * got a Promise), or called `fetchNameSync` after the annotation was removed (a crash); a barrel
 * (`export { load } from "./c.js"`) kept its re-exports without `loadSync` after c.js was
 * annotated (attack28 F09; test/integrations/vitest.test.ts, "the dev server follows edits").
 * The files a module reaches are also given to `addWatchFile`, which Vite adds to the module's
 * imports in its graph: that edge invalidates the module fully, but only for a file the module
 * does not import itself, so the direct imports were the ones left out.
 *
 * So the plugin records, for each module it transforms on the dev server, the files it reaches
 * (the same set it watches), and when one of them changes it invalidates the module fully
 * itself (`watchChange`, which Vite calls before its own soft invalidation: a module fully
 * invalidated stays so).
 */

/** The modules whose output depends on each file, as the last transform of each found them. */
export class Dependents {
  private readonly reached = new Map<string, readonly string[]>();
  private readonly byFile = new Map<string, Set<string>>();

  /** `module`'s transform read the facts of `files` (replacing what an earlier one read). */
  record(module: string, files: readonly string[]): void {
    for (const file of this.reached.get(module) ?? []) this.byFile.get(file)?.delete(module);
    this.reached.set(module, files);
    for (const file of files) {
      const modules = this.byFile.get(file) ?? new Set<string>();
      this.byFile.set(file, modules.add(module));
    }
  }

  /** The modules whose last transform read `file`. */
  of(file: string): string[] {
    return [...(this.byFile.get(file) ?? [])];
  }
}

/** What the plugin uses of a Vite module graph (a dev environment's, or Vite 5's single one). */
interface ModuleGraph<Node = unknown> {
  getModulesByFile(file: string): Set<Node> | undefined;
  /** Without `softInvalidate`: the module is transformed again when next requested. */
  invalidateModule(mod: Node): void;
}

/** Invalidates every module of these files in each graph fully (transformed again when requested). */
export function invalidateFully(graphs: readonly ModuleGraph[], files: Iterable<string>): void {
  for (const file of files)
    for (const graph of graphs)
      for (const mod of graph.getModulesByFile(file) ?? []) graph.invalidateModule(mod);
}
