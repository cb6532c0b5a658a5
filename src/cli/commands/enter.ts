import { enterMode } from "../../services/session.js";
import { bool, type Command, SESSION_OPTION, str } from "../command.js";
import { paint } from "../output.js";
import { taskLine } from "../render/tasks.js";

const command: Command = {
  usage: "wm enter <mode> [--issue=N] [--dry-run] [--session=ID]",
  description:
    "Puts the session in a mode and creates the mode's phase tasks in .wm/tasks.yaml (tagged with the session\n" +
    "and the issue, chained by the phases' dependencies). A mode that works an issue's tasks (implementation)\n" +
    "creates none and refuses when the issue has no tasks yet (run `wm spec tasks` first). The session is the\n" +
    'agent\'s (--session, WM_SESSION, CLAUDE_CODE_SESSION_ID), else "cli". A session already in another mode\n' +
    "must `wm exit` first; entering the same mode again changes nothing.",
  options: {
    issue: {
      type: "string",
      arg: "N",
      description: "the issue the session works on (planning, implementation)",
    },
    "dry-run": { type: "boolean", description: "show the tasks that would be created, change nothing" },
    session: SESSION_OPTION,
  },
  positionals: { names: ["<mode>"], min: 1, max: 1 },
  examples: [
    "wm enter planning --issue 239",
    "wm enter implementation --issue 239",
    "wm enter task --dry-run",
  ],
  async run(values, pos, io) {
    const input: Parameters<typeof enterMode>[1] = { mode: pos[0]!, dryRun: bool(values, "dry-run") };
    const issue = str(values, "issue");
    if (issue !== undefined) input.issue = issue;
    const session = str(values, "session");
    if (session !== undefined) input.session = session;
    const r = await enterMode(io.ctx, input);
    const p = paint(io.color);
    const where = `${r.mode}${r.issue !== null ? ` (issue #${r.issue})` : ""}`;
    const lines = [
      r.dryRun
        ? `would enter ${where} for session ${r.session} (dry run, nothing changed)`
        : r.already
          ? `session ${r.session} is already in ${where}: nothing changed`
          : `session ${r.session} entered ${where}`,
    ];
    if (r.issueTasks !== null) {
      lines.push(
        `the issue's tasks: ${r.issueTasks.open} open of ${r.issueTasks.total} (wm tasks ready --issue ${r.issue})`,
      );
    }
    if (r.tasks.length > 0) {
      lines.push(r.dryRun ? "phase tasks it would create:" : "tasks:");
      for (const t of r.tasks) {
        const deps = t.depends_on_titles?.length ? p.dim(`  after: ${t.depends_on_titles.join("; ")}`) : "";
        lines.push(`  ${r.dryRun ? `[ ] ${t.type.padEnd(6)} ${t.title}` : taskLine(t, io.color)}${deps}`);
      }
    }
    lines.push(`stop conditions: ${r.conditions.length ? r.conditions.join(", ") : "none"}`);
    if (r.guidance && !r.dryRun) lines.push("", r.guidance);
    return { kind: "enter", data: r, text: lines.join("\n") };
  },
};
export default command;
