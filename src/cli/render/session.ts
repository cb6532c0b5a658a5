// Human renderings of sessions, stop conditions and modes.

import type { ExitResult, ModeEntry, SessionView } from "../../services/session.js";
import type { ConditionResult } from "../../services/stop-conditions.js";
import { paint } from "../output.js";
import { taskLine } from "./tasks.js";

export function conditionLines(conditions: readonly ConditionResult[], color: boolean): string[] {
  const p = paint(color);
  return conditions.map((c) => {
    const mark = c.met ? p.green("ok  ") : c.checked ? p.red("no  ") : p.yellow("wait");
    return `  ${mark} ${p.bold(c.id)}: ${c.message.replace(/\n/g, "\n        ")}`;
  });
}

export function sessionHeader(v: Pick<SessionView, "session" | "mode" | "issue">, color: boolean): string {
  const p = paint(color);
  if (v.mode === null) return `session ${p.bold(v.session)}: no mode`;
  return `session ${p.bold(v.session)}: mode ${p.bold(v.mode)}${v.issue !== null ? ` (issue #${v.issue})` : ""}`;
}

export function statusText(v: SessionView, color: boolean): string {
  const p = paint(color);
  const lines = [sessionHeader(v, color)];
  if (v.mode === null) {
    lines.push(p.dim("enter one with: wm enter <mode> [--issue N]   (wm modes lists them)"));
  } else {
    if (v.entered_at) lines.push(p.dim(`entered ${v.entered_at}`));
    lines.push("", v.tasks.length === 0 ? "tasks: none" : "tasks:");
    const ready = new Set(v.ready);
    for (const t of v.tasks)
      lines.push(`  ${taskLine(t, color)}${ready.has(t.id) ? p.cyan("  (ready)") : ""}`);
    lines.push("", "stop conditions:", ...conditionLines(v.conditions, color));
  }
  lines.push("", `files changed by this session: ${v.touched.length}`);
  for (const f of v.touched.slice(0, 20)) lines.push(`  ${f}`);
  if (v.touched.length > 20) lines.push(p.dim(`  … and ${v.touched.length - 20} more`));
  if (v.stop.blocks > 0) lines.push(p.yellow(`Stop hook: blocked ${v.stop.blocks} time(s) in a row`));
  return lines.join("\n");
}

export function canExitText(v: SessionView, color: boolean): string {
  const p = paint(color);
  if (v.mode === null) return `${sessionHeader(v, color)}: nothing holds it`;
  const head = v.ok
    ? p.green(`the ${v.mode} session can end: every stop condition holds`)
    : p.red(`the ${v.mode} session cannot end yet`);
  return [`${sessionHeader(v, color)}`, head, ...conditionLines(v.conditions, color)].join("\n");
}

export function exitText(r: ExitResult, color: boolean): string {
  const p = paint(color);
  if (r.mode === null) return `session ${r.session} is in no mode: nothing to leave`;
  const lines = [
    r.forced
      ? p.yellow(`left the ${r.mode} mode with unmet conditions (forced: ${r.reason})`)
      : p.green(`left the ${r.mode} mode`),
  ];
  if (r.forced)
    lines.push(
      ...conditionLines(
        r.conditions.filter((c) => !c.met),
        color,
      ),
    );
  if (r.cancelled.length > 0)
    lines.push(`cancelled the session's open phase tasks: ${r.cancelled.join(", ")}`);
  return lines.join("\n");
}

export function modesText(modes: readonly ModeEntry[], color: boolean): string {
  const p = paint(color);
  const width = Math.max(...modes.map((m) => m.name.length)) + 2;
  const lines: string[] = [];
  for (const m of modes) {
    if (m.error !== undefined) {
      lines.push(`${p.bold(m.name.padEnd(width))}${p.red("broken")}  ${m.path}`);
      lines.push(...m.error.split("\n").map((l) => `${" ".repeat(width)}${p.red(l)}`));
      continue;
    }
    const flags = [m.needs_issue ? "--issue N" : "", m.source === "project" ? "project" : ""].filter(Boolean);
    lines.push(
      `${p.bold(m.name.padEnd(width))}${m.description}${flags.length ? p.dim(` (${flags.join(", ")})`) : ""}`,
    );
    const phases = m.phases?.map((ph) => ph.id).join(" -> ");
    const conds = m.stop_conditions?.length ? m.stop_conditions.join(", ") : "none";
    const from = m.conditions_from === "config" ? " (from .wm/config.yaml)" : "";
    lines.push(
      p.dim(
        `${" ".repeat(width)}${m.uses_issue_tasks ? "works the issue's tasks" : `phases: ${phases || "none"}`}; stop: ${conds}${from}${m.gates?.length ? `; gates: ${m.gates.join(", ")}` : ""}`,
      ),
    );
  }
  return lines.join("\n");
}
