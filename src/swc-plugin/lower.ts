/**
 * Lowers the AST of `@swc/core`'s `parseSync` into the shape `@babel/parser` 8 produces, so the
 * core's rules (written over Babel nodes) run unchanged on SWC input.
 *
 * The SWC tree is only read: it is never copied, mutated or handed back to SWC (a modified SWC
 * AST given back to SWC aborts the process). Positions are UTF-16 offsets into the source with
 * Babel's `loc`; where SWC's spans differ from Babel's (a parameter's type annotation, the `{` of
 * a class body, a spread's `...`), the Babel position is recovered from neighbouring spans and,
 * for the little text between them, from the source.
 *
 * test/swc/lower.test.ts walks this output and Babel's in parallel over the repository's fixtures,
 * examples and real npm files; it is the specification of what "Babel-shaped" means here.
 */

import type { types as t } from "@babel/core";
import type { Program } from "@swc/core";
import { lowerBound } from "../core/analysis/tree.js";
import { isIdentChar } from "../core/chars.js";
import { requirePeer } from "../core/peers.js";
import { hasHtmlComment, leafRanges, scanComments } from "./comments.js";
import { Gaps, hashbangEnd, LineIndex, OffsetMap, type Position, skipTrivia } from "./offsets.js";

// An optional peer, loaded by name so that its absence is one clear error (core/peers.ts).
const { parseSync } = requirePeer<typeof import("@swc/core")>("@swc/core");

// biome-ignore lint/suspicious/noExplicitAny: the JSON AST of @swc/core 1.16 differs from @swc/types (FunctionBody, GetterProperty.function, PrivateName.value, …); fields are read as SWC actually emits them and the differential test pins that down.
type Swc = any;

interface Loc {
  start: Position;
  end: Position;
  filename: undefined;
  identifierName: string | undefined;
}

/** A Babel-shaped node under construction; cast to `t.Node` at the boundary. */
export interface BNode {
  type: string;
  start: number;
  end: number;
  loc: Loc;
  extra?: Record<string, unknown>;
  [field: string]: unknown;
}

export interface SwcParserConfig {
  syntax: "ecmascript" | "typescript";
  tsx?: boolean;
  jsx?: boolean;
  decorators?: boolean;
}

export interface ParseToBabelShapeOptions {
  parser: SwcParserConfig;
  /**
   * `true` for ES modules, `false` for scripts, `"commonjs"` for a CommonJS script (a top-level
   * `return` allowed), `"unknown"` to let SWC decide from the text.
   */
  isModule: boolean | "unknown" | "commonjs";
}

const KEYWORD_TYPES: Record<string, string> = {
  any: "TSAnyKeyword",
  unknown: "TSUnknownKeyword",
  number: "TSNumberKeyword",
  object: "TSObjectKeyword",
  boolean: "TSBooleanKeyword",
  bigint: "TSBigIntKeyword",
  string: "TSStringKeyword",
  symbol: "TSSymbolKeyword",
  void: "TSVoidKeyword",
  undefined: "TSUndefinedKeyword",
  null: "TSNullKeyword",
  never: "TSNeverKeyword",
  intrinsic: "TSIntrinsicKeyword",
};

const LOGICAL = new Set(["||", "&&", "??"]);

/** How far before a function an `@smartasync` still marks it as annotated (its head: `export const f = async`). */
const NEAR = 300;

/**
 * Cooks the body of a string literal (between its quotes) or of a template chunk, exactly as the
 * language does. Used only when SWC's value cannot be trusted: @swc/core 1.16 stores strings as
 * WTF-8 and writes a lone surrogate as the six characters `\uD800` in the JSON value, doubling a
 * real backslash that precedes a `u`, so such values are recomputed from the source text.
 * Returns `null` for a template chunk with an invalid escape (Babel's `cooked: null`).
 */
export function cookLiteral(body: string, template: boolean): string | null {
  let out = "";
  let i = 0;
  const n = body.length;
  const hex = (from: number, len: number): number => {
    const text = body.slice(from, from + len);
    return text.length === len && /^[0-9a-fA-F]+$/.test(text) ? Number.parseInt(text, 16) : -1;
  };
  while (i < n) {
    const c = body[i];
    if (c === "\r" && template) {
      // Template line ends are normalised to \n, \r\n included.
      out += "\n";
      i += body[i + 1] === "\n" ? 2 : 1;
      continue;
    }
    if (c !== "\\") {
      out += c;
      i++;
      continue;
    }
    const e = body[i + 1];
    i += 2;
    switch (e) {
      case "n":
        out += "\n";
        break;
      case "t":
        out += "\t";
        break;
      case "r":
        out += "\r";
        break;
      case "b":
        out += "\b";
        break;
      case "f":
        out += "\f";
        break;
      case "v":
        out += "\v";
        break;
      case "\r":
        if (body[i] === "\n") i++;
        break;
      case "\n":
      case "\u2028":
      case "\u2029":
        break;
      case "x": {
        const v = hex(i, 2);
        if (v < 0) return null;
        out += String.fromCharCode(v);
        i += 2;
        break;
      }
      case "u": {
        let v: number;
        if (body[i] === "{") {
          const close = body.indexOf("}", i);
          v = close < 0 ? -1 : hex(i + 1, close - i - 1);
          if (v < 0 || v > 0x10ffff) return null;
          i = close + 1;
        } else {
          v = hex(i, 4);
          if (v < 0) return null;
          i += 4;
        }
        out += String.fromCodePoint(v);
        break;
      }
      default:
        if (e >= "0" && e <= "7") {
          if (e === "0" && !(body[i] >= "0" && body[i] <= "9")) {
            out += "\0";
            break;
          }
          if (template) return null;
          // Legacy octal escape (sloppy-mode strings): up to three digits, value ≤ 0o377.
          let j = i - 1;
          let v = 0;
          while (j < n && j < i + 2 && body[j] >= "0" && body[j] <= "7" && v * 8 + Number(body[j]) <= 0o377) {
            v = v * 8 + Number(body[j]);
            j++;
          }
          out += String.fromCharCode(v);
          i = j;
        } else if (e === "8" || e === "9") {
          if (template) return null;
          out += e;
        } else out += e ?? "";
    }
  }
  return out;
}

/**
 * Whether SWC's value may have lost a lone surrogate: its JSON encodes one as `\uD800` text (see
 * cookLiteral), and one in the source text itself reaches SWC as U+FFFD (the UTF-8 it is given
 * cannot hold it). Only then is the value recomputed from the source.
 */
function suspect(value: string): boolean {
  return value.includes("\\u") || value.includes("\uFFFD");
}

class Lowerer {
  private readonly offsets: OffsetMap;
  private readonly lines: LineIndex;
  /** Spans of string, template, regex and JSX text leaves, for the comment scan. */
  private readonly leaves: number[] = [];
  /** A script with Annex B HTML-like comments, which SWC counts into the next token's span. */
  private readonly html: boolean;

  constructor(
    private readonly program: Swc,
    private readonly source: string,
    /** Babel only writes `importKind`/`exportKind` when its typescript plugin is on. */
    private readonly typescript: boolean,
    /** SWC parsed `source` with these cuts (skipped bodies), not `source` itself. */
    parsed?: { text: string; gaps: Gaps; cuts?: number[] },
  ) {
    this.offsets = parsed
      ? new OffsetMap(parsed.text, program.span.start, parsed.gaps)
      : new OffsetMap(source, program.span.start);
    // What was cut is opaque to the comment scan, like a string: its comments are not the tree's.
    if (parsed?.cuts) for (const c of parsed.cuts) this.leaves.push(c);
    this.lines = new LineIndex(source);
    this.html = program.type === "Script" && hasHtmlComment(source);
  }

  // ---------------------------------------------------------------- positions and node creation

  private s(n: Swc): number {
    const start = this.offsets.toIndex(n.span.start);
    return this.html ? this.skipHtmlComments(start) : start;
  }

  private skipHtmlComments(i: number): number {
    const src = this.source;
    while (src.startsWith("<!--", i) || src.startsWith("-->", i)) {
      while (i < src.length && !/[\n\r\u2028\u2029]/.test(src[i])) i++;
      i = skipTrivia(src, i);
    }
    return i;
  }

  private e(n: Swc): number {
    return this.offsets.toIndex(n.span.end);
  }

  private mk(type: string, start: number, end: number): BNode {
    return {
      type,
      start,
      end,
      loc: {
        start: this.lines.position(start),
        end: this.lines.position(end),
        filename: undefined,
        identifierName: undefined,
      },
    };
  }

  private at(type: string, n: Swc): BNode {
    return this.mk(type, this.s(n), this.e(n));
  }

  /** Re-ends a node (Babel's `resetEndLocation`). */
  private setEnd(node: BNode, end: number): void {
    node.end = end;
    node.loc.end = this.lines.position(end);
  }

  private setStart(node: BNode, start: number): void {
    node.start = start;
    node.loc.start = this.lines.position(start);
  }

  /** Index of the next significant character at or after `i`. */
  private next(i: number): number {
    return skipTrivia(this.source, i);
  }

