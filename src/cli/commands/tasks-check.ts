import { hasErrors } from "../../core/diagnostics.js";
import { checkTasks } from "../../services/tasks.js";
import type { Command } from "../command.js";
import { diagnosticsText } from "../render/tasks.js";

const command: Command = {
  usage: "wm tasks check",
  description:
    "Exit 1 on cycles, dependencies or parents that do not exist, an epic done with open children, a done task\n" +
    "whose dependency is not done, a done verify task without evidence, or duplicate ids.",
  options: {},
  examples: ["wm tasks check", "wm tasks check --json"],
  async run(_values, _pos, io) {
    const diags = await checkTasks(io.ctx);
    return {
      kind: "diagnostics",
      data: diags,
      text: diags.length === 0 ? "tasks ok" : diagnosticsText(diags, io.color),
      exitCode: hasErrors(diags) ? 1 : 0,
    };
  },
};
export default command;
