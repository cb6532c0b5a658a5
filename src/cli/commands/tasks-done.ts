import { doneTask } from "../../services/tasks.js";
import { bool, type Command, str } from "../command.js";
import { paint } from "../output.js";
import { taskLine } from "../render/tasks.js";

const command: Command = {
  usage: 'wm tasks done <id> [--evidence="TEXT"] [--evidence-cmd="COMMAND"] [--force]',
  description:
    "Refuses a task whose dependencies are open (task/done-out-of-order), an epic with open children, and a\n" +
    "verify task without evidence. --evidence-cmd runs the command in the repository root and records its exit\n" +
    "code, a sha256 of its output and the last lines; a command that fails leaves the task open (exit 1).",
  options: {
    evidence: { type: "string", arg: "TEXT", description: "what shows it is done" },
    "evidence-cmd": {
      type: "string",
      arg: "COMMAND",
      description: "a command wm runs and records as evidence",
    },
    force: { type: "boolean", description: "mark done even though dependencies are open" },
    session: { type: "string", arg: "ID", description: "record the agent session that finished it" },
  },
  positionals: { names: ["<id>"], min: 1, max: 1 },
  examples: [
    'wm tasks done k3x9ma --evidence="reviewed the staging deploy log"',
    'wm tasks done v7q2pd --evidence-cmd="npm test"',
  ],
  async run(values, pos, io) {
    const opts: Parameters<typeof doneTask>[2] = { force: bool(values, "force") };
    for (const [flag, key] of [
      ["evidence", "evidence"],
      ["evidence-cmd", "evidenceCmd"],
      ["session", "session"],
    ] as const) {
      const v = str(values, flag);
      if (v !== undefined) opts[key] = v;
    }
    const result = await doneTask(io.ctx, pos[0]!, opts);
    const p = paint(io.color);
    const lines = [taskLine(result.task, io.color)];
    if (result.unblocked.length > 0) {
      lines.push(p.dim("now ready:"), ...result.unblocked.map((t) => `  ${taskLine(t, io.color)}`));
    }
    return { kind: "task-done", data: result, text: lines.join("\n") };
  },
};
export default command;
