// Markdown -> spec model, through unified + remark-parse + remark-gfm (src/lib/markdown.ts, loaded on first
// use: nothing else in wm pays for them). Regexes only ever look at one inline text, never at markdown structure.

import type {
  BlockContent,
  Heading,
  List as MdList,
  Nodes,
  Paragraph,
  PhrasingContent,
  Root,
  RootContent,
} from "mdast";
import {
  type CodeBlock,
  type Field,
  type FillState,
  type List,
  type ListItem,
  lineStarts,
  locate,
  plainText,
  type Run,
  type Section,
  type Seg,
  type SkipRange,
  type Slot,
  type SpecModel,
  type Table,
} from "./model.js";
import { fillState, isNoAnswer, isUnfilled, notApplicable, OPTIONAL_COLUMN, textState } from "./values.js";

type Parse = (source: string) => Root;
let parser: Parse | null = null;

async function loadParser(): Promise<Parse> {
  // src/lib/markdown.ts: in the built CLI its own bundle, dist/lib/markdown.cjs, which the build maps this
  // import to (loaded on first use, with a code cache: scripts/build.mjs); from the sources a plain import.
  parser ??= (await import("../../lib/markdown.js")).parseMarkdown;
  return parser;
}

/** Parses a spec. `file` is only carried along for diagnostics. */
export async function parseSpec(source: string, file: string): Promise<SpecModel> {
  const parse = await loadParser();
  return buildModel(parse(source), source, file);
}

/** remark's tree of a spec alone: plain JSON data, which a cache may keep (the model is built from it). */
export async function parseMarkdown(source: string): Promise<Root> {
  const parse = await loadParser();
  return parse(source);
}

// ---------------------------------------------------------------------------------------------------
// Inline content -> segments

function start(node: Nodes): number {
  return node.position?.start.offset ?? 0;
}
function end(node: Nodes): number {
  return node.position?.end.offset ?? 0;
}

const COMMENT = /^<!--[\s\S]*?-->\s*$/;

/** Maps each character of `value` to its offset in `source[from, to)`, skipping escapes and entities. */
function alignText(source: string, from: number, to: number, value: string): number[] | undefined {
  const slice = source.slice(from, to);
  if (slice === value) return undefined;
  const map: number[] = [];
  let j = 0;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    while (j < slice.length && slice[j] !== ch) {
      if (slice[j] === "&") {
        const semi = slice.indexOf(";", j);
        if (semi > j && semi - j <= 32) {
          map.push(from + j);
          j = semi + 1;
          i++;
          if (i >= value.length) return map;
          continue;
        }
      }
      j++;
    }
    map.push(from + Math.min(j, slice.length));
    j++;
  }
  return map;
}

function flatten(
  source: string,
  nodes: readonly PhrasingContent[],
  out: Seg[] = [],
  strong = false,
  link: string | null = null,
): Seg[] {
  for (const n of nodes) {
    switch (n.type) {
      case "text": {
        const seg: Seg = { kind: "text", text: n.value, start: start(n), end: end(n), strong, link };
        const map = alignText(source, seg.start, seg.end, n.value);
        if (map) seg.map = map;
        out.push(seg);
        break;
      }
      case "inlineCode": {
        const slice = source.slice(start(n), end(n));
        const at = slice.indexOf(n.value);
        out.push({
          kind: "code",
          text: n.value,
          start: start(n) + Math.max(at, 0),
          end: end(n),
          strong,
          link,
        });
        break;
      }
      case "html":
        out.push({
          kind: COMMENT.test(n.value) ? "comment" : "html",
          text: n.value,
          start: start(n),
          end: end(n),
          strong,
          link,
        });
        break;
      case "break":
        out.push({ kind: "text", text: "\n", start: start(n), end: end(n), strong, link });
        break;
      case "strong":
        flatten(source, n.children, out, true, link);
        break;
      case "emphasis":
      case "delete":
        flatten(source, n.children, out, strong, link);
        break;
      case "link":
        flatten(source, n.children, out, strong, n.url);
        break;
      default:
        break;
    }
  }
  return out;
}

