import { initProject } from "../../services/init.js";
import { bool, type Command } from "../command.js";
import { initText } from "../render/doctor.js";

const command: Command = {
  usage: "wm init [--dry-run]",
  description:
    "In the project root (the git repository's top, or WM_ROOT) creates .wm/config.yaml (the defaults, every key\n" +
    "explained), .wm/tasks.yaml (empty), .wm/issues/, and adds wm's runtime files to .gitignore. Run it again\n" +
    "at any time: it creates only what is missing and never overwrites a file.",
  options: {
    "dry-run": { type: "boolean", description: "print what it would do, change nothing" },
  },
  examples: ["wm init", "wm init --dry-run", "wm init --json"],
  async run(values, _pos, io) {
    const result = await initProject(io.ctx, { dryRun: bool(values, "dry-run") });
    return { kind: "init", data: result, text: initText(result, io.color) };
  },
};
export default command;
