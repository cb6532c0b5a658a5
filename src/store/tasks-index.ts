// A derived, git-ignored index of .wm/tasks.yaml in .wm/cache/, so that hot commands (hooks,
// `wm tasks ready`, `wm tasks list --issue N`, `wm tasks create`) never parse 10,000 tasks of YAML and
// read little more than what they print. The YAML is always the truth: deleting .wm/cache/ costs one
// slow read. See docs/decisions/0008-tasks-index.md.
//
// .wm/cache/tasks.body  "<gen>\n" then one JSON line per task, in file order. Appends only, until the
//                       next full rebuild, which writes a new generation.
// .wm/cache/tasks.idx   "WMIDX4 " + meta length (10 digits) + "\n" + meta JSON + "\n" + spans + columns
//   meta:    the key of the tasks.yaml it describes (inode, size, mtime and ctime in ns) and its last
//            bytes (writers check them inside the lock), the body generation, the precomputed ready list
//            and the runs of each issue's tasks.
//   spans:   where each task's line is in the body: 8 bytes per task, start and end as uint32 LE. Binary,
//            so that opening the index does not parse 20,000 numbers of JSON (~1 ms at 10,000 tasks).
//   columns: the graph skeleton, one JSON value a line (ids, st, ty, issue, parent, deps: see Columns),
//            each parsed only when a command asks for it (the `wm tasks done` gate: ids, deps and st).

