// A derived, git-ignored index of .wm/tasks.yaml in .wm/cache/, so that hot commands (hooks,
// `wm tasks ready`, `wm tasks list --issue N`, `wm tasks create`) never parse 10,000 tasks of YAML and
// read little more than what they print. The YAML is always the truth: deleting .wm/cache/ costs one
// slow read. See docs/decisions/0008-tasks-index.md.
//
// .wm/cache/tasks.body  "<gen>\n" then one JSON line per task, in file order. Appends only, until the
//                       next full rebuild, which writes a new generation.
// .wm/cache/tasks.idx   "WMIDX2 " + meta length (10 digits) + "\n" + meta JSON + "\n" + nodes JSON + "\n"
//   meta:  the key of the tasks.yaml it describes (inode, size, mtime and ctime in ns) and a CRC of its
//          bytes (writers check it inside the lock), the body generation, where each task's line is,
//          the precomputed ready list and the body ranges of each issue's tasks.
//   nodes: the graph skeleton (id, status, type, issue, parent, dependencies), read only by commands
//          that need the whole graph (create, to resolve ids and keep `ready` up to date).

import {
  appendFileSync,
  closeSync,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { type GraphNode, readyTasks } from "../core/graph.js";
import type { Task, TaskFile, TaskStatus, TaskType } from "../core/task.js";
import { randomHex } from "./builtins.js";
import type { ProjectPaths } from "./paths.js";

const MAGIC = "WMIDX3 ";
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

/** What `wm tasks create` needs to know of the graph, without materialising every task. */
export interface GraphView {
  readonly ids: readonly string[];
  status(k: number): TaskStatus;
  type(k: number): TaskType;
  issue(k: number): number | undefined;
}

export interface IndexMeta {
  v: 3;
  key: string;
  size: number;
  /** The last bytes of tasks.yaml (hex): a writer checks them besides the stat key. */
  tail: string;
  gen: string;
  canonical: boolean;
  count: number;
  /** Body byte range [start, end) of each task's JSON, flattened: task k is lines[2k]..lines[2k+1]. */
  lines: number[];
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

/** An open index: meta always, the skeleton columns and the body on demand. */
export class TasksIndex {
  private body: Buffer | null = null;
  private cols: Columns | null;
  private idList: string[] | null = null;

  constructor(
    readonly meta: IndexMeta,
    private readonly paths: ProjectPaths | null,
    private readonly columnsRaw: Buffer | null,
    preset?: { columns: Columns; body: Buffer },
  ) {
    this.cols = preset?.columns ?? null;
    if (preset) this.body = preset.body;
  }

  get count(): number {
    return this.meta.count;
  }

  columns(): Columns {
    if (this.cols === null) this.cols = JSON.parse(this.columnsRaw?.toString("utf8") ?? "null") as Columns;
    return this.cols;
  }

  ids(): string[] {
    if (this.idList === null) this.idList = this.count === 0 ? [] : this.columns().ids.split("\n");
    return this.idList;
  }

  view(): GraphView {
    const c = this.columns();
    return {
      ids: this.ids(),
      status: (k) => ST_OF[c.st[k]!]!,
      type: (k) => TY_OF[c.ty[k]!]!,
      issue: (k) => (c.issue[k] === 0 ? undefined : c.issue[k]),
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
    const l = this.meta.lines;
    const start = l[2 * k]!;
    const end = l[2 * k + 1]!;
    if (this.body !== null) return JSON.parse(this.body.toString("utf8", start, end)) as Task;
    const buf = Buffer.alloc(end - start);
    readSync(this.bodyFd(), buf, 0, buf.length, start);
    return JSON.parse(buf.toString("utf8")) as Task;
  }

  tasks(indices: readonly number[]): Task[] {
    return indices.map((k) => this.task(k));
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
    v: 3,
    key: key.key,
    size: key.size,
    tail,
    gen,
    canonical,
    count: file.tasks.length,
    lines,
    ready: readyTasks(file.tasks).map((t) => indexOfTask.get(t)!),
    issues: issueRuns(file.tasks),
    last: lastTask ? [lastTask.created, lastTask.id] : null,
  };
  return new TasksIndex(meta, null, null, { columns, body });
}

/**
 * The meta of the index extended by one task appended at the end of the file, and the line to append to
 * the body. `bodyEnd` is the body's current length.
 */
export function appendedMeta(
  index: TasksIndex,
  task: Task,
  key: { key: string; size: number },
  tail: string,
  bodyEnd: number,
): { meta: IndexMeta; columns: Columns; line: string } {
  const old = index.meta;
  const k = old.count;
  const json = JSON.stringify(task);
  const len = Buffer.byteLength(json, "utf8");
  const issues = structuredClone(old.issues);
  if (task.issue !== undefined) addToRuns(issues, task.issue, k);
  // Readiness changes only for the new task (it is pending) and its parent (an epic with a new open child
  // is no longer ready to close). It has no dependents yet.
  const ids = index.ids();
  const view = index.view();
  const depsResolved = task.depends_on.every((d) => {
    const at = ids.indexOf(d);
    const s = at < 0 ? undefined : view.status(at);
    return s === "done" || s === "cancelled";
  });
  let ready = old.ready;
  if (task.parent !== undefined) {
    const p = ids.indexOf(task.parent);
    ready = ready.filter((r) => r !== p);
  }
  if (task.status === "pending" && depsResolved) ready = [...ready, k];
  const meta: IndexMeta = {
    ...old,
    key: key.key,
    size: key.size,
    tail,
    count: k + 1,
    lines: [...old.lines, bodyEnd, bodyEnd + len],
    ready,
    issues,
    last: [task.created, task.id],
  };
  return { meta, columns: appendColumns(index.columns(), task, k === 0), line: `${json}\n` };
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
    const prefix = Buffer.alloc(PREFIX_LEN);
    if (readSync(fd, prefix, 0, PREFIX_LEN, 0) !== PREFIX_LEN) return null;
    if (prefix.toString("latin1", 0, MAGIC.length) !== MAGIC) return null;
    const len = Number(prefix.toString("latin1", MAGIC.length, MAGIC.length + 10));
    if (!Number.isInteger(len) || len <= 0) return null;
    const size = statSync(join(cacheDir(paths), "tasks.idx")).size;
    const rest = Buffer.alloc(size - PREFIX_LEN);
    if (readSync(fd, rest, 0, rest.length, PREFIX_LEN) !== rest.length) return null;
    const meta = JSON.parse(rest.toString("utf8", 0, len)) as IndexMeta;
    if (meta.v !== 3 || meta.key !== current.key || meta.lines.length !== 2 * meta.count) return null;
    return new TasksIndex(meta, paths, rest.subarray(len + 1));
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

function writeIdx(paths: ProjectPaths, meta: IndexMeta, columns: Columns): void {
  const dir = cacheDir(paths);
  const metaBuf = Buffer.from(JSON.stringify(meta), "utf8");
  const content = Buffer.concat([
    Buffer.from(`${MAGIC}${String(metaBuf.length).padStart(10, "0")}\n`, "latin1"),
    metaBuf,
    Buffer.from(`\n${JSON.stringify(columns)}\n`, "utf8"),
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
    writeIdx(paths, index.meta, index.columns());
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
    const { meta, columns, line } = appendedMeta(index, task, key, tail, end);
    appendFileSync(bodyPath, line);
    writeIdx(paths, meta, columns);
  } catch {
    // A stale or unwritable cache is simply rebuilt by the next reader.
    try {
      unlinkSync(join(cacheDir(paths), "tasks.idx"));
    } catch {}
  }
}
