// Human renderings of issues and of `wm spec tasks` results.

import type { Issue } from "../../core/issues.js";
import type { SpecTasksResult } from "../../services/spec-tasks.js";
import { paint } from "../output.js";

export function issueLine(issue: Issue, color: boolean): string {
  const p = paint(color);
  const labels = issue.labels.length > 0 ? p.dim(`  [${issue.labels.join(", ")}]`) : "";
  const state = issue.state === "closed" ? p.dim(" (closed)") : "";
  return `${p.bold(`#${issue.number}`)}  ${issue.title}${state}${labels}`;
}

export function issueList(issues: readonly Issue[], color: boolean): string {
  if (issues.length === 0) return "no issues";
  return issues.map((i) => issueLine(i, color)).join("\n");
}

export function issueDetail(issue: Issue, color: boolean): string {
  const p = paint(color);
  const lines = [`${p.bold(`#${issue.number}`)}  ${issue.title}`, ""];
  lines.push(`  ${p.dim("state".padEnd(8))}${issue.state}`);
  if (issue.labels.length > 0) lines.push(`  ${p.dim("labels".padEnd(8))}${issue.labels.join(", ")}`);
  if (issue.parent !== undefined) lines.push(`  ${p.dim("parent".padEnd(8))}#${issue.parent}`);
  if (issue.created) lines.push(`  ${p.dim("created".padEnd(8))}${issue.created}`);
  if (issue.url) lines.push(`  ${p.dim("url".padEnd(8))}${issue.url}`);
  if (issue.body.trim() !== "") lines.push("", issue.body.trimEnd());
  return lines.join("\n");
}

const VERB = {
  create: ["created", "would create"],
  update: ["updated", "would update"],
  keep: ["kept", "would keep"],
} as const;

export function specTasksText(r: SpecTasksResult, color: boolean): string {
  const p = paint(color);
  const width = Math.max(...r.tasks.map((t) => VERB[t.action][r.dryRun ? 1 : 0].length));
  const idWidth = Math.max(...r.tasks.map((t) => t.id.length));
  const lines = r.tasks.map((t) => {
    const verb = VERB[t.action][r.dryRun ? 1 : 0].padEnd(width);
    const painted =
      t.action === "create" ? p.green(verb) : t.action === "update" ? p.yellow(verb) : p.dim(verb);
    const phase = t.phase ? `${t.phase} ` : "";
    const after = t.depends_on.length > 0 ? p.dim(`  after ${t.depends_on.join(", ")}`) : "";
    const changed = t.changes.length > 0 ? p.dim(`  (${t.changes.join(", ")})`) : "";
    return `${painted}  ${p.bold(t.id.padEnd(idWidth))}  ${t.type.padEnd(6)} ${phase}${t.title}${after}${changed}`;
  });
  const summary = `${r.created} ${r.dryRun ? "to create" : "created"}, ${r.updated} ${
    r.dryRun ? "to update" : "updated"
  }, ${r.kept} ${r.dryRun ? "unchanged" : "kept"} from ${r.spec}${r.dryRun ? " (dry run: nothing written)" : ""}`;
  return [...lines, "", summary].join("\n");
}
