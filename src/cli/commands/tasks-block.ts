import { blockTask } from "../../services/tasks.js";
import { type Command, str } from "../command.js";
import { taskLine } from "../render/tasks.js";

const command: Command = {
  usage: 'wm tasks block <id> --reason="TEXT"',
  options: { reason: { type: "string", arg: "TEXT", description: "what the task waits for (required)" } },
  positionals: { names: ["<id>"], min: 1, max: 1 },
  examples: ['wm tasks block k3x9ma --reason="waiting for staging credentials"'],
  async run(values, pos, io) {
    const task = await blockTask(io.ctx, pos[0]!, str(values, "reason") ?? "");
    return { kind: "task", data: task, text: taskLine(task, io.color) };
  },
};
export default command;