  /** Index of the first `ch` at or after `i`, stepping over trivia and identifier-like words. */
  private findPunct(i: number, ch: string): number {
    const src = this.source;
    const code = ch.charCodeAt(0);
    for (;;) {
      i = skipTrivia(src, i);
      if (i >= src.length) return i;
      const c = src.charCodeAt(i);
      if (c === code) return i;
      if (isIdentChar(c)) {
        while (i < src.length && isIdentChar(src.charCodeAt(i))) i++;
      } else i++;
    }
  }

  // ---------------------------------------------------------------- program

  lowerFile(): BNode {
    const src = this.source;
    const prog = this.program;
    const file = this.mk("File", 0, src.length);
    const program = this.mk("Program", 0, src.length);
    program.sourceType = prog.type === "Module" ? "module" : "script";
    const hb = hashbangEnd(src);
    if (hb > 0) {
      const bom = src.charCodeAt(0) === 0xfeff ? 1 : 0;
      const interp = this.mk("InterpreterDirective", bom, hb);
      interp.value = src.slice(bom + 2, hb);
      program.interpreter = interp;
    } else program.interpreter = null;
    const { body, directives } = this.statementsWithDirectives(prog.body);
    program.body = body;
    program.directives = directives;
    file.program = program;
    file.comments = scanComments(src, this.leaves, this.lines, { script: prog.type === "Script" });
    file.errors = [];
    return file;
  }

  private statementsWithDirectives(stmts: Swc[]): { body: BNode[]; directives: BNode[] } {
    const directives: BNode[] = [];
    let i = 0;
    for (; i < stmts.length; i++) {
      const st = stmts[i];
      if (st.type !== "ExpressionStatement" || st.expression.type !== "StringLiteral") break;
      const lit = st.expression;
      const d = this.at("Directive", st);
      const v = this.at("DirectiveLiteral", lit);
      this.leaves.push(v.start, v.end);
      const raw = this.source.slice(v.start, v.end);
      // Babel keeps a directive's text as written (escapes and all), not the string's value.
      v.value = raw.slice(1, -1);
      v.extra = { rawValue: v.value, raw, expressionValue: lit.value };
      d.value = v;
      directives.push(d);
    }
    const body: BNode[] = [];
    for (; i < stmts.length; i++) body.push(this.stmt(stmts[i]));
    return { body, directives };
  }

  private stmts(list: Swc[]): BNode[] {
    const out: BNode[] = [];
    for (const st of list) out.push(this.stmt(st));
    return out;
  }

  /** A function body (or any block): `directives` only where Babel allows them. */
  private block(n: Swc, withDirectives = false): BNode {
    const node = this.at("BlockStatement", n);
    if (withDirectives) {
      const { body, directives } = this.statementsWithDirectives(n.stmts);
      node.body = body;
      node.directives = directives;
    } else {
      node.body = this.stmts(n.stmts);
      node.directives = [];
    }
    return node;
  }

  // ---------------------------------------------------------------- statements

  private stmt(n: Swc): BNode {
    switch (n.type) {
      case "ExpressionStatement": {
        const node = this.at("ExpressionStatement", n);
        node.expression = this.expr(n.expression);
        return node;
      }
      case "BlockStatement":
        return this.block(n);
      case "EmptyStatement":
        return this.at("EmptyStatement", n);
      case "DebuggerStatement":
        return this.at("DebuggerStatement", n);
      case "WithStatement": {
        const node = this.at("WithStatement", n);
        node.object = this.expr(n.object);
        node.body = this.stmt(n.body);
        return node;
      }
      case "ReturnStatement": {
        const node = this.at("ReturnStatement", n);
        node.argument = n.argument ? this.expr(n.argument) : null;
        return node;
      }
      case "LabeledStatement": {
        const node = this.at("LabeledStatement", n);
        node.body = this.stmt(n.body);
        node.label = this.ident(n.label);
        return node;
      }
      case "BreakStatement":
      case "ContinueStatement": {
        const node = this.at(n.type, n);
        node.label = n.label ? this.ident(n.label) : null;
        return node;
      }
      case "IfStatement": {
        const node = this.at("IfStatement", n);
        node.test = this.expr(n.test);
        node.consequent = this.stmt(n.consequent);
        node.alternate = n.alternate ? this.stmt(n.alternate) : null;
        return node;
      }
      case "SwitchStatement": {
        const node = this.at("SwitchStatement", n);
        node.discriminant = this.expr(n.discriminant);
        node.cases = n.cases.map((c: Swc) => {
          const sc = this.at("SwitchCase", c);
          sc.test = c.test ? this.expr(c.test) : null;
          sc.consequent = this.stmts(c.consequent);
          return sc;
        });
        return node;
      }
      case "ThrowStatement": {
        const node = this.at("ThrowStatement", n);
        node.argument = this.expr(n.argument);
        return node;
      }
      case "TryStatement": {
        const node = this.at("TryStatement", n);
        node.block = this.block(n.block);
        if (n.handler) {
          const h = this.at("CatchClause", n.handler);
          h.param = n.handler.param ? this.pat(n.handler.param) : null;
          h.body = this.block(n.handler.body);
          node.handler = h;
        } else node.handler = null;
        node.finalizer = n.finalizer ? this.block(n.finalizer) : null;
        return node;
      }
      case "WhileStatement": {
        const node = this.at("WhileStatement", n);
        node.test = this.expr(n.test);
        node.body = this.stmt(n.body);
        return node;
      }
      case "DoWhileStatement": {
        const node = this.at("DoWhileStatement", n);
        node.body = this.stmt(n.body);
        node.test = this.expr(n.test);
        return node;
      }
      case "ForStatement": {
        const node = this.at("ForStatement", n);
        node.init = n.init ? this.forHead(n.init) : null;
        node.test = n.test ? this.expr(n.test) : null;
        node.update = n.update ? this.expr(n.update) : null;
        node.body = this.stmt(n.body);
        return node;
      }
      case "ForInStatement":
      case "ForOfStatement": {
        const node = this.at(n.type, n);
        if (n.type === "ForOfStatement") node.await = !!n.await;
        node.left = this.forHead(n.left, true);
        node.right = this.expr(n.right);
        node.body = this.stmt(n.body);
        return node;
      }
      case "FunctionDeclaration":
        return this.functionDecl(n);
      case "ClassDeclaration":
        return this.cls(n, "ClassDeclaration");
      case "VariableDeclaration":
        return this.varDecl(n);
      case "UsingDeclaration": {
        const node = this.at("VariableDeclaration", n);
        node.kind = n.isAwait ? "await using" : "using";
        node.declarations = n.decls.map((d: Swc) => this.declarator(d));
        return node;
      }
      case "ImportDeclaration":
        return this.importDecl(n);
      case "ExportDeclaration":
        return this.exportDecl(n);
      case "ExportNamedDeclaration":
        return this.exportNamed(n);
      case "ExportDefaultDeclaration":
        return this.exportDefaultDecl(n);
      case "ExportDefaultExpression": {
        const node = this.at("ExportDefaultDeclaration", n);
        node.declaration = this.expr(n.expression);
        if (this.typescript) node.exportKind = "value";
        return node;
      }
      case "ExportAllDeclaration": {
        const node = this.at("ExportAllDeclaration", n);
        node.source = this.str(n.source);
        node.attributes = this.attributes(n.with ?? n.asserts);
        if (this.typescript) node.exportKind = n.typeOnly ? "type" : "value";
        return node;
      }
      case "TsInterfaceDeclaration":
        return this.tsInterface(n);
      case "TsTypeAliasDeclaration": {
        const node = this.at("TSTypeAliasDeclaration", n);
        node.id = this.ident(n.id);
        node.typeParameters = this.typeParamsDecl(n.typeParams);
        node.typeAnnotation = this.type(n.typeAnnotation);
        if (n.declare) node.declare = true;
        return node;
      }
      case "TsEnumDeclaration": {
        const node = this.at("TSEnumDeclaration", n);
        node.id = this.ident(n.id);
        const open = this.findPunct(node.id ? (node.id as BNode).end : node.start, "{");
        const body = this.mk("TSEnumBody", open, node.end);
        body.members = n.members.map((m: Swc) => {
          const member = this.at("TSEnumMember", m);
          member.id = m.id.type === "StringLiteral" ? this.str(m.id) : this.ident(m.id);
          member.initializer = m.init ? this.expr(m.init) : undefined;
          if (!m.init) delete member.initializer;
          return member;
        });
        node.body = body;
        if (n.isConst) node.const = true;
        if (n.declare) node.declare = true;
        return node;
      }
      case "TsModuleDeclaration":
        return this.tsModule(n);
      case "TsImportEqualsDeclaration": {
        const node = this.at("TSImportEqualsDeclaration", n);
        node.id = this.ident(n.id);
        const ref = n.moduleRef;
        if (ref.type === "TsExternalModuleReference") {
          const m = this.at("TSExternalModuleReference", ref);
          m.expression = this.str(ref.expression);
          node.moduleReference = m;
        } else node.moduleReference = this.entityName(ref);
        node.importKind = n.isTypeOnly ? "type" : "value";
        if (!n.isExport) return node;
        // Babel 8 wraps `export import a = b` in an export declaration.
        const exp = this.mk("ExportNamedDeclaration", node.start, node.end);
        this.setStart(node, this.next(node.start + "export".length));
        exp.specifiers = [];
        exp.source = null;
        exp.attributes = [];
        exp.declaration = node;
        exp.exportKind = "value";
        return exp;
      }
      case "TsExportAssignment": {
        const node = this.at("TSExportAssignment", n);
        node.expression = this.expr(n.expression);
        return node;
      }
      case "TsNamespaceExportDeclaration": {
        const node = this.at("TSNamespaceExportDeclaration", n);
        node.id = this.ident(n.id);
        return node;
      }
      default:
        throw new Error(`smartasync: cannot lower SWC statement ${n.type}`);
    }
  }

