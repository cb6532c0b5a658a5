// Re-parsing only the edited part of a spec: remark's tree of the new text from the tree of the previous
// text, by parsing again only the top-level section(s) the edit touched. Pure: the parser is passed in.
//
// Why a chunk can be parsed alone. Markdown's block structure is decided line by line, from the state the
// lines before leave open (containers, an open paragraph, fence or HTML block); a later line can only
// reinterpret an open paragraph (setext underline, table delimiter row). An ATX heading at column 1 that
// came out as a top-level heading closed everything before it and is itself one line, so parsing from its
// line start begins from the same (empty) state as the document does there. The chunk runs from such a
// heading A whose line lies in the unchanged prefix to such a heading B that lies in the unchanged suffix,
// B's line included: when B comes out of the chunk as the same top-level heading, the chunk closed every
// block before B exactly as the document does, and everything from B on is the old tree, moved by the
// edit's line and offset delta. Without A the chunk starts at the document's start; without B it runs to
// the end. Columns never move: both boundaries are line starts.
// What is not local: link reference definitions and footnote definitions decide what `[x]` means anywhere
// in the document. A tree or chunk that holds a definition or a reference (which exists only when a
// definition does) is never re-parsed (null: the caller parses the whole text).
// See docs/decisions/0013-spec-check-speed.md.

import type { Heading, Nodes, Root, RootContent } from "mdast";

type Parse = (source: string) => Root;
interface Point {
  line: number;
  column: number;
  offset?: number;
}

const GLOBAL = new Set([
  "definition",
  "footnoteDefinition",
  "linkReference",
  "imageReference",
  "footnoteReference",
]);

/** True when the tree holds anything whose meaning depends on the rest of the document, or lacks positions. */
function nonLocal(nodes: readonly Nodes[]): boolean {
  const stack: Nodes[] = [...nodes];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (GLOBAL.has(n.type) || n.position?.start.offset === undefined || n.position.end.offset === undefined)
      return true;
    if ("children" in n) for (const c of n.children) stack.push(c as Nodes);
  }
  return false;
}

/** A top-level ATX heading starting a line (column 1, `#` at its offset). */
function atxAtLineStart(node: RootContent, text: string): node is Heading {
  const s = node.position?.start;
  return node.type === "heading" && s?.column === 1 && s.offset !== undefined && text[s.offset] === "#";
}

function lineEndings(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) n++;
    else if (c === 13) {
      n++;
      if (text.charCodeAt(i + 1) === 10) i++;
    }
  }
  return n;
}

/** The offset just after the line ending that ends the line holding `at`, or -1 when the text ends first. */
function afterLine(text: string, at: number): number {
  for (let i = at; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) return i + 1;
    if (c === 13) return text.charCodeAt(i + 1) === 10 ? i + 2 : i + 1;
  }
  return -1;
}

function endOfLine(text: string, at: number): number {
  for (let i = at; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) return i;
  }
  return text.length;
}

function movedPoint(p: Point, lines: number, offset: number): Point {
  return { line: p.line + lines, column: p.column, offset: (p.offset ?? 0) + offset };
}

/** A copy of `node` with every position moved by `lines` and `offset` (columns stay). */
function moved<T extends Nodes>(node: T, lines: number, offset: number): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === "position" && v) {
      const pos = v as { start: Point; end: Point };
      out[k] = { start: movedPoint(pos.start, lines, offset), end: movedPoint(pos.end, lines, offset) };
    } else if (k === "children" && Array.isArray(v)) {
      out[k] = v.map((c: Nodes) => moved(c, lines, offset));
    } else out[k] = v;
  }
  return out as T;
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/**
 * remark's tree of `newText`, made from `oldTree` (which must be `parse(oldText)`) by parsing only the part
 * the edit touched: deep-equal to `parse(newText)`, positions included, or null when that cannot be shown
 * (then parse the whole text). Nodes before the re-parsed part are shared with `oldTree`, not copied.
 */
export function reparse(oldText: string, oldTree: Root, newText: string, parse: Parse): Root | null {
  if (oldText === newText) return oldTree;
  const rootPos = oldTree.position;
  if (rootPos?.start.offset === undefined || rootPos.end.offset === undefined) return null;
  if (nonLocal(oldTree.children)) return null;

  // The edit: the longest common prefix and suffix (not overlapping).
  const shorter = Math.min(oldText.length, newText.length);
  let prefix = 0;
  while (prefix < shorter && oldText.charCodeAt(prefix) === newText.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (
    suffix < shorter - prefix &&
    oldText.charCodeAt(oldText.length - 1 - suffix) === newText.charCodeAt(newText.length - 1 - suffix)
  )
    suffix++;
  const delta = newText.length - oldText.length;
  const oldChangeEnd = oldText.length - suffix;

  // A: the last such heading whose whole line, line ending included, is before the edit.
  // B: the first such heading that starts after the edit, the line ending before it unchanged too.
  const kids = oldTree.children;
  let a = -1;
  let b = -1;
  for (let i = 0; i < kids.length; i++) {
    const k = kids[i]!;
    if (!atxAtLineStart(k, oldText)) continue;
    const start = k.position!.start.offset!;
    const after = afterLine(oldText, start);
    if (after !== -1 && after <= prefix) a = i;
    else if (start > oldChangeEnd) {
      b = i;
      break;
    }
  }

  const from = a === -1 ? 0 : kids[a]!.position!.start.offset!;
  const fromLine = a === -1 ? 1 : kids[a]!.position!.start.line;
  const oldB = b === -1 ? null : (kids[b] as Heading);
  const newBStart = oldB === null ? newText.length : oldB.position!.start.offset! + delta;
  const chunkEnd = oldB === null ? newText.length : endOfLine(newText, newBStart);
  const chunk = parse(newText.slice(from, chunkEnd));
  if (nonLocal(chunk.children) || chunk.position?.start.offset === undefined) return null;
  const parsed = chunk.children.map((c) => moved(c, fromLine - 1, from));

  // The chunk must begin with A as it was and end with B where the old B lands after the edit.
  if (a !== -1 && !same(parsed[0], kids[a])) return null;
  let tail: RootContent[] = [];
  let end: Point;
  if (oldB !== null) {
    const lines = fromLine + lineEndings(newText, from, newBStart) - oldB.position!.start.line;
    const bMoved = moved(oldB, lines, delta);
    if (parsed.length < (a === -1 ? 1 : 2) || !same(parsed[parsed.length - 1], bMoved)) return null;
    parsed[parsed.length - 1] = bMoved;
    tail = kids.slice(b + 1).map((c) => moved(c, lines, delta));
    end = movedPoint(rootPos.end, lines, delta);
  } else {
    end = movedPoint(chunk.position.end!, fromLine - 1, from);
  }
  const start = a === -1 ? movedPoint(chunk.position.start, 0, 0) : { ...rootPos.start };
  return {
    ...oldTree,
    children: [...kids.slice(0, a === -1 ? 0 : a), ...parsed, ...tail],
    position: { start, end } as Root["position"],
  };
}
