import { type ClaudeSetupResult, setupClaude } from "../../services/setup-claude.js";
import { bool, type Command } from "../command.js";
import { paint } from "../output.js";

function render(r: ClaudeSetupResult, color: boolean): string {
  const p = paint(color);
  const lines: string[] = [];
  if (!r.changed) {
    lines.push(
      r.action === "install"
        ? "wm's Claude Code hooks and CLAUDE.md section are already in place: nothing changed"
        : "wm is not set up for Claude Code here: nothing to remove",
    );
  } else {
    lines.push(
      r.dryRun ? "would do (dry run, nothing changed):" : r.action === "install" ? "done:" : "removed:",
    );
    for (const c of r.changes) lines.push(`  ${c.action.padEnd(15)}${c.file}: ${c.detail}`);
  }
  for (const w of r.warnings) lines.push(`${p.yellow("warning:")} ${w}`);
  if (r.action === "install" && r.changed && !r.dryRun) {
    lines.push(`${p.dim("next:")} commit .claude/settings.json and CLAUDE.md; the hooks run ${r.command}`);
  }
  return lines.join("\n");
}

const command: Command = {
  usage: "wm setup claude [--mcp] [--dry-run] [--uninstall]",
  description:
    "Adds wm's hooks to .claude/settings.json (SessionStart, UserPromptSubmit, PreToolUse and PostToolUse for\n" +
    "Write|Edit|MultiEdit|NotebookEdit(|Bash), Stop, SessionEnd), merged with what is there: other hooks are\n" +
    "untouched, a backup (.claude/settings.json.wm-backup) is made before the first change, and running it\n" +
    "again changes nothing. Adds a short section to CLAUDE.md between <!-- wm:begin --> and <!-- wm:end -->.\n" +
    'The hooks run "$CLAUDE_PROJECT_DIR"/node_modules/.bin/wm, so install wm in the project for the team.\n' +
    '--mcp also registers `wm mcp` as the MCP server "wm" in .mcp.json (merged, other servers untouched).\n' +
    "--uninstall removes exactly what it added, the MCP server included.",
  options: {
    "dry-run": { type: "boolean", description: "print what would change, change nothing" },
    uninstall: { type: "boolean", description: "remove wm's hooks, CLAUDE.md section and MCP server" },
    mcp: { type: "boolean", description: "also register wm's MCP server (wm mcp) in .mcp.json" },
  },
  examples: [
    "wm setup claude",
    "wm setup claude --mcp",
    "wm setup claude --dry-run",
    "wm setup claude --uninstall",
  ],
  async run(values, _pos, io) {
    const r = setupClaude(io.ctx, {
      dryRun: bool(values, "dry-run"),
      uninstall: bool(values, "uninstall"),
      mcp: bool(values, "mcp"),
    });
    return { kind: "setup-claude", data: r, text: render(r, io.color) };
  },
};
export default command;