/** Splits segments into lines at the newlines inside text segments. */
function splitLines(segs: readonly Seg[]): Seg[][] {
  const lines: Seg[][] = [[]];
  for (const seg of segs) {
    if (seg.kind !== "text" || !seg.text.includes("\n")) {
      lines[lines.length - 1]!.push(seg);
      continue;
    }
    let from = 0;
    const parts = seg.text.split("\n");
    parts.forEach((part, k) => {
      if (k > 0) lines.push([]);
      if (part !== "") {
        const piece: Seg = {
          ...seg,
          text: part,
          start: offsetIn(seg, from),
          end: offsetIn(seg, from + part.length),
        };
        if (seg.map) piece.map = seg.map.slice(from, from + part.length);
        lines[lines.length - 1]!.push(piece);
      }
      from += part.length + 1;
    });
  }
  return lines;
}

function offsetIn(seg: Seg, i: number): number {
  if (seg.map) return seg.map[Math.min(i, seg.map.length - 1)] ?? seg.start;
  return seg.start + i;
}

/** Drops leading whitespace-only text segments and trims the first text segment's leading spaces. */
function trimStart(segs: readonly Seg[]): Seg[] {
  const out = [...segs];
  while (out.length > 0 && out[0]!.kind === "text" && out[0]!.text.trim() === "") out.shift();
  const first = out[0];
  if (first && first.kind === "text" && /^\s/.test(first.text)) {
    const cut = first.text.length - first.text.trimStart().length;
    const piece: Seg = { ...first, text: first.text.slice(cut), start: offsetIn(first, cut) };
    if (first.map) piece.map = first.map.slice(cut);
    out[0] = piece;
  }
  return out;
}

function sliceSeg(seg: Seg, from: number): Seg {
  const piece: Seg = { ...seg, text: seg.text.slice(from), start: offsetIn(seg, from) };
  if (seg.map) piece.map = seg.map.slice(from);
  return piece;
}

// ---------------------------------------------------------------------------------------------------
// Field lines: `**Label:** value`, `**Label**: value`, `**Question?** value`, `Label: value`

interface FieldLine {
  label: string;
  labelOffset: number;
  question: boolean;
  value: Seg[];
}