  private forHead(n: Swc, pattern = false): BNode {
    if (n.type === "VariableDeclaration") return this.varDecl(n);
    if (n.type === "UsingDeclaration") return this.stmt(n);
    return pattern ? this.pat(n) : this.expr(n);
  }

  private varDecl(n: Swc): BNode {
    const node = this.at("VariableDeclaration", n);
    node.kind = n.kind;
    node.declarations = n.declarations.map((d: Swc) => this.declarator(d));
    if (n.declare) node.declare = true;
    return node;
  }

  private declarator(d: Swc): BNode {
    const node = this.at("VariableDeclarator", d);
    node.id = this.pat(d.id);
    node.init = d.init ? this.expr(d.init) : null;
    if (d.definite) node.definite = true;
    return node;
  }

  // ---------------------------------------------------------------- modules

  private importDecl(n: Swc): BNode {
    const node = this.at("ImportDeclaration", n);
    node.specifiers = n.specifiers.map((sp: Swc) => {
      switch (sp.type) {
        case "ImportDefaultSpecifier":
        case "ImportNamespaceSpecifier": {
          const s = this.at(sp.type, sp);
          s.local = this.ident(sp.local);
          return s;
        }
        default: {
          const s = this.at("ImportSpecifier", sp);
          s.imported = sp.imported ? this.moduleExportName(sp.imported) : this.ident(sp.local);
          s.local = this.ident(sp.local);
          if (this.typescript) s.importKind = sp.isTypeOnly ? "type" : "value";
          return s;
        }
      }
    });
    node.source = this.str(n.source);
    node.attributes = this.attributes(n.with ?? n.asserts);
    if (this.typescript) node.importKind = n.typeOnly ? "type" : "value";
    if (n.phase && n.phase !== "evaluation") node.phase = n.phase;
    return node;
  }

  private attributes(obj: Swc): BNode[] {
    if (!obj) return [];
    return obj.properties.map((p: Swc) => {
      const attr = this.mk("ImportAttribute", this.s(p.key), this.e(p.value));
      attr.key = p.key.type === "StringLiteral" ? this.str(p.key) : this.ident(p.key);
      attr.value = this.str(p.value);
      return attr;
    });
  }

  private moduleExportName(n: Swc): BNode {
    return n.type === "StringLiteral" ? this.str(n) : this.ident(n);
  }

  /** `@dec export class …`: Babel starts the export at the decorator too. */
  private coverDecorators(exp: BNode, decl: BNode): void {
    if (decl.start < exp.start) this.setStart(exp, decl.start);
  }

  private exportDecl(n: Swc): BNode {
    const node = this.at("ExportNamedDeclaration", n);
    node.specifiers = [];
    node.source = null;
    node.attributes = [];
    const decl = n.declaration;
    node.declaration = this.stmt(decl);
    this.coverDecorators(node, node.declaration as BNode);
    const typeOnly =
      decl.type === "TsInterfaceDeclaration" ||
      decl.type === "TsTypeAliasDeclaration" ||
      decl.declare === true;
    if (this.typescript) node.exportKind = typeOnly ? "type" : "value";
    return node;
  }

  private exportNamed(n: Swc): BNode {
    const node = this.at("ExportNamedDeclaration", n);
    node.specifiers = n.specifiers.map((sp: Swc) => {
      switch (sp.type) {
        case "ExportNamespaceSpecifier": {
          const s = this.at("ExportNamespaceSpecifier", sp);
          s.exported = this.moduleExportName(sp.name);
          return s;
        }
        case "ExportDefaultSpecifier": {
          const s = this.at("ExportDefaultSpecifier", sp);
          s.exported = this.ident(sp.exported);
          return s;
        }
        default: {
          const s = this.at("ExportSpecifier", sp);
          s.local = this.moduleExportName(sp.orig);
          s.exported = this.moduleExportName(sp.exported ?? sp.orig);
          if (this.typescript) s.exportKind = sp.isTypeOnly ? "type" : "value";
          return s;
        }
      }
    });
    node.source = n.source ? this.str(n.source) : null;
    node.attributes = this.attributes(n.with ?? n.asserts);
    node.declaration = null;
    if (this.typescript) node.exportKind = n.typeOnly ? "type" : "value";
    return node;
  }

  private exportDefaultDecl(n: Swc): BNode {
    const node = this.at("ExportDefaultDeclaration", n);
    const d = n.decl;
    switch (d.type) {
      case "FunctionExpression":
        node.declaration = this.functionDecl(d);
        break;
      case "ClassExpression":
        node.declaration = this.cls(d, "ClassDeclaration");
        this.coverDecorators(node, node.declaration as BNode);
        break;
      default:
        node.declaration = this.stmt(d);
    }
    if (this.typescript) node.exportKind = "value";
    return node;
  }

  // ---------------------------------------------------------------- TypeScript declarations

  private tsInterface(n: Swc): BNode {
    const node = this.at("TSInterfaceDeclaration", n);
    node.id = this.ident(n.id);
    node.typeParameters = this.typeParamsDecl(n.typeParams);
    node.extends = n.extends.map((h: Swc) => this.heritage(h, "TSInterfaceHeritage"));
    const body = this.at("TSInterfaceBody", n.body);
    body.body = n.body.body.map((m: Swc) => this.typeElement(m));
    node.body = body;
    if (n.declare) node.declare = true;
    return node;
  }

  private heritage(h: Swc, type: string): BNode {
    const node = this.at(type, h);
    node.expression = this.expr(h.expression);
    node.typeArguments = this.typeArgs(h.typeArguments ?? h.typeParams);
    return node;
  }

  private tsModule(n: Swc): BNode {
    const node = this.at("TSModuleDeclaration", n);
    if (n.global) node.kind = "global";
    else if (n.id.type === "StringLiteral") node.kind = "module";
    else if (typeof n.namespace === "boolean") node.kind = n.namespace ? "namespace" : "module";
    else
      node.kind = /\bnamespace\b/.test(this.source.slice(node.start, this.s(n.id))) ? "namespace" : "module";
    let id: BNode = n.id.type === "StringLiteral" ? this.str(n.id) : this.ident(n.id);
    let body = n.body;
    // Babel 8 folds `namespace A.B.C {}` into one declaration named by a qualified name.
    while (body && body.type === "TsNamespaceDeclaration") {
      const q = this.mk("TSQualifiedName", id.start, this.e(body.id));
      q.left = id;
      q.right = this.ident(body.id);
      id = q;
      body = body.body;
    }
    node.id = id;
    if (body) {
      const b = this.at("TSModuleBlock", body);
      b.body = this.stmts(body.body);
      node.body = b;
    }
    if (n.declare) node.declare = true;
    return node;
  }

  // ---------------------------------------------------------------- functions

  private params(list: Swc[]): BNode[] {
    return list.map((p: Swc) => this.param(p));
  }

  private param(p: Swc): BNode {
    if (p.type === "TsParameterProperty") {
      const node = this.at("TSParameterProperty", p);
      node.parameter = this.pat(p.param);
      if (p.accessibility) node.accessibility = p.accessibility;
      if (p.readonly) node.readonly = true;
      if (p.override) node.override = true;
      this.decorators(node, p.decorators);
      return node;
    }
    const inner = p.type === "Parameter" ? p.pat : p;
    const node = this.pat(inner);
    if (p.type === "Parameter") this.decorators(node, p.decorators);
    return node;
  }

  private decorators(node: BNode, list: Swc[] | undefined): void {
    if (!list || list.length === 0) return;
    node.decorators = list.map((d: Swc) => {
      const dec = this.at("Decorator", d);
      const expr = this.expr(d.expression);
      // SWC drops the parentheses of `@(expr)`; Babel notes them like any others.
      const open = this.next(dec.start + 1);
      if (this.source.charCodeAt(open) === 40 /* ( */ && open < expr.start && !expr.extra?.parenthesized)
        expr.extra = { ...expr.extra, parenthesized: true, parenStart: open };
      dec.expression = expr;
      return dec;
    });
  }

  /**
   * `node[key]` lowered from `swc` on first read. A function's parameters and body are lowered
   * only when something reads them: the analysis does not enter a function that mentions nothing
   * smartasync (core/analysis/lazy.ts), so most of a large file is never lowered. The leaves of
   * `swc` are noted now, for the comment scan at the end of the file.
   */
  private deferred(node: BNode, key: string, swc: unknown, make: () => unknown): void {
    if (this.nearAnnotation(node.start, node.end)) {
      // What is annotated (or right by it) is read anyway: lowered at once, no accessor.
      node[key] = make();
      return;
    }
    // The comment scan reads leaves only to step over a `/` in one (outside a script with Annex B
    // HTML-like comments, whose scan reads every character): where the function's text holds no
    // `/`, it has no comment and no leaf the scan could misread, so its subtree is not walked
    // for them (a generic walk of SWC's JSON, much of a short function's cost).
    if (this.html || this.slashWithin(node.start, node.end)) leafRanges(swc, this.offsets, this.leaves);
    let value: unknown;
    let done = false;
    Object.defineProperty(node, key, {
      get: () => {
        if (!done) {
          // Its leaves are noted already: the ones lowering notes again are dropped.
          const noted = this.leaves.length;
          value = make();
          done = true;
          this.leaves.length = noted;
        }
        return value;
      },
      set: (v: unknown) => {
        value = v;
        done = true;
      },
      enumerable: true,
      configurable: true,
    });
  }

