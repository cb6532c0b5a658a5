import { specTasks } from "../../services/spec-tasks.js";
import { bool, type Command } from "../command.js";
import { specTasksText } from "../render/issues.js";

const command: Command = {
  usage: "wm spec tasks <spec> [--dry-run]",
  description:
    "Imports the spec's Task Breakdown (its ```bash blocks' `wm tasks create ...` lines, read with that command's\n" +
    "own flags) into .wm/tasks.yaml, in one atomic write. Every task links to the spec and the issue.\n" +
    "Dependencies, unless a line says --depends-on (titles of other lines, or task ids):\n" +
    "  - the epic is the parent of every other task;\n" +
    "  - `# Phase N: Name` comments start phases (task phase pN); a phase's tasks form a chain in the order\n" +
    "    written, and its first task waits for the previous phase's last task;\n" +
    "  - a phase of two or more verify tasks only is a gate and its checks: the first verify task follows the\n" +
    "    previous phase, the others each wait for it (in parallel), and the next phase waits for the gate.\n" +
    "A task is known by its issue and title: importing again creates only what is new and updates the phase,\n" +
    "parent, dependencies and spec link of the rest (a dependency added by hand on another task is kept).\n" +
    "Refused (exit 2, nothing written): {{variables}} left in a line, an --issue other than the spec's, a line\n" +
    "the CLI would reject, two lines with one title, two epics, a cycle.",
  options: {
    "dry-run": {
      type: "boolean",
      description: "print the plan, write nothing (new tasks show as +1, +2, ...)",
    },
  },
  positionals: { names: ["<spec>"], min: 1, max: 1 },
  examples: [
    "wm spec tasks planning/specs/239-upgrade-ci.md --dry-run",
    "wm spec tasks planning/specs/239-upgrade-ci.md && wm tasks graph --issue=239",
  ],
  async run(values, pos, io) {
    const r = await specTasks(io.ctx, { spec: pos[0]!, dryRun: bool(values, "dry-run") });
    return { kind: "spec-tasks", data: r, text: specTasksText(r, io.color) };
  },
};
export default command;
