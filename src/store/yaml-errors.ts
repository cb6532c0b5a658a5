// Turning YAML syntax errors and schema issues into file:line:col positions. Shared by the readers of
// `.wm/tasks.yaml` and `.wm/config.yaml`. Only types are imported from `yaml`: callers load it lazily.

import type { Document, LineCounter } from "yaml";

export interface SourcePos {
  line: number;
  col: number;
}

/** The part of a schema issue (zod's, or any other validator's) that locating it needs. */
export interface IssueLike {
  code?: string;
  path: readonly PropertyKey[];
  message: string;
  /** For `unrecognized_keys`: the unknown keys. */
  keys?: readonly string[];
}

export interface LocatedIssue {
  pos: SourcePos;
  /** The issue's path; for an unknown key located at the key, the path includes that key. */
  path: Array<string | number>;
}

type Ranged = { range?: [number, number, number] | null } | null | undefined;

/** The first syntax error of a parsed document with its position and the first line of its text, or null. */
export function firstSyntaxError(
  doc: Document,
  lineCounter: LineCounter,
): { pos: SourcePos; message: string } | null {
  const first = doc.errors[0];
  if (first === undefined) return null;
  const pos = lineCounter.linePos(first.pos[0]);
  return { pos: { line: pos.line, col: pos.col }, message: first.message.split("\n")[0] ?? "" };
}

/**
 * Where in the document a schema issue points. A value's issue points at the value's node. A missing key
 * points at the enclosing map. An unknown key points at the enclosing map too, unless `unknownKeyAt` is
 * "key": then it points at the (first) unknown key itself and the returned path ends with that key.
 */
export function locateIssue(
  doc: Document,
  lineCounter: LineCounter,
  issue: IssueLike,
  options: { unknownKeyAt?: "map" | "key" } = {},
): LocatedIssue {
  const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
  let node = doc.getIn(path, true) as Ranged;
  for (let cut = path.length - 1; node?.range === undefined && cut >= 0; cut--) {
    node = doc.getIn(path.slice(0, cut), true) as Ranged;
  }
  if (options.unknownKeyAt === "key" && issue.code === "unrecognized_keys" && issue.keys?.[0] !== undefined) {
    const key = issue.keys[0];
    const pair = findPair(doc.getIn(path, true), key);
    if (pair?.range) {
      const pos = lineCounter.linePos(pair.range[0]);
      return { pos: { line: pos.line, col: pos.col }, path: [...path, key] };
    }
  }
  if (node?.range) {
    const pos = lineCounter.linePos(node.range[0]);
    return { pos: { line: pos.line, col: pos.col }, path };
  }
  return { pos: { line: 1, col: 1 }, path };
}

function findPair(map: unknown, key: string): Ranged {
  const items = (map as { items?: unknown } | null | undefined)?.items;
  if (!Array.isArray(items)) return undefined;
  for (const item of items as Array<{ key?: unknown }>) {
    const k = item.key as { value?: unknown; range?: [number, number, number] } | null | undefined;
    const name = k !== null && typeof k === "object" && "value" in k ? k.value : k;
    if (String(name) === key) return k as Ranged;
  }
  return undefined;
}
