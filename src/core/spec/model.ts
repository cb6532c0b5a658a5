// The spec model: what the parser extracts from a planning spec, with exact source offsets. Pure data.
// Offsets are 0-based into `source`; `SpecModel.at(offset)` turns one into a 1-based line and column.

/** A leaf of inline content, flattened out of strong/emphasis/links. */
export interface Seg {
  kind: "text" | "code" | "comment" | "html";
  /** The text as the reader sees it (escapes and entities resolved; for code, the code's value). */
  text: string;
  /** Source offset of text[0]. */
  start: number;
  /** Source offset just past the segment. */
  end: number;
  /** Inside `**...**` (labels). */
  strong: boolean;
  /** Inside a link: its destination. */
  link: string | null;
  /** Per-character source offsets when the source differs from `text` (escapes, entities). */
  map?: number[];
}

/**
 * How far a slot is from done: `filled`, or why not: nothing (`empty`), only a template comment
 * (`comment`), a stand-in like TBD (`placeholder`), a leftover `{{variable}}` (`variable`), or the
 * template's alternatives left as they were (`choice`).
 */
export type FillState = "filled" | "empty" | "comment" | "placeholder" | "variable" | "choice";

export interface Section {
  id: number;
  depth: number;
  title: string;
  /** Offset of the heading's first character. */
  offset: number;
  /** Offset past the section's last content (next heading of the same or a higher level, or EOF). */
  end: number;
  /** Offset past the section's own content (next heading of any level, or EOF). */
  ownEnd: number;
  parent: number | null;
}

export interface Field {
  label: string;
  labelOffset: number;
  /** The label ends with `?`: a yes/no question. */
  question: boolean;
  /** The value on the label's line (may be empty when the value follows on the next lines). */
  value: Seg[];
  /** The value's text without comments, trimmed. */
  text: string;
  state: FillState;
  /** The value is a table, list or code block that follows: those are the slots, not the field. */
  container: boolean;
  /** Where a finding about the value points. */
  offset: number;
  section: number;
  inList: boolean;
}

export interface Cell {
  segs: Seg[];
  text: string;
  state: FillState;
  /** Offset of the cell's first content character (or of its pipe when empty). */
  offset: number;
  col: number;
}

export interface Row {
  cells: Cell[];
  offset: number;
}

export interface Table {
  headers: string[];
  headerCells: Cell[];
  rows: Row[];
  offset: number;
  section: number;
  /** The label of a `**Label:**` field right above the table, if any. */
  caption: string | null;
}

export interface CodeBlock {
  lang: string | null;
  value: string;
  /** Offset of the opening fence. */
  offset: number;
  /** 1-based source line of the first content line. */
  contentLine: number;
  /** Columns of indentation removed from each content line (fences inside lists). */
  indent: number;
  section: number;
  state: FillState;
  /** The block asks to be filled (a language with known comment syntax). */
  fillable: boolean;
  caption: string | null;
}

export interface ListItem {
  segs: Seg[];
  text: string;
  state: FillState;
  offset: number;
  isField: boolean;
}

export interface List {
  items: ListItem[];
  offset: number;
  section: number;
  caption: string | null;
}

/** One line of inline content somewhere in the spec: a paragraph line, a cell, a list line, a heading. */
export interface Run {
  segs: Seg[];
  offset: number;
  where: "paragraph" | "cell" | "item" | "heading" | "quote";
  section: number;
  /** For cells: the table and the cell's position in it. */
  table?: Table;
  row?: number;
  col?: number;
  /** For a field's line: the field. */
  field?: Field;
}

export interface Slot {
  kind: "field" | "cell" | "list" | "code" | "paragraph";
  label: string;
  state: FillState;
  offset: number;
  section: number;
  /** For cells: the row's index and whether all the row's cells are unfilled. */
  table?: Table;
  row?: number;
  col?: number;
}

export interface SkipRange {
  start: number;
  end: number;
  reason: string;
}

export interface SpecModel {
  file: string;
  source: string;
  title: string | null;
  sections: Section[];
  fields: Field[];
  tables: Table[];
  codeBlocks: CodeBlock[];
  lists: List[];
  runs: Run[];
  slots: Slot[];
  /** Regions that are not applicable: N/A sections, sections gated by a "No", untouched optional sections. */
  skips: SkipRange[];
  /** Sections marked N/A without a reason, with the offset of their N/A. */
  naWithoutReason: Array<{ section: Section; offset: number }>;
  /** The issue number the spec names in its `**GitHub Issue:**` field, if any. */
  issue: number | null;
  at(offset: number): { line: number; column: number };
  /** The reason the offset is in a not-applicable region, or null. */
  skipped(offset: number): string | null;
}

/** Source offset of character `i` of a segment's text. */
export function segOffset(seg: Seg, i: number): number {
  if (seg.map) return seg.map[Math.min(i, seg.map.length - 1)] ?? seg.start;
  return seg.start + i;
}

/** The plain text of segments, comments left out. */
export function plainText(segs: readonly Seg[]): string {
  return segs
    .filter((s) => s.kind !== "comment")
    .map((s) => s.text)
    .join("");
}

export function lineStarts(source: string): number[] {
  const starts = [0];
  for (let i = 0; i < source.length; i++) if (source.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

export function locate(starts: readonly number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo]! + 1 };
}
