// The use-case behind `wm merge-driver`, git's merge driver for .wm/tasks.yaml: read the three versions,
// merge them by task id (src/core/merge.ts) and write the result over "ours" (%A), as git expects.
// A side that cannot be read or parsed stops everything before "ours" is touched.

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { WmError } from "../core/errors.js";
import { type Conflict, duplicateIds, emitMergeResult, mergeTaskFiles } from "../core/merge.js";
import type { TaskFile } from "../core/task.js";
import { writeFileAtomic } from "../store/atomic.js";
import { parseTasksText } from "../store/tasks-store.js";
import type { Ctx } from "./context.js";

export interface MergeDriverInput {
  /** %O: the common ancestor's version (git passes an empty file when there is none). */
  base: string;
  /** %A: our version; the merged result is written here. */
  ours: string;
  /** %B: their version. */
  theirs: string;
  /** %P: the path in the repository, for messages. */
  path?: string;
}

export interface MergeDriverResult {
  path: string;
  /** The file the result was written to (%A). */
  written: string;
  /** Tasks that merged cleanly. */
  merged: number;
  conflicts: Conflict[];
  /** Ids of the tasks written between conflict markers. */
  conflictedTasks: string[];
}

const HINT =
  "wm merged nothing and left our version as it was; git reports the file as conflicted: fix that version, or merge .wm/tasks.yaml by hand";

async function readSide(ctx: Ctx, file: string, label: string, display: string): Promise<TaskFile> {
  let text: string;
  try {
    text = readFileSync(resolve(ctx.cwd, file), "utf8");
  } catch (err) {
    throw new WmError(`cannot read the ${label} version of ${display} (${file}): ${(err as Error).message}`, {
      hint: HINT,
    });
  }
  let parsed: TaskFile;
  try {
    parsed = (await parseTasksText(text, `${display} (${label} version)`)).file;
  } catch (err) {
    if (err instanceof WmError) throw new WmError(err.message, { rule: err.rule, hint: HINT });
    throw err;
  }
  const dups = duplicateIds(parsed);
  if (dups.length > 0) {
    throw new WmError(
      `the ${label} version of ${display} has the same task id more than once (${dups.join(", ")}); it cannot be merged by id`,
      { rule: "task/duplicate-id", hint: HINT },
    );
  }
  return parsed;
}

export async function runMergeDriver(ctx: Ctx, input: MergeDriverInput): Promise<MergeDriverResult> {
  const display = input.path ?? ".wm/tasks.yaml";
  const base = await readSide(ctx, input.base, "base", display);
  const ours = await readSide(ctx, input.ours, "ours", display);
  const theirs = await readSide(ctx, input.theirs, "theirs", display);
  const result = mergeTaskFiles(base, ours, theirs);
  const written = resolve(ctx.cwd, input.ours);
  writeFileAtomic(written, emitMergeResult(result));
  return {
    path: display,
    written,
    merged: result.file.tasks.length,
    conflicts: result.conflicts,
    conflictedTasks: result.conflicted.map((c) => c.id),
  };
}
