// Which strings in a spec name repository paths, and what the spec says about each: it must exist
// (Modify/Delete rows, "Related files", "Based On"), it must not exist yet (Create rows, New Files), or
// it is mentioned in prose. URLs, package names, env var names, commands and words with spaces are
// not paths. Regexes here only look at one token.

import { type Field, type Run, type Seg, type SpecModel, segOffset, type Table } from "./model.js";
import type { SpecRepo } from "./repo.js";
import { hasTemplateVariable } from "./values.js";

/**
 * What the spec says about a path: it exists now (`exist`: Modify/Delete rows, Related files, Based On),
 * it is new (`create`), it may be new (`maybe-create`: a location field), it exists now or the spec creates
 * it (`planned`: other path columns), prose mentions it (`mention`: same as planned, stricter token test),
 * or its row's change type is still an unresolved choice (`undecided`: whether it should exist is open).
 */
export type Intent = "exist" | "create" | "maybe-create" | "planned" | "mention" | "undecided";

export interface LineRange {
  start: number;
  end: number;
  offset: number;
  text: string;
}

export interface PathRef {
  /** As written, without a `:10-20` / `#L10` suffix. */
  raw: string;
  /** Normalised repository-relative POSIX path; a trailing `/` kept for directories. */
  path: string;
  offset: number;
  intent: Intent;
  /** Where the spec says it: a path column, a path field, or backticks in prose. */
  source: "column" | "field" | "prose";
  /** The column header or field label. */
  label: string;
  glob: boolean;
  dir: boolean;
  /** Why the path would leave the repository, if it would. */
  escapes: "absolute" | "home" | "parent" | null;
  /** A template marker (`XXXX`, `NNNN`, `YYYYMMDD`) or a `{{variable}}` sits in the path. */
  marker: string | null;
  variable: boolean;
  ranges: LineRange[];
  section: number;
}

/** Column headers whose cells name files: `File`, `Path`, `File Path`, `Based On`, `Test File`, `Example File`... */
const PATH_COLUMN = /^(paths?|[\w /-]*\bfiles?|[\w /-]*\bfile ?paths?|file ?names?|based on)$/i;
const LINES_COLUMN = /^(relevant )?lines?( range)?$/i;
const CHANGE_COLUMN = /\b(change|type|action|operation|status)\b/i;
const EXIST_FIELD =
  /^(files changed|related files?|based on|existing files?|current files?|files? to (modify|update|change))$/i;
const CREATE_FIELD = /\b(location|migration file|new files?|output file)\b/i;
const NEW_FILES_TITLE = /\bnew files?\b/i;
/** A table about what is there today: its paths must exist now. */
const CURRENT_TITLE = /\b(related files?|existing|current)\b/i;

const CREATE_WORDS = new Set(["create", "created", "new", "add", "added"]);
const MODIFY_WORDS = new Set([
  "modify",
  "modified",
  "update",
  "updated",
  "edit",
  "change",
  "changed",
  "delete",
  "deleted",
  "remove",
  "removed",
]);

/** Extensions that make a bare `name.ext` a file name. Kept to ones that are rarely anything else. */
const EXTENSIONS = new Set(
  (
    "md mdx markdown rst adoc txt ts tsx mts cts js jsx mjs cjs json jsonc json5 yml yaml toml ini cfg conf " +
    "sql sh bash zsh fish ps1 bat cmd py pyi rb go rs java kt kts swift scala clj ex exs erl hs ml c h cc cpp " +
    "hpp cs fs php pl lua r dart vue svelte astro html htm css scss sass less xml xsd csv tsv lock gradle tf " +
    "tfvars hcl proto graphql gql prisma dockerfile mk cmake properties plist svg png jpg jpeg gif ico webp pdf " +
    "wasm patch diff tpl j2 jinja snap sqlite db pem crt http rego cue nix bzl bazel star vim el gemspec podspec"
  ).split(" "),
);

const BARE_NAMES = new Set([
  "Dockerfile",
  "Makefile",
  "Procfile",
  "Gemfile",
  "Rakefile",
  "Jenkinsfile",
  "Brewfile",
  "Justfile",
  "Vagrantfile",
  "Containerfile",
  "Caddyfile",
  "Tiltfile",
  "LICENSE",
  "CODEOWNERS",
  "OWNERS",
]);

/** Top-level directories of generated or installed things: not in the index, not a spec's concern. */
const GENERATED_ROOTS = new Set([
  "node_modules",
  "dist",
  "build",
  "out",
  "coverage",
  ".next",
  ".nuxt",
  ".turbo",
  ".cache",
  "target",
  ".venv",
  "venv",
  "__pycache__",
  ".git",
  "tmp",
]);

