// Drawings of the dependency graph: ascii boxes and arrows, mermaid, Graphviz dot, and the json model
// they all come from. Pure: no I/O. Edges point from what must be done first to what comes after
// ("a depends on b" is drawn b -> a). Epic parents are not edges.

import type { Task, TaskStatus, TaskType } from "./task.js";

export const GRAPH_FORMATS = ["ascii", "mermaid", "dot", "json"] as const;
export type GraphFormat = (typeof GRAPH_FORMATS)[number];

export function isGraphFormat(value: string): value is GraphFormat {
  return (GRAPH_FORMATS as readonly string[]).includes(value);
}

export interface GraphNode {
  id: string;
  /** null only for a missing node (a dependency id that names no task). */
  title: string | null;
  type: TaskType | null;
  status: TaskStatus | null;
  /** Longest path from a root (edges that close a cycle are left out of the count). */
  layer: number;
  /** Not in the selection: a dependency from another issue or epic, or one that does not exist. */
  external: boolean;
  /** A dependency whose id names no task at all (`wm tasks check` reports it as dangling). */
  missing: boolean;
}

/** `from` must be done before `to`: `to` depends on `from`. */
export interface GraphEdge {
  from: string;
  to: string;
}

/** The json format, and what every other format is drawn from. */
export interface TaskGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

const edgeKey = (from: string, to: string) => `${from}\u0000${to}`;

/**
 * The graph of `tasks` (the selection). A dependency outside the selection becomes an external node,
 * described from `known` (all tasks) when it exists there and marked missing when it does not.
 */
export function buildGraph(tasks: readonly Task[], known: readonly Task[] = tasks): TaskGraph {
  const nodes: GraphNode[] = [];
  const byId = new Map<string, GraphNode>();
  const knownIndex = new Map<string, Task>();
  for (const t of known) if (!knownIndex.has(t.id)) knownIndex.set(t.id, t);
  const node = (t: Task, external: boolean): GraphNode => ({
    id: t.id,
    title: t.title,
    type: t.type,
    status: t.status,
    layer: 0,
    external,
    missing: false,
  });
  for (const t of tasks) {
    if (byId.has(t.id)) continue; // a duplicate id (wm tasks check reports it): the first one wins
    const n = node(t, false);
    byId.set(t.id, n);
    nodes.push(n);
  }
  const edges: GraphEdge[] = [];
  const seen = new Set<string>();
  const externals: GraphNode[] = [];
  for (const t of tasks) {
    for (const dep of t.depends_on) {
      const k = edgeKey(dep, t.id);
      if (seen.has(k)) continue;
      seen.add(k);
      if (!byId.has(dep)) {
        const k2 = knownIndex.get(dep);
        const n: GraphNode =
          k2 === undefined
            ? { id: dep, title: null, type: null, status: null, layer: 0, external: true, missing: true }
            : node(k2, true);
        byId.set(dep, n);
        externals.push(n);
      }
      edges.push({ from: dep, to: t.id });
    }
  }
  nodes.push(...externals);
  const layers = longestPathLayers(
    nodes.map((n) => n.id),
    edges,
  );
  for (const n of nodes) n.layer = layers.get(n.id) ?? 0;
  return { nodes, edges };
}

/** Layer = longest path from a root. Edges that close a cycle (found by a depth-first search) are skipped. */
function longestPathLayers(ids: readonly string[], edges: readonly GraphEdge[]): Map<string, number> {
  const out = new Map<string, string[]>();
  for (const e of edges) {
    const list = out.get(e.from);
    if (list === undefined) out.set(e.from, [e.to]);
    else list.push(e.to);
  }
  const state = new Map<string, 1 | 2>(); // 1: on the stack, 2: finished
  const back = new Set<string>();
  for (const root of ids) {
    if (state.has(root)) continue;
    state.set(root, 1);
    const stack: Array<{ id: string; next: number }> = [{ id: root, next: 0 }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const succ = out.get(top.id) ?? [];
      if (top.next < succ.length) {
        const v = succ[top.next++]!;
        const s = state.get(v);
        if (s === undefined) {
          state.set(v, 1);
          stack.push({ id: v, next: 0 });
        } else if (s === 1) back.add(edgeKey(top.id, v));
      } else {
        state.set(top.id, 2);
        stack.pop();
      }
    }
  }
  const indegree = new Map<string, number>(ids.map((id) => [id, 0]));
  for (const e of edges) {
    if (!back.has(edgeKey(e.from, e.to))) indegree.set(e.to, (indegree.get(e.to) ?? 0) + 1);
  }
  const layer = new Map<string, number>(ids.map((id) => [id, 0]));
  const queue = ids.filter((id) => indegree.get(id) === 0);
  for (let i = 0; i < queue.length; i++) {
    const u = queue[i]!;
    for (const v of out.get(u) ?? []) {
      if (back.has(edgeKey(u, v))) continue;
      layer.set(v, Math.max(layer.get(v)!, layer.get(u)! + 1));
      const d = indegree.get(v)! - 1;
      indegree.set(v, d);
      if (d === 0) queue.push(v);
    }
  }
  return layer;
}