  /** Offsets of every `/` in the text, ascending (found when a deferred function first asks). */
  private slashes: number[] | undefined;

  /** Whether a `/` lies inside `[start, end)` of the text. */
  private slashWithin(start: number, end: number): boolean {
    if (!this.slashes) {
      this.slashes = [];
      for (let i = this.source.indexOf("/"); i >= 0; i = this.source.indexOf("/", i + 1))
        this.slashes.push(i);
    }
    const k = lowerBound(this.slashes, start);
    return k < this.slashes.length && this.slashes[k]! < end;
  }

  /** Offsets of `@smartasync` in the text (in comments or not: this only decides what is lowered at once). */
  private tags: number[] | undefined;

  /** Whether an `@smartasync` lies inside `[start, end)` or shortly before it. */
  private nearAnnotation(start: number, end: number): boolean {
    if (!this.tags) {
      this.tags = [];
      for (let i = this.source.indexOf("@smartasync"); i >= 0; i = this.source.indexOf("@smartasync", i + 1))
        this.tags.push(i);
    }
    const tags = this.tags;
    if (!tags.length) return false;
    let lo = 0;
    let hi = tags.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (tags[mid]! < start - NEAR) lo = mid + 1;
      else hi = mid;
    }
    return lo < tags.length && tags[lo]! < end;
  }

  /** Shared fields of every function-like node, from SWC's `Fn` shape. */
  private fnFields(node: BNode, f: Swc): void {
    node.generator = !!f.generator;
    node.async = !!f.async;
    this.deferred(node, "params", [f.params, f.thisParam], () => {
      const params = this.params(f.params);
      if (f.thisParam) {
        // SWC keeps `this: T` apart from the parameters; Babel has it as the first one.
        const tp = f.thisParam;
        const id = this.at("Identifier", tp);
        id.name = "this";
        id.loc.identifierName = "this";
        if (tp.typeAnnotation) id.typeAnnotation = this.typeAnn(tp.typeAnnotation);
        params.unshift(id);
      }
      return params;
    });
    if (f.typeParameters) node.typeParameters = this.typeParamsDecl(f.typeParameters);
    if (f.returnType) node.returnType = this.typeAnn(f.returnType);
  }

  private functionDecl(n: Swc): BNode {
    const node = this.at(n.body ? "FunctionDeclaration" : "TSDeclareFunction", n);
    node.id = n.identifier ? this.ident(n.identifier) : null;
    this.fnFields(node, n);
    if (n.body) this.deferred(node, "body", n.body, () => this.block(n.body, true));
    if (n.declare) node.declare = true;
    return node;
  }

  // ---------------------------------------------------------------- classes

  private cls(n: Swc, type: "ClassDeclaration" | "ClassExpression"): BNode {
    const node = this.at(type, n);
    node.id = n.identifier ? this.ident(n.identifier) : null;
    this.decorators(node, n.decorators);
    // Babel starts a decorated class at its first decorator, even across `export`.
    if (node.decorators) this.setStart(node, Math.min(node.start, (node.decorators as BNode[])[0].start));
    let headerEnd = -1;
    if (node.id) headerEnd = (node.id as BNode).end;
    if (n.typeParams) {
      node.typeParameters = this.typeParamsDecl(n.typeParams);
      headerEnd = Math.max(headerEnd, this.e(n.typeParams));
    }
    node.superClass = n.superClass ? this.expr(n.superClass) : null;
    if (n.superClass) headerEnd = Math.max(headerEnd, (node.superClass as BNode).end);
    if (n.superTypeParams) {
      node.superTypeArguments = this.typeArgs(n.superTypeParams);
      headerEnd = Math.max(headerEnd, this.e(n.superTypeParams));
    }
    if (n.implements && n.implements.length > 0) {
      node.implements = n.implements.map((h: Swc) => this.heritage(h, "TSClassImplements"));
      headerEnd = Math.max(headerEnd, (node.implements as BNode[]).at(-1)!.end);
    }
    if (headerEnd < 0) {
      // Anonymous and plain: the body is the first `{` after the `class` keyword (and decorators).
      let from = node.start;
      if (n.decorators?.length) from = this.e(n.decorators.at(-1));
      headerEnd = from;
    }
    const open = this.findPunct(headerEnd, "{");
    const body = this.mk("ClassBody", open, node.end);
    const members: BNode[] = [];
    for (const m of n.body) {
      if (m.type === "EmptyStatement") continue;
      members.push(this.classMember(m));
    }
    body.body = members;
    node.body = body;
    if (n.isAbstract) node.abstract = true;
    if (n.declare) node.declare = true;
    return node;
  }

  private classMember(m: Swc): BNode {
    switch (m.type) {
      case "Constructor": {
        const node = this.at(m.body ? "ClassMethod" : "TSDeclareMethod", m);
        node.static = false;
        this.propKey(node, m.key);
        node.kind = "constructor";
        node.id = null;
        node.generator = false;
        node.async = false;
        this.deferred(node, "params", m.params, () => this.params(m.params));
        if (m.body) this.deferred(node, "body", m.body, () => this.block(m.body, true));
        if (m.accessibility) node.accessibility = m.accessibility;
        if (m.isOptional) node.optional = true;
        return node;
      }
      case "ClassMethod":
      case "PrivateMethod": {
        const f = m.function;
        const type = f.body
          ? m.type === "ClassMethod"
            ? "ClassMethod"
            : "ClassPrivateMethod"
          : "TSDeclareMethod";
        const node = this.at(type, m);
        node.static = !!m.isStatic;
        this.propKey(node, m.key);
        node.kind = m.kind === "getter" ? "get" : m.kind === "setter" ? "set" : "method";
        node.id = null;
        this.fnFields(node, f);
        if (f.body) this.deferred(node, "body", f.body, () => this.block(f.body, true));
        this.decorators(node, f.decorators);
        this.memberFlags(node, m);
        return node;
      }
      case "ClassProperty":
      case "PrivateProperty":
      case "AutoAccessor": {
        const type =
          m.type === "AutoAccessor"
            ? "ClassAccessorProperty"
            : m.type === "ClassProperty"
              ? "ClassProperty"
              : "ClassPrivateProperty";
        const node = this.at(type, m);
        node.static = !!m.isStatic;
        this.propKey(node, m.key);
        if (m.typeAnnotation) node.typeAnnotation = this.typeAnn(m.typeAnnotation);
        node.value = m.value ? this.expr(m.value) : null;
        this.decorators(node, m.decorators);
        this.memberFlags(node, m);
        if (m.readonly) node.readonly = true;
        if (m.declare) node.declare = true;
        if (m.definite) node.definite = true;
        return node;
      }
      case "StaticBlock": {
        const node = this.at("StaticBlock", m);
        node.body = this.stmts(m.body.stmts);
        return node;
      }
      case "TsIndexSignature":
        return this.indexSignature(m);
      default:
        throw new Error(`smartasync: cannot lower SWC class member ${m.type}`);
    }
  }

  private memberFlags(node: BNode, m: Swc): void {
    if (m.accessibility) node.accessibility = m.accessibility;
    if (m.isAbstract) node.abstract = true;
    if (m.isOverride) node.override = true;
    if (m.isOptional) node.optional = true;
  }

  /** Sets `key` and `computed` from an SWC property name. */
  private propKey(node: BNode, k: Swc): void {
    if (k.type === "Computed") {
      node.computed = true;
      node.key = this.expr(k.expression);
      return;
    }
    node.computed = false;
    const key = this.keyNode(k);
    if (k.type === "Identifier") {
      // SWC stretches a modifier-like key (`private declare()`) back over the modifiers.
      const name = k.value as string;
      const text = this.source.slice(key.start, key.end);
      if (text !== name && text.endsWith(name) && /\s/.test(text)) this.setStart(key, key.end - name.length);
    }
    node.key = key;
  }

  private keyNode(k: Swc): BNode {
    switch (k.type) {
      case "Identifier":
        return this.ident(k);
      case "PrivateName":
        return this.privateName(k);
      default:
        return this.expr(k);
    }
  }

  private privateName(n: Swc): BNode {
    const node = this.at("PrivateName", n);
    const id = n.id ?? n;
    const name = this.mk("Identifier", node.start + 1, node.end);
    name.name = id.value ?? id.name;
    name.loc.identifierName = name.name as string;
    node.id = name;
    return node;
  }

  // ---------------------------------------------------------------- patterns

  private pat(n: Swc): BNode {
    switch (n.type) {
      case "Identifier": {
        const node = this.ident(n);
        let end = node.end;
        if (n.optional) {
          node.optional = true;
          const q = this.next(end);
          if (this.source.charCodeAt(q) === 63 /* ? */) end = q + 1;
        }
        if (n.typeAnnotation) {
          node.typeAnnotation = this.typeAnn(n.typeAnnotation);
          end = Math.max(end, (node.typeAnnotation as BNode).end);
        }
        // Babel stretches a binding over its `?` and type annotation.
        if (end !== node.end) this.setEnd(node, end);
        return node;
      }
      case "ArrayPattern": {
        const node = this.at("ArrayPattern", n);
        node.elements = n.elements.map((el: Swc) => (el ? this.pat(el) : null));
        this.patternTail(node, n);
        return node;
      }
      case "ObjectPattern": {
        const node = this.at("ObjectPattern", n);
        node.properties = n.properties.map((p: Swc) => this.objectPatternProp(p));
        this.patternTail(node, n);
        return node;
      }
      case "AssignmentPattern": {
        const node = this.at("AssignmentPattern", n);
        node.left = this.pat(n.left);
        node.right = this.expr(n.right);
        if (n.typeAnnotation) node.typeAnnotation = this.typeAnn(n.typeAnnotation);
        return node;
      }
      case "RestElement": {
        const start = n.rest ? this.offsets.toIndex(n.rest.start) : this.s(n);
        const node = this.mk("RestElement", start, this.e(n));
        node.argument = this.pat(n.argument);
        let end = Math.max(node.end, this.e(n.argument), (node.argument as BNode).end);
        if (n.typeAnnotation) {
          node.typeAnnotation = this.typeAnn(n.typeAnnotation);
          end = Math.max(end, (node.typeAnnotation as BNode).end);
        }
        if (end !== node.end) this.setEnd(node, end);
        return node;
      }
      case "Invalid":
        throw new Error("smartasync: SWC returned an invalid pattern");
      default:
        return this.expr(n);
    }
  }

  private patternTail(node: BNode, n: Swc): void {
    if (n.optional) node.optional = true;
    if (n.typeAnnotation) {
      node.typeAnnotation = this.typeAnn(n.typeAnnotation);
      const end = (node.typeAnnotation as BNode).end;
      if (end > node.end) this.setEnd(node, end);
    }
  }

  private objectPatternProp(p: Swc): BNode {
    switch (p.type) {
      case "KeyValuePatternProperty": {
        const value = this.pat(p.value);
        const node = this.mk("ObjectProperty", this.s(p.key), this.e(p.value));
        node.method = false;
        this.propKey(node, p.key);
        node.shorthand = false;
        node.value = value;
        return node;
      }
      case "AssignmentPatternProperty": {
        const node = this.at("ObjectProperty", p);
        node.method = false;
        node.key = this.ident(p.key);
        node.computed = false;
        node.shorthand = true;
        const left = this.ident(p.key);
        if (p.value) {
          const ap = this.at("AssignmentPattern", p);
          ap.left = left;
          ap.right = this.expr(p.value);
          node.value = ap;
        } else node.value = left;
        return node;
      }
      case "RestElement":
        return this.pat(p);
      default:
        throw new Error(`smartasync: cannot lower SWC object pattern property ${p.type}`);
    }
  }

  // ---------------------------------------------------------------- expressions

  /** The commonest node, built in one literal (no property store growing behind it). */
  private ident(n: Swc): BNode {
    const start = this.s(n);
    const end = this.e(n);
    const name: string = n.value;
    return {
      type: "Identifier",
      start,
      end,
      loc: {
        start: this.lines.position(start),
        end: this.lines.position(end),
        filename: undefined,
        identifierName: name,
      },
      name,
    };
  }

  private str(n: Swc): BNode {
    const node = this.at("StringLiteral", n);
    this.leaves.push(node.start, node.end);
    const raw = this.source.slice(node.start, node.end);
    const value = suspect(n.value) ? (cookLiteral(raw.slice(1, -1), false) ?? n.value) : n.value;
    node.value = value;
    node.extra = { rawValue: value, raw };
    return node;
  }

  private exprOrSpread(a: Swc): BNode {
    if (!a.spread) return this.expr(a.expression);
    const arg = this.expr(a.expression);
    // Ends at the SWC span, which keeps the `)` of a parenthesized argument (Babel's end too).
    const node = this.mk("SpreadElement", this.offsets.toIndex(a.spread.start), this.e(a.expression));
    node.argument = arg;
    return node;
  }

  private expr(n: Swc): BNode {
    switch (n.type) {
      case "Identifier":
        return this.ident(n);
      case "ThisExpression":
        return this.at("ThisExpression", n);
      case "Super":
        return this.at("Super", n);
      case "StringLiteral":
        return this.str(n);
      case "NumericLiteral": {
        const node = this.at("NumericLiteral", n);
        node.value = n.value;
        node.extra = { rawValue: n.value, raw: this.source.slice(node.start, node.end) };
        return node;
      }
      case "BigIntLiteral": {
        const node = this.at("BigIntLiteral", n);
        const raw = this.source.slice(node.start, node.end);
        // SWC serialises the value as a sign/limbs pair; the text is the reliable source.
        node.value = BigInt(raw.slice(0, -1).replace(/_/g, ""));
        node.extra = { rawValue: node.value, raw };
        return node;
      }
      case "BooleanLiteral": {
        const node = this.at("BooleanLiteral", n);
        node.value = n.value;
        return node;
      }
      case "NullLiteral":
        return this.at("NullLiteral", n);
      case "RegExpLiteral": {
        const node = this.at("RegExpLiteral", n);
        this.leaves.push(node.start, node.end);
        // From the text, which keeps what SWC's UTF-8 copy cannot (a lone surrogate).
        const raw = this.source.slice(node.start, node.end);
        const slash = raw.lastIndexOf("/");
        node.pattern = raw.slice(1, slash);
        node.flags = raw.slice(slash + 1);
        node.extra = { raw };
        return node;
      }
      case "TemplateLiteral":
        return this.template(n);
      case "TaggedTemplateExpression": {
        const node = this.at("TaggedTemplateExpression", n);
        node.tag = this.expr(n.tag);
        const targs = n.typeArguments ?? n.typeParameters;
        if (targs) node.typeArguments = this.typeArgs(targs);
        node.quasi = this.template(n.template);
        return node;
      }
      case "ParenthesisExpression": {
        const inner = this.expr(n.expression);
        // Babel (createParenthesizedExpressions: false) keeps the inner node and notes the
        // outermost `(` in extra.
        inner.extra = { ...inner.extra, parenthesized: true, parenStart: this.s(n) };
        return inner;
      }
      case "ArrayExpression": {
        const node = this.at("ArrayExpression", n);
        node.elements = n.elements.map((el: Swc) => (el ? this.exprOrSpread(el) : null));
        return node;
      }
      case "ObjectExpression": {
        const node = this.at("ObjectExpression", n);
        node.properties = n.properties.map((p: Swc) => this.objectMember(p));
        return node;
      }
      case "FunctionExpression": {
        const node = this.at("FunctionExpression", n);
        node.id = n.identifier ? this.ident(n.identifier) : null;
        this.fnFields(node, n);
        this.deferred(node, "body", n.body, () => this.block(n.body, true));
        return node;
      }
      case "ArrowFunctionExpression": {
        const node = this.at("ArrowFunctionExpression", n);
        node.id = null;
        node.generator = false;
        node.async = !!n.async;
        this.deferred(node, "params", n.params, () => this.params(n.params));
        if (n.typeParameters) node.typeParameters = this.typeParamsDecl(n.typeParameters);
        if (n.returnType) node.returnType = this.typeAnn(n.returnType);
        this.deferred(node, "body", n.body, () =>
          n.body.type === "BlockStatement" || n.body.type === "FunctionBody"
            ? this.block(n.body, true)
            : this.expr(n.body),
        );
        return node;
      }
      case "ClassExpression":
        return this.cls(n, "ClassExpression");
      case "UnaryExpression": {
        const node = this.at("UnaryExpression", n);
        node.operator = n.operator;
        node.argument = this.expr(n.argument);
        node.prefix = true;
        return node;
      }
      case "UpdateExpression": {
        const node = this.at("UpdateExpression", n);
        node.operator = n.operator;
        node.prefix = !!n.prefix;
        node.argument = this.expr(n.argument);
        return node;
      }
      case "BinaryExpression": {
        const node = this.at(LOGICAL.has(n.operator) ? "LogicalExpression" : "BinaryExpression", n);
        node.left = n.left.type === "PrivateName" ? this.privateName(n.left) : this.expr(n.left);
        node.operator = n.operator;
        node.right = this.expr(n.right);
        return node;
      }
      case "AssignmentExpression": {
        const node = this.at("AssignmentExpression", n);
        node.operator = n.operator;
        node.left = this.pat(n.left);
        node.right = this.expr(n.right);
        return node;
      }
      case "MemberExpression":
        return this.member(n, "MemberExpression");
      case "SuperPropExpression": {
        const node = this.at("MemberExpression", n);
        node.object = this.at("Super", n.obj);
        this.memberProp(node, n.property);
        return node;
      }
      case "OptionalChainingExpression": {
        const base = n.base;
        if (base.type === "MemberExpression") {
          // The chain link's own span is the base's: SWC's wrapper can be too wide (`a?.b<T>`).
          const node = this.member(base, "OptionalMemberExpression");
          node.optional = !!n.optional;
          return node;
        }
        const node = this.call(base, "OptionalCallExpression", base);
        node.optional = !!n.optional;
        return node;
      }
      case "ConditionalExpression": {
        const node = this.at("ConditionalExpression", n);
        node.test = this.expr(n.test);
        node.consequent = this.expr(n.consequent);
        node.alternate = this.expr(n.alternate);
        return node;
      }
      case "CallExpression":
        if (n.callee.type === "Import") return this.importCall(n);
        return this.call(n, "CallExpression", n);
      case "NewExpression": {
        const node = this.at("NewExpression", n);
        node.callee = this.expr(n.callee);
        node.arguments = (n.arguments ?? []).map((a: Swc) => this.exprOrSpread(a));
        if (n.typeArguments) node.typeArguments = this.typeArgs(n.typeArguments);
        return node;
      }
      case "SequenceExpression": {
        const node = this.at("SequenceExpression", n);
        node.expressions = n.expressions.map((x: Swc) => this.expr(x));
        return node;
      }
      case "YieldExpression": {
        const node = this.at("YieldExpression", n);
        node.delegate = !!n.delegate;
        node.argument = n.argument ? this.expr(n.argument) : null;
        return node;
      }
      case "AwaitExpression": {
        const node = this.at("AwaitExpression", n);
        node.argument = this.expr(n.argument);
        return node;
      }
      case "MetaProperty": {
        const node = this.at("MetaProperty", n);
        const [meta, prop] = (n.kind as string).split(".");
        const m = this.mk("Identifier", node.start, node.start + meta.length);
        m.name = meta;
        m.loc.identifierName = meta;
        const p = this.mk("Identifier", node.end - prop.length, node.end);
        p.name = prop;
        p.loc.identifierName = prop;
        node.meta = m;
        node.property = p;
        return node;
      }
      case "PrivateName":
        return this.privateName(n);
      case "TsAsExpression":
      case "TsSatisfiesExpression": {
        const node = this.at(n.type === "TsAsExpression" ? "TSAsExpression" : "TSSatisfiesExpression", n);
        node.expression = this.expr(n.expression);
        node.typeAnnotation = this.type(n.typeAnnotation);
        return node;
      }
      case "TsConstAssertion": {
        const node = this.at("TSAsExpression", n);
        node.expression = this.expr(n.expression);
        // `x as const` is a reference to a type named `const` in Babel.
        const ref = this.mk("TSTypeReference", node.end - 5, node.end);
        const name = this.mk("Identifier", node.end - 5, node.end);
        name.name = "const";
        name.loc.identifierName = "const";
        ref.typeName = name;
        node.typeAnnotation = ref;
        return node;
      }
      case "TsTypeAssertion": {
        const node = this.at("TSTypeAssertion", n);
        node.typeAnnotation = this.type(n.typeAnnotation);
        node.expression = this.expr(n.expression);
        return node;
      }
      case "TsNonNullExpression": {
        const node = this.at("TSNonNullExpression", n);
        node.expression = this.expr(n.expression);
        return node;
      }
      case "TsInstantiation": {
        const node = this.at("TSInstantiationExpression", n);
        node.expression = this.expr(n.expression);
        node.typeArguments = this.typeArgs(n.typeArguments);
        return node;
      }
      case "JSXElement":
        return this.jsxElement(n);
      case "JSXFragment":
        return this.jsxFragment(n);
      case "JSXMemberExpression":
      case "JSXNamespacedName":
        return this.jsxName(n);
      case "JSXEmptyExpression":
        return this.at("JSXEmptyExpression", n);
      case "Invalid":
        throw new Error("smartasync: SWC returned an invalid expression");
      default:
        throw new Error(`smartasync: cannot lower SWC expression ${n.type}`);
    }
  }

  private template(n: Swc): BNode {
    const node = this.at("TemplateLiteral", n);
    node.expressions = n.expressions.map((x: Swc) => this.expr(x));
    node.quasis = n.quasis.map((q: Swc) => this.templateElement(q));
    return node;
  }

  private templateElement(q: Swc): BNode {
    const el = this.at("TemplateElement", q);
    this.leaves.push(el.start, el.end);
    // The raw text comes from the source (SWC's UTF-8 copy loses lone surrogates), with its line
    // ends normalised to \n as in Babel.
    const raw = this.source.slice(el.start, el.end);
    let cooked: string | null = q.cooked ?? null;
    if (cooked !== null && suspect(cooked)) cooked = cookLiteral(this.source.slice(el.start, el.end), true);
    el.value = { raw: raw.includes("\r") ? raw.replace(/\r\n?/g, "\n") : raw, cooked };
    el.tail = !!q.tail;
    return el;
  }

  private member(n: Swc, type: string, outer: Swc = n): BNode {
    const node = this.at(type, outer);
    node.object = this.expr(n.object);
    this.memberProp(node, n.property);
    return node;
  }

  private memberProp(node: BNode, prop: Swc): void {
    if (prop.type === "Computed") {
      node.computed = true;
      node.property = this.expr(prop.expression);
    } else {
      node.computed = false;
      node.property = prop.type === "PrivateName" ? this.privateName(prop) : this.ident(prop);
    }
  }

  private call(n: Swc, type: string, outer: Swc): BNode {
    const node = this.at(type, outer);
    node.callee = n.callee.type === "Super" ? this.at("Super", n.callee) : this.expr(n.callee);
    node.arguments = n.arguments.map((a: Swc) => this.exprOrSpread(a));
    if (n.typeArguments) node.typeArguments = this.typeArgs(n.typeArguments);
    return node;
  }

  private importCall(n: Swc): BNode {
    const node = this.at("ImportExpression", n);
    const args = n.arguments;
    node.source = this.expr(args[0].expression);
    node.options = args[1] ? this.expr(args[1].expression) : null;
    const phase = n.callee.phase;
    if (phase && phase !== "evaluation") node.phase = phase;
    return node;
  }

  private objectMember(p: Swc): BNode {
    switch (p.type) {
      case "Identifier": {
        const node = this.at("ObjectProperty", p);
        node.method = false;
        node.key = this.ident(p);
        node.computed = false;
        node.shorthand = true;
        node.value = this.ident(p);
        return node;
      }
      case "KeyValueProperty": {
        const value = this.expr(p.value);
        const node = this.mk("ObjectProperty", this.s(p.key), this.e(p.value));
        node.method = false;
        this.propKey(node, p.key);
        node.shorthand = false;
        node.value = value;
        return node;
      }
      case "AssignmentProperty": {
        const right = this.expr(p.value);
        const node = this.mk("ObjectProperty", this.s(p.key), this.e(p.value));
        node.method = false;
        node.key = this.ident(p.key);
        node.computed = false;
        node.shorthand = true;
        const ap = this.mk("AssignmentPattern", node.start, node.end);
        ap.left = this.ident(p.key);
        ap.right = right;
        node.value = ap;
        return node;
      }
      case "SpreadElement": {
        const arg = this.expr(p.arguments);
        const node = this.mk("SpreadElement", this.offsets.toIndex(p.spread.start), this.e(p.arguments));
        node.argument = arg;
        return node;
      }
      case "GetterProperty":
      case "SetterProperty":
      case "MethodProperty": {
        const node = this.at("ObjectMethod", p);
        const kind = p.type === "GetterProperty" ? "get" : p.type === "SetterProperty" ? "set" : "method";
        node.method = kind === "method";
        this.propKey(node, p.key);
        node.kind = kind;
        node.id = null;
        // Older SWC releases put the function's fields on the property itself.
        const f = p.function ?? p;
        if (kind === "method" || p.function) this.fnFields(node, f);
        else {
          node.generator = false;
          node.async = false;
          node.params = p.param ? [this.pat(p.param)] : [];
          if (p.typeAnnotation) node.returnType = this.typeAnn(p.typeAnnotation);
        }
        this.deferred(node, "body", f.body, () => this.block(f.body, true));
        return node;
      }
      default:
        throw new Error(`smartasync: cannot lower SWC object member ${p.type}`);
    }
  }

  // ---------------------------------------------------------------- JSX

  private jsxName(n: Swc): BNode {
    switch (n.type) {
      case "Identifier": {
        const node = this.at("JSXIdentifier", n);
        node.name = n.value;
        return node;
      }
      case "JSXMemberExpression": {
        const object = this.jsxName(n.object);
        const property = this.jsxName(n.property);
        const node = this.mk("JSXMemberExpression", object.start, property.end);
        node.object = object;
        node.property = property;
        return node;
      }
      case "JSXNamespacedName": {
        const namespace = this.jsxName(n.namespace);
        const name = this.jsxName(n.name);
        const node = this.mk("JSXNamespacedName", namespace.start, name.end);
        node.namespace = namespace;
        node.name = name;
        return node;
      }
      default:
        throw new Error(`smartasync: cannot lower SWC JSX name ${n.type}`);
    }
  }

  private jsxElement(n: Swc): BNode {
    const node = this.at("JSXElement", n);
    const o = n.opening;
    const opening = this.at("JSXOpeningElement", o);
    opening.name = this.jsxName(o.name);
    if (o.typeArguments) opening.typeArguments = this.typeArgs(o.typeArguments);
    let prevEnd = o.typeArguments ? this.e(o.typeArguments) : (opening.name as BNode).end;
    opening.attributes = o.attributes.map((a: Swc) => {
      const attr = this.jsxAttribute(a, prevEnd);
      prevEnd = attr.end;
      return attr;
    });
    opening.selfClosing = !!o.selfClosing;
    node.openingElement = opening;
    node.children = this.jsxChildren(n.children);
    if (n.closing) {
      const closing = this.at("JSXClosingElement", n.closing);
      closing.name = this.jsxName(n.closing.name);
      node.closingElement = closing;
    } else node.closingElement = null;
    return node;
  }

  private jsxAttribute(a: Swc, prevEnd: number): BNode {
    if (a.type === "SpreadElement") {
      // SWC keeps only the `...`; Babel's node spans the braces around it.
      const open = this.findPunct(prevEnd, "{");
      const arg = this.expr(a.arguments);
      const close = this.findPunct(this.e(a.arguments), "}");
      const node = this.mk("JSXSpreadAttribute", open, close + 1);
      node.argument = arg;
      return node;
    }
    const node = this.at("JSXAttribute", a);
    node.name = this.jsxName(a.name);
    node.value = a.value ? this.jsxAttrValue(a.value) : null;
    return node;
  }

  private jsxAttrValue(v: Swc): BNode {
    switch (v.type) {
      case "StringLiteral": {
        const node = this.at("StringLiteral", v);
        this.leaves.push(node.start, node.end);
        node.value = v.value;
        node.extra = { rawValue: v.value, raw: this.source.slice(node.start, node.end) };
        return node;
      }
      case "JSXExpressionContainer":
        return this.jsxContainer(v);
      default:
        return this.expr(v);
    }
  }

  private jsxContainer(c: Swc): BNode {
    const node = this.at("JSXExpressionContainer", c);
    if (c.expression.type === "JSXEmptyExpression") {
      // Babel's empty expression fills the braces; SWC's is a point before the `}`.
      node.expression = this.mk("JSXEmptyExpression", node.start + 1, node.end - 1);
    } else node.expression = this.expr(c.expression);
    return node;
  }

  private jsxChildren(list: Swc[]): BNode[] {
    return list.map((c: Swc) => {
      switch (c.type) {
        case "JSXText": {
          const node = this.at("JSXText", c);
          this.leaves.push(node.start, node.end);
          node.value = c.value;
          node.extra = { rawValue: c.value, raw: this.source.slice(node.start, node.end) };
          return node;
        }
        case "JSXExpressionContainer":
          return this.jsxContainer(c);
        case "JSXSpreadChild": {
          const node = this.at("JSXSpreadChild", c);
          node.expression = this.expr(c.expression);
          return node;
        }
        case "JSXElement":
          return this.jsxElement(c);
        case "JSXFragment":
          return this.jsxFragment(c);
        default:
          throw new Error(`smartasync: cannot lower SWC JSX child ${c.type}`);
      }
    });
  }

  private jsxFragment(n: Swc): BNode {
    const node = this.at("JSXFragment", n);
    node.openingFragment = this.at("JSXOpeningFragment", n.opening);
    node.children = this.jsxChildren(n.children);
    node.closingFragment = this.at("JSXClosingFragment", n.closing);
    return node;
  }

  // ---------------------------------------------------------------- types

  private typeAnn(n: Swc): BNode {
    const node = this.at("TSTypeAnnotation", n);
    node.typeAnnotation = this.type(n.typeAnnotation);
    return node;
  }

  private typeArgs(n: Swc): BNode | undefined {
    if (!n) return undefined;
    const node = this.at("TSTypeParameterInstantiation", n);
    node.params = n.params.map((p: Swc) => this.type(p));
    return node;
  }

  private typeParamsDecl(n: Swc): BNode | undefined {
    if (!n) return undefined;
    const node = this.at("TSTypeParameterDeclaration", n);
    node.params = n.parameters.map((p: Swc) => this.typeParam(p));
    return node;
  }

  private typeParam(p: Swc): BNode {
    const node = this.at("TSTypeParameter", p);
    node.name = this.ident(p.name);
    if (p.in) node.in = true;
    if (p.out) node.out = true;
    if (p.const) node.const = true;
    node.constraint = p.constraint ? this.type(p.constraint) : undefined;
    node.default = p.default ? this.type(p.default) : undefined;
    if (!p.constraint) delete node.constraint;
    if (!p.default) delete node.default;
    return node;
  }

  private entityName(n: Swc): BNode {
    if (n.type === "TsQualifiedName") {
      const left = this.entityName(n.left);
      const right = this.ident(n.right);
      const node = this.mk("TSQualifiedName", left.start, right.end);
      node.left = left;
      node.right = right;
      return node;
    }
    if (n.type === "ThisExpression" || n.type === "TsThisType") return this.at("ThisExpression", n);
    return this.ident(n);
  }

  private fnType(node: BNode, n: Swc): void {
    if (n.typeParams) node.typeParameters = this.typeParamsDecl(n.typeParams);
    node.params = n.params.map((p: Swc) => this.pat(p));
    const ret = n.typeAnnotation ?? n.typeAnn;
    if (ret) node.returnType = this.typeAnn(ret);
  }

  private indexSignature(n: Swc): BNode {
    const node = this.at("TSIndexSignature", n);
    node.parameters = n.params.map((p: Swc) => this.pat(p));
    if (n.typeAnnotation) node.typeAnnotation = this.typeAnn(n.typeAnnotation);
    if (n.readonly) node.readonly = true;
    if (n.static || n.isStatic) node.static = true;
    return node;
  }

  private typeElement(m: Swc): BNode {
    switch (m.type) {
      case "TsPropertySignature": {
        const node = this.at("TSPropertySignature", m);
        this.sigKey(node, m);
        if (m.typeAnnotation) node.typeAnnotation = this.typeAnn(m.typeAnnotation);
        if (m.readonly) node.readonly = true;
        return node;
      }
      case "TsMethodSignature":
      case "TsGetterSignature":
      case "TsSetterSignature": {
        const node = this.at("TSMethodSignature", m);
        this.sigKey(node, m);
        node.kind =
          m.type === "TsGetterSignature" ? "get" : m.type === "TsSetterSignature" ? "set" : "method";
        if (m.type === "TsSetterSignature") {
          node.params = [this.pat(m.param)];
        } else if (m.type === "TsGetterSignature") {
          node.params = [];
          if (m.typeAnnotation) node.returnType = this.typeAnn(m.typeAnnotation);
        } else this.fnType(node, m);
        return node;
      }
      case "TsCallSignatureDeclaration":
      case "TsConstructSignatureDeclaration": {
        const node = this.at(
          m.type === "TsCallSignatureDeclaration"
            ? "TSCallSignatureDeclaration"
            : "TSConstructSignatureDeclaration",
          m,
        );
        this.fnType(node, m);
        return node;
      }
      case "TsIndexSignature":
        return this.indexSignature(m);
      default:
        throw new Error(`smartasync: cannot lower SWC type element ${m.type}`);
    }
  }

  private sigKey(node: BNode, m: Swc): void {
    node.computed = !!m.computed;
    node.key = m.key.type === "Identifier" ? this.ident(m.key) : this.expr(m.key);
    if (m.optional) node.optional = true;
  }

  private type(n: Swc): BNode {
    switch (n.type) {
      case "TsKeywordType": {
        return this.at(KEYWORD_TYPES[n.kind] ?? "TSUnknownTypeLowered", n);
      }
      case "TsThisType":
        return this.at("TSThisType", n);
      case "TsFunctionType":
      case "TsConstructorType": {
        const node = this.at(n.type === "TsFunctionType" ? "TSFunctionType" : "TSConstructorType", n);
        this.fnType(node, n);
        if (n.isAbstract) node.abstract = true;
        return node;
      }
      case "TsTypeReference": {
        const node = this.at("TSTypeReference", n);
        node.typeName = this.entityName(n.typeName);
        const args = n.typeParams ?? n.typeArguments;
        if (args) node.typeArguments = this.typeArgs(args);
        return node;
      }
      case "TsTypePredicate": {
        const node = this.at("TSTypePredicate", n);
        node.parameterName =
          n.paramName.type === "TsThisType" ? this.at("TSThisType", n.paramName) : this.ident(n.paramName);
        node.typeAnnotation = n.typeAnnotation ? this.typeAnn(n.typeAnnotation) : null;
        if (n.asserts) node.asserts = true;
        return node;
      }
      case "TsTypeQuery": {
        const node = this.at("TSTypeQuery", n);
        node.exprName =
          n.exprName.type === "TsImportType" ? this.type(n.exprName) : this.entityName(n.exprName);
        if (n.typeArguments) node.typeArguments = this.typeArgs(n.typeArguments);
        return node;
      }
      case "TsImportType": {
        const node = this.at("TSImportType", n);
        node.source = this.str(n.argument);
        node.qualifier = n.qualifier ? this.entityName(n.qualifier) : null;
        if (n.typeArguments) node.typeArguments = this.typeArgs(n.typeArguments);
        node.options = n.attributes ? this.importTypeOptions(n.attributes) : null;
        return node;
      }
      case "TsTypeLiteral": {
        const node = this.at("TSTypeLiteral", n);
        node.members = n.members.map((m: Swc) => this.typeElement(m));
        return node;
      }
      case "TsArrayType": {
        const node = this.at("TSArrayType", n);
        node.elementType = this.type(n.elemType);
        return node;
      }
      case "TsTupleType": {
        const node = this.at("TSTupleType", n);
        node.elementTypes = n.elemTypes.map((el: Swc) => this.tupleElement(el));
        return node;
      }
      case "TsOptionalType":
      case "TsRestType": {
        const node = this.at(n.type === "TsOptionalType" ? "TSOptionalType" : "TSRestType", n);
        node.typeAnnotation = this.type(n.typeAnnotation);
        return node;
      }
      case "TsUnionType":
      case "TsIntersectionType": {
        const node = this.at(n.type === "TsUnionType" ? "TSUnionType" : "TSIntersectionType", n);
        node.types = n.types.map((x: Swc) => this.type(x));
        return node;
      }
      case "TsConditionalType": {
        const node = this.at("TSConditionalType", n);
        node.checkType = this.type(n.checkType);
        // Babel starts the node at its check type, inside any parentheses around it.
        this.setStart(node, (node.checkType as BNode).start);
        node.extendsType = this.type(n.extendsType);
        node.trueType = this.type(n.trueType);
        node.falseType = this.type(n.falseType);
        return node;
      }
      case "TsInferType": {
        const node = this.at("TSInferType", n);
        const tp = this.typeParam(n.typeParam);
        // SWC's parameter stops at the name; Babel's covers `infer T extends C` up to C.
        if (n.typeParam.constraint) this.setEnd(tp, Math.max(tp.end, this.e(n.typeParam.constraint)));
        node.typeParameter = tp;
        return node;
      }
      case "TsParenthesizedType": {
        const inner = this.type(n.typeAnnotation);
        inner.extra = { ...inner.extra, parenthesized: true, parenStart: this.s(n) };
        return inner;
      }
      case "TsTypeOperator": {
        const node = this.at("TSTypeOperator", n);
        node.operator = n.op;
        node.typeAnnotation = this.type(n.typeAnnotation);
        return node;
      }
      case "TsIndexedAccessType": {
        const node = this.at("TSIndexedAccessType", n);
        node.objectType = this.type(n.objectType);
        node.indexType = this.type(n.indexType);
        return node;
      }
      case "TsMappedType": {
        const node = this.at("TSMappedType", n);
        const tp = n.typeParam;
        node.key = this.ident(tp.name);
        node.constraint = tp.constraint ? this.type(tp.constraint) : null;
        node.nameType = n.nameType ? this.type(n.nameType) : null;
        node.typeAnnotation = n.typeAnnotation ? this.type(n.typeAnnotation) : null;
        if (n.readonly) node.readonly = n.readonly;
        if (n.optional) node.optional = n.optional;
        return node;
      }
      case "TsLiteralType":
        return this.literalType(n);
      case "TsTypeAnnotation":
        return this.typeAnn(n);
      default: {
        // Anything newer than this lowering still gets a node with the right span, and its
        // literals still hide their text from the comment scan.
        leafRanges(n, this.offsets, this.leaves);
        return this.at("TSUnknownTypeLowered", n);
      }
    }
  }

  /** `import("x", { with: {…} })` in a type: SWC keeps only the inner object. */
  private importTypeOptions(n: Swc): BNode {
    if (n.type !== "TsImportCallOptions") return this.expr(n);
    const obj = this.at("ObjectExpression", n);
    const inner = this.expr(n.with);
    const keyStart = this.next(obj.start + 1);
    const quote = this.source[keyStart];
    const keyEnd =
      quote === '"' || quote === "'" ? this.source.indexOf(quote, keyStart + 1) + 1 : keyStart + 4;
    const prop = this.mk("ObjectProperty", keyStart, this.e(n.with));
    prop.method = false;
    let key: BNode;
    if (quote === '"' || quote === "'") {
      key = this.mk("StringLiteral", keyStart, keyEnd);
      this.leaves.push(keyStart, keyEnd);
      key.value = "with";
      key.extra = { rawValue: "with", raw: this.source.slice(keyStart, keyEnd) };
    } else {
      key = this.mk("Identifier", keyStart, keyEnd);
      key.name = "with";
      key.loc.identifierName = "with";
    }
    prop.key = key;
    prop.computed = false;
    prop.shorthand = false;
    prop.value = inner;
    obj.properties = [prop];
    return obj;
  }

  private literalType(n: Swc): BNode {
    const lit = n.literal;
    if (lit.type === "TemplateLiteral" && lit.types.length === 0) {
      // Without substitutions Babel keeps a plain template literal inside a literal type.
      const node = this.at("TSLiteralType", n);
      const tpl = this.at("TemplateLiteral", lit);
      tpl.expressions = [];
      tpl.quasis = lit.quasis.map((q: Swc) => this.templateElement(q));
      node.literal = tpl;
      return node;
    }
    if (lit.type === "TemplateLiteral") {
      const node = this.at("TSTemplateLiteralType", lit);
      node.quasis = lit.quasis.map((q: Swc) => this.templateElement(q));
      node.types = lit.types.map((x: Swc) => this.type(x));
      return node;
    }
    const node = this.at("TSLiteralType", n);
    const litStart = this.s(lit);
    if (
      lit.type === "NumericLiteral" &&
      this.source.charCodeAt(node.start) === 45 /* - */ &&
      litStart === node.start + 1
    ) {
      // SWC folds the sign into the number; Babel keeps `-1` as a unary minus.
      const num = this.mk("NumericLiteral", litStart, this.e(lit));
      num.value = -lit.value;
      num.extra = { rawValue: num.value, raw: this.source.slice(num.start, num.end) };
      const neg = this.mk("UnaryExpression", node.start, num.end);
      neg.operator = "-";
      neg.prefix = true;
      neg.argument = num;
      node.literal = neg;
      return node;
    }
    if (
      lit.type === "BigIntLiteral" &&
      this.source.charCodeAt(node.start) === 45 &&
      litStart === node.start + 1
    ) {
      const num = this.expr(lit);
      const neg = this.mk("UnaryExpression", node.start, num.end);
      neg.operator = "-";
      neg.prefix = true;
      neg.argument = num;
      node.literal = neg;
      return node;
    }
    node.literal = this.expr(lit);
    return node;
  }

  private tupleElement(el: Swc): BNode {
    if (el.type !== "TsTupleElement") return this.type(el);
    if (!el.label) return this.type(el.ty);
    const label = el.label;
    if (label.type === "RestElement") {
      // `...name: T` is a rest type around a named member in Babel.
      const rest = this.at("TSRestType", el);
      this.setStart(rest, this.offsets.toIndex(label.rest.start));
      const member = this.mk("TSNamedTupleMember", this.s(label.argument), rest.end);
      member.label = this.ident(label.argument);
      member.elementType = this.type(el.ty);
      member.optional = false;
      rest.typeAnnotation = member;
      return rest;
    }
    const member = this.at("TSNamedTupleMember", el);
    const id = this.ident(label);
    if (label.optional) {
      // SWC's label includes the `?`.
      const name = label.value as string;
      this.setEnd(id, id.start + name.length);
    }
    member.label = id;
    member.optional = !!label.optional;
    member.elementType = this.type(el.ty);
    return member;
  }
}