const MARKER = /(?:^|[^A-Za-z])(X{3,}|x{3,}|N{3,}|YYYYMMDD(?:HHMMSS)?|YYYY-MM-DD|<[^>]*>)(?=[^A-Za-z]|$)/;

function extension(name: string): string | null {
  const dot = name.lastIndexOf(".");
  if (dot <= 0 || dot === name.length - 1) return null;
  return name.slice(dot + 1).toLowerCase();
}

function hasGlob(s: string): boolean {
  return /[*?]|\[[^\]]+\]|\{[^}]*,[^}]*\}/.test(s);
}

/** Splits `path:10-20`, `path:10`, `path#L10-L20`, `path#L10` into the path and its range. */
export function splitRange(token: string): {
  path: string;
  range: { start: number; end: number; at: number } | null;
} {
  const m = /^(.+?)(?::L?(\d+)(?:-L?(\d+))?|#L(\d+)(?:-L?(\d+))?)$/.exec(token);
  if (!m) return { path: token, range: null };
  const a = Number(m[2] ?? m[4]);
  const b = m[3] ?? m[5];
  return { path: m[1]!, range: { start: a, end: b === undefined ? a : Number(b), at: m[1]!.length + 1 } };
}

/** Normalises `./a/../b/` to `b/`. Returns null when `..` climbs out of the root. */
export function normalise(path: string): string | null {
  const dir = path.endsWith("/");
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length === 0) return null;
      out.pop();
    } else out.push(part);
  }
  const joined = out.join("/");
  return dir && joined !== "" ? `${joined}/` : joined;
}

