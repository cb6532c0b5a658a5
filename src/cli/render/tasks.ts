// Human renderings of tasks. Plain text when colour is off; no box drawing in plain lists.

import type { Diagnostic } from "../../core/diagnostics.js";
import type { Task, TaskStatus } from "../../core/task.js";
import { paint } from "../output.js";

const STATUS_MARK: Record<TaskStatus, string> = {
  pending: "[ ]",
  in_progress: "[~]",
  blocked: "[!]",
  done: "[x]",
  cancelled: "[-]",
};

export function statusColor(color: boolean, status: TaskStatus): (s: string) => string {
  const p = paint(color);
  switch (status) {
    case "done":
      return p.green;
    case "in_progress":
      return p.cyan;
    case "blocked":
      return p.red;
    case "cancelled":
      return p.dim;
    default:
      return (s) => s;
  }
}

export function taskLine(
  t: Pick<Task, "id" | "status" | "type" | "title"> & { issue?: number },
  color: boolean,
): string {
  const p = paint(color);
  const c = statusColor(color, t.status);
  const issue = t.issue === undefined ? "" : p.dim(` #${t.issue}`);
  return `${c(STATUS_MARK[t.status])} ${p.bold(t.id)}  ${t.type.padEnd(6)} ${t.title}${issue}`;
}

export function taskTable(tasks: readonly Task[], color: boolean, empty = "no tasks"): string {
  if (tasks.length === 0) return empty;
  return tasks.map((t) => taskLine(t, color)).join("\n");
}

export function taskDetail(
  d: {
    task: Task;
    blockers: string[];
    dependencies: Array<Pick<Task, "id" | "title" | "status" | "type">>;
    dependents: Array<Pick<Task, "id" | "title" | "status" | "type">>;
    children: Array<Pick<Task, "id" | "title" | "status" | "type">>;
  },
  color: boolean,
): string {
  const p = paint(color);
  const t = d.task;
  const lines = [`${p.bold(t.id)}  ${t.title}`, ""];
  const field = (k: string, v: string | number | undefined) => {
    if (v !== undefined && v !== "") lines.push(`  ${p.dim(k.padEnd(11))}${v}`);
  };
  field("type", t.type);
  field("status", statusColor(color, t.status)(t.status));
  field("issue", t.issue === undefined ? undefined : `#${t.issue}`);
  field("github", t.github === undefined ? undefined : `#${t.github}`);
  field("parent", t.parent);
  field("phase", t.phase);
  field("session", t.session);
  field("spec", t.spec);
  field("reason", t.reason);
  field("created", t.created);
  field("updated", t.updated);
  if (t.description) lines.push("", ...t.description.split("\n").map((l) => `  ${l}`));
  if (t.evidence) {
    const e = t.evidence;
    lines.push("", "  evidence:");
    if (e.text) lines.push(`    ${e.text}`);
    if (e.command)
      lines.push(
        `    $ ${e.command}  (exit ${e.exit_code}, output sha256 ${e.output_sha256?.slice(0, 12)}…)`,
      );
    lines.push(`    at ${e.at}`);
  }
  const section = (title: string, items: Array<Pick<Task, "id" | "title" | "status" | "type">>) => {
    if (items.length === 0) return;
    lines.push("", `  ${title}:`, ...items.map((i) => `    ${taskLine(i, color)}`));
  };
  section("depends on", d.dependencies);
  section("needed by", d.dependents);
  section("children", d.children);
  if (d.blockers.length > 0) lines.push("", "  not ready:", ...d.blockers.map((b) => `    - ${b}`));
  return lines.join("\n");
}

export function diagnosticsText(diags: readonly Diagnostic[], color: boolean): string {
  const p = paint(color);
  return diags
    .map((d) => {
      const where = d.file ? `${d.file}${d.line ? `:${d.line}${d.column ? `:${d.column}` : ""}` : ""} ` : "";
      const sev = d.severity === "error" ? p.red(d.severity) : p.yellow(d.severity);
      const fix = d.fix ? `\n    ${p.dim(`fix: ${d.fix}`)}` : "";
      return `${where}${sev} ${p.dim(d.rule)} ${d.message}${fix}`;
    })
    .join("\n");
}
