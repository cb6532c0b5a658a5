import { TASKS_CREATE_OPTIONS } from "../../core/task-options.js";
import { createTask } from "../../services/tasks.js";
import { type Command, list, str } from "../command.js";

const command: Command = {
  usage:
    "wm tasks create --title=TITLE --type=TYPE [--issue=N] [--depends-on=ID,...] [--parent=ID] [--phase=P]",
  description:
    "Prints the new task's id alone on stdout, so `id=$(wm tasks create ...)` works.\n" +
    "Without --parent, a task for an issue joins that issue's epic when there is exactly one open epic for it\n" +
    "(--parent=none to opt out). Creates .wm/tasks.yaml when it does not exist yet.",
  options: TASKS_CREATE_OPTIONS,
  examples: [
    'wm tasks create --title="GH#239: Infrastructure upgrade" --type=epic --issue=239',
    'wm tasks create --title="GH#239: Analyze current infrastructure" --type=impl --issue=239',
    'id=$(wm tasks create --title="Run the migration" --type=impl --depends-on=k3x9ma)',
  ],
  async run(values, _pos, io) {
    const input: Parameters<typeof createTask>[1] = {
      title: str(values, "title") ?? "",
      type: str(values, "type") ?? "task",
    };
    const issue = str(values, "issue");
    if (issue !== undefined) input.issue = issue;
    const deps = list(values, "depends-on");
    if (deps) input.dependsOn = deps;
    const parent = str(values, "parent");
    if (parent !== undefined) input.parent = parent;
    for (const k of ["phase", "description", "session"] as const) {
      const v = str(values, k);
      if (v !== undefined) input[k] = v;
    }
    const task = await createTask(io.ctx, input);
    return { kind: "task", data: task, text: task.id };
  },
};
export default command;
