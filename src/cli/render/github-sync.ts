// Human rendering of `wm github sync`: one line per write (done, or planned with --dry-run), then the
// conflicts with both values, then a summary line.

import type { Ref } from "../../core/sync-plan.js";
import type { SyncResult, SyncStep } from "../../services/github-sync.js";
import { paint } from "../output.js";

function ref(r: Ref): string {
  return r.issue !== undefined ? `#${r.issue}` : `new issue of ${r.task}`;
}

const VERB: Record<SyncStep["op"], [string, string]> = {
  label: ["created label", "would create label"],
  create: ["created", "would create"],
  update: ["updated", "would update"],
  link: ["linked", "would link"],
  "sub-issue": ["sub-issue", "would add sub-issue"],
  "blocked-by": ["blocked by", "would add blocked by"],
  close: ["closed", "would close"],
  comment: ["commented", "would comment"],
  done: ["done in wm", "would mark done"],
  cancel: ["cancelled in wm", "would cancel"],
};

function line(s: SyncStep): string {
  switch (s.op) {
    case "label":
      return s.label;
    case "create":
      return `${typeof s.issue === "number" ? `#${s.issue}` : "issue"} for ${s.task} (${s.type}): ${s.title}`;
    case "update": {
      const what = [
        s.body !== undefined ? "wm marker" : "",
        s.labels ? `label ${s.labels.join(", ")}` : "",
        s.removeLabels ? `removal of label ${s.removeLabels.join(", ")}` : "",
      ];
      return `#${s.issue} of ${s.task}: ${what.filter(Boolean).join(" and ")}`;
    }
    case "link":
      return `${s.task} to #${s.issue} (${s.by === "marker" ? "found by its marker" : "the epic's issue"})`;
    case "sub-issue":
      return `${ref(s.child)} under ${ref(s.parent)}`;
    case "blocked-by":
      return `${ref(s.issue as Ref)} blocked by ${ref(s.blockedBy)}`;
    case "close":
      return `${ref(s.issue as Ref)} of ${s.task} (${s.reason === "completed" ? "completed" : "not planned"})`;
    case "comment":
      return `${ref(s.issue as Ref)} with the evidence of ${s.task}`;
    case "done":
    case "cancel":
      return `${s.task} (#${s.issue} closed on GitHub)`;
  }
}

export function syncText(r: SyncResult, color: boolean): string {
  const p = paint(color);
  const out: string[] = [];
  if (r.actions.length > 0) {
    const verbs = r.actions.map((a) => VERB[a.op][r.dryRun ? 1 : 0]);
    const width = Math.max(...verbs.map((v) => v.length));
    r.actions.forEach((a, k) => {
      const v = verbs[k]!.padEnd(width);
      const painted = a.where === "wm" ? p.cyan(v) : a.op === "create" ? p.green(v) : p.yellow(v);
      out.push(`${painted}  ${line(a)}${!r.dryRun && !a.done ? p.dim("  (not done)") : ""}`);
    });
  }
  for (const c of r.conflicts) {
    out.push(`${p.red("conflict")} ${c.kind}: ${c.message}`);
    if (c.kind === "title") {
      out.push(`    wm:     ${c.wm}`);
      out.push(`    github: ${c.github}`);
    }
  }
  if (out.length > 0) out.push("");
  const n = r.actions.length;
  const head =
    n === 0
      ? `${r.repo}: in sync (${r.tasks.length} task${r.tasks.length === 1 ? "" : "s"}), nothing to do`
      : `${r.repo}: ${n} change${n === 1 ? "" : "s"} ${r.dryRun ? "planned (dry run: nothing written)" : "made"}`;
  const conflicts =
    r.conflicts.length > 0 ? `, ${r.conflicts.length} conflict${r.conflicts.length === 1 ? "" : "s"}` : "";
  out.push(`${head}${conflicts}`);
  return out.join("\n");
}
