// A derived, git-ignored index of .wm/tasks.yaml in .wm/cache/, so that hot commands (hooks,
// `wm tasks ready`, `wm tasks list --issue N`, `wm tasks create`) never parse 10,000 tasks of YAML and
// read little more than what they print. The YAML is always the truth: deleting .wm/cache/ costs one
// slow read. See docs/decisions/0003-tasks-store.md.
//
// .wm/cache/tasks.body  "<gen>\n" then one JSON line per task, in file order. Appends only, until the
//                       next full rebuild, which writes a new generation.
// .wm/cache/tasks.idx   "WMIDX2 " + meta length (10 digits) + "\n" + meta JSON + "\n" + nodes JSON + "\n"
//   meta:  the key of the tasks.yaml it describes (inode, size, mtime and ctime in ns) and a CRC of its
//          bytes (writers check it inside the lock), the body generation, where each task's line is,
//          the precomputed ready list and the body ranges of each issue's tasks.
//   nodes: the graph skeleton (id, status, type, issue, parent, dependencies), read only by commands
//          that need the whole graph (create, to resolve ids and keep `ready` up to date).

import { randomBytes } from "node:crypto";
import {
  appendFileSync,
  closeSync,
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
import { crc32 } from "node:zlib";
import { type GraphNode, readyTasks } from "../core/graph.js";
import type { Task, TaskFile, TaskStatus, TaskType } from "../core/task.js";
import type { ProjectPaths } from "./paths.js";

const MAGIC = "WMIDX2 ";
const PREFIX_LEN = MAGIC.length + 11;

/** [id, status, type, issue or 0, parent or 0, depends_on or 0] */
export type NodeTuple = [string, TaskStatus, TaskType, number, string | 0, string[] | 0];

export interface IndexMeta {
  v: 2;
  key: string;
  size: number;
  crc: number;
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

export function contentCrc(data: string | Buffer): number {
  return crc32(data);
}

export function tupleOf(t: Task): NodeTuple {
  return [t.id, t.status, t.type, t.issue ?? 0, t.parent ?? 0, t.depends_on.length === 0 ? 0 : t.depends_on];
}

export function nodeOf(tuple: NodeTuple, index: number): SkeletonNode {
  const [id, status, type, issue, parent, deps] = tuple;
  const n: SkeletonNode = { id, status, type, depends_on: deps === 0 ? [] : deps, index };
  if (issue !== 0) n.issue = issue;
  if (parent !== 0) n.parent = parent;
  return n;
}

/** An open index: meta always, nodes and body on demand. */
export class TasksIndex {
  private body: Buffer | null = null;
  private nodeTuples: NodeTuple[] | null;

  constructor(
    readonly meta: IndexMeta,
    private readonly paths: ProjectPaths | null,
    private readonly nodesText: string | null,
    preset?: { nodes: NodeTuple[]; body: Buffer },
  ) {
    this.nodeTuples = preset?.nodes ?? null;
    if (preset) this.body = preset.body;
  }

  get count(): number {
    return this.meta.count;
  }

  nodes(): NodeTuple[] {
    if (this.nodeTuples === null) this.nodeTuples = JSON.parse(this.nodesText ?? "[]") as NodeTuple[];
    return this.nodeTuples;
  }

  skeleton(): SkeletonNode[] {
    return this.nodes().map(nodeOf);
  }

  /** The body bytes (read on first use). */
  bodyBuf(): Buffer {
    if (this.body === null) {
      const buf = readFileSync(join(cacheDir(this.paths!), "tasks.body"));
      const nl = buf.indexOf(10);
      if (nl < 0 || buf.toString("latin1", 0, nl) !== this.meta.gen) throw new StaleIndex();
      this.body = buf;
    }
    return this.body;
  }

  task(k: number): Task {
    const l = this.meta.lines;
    return JSON.parse(this.bodyBuf().toString("utf8", l[2 * k]!, l[2 * k + 1]!)) as Task;
  }

  tasks(indices: readonly number[]): Task[] {
    return indices.map((k) => this.task(k));
  }

  all(): Task[] {
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
  crc: number,
  canonical: boolean,
): TasksIndex {
  const gen = randomBytes(6).toString("hex");
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
  const nodes = file.tasks.map(tupleOf);
  const skeleton = nodes.map(nodeOf);
  const lastTask = file.tasks[file.tasks.length - 1];
  const meta: IndexMeta = {
    v: 2,
    key: key.key,
    size: key.size,
    crc,
    gen,
    canonical,
    count: file.tasks.length,
    lines,
    ready: readyTasks(skeleton).map((n) => n.index),
    issues: issueRuns(file.tasks),
    last: lastTask ? [lastTask.created, lastTask.id] : null,
  };
  return new TasksIndex(meta, null, null, { nodes, body });
}

/**
 * The meta of the index extended by one task appended at the end of the file, and the line to append to
 * the body. `bodyEnd` is the body's current length.
 */
export function appendedMeta(
  index: TasksIndex,
  task: Task,
  key: { key: string; size: number },
  crc: number,
  bodyEnd: number,
): { meta: IndexMeta; nodes: NodeTuple[]; line: string } {
  const old = index.meta;
  const nodes = [...index.nodes(), tupleOf(task)];
  const k = old.count;
  const json = JSON.stringify(task);
  const len = Buffer.byteLength(json, "utf8");
  const issues = structuredClone(old.issues);
  if (task.issue !== undefined) addToRuns(issues, task.issue, k);
  // Readiness changes only for the new task (it is pending) and its parent (an epic with a new open child
  // is no longer ready to close). Its dependents: none yet.
  const status = new Map<string, TaskStatus>();
  for (const n of nodes) status.set(n[0], n[1]);
  const depsResolved = task.depends_on.every((d) => {
    const s = status.get(d);
    return s === "done" || s === "cancelled";
  });
  let ready = old.ready;
  if (task.parent !== undefined) {
    const p = nodes.findIndex((n) => n[0] === task.parent);
    ready = ready.filter((r) => r !== p);
  }
  if (task.status === "pending" && depsResolved) ready = [...ready, k];
  const meta: IndexMeta = {
    ...old,
    key: key.key,
    size: key.size,
    crc,
    count: k + 1,
    lines: [...old.lines, bodyEnd, bodyEnd + len],
    ready,
    issues,
    last: [task.created, task.id],
  };
  return { meta, nodes, line: `${json}\n` };
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
    if (meta.v !== 2 || meta.key !== current.key || meta.lines.length !== 2 * meta.count) return null;
    return new TasksIndex(meta, paths, rest.toString("utf8", len + 1));
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

function writeIdx(paths: ProjectPaths, meta: IndexMeta, nodes: NodeTuple[]): void {
  const dir = cacheDir(paths);
  const metaBuf = Buffer.from(JSON.stringify(meta), "utf8");
  const content = Buffer.concat([
    Buffer.from(`${MAGIC}${String(metaBuf.length).padStart(10, "0")}\n`, "latin1"),
    metaBuf,
    Buffer.from(`\n${JSON.stringify(nodes)}\n`, "utf8"),
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
    writeIdx(paths, index.meta, index.nodes());
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
  crc: number,
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
    const { meta, nodes, line } = appendedMeta(index, task, key, crc, end);
    appendFileSync(bodyPath, line);
    writeIdx(paths, meta, nodes);
  } catch {
    // A stale or unwritable cache is simply rebuilt by the next reader.
    try {
      unlinkSync(join(cacheDir(paths), "tasks.idx"));
    } catch {}
  }
}
