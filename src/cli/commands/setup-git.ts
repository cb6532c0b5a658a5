import { type GitSetupChange, type GitSetupResult, setupGit } from "../../services/setup-git.js";
import { bool, type Command } from "../command.js";
import { paint } from "../output.js";

function changeLine(c: GitSetupChange): string {
  switch (c.action) {
    case "set":
      return `git config ${c.key} = ${c.value}${c.previous === undefined ? "" : ` (was: ${c.previous})`}`;
    case "unset":
      return `git config --unset ${c.key} (was: ${c.previous})`;
    case "remove-section":
      return `git config --remove-section ${c.key} (now empty)`;
    case "create-file":
      return `create ${c.key} with "${c.value}"`;
    case "add-line":
      return `add "${c.value}" to ${c.key}`;
    case "remove-line":
      return `remove "${c.value}" from ${c.key}`;
    case "delete-file":
      return `delete ${c.key} (it held only "${c.value}")`;
  }
}

function render(r: GitSetupResult, color: boolean): string {
  const p = paint(color);
  const lines: string[] = [];
  if (!r.changed) {
    lines.push(
      r.action === "install"
        ? "wm's merge driver is already set up: nothing changed"
        : "wm's merge driver is not set up here: nothing to remove",
    );
  } else {
    lines.push(
      r.dryRun ? "would do (dry run, nothing changed):" : r.action === "install" ? "done:" : "removed:",
    );
    for (const c of r.changes) lines.push(`  ${changeLine(c)}`);
  }
  for (const w of r.warnings) lines.push(`${p.yellow("warning:")} ${w}`);
  if (r.action === "install" && !r.dryRun && r.changes.some((c) => c.target === "gitattributes")) {
    lines.push(
      `${p.dim("next:")} commit .gitattributes; on each other clone or machine, run \`wm setup git\` once`,
    );
  }
  return lines.join("\n");
}

const command: Command = {
  usage: "wm setup git [--dry-run] [--uninstall]",
  description:
    "Registers `wm merge-driver` as git's merge driver for .wm/tasks.yaml, so that branches that both changed\n" +
    "the task graph merge by task id instead of by lines. Sets merge.wm-tasks.name and merge.wm-tasks.driver\n" +
    "in the repository's local git config (per machine; it holds the absolute path of this wm) and adds\n" +
    "`.wm/tasks.yaml merge=wm-tasks` to .gitattributes (commit that file). Running it again changes nothing;\n" +
    "--uninstall removes exactly what it added.",
  options: {
    "dry-run": { type: "boolean", description: "print what would change, change nothing" },
    uninstall: {
      type: "boolean",
      description: "remove the driver's git config keys and .gitattributes line",
    },
  },
  examples: ["wm setup git", "wm setup git --dry-run", "wm setup git --uninstall"],
  async run(values, _pos, io) {
    const result = setupGit(io.ctx, {
      dryRun: bool(values, "dry-run"),
      uninstall: bool(values, "uninstall"),
    });
    return { kind: "setup-git", data: result, text: render(result, io.color) };
  },
};
export default command;