// ---------------------------------------------------------------------------------------------------
// Text helpers

const STATUS_MARK: Record<TaskStatus, string> = {
  pending: "[ ]",
  in_progress: "[~]",
  blocked: "[!]",
  done: "[x]",
  cancelled: "[-]",
};
const MISSING_MARK = "[?]";

function markOf(n: GraphNode): string {
  return n.status === null ? MISSING_MARK : STATUS_MARK[n.status];
}

/** Control characters (C0, DEL, C1) and the invisible direction marks and overrides. */
function isUnsafeChar(cp: number): boolean {
  return (
    cp <= 0x1f ||
    (cp >= 0x7f && cp <= 0x9f) ||
    cp === 0x200e ||
    cp === 0x200f ||
    cp === 0x2028 ||
    cp === 0x2029 ||
    (cp >= 0x202a && cp <= 0x202e) ||
    (cp >= 0x2066 && cp <= 0x2069)
  );
}

/** One line of plain text: control and bidi-override characters become spaces, runs of spaces shrink. */
export function cleanText(s: string): string {
  let out = "";
  for (const ch of s.normalize("NFC")) out += isUnsafeChar(ch.codePointAt(0)!) ? " " : ch;
  return out.replace(/\s+/g, " ").trim();
}

/** The title without a leading `GH#N: ` (the issue is already the selection). */
export function shortTitle(title: string): string {
  const t = cleanText(title);
  return t.replace(/^GH#\d+:\s*/i, "") || t;
}

/** Terminal cells a code point takes: 0 for combining marks, 2 for wide East Asian and emoji, else 1. */
function charWidth(cp: number): number {
  if (
    (cp >= 0x0300 && cp <= 0x036f) ||
    (cp >= 0x1ab0 && cp <= 0x1aff) ||
    (cp >= 0x1dc0 && cp <= 0x1dff) ||
    (cp >= 0x200b && cp <= 0x200d) ||
    (cp >= 0x20d0 && cp <= 0x20ff) ||
    (cp >= 0xfe00 && cp <= 0xfe0f) ||
    (cp >= 0xfe20 && cp <= 0xfe2f)
  )
    return 0;
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x1fa70 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  )
    return 2;
  return 1;
}

export function textWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += charWidth(ch.codePointAt(0)!);
  return w;
}

/** `s` cut to at most `width` cells, ending in an ellipsis when cut. */
export function truncate(s: string, width: number): string {
  if (textWidth(s) <= width) return s;
  let out = "";
  let w = 0;
  for (const ch of s) {
    const cw = charWidth(ch.codePointAt(0)!);
    if (w + cw > width - 1) break;
    out += ch;
    w += cw;
  }
  return `${out.trimEnd()}…`;
}

// ---------------------------------------------------------------------------------------------------
// ascii

export interface AsciiOptions {
  /** The widest a box may be, borders included (default 37); longer titles end in an ellipsis. */
  maxBoxWidth?: number;
  /** Columns to fit in (a terminal's width): boxes shrink when the widest row would not fit. */
  width?: number;
}

const DEFAULT_MAX_BOX = 37;
/** Spaces between two boxes of a row. With an odd box width this keeps fan-outs symmetric. */
const GAP = 3;
/** Room for "[ ] abcdef" and a little more. */
const MIN_INNER = 11;
const NOTE_PREFIX = "after: ";