function tokenChars(t: string): boolean {
  return /^[\w.\-/*?[\]{}~+,:#]+$/.test(t) && !/^[-#:+,]/.test(t);
}

function isUrlish(t: string): boolean {
  return (
    /^[a-z][a-z0-9+.-]*:\/\//i.test(t) ||
    /^(www\.|mailto:)/i.test(t) ||
    /^[\w.-]+\.(com|org|net|io|dev|app)(\/|$)/i.test(t)
  );
}

export interface Classified {
  path: string;
  escapes: PathRef["escapes"];
  range: { start: number; end: number; at: number } | null;
}

/**
 * Decides whether a token names a repository path. `strict` (prose) asks for more evidence than a
 * path column does, because prose is full of routes, MIME types, branch names and `owner/repo`s.
 */
export function classifyToken(token: string, strict: boolean, repo: SpecRepo): Classified | null {
  const t = token.trim();
  if (t === "" || t.length > 300 || /\s/.test(t)) return null;
  if (isUrlish(t) || t.startsWith("@") || t.includes("@") || t.startsWith("$")) return null;
  if (/^(n\/a|none|tbd|-+|—|–)$/i.test(t)) return null;
  if (/^[A-Z]{1,5}(\/[A-Z]{1,5})+$/.test(t)) return null; // CI/CD, I/O, TCP/IP
  if (/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/.test(t)) return null; // ENV_VAR_NAMES
  if (t.startsWith("~/") || t === "~") return strict ? null : { path: t, escapes: "home", range: null };
  if (/^[A-Za-z]:[\\/]/.test(t)) return strict ? null : { path: t, escapes: "absolute", range: null };
  if (!tokenChars(t)) return null;
  const { path, range } = splitRange(t);
  if (path.startsWith("/")) {
    // Prose: `/api/users`, `/health`, `/etc/hosts` are routes or system paths, not claims about the repo.
    return strict ? null : { path, escapes: "absolute", range };
  }
  const norm = normalise(path);
  if (norm === null) return { path, escapes: "parent", range };
  if (norm === "") return null;
  const segments = norm.replace(/\/$/, "").split("/");
  const last = segments[segments.length - 1]!;
  const ext = extension(last);
  const glob = hasGlob(norm);
  if (segments.length === 1 && !norm.endsWith("/")) {
    // A bare name: `package.json`, `Dockerfile`, `*.md`.
    if (BARE_NAMES.has(last)) return { path: norm, escapes: null, range };
    if (glob) return /^\*+\.[A-Za-z0-9]+$/.test(last) ? { path: norm, escapes: null, range } : null;
    if (!ext || !EXTENSIONS.has(ext)) return null;
    if (strict && ext === "js" && /^[A-Z][A-Za-z0-9]*\.js$/.test(last)) return null; // Node.js, Next.js
    if (strict && last.startsWith(".")) return null;
    return { path: norm, escapes: null, range };
  }
  if (!strict) return { path: norm, escapes: null, range };
  // Prose with a slash: `src/x.ts`, `docs/`, or a first segment the repository has.
  const first = segments[0]!;
  if (GENERATED_ROOTS.has(first) && !repo.hasDir(first)) return null;
  if (repo.hasDir(first) || repo.hasFile(first)) return { path: norm, escapes: null, range };
  if (path.startsWith("./") || path.startsWith("../")) return { path: norm, escapes: null, range };
  if (ext && EXTENSIONS.has(ext) && !/^[A-Z]/.test(first)) return { path: norm, escapes: null, range };
  if (norm.endsWith("/") && segments.length >= 2) return { path: norm, escapes: null, range };
  return null;
}

/** Line ranges written as words after a path: `lines 45-78`, `lines 45 to 78`, `line 12`, `L10-L20`. */
function wordRanges(seg: Seg, from: number): LineRange[] {
  const out: LineRange[] = [];
  const re = /\b(?:lines?\s+(\d+)(?:(?:\s*[-–]\s*|\s+to\s+)(\d+))?|L(\d+)(?:\s*[-–]\s*L?(\d+))?)\b/gi;
  re.lastIndex = from;
  for (let m = re.exec(seg.text); m; m = re.exec(seg.text)) {
    const a = Number(m[1] ?? m[3]);
    const b = m[2] ?? m[4];
    out.push({ start: a, end: b === undefined ? a : Number(b), offset: segOffset(seg, m.index), text: m[0] });
  }
  return out;
}

/** A range written before its path, ending the text: `lines 20-31 of `, `line 12 of `, `lines 20 to 31 in `. */
const RANGE_BEFORE = /\b(lines?\s+(\d+)(?:(?:\s*[-–]\s*|\s+to\s+)(\d+))?)\s+(?:of|in)\s+$/i;

function rangeBefore(seg: Seg, upTo: number): LineRange | null {
  const m = RANGE_BEFORE.exec(seg.text.slice(0, upTo));
  if (!m) return null;
  const a = Number(m[2]);
  return {
    start: a,
    end: m[3] === undefined ? a : Number(m[3]),
    offset: segOffset(seg, m.index),
    text: m[1]!,
  };
}

/** A Relevant Lines cell: `45-78`, `12, 30-40`, `L10-L20`. Anything else (`all`, `n/a`) is not a range. */
export function cellRanges(seg: Seg): LineRange[] | null {
  const text = seg.text;
  if (!/^\s*(lines?\s*)?L?\d+(\s*[-–]\s*L?\d+)?(\s*,\s*L?\d+(\s*[-–]\s*L?\d+)?)*\s*$/i.test(text))
    return null;
  const out: LineRange[] = [];
  const re = /L?(\d+)(?:\s*[-–]\s*L?(\d+))?/gi;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const b = m[2];
    out.push({
      start: Number(m[1]),
      end: b === undefined ? Number(m[1]) : Number(b),
      offset: segOffset(seg, m.index),
      text: m[0],
    });
  }
  return out;
}

function markerOf(path: string): string | null {
  const base = path.replace(/\/$/, "").split("/").pop() ?? "";
  const m = MARKER.exec(base);
  return m ? m[1]! : null;
}

function intentOfRow(table: Table, row: number): Intent | null {
  for (const cell of table.rows[row]?.cells ?? []) {
    if (!CHANGE_COLUMN.test(table.headers[cell.col] ?? "")) continue;
    // `Create/Modify/Delete` left unresolved: the row says nothing about the path yet.
    if (cell.state === "choice") return "undecided";
    const word = cell.text.trim().toLowerCase();
    if (CREATE_WORDS.has(word)) return "create";
    if (MODIFY_WORDS.has(word)) return "exist";
  }
  return null;
}

/** A token of a cell or field value; `index`/`end` are where it starts and ends in `seg.text`. */
interface Token {
  text: string;
  offset: number;
  seg: Seg;
  index: number;
  end: number;
}

/** Tokens of a cell or field value: its code spans, else its words. Each with its source offset. */
function tokens(segs: readonly Seg[], codeOnly: boolean): Token[] {
  const out: Token[] = [];
  const codes = segs.filter((s) => s.kind === "code");
  if (codes.length > 0 || codeOnly) {
    for (const s of codes)
      out.push({
        text: s.text.trim(),
        offset: s.start + (s.text.length - s.text.trimStart().length),
        seg: s,
        index: 0,
        end: s.text.length,
      });
    return out;
  }
  for (const s of segs) {
    if (s.kind !== "text" || s.link) continue;
    const re = /[^\s,;()"'`]+/g;
    for (let m = re.exec(s.text); m; m = re.exec(s.text)) {
      const word = m[0].replace(/[.:]+$/, "");
      out.push({
        text: word,
        offset: segOffset(s, m.index),
        seg: s,
        index: m.index,
        end: m.index + m[0].length,
      });
    }
  }
  return out;
}

function fieldIntent(f: Field | undefined): Intent | null {
  if (!f) return null;
  if (EXIST_FIELD.test(f.label)) return "exist";
  if (CREATE_FIELD.test(f.label)) return "maybe-create";
  return null;
}

/** Every path reference in the spec, in source order. */
export function pathRefs(model: SpecModel, repo: SpecRepo): PathRef[] {
  const refs: PathRef[] = [];
  const push = (
    raw: string,
    written: string,
    offset: number,
    c: Classified,
    intent: Intent,
    source: PathRef["source"],
    label: string,
    run: Run,
  ): PathRef => {
    const ref: PathRef = {
      raw,
      path: c.path,
      offset,
      intent,
      source,
      label,
      glob: hasGlob(c.path),
      dir: c.path.endsWith("/"),
      escapes: c.escapes,
      marker: markerOf(c.path),
      variable: hasTemplateVariable(raw),
      ranges: c.range
        ? [
            {
              start: c.range.start,
              end: c.range.end,
              offset: offset + c.range.at,
              text: written.slice(c.range.at),
            },
          ]
        : [],
      section: run.section,
    };
    refs.push(ref);
    return ref;
  };

  for (const run of model.runs) {
    // Headings name things; block quotes are the template's instructions to the agent.
    if (run.where === "heading" || run.where === "quote") continue;
    let intent: Intent = "mention";
    let source: PathRef["source"] = "prose";
    let label = "";
    let codeOnly = true;
    let valueSegs: readonly Seg[] = run.segs;
    if (run.where === "cell" && run.table && run.row !== undefined && run.col !== undefined) {
      const header = run.table.headers[run.col] ?? "";
      if (PATH_COLUMN.test(header.trim())) {
        source = "column";
        label = header;
        codeOnly = false;
        const newFiles =
          /^new files?$/i.test(header.trim()) ||
          NEW_FILES_TITLE.test(model.sections[run.table.section]?.title ?? "") ||
          NEW_FILES_TITLE.test(run.table.caption ?? "");
        const current =
          CURRENT_TITLE.test(run.table.caption ?? "") ||
          CURRENT_TITLE.test(model.sections[run.table.section]?.title ?? "");
        if (/^based on$/i.test(header.trim())) intent = "exist";
        else
          intent = intentOfRow(run.table, run.row) ?? (newFiles ? "create" : current ? "exist" : "planned");
      }
    } else if (run.field) {
      const fi = fieldIntent(run.field);
      if (fi && run.field.value.length > 0 && run.segs.includes(run.field.value[0]!)) {
        source = "field";
        label = run.field.label;
        intent = fi;
        codeOnly = false;
        valueSegs = run.field.value;
      } else if (
        fi &&
        run.field.value.length === 0 &&
        !run.segs.some((s) => s.start === run.field!.labelOffset)
      ) {
        // A continuation line of a field whose value starts on the next line.
        source = "field";
        label = run.field.label;
        intent = fi;
        codeOnly = false;
      }
    }
    const strict = source === "prose";
    const found: Array<{ tok: Token; c: Classified; before: LineRange | null }> = [];
    for (const tok of tokens(valueSegs, codeOnly)) {
      const c = classifyToken(tok.text, strict, repo);
      if (!c) continue;
      // `lines 20-31 of `path``: the range right before the path, in its own text or the text before the code span.
      let before: LineRange | null = null;
      if (tok.seg.kind === "text") before = rangeBefore(tok.seg, tok.index);
      else {
        const prev = run.segs[run.segs.indexOf(tok.seg) - 1];
        if (prev && prev.kind === "text") before = rangeBefore(prev, prev.text.length);
      }
      found.push({ tok, c, before });
    }
    // A range written before a path is that path's, never the previous path's "lines a-b" after it.
    const claimed = new Set(found.flatMap((f) => (f.before ? [f.before.offset] : [])));
    for (const { tok, c, before } of found) {
      const raw = c.range ? tok.text.slice(0, c.range.at - 1) : tok.text;
      const ref = push(raw, tok.text, tok.offset, c, intent, source, label, run);
      if (before) ref.ranges.push(before);
      // `lines 45-78` written right after the path, in the same text or the text after a code span.
      const near = (seg: Seg, from: number) =>
        wordRanges(seg, from).filter((r) => r.offset - segOffset(seg, from) <= 15 && !claimed.has(r.offset));
      if (tok.seg.kind === "text") ref.ranges.push(...near(tok.seg, tok.end));
      else {
        const next = run.segs[run.segs.indexOf(tok.seg) + 1];
        if (next && next.kind === "text") ref.ranges.push(...near(next, 0));
      }
    }
  }

  // A Relevant Lines cell applies to the path in its row.
  for (const table of model.tables) {
    const linesCol = table.headers.findIndex((h) => LINES_COLUMN.test(h.trim()));
    if (linesCol < 0) continue;
    for (const row of table.rows) {
      const cell = row.cells[linesCol];
      const k = row.cells.findIndex((c) => PATH_COLUMN.test((table.headers[c.col] ?? "").trim()));
      if (!cell || k < 0) continue;
      const from = row.cells[k]!.offset;
      const to = row.cells[k + 1]?.offset ?? Number.POSITIVE_INFINITY;
      const ref = refs.find((r) => r.source === "column" && r.offset >= from && r.offset < to);
      if (!ref) continue;
      for (const seg of cell.segs) {
        if (seg.kind !== "text" && seg.kind !== "code") continue;
        const ranges = cellRanges(seg);
        if (ranges) ref.ranges.push(...ranges);
      }
    }
  }
  return refs.sort((a, b) => a.offset - b.offset);
}

/** Paths the spec says it will (or, on an undecided row, may) create, and the directories they imply. */
export function createdPaths(refs: readonly PathRef[]): {
  files: Set<string>;
  dirs: Set<string>;
  basenames: Set<string>;
} {
  const files = new Set<string>();
  const dirs = new Set<string>();
  const basenames = new Set<string>();
  for (const r of refs) {
    if (r.intent !== "create" && r.intent !== "maybe-create" && r.intent !== "undecided") continue;
    const p = r.path.replace(/\/$/, "");
    if (r.dir) dirs.add(p);
    else {
      files.add(p);
      basenames.add(p.split("/").pop()!);
    }
    const parts = p.split("/");
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join("/"));
  }
  return { files, dirs, basenames };
}

const memo = new WeakMap<SpecModel, PathRef[]>();

/** `pathRefs`, computed once per model. */
export function refsOf(model: SpecModel, repo: SpecRepo): PathRef[] {
  let refs = memo.get(model);
  if (!refs) {
    refs = pathRefs(model, repo);
    memo.set(model, refs);
  }
  return refs;
}

export function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return 99;
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

/** The closest name among candidates within two edits, if there is exactly one best. */
export function closest(name: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = 3;
  let tie = false;
  for (const c of candidates) {
    const d = editDistance(name, c);
    if (d < bestD) {
      best = c;
      bestD = d;
      tie = false;
    } else if (d === bestD) tie = true;
  }
  return tie ? null : best;
}

export function dirname(path: string): string {
  const p = path.replace(/\/$/, "");
  const i = p.lastIndexOf("/");
  return i < 0 ? "" : p.slice(0, i);
}

export function basename(path: string): string {
  return path.replace(/\/$/, "").split("/").pop() ?? "";
}

/** "did you mean" for a path that does not exist. */
export function suggestPath(path: string, repo: SpecRepo): string | null {
  const p = path.replace(/\/$/, "");
  const base = basename(p);
  const same = repo.withBasename(base).filter((x) => x !== p);
  if (same.length >= 1 && same.length <= 3) return same.join(" or ");
  const parent = dirname(p);
  if (parent === "" || repo.hasDir(parent)) {
    const near = closest(base, repo.listDir(parent));
    if (near) return parent === "" ? near : `${parent}/${near}`;
  } else {
    // A typo in a directory: find the deepest existing ancestor and the closest child name under it.
    const parts = p.split("/");
    for (let i = parts.length - 2; i >= 0; i--) {
      const anc = parts.slice(0, i).join("/");
      if (i === 0 || repo.hasDir(anc)) {
        const near = closest(parts[i]!, repo.listDir(anc));
        if (!near) return null;
        const fixed = [...parts.slice(0, i), near, ...parts.slice(i + 1)].join("/");
        return repo.hasFile(fixed) || repo.hasDir(fixed) ? fixed : null;
      }
    }
  }
  return null;
}
