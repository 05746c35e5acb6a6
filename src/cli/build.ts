/**
 * `smartasync build <src> --out-dir <dir>`: compiles a source tree into another directory:
 * TypeScript stripped, source maps beside each output, every other file copied unchanged.
 * Never writes into the source tree; writes nothing for a file that fails (exit 1 at the end).
 */
import { existsSync, readFileSync, realpathSync, statSync } from "node:fs";
import { mkdir, stat } from "node:fs/promises";
import { basename, dirname, extname, join, relative, resolve, sep } from "node:path";
import { Command } from "commander";
import { MANIFEST_FILE } from "../core/module-facts.js";
import { colourEnabled } from "./colour.js";
import {
  addCommonOptions,
  type CommonOptions,
  checkCompiler,
  EXIT_FINDINGS,
  exitWith,
  printFailure,
  projectDir,
  stdoutPaint,
} from "./common.js";
import { emitDeclarations } from "./declarations.js";
import { UsageError, UsageErrors } from "./errors.js";
import { oneLine } from "./escape.js";
import { describeFsError, displayPath, walk } from "./files.js";
import { formatSummary, summarise } from "./findings.js";
import { isOwnInputMap } from "./input-map.js";
import { urlOfPath } from "./map-url.js";
import {
  copyOutput,
  folderLinks,
  linkedOutputFolders,
  linkOutput,
  linksLeavingSrc,
  linksWithinTree,
  replacedNote,
  rerootedImports,
  sweepStaleTemps,
  type Written,
} from "./out-dir.js";
import { type BuiltModule, writePackageManifest } from "./package-manifest.js";
import { runFiles } from "./run-files.js";
import type { WriteResult } from "./write-built.js";

const OUT_EXTENSION: Record<string, string> = {
  ".ts": ".js",
  ".tsx": ".jsx",
  ".mts": ".mjs",
  ".cts": ".cjs",
  ".js": ".js",
  ".jsx": ".jsx",
  ".mjs": ".mjs",
  ".cjs": ".cjs",
};

/** The `.d.ts` TypeScript's declaration emit writes for a TypeScript source (`.mts` → `.d.mts`), else `undefined`. */
export function declarationName(rel: string): string | undefined {
  const m = /\.([cm]?)tsx?$/.exec(rel);
  return m ? `${rel.slice(0, m.index)}.d.${m[1]}ts` : undefined;
}

/** `a/b.ts` → `a/b.js`, `.mts` → `.mjs`, `.cts` → `.cjs`, `.tsx` → `.jsx`; JavaScript names kept. */
export function outputName(rel: string): string {
  const ext = extname(rel);
  return rel.slice(0, rel.length - ext.length) + (OUT_EXTENSION[ext] ?? ext);
}

function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    // Not there yet: resolve its nearest existing parent, so symlinks are seen through anyway.
    const parent = dirname(p);
    return parent === p ? p : join(real(parent), basename(p));
  }
}

const inside = (child: string, parent: string): boolean =>
  child.startsWith(parent.endsWith(sep) ? parent : parent + sep);

/** Refuses an out-dir that is the source directory, inside it, or contains it. */
export function checkDirs(srcDir: string, outDir: string, srcArg: string, outArg: string): void {
  const s = real(srcDir);
  const o = real(outDir);
  if (s === o)
    throw new UsageError(`--out-dir ${outArg}: is the source directory; it would overwrite the sources`);
  if (inside(o, s))
    throw new UsageError(
      `--out-dir ${outArg}: is inside the source directory ${srcArg}; choose a directory outside it`,
    );
  if (inside(s, o))
    throw new UsageError(
      `--out-dir ${outArg}: contains the source directory ${srcArg}; choose a directory outside it`,
    );
  // The nearest part of the path that exists must be a folder (attack21 F7: `--out-dir afile`,
  // `afile/sub`, `/dev/null` ended in an internal EEXIST/ENOTDIR from mkdir).
  for (let p = outDir; ; p = dirname(p)) {
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(p, { throwIfNoEntry: false });
    } catch (e) {
      // ENOTDIR: a part above is a file, met on the way up.
      if ((e as NodeJS.ErrnoException).code !== "ENOTDIR") throw e;
      st = undefined;
    }
    if (st === undefined) {
      if (dirname(p) === p) return;
      continue;
    }
    if (st.isDirectory()) return;
    const what = st.isFile() ? "is a file" : "is not a directory";
    const where = p === outDir ? "" : ` ${displayPath(p, process.cwd())}`;
    throw new UsageError(`--out-dir ${outArg}:${where} ${what}; name a directory (it is made when missing)`);
  }
}

