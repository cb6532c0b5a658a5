// Human rendering of merge-driver conflicts: one entry per conflict with the task, the field and the
// value on each side, then what to do.

import type { Conflict } from "../../core/merge.js";
import type { Task } from "../../core/task.js";
import { paint } from "../output.js";

function isTask(v: unknown): v is Task {
  return typeof v === "object" && v !== null && !Array.isArray(v) && "id" in v && "status" in v;
}

function value(v: unknown, wholeTask: boolean): string {
  if (v === null || v === undefined) return wholeTask ? "(deleted)" : "(none)";
  if (isTask(v)) return `"${v.title}" (${v.type}, ${v.status}, updated ${v.updated})`;
  if (Array.isArray(v)) return `[${v.join(", ")}]`;
  if (typeof v === "string") return v.includes("\n") ? JSON.stringify(v) : v;
  return JSON.stringify(v);
}

export function conflictReport(
  path: string,
  conflicts: readonly Conflict[],
  conflictedTasks: readonly string[],
  color: boolean,
): string {
  const p = paint(color);
  const n = conflictedTasks.length;
  const lines = [
    `${p.red("wm merge-driver:")} ${conflicts.length} conflict${conflicts.length === 1 ? "" : "s"} in ${path}; ` +
      `conflict markers surround ${n} task${n === 1 ? "" : "s"} (${conflictedTasks.join(", ")}), everything else merged`,
  ];
  for (const c of conflicts) {
    const whole = c.field === null;
    lines.push(
      `  ${p.bold(c.id)} "${c.title}"  ${p.dim(c.field === null ? c.kind : `${c.kind}: ${c.field}`)}`,
    );
    lines.push(`      ${c.message}`);
    lines.push(`      ours:   ${value(c.ours, whole)}`);
    lines.push(`      theirs: ${value(c.theirs, whole)}`);
  }
  lines.push(
    `${p.dim("resolve:")} in ${path}, keep one side of each <<<<<<< ours / ======= / >>>>>>> theirs block (or edit it),`,
    "  remove the markers, run `wm tasks check`, then `git add` the file",
  );
  return lines.join("\n");
}
