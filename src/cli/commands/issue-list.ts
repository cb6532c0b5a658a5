import { listIssues } from "../../services/issues.js";
import { type Command, list, str } from "../command.js";
import { issueList } from "../render/issues.js";

const command: Command = {
  usage: "wm issue list [--state=open|closed|all] [--label=L]",
  description:
    "Lists issues of the configured provider (issues.provider: local, .wm/issues/; or github), by number.\n" +
    "On GitHub, pull requests are left out.",
  options: {
    state: { type: "string", arg: "STATE", description: "open (default), closed or all" },
    label: { type: "string", arg: "L[,L]", multiple: true, description: "only issues with all these labels" },
  },
  examples: ["wm issue list", "wm issue list --state=all --label=bug --json"],
  async run(values, _pos, io) {
    const filter: Parameters<typeof listIssues>[1] = {};
    const state = str(values, "state");
    if (state !== undefined) filter.state = state;
    const labels = list(values, "label");
    if (labels) filter.labels = labels;
    const issues = await listIssues(io.ctx, filter, { notify: io.stderr });
    return { kind: "issues", data: issues, text: issueList(issues, io.color) };
  },
};
export default command;
