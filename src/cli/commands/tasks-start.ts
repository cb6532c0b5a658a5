import { startTask } from "../../services/tasks.js";
import { bool, type Command, str } from "../command.js";
import { taskLine } from "../render/tasks.js";

const command: Command = {
  usage: "wm tasks start <id> [--force]",
  description: "Refuses a task whose dependencies are not done yet (rule task/not-ready) unless --force.",
  options: {
    force: { type: "boolean", description: "start even though dependencies are open" },
    session: { type: "string", arg: "ID", description: "record the agent session working on it" },
  },
  positionals: { names: ["<id>"], min: 1, max: 1 },
  examples: ["wm tasks start k3x9ma"],
  async run(values, pos, io) {
    const opts: Parameters<typeof startTask>[2] = { force: bool(values, "force") };
    const session = str(values, "session");
    if (session !== undefined) opts.session = session;
    const task = await startTask(io.ctx, pos[0]!, opts);
    return { kind: "task", data: task, text: taskLine(task, io.color) };
  },
};
export default command;
