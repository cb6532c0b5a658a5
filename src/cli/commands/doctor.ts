import { doctor } from "../../services/doctor.js";
import { bool, type Command } from "../command.js";
import { doctorText } from "../render/doctor.js";

const command: Command = {
  usage: "wm doctor [--fix]",
  description:
    "Checks the project root, .wm/, the config file, the tasks file and its graph, .gitignore, leftovers of\n" +
    "killed processes, the git merge driver and the Node version. Exit 1 when a check is an error.\n" +
    "--fix adds missing .gitignore lines and removes stale locks and temp files; it never rewrites a file\n" +
    "wm cannot parse.",
  options: {
    fix: { type: "boolean", description: "repair what is safe to repair" },
  },
  examples: ["wm doctor", "wm doctor --fix", "wm doctor --json"],
  async run(values, _pos, io) {
    const result = await doctor(io.ctx, { fix: bool(values, "fix") });
    return { kind: "doctor", data: result, text: doctorText(result, io.color), exitCode: result.ok ? 0 : 1 };
  },
};
export default command;
