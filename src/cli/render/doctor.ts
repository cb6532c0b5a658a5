// Human renderings of `wm init` and `wm doctor`.

import type { DoctorCheck, DoctorResult } from "../../services/doctor.js";
import type { InitResult } from "../../services/init.js";
import { paint } from "../output.js";

export function initText(r: InitResult, color: boolean): string {
  const p = paint(color);
  const verb = (done: string, would: string) => (r.dryRun ? would : done);
  const lines = [r.dryRun ? `wm init --dry-run in ${r.root} (nothing changed)` : `wm init in ${r.root}`];
  for (const f of r.created) lines.push(`  ${p.green(verb("created", "would create").padEnd(13))}${f}`);
  for (const f of r.updated) {
    const what = f === ".gitignore" ? ` (+ ${r.gitignoreAdded.join(", ")})` : "";
    lines.push(`  ${p.yellow(verb("updated", "would update").padEnd(13))}${f}${what}`);
  }
  for (const f of r.kept) lines.push(`  ${p.dim(verb("kept", "would keep").padEnd(13))}${f}`);
  if (!r.dryRun)
    lines.push("", "next: wm doctor (checks the setup), wm setup git (the tasks.yaml merge driver)");
  return lines.join("\n");
}

const MARKS = { ok: "✓", warn: "!", error: "✗" } as const;

function mark(c: DoctorCheck, color: boolean): string {
  const p = paint(color);
  if (c.fixed) return p.green("✓");
  const tint = c.status === "ok" ? p.green : c.status === "warn" ? p.yellow : p.red;
  return tint(MARKS[c.status]);
}

export function doctorText(r: DoctorResult, color: boolean): string {
  const p = paint(color);
  const width = Math.max(...r.checks.map((c) => c.id.length)) + 2;
  const indent = " ".repeat(2 + width);
  const lines: string[] = [];
  for (const c of r.checks) {
    const [first, ...rest] = c.message.split("\n");
    lines.push(`${mark(c, color)} ${c.id.padEnd(width)}${c.fixed ? p.green("fixed: ") : ""}${first}`);
    for (const l of rest) lines.push(`${indent}${l}`);
    if (c.fix && !c.fixed && c.status !== "ok") lines.push(`${indent}${p.dim("fix:")} ${c.fix}`);
  }
  const errors = r.checks.filter((c) => c.status === "error" && !c.fixed).length;
  const warnings = r.checks.filter((c) => c.status === "warn" && !c.fixed).length;
  const fixed = r.checks.filter((c) => c.fixed).length;
  const parts = [
    errors > 0 ? p.red(`${errors} error${errors === 1 ? "" : "s"}`) : "",
    warnings > 0 ? p.yellow(`${warnings} warning${warnings === 1 ? "" : "s"}`) : "",
    fixed > 0 ? p.green(`${fixed} fixed`) : "",
  ].filter((s) => s !== "");
  lines.push("", parts.length === 0 ? "doctor: all checks passed" : `doctor: ${parts.join(", ")}`);
  return lines.join("\n");
}
