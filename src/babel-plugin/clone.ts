import type { types as t } from "@babel/core";
import { isFunction } from "../core/analysis/tree.js";

const COMMENTS = new Set(["leadingComments", "trailingComments", "innerComments"]);

function isNode(v: unknown): v is t.Node {
  return typeof v === "object" && v !== null && typeof (v as { type?: unknown }).type === "string";
}

/**
 * Deep-clones a Babel node and records original → copy for every node, so decisions made on
 * the original tree (call edits, await facts) can be applied to the copy. Comments are not
 * copied: the annotation stays on the original only.
 */
export function cloneWithMap<N extends t.Node>(node: N, map: Map<t.Node, t.Node>): N {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(node)) {
    if (COMMENTS.has(key)) continue;
    const v = (node as unknown as Record<string, unknown>)[key];
    if (Array.isArray(v)) out[key] = v.map((x) => (isNode(x) ? cloneWithMap(x, map) : x));
    else if (isNode(v)) out[key] = cloneWithMap(v, map);
    else if (key === "extra" && v && typeof v === "object") out[key] = { ...v };
    else out[key] = v;
  }
  map.set(node, out as unknown as t.Node);
  return out as unknown as N;
}

/**
 * Post-order rewrite of a detached tree: `visit` may return a replacement for a node. With
 * `ownBody`, nested functions are not entered (their awaits belong to them).
 */
export function rewriteTree(
  node: t.Node,
  visit: (n: t.Node) => t.Node | undefined,
  ownBody: boolean,
): t.Node {
  const rec = node as unknown as Record<string, unknown>;
  for (const key of Object.keys(rec)) {
    if (COMMENTS.has(key) || key === "loc" || key === "extra") continue;
    const v = rec[key];
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const x = v[i];
        if (isNode(x) && !(ownBody && isFunction(x))) v[i] = rewriteTree(x, visit, ownBody);
      }
    } else if (isNode(v) && !(ownBody && isFunction(v))) {
      rec[key] = rewriteTree(v, visit, ownBody);
    }
  }
  return visit(node) ?? node;
}

/** Inserts `nodes` after `target` in the statement list of `root`'s subtree that holds it. */
export function insertAfterIn(target: t.Node, nodes: t.Node[], root: t.Node): boolean {
  const rec = root as unknown as Record<string, unknown>;
  for (const key of Object.keys(rec)) {
    if (COMMENTS.has(key) || key === "loc" || key === "extra") continue;
    const v = rec[key];
    if (Array.isArray(v)) {
      const i = v.indexOf(target);
      if (i >= 0) {
        v.splice(i + 1, 0, ...nodes);
        return true;
      }
      for (const x of v) if (isNode(x) && insertAfterIn(target, nodes, x)) return true;
    } else if (isNode(v) && insertAfterIn(target, nodes, v)) return true;
  }
  return false;
}

/** Replaces `target` by `by` where `root`'s subtree holds it. */
export function replaceIn(target: t.Node, by: t.Node, root: t.Node): boolean {
  const rec = root as unknown as Record<string, unknown>;
  for (const key of Object.keys(rec)) {
    if (COMMENTS.has(key) || key === "loc" || key === "extra") continue;
    const v = rec[key];
    if (Array.isArray(v)) {
      const i = v.indexOf(target);
      if (i >= 0) {
        v[i] = by;
        return true;
      }
      for (const x of v) if (isNode(x) && x !== by && replaceIn(target, by, x)) return true;
    } else if (v === target) {
      rec[key] = by;
      return true;
    } else if (isNode(v) && v !== by && replaceIn(target, by, v)) return true;
  }
  return false;
}
