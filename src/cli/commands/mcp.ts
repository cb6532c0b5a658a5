import { UsageError } from "../../core/errors.js";
import type { Command } from "../command.js";

declare const __WM_VERSION__: string;

const command: Command = {
  usage: "wm mcp",
  description:
    "Serves wm's tools over MCP on stdin/stdout until stdin closes: tasks_list, tasks_ready, tasks_create,\n" +
    "tasks_update, tasks_graph, spec_check, spec_new, status, can_exit (docs/agent-contract.md). stdout is the\n" +
    "protocol only; logs go to stderr. Register it for Claude Code with `wm setup claude --mcp`.",
  options: {},
  examples: ["wm mcp", "claude mcp add wm -- npx wm mcp"],
  async run(_values, _pos, io) {
    if (io.json) {
      throw new UsageError("wm mcp takes no --json: its stdout is the MCP protocol");
    }
    // Loaded here, not at the top: `wm mcp --help` should not pay for the MCP SDK and zod.
    const { serveStdio } = await import("../../mcp/server.js");
    await serveStdio({ version: __WM_VERSION__, cwd: io.ctx.cwd, env: io.ctx.env, log: io.stderr });
    return { kind: "mcp", data: null, text: "" };
  },
};
export default command;