interface BuildOptions extends CommonOptions {
  outDir: string;
  sourceMaps: boolean;
  declarations: boolean;
  followSymlinks?: boolean;
}

export function buildCommand(): Command {
  const cmd = new Command("build")
    .description(
      "compile a source tree into --out-dir: TypeScript stripped (.ts → .js, .mts → .mjs, .cts → .cjs, .tsx → .jsx), a .map source map beside each file, every other file copied unchanged",
    )
    .argument("<src>", "source directory")
    .requiredOption(
      "-o, --out-dir <dir>",
      "output directory (not the source directory, not inside it, not containing it)",
    )
    .option("--no-source-maps", "do not write .map files")
    .option(
      "--no-declarations",
      "do not write .d.ts files for TypeScript sources (by default they are emitted by TypeScript, generated variants included)",
    )
    .option(
      "--follow-symlinks",
      "read files in <src> that are symbolic links leading outside it, and walk the folders such links lead to, building their files at the link's place (by default such a link is refused)",
    );
  addCommonOptions(cmd);
  return cmd.action(async (srcArg: string, opts: BuildOptions) => {
    await checkCompiler(opts);
    const cwd = projectDir(opts);
    const srcDir = resolve(process.cwd(), srcArg);
    const outDir = resolve(process.cwd(), opts.outDir);
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(srcDir);
    } catch (e) {
      throw new UsageError(`${srcArg}: ${describeFsError(e)}`);
    }
    if (!info.isDirectory())
      throw new UsageError(`${srcArg}: not a directory (build compiles a source tree)`);
    checkDirs(srcDir, outDir, srcArg, opts.outDir);
    const tree = await walk(srcDir);
    // Links to folders: placed as links in the output, followed, or refused (out-dir.ts).
    const folders = await folderLinks(
      srcDir,
      outDir,
      tree.folderLinks,
      opts.followSymlinks ?? false,
      srcArg,
      process.cwd(),
    );
    if (folders.refused.length > 0) throw new UsageErrors(folders.refused);
    tree.code = [...tree.code, ...folders.code].sort();
    tree.other = [...tree.other, ...folders.other].sort();
    if (tree.code.length === 0)
      throw new UsageError(`${srcArg}: no .js .mjs .cjs .jsx .ts .tsx .mts .cts files in this directory`);

    const outFile = (file: string): string => join(outDir, outputName(relative(srcDir, file)));
    const taken = new Map<string, string>();
    const clashes: string[] = [];
    const isCode = new Set(tree.code);
    for (const f of [...tree.code, ...tree.other]) {
      const target = isCode.has(f) ? outFile(f) : join(outDir, relative(srcDir, f));
      const before = taken.get(target);
      if (before !== undefined) {
        clashes.push(
          `${displayPath(f, process.cwd())}: would be written to ${displayPath(target, process.cwd())}, as ${displayPath(before, process.cwd())} is`,
        );
      } else taken.set(target, f);
    }
    const folderPlace = (link: string): string => join(outDir, relative(srcDir, link));
    for (const link of folders.placed.keys()) {
      const before = taken.get(folderPlace(link));
      if (before !== undefined)
        clashes.push(
          `${displayPath(link, process.cwd())}: would be placed at ${displayPath(folderPlace(link), process.cwd())}, where ${displayPath(before, process.cwd())} is written`,
        );
    }
    // A copied file where build writes a file of its own (a source map, a declaration file, the
    // package manifest) would silently replace it or be replaced by it, whichever came last:
    // refused before anything is written, naming both (docs/cli.md).
    // A source's own map beside it (`a.js.map`, named by `a.js`'s `sourceMappingURL`) is its
    // input map: read into the built map, not copied (attack31 F08). Any other `.map` at the
    // place of a compiled file's map is refused, with or without --no-source-maps: it would
    // replace build's map, or lie beside a compiled file it does not describe.
    const mapPlaces = new Map(tree.code.map((c) => [`${outFile(c)}.map`, c]));
    const inputMaps = new Set<string>();
    for (const f of tree.other) {
      const code = f.endsWith(".map") ? mapPlaces.get(join(outDir, relative(srcDir, f))) : undefined;
      if (code === undefined) continue;
      let text: string;
      try {
        text = readFileSync(code, "utf8");
      } catch {
        continue; // compiling it reports why
      }
      if (isOwnInputMap(text, code, f, srcDir, opts.followSymlinks ?? false)) inputMaps.add(f);
    }
    const own = new Map<string, { where: string; instead: string }>();
    for (const f of tree.code) {
      const shown = displayPath(f, process.cwd());
      own.set(
        `${outFile(f)}.map`,
        opts.sourceMaps
          ? {
              where: `where build writes the source map of ${shown}`,
              instead: `or name it in ${shown} (\`//# sourceMappingURL=\`) to chain it into the built map`,
            }
          : {
              where: `beside ${displayPath(outFile(f), process.cwd())}, compiled from ${shown}, which it would not describe`,
              instead: `or name it in ${shown} (\`//# sourceMappingURL=\`): a source's own map is not copied`,
            },
      );
      const decl = declarationName(relative(srcDir, f));
      if (opts.declarations && decl !== undefined)
        own.set(join(outDir, decl), {
          where: `where build writes the declarations of ${shown}`,
          instead: "or pass --no-declarations",
        });
    }
    own.set(join(outDir, MANIFEST_FILE), {
      where: "where build writes the package manifest (when a compiled module exports a smartasync function)",
      instead: "build writes that name itself",
    });
    for (const f of tree.other) {
      if (inputMaps.has(f)) continue;
      const target = join(outDir, relative(srcDir, f));
      const clash = own.get(target);
      if (clash) {
        clashes.push(
          `${displayPath(f, process.cwd())}: would be copied to ${displayPath(target, process.cwd())}, ${clash.where}; rename or remove it, ${clash.instead}`,
        );
      }
    }
    // Not copied from here on (read as input maps, or not at all under --no-source-maps).
    tree.other = tree.other.filter((f) => !inputMaps.has(f));
    if (clashes.length > 0) throw new UsageErrors(clashes);

    // Read side: a link in <src> that leads outside it is read only when asked (out-dir.ts).
    const cwdNow = process.cwd();
    if (!opts.followSymlinks) {
      const leaving = linksLeavingSrc(srcDir, [...tree.code, ...tree.other]);
      if (leaving.length > 0) {
        throw new UsageErrors(
          leaving.map(
            (l) =>
              `${displayPath(l.file, cwdNow)}: a symbolic link to ${l.target}, outside ${srcArg}; build reads only files inside the source directory (pass --follow-symlinks to read it)`,
          ),
        );
      }
    }
    // A followed link is compiled at its place in <src>: a relative import that resolves
    // elsewhere from there than from the file's real path is refused (rerootedImports).
    if (opts.followSymlinks) {
      const rerooted = rerootedImports(linksLeavingSrc(srcDir, tree.code), cwdNow);
      if (rerooted.length > 0) throw new UsageErrors(rerooted);
    }
    // A link to another file of the tree is one module with it under Node (real paths): placed
    // as a link to that file's output, not compiled again into a second module (attack20 F9).
    const treeLinks = linksWithinTree([...tree.code, ...tree.other]);
    const placeOf = (f: string): string => (isCode.has(f) ? outFile(f) : join(outDir, relative(srcDir, f)));
    // Write side: no folder of the output may be a link (it would lead out of the out-dir).
    await mkdir(outDir, { recursive: true });
    const linked = linkedOutputFolders(outDir, [...taken.keys()]);
    if (linked.length > 0) {
      throw new UsageErrors(
        linked.map(
          (d) =>
            `${displayPath(d, cwdNow)}: a symbolic link inside --out-dir ${opts.outDir}; build never writes through one (remove it, or choose another out-dir)`,
        ),
      );
    }
    // Temporary files a build killed mid-write left in the folders written now (out-dir.ts).
    sweepStaleTemps(
      new Set([
        outDir,
        ...[...taken.keys(), ...[...folders.placed.keys()].map(folderPlace)].map((t) => dirname(t)),
      ]),
    );
    const noteLink = (w: Written, file: string): void => {
      if (w.replacedLink) process.stderr.write(`smartasync build: ${oneLine(replacedNote(file))}\n`);
    };

    const t0 = performance.now();
    const outcomes = await runFiles(
      tree.code.filter((f) => !treeLinks.has(f)),
      {
        jobs: opts.jobs,
        fileTimeout: opts.fileTimeout,
        label: "build",
        options: { cwd, compiler: opts.compiler, moduleFacts: true, conditions: opts.conditions },
        optionsFor: (file) => ({
          cwd,
          compiler: opts.compiler,
          conditions: opts.conditions,
          moduleFacts: true,
          sourceMaps: opts.sourceMaps,
          // A URL relative to the map (`100%.js` is `100%25.js`): attack32 F03.
          sourceFileName: urlOfPath(
            relative(dirname(outFile(file)), file)
              .split(sep)
              .join("/"),
          ),
          highlightCode: colourEnabled(process.stderr),
          inputMapRoot: srcDir,
          compiles: srcDir,
          followSymlinks: opts.followSymlinks ?? false,
        }),
        // Each file is written where it is compiled (a worker under --jobs / the budget).
        outputFor: (file) => ({ outDir, target: outFile(file), source: file }),
      },
    );
    const modules: BuiltModule[] = [];
    let written = 0;
    for (const o of outcomes) {
      if (!o.ok) {
        printFailure(o);
        continue;
      }
      for (const note of o.notes ?? [])
        process.stderr.write(`smartasync build: ${oneLine(`${displayPath(o.file, cwdNow)}: ${note}`)}\n`);
      const target = outFile(o.file);
      const w = (o as { written?: WriteResult }).written;
      for (const link of w?.replacedLinks ?? []) noteLink({ replacedLink: true }, link);
      if (!w?.ok) {
        const reason = w?.error?.reason ?? "not written";
        process.stderr.write(
          `smartasync: ${oneLine(displayPath(target, cwdNow))}: cannot write: ${oneLine(reason)}\n`,
        );
        exitWith(EXIT_FINDINGS);
        continue;
      }
      written++;
      modules.push({
        source: relative(srcDir, o.file).split(sep).join("/"),
        output: relative(outDir, target).split(sep).join("/"),
        report: o.report,
        exports: o.exports,
      });
    }
    for (const f of tree.other) {
      if (treeLinks.has(f)) continue;
      const target = join(outDir, relative(srcDir, f));
      try {
        noteLink(copyOutput(outDir, f, target), target);
      } catch (e) {
        process.stderr.write(
          `smartasync: ${oneLine(displayPath(f, cwdNow))}: cannot copy: ${oneLine(describeFsError(e))}\n`,
        );
        exitWith(EXIT_FINDINGS);
      }
    }
    await writePackageManifest({ srcDir, outDir, modules });
    const tsSources = modules
      .map((m) => join(srcDir, m.source))
      .filter((f) => /\.[cm]?tsx?$/.test(f) && !f.endsWith(".d.ts"));
    if (opts.declarations && tsSources.length > 0) {
      const d = await emitDeclarations(tsSources, srcDir, outDir, cwd, opts.compiler);
      if (d.skipped) process.stderr.write(`smartasync build: ${oneLine(d.skipped)}\n`);
      for (const p of d.problems.slice(0, 10))
        process.stderr.write(`smartasync build: declarations: ${oneLine(p)}\n`);
      if (d.problems.length > 10)
        process.stderr.write(`smartasync build: declarations: ${d.problems.length - 10} more type errors\n`);
    }
    let linkedCount = 0;
    for (const [link, to] of treeLinks) {
      const places: [string, string][] = [[placeOf(link), placeOf(to)]];
      const [decl, toDecl] = [declarationName(relative(srcDir, link)), declarationName(relative(srcDir, to))];
      if (opts.declarations && decl !== undefined && toDecl !== undefined && existsSync(join(outDir, toDecl)))
        places.push([join(outDir, decl), join(outDir, toDecl)]);
      try {
        for (const [at, target] of places) linkOutput(outDir, at, target);
        linkedCount++;
      } catch (e) {
        process.stderr.write(
          `smartasync: ${oneLine(displayPath(link, cwdNow))}: cannot place its link: ${oneLine(describeFsError(e))}\n`,
        );
        exitWith(EXIT_FINDINGS);
      }
    }
    // A link to a folder of the tree leads to that folder's output (out-dir.ts, folderLinks).
    for (const [link, rel] of folders.placed) {
      try {
        linkOutput(outDir, folderPlace(link), join(outDir, rel));
        linkedCount++;
      } catch (e) {
        process.stderr.write(
          `smartasync: ${oneLine(displayPath(link, cwdNow))}: cannot place its link: ${oneLine(describeFsError(e))}\n`,
        );
        exitWith(EXIT_FINDINGS);
      }
    }
    const summary = summarise(outcomes, performance.now() - t0);
    const paint = stdoutPaint();
    const failed = outcomes.length - written;
    process.stdout.write(
      `smartasync build: ${written} compiled, ${tree.other.filter((f) => !treeLinks.has(f)).length} copied${linkedCount > 0 ? `, ${linkedCount} linked` : ""}${failed > 0 ? paint("red", `, ${failed} failed (nothing written for them)`) : ""} → ${oneLine(displayPath(outDir, cwdNow))} (${formatSummary(summary)})\n`,
    );
    if (failed > 0) exitWith(EXIT_FINDINGS);
  });
}