const PLAIN_LABEL = /^([A-Za-z][\w/&()' -]{0,40}?):(?=\s|$)/;

function boldField(line: readonly Seg[]): FieldLine | null {
  const segs = trimStart(line);
  let i = 0;
  let label = "";
  while (i < segs.length && segs[i]!.strong && segs[i]!.kind === "text") label += segs[i++]!.text;
  if (label === "") return null;
  const labelOffset = segs[0]!.start;
  let rest = segs.slice(i);
  let l = label.trim();
  if (!/[:?]$/.test(l)) {
    // `**Label**: value`
    const next = rest[0];
    if (next?.kind !== "text" || !next.text.startsWith(":")) return null;
    rest = [sliceSeg(next, 1), ...rest.slice(1)];
    l = `${l}:`;
  }
  const question = l.endsWith("?");
  const name = l.replace(/[:?]+$/, "").trim();
  if (name === "" || name.split(/\s+/).length > 8) return null;
  return { label: name, labelOffset, question, value: trimStart(rest) };
}

function plainField(line: readonly Seg[]): FieldLine | null {
  const segs = trimStart(line);
  const first = segs[0];
  if (first?.kind !== "text" || first.strong || first.link) return null;
  const m = PLAIN_LABEL.exec(first.text);
  if (!m || m[1]!.trim().split(/\s+/).length > 6) return null;
  const rest = [sliceSeg(first, m[0].length), ...segs.slice(1)];
  return { label: m[1]!.trim(), labelOffset: first.start, question: false, value: trimStart(rest) };
}

// ---------------------------------------------------------------------------------------------------

const FILLABLE_LANGS: Record<string, RegExp> = {
  sql: /^\s*(--.*)?$/,
  bash: /^\s*(#.*)?$/,
  sh: /^\s*(#.*)?$/,
  shell: /^\s*(#.*)?$/,
  zsh: /^\s*(#.*)?$/,
  yaml: /^\s*(#.*)?$/,
  yml: /^\s*(#.*)?$/,
  toml: /^\s*(#.*)?$/,
  python: /^\s*(#.*)?$/,
  ts: /^\s*(\/\/.*)?$/,
  typescript: /^\s*(\/\/.*)?$/,
  js: /^\s*(\/\/.*)?$/,
  javascript: /^\s*(\/\/.*)?$/,
  json: /^\s*$/,
};

function codeState(lang: string | null, value: string): { fillable: boolean; state: FillState } {
  const blank = lang ? FILLABLE_LANGS[lang] : undefined;
  if (!blank) return { fillable: false, state: "filled" };
  let body = value;
  if (lang === "sql") body = body.replace(/\/\*[\s\S]*?\*\//g, "");
  const lines = body.split("\n");
  if (lines.every((l) => l.trim() === "")) return { fillable: true, state: "empty" };
  if (lines.every((l) => blank.test(l))) return { fillable: true, state: "comment" };
  return { fillable: true, state: textState(lines.filter((l) => !blank.test(l)).join("\n")) };
}

class Builder {
  readonly sections: Section[] = [];
  readonly fields: Field[] = [];
  readonly tables: Table[] = [];
  readonly codeBlocks: CodeBlock[] = [];
  readonly lists: List[] = [];
  readonly runs: Run[] = [];
  readonly slots: Slot[] = [];
  /** Per section: blocks of its own content (not comments, not quotes) and its comment blocks. */
  readonly own = new Map<number, { content: number; comments: number[] }>();
  title: string | null = null;
  private stack: Section[] = [];

  constructor(readonly source: string) {}

  get section(): number {
    return this.stack.length === 0 ? -1 : this.stack[this.stack.length - 1]!.id;
  }

  private ownOf(id: number): { content: number; comments: number[] } {
    let o = this.own.get(id);
    if (!o) {
      o = { content: 0, comments: [] };
      this.own.set(id, o);
    }
    return o;
  }

  heading(h: Heading): void {
    const segs = flatten(this.source, h.children);
    const title = plainText(segs).trim();
    while (this.stack.length > 0 && this.stack[this.stack.length - 1]!.depth >= h.depth) {
      const closed = this.stack.pop()!;
      closed.end = start(h);
    }
    const parent = this.stack.length === 0 ? null : this.stack[this.stack.length - 1]!.id;
    for (const s of this.sections) if (s.ownEnd === -1) s.ownEnd = start(h);
    const section: Section = {
      id: this.sections.length,
      depth: h.depth,
      title,
      offset: start(h),
      end: -1,
      ownEnd: -1,
      parent,
    };
    this.sections.push(section);
    this.stack.push(section);
    if (h.depth === 1 && this.title === null) this.title = title;
    this.runs.push({ segs, offset: start(h), where: "heading", section: section.id });
  }

  finish(): void {
    for (const s of this.sections) {
      if (s.end === -1) s.end = this.source.length;
      if (s.ownEnd === -1) s.ownEnd = this.source.length;
    }
  }

  /** Processes a sequence of sibling blocks (the root's, a list item's). */
  blocks(children: readonly (RootContent | BlockContent)[], inList: boolean): void {
    let pending: Field | null = null;
    const settle = () => {
      pending = null;
    };
    for (const node of children) {
      switch (node.type) {
        case "heading":
          settle();
          this.heading(node);
          break;
        case "thematicBreak":
          settle();
          break;
        case "paragraph": {
          const fieldsBefore = this.fields.length;
          const continuation = this.paragraph(node, inList, pending !== null);
          if (pending !== null) {
            const p = pending as Field;
            if (continuation !== null) {
              // The paragraph is the value of the field above it.
              p.state = continuation.state;
              p.text = continuation.text;
              if (continuation.state !== "filled") p.offset = continuation.offset;
            }
            settle();
          }
          const last = this.fields[this.fields.length - 1];
          if (this.fields.length > fieldsBefore && last && last.state === "empty" && last.value.length === 0)
            pending = last;
          this.ownOf(this.section).content++;
          break;
        }
        case "html": {
          const isComment = COMMENT.test(node.value);
          if (pending !== null && isComment) {
            const p = pending as Field;
            if (p.state === "empty") {
              p.state = "comment";
              p.offset = start(node);
            }
          } else if (isComment) this.ownOf(this.section).comments.push(start(node));
          else this.ownOf(this.section).content++;
          break;
        }
        case "table":
          if (pending !== null) (pending as Field).container = true;
          this.table(node, pending === null ? null : (pending as Field).label);
          settle();
          this.ownOf(this.section).content++;
          break;
        case "code":
          if (pending !== null) (pending as Field).container = true;
          this.code(node, pending === null ? null : (pending as Field).label);
          settle();
          this.ownOf(this.section).content++;
          break;
        case "list":
          if (pending !== null) (pending as Field).container = true;
          this.list(node, pending === null ? null : (pending as Field).label);
          settle();
          this.ownOf(this.section).content++;
          break;
        case "blockquote":
          settle();
          this.quote(node.children);
          break;
        default:
          this.ownOf(this.section).content++;
          break;
      }
    }
  }

  private quote(children: readonly (BlockContent | RootContent)[]): void {
    for (const c of children) {
      if (c.type === "paragraph") {
        for (const line of splitLines(flatten(this.source, c.children))) {
          if (line.length > 0)
            this.runs.push({ segs: line, offset: line[0]!.start, where: "quote", section: this.section });
        }
      } else if (c.type === "blockquote") this.quote(c.children);
      else if (c.type === "list") this.list(c, null);
      else if (c.type === "code") this.code(c, null);
    }
  }

  /**
   * Records a paragraph's lines, fields and runs. When `valueWanted` (a field above waits for its value)
   * and the paragraph does not start with a field, returns the paragraph as that value.
   */
  private paragraph(
    p: Paragraph,
    inList: boolean,
    valueWanted: boolean,
  ): { state: FillState; text: string; offset: number } | null {
    const lines = splitLines(flatten(this.source, p.children)).filter((l) => l.length > 0);
    const bold = lines.map(boldField);
    const plain = lines.map(plainField);
    // A plain `Label: value` line is a field when its value is empty or a comment, when every line of
    // the paragraph is a field line, or when it is a list item's own line.
    const allFieldLines = lines.length > 1 && lines.every((_, i) => bold[i] !== null || plain[i] !== null);
    const fieldAt = (i: number): FieldLine | null => {
      if (bold[i]) return bold[i]!;
      const pl = plain[i];
      if (!pl) return null;
      const st = fillState(pl.value);
      if (st === "empty" || st === "comment" || allFieldLines || (inList && lines.length === 1)) return pl;
      return null;
    };
    const result = valueWanted && fieldAt(0) === null ? this.valueOf(lines) : null;
    let current: Field | null = null;
    const extra: Seg[] = [];
    const close = () => {
      if (current && current.value.length === 0 && extra.length > 0) {
        current.state = fillState(extra);
        current.text = plainText(extra).trim();
        if (current.state !== "filled")
          current.offset = extra.find((s) => s.text.trim() !== "")?.start ?? current.offset;
      }
      extra.length = 0;
    };
    lines.forEach((line, i) => {
      const fl = fieldAt(i);
      let field: Field | undefined;
      if (fl) {
        close();
        const state = fillState(fl.value);
        const firstValue = fl.value.find((s) => s.text.trim() !== "");
        field = {
          label: fl.label,
          labelOffset: fl.labelOffset,
          question: fl.question,
          value: fl.value,
          text: plainText(fl.value).trim(),
          state,
          container: false,
          offset: state === "empty" ? fl.labelOffset : (firstValue?.start ?? fl.labelOffset),
          section: this.section,
          inList,
        };
        this.fields.push(field);
        // A label with no value followed by more field lines heads a group (`**Most similar change:**`).
        // (`Commit/PR: ...` lines follow it); a bold label followed by another bold label is just empty.
        if (fl.value.length === 0 && i + 1 < lines.length && bold[i + 1] === null && fieldAt(i + 1) !== null)
          field.container = true;
        current = field;
      } else if (current) extra.push(...line);
      const run: Run = {
        segs: line,
        offset: line[0]!.start,
        where: inList ? "item" : "paragraph",
        section: this.section,
      };
      if (field) run.field = field;
      else if (current) run.field = current;
      this.runs.push(run);
    });
    close();
    return result;
  }

  private valueOf(lines: Seg[][]): { state: FillState; text: string; offset: number } {
    const segs = lines.flat();
    const first = segs.find((s) => s.text.trim() !== "");
    return { state: fillState(segs), text: plainText(segs).trim(), offset: first?.start ?? 0 };
  }

  private table(node: Extract<RootContent, { type: "table" }>, caption: string | null): void {
    const rows = node.children.map((row) =>
      row.children.map((cell, col) => {
        const segs = flatten(this.source, cell.children);
        const first = segs.find((s) => s.text.trim() !== "");
        return {
          segs,
          text: plainText(segs).trim(),
          state: fillState(segs),
          offset: first?.start ?? start(cell),
          col,
        };
      }),
    );
    const [header = [], ...body] = rows;
    const table: Table = {
      headers: header.map((c) => c.text),
      headerCells: header,
      rows: body.map((cells, k) => ({ cells, offset: start(node.children[k + 1]!) })),
      offset: start(node),
      section: this.section,
      caption,
    };
    this.tables.push(table);
    table.rows.forEach((row, r) => {
      for (const cell of row.cells) {
        this.runs.push({
          segs: cell.segs,
          offset: cell.offset,
          where: "cell",
          section: this.section,
          table,
          row: r,
          col: cell.col,
        });
      }
    });
  }

  private code(node: Extract<RootContent, { type: "code" }>, caption: string | null): void {
    const lang = node.lang ? node.lang.toLowerCase() : null;
    const { fillable, state } = codeState(lang, node.value);
    const startPos = node.position?.start;
    this.codeBlocks.push({
      lang,
      value: node.value,
      offset: start(node),
      contentLine: (startPos?.line ?? 1) + 1,
      indent: (startPos?.column ?? 1) - 1,
      section: this.section,
      state,
      fillable,
      caption,
    });
  }

  private list(node: MdList, caption: string | null): void {
    const items: ListItem[] = [];
    for (const item of node.children) {
      const first = item.children[0];
      let segs: Seg[] = [];
      let isField = false;
      if (first?.type === "paragraph") {
        const before = this.fields.length;
        this.blocks([first], true);
        isField = this.fields.length > before;
        segs = flatten(this.source, first.children);
        this.blocks(item.children.slice(1), true);
      } else {
        if (first?.type === "html") {
          segs = [
            {
              kind: COMMENT.test(first.value) ? "comment" : "html",
              text: first.value,
              start: start(first),
              end: end(first),
              strong: false,
              link: null,
            },
          ];
        }
        this.blocks(item.children.slice(first?.type === "html" ? 1 : 0), true);
      }
      const hasMore = item.children.length > 1;
      let state = fillState(segs);
      if (hasMore && isUnfilled(state)) state = "filled";
      items.push({
        segs,
        text: plainText(segs).trim(),
        state,
        offset: segs.find((s) => s.text.trim() !== "")?.start ?? start(item),
        isField,
      });
    }
    this.lists.push({ items, offset: start(node), section: this.section, caption });
  }

  collectSlots(): void {
    const slots: Slot[] = [];
    for (const f of this.fields) {
      if (!f.container)
        slots.push({ kind: "field", label: f.label, state: f.state, offset: f.offset, section: f.section });
    }
    for (const t of this.tables) {
      const rowUnfilled = t.rows.map((r) => r.cells.every((c) => isUnfilled(c.state)));
      const anyFilledRow = rowUnfilled.some((u) => !u);
      t.rows.forEach((row, r) => {
        // A placeholder row left beside filled rows is leftover template, not a slot.
        if (rowUnfilled[r] && anyFilledRow) return;
        for (const c of row.cells) {
          // A Notes column may stay empty (or keep its template comment).
          if (OPTIONAL_COLUMN.test((t.headers[c.col] ?? "").trim()) && isUnfilled(c.state)) continue;
          slots.push({
            kind: "cell",
            label: t.headers[c.col] ?? `column ${c.col + 1}`,
            state: c.state,
            offset: c.offset,
            section: t.section,
            table: t,
            row: r,
            col: c.col,
          });
        }
      });
    }
    for (const l of this.lists) {
      const plainItems = l.items.filter((i) => !i.isField);
      if (plainItems.length === 0) continue;
      const filled = plainItems.some((i) => i.state === "filled");
      const other = plainItems.find((i) => !isUnfilled(i.state) && i.state !== "filled");
      const firstOpen = plainItems.find((i) => i.state !== "filled")!;
      slots.push({
        kind: "list",
        label: l.caption ?? "list",
        state: filled ? "filled" : (other?.state ?? firstOpen.state),
        offset: filled ? l.offset : (other ?? firstOpen).offset,
        section: l.section,
      });
    }
    for (const c of this.codeBlocks) {
      if (c.fillable)
        slots.push({
          kind: "code",
          label: c.caption ?? `${c.lang} block`,
          state: c.state,
          offset: c.offset,
          section: c.section,
        });
    }
    for (const s of this.sections) {
      const hasChildren = this.sections.some((x) => x.parent === s.id);
      if (hasChildren || s.depth === 1) continue;
      const own = this.own.get(s.id);
      if (own && own.content > 0) continue;
      if (own && own.comments.length > 0) {
        slots.push({
          kind: "paragraph",
          label: s.title,
          state: "comment",
          offset: own.comments[0]!,
          section: s.id,
        });
      } else {
        slots.push({ kind: "paragraph", label: s.title, state: "empty", offset: s.offset, section: s.id });
      }
    }
    slots.sort((a, b) => a.offset - b.offset);
    this.slots.push(...slots);
  }
}

function words(s: string): Set<string> {
  return new Set(
    s
      .toLowerCase()
      .split(/[^a-z]+/)
      .filter((w) => w.length >= 4)
      .map((w) => w.replace(/s$/, "")),
  );
}

function sharesWord(a: string, b: string): boolean {
  const wb = words(b);
  return [...words(a)].some((w) => wb.has(w));
}

function within(s: Section, offset: number): boolean {
  return offset >= s.offset && offset < s.end;
}

function computeSkips(b: Builder, model: Pick<SpecModel, "naWithoutReason">): SkipRange[] {
  const skips: SkipRange[] = [];
  const ancestors = (id: number): Section[] => {
    const out: Section[] = [];
    let cur: number | null = id;
    while (cur !== null && cur >= 0) {
      const s: Section = b.sections[cur]!;
      out.push(s);
      cur = s.parent;
    }
    return out;
  };
  // N/A sections: a heading that says N/A, or a first paragraph that does.
  for (const s of b.sections) {
    const firstRun = b.runs.find(
      (r) => r.offset > s.offset && r.offset < s.ownEnd && r.where !== "heading" && r.where !== "quote",
    );
    const firstText = firstRun && firstRun.where !== "cell" ? plainText(firstRun.segs).trim() : "";
    let na: { reason: string } | null = null;
    const at = s.title.search(/\bN\/A\b/i);
    if (at >= 0) {
      na = notApplicable(s.title.slice(at));
      if (na && na.reason === "" && firstText !== "") na = { reason: firstText };
    } else na = notApplicable(firstText);
    if (na) {
      skips.push({ start: s.offset, end: s.end, reason: `section "${s.title}" is marked N/A` });
      if (na.reason === "")
        model.naWithoutReason.push({ section: s, offset: at >= 0 ? s.offset : firstRun!.offset });
    }
  }
  // A "No" to a question gates what belongs to that question. When the question opens a section (it is the
  // section's first slot) and names its subject, that is the whole section, subsections included, climbing
  // to a parent the same way ("Migration needed?" first in "4.1 Migration Details" gates "4. Database
  // Migration"). Otherwise it is the question's own part: up to the next `**Question?**` or the next heading,
  // whichever comes first ("Data repair needed? No" does not gate a later "Same bug elsewhere?").
  const questions = b.fields.filter((f) => f.question).map((f) => f.labelOffset);
  for (const f of b.fields) {
    if (!f.question || f.container || !isNoAnswer(f.text)) continue;
    const chain = ancestors(f.section).filter((s) => s.depth >= 2);
    let gate: Section | null = null;
    for (const s of chain) {
      const first = b.slots.find((x) => within(s, x.offset));
      if (first?.kind !== "field" || first.offset !== f.offset) break;
      if (!sharesWord(f.label, s.title)) break;
      gate = s;
    }
    const reason = `"${f.label}?" is answered ${f.text.split(/\s/)[0]}`;
    if (gate) skips.push({ start: gate.offset, end: gate.end, reason });
    else {
      const own = f.section >= 0 ? b.sections[f.section] : undefined;
      const nextHeading = own ? own.ownEnd : (b.sections[0]?.offset ?? b.source.length);
      const nextQuestion = questions.find((o) => o > f.labelOffset) ?? b.source.length;
      skips.push({ start: f.labelOffset, end: Math.min(nextHeading, nextQuestion), reason });
    }
  }
  // An optional section nobody touched.
  for (const s of b.sections) {
    if (!/\boptional\b/i.test(s.title)) continue;
    const inside = b.slots.filter((x) => within(s, x.offset));
    if (inside.every((x) => isUnfilled(x.state)))
      skips.push({ start: s.offset, end: s.end, reason: `optional section "${s.title}" is left out` });
  }
  return skips;
}

function specIssue(fields: readonly Field[]): number | null {
  for (const f of fields) {
    if (!/^(github\s+|gh\s+)?issue(\s+(number|#|no\.?))?$/i.test(f.label)) continue;
    const m = /^(?:gh)?#?\s*([1-9][0-9]{0,9})\b/i.exec(f.text);
    if (m) return Number(m[1]);
  }
  return null;
}

/** Builds the model from an mdast tree. Pure and synchronous: tests may call it with any tree. */
export function buildModel(tree: Root, source: string, file: string): SpecModel {
  const b = new Builder(source);
  b.blocks(tree.children, false);
  b.finish();
  b.collectSlots();
  const starts = lineStarts(source);
  const model: SpecModel = {
    file,
    source,
    title: b.title,
    sections: b.sections,
    fields: b.fields,
    tables: b.tables,
    codeBlocks: b.codeBlocks,
    lists: b.lists,
    runs: b.runs.sort((a, c) => a.offset - c.offset),
    slots: b.slots,
    skips: [],
    naWithoutReason: [],
    issue: specIssue(b.fields),
    at: (offset) => locate(starts, offset),
    skipped: (offset) => model.skips.find((s) => offset >= s.start && offset < s.end)?.reason ?? null,
  };
  model.skips = computeSkips(b, model);
  return model;
}
