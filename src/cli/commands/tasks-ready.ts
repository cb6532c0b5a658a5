import { ready } from "../../services/tasks.js";
import { bool, type Command, str } from "../command.js";
import { paint } from "../output.js";
import { taskLine, taskTable } from "../render/tasks.js";

const command: Command = {
  usage: "wm tasks ready [--issue=N] [--explain]",
  description:
    "Pending tasks whose dependencies are all done or cancelled, in file order (creation order). An epic is\n" +
    "listed once all its children are finished: closing it is what is left.",
  options: {
    issue: { type: "string", arg: "N", description: "only tasks of this issue" },
    explain: {
      type: "boolean",
      description: "also say, for every open task that is not ready, what it waits for",
    },
  },
  examples: ["wm tasks ready", "wm tasks ready --issue=239 --explain", "wm tasks ready --json"],
  async run(values, _pos, io) {
    const opts: Parameters<typeof ready>[1] = { explain: bool(values, "explain") };
    const issue = str(values, "issue");
    if (issue !== undefined) opts.issue = issue;
    const r = await ready(io.ctx, opts);
    const lines = [taskTable(r.ready, io.color, "no task is ready")];
    if (r.notReady && r.notReady.length > 0) {
      const p = paint(io.color);
      lines.push("", p.dim("not ready:"));
      for (const n of r.notReady) {
        lines.push(`  ${taskLine(n.task, io.color)}`, ...n.reasons.map((x) => `      ${p.dim("-")} ${x}`));
      }
    }
    return {
      kind: opts.explain ? "ready-explained" : "tasks",
      data: opts.explain ? r : r.ready,
      text: lines.join("\n"),
    };
  },
};
export default command;