import {
  appendFileSync,
  closeSync,
  fstatSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { type GraphNode, readyTasks } from "../core/graph.js";
import { resolveId } from "../core/ids.js";
import type { Task, TaskFile, TaskStatus, TaskType } from "../core/task.js";
import { randomHex } from "./builtins.js";
import type { ProjectPaths } from "./paths.js";

const MAGIC = "WMIDX4 ";
const PREFIX_LEN = MAGIC.length + 11;

/**
 * The graph skeleton, one column per field, so that reading it costs a few long strings rather than
 * 10,000 small objects. Task k is line k of `ids`, `parent`, `deps` (comma-separated) and char k of `st`, `ty`.
 */
export interface Columns {
  ids: string;
  st: string;
  ty: string;
  issue: number[];
  parent: string;
  deps: string;
}

const ST: Record<TaskStatus, string> = {
  pending: "p",
  in_progress: "i",
  blocked: "b",
  done: "d",
  cancelled: "c",
};
const TY: Record<TaskType, string> = {
  epic: "e",
  impl: "i",
  verify: "v",
  test: "t",
  review: "r",
  task: "k",
  bug: "g",
  chore: "c",
};
const ST_OF = Object.fromEntries(Object.entries(ST).map(([k, v]) => [v, k])) as Record<string, TaskStatus>;
const TY_OF = Object.fromEntries(Object.entries(TY).map(([k, v]) => [v, k])) as Record<string, TaskType>;

/** The columns' order in the file, one JSON value a line. */
const COLUMN_ORDER = ["ids", "st", "ty", "issue", "parent", "deps"] as const satisfies ReadonlyArray<
  keyof Columns
>;

/** What `wm tasks create` needs to know of the graph, without materialising every task. */
export interface GraphView {
  /** The number of tasks. */
  readonly count: number;
  /** The id of task k. */
  id(k: number): string;
  /** Whether a task has exactly this id. */
  has(id: string): boolean;
  /** An exact id or a unique prefix of one, as resolveId (a UsageError otherwise). */
  resolve(input: string): string;
  /** The positions of an issue's tasks, in file order. */
  ofIssue(issue: number): number[];
  status(k: number): TaskStatus;
  type(k: number): TaskType;
  issue(k: number): number | undefined;
}

export interface IndexMeta {
  v: 4;
  key: string;
  size: number;
  /** The last bytes of tasks.yaml (hex): a writer checks them besides the stat key. */
  tail: string;
  gen: string;
  canonical: boolean;
  count: number;
  /** Indices of the ready tasks, in file order. */
  ready: number[];
  /** For each issue number, the runs [firstIndex, lastIndex] of its tasks, in file order. */
  issues: Record<string, number[]>;
  /** created and id of the last task in file order (a new task that sorts after it can be appended). */
  last: [string, string] | null;
}

export interface SkeletonNode extends GraphNode {
  issue?: number;
  /** Position in file order. */
  index: number;
}

function cacheDir(paths: ProjectPaths): string {
  return join(paths.wmDir, "cache");
}

/** The stat key of a file, or null when it does not exist. */
export function fileKey(path: string): { key: string; size: number } | null {
  try {
    const s = statSync(path, { bigint: true });
    return { key: `${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`, size: Number(s.size) };
  } catch {
    return null;
  }
}

export const TAIL_BYTES = 64;

/** The tail of the file's bytes as recorded in the index. */
export function tailOf(data: Buffer): string {
  return data.subarray(Math.max(0, data.length - TAIL_BYTES)).toString("hex");
}

export function columnsOf(tasks: readonly Task[]): Columns {
  let st = "";
  let ty = "";
  const issue = new Array<number>(tasks.length);
  for (let k = 0; k < tasks.length; k++) {
    const t = tasks[k]!;
    st += ST[t.status];
    ty += TY[t.type];
    issue[k] = t.issue ?? 0;
  }
  return {
    ids: tasks.map((t) => t.id).join("\n"),
    st,
    ty,
    issue,
    parent: tasks.map((t) => t.parent ?? "").join("\n"),
    deps: tasks.map((t) => t.depends_on.join(",")).join("\n"),
  };
}

function appendColumns(c: Columns, t: Task, first: boolean): Columns {
  const sep = first ? "" : "\n";
  return {
    ids: c.ids + sep + t.id,
    st: c.st + ST[t.status],
    ty: c.ty + TY[t.type],
    issue: [...c.issue, t.issue ?? 0],
    parent: c.parent + sep + (t.parent ?? ""),
    deps: c.deps + sep + t.depends_on.join(","),
  };
}

/** Each task's body byte range: [start, end) of task k at 2k, 2k+1; an array, or the binary form in the file. */
type Spans = readonly number[] | Buffer;

function encodeSpans(spans: Spans): Buffer {
  if (Buffer.isBuffer(spans)) return spans;
  const buf = Buffer.alloc(spans.length * 4);
  // A body past 4 GB cannot be indexed this way: writing throws and the caller goes without an index.
  for (let i = 0; i < spans.length; i++) buf.writeUInt32LE(spans[i]!, i * 4);
  return buf;
}

/** An open index: meta and spans always, the skeleton columns and the body on demand. */
export class TasksIndex {
  private body: Buffer | null = null;
  private cols: Partial<Columns>;
  private idList: string[] | null = null;
  /** "\n" + the ids column + "\n", for finding one id without splitting them all. */
  private idLines: string | null = null;

  constructor(
    readonly meta: IndexMeta,
    private readonly spans: Spans,
    private readonly paths: ProjectPaths | null,
    private readonly columnsRaw: Buffer | null,
    preset?: { columns: Columns; body: Buffer },
  ) {
    this.cols = preset?.columns ?? {};
    if (preset) this.body = preset.body;
  }

  get count(): number {
    return this.meta.count;
  }

  /** Task k's body byte range [start, end). */
  span(k: number): [number, number] {
    const s = this.spans;
    return Buffer.isBuffer(s)
      ? [s.readUInt32LE(8 * k), s.readUInt32LE(8 * k + 4)]
      : [s[2 * k]!, s[2 * k + 1]!];
  }

  /** The spans in the file's binary form. */
  spansBuf(): Buffer {
    return encodeSpans(this.spans);
  }

  /** One column, parsed on first use (each is one JSON line in the file). */
  column<K extends keyof Columns>(name: K): Columns[K] {
    const have = this.cols[name];
    if (have !== undefined) return have as Columns[K];
    const raw = this.columnsRaw;
    if (raw === null) throw new StaleIndex();
    let start = 0;
    for (let i = COLUMN_ORDER.indexOf(name); i > 0; i--) {
      const nl = raw.indexOf(10, start);
      if (nl < 0) throw new StaleIndex();
      start = nl + 1;
    }
    const end = raw.indexOf(10, start);
    const value = JSON.parse(raw.toString("utf8", start, end < 0 ? raw.length : end)) as Columns[K];
    this.cols[name] = value;
    return value;
  }

  columns(): Columns {
    const c = {} as Record<keyof Columns, unknown>;
    for (const name of COLUMN_ORDER) c[name] = this.column(name);
    return c as Columns;
  }

  ids(): string[] {
    if (this.idList === null) this.idList = this.count === 0 ? [] : this.column("ids").split("\n");
    return this.idList;
  }

  private idText(): string {
    if (this.idLines === null) this.idLines = this.count === 0 ? "\n" : `\n${this.column("ids")}\n`;
    return this.idLines;
  }

  /** The position of the task with this exact id, or -1. */
  positionOf(id: string): number {
    if (id === "" || id.includes("\n")) return -1;
    const text = this.idText();
    const at = text.indexOf(`\n${id}\n`);
    if (at < 0) return -1;
    // Task k's line starts after the (k+1)th newline: count the newlines before `at`.
    let k = 0;
    for (let p = text.indexOf("\n", 1); p !== -1 && p <= at; p = text.indexOf("\n", p + 1)) k++;
    return k;
  }

  /** The ids that start with `prefix` (not empty), in file order. */
  idsStartingWith(prefix: string): string[] {
    if (prefix === "" || prefix.includes("\n")) return [];
    const text = this.idText();
    const out: string[] = [];
    for (let at = text.indexOf(`\n${prefix}`); at !== -1 && at < text.length - 1; ) {
      const end = text.indexOf("\n", at + 1);
      out.push(text.slice(at + 1, end));
      at = text.indexOf(`\n${prefix}`, end);
    }
    return out;
  }

  /**
   * The columns in the file's form (one JSON value a line) with `task` appended. Spliced into the stored
   * lines where there are some, without parsing and re-serialising 10,000 values.
   */
  columnsAppended(task: Task): Buffer {
    const first = this.count === 0;
    const raw = this.columnsRaw;
    if (raw === null) return encodeColumns(appendColumns(this.columns(), task, first));
    const sep = first ? "" : "\n";
    const add: Record<keyof Columns, string> = {
      ids: sep + task.id,
      st: ST[task.status],
      ty: TY[task.type],
      issue: `${first ? "" : ","}${task.issue ?? 0}`,
      parent: sep + (task.parent ?? ""),
      deps: sep + task.depends_on.join(","),
    };
    const parts: Buffer[] = [];
    let start = 0;
    for (const name of COLUMN_ORDER) {
      const nl = raw.indexOf(10, start);
      if (nl < start + 2) throw new StaleIndex();
      const close = raw[nl - 1]!;
      if (close !== (name === "issue" ? 0x5d : 0x22)) throw new StaleIndex(); // ] or "
      parts.push(raw.subarray(start, nl - 1));
      // A string column grows inside its quotes: the added text in JSON's escaping, without its quotes.
      const text = name === "issue" ? add.issue : JSON.stringify(add[name]).slice(1, -1);
      parts.push(Buffer.from(`${text}${String.fromCharCode(close)}\n`, "utf8"));
      start = nl + 1;
    }
    return Buffer.concat(parts);
  }

  /** The id of task k, without splitting them all. */
  idAt(k: number): string {
    if (this.idList !== null) return this.idList[k]!;
    const text = this.idText();
    let start = 1;
    for (let i = 0; i < k; i++) start = text.indexOf("\n", start) + 1;
    return text.slice(start, text.indexOf("\n", start));
  }

  view(): GraphView {
    // Each column is parsed when first asked for; the ids are never split: an id is found by searching
    // the column's text.
    return {
      count: this.count,
      id: (k) => this.idAt(k),
      has: (id) => this.positionOf(id) >= 0,
      resolve: (input) => {
        const wanted = input.trim().toLowerCase();
        return resolveId(this.positionOf(wanted) >= 0 ? [wanted] : this.idsStartingWith(wanted), input);
      },
      ofIssue: (issue) => this.issueIndices(issue),
      status: (k) => ST_OF[this.column("st")[k]!]!,
      type: (k) => TY_OF[this.column("ty")[k]!]!,
      issue: (k) => {
        const n = this.column("issue")[k];
        return n === 0 ? undefined : n;
      },
    };
  }

  skeleton(): SkeletonNode[] {
    const c = this.columns();
    const ids = this.ids();
    const parents = c.parent.split("\n");
    const deps = c.deps.split("\n");
    const out = new Array<SkeletonNode>(ids.length);
    for (let k = 0; k < ids.length; k++) {
      const n: SkeletonNode = {
        id: ids[k]!,
        status: ST_OF[c.st[k]!]!,
        type: TY_OF[c.ty[k]!]!,
        depends_on: deps[k] ? deps[k]!.split(",") : [],
        index: k,
      };
      if (c.issue[k] !== 0) n.issue = c.issue[k]!;
      if (parents[k]) n.parent = parents[k]!;
      out[k] = n;
    }
    return out;
  }

  private fd: number | null = null;

  /** The body file, opened once and checked to be the generation this index describes. */
  private bodyFd(): number {
    if (this.fd === null) {
      const fd = openSync(join(cacheDir(this.paths!), "tasks.body"), "r");
      const head = Buffer.alloc(this.meta.gen.length + 1);
      readSync(fd, head, 0, head.length, 0);
      if (head.toString("latin1") !== `${this.meta.gen}\n`) {
        closeSync(fd);
        throw new StaleIndex();
      }
      this.fd = fd;
    }
    return this.fd;
  }

  /** Checks that the body is there and belongs to this index (throws StaleIndex otherwise). */
  check(): void {
    if (this.body === null) this.bodyFd();
  }

  /** The whole body (read on first use). */
  bodyBuf(): Buffer {
    if (this.body === null) {
      const fd = this.bodyFd();
      const size = fstatSync(fd).size;
      const buf = Buffer.alloc(size);
      let off = 0;
      while (off < size) {
        const n = readSync(fd, buf, off, size - off, off);
        if (n === 0) break;
        off += n;
      }
      this.body = buf;
    }
    return this.body;
  }

  task(k: number): Task {
    const [start, end] = this.span(k);
    if (this.body !== null) return JSON.parse(this.body.toString("utf8", start, end)) as Task;
    const buf = Buffer.alloc(end - start);
    readSync(this.bodyFd(), buf, 0, buf.length, start);
    return JSON.parse(buf.toString("utf8")) as Task;
  }

  tasks(indices: readonly number[]): Task[] {
    if (this.body !== null || indices.length < 2) return indices.map((k) => this.task(k));
    // One read of the byte range that holds them all (an issue's tasks are mostly adjacent), when small.
    let lo = Number.POSITIVE_INFINITY;
    let hi = 0;
    for (const k of indices) {
      const [start, end] = this.span(k);
      if (start < lo) lo = start;
      if (end > hi) hi = end;
    }
    if (hi - lo > 1 << 20) return indices.map((k) => this.task(k));
    const buf = Buffer.allocUnsafe(hi - lo);
    const n = readSync(this.bodyFd(), buf, 0, buf.length, lo);
    return indices.map((k) => {
      const [start, end] = this.span(k);
      if (end - lo > n) return this.task(k);
      return JSON.parse(buf.toString("utf8", start - lo, end - lo)) as Task;
    });
  }

  all(): Task[] {
    this.bodyBuf();
    const out = new Array<Task>(this.count);
    for (let k = 0; k < this.count; k++) out[k] = this.task(k);
    return out;
  }

  /** Indices of the tasks of one issue, in file order. */
  issueIndices(issue: number): number[] {
    const runs = this.meta.issues[String(issue)] ?? [];
    const out: number[] = [];
    for (let r = 0; r < runs.length; r += 2) for (let k = runs[r]!; k <= runs[r + 1]!; k++) out.push(k);
    return out;
  }
}

/** Thrown when the body does not belong to the index read a moment before (a rebuild in between). */
export class StaleIndex extends Error {}

function issueRuns(tasks: ReadonlyArray<{ issue?: number }>): Record<string, number[]> {
  const runs: Record<string, number[]> = {};
  for (let k = 0; k < tasks.length; k++) {
    const issue = tasks[k]!.issue;
    if (issue === undefined) continue;
    addToRuns(runs, issue, k);
  }
  return runs;
}

function addToRuns(runs: Record<string, number[]>, issue: number, k: number): void {
  const key = String(issue);
  const r = runs[key];
  if (r === undefined) runs[key] = [k, k];
  else if (r[r.length - 1] === k - 1) r[r.length - 1] = k;
  else r.push(k, k);
}

/** A complete index of `file` (tasks in file order) for the tasks.yaml described by key and crc. */
export function buildIndex(
  file: TaskFile,
  key: { key: string; size: number },
  tail: string,
  canonical: boolean,
): TasksIndex {
  const gen = randomHex(6);
  const indexOfTask = new Map(file.tasks.map((t, k) => [t, k]));
  const parts: string[] = [gen];
  const lines: number[] = [];
  let pos = gen.length + 1;
  for (const t of file.tasks) {
    const json = JSON.stringify(t);
    parts.push(json);
    const len = Buffer.byteLength(json, "utf8");
    lines.push(pos, pos + len);
    pos += len + 1;
  }
  const body = Buffer.from(`${parts.join("\n")}\n`, "utf8");
  const columns = columnsOf(file.tasks);
  const lastTask = file.tasks[file.tasks.length - 1];
  const meta: IndexMeta = {
    v: 4,
    key: key.key,
    size: key.size,
    tail,
    gen,
    canonical,
    count: file.tasks.length,
    ready: readyTasks(file.tasks).map((t) => indexOfTask.get(t)!),
    issues: issueRuns(file.tasks),
    last: lastTask ? [lastTask.created, lastTask.id] : null,
  };
  return new TasksIndex(meta, lines, null, null, { columns, body });
}

/**
 * The index extended by one task appended at the end of the file: its meta, spans and columns (in the
 * file's form) and the line to append to the body. `bodyEnd` is the body's current length.
 */
export function appendedIndex(
  index: TasksIndex,
  task: Task,
  key: { key: string; size: number },
  tail: string,
  bodyEnd: number,
): { meta: IndexMeta; spans: Buffer; columns: Buffer; line: string } {
  const old = index.meta;
  const k = old.count;
  const json = JSON.stringify(task);
  const len = Buffer.byteLength(json, "utf8");
  let issues = old.issues;
  if (task.issue !== undefined) {
    const at = String(task.issue);
    issues = { ...issues, [at]: [...(issues[at] ?? [])] };
    addToRuns(issues, task.issue, k);
  }
  // Readiness changes only for the new task (it is pending) and its parent (an epic with a new open child
  // is no longer ready to close). It has no dependents yet.
  const view = index.view();
  const depsResolved = task.depends_on.every((d) => {
    const at = index.positionOf(d);
    const s = at < 0 ? undefined : view.status(at);
    return s === "done" || s === "cancelled";
  });
  let ready = old.ready;
  if (task.parent !== undefined) {
    const p = index.positionOf(task.parent);
    ready = ready.filter((r) => r !== p);
  }
  if (task.status === "pending" && depsResolved) ready = [...ready, k];
  const meta: IndexMeta = {
    ...old,
    key: key.key,
    size: key.size,
    tail,
    count: k + 1,
    ready,
    issues,
    last: [task.created, task.id],
  };
  const spans = Buffer.concat([index.spansBuf(), encodeSpans([bodyEnd, bodyEnd + len])]);
  return { meta, spans, columns: index.columnsAppended(task), line: `${json}\n` };
}

/** Reads the index if it describes the current tasks.yaml (by stat key); null otherwise. */
export function readIndex(paths: ProjectPaths, current: { key: string } | null): TasksIndex | null {
  if (current === null) return null;
  let fd: number;
  try {
    fd = openSync(join(cacheDir(paths), "tasks.idx"), "r");
  } catch {
    return null;
  }
  try {
    const size = fstatSync(fd).size;
    if (size < PREFIX_LEN) return null;
    // Every byte is read into it (checked below), so it need not be zeroed first.
    const all = Buffer.allocUnsafe(size);
    if (readSync(fd, all, 0, size, 0) !== size) return null;
    if (all.toString("latin1", 0, MAGIC.length) !== MAGIC) return null;
    const len = Number(all.toString("latin1", MAGIC.length, MAGIC.length + 10));
    if (!Number.isInteger(len) || len <= 0) return null;
    const meta = JSON.parse(all.toString("utf8", PREFIX_LEN, PREFIX_LEN + len)) as IndexMeta;
    if (meta.v !== 4 || meta.key !== current.key || !Number.isInteger(meta.count) || meta.count < 0)
      return null;
    const spansAt = PREFIX_LEN + len + 1;
    const colsAt = spansAt + 8 * meta.count;
    if (colsAt > size) return null;
    return new TasksIndex(meta, all.subarray(spansAt, colsAt), paths, all.subarray(colsAt));
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

function encodeColumns(columns: Columns): Buffer {
  return Buffer.from(`${COLUMN_ORDER.map((name) => JSON.stringify(columns[name])).join("\n")}\n`, "utf8");
}

function writeIdx(paths: ProjectPaths, meta: IndexMeta, spans: Buffer, columns: Buffer): void {
  const dir = cacheDir(paths);
  const metaBuf = Buffer.from(JSON.stringify(meta), "utf8");
  const content = Buffer.concat([
    Buffer.from(`${MAGIC}${String(metaBuf.length).padStart(10, "0")}\n`, "latin1"),
    metaBuf,
    Buffer.from("\n", "latin1"),
    spans,
    columns,
  ]);
  const tmp = join(dir, `tasks.idx.${process.pid}.tmp`);
  writeFileSync(tmp, content);
  renameSync(tmp, join(dir, "tasks.idx"));
}

function ensureDir(paths: ProjectPaths): void {
  const dir = cacheDir(paths);
  mkdirSync(dir, { recursive: true });
  try {
    writeFileSync(join(dir, ".gitignore"), "*\n", { flag: "wx" });
  } catch {}
}

/** Writes a complete index (body first, then idx). Best effort: a read-only checkout goes without. */
export function writeIndex(paths: ProjectPaths, index: TasksIndex, body: Buffer): void {
  const dir = cacheDir(paths);
  try {
    ensureDir(paths);
    const tmp = join(dir, `tasks.body.${process.pid}.tmp`);
    writeFileSync(tmp, body);
    renameSync(tmp, join(dir, "tasks.body"));
    writeIdx(paths, index.meta, index.spansBuf(), encodeColumns(index.columns()));
  } catch {
    for (const f of [`tasks.body.${process.pid}.tmp`, `tasks.idx.${process.pid}.tmp`]) {
      try {
        unlinkSync(join(dir, f));
      } catch {}
    }
  }
}

/** Appends one task to an index whose body is current (the caller holds the tasks lock). */
export function appendToIndex(
  paths: ProjectPaths,
  index: TasksIndex,
  task: Task,
  key: { key: string; size: number },
  tail: string,
): void {
  const bodyPath = join(cacheDir(paths), "tasks.body");
  try {
    const fd = openSync(bodyPath, "r");
    const head = Buffer.alloc(index.meta.gen.length + 1);
    try {
      readSync(fd, head, 0, head.length, 0);
    } finally {
      closeSync(fd);
    }
    if (head.toString("latin1") !== `${index.meta.gen}\n`) throw new StaleIndex();
    const end = statSync(bodyPath).size;
    const { meta, spans, columns, line } = appendedIndex(index, task, key, tail, end);
    appendFileSync(bodyPath, line);
    writeIdx(paths, meta, spans, columns);
  } catch {
    // A stale or unwritable cache is simply rebuilt by the next reader.
    try {
      unlinkSync(join(cacheDir(paths), "tasks.idx"));
    } catch {}
  }
}
