import { cancelTask } from "../../services/tasks.js";
import { type Command, str } from "../command.js";
import { taskLine } from "../render/tasks.js";

const command: Command = {
  usage: 'wm tasks cancel <id> --reason="TEXT"',
  description: "A cancelled task no longer holds back the tasks that depend on it.",
  options: { reason: { type: "string", arg: "TEXT", description: "why the task is dropped (required)" } },
  positionals: { names: ["<id>"], min: 1, max: 1 },
  examples: ['wm tasks cancel k3x9ma --reason="covered by the new CI workflow"'],
  async run(values, pos, io) {
    const task = await cancelTask(io.ctx, pos[0]!, str(values, "reason") ?? "");
    return { kind: "task", data: task, text: taskLine(task, io.color) };
  },
};
export default command;