export interface LowerOptions {
  /** The source was parsed as TypeScript: adds Babel's `importKind`/`exportKind` fields. */
  typescript?: boolean;
  /**
   * SWC parsed this text, `source` with the gaps cut out, rather than `source`; `cuts` are the
   * `[from, to)` pairs cut, which the comment scan steps over.
   */
  parsed?: { text: string; gaps: Gaps; cuts?: number[] };
}

/** Lowers an SWC `Module`/`Script` of `source` into a Babel 8 `File` (with comments). */
export function lower(swcProgram: Program, source: string, options: LowerOptions = {}): t.File {
  return new Lowerer(
    swcProgram,
    source,
    options.typescript ?? false,
    options.parsed,
  ).lowerFile() as unknown as t.File;
}

/**
 * Parses with `@swc/core` and lowers the result; throws SWC's syntax error as is. With `cut`
 * (function bodies and literals of `source` that cannot matter, swc-plugin/skim.ts:
 * `[starts[k], ends[k])` is each, brackets included), SWC is given `source` with each reduced to
 * `{}` or `[]`. Positions are mapped back and the comment scan steps over what was cut, so the
 * tree is the one of `source` with those bodies and literals empty; the text the lowering reads
 * (literals' raw text, comments) is `source` itself, never a blanked copy of it.
 */
export function parseToBabelShape(
  source: string,
  options: ParseToBabelShapeOptions,
  cut?: { starts: readonly number[]; ends: readonly number[] },
): t.File {
  let parsed: { text: string; gaps: Gaps; cuts: number[] } | undefined;
  if (cut?.starts.length) {
    const from = cut.starts.map((s) => s + 1);
    const to = cut.ends.map((e) => e - 1);
    const cuts: number[] = [];
    for (let k = 0; k < from.length; k++) cuts.push(from[k]!, to[k]!);
    parsed = { ...Gaps.cut(source, from, to), cuts };
  }
  const program = parseSync(parsed?.text ?? source, {
    ...options.parser,
    target: "esnext",
    comments: false,
    isModule: options.isModule,
  } as Parameters<typeof parseSync>[1]);
  return lower(program, source, { typescript: options.parser.syntax === "typescript", parsed });
}
