import { relative } from "node:path";
import { templateList } from "../../services/templates.js";
import type { Command } from "../command.js";
import { paint } from "../output.js";

const command: Command = {
  usage: "wm templates list",
  description:
    "Built-in templates ship with wm. A file .wm/templates/<name>.md overrides the built-in of that name\n" +
    "(source: project) or adds a new template; its first `# ` heading is its description.",
  options: {},
  examples: ["wm templates list", "wm templates list --json"],
  async run(_values, _pos, io) {
    const templates = templateList(io.ctx);
    const p = paint(io.color);
    const width = Math.max(...templates.map((t) => t.name.length)) + 2;
    const lines = templates.map((t) => {
      const where = t.source === "project" ? ` (${relative(io.ctx.cwd, t.path) || t.path})` : "";
      return `${p.bold(t.name.padEnd(width))}${t.source.padEnd(9)}${t.description}${p.dim(where)}`;
    });
    return { kind: "templates", data: templates, text: lines.join("\n") };
  },
};
export default command;
