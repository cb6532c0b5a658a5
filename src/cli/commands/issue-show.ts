import { showIssue } from "../../services/issues.js";
import type { Command } from "../command.js";
import { issueDetail } from "../render/issues.js";

const command: Command = {
  usage: "wm issue show <number>",
  description:
    "Shows one issue from the configured provider (issues.provider: local, .wm/issues/; or github).\n" +
    "--json gives the issue.",
  options: {},
  positionals: { names: ["<number>"], min: 1, max: 1 },
  examples: ["wm issue show 239", "wm issue show '#239' --json"],
  async run(_values, pos, io) {
    const issue = await showIssue(io.ctx, pos[0]!, { notify: io.stderr });
    return { kind: "issue", data: issue, text: issueDetail(issue, io.color) };
  },
};
export default command;
