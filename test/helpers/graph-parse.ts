// Readers for `wm tasks graph` output, written independently of the renderers: they recover the graph from
// what is on the page, so a test can check that every edge is shown, and shown only once.

export interface TracedBox {
  id: string;
  top: number;
  bottom: number;
  left: number;
  right: number;
  /** Content lines, trimmed. */
  lines: string[];
  outside: boolean;
  mark: string;
}

export interface Traced {
  boxes: TracedBox[];
  /** Edges drawn as connectors, "from->to". */
  drawn: string[];
  /** Edges written as "after: <id>" notes, "from->to". */
  noted: string[];
  /** Arrows or stubs that lead nowhere. */
  problems: string[];
}

const ID_LINE = /^(\[[ x~!?-]\]) (\S+)( \(outside\))?$/;

/** Finds the boxes of an ascii drawing and follows every connector from its `v` arrow back to its sources. */
export function traceAscii(text: string): Traced {
  // Header lines (the epic, legends) are text, not drawing: blank them so an id holding a "v" or "+" in
  // them is not read as an arrow or a corner.
  const rows = text
    .split("\n")
    .map((r) => (/^(epic |after: |\(outside\) = |\[\?\] = |warning: )/.test(r) ? "" : r));
  const width = Math.max(...rows.map((r) => r.length));
  const grid = rows.map((r) => r.padEnd(width, " ").split(""));
  const at = (r: number, c: number) => grid[r]?.[c] ?? " ";
  const boxes: TracedBox[] = [];
  const problems: string[] = [];
  for (let r = 0; r < grid.length; r++) {
    for (let c = 0; c < width; c++) {
      if (at(r, c) !== "+" || at(r + 1, c) !== "|") continue;
      const c2 = grid[r]!.indexOf("+", c + 1);
      if (c2 < 0 || at(r + 1, c2) !== "|") continue;
      if (grid[r]!.slice(c + 1, c2).some((ch) => ch !== "-")) continue;
      let rr = r + 1;
      while (at(rr, c) === "|" && at(rr, c2) === "|") rr++;
      if (at(rr, c) !== "+" || at(rr, c2) !== "+") continue;
      const lines = grid.slice(r + 1, rr).map((row) =>
        row
          .slice(c + 1, c2)
          .join("")
          .trim(),
      );
      const idAt = lines.findIndex((l) => ID_LINE.test(l));
      if (idAt < 0) {
        problems.push(`box at ${r}:${c} has no id line`);
        continue;
      }
      const m = ID_LINE.exec(lines[idAt]!)!;
      boxes.push({
        id: m[2]!,
        mark: m[1]!,
        outside: m[3] !== undefined,
        top: r,
        bottom: rr,
        left: c,
        right: c2,
        lines,
      });
    }
  }
  const inBox = (r: number, c: number) =>
    boxes.some((b) => r >= b.top && r <= b.bottom && c >= b.left && c <= b.right);
  const boxWithTop = (r: number, c: number) => boxes.find((b) => b.top === r && c > b.left && c < b.right);
  const boxWithBottom = (r: number, c: number) =>
    boxes.find((b) => b.bottom === r && c > b.left && c < b.right && at(r, c) === "+");

  const drawn = new Set<string>();
  const usedStubs = new Set<string>();
  for (let r = 0; r < grid.length; r++) {
    for (let c = 0; c < width; c++) {
      if (at(r, c) !== "v" || inBox(r, c)) continue;
      const target = boxWithTop(r + 1, c);
      if (target === undefined) {
        problems.push(`arrow at ${r}:${c} points at no box`);
        continue;
      }
      const sources: TracedBox[] = [];
      const up = at(r - 1, c);
      if (up === "|") {
        let rr = r - 2;
        if (at(rr, c) === "|") rr--;
        const s = boxWithBottom(rr, c);
        if (s) sources.push(s);
      } else if (up === "+") {
        const bus = r - 1;
        let lo = c;
        let hi = c;
        while ("-+".includes(at(bus, lo - 1))) lo--;
        while ("-+".includes(at(bus, hi + 1))) hi++;
        for (let k = lo; k <= hi; k++) {
          if (at(bus, k) !== "+" || at(bus - 1, k) !== "|") continue;
          const s = boxWithBottom(bus - 2, k);
          if (s) sources.push(s);
          else problems.push(`stub at ${bus - 1}:${k} comes from no box`);
        }
      }
      if (sources.length === 0) problems.push(`arrow at ${r}:${c} comes from nowhere`);
      for (const s of sources) {
        drawn.add(`${s.id}->${target.id}`);
        usedStubs.add(s.id);
      }
    }
  }
  // A box whose bottom border has a junction must have an arrow leaving it.
  for (const b of boxes) {
    const hasJunction = grid[b.bottom]!.slice(b.left + 1, b.right).includes("+");
    if (hasJunction && !usedStubs.has(b.id)) problems.push(`box ${b.id} has a stub that leads nowhere`);
  }
  const noted: string[] = [];
  for (const b of boxes) {
    const idAt = b.lines.findIndex((l) => ID_LINE.test(l));
    const rest = b.lines
      .slice(idAt + 1)
      .join(" ")
      .trim();
    if (rest === "") continue;
    if (!rest.startsWith("after:")) {
      problems.push(`box ${b.id} has unexpected text: ${rest}`);
      continue;
    }
    for (const id of rest
      .slice("after:".length)
      .split(/[,\s]+/)
      .filter((s) => s !== ""))
      noted.push(`${id}->${b.id}`);
  }
  return { boxes, drawn: [...drawn].sort(), noted: noted.sort(), problems };
}

