import { listTasks } from "../../services/tasks.js";
import { bool, type Command, list, str } from "../command.js";
import { taskTable } from "../render/tasks.js";

const command: Command = {
  usage: "wm tasks list [--issue=N] [--status=S,...] [--type=T,...] [--parent=ID] [--ready]",
  options: {
    issue: { type: "string", arg: "N", description: "only tasks of this issue" },
    status: {
      type: "string",
      arg: "S[,S]",
      multiple: true,
      description: "only these statuses: pending, in_progress, blocked, done, cancelled",
    },
    type: { type: "string", arg: "T[,T]", multiple: true, description: "only these types" },
    parent: { type: "string", arg: "ID", description: "only children of this epic" },
    ready: { type: "boolean", description: "only tasks that are ready to start" },
    session: { type: "string", arg: "ID", description: "only tasks of this agent session" },
  },
  examples: [
    "wm tasks list --issue=239",
    "wm tasks list --status=pending",
    "wm tasks list --issue=239 --status=pending,in_progress --json",
  ],
  async run(values, _pos, io) {
    const filter: Parameters<typeof listTasks>[1] = { ready: bool(values, "ready") };
    const issue = str(values, "issue");
    if (issue !== undefined) filter.issue = issue;
    const status = list(values, "status");
    if (status) filter.status = status;
    const type = list(values, "type");
    if (type) filter.type = type;
    const parent = str(values, "parent");
    if (parent !== undefined) filter.parent = parent;
    const session = str(values, "session");
    if (session !== undefined) filter.session = session;
    const tasks = await listTasks(io.ctx, filter);
    return { kind: "tasks", data: tasks, text: taskTable(tasks, io.color) };
  },
};
export default command;
