// Reading and writing .wm/tasks.yaml. Reads take the fast canonical path when they can and fall back to
// the full YAML parser plus schema otherwise. Writes happen only inside the lock, after re-reading the
// file, through an atomic replace. A file that does not parse is reported with file:line:col and never
// written over.

import { closeSync, mkdirSync, openSync, readFileSync, readSync } from "node:fs";
import { relative } from "node:path";
import { WmError } from "../core/errors.js";
import { resolveId } from "../core/ids.js";
import { canonicalTask, compareTasks, type Task, type TaskFile } from "../core/task.js";
import { emitTask, emitTaskFile, parseCanonical } from "../core/tasks-format.js";
import { appendFileAtomic, writeFileAtomic } from "./atomic.js";
import { withLockAsync } from "./lock.js";
import type { ProjectPaths } from "./paths.js";
import {
  appendToIndex,
  buildIndex,
  fileKey,
  type GraphView,
  readIndex,
  StaleIndex,
  TAIL_BYTES,
  type TasksIndex,
  tailOf,
  writeIndex,
} from "./tasks-index.js";
import { firstSyntaxError, locateIssue } from "./yaml-errors.js";

export interface LoadedTasks {
  file: TaskFile;
  /** The text as read ("" when the file does not exist yet). */
  text: string;
  exists: boolean;
  /** Whether the fast canonical path read it. */
  canonical: boolean;
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return null;
    throw new WmError(`cannot read ${path}: ${(err as Error).message}`);
  }
}

/** Parses tasks file text. `displayPath` is used in error messages. */
export async function parseTasksText(
  text: string,
  displayPath: string,
): Promise<{ file: TaskFile; canonical: boolean }> {
  const fast = parseCanonical(text);
  if (fast !== null) return { file: fast, canonical: true };
  return { file: await parseTasksSlow(text, displayPath), canonical: false };
}

/** The full path: YAML parser plus schema, with file:line:col errors. Exported for tests and doctor. */
export async function parseTasksSlow(text: string, displayPath: string): Promise<TaskFile> {
  const nul = text.indexOf("\u0000");
  if (nul >= 0) {
    const before = text.slice(0, nul);
    const line = before.split("\n").length;
    const col = nul - before.lastIndexOf("\n");
    throw new WmError(
      `${displayPath}:${line}:${col}: not a text file (contains NUL bytes); wm will not touch it`,
      { rule: "tasks-file/parse", hint: "restore it from git: git checkout -- .wm/tasks.yaml" },
    );
  }
  const [{ parseDocument, LineCounter }, { TaskFileSchema }] = await Promise.all([
    import("yaml"),
    import("../core/schemas.js"),
  ]);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const syntax = firstSyntaxError(doc, lineCounter);
  if (syntax !== null) {
    const { pos } = syntax;
    const conflict = /^(<<<<<<<|=======|>>>>>>>)/m.test(text) ? " (it holds git conflict markers)" : "";
    throw new WmError(`${displayPath}:${pos.line}:${pos.col}: not valid YAML${conflict}: ${syntax.message}`, {
      rule: "tasks-file/parse",
      hint: conflict
        ? "resolve the conflict by hand, or register wm's merge driver with `wm setup git` and merge again"
        : "fix the file by hand (or restore it from git); wm will not write over a file it cannot parse",
    });
  }
  const data: unknown = doc.toJS() ?? { version: 1, tasks: [] };
  const result = TaskFileSchema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    // For a missing or unknown key, point at the enclosing map.
    const { pos, path } = locateIssue(doc, lineCounter, issue, { unknownKeyAt: "map" });
    throw new WmError(
      `${displayPath}:${pos.line}:${pos.col}: ${path.join(".") || "file"}: ${issue.message}`,
      {
        rule: "tasks-file/schema",
        hint: "fix the file by hand (or restore it from git); wm will not write over a file it cannot read",
      },
    );
  }
  const file = result.data as TaskFile;
  file.tasks = file.tasks.map(canonicalTask);
  return file;
}