/**
 * Boxes in rows (row = layer), arrows between adjacent rows. An arrow group is drawn only when it is a
 * fan-out (one box to several below) or a fan-in (several boxes to one below) whose connector does not
 * share columns with another group, so every drawn connector reads one way. Every other dependency
 * (one that skips a row, crosses another group, or closes a cycle) is written in the dependent's box as
 * `after: <id>, ...`. Epics without dependency edges become a header line instead of a box.
 */
export function renderAscii(graph: TaskGraph, opts: AsciiOptions = {}): string {
  if (graph.nodes.length === 0) return "no tasks";
  const touched = new Set<string>();
  for (const e of graph.edges) {
    touched.add(e.from);
    touched.add(e.to);
  }
  const header: string[] = [];
  const drawn: GraphNode[] = [];
  for (const n of graph.nodes) {
    if (n.type === "epic" && !n.external && !touched.has(n.id)) {
      header.push(`epic ${markOf(n)} ${cleanText(n.id)}  ${cleanText(n.title ?? "")}`);
    } else drawn.push(n);
  }
  if (drawn.length === 0) return header.join("\n");
  const body = drawBoxes(drawn, graph.edges, opts);
  return [...header, ...(header.length > 0 ? [""] : []), ...body].join("\n");
}

interface Star {
  sources: string[];
  targets: string[];
  lo: number;
  hi: number;
}

