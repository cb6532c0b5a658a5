import { reopenTask } from "../../services/tasks.js";
import type { Command } from "../command.js";
import { taskLine } from "../render/tasks.js";

const command: Command = {
  usage: "wm tasks reopen <id>",
  description:
    "Sets a done, blocked, cancelled or in-progress task back to pending; its evidence is cleared.",
  options: {},
  positionals: { names: ["<id>"], min: 1, max: 1 },
  examples: ["wm tasks reopen k3x9ma"],
  async run(_values, pos, io) {
    const task = await reopenTask(io.ctx, pos[0]!);
    return { kind: "task", data: task, text: taskLine(task, io.color) };
  },
};
export default command;