export async function loadTasks(paths: ProjectPaths): Promise<LoadedTasks> {
  const text = readText(paths.tasksFile);
  if (text === null) return { file: { version: 1, tasks: [] }, text: "", exists: false, canonical: true };
  const { file, canonical } = await parseTasksText(text, display(paths));
  return { file, text, exists: true, canonical };
}

function display(paths: ProjectPaths): string {
  return relative(paths.root, paths.tasksFile) || paths.tasksFile;
}

const empty = () => buildIndex({ version: 1, tasks: [] }, { key: "", size: 0 }, "", true);

/**
 * The index of the current tasks file: read from .wm/cache when it matches the file, rebuilt (and
 * saved) otherwise. This is the read path of every command; it never writes tasks.yaml.
 */
export async function openTasks(paths: ProjectPaths): Promise<TasksIndex> {
  const before = fileKey(paths.tasksFile);
  if (before === null) return empty();
  const cached = readIndex(paths, before);
  if (cached !== null) {
    try {
      cached.check();
      return cached;
    } catch (err) {
      if (!(err instanceof StaleIndex)) throw err;
      // The body belongs to another generation (rebuilt meanwhile, or damaged): rebuild from the YAML.
    }
  }
  const buf = readBuf(paths.tasksFile);
  if (buf === null) return empty();
  const text = buf.toString("utf8");
  const fast = parseCanonical(text);
  const file = fast ?? (await parseTasksSlow(text, display(paths)));
  const index = buildIndex(file, before, tailOf(buf), fast !== null);
  // Save it only if the file did not change while we read it.
  if (fileKey(paths.tasksFile)?.key === before.key) writeIndex(paths, index, index.bodyBuf());
  return index;
}

function readBuf(path: string): Buffer | null {
  try {
    return readFileSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new WmError(`cannot read ${path}: ${(err as Error).message}`);
  }
}

export interface MutateOptions {
  /** Create .wm/ and the tasks file when missing (task creation). Otherwise a missing file is an error. */
  create?: boolean;
  lockTimeoutMs?: number;
}

interface Current {
  exists: boolean;
  /** The index, when it provably describes the file (stat key and the recorded tail bytes match). */
  index: TasksIndex | null;
  /** The file's bytes, read only when there is no usable index. */
  buf: Buffer | null;
}

/** Inside the lock: the index if it matches the file, else the file's bytes. */
function current(paths: ProjectPaths): Current {
  const key = fileKey(paths.tasksFile);
  if (key === null) return { exists: false, index: null, buf: null };
  const index = readIndex(paths, key);
  if (
    index !== null &&
    index.meta.size === key.size &&
    readTail(paths.tasksFile, key.size) === index.meta.tail
  ) {
    try {
      index.check();
      return { exists: true, index, buf: null };
    } catch {}
  }
  const buf = readBuf(paths.tasksFile);
  return { exists: buf !== null, index: null, buf };
}

function readTail(path: string, size: number): string | null {
  try {
    const fd = openSync(path, "r");
    try {
      const n = Math.min(size, TAIL_BYTES);
      const b = Buffer.alloc(n);
      readSync(fd, b, 0, n, size - n);
      return b.toString("hex");
    } finally {
      closeSync(fd);
    }
  } catch {
    return null;
  }
}

function doesNotExist(paths: ProjectPaths): WmError {
  return new WmError(`${display(paths)} does not exist yet`, {
    hint: "create a task first with `wm tasks create --title=... --type=...`, or run `wm init`",
  });
}

async function fullFile(paths: ProjectPaths, cur: Current, options: MutateOptions): Promise<TaskFile> {
  if (!cur.exists) {
    if (!options.create) throw doesNotExist(paths);
    return { version: 1, tasks: [] };
  }
  if (cur.index !== null) return { version: 1, tasks: cur.index.all() };
  return (await parseTasksText((cur.buf ?? Buffer.alloc(0)).toString("utf8"), display(paths))).file;
}