function drawBoxes(nodes: GraphNode[], allEdges: readonly GraphEdge[], opts: AsciiOptions): string[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  // Rows: the layers present, numbered from 0.
  const layerNumbers = [...new Set(nodes.map((n) => n.layer))].sort((a, b) => a - b);
  const rank = new Map(layerNumbers.map((l, i) => [l, i]));
  const rowOf = new Map(nodes.map((n) => [n.id, rank.get(n.layer)!]));
  const rows: string[][] = layerNumbers.map(() => []);
  for (const n of nodes) rows[rowOf.get(n.id)!]!.push(n.id);

  // Edges between adjacent rows may be drawn; the others become notes in the dependent's box.
  const adjacent: GraphEdge[] = [];
  const notes = new Map<string, string[]>();
  const addNote = (e: GraphEdge) => {
    const list = notes.get(e.to);
    if (list === undefined) notes.set(e.to, [e.from]);
    else if (!list.includes(e.from)) list.push(e.from);
  };
  let cyclic = false;
  const seen = new Set<string>();
  for (const e of allEdges) {
    const k = edgeKey(e.from, e.to);
    if (seen.has(k) || !byId.has(e.from) || !byId.has(e.to)) continue;
    seen.add(k);
    const rf = rowOf.get(e.from)!;
    const rt = rowOf.get(e.to)!;
    if (rt === rf + 1) adjacent.push(e);
    else {
      if (rt <= rf) cyclic = true;
      addNote(e);
    }
  }
  const parents = new Map<string, string[]>();
  const children = new Map<string, string[]>();
  for (const e of adjacent) {
    push(parents, e.to, e.from);
    push(children, e.from, e.to);
  }
  orderRows(rows, parents, children, adjacent.length);

  // Box size: one width for all boxes, odd so that the centre column is exact.
  const maxInner = Math.max(MIN_INNER, (opts.maxBoxWidth ?? DEFAULT_MAX_BOX) - 4);
  const labelOf = (n: GraphNode) => (n.missing ? "(missing task)" : shortTitle(n.title ?? ""));
  const idLine = (n: GraphNode) =>
    `${markOf(n)} ${cleanText(n.id)}${n.external && !n.missing ? " (outside)" : ""}`;
  let need = MIN_INNER;
  for (const n of nodes) need = Math.max(need, textWidth(idLine(n)));
  // Any dependency may end up as a note ("after: <id>,"), so every source id must fit on a note line.
  for (const e of adjacent) need = Math.max(need, textWidth(NOTE_PREFIX) + textWidth(cleanText(e.from)) + 1);
  for (const list of notes.values()) {
    for (const id of list) need = Math.max(need, textWidth(NOTE_PREFIX) + textWidth(cleanText(id)) + 1);
  }
  let cap = Math.max(need, maxInner);
  const widest = Math.max(...rows.map((r) => r.length));
  if (opts.width !== undefined && opts.width > 0) {
    const fit = Math.floor((opts.width - (widest - 1) * GAP) / widest) - 4;
    cap = Math.max(need, Math.min(cap, fit));
  }
  let inner = Math.max(need, Math.min(cap, Math.max(...nodes.map((n) => textWidth(labelOf(n))))));
  if (inner % 2 === 0) inner += inner + 1 <= cap || inner - 1 < need ? 1 : -1;
  const W = inner + 4;
  const half = (W - 1) / 2;
  const slot = W + GAP;

  const content = new Map<string, string[]>();
  for (const n of nodes) {
    const lines = [truncate(labelOf(n), inner), idLine(n)];
    const list = notes.get(n.id);
    if (list !== undefined) lines.push(...wrapNote(list.map(cleanText), inner));
    content.set(n.id, lines);
  }

  // Horizontal places: each box as close as possible to the mean of its neighbours in the row above
  // (then below, then above again), keeping the order and the spacing.
  const x = new Map<string, number>();
  rows.forEach((r) => {
    r.forEach((id, i) => {
      x.set(id, i * slot);
    });
  });
  const place = (ri: number, nb: Map<string, string[]>) => {
    const row = rows[ri]!;
    const wanted = row.map((id) => {
      const ns = nb.get(id);
      return ns === undefined || ns.length === 0 ? x.get(id)! : mean(ns.map((n) => x.get(n)!));
    });
    const placed = spaced(wanted, slot);
    row.forEach((id, i) => {
      x.set(id, placed[i]!);
    });
  };
  for (let ri = 1; ri < rows.length; ri++) place(ri, parents);
  for (let ri = rows.length - 2; ri >= 0; ri--) place(ri, children);
  for (let ri = 1; ri < rows.length; ri++) place(ri, parents);
  const minX = Math.min(...x.values());
  for (const [id, v] of x) x.set(id, v - minX);
  const center = (id: string) => x.get(id)! + half;
  const canvasWidth = Math.max(...x.values()) + W;

  // Which arrow groups are drawn between row g and row g+1.
  const stars: Star[][] = rows.map(() => []);
  const byGap = new Map<number, GraphEdge[]>();
  for (const e of adjacent) push(byGap, rowOf.get(e.from)!, e);
  for (const [g, gapEdges] of byGap) {
    const candidates: GraphEdge[][] = [];
    const out = new Map<string, GraphEdge[]>();
    const inc = new Map<string, GraphEdge[]>();
    for (const e of gapEdges) {
      push(out, e.from, e);
      push(inc, e.to, e);
    }
    candidates.push(...out.values(), ...inc.values());
    const span = (es: GraphEdge[]) => {
      const cols = es.flatMap((e) => [center(e.from), center(e.to)]);
      return { lo: Math.min(...cols), hi: Math.max(...cols) };
    };
    const order = candidates.map((c, i) => ({ c, i, ...span(c) }));
    order.sort((a, b) => b.c.length - a.c.length || a.hi - a.lo - (b.hi - b.lo) || a.lo - b.lo || a.i - b.i);
    const done = new Set<string>();
    const picked: Star[] = [];
    for (const { c } of order) {
      const rest = c.filter((e) => !done.has(edgeKey(e.from, e.to)));
      if (rest.length === 0) continue;
      const { lo, hi } = span(rest);
      // Keep a blank column between two groups, so two connectors never read as one.
      if (picked.some((p) => !(hi < p.lo - 1 || lo > p.hi + 1))) continue;
      for (const e of rest) done.add(edgeKey(e.from, e.to));
      picked.push({
        sources: [...new Set(rest.map((e) => e.from))],
        targets: [...new Set(rest.map((e) => e.to))],
        lo,
        hi,
      });
    }
    for (const e of gapEdges) if (!done.has(edgeKey(e.from, e.to))) addNote(e);
    stars[g] = picked;
  }
  // Notes added just now may have grown a box: recompute its lines.
  for (const [id, list] of notes) {
    const n = byId.get(id)!;
    content.set(id, [truncate(labelOf(n), inner), idLine(n), ...wrapNote(list.map(cleanText), inner)]);
  }

  const lines: string[] = [];
  const blank = () => new Array<string>(canvasWidth).fill(" ");
  rows.forEach((row, ri) => {
    const height = Math.max(...row.map((id) => content.get(id)!.length));
    const sources = new Set(stars[ri]!.flatMap((s) => s.sources));
    const border = `+${"-".repeat(W - 2)}+`;
    const top = blank();
    for (const id of row) put(top, x.get(id)!, border);
    lines.push(top.join(""));
    for (let k = 0; k < height; k++) {
      const line = blank();
      for (const id of row) {
        put(line, x.get(id)!, `| ${centered(content.get(id)![k] ?? "", inner)} |`);
      }
      lines.push(line.join(""));
    }
    const bottom = blank();
    for (const id of row) {
      put(bottom, x.get(id)!, border);
      if (sources.has(id)) bottom[center(id)] = "+";
    }
    lines.push(bottom.join(""));
    if (ri === rows.length - 1) return;
    const stub = blank();
    const arrows = blank();
    for (const id of sources) stub[center(id)] = "|";
    const groups = stars[ri]!;
    if (groups.some((s) => s.hi > s.lo)) {
      const bus = blank();
      for (const s of groups) {
        if (s.hi === s.lo) {
          bus[s.lo] = "|";
          continue;
        }
        for (let c = s.lo; c <= s.hi; c++) bus[c] = "-";
        for (const id of [...s.sources, ...s.targets]) bus[center(id)] = "+";
      }
      lines.push(stub.join(""), bus.join(""));
    } else lines.push(stub.join(""));
    for (const s of groups) for (const id of s.targets) arrows[center(id)] = "v";
    lines.push(arrows.join(""));
  });

  const out = lines.map((l) => l.trimEnd());
  const legend: string[] = [];
  if (notes.size > 0)
    legend.push(
      "after: X = X comes first; its arrow is not drawn (it skips a row or would cross another arrow)",
    );
  if (nodes.some((n) => n.external && !n.missing))
    legend.push("(outside) = a dependency outside the selection");
  if (nodes.some((n) => n.missing)) legend.push("[?] = a dependency that names no task (see wm tasks check)");
  if (cyclic) legend.push("warning: the dependencies form a cycle (see wm tasks check)");
  if (legend.length > 0) out.push("", ...legend);
  return out;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

function mean(values: number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/**
 * Positions as close as possible (least squares) to `wanted`, in the same order, at least `slot` apart:
 * pool-adjacent-violators on wanted[i] - i*slot. Integral, and symmetric around shared wishes.
 */
function spaced(wanted: number[], slot: number): number[] {
  const blocks: Array<{ sum: number; count: number }> = [];
  wanted.forEach((w, i) => {
    blocks.push({ sum: w - i * slot, count: 1 });
    while (blocks.length >= 2) {
      const b = blocks[blocks.length - 1]!;
      const a = blocks[blocks.length - 2]!;
      if (a.sum / a.count <= b.sum / b.count) break;
      a.sum += b.sum;
      a.count += b.count;
      blocks.pop();
    }
  });
  const out: number[] = [];
  for (const b of blocks) {
    const y = Math.round(b.sum / b.count);
    for (let k = 0; k < b.count; k++) out.push(y + out.length * slot);
  }
  return out;
}

/** Orders each row to reduce crossings (barycentre sweeps), keeping the best order seen. */
function orderRows(
  rows: string[][],
  parents: Map<string, string[]>,
  children: Map<string, string[]>,
  edgeCount: number,
): void {
  const index = new Map<string, number>();
  const reindex = (r: string[]) => {
    r.forEach((id, i) => {
      index.set(id, i);
    });
  };
  rows.forEach(reindex);
  const crossings = (): number => {
    let total = 0;
    for (let ri = 0; ri + 1 < rows.length; ri++) {
      const pairs: Array<[number, number]> = [];
      for (const id of rows[ri]!)
        for (const c of children.get(id) ?? []) pairs.push([index.get(id)!, index.get(c)!]);
      for (let i = 0; i < pairs.length; i++) {
        for (let j = i + 1; j < pairs.length; j++) {
          const [a1, b1] = pairs[i]!;
          const [a2, b2] = pairs[j]!;
          if ((a1 - a2) * (b1 - b2) < 0) total++;
        }
      }
    }
    return total;
  };
  const sweeps = edgeCount <= 2000 ? 8 : 1;
  let best = rows.map((r) => [...r]);
  let bestCount = sweeps > 1 ? crossings() : 0;
  for (let s = 0; s < sweeps && (sweeps === 1 || bestCount > 0); s++) {
    const down = s % 2 === 0;
    const nb = down ? parents : children;
    const seq: number[] = [];
    if (down) for (let ri = 1; ri < rows.length; ri++) seq.push(ri);
    else for (let ri = rows.length - 2; ri >= 0; ri--) seq.push(ri);
    for (const ri of seq) {
      const row = rows[ri]!;
      const bary = new Map<string, number>();
      for (const id of row) {
        const ns = nb.get(id);
        bary.set(
          id,
          ns === undefined || ns.length === 0 ? index.get(id)! : mean(ns.map((n) => index.get(n)!)),
        );
      }
      row.sort((a, b) => bary.get(a)! - bary.get(b)! || index.get(a)! - index.get(b)!);
      reindex(row);
    }
    if (sweeps === 1) {
      best = rows.map((r) => [...r]);
      break;
    }
    const count = crossings();
    if (count < bestCount) {
      bestCount = count;
      best = rows.map((r) => [...r]);
    }
  }
  best.forEach((r, i) => {
    rows[i] = r;
  });
}

/** "after: a, b, c" wrapped to `width` cells, never splitting an id. */
function wrapNote(ids: string[], width: number): string[] {
  const lines: string[] = [];
  let cur = NOTE_PREFIX + ids[0]!;
  for (const id of ids.slice(1)) {
    if (textWidth(cur) + 2 + textWidth(id) + 1 <= width) cur += `, ${id}`;
    else {
      lines.push(`${cur},`);
      cur = id;
    }
  }
  lines.push(cur);
  return lines;
}

function centered(s: string, width: number): string {
  const room = width - textWidth(s);
  const left = Math.floor(room / 2);
  return " ".repeat(left) + s + " ".repeat(room - left);
}

/** Writes `s` into a row of cells from column `at`; a wide character takes two cells. */
function put(cells: string[], at: number, s: string): void {
  let col = at;
  for (const ch of s) {
    const w = charWidth(ch.codePointAt(0)!);
    if (w === 0) {
      if (col > at) cells[col - 1] += ch;
      continue;
    }
    cells[col] = ch;
    if (w === 2) cells[col + 1] = "";
    col += w;
  }
}

// ---------------------------------------------------------------------------------------------------
// mermaid

const LONG_LABEL = 60;

function label(n: GraphNode): string {
  return n.missing ? "(missing task)" : truncate(shortTitle(n.title ?? ""), LONG_LABEL);
}

function idNote(n: GraphNode): string {
  return `${markOf(n)} ${n.id}${n.external && !n.missing ? " (outside)" : ""}`;
}

/** Mermaid entity codes for every character that could end a label or be read as markup. */
function mermaidText(s: string): string {
  return cleanText(s).replace(/[#"<>&`]/g, (c) => `#${c.codePointAt(0)};`);
}

const MERMAID_WORDS = new Set([
  "end",
  "graph",
  "flowchart",
  "subgraph",
  "direction",
  "class",
  "classdef",
  "click",
  "style",
  "linkstyle",
  "default",
  "call",
  "href",
]);

function mermaidIds(nodes: readonly GraphNode[]): Map<string, string> {
  const ids = new Map<string, string>();
  for (const n of nodes) {
    const plain = /^[A-Za-z][A-Za-z0-9_]*$/.test(n.id) && !MERMAID_WORDS.has(n.id.toLowerCase());
    const hex = [...new TextEncoder().encode(n.id)].map((b) => b.toString(16).padStart(2, "0")).join("");
    ids.set(n.id, plain ? n.id : `x_${hex}`);
  }
  return ids;
}

const MERMAID_CLASSES: Record<string, string> = {
  done: "fill:#dcf5df,stroke:#2e7d32,color:#1b3d1e",
  in_progress: "fill:#e1efff,stroke:#1565c0,color:#0d2a4d",
  blocked: "fill:#fde3e1,stroke:#c62828,color:#4d0f0f",
  cancelled: "fill:#eeeeee,stroke:#9e9e9e,color:#616161",
  external: "stroke-dasharray:5 5",
  missing: "fill:#fff4e5,stroke:#c62828,stroke-dasharray:5 5",
};

/** `flowchart TD`: node ids are task ids, labels are quoted with entity codes, classes carry status. */
export function renderMermaid(graph: TaskGraph): string {
  const lines = ["flowchart TD"];
  if (graph.nodes.length === 0) {
    lines.push("  %% no tasks");
    return lines.join("\n");
  }
  const ids = mermaidIds(graph.nodes);
  const classes = new Map<string, string[]>();
  for (const n of graph.nodes) {
    const text = `"${mermaidText(label(n))}<br/>${mermaidText(idNote(n))}"`;
    const shaped = n.type === "epic" ? `[[${text}]]` : `[${text}]`;
    lines.push(`  ${ids.get(n.id)}${shaped}`);
    if (n.status !== null && n.status !== "pending") push(classes, n.status as string, ids.get(n.id)!);
    if (n.missing) push(classes, "missing", ids.get(n.id)!);
    else if (n.external) push(classes, "external", ids.get(n.id)!);
  }
  for (const e of graph.edges) lines.push(`  ${ids.get(e.from)} --> ${ids.get(e.to)}`);
  for (const [name, style] of Object.entries(MERMAID_CLASSES)) {
    const members = classes.get(name);
    if (members === undefined) continue;
    lines.push(`  classDef ${name} ${style}`, `  class ${members.join(",")} ${name}`);
  }
  return lines.join("\n");
}

// ---------------------------------------------------------------------------------------------------
// dot

/** Text for inside a Graphviz double-quoted string: backslashes and quotes escaped, no raw line breaks. */
function dotEscape(s: string): string {
  return cleanText(s).replace(/[\\"]/g, (c) => `\\${c}`);
}

const dotString = (s: string) => `"${dotEscape(s)}"`;

const DOT_FILL: Partial<Record<TaskStatus, string>> = {
  done: "#dcf5df",
  in_progress: "#e1efff",
  blocked: "#fde3e1",
  cancelled: "#eeeeee",
};

/** A Graphviz digraph, top to bottom. */
export function renderDot(graph: TaskGraph): string {
  const lines = [
    "digraph tasks {",
    "  rankdir=TB;",
    '  node [shape=box, style="rounded", fontname="Helvetica"];',
    '  edge [color="#555555"];',
  ];
  for (const n of graph.nodes) {
    const style = ["rounded"];
    const attrs: string[] = [];
    const classes: string[] = [];
    if (n.status !== null) classes.push(n.status);
    const fill = n.status === null ? undefined : DOT_FILL[n.status];
    if (fill !== undefined) {
      style.push("filled");
      attrs.push(`fillcolor="${fill}"`);
    }
    if (n.status === "cancelled") attrs.push('fontcolor="#616161"');
    if (n.external) {
      style.push("dashed");
      classes.push(n.missing ? "missing" : "external");
    }
    if (n.missing) attrs.push('color="#c62828"');
    if (n.type === "epic") attrs.push("shape=folder");
    const text = `"${dotEscape(label(n))}\\n${dotEscape(idNote(n))}"`;
    lines.push(
      `  ${dotString(n.id)} [label=${text}, style="${style.join(",")}", class="${classes.join(" ")}"${
        attrs.length > 0 ? `, ${attrs.join(", ")}` : ""
      }];`,
    );
  }
  for (const e of graph.edges) lines.push(`  ${dotString(e.from)} -> ${dotString(e.to)};`);
  lines.push("}");
  return lines.join("\n");
}

// ---------------------------------------------------------------------------------------------------

export function renderGraph(graph: TaskGraph, format: GraphFormat, opts: AsciiOptions = {}): string {
  switch (format) {
    case "ascii":
      return renderAscii(graph, opts);
    case "mermaid":
      return renderMermaid(graph);
    case "dot":
      return renderDot(graph);
    case "json":
      return JSON.stringify(graph, null, 2);
  }
}
