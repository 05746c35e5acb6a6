import type { PluginAPI, types as t } from "@babel/core";
import { checkLimits } from "../compile/limits.js";
import type { ParsedFile } from "../core/analysis/analyse.js";
import type { ParseModule } from "../core/analysis/module-graph.js";
import { lenientSyntaxOf, syntaxOf } from "../core/syntax.js";

function parserPlugins(path: string): string[] {
  const { typescript, jsx } = syntaxOf(path);
  return [...(typescript ? ["typescript"] : []), ...(jsx ? ["jsx"] : [])];
}

/** Parses a module the compiled file imports, with the Babel that compiles it. */
export function babelModuleParser(api: Pick<PluginAPI, "parseSync">): ParseModule {
  return (source, path): ParsedFile => {
    // The limits the SWC engine's module graph applies (an imported module past them "cannot be
    // parsed" under both compilers: the same report).
    checkLimits(source, path);
    const parse = (plugins: string[]) =>
      api.parseSync(source, {
        babelrc: false,
        configFile: false,
        filename: path,
        sourceType: "unambiguous",
        // A `.cjs` may `return` at the top level, as Node allows (attack23 F9; the SWC engine's
        // module parser too).
        parserOpts: {
          plugins: plugins as never,
          allowReturnOutsideFunction: syntaxOf(path).commonjs,
        },
      }) as t.File | null;
    let file: t.File | null;
    try {
      file = parse(parserPlugins(path));
    } catch {
      // The second try, as the SWC engine's (core/syntax.ts `lenientSyntaxOf`).
      const { typescript, jsx } = lenientSyntaxOf(path);
      file = parse([...(typescript ? ["typescript"] : []), ...(jsx ? ["jsx"] : []), "decorators-legacy"]);
    }
    if (!file) throw new Error(`${path} cannot be parsed`);
    return { program: file.program, comments: file.comments ?? [] };
  };
}