// ---------------------------------------------------------------------------------------------------

export interface DotGraph {
  name: string;
  nodes: Map<string, Record<string, string>>;
  edges: Array<[string, string]>;
}

type Tok = { kind: "id" | "str" | "punct"; value: string };

function dotTokens(text: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === '"') {
      let value = "";
      i++;
      for (;;) {
        if (i >= text.length) throw new Error("dot: unterminated string");
        const c = text[i]!;
        if (c === "\n") throw new Error("dot: raw line break inside a string");
        if (c === "\\") {
          const n = text[i + 1];
          if (n === undefined) throw new Error("dot: backslash at end of input");
          value += n === '"' ? '"' : n === "\\" ? "\\" : `\\${n}`;
          i += 2;
          continue;
        }
        if (c === '"') {
          i++;
          break;
        }
        value += c;
        i++;
      }
      toks.push({ kind: "str", value });
      continue;
    }
    if (text.startsWith("->", i)) {
      toks.push({ kind: "punct", value: "->" });
      i += 2;
      continue;
    }
    if ("{}[];,=".includes(ch)) {
      toks.push({ kind: "punct", value: ch });
      i++;
      continue;
    }
    const m = /^[A-Za-z_0-9.]+/.exec(text.slice(i));
    if (!m) throw new Error(`dot: unexpected character ${JSON.stringify(ch)} at ${i}`);
    toks.push({ kind: "id", value: m[0] });
    i += m[0].length;
  }
  return toks;
}

