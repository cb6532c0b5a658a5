import { showTask } from "../../services/tasks.js";
import type { Command } from "../command.js";
import { taskDetail } from "../render/tasks.js";

const command: Command = {
  usage: "wm tasks show <id>",
  options: {},
  positionals: { names: ["<id>"], min: 1, max: 1 },
  examples: ["wm tasks show k3x9ma", "wm tasks show k3x --json"],
  async run(_values, pos, io) {
    const detail = await showTask(io.ctx, pos[0]!);
    return { kind: "task-detail", data: detail, text: taskDetail(detail, io.color) };
  },
};
export default command;
