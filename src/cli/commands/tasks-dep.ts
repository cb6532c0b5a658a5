import { UsageError } from "../../core/errors.js";
import { addDependency, removeDependency } from "../../services/tasks.js";
import type { Command } from "../command.js";
import { taskLine } from "../render/tasks.js";

const command: Command = {
  usage: "wm tasks dep add|rm <task> <dependency>",
  description:
    "`add` makes <task> depend on <dependency> (it cannot start before the dependency is done). An edge that\n" +
    "would close a cycle is refused and the error prints the whole cycle.",
  options: {},
  positionals: { names: ["add|rm", "<task>", "<dependency>"], min: 3, max: 3 },
  examples: ["wm tasks dep add k3x9ma b7c2d1", "wm tasks dep rm k3x9ma b7c2d1"],
  async run(_values, pos, io) {
    const [action, task, dep] = pos as [string, string, string];
    let result: Awaited<ReturnType<typeof addDependency>>;
    if (action === "add") result = await addDependency(io.ctx, task, dep);
    else if (action === "rm" || action === "remove") result = await removeDependency(io.ctx, task, dep);
    else
      throw new UsageError(`wm tasks dep: unknown action "${action}" (use add or rm)`, {
        hint: "wm tasks dep add <task> <dependency>",
      });
    return {
      kind: "task",
      data: result,
      text: `${taskLine(result, io.color)}\n  depends on: ${result.depends_on.join(", ") || "(nothing)"}`,
    };
  },
};
export default command;
