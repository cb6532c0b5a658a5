// Reading and writing .wm/tasks.yaml. Reads take the fast canonical path when they can and fall back to
// the full YAML parser plus schema otherwise. Writes happen only inside the lock, after re-reading the
// file, through an atomic replace. A file that does not parse is reported with file:line:col and never
// written over.

import { mkdirSync, readFileSync } from "node:fs";
import { relative } from "node:path";
import { WmError } from "../core/errors.js";
import { canonicalTask, compareTasks, type TaskFile } from "../core/task.js";
import { emitTaskFile, parseCanonical } from "../core/tasks-format.js";
import { writeFileAtomic } from "./atomic.js";
import { withLock } from "./lock.js";
import type { ProjectPaths } from "./paths.js";

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

async function parseTasksSlow(text: string, displayPath: string): Promise<TaskFile> {
  if (text.includes("\u0000")) {
    throw new WmError(`${displayPath}: not a text file (contains NUL bytes); wm will not touch it`, {
      hint: "restore it from git: git checkout -- .wm/tasks.yaml",
    });
  }
  const [{ parseDocument, LineCounter }, { TaskFileSchema }] = await Promise.all([
    import("yaml"),
    import("../core/schemas.js"),
  ]);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const firstError = doc.errors[0];
  if (firstError !== undefined) {
    const pos = lineCounter.linePos(firstError.pos[0]);
    const conflict = /^(<<<<<<<|=======|>>>>>>>)/m.test(text) ? " (it holds git conflict markers)" : "";
    throw new WmError(
      `${displayPath}:${pos.line}:${pos.col}: not valid YAML${conflict}: ${firstError.message.split("\n")[0]}`,
      {
        rule: "tasks-file/parse",
        hint: conflict
          ? "resolve the conflict by hand, or register wm's merge driver with `wm setup git` and merge again"
          : "fix the file by hand (or restore it from git); wm will not write over a file it cannot parse",
      },
    );
  }
  const data: unknown = doc.toJS() ?? { version: 1, tasks: [] };
  const result = TaskFileSchema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
    let node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
    // For a missing or unknown key, point at the enclosing map.
    for (let cut = path.length - 1; node?.range === undefined && cut >= 0; cut--) {
      node = doc.getIn(path.slice(0, cut), true) as typeof node;
    }
    const pos = node?.range ? lineCounter.linePos(node.range[0]) : { line: 1, col: 1 };
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
  const { file, canonical } = await parseTasksText(
    text,
    relative(paths.root, paths.tasksFile) || paths.tasksFile,
  );
  return { file, text, exists: true, canonical };
}

export interface MutateOptions {
  /** Create .wm/ and the tasks file when missing (task creation). Otherwise a missing file is an error. */
  create?: boolean;
  lockTimeoutMs?: number;
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
  mkdirSync(paths.wmDir, { recursive: true });
  let slowText: string | null = null;
  let slowFile: TaskFile | null = null;
  for (let attempt = 0; attempt < 5; attempt++) {
    const outcome = withLock(
      paths.tasksFile,
      () => {
        const text = readText(paths.tasksFile);
        let file: TaskFile;
        if (text === null) {
          if (!options.create) {
            throw new WmError(`${relative(paths.root, paths.tasksFile)} does not exist yet`, {
              hint: "create a task first with `wm tasks create --title=... --type=...`, or run `wm init`",
            });
          }
          file = { version: 1, tasks: [] };
        } else {
          const fast = parseCanonical(text);
          if (fast !== null) file = fast;
          else if (slowText === text && slowFile !== null) file = slowFile;
          else return { retry: text } as const;
        }
        const result = change(file);
        file.tasks.sort(compareTasks);
        writeFileAtomic(paths.tasksFile, emitTaskFile(file));
        return { result } as const;
      },
      options.lockTimeoutMs === undefined ? {} : { timeoutMs: options.lockTimeoutMs },
    );
    if ("result" in outcome) return outcome.result as T;
    // The file is not canonical: parse it (async) outside the lock, then try again inside it.
    slowText = outcome.retry;
    slowFile = (await parseTasksText(slowText, relative(paths.root, paths.tasksFile))).file;
  }
  throw new WmError("the tasks file kept changing while wm tried to write it", { hint: "retry the command" });
}
