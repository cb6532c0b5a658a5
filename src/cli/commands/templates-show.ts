import { templateShow } from "../../services/templates.js";
import type { Command } from "../command.js";

const command: Command = {
  usage: "wm templates show <name>",
  description:
    "Prints the template as it is, variables and guidance comments included (a project override when\n" +
    "there is one). --json gives {name, source, path, content}.",
  options: {},
  positionals: { names: ["<name>"], min: 1, max: 1 },
  examples: ["wm templates show feature", "wm templates show infrastructure --json"],
  async run(_values, pos, io) {
    const t = templateShow(io.ctx, pos[0]!);
    return {
      kind: "template",
      data: { name: t.name, source: t.source, path: t.path, content: t.content },
      text: t.content,
    };
  },
};
export default command;
