// `wm spec tasks <spec>`: the spec's Task Breakdown becomes tasks in .wm/tasks.yaml, under the dependency
// rule of src/core/breakdown.ts (docs/decisions/0007-spec-tasks-dependencies.md). The import is one
// mutateTasks call: all of it is written, or none of it. Re-running keeps what exists.

import { readFileSync, realpathSync, statSync } from "node:fs";
import { basename, isAbsolute, relative, resolve, sep } from "node:path";
import {
  applyBreakdown,
  type Breakdown,
  breakdownBlocks,
  type CreateArgRules,
  type ImportAction,
  planBreakdown,
  readBreakdown,
} from "../core/breakdown.js";
import { UsageError, WmError } from "../core/errors.js";
import { newId } from "../core/ids.js";
import { parseSpec } from "../core/spec/parse.js";
import type { Task, TaskFile } from "../core/task.js";
import { TASKS_CREATE_OPTIONS } from "../core/task-options.js";
import { mutateTasks, openTasks } from "../store/tasks-store.js";
import { type Ctx, project } from "./context.js";
import { parseIssue, parseType } from "./tasks.js";

export interface SpecTasksInput {
  /** The spec file, relative to the working directory. */
  spec: string;
  dryRun?: boolean;
}

export interface SpecTaskRow {
  /** 1-based line of the spec. */
  line: number;
  action: ImportAction;
  /** For an update: which fields changed. */
  changes: string[];
  id: string;
  title: string;
  type: Task["type"];
  status: Task["status"];
  phase?: string;
  parent?: string;
  depends_on: string[];
}

export interface SpecTasksResult {
  /** Repository-relative path of the spec. */
  spec: string;
  issue: number | null;
  dryRun: boolean;
  created: number;
  updated: number;
  kept: number;
  /** In breakdown order. In a dry run, tasks still to be created have the ids +1, +2, ... */
  tasks: SpecTaskRow[];
}

const MAX_SPEC_BYTES = 5 * 1024 * 1024;

/** The rules `wm tasks create` reads its arguments with: its option table and value parsers. */
export function taskCreateRules(): CreateArgRules {
  const options: CreateArgRules["options"] = {};
  for (const [name, o] of Object.entries(TASKS_CREATE_OPTIONS)) {
    options[name] = {
      type: o.type,
      ...(o.short ? { short: o.short } : {}),
      ...(o.multiple ? { multiple: true } : {}),
    };
  }
  // The global flags of every command (src/cli/command.ts): they change only the output.
  options.json = { type: "boolean" };
  options["no-color"] = { type: "boolean" };
  return { options, parseType, parseIssue: (v) => parseIssue(v) };
}

function readSpec(ctx: Ctx, root: string, spec: string): { rel: string; text: string } {
  const abs = resolve(ctx.cwd, spec);
  let real: string;
  try {
    real = realpathSync(abs);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new WmError(`${spec}: ${code === "ENOENT" ? "no such file" : (err as Error).message}`, {
      rule: "spec/read",
      hint: "give the path of a spec, e.g. planning/specs/239-my-feature.md",
    });
  }
  const rel = relative(realpathSync(root), real);
  if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) {
    throw new UsageError(
      `${spec} is outside the repository (${root}); wm only imports specs of this repository`,
      {
        rule: "spec/outside-repo",
      },
    );
  }
  const st = statSync(real);
  if (!st.isFile()) throw new WmError(`${spec} is not a file`, { rule: "spec/read" });
  if (st.size > MAX_SPEC_BYTES) {
    throw new WmError(`${spec} is ${Math.round(st.size / 1024 / 1024)} MB; a spec is at most 5 MB`, {
      rule: "spec/read",
    });
  }
  const text = readFileSync(real, "utf8");
  if (text.includes("\u0000")) {
    throw new WmError(`${spec} is not a text file (it contains NUL bytes)`, { rule: "spec/read" });
  }
  return { rel: rel.split(sep).join("/"), text };
}

/** Reads the spec's Task Breakdown. */
export async function readSpecBreakdown(ctx: Ctx, spec: string): Promise<Breakdown & { spec: string }> {
  const paths = project(ctx);
  const { rel, text } = readSpec(ctx, paths.root, spec);
  const model = await parseSpec(text, rel);
  const found = breakdownBlocks(model);
  if (found === null) {
    throw new WmError(`${rel}: no "Task Breakdown" section`, {
      rule: "spec-tasks/no-breakdown",
      hint: "a spec lists its tasks under a `## Task Breakdown` heading, in ```bash blocks of `wm tasks create ...` lines",
    });
  }
  const fromName = /^([1-9][0-9]{0,9})-/.exec(basename(rel));
  const specIssue = model.issue ?? (fromName ? Number(fromName[1]) : null);
  const bd = readBreakdown(rel, found.blocks, specIssue, taskCreateRules());
  if (bd.lines.length === 0) {
    throw new WmError(
      `${rel}:${found.line}: the Task Breakdown has no \`wm tasks create\` lines in a bash block`,
      {
        rule: "spec-tasks/no-breakdown",
      },
    );
  }
  return { ...bd, spec: rel };
}

function rows(imported: ReturnType<typeof applyBreakdown>): SpecTaskRow[] {
  return imported.map(({ line, action, changes, task }) => {
    const row: SpecTaskRow = {
      line,
      action,
      changes,
      id: task.id,
      title: task.title,
      type: task.type,
      status: task.status,
      depends_on: task.depends_on,
    };
    if (task.phase !== undefined) row.phase = task.phase;
    if (task.parent !== undefined) row.parent = task.parent;
    return row;
  });
}

function result(bd: Breakdown & { spec: string }, dryRun: boolean, list: SpecTaskRow[]): SpecTasksResult {
  const count = (a: ImportAction) => list.filter((r) => r.action === a).length;
  return {
    spec: bd.spec,
    issue: bd.issue,
    dryRun,
    created: count("create"),
    updated: count("update"),
    kept: count("keep"),
    tasks: list,
  };
}

export async function specTasks(ctx: Ctx, input: SpecTasksInput): Promise<SpecTasksResult> {
  const paths = project(ctx);
  const bd = await readSpecBreakdown(ctx, input.spec);
  const now = ctx.now();

  // Plan on what is there now; in a dry run that is all, and a re-run with nothing to do writes nothing.
  const current: TaskFile = { version: 1, tasks: structuredClone((await openTasks(paths)).all()) };
  let k = 0;
  const preview = applyBreakdown(bd, planBreakdown(bd, current.tasks), current, {
    spec: bd.spec,
    now,
    newId: () => `+${++k}`,
  });
  if (input.dryRun || preview.every((t) => t.action === "keep")) {
    return result(bd, Boolean(input.dryRun), rows(preview));
  }

  // The write: planned again inside the lock, on the file as it is then.
  const imported = await mutateTasks(
    paths,
    (file) =>
      applyBreakdown(bd, planBreakdown(bd, file.tasks), file, {
        spec: bd.spec,
        now,
        newId: (taken) => newId(ctx.randomBytes, taken),
      }),
    { create: true },
  );
  return result(bd, false, rows(imported));
}
