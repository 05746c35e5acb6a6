/** The SWC parser settings a file needs by its extension (as `@swc/core` would guess them). */
import { syntaxOf } from "../core/syntax.js";
import type { SwcParserConfig } from "../swc-plugin/lower.js";

export function parserFor(path: string): SwcParserConfig {
  const { typescript, jsx } = syntaxOf(path);
  return typescript ? { syntax: "typescript", tsx: jsx } : { syntax: "ecmascript", jsx };
}
