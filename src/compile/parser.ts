/** The SWC parser settings a file needs by its extension (as `@swc/core` would guess them). */
import { lenientSyntaxOf, syntaxOf } from "../core/syntax.js";
import type { SwcParserConfig } from "../swc-plugin/lower.js";

export function parserFor(path: string): SwcParserConfig {
  const { typescript, jsx } = syntaxOf(path);
  return typescript ? { syntax: "typescript", tsx: jsx } : { syntax: "ecmascript", jsx };
}

/** `parserFor`'s second try for a module the graph reads (core/syntax.ts `lenientSyntaxOf`). */
export function lenientParserFor(path: string): SwcParserConfig {
  const { typescript, jsx, decorators } = lenientSyntaxOf(path);
  return typescript
    ? { syntax: "typescript", tsx: jsx, decorators }
    : { syntax: "ecmascript", jsx, decorators };
}