/** A strict parser for the subset of the DOT language that `wm tasks graph --format=dot` writes. */
export function parseDot(text: string): DotGraph {
  const toks = dotTokens(text);
  let p = 0;
  const peek = () => toks[p];
  const next = () => {
    const t = toks[p++];
    if (t === undefined) throw new Error("dot: unexpected end of input");
    return t;
  };
  const expect = (value: string) => {
    const t = next();
    if (t.value !== value || t.kind === "str") throw new Error(`dot: expected ${value}, got ${t.value}`);
  };
  const idTok = () => {
    const t = next();
    if (t.kind === "punct") throw new Error(`dot: expected an id, got ${t.value}`);
    return t.value;
  };
  const attrs = (): Record<string, string> => {
    const out: Record<string, string> = {};
    if (peek()?.value !== "[" || peek()?.kind === "str") return out;
    expect("[");
    while (!(peek()?.kind === "punct" && peek()?.value === "]")) {
      const k = idTok();
      expect("=");
      out[k] = idTok();
      if (peek()?.kind === "punct" && (peek()?.value === "," || peek()?.value === ";")) p++;
    }
    expect("]");
    return out;
  };
  expect("digraph");
  const name = peek()?.value === "{" ? "" : idTok();
  expect("{");
  const nodes = new Map<string, Record<string, string>>();
  const edges: Array<[string, string]> = [];
  while (!(peek()?.kind === "punct" && peek()?.value === "}")) {
    const first = next();
    if (first.kind === "punct") throw new Error(`dot: unexpected ${first.value}`);
    if (first.kind === "id" && ["node", "edge", "graph"].includes(first.value)) {
      attrs();
    } else if (peek()?.kind === "punct" && peek()?.value === "=") {
      p++;
      idTok();
    } else if (peek()?.kind === "punct" && peek()?.value === "->") {
      p++;
      const to = idTok();
      attrs();
      edges.push([first.value, to]);
    } else {
      nodes.set(first.value, attrs());
    }
    expect(";");
  }
  expect("}");
  if (p !== toks.length) throw new Error("dot: text after the closing brace");
  return { name, nodes, edges };
}

// ---------------------------------------------------------------------------------------------------

export interface MermaidGraph {
  nodes: Map<string, { label: string; shape: string }>;
  edges: Array<[string, string]>;
  classes: Map<string, string[]>;
}

/** A strict reader for the mermaid flowcharts `wm tasks graph --format=mermaid` writes. */
export function parseMermaid(text: string): MermaidGraph {
  const lines = text.split("\n");
  if (lines[0] !== "flowchart TD") throw new Error(`mermaid: first line is ${lines[0]}`);
  const nodes = new Map<string, { label: string; shape: string }>();
  const edges: Array<[string, string]> = [];
  const classes = new Map<string, string[]>();
  for (const raw of lines.slice(1)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("%%")) continue;
    let m = /^([A-Za-z][A-Za-z0-9_]*)(\[\[|\[)"([^"]*)"(\]\]|\])$/.exec(line);
    if (m) {
      const label = m[3]!;
      const withoutBreaks = label.replaceAll("<br/>", "");
      if (/[<>`]/.test(withoutBreaks)) throw new Error(`mermaid: raw markup in label ${label}`);
      if (/#(?!\d+;)/.test(withoutBreaks)) throw new Error(`mermaid: bare # in label ${label}`);
      if (/&/.test(withoutBreaks)) throw new Error(`mermaid: bare & in label ${label}`);
      const decoded = label
        .split("<br/>")
        .map((part) => part.replace(/#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n))))
        .join("\n");
      nodes.set(m[1]!, { label: decoded, shape: m[2]! });
      continue;
    }
    m = /^([A-Za-z][A-Za-z0-9_]*) --> ([A-Za-z][A-Za-z0-9_]*)$/.exec(line);
    if (m) {
      edges.push([m[1]!, m[2]!]);
      continue;
    }
    if (/^classDef [a-z_]+ [a-z-]+:.+$/.test(line)) continue;
    m = /^class ([A-Za-z0-9_,]+) ([a-z_]+)$/.exec(line);
    if (m) {
      classes.set(m[2]!, m[1]!.split(","));
      continue;
    }
    throw new Error(`mermaid: unexpected line: ${line}`);
  }
  for (const [a, b] of edges) {
    if (!nodes.has(a) || !nodes.has(b)) throw new Error(`mermaid: edge ${a} --> ${b} to an undeclared node`);
  }
  return { nodes, edges, classes };
}
