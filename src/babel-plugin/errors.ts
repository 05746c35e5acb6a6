/**
 * The errors the Babel plugin throws, located (`file.buildCodeFrameError`) and with nothing raw
 * for a terminal to act on (core/escape.ts; SECURITY.md, "What the compilers' errors print"):
 * the message is shown on one line, a quoted specifier or identifier holding a line break or
 * an escape sequence included; for a file whose own text holds control characters (ESC, BEL,
 * bidirectional overrides…) the code frame is smartasync's own (core/code-frame.ts, Babel's
 * uncoloured frame byte for byte) with those characters escaped and the carets realigned, since
 * Babel's would quote them raw, or colour them. Any other file gets Babel's frame, coloured as
 * Babel colours it. The file name Babel puts in front of the message is Babel's own.
 */
import type { File, types as t } from "@babel/core";
import { frameForNode } from "../core/code-frame.js";
import { escapeControls, escapeMessage, hasTerminalControls } from "../core/escape.js";

export function codeFrameError(file: File, node: t.Node | null, message: string): Error {
  const safe = escapeControls(message);
  const loc = node?.loc;
  if (!loc || !hasTerminalControls(file.code)) return file.buildCodeFrameError(node, safe);
  const frame = frameForNode(file.code, loc);
  return file.buildCodeFrameError(null, frame === undefined ? safe : `${safe}\n${escapeMessage(frame)}`);
}