function writeAll(paths: ProjectPaths, file: TaskFile): void {
  file.tasks.sort(compareTasks);
  const text = emitTaskFile(file);
  writeFileAtomic(paths.tasksFile, text);
  const key = fileKey(paths.tasksFile);
  if (key !== null) {
    const index = buildIndex(file, key, tailOf(Buffer.from(text.slice(-TAIL_BYTES), "utf8")), true);
    writeIndex(paths, index, index.bodyBuf());
  }
}

/**
 * Runs `change` on the current tasks inside the lock and writes the result atomically. `change` returns
 * a value for the caller; throwing from it leaves the file untouched.
 */
export async function mutateTasks<T>(
  paths: ProjectPaths,
  change: (file: TaskFile) => T,
  options: MutateOptions = {},
): Promise<T> {
  // A refused write changes nothing: not even an empty .wm/ for the lock.
  if (options.create) mkdirSync(paths.wmDir, { recursive: true });
  else if (fileKey(paths.tasksFile) === null) throw doesNotExist(paths);
  return withLockAsync(
    paths.tasksFile,
    async () => {
      const file = await fullFile(paths, current(paths), options);
      const result = change(file);
      writeAll(paths, file);
      return result;
    },
    options.lockTimeoutMs === undefined ? {} : { timeoutMs: options.lockTimeoutMs },
  );
}

/**
 * Adds one task. `make` sees the graph skeleton (ids, statuses, types, issues, parents, dependencies) and
 * returns the new task or throws. When the file is canonical and the task sorts last (the usual case: it
 * is the newest), its block is appended and the index extended, without re-reading or re-writing every
 * task; otherwise this falls back to a full rewrite.
 */
export async function appendTask(
  paths: ProjectPaths,
  make: (graph: GraphView) => Task,
  options: MutateOptions = {},
): Promise<Task> {
  mkdirSync(paths.wmDir, { recursive: true });
  return withLockAsync(
    paths.tasksFile,
    async () => {
      const cur = current(paths);
      const idx = cur.index;
      if (idx?.meta.canonical && idx.meta.last !== null && idx.meta.tail.endsWith("0a")) {
        const task = make(idx.view());
        const [lastCreated, lastId] = idx.meta.last;
        if (lastCreated < task.created || (lastCreated === task.created && lastId < task.id)) {
          // The common case: the newest task goes last, so its block is appended to a copy of the file.
          const block = Buffer.from(`\n${emitTask(task)}\n`, "utf8");
          appendFileAtomic(paths.tasksFile, block);
          const key = fileKey(paths.tasksFile);
          const tail = tailOf(Buffer.concat([Buffer.from(idx.meta.tail, "hex"), block]));
          if (key !== null) appendToIndex(paths, idx, task, key, tail);
          return task;
        }
      }
      const file = await fullFile(paths, cur, { ...options, create: true });
      const task = make(viewOf(file.tasks));
      file.tasks.push(task);
      writeAll(paths, file);
      return task;
    },
    options.lockTimeoutMs === undefined ? {} : { timeoutMs: options.lockTimeoutMs },
  );
}

function viewOf(tasks: readonly Task[]): GraphView {
  const ids = tasks.map((t) => t.id);
  const taken = new Set(ids);
  return {
    count: tasks.length,
    id: (k) => ids[k]!,
    has: (id) => taken.has(id),
    resolve: (input) => resolveId(ids, input),
    ofIssue: (issue) => {
      const out: number[] = [];
      for (let k = 0; k < tasks.length; k++) if (tasks[k]!.issue === issue) out.push(k);
      return out;
    },
    status: (k) => tasks[k]!.status,
    type: (k) => tasks[k]!.type,
    issue: (k) => tasks[k]!.issue,
  };
}
