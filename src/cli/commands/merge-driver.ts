import { runMergeDriver } from "../../services/merge-driver.js";
import type { Command } from "../command.js";
import { conflictReport } from "../render/merge.js";

const command: Command = {
  usage: "wm merge-driver <base> <ours> <theirs> [<path>]",
  description:
    "Git's merge driver for .wm/tasks.yaml (register it with `wm setup git`); git runs it as\n" +
    "`wm merge-driver %O %A %B %P`. Merges the three versions by task id and writes the result over <ours>.\n" +
    "Exit 0: merged cleanly. Exit 1: conflicts, reported on stderr and written into <ours> between\n" +
    "<<<<<<< ours / ======= / >>>>>>> theirs markers around the conflicting tasks only.\n" +
    "Exit 2: a version does not parse; <ours> is left untouched.",
  options: {},
  positionals: { names: ["<base>", "<ours>", "<theirs>", "[<path>]"], min: 3, max: 4 },
  examples: [
    "wm setup git    # registers: node /path/to/wm.js merge-driver %O %A %B %P",
    "wm merge-driver base.yaml ours.yaml theirs.yaml .wm/tasks.yaml",
  ],
  async run(_values, pos, io) {
    const [base, ours, theirs, path] = pos as [string, string, string, string | undefined];
    const result = await runMergeDriver(io.ctx, {
      base,
      ours,
      theirs,
      ...(path === undefined ? {} : { path }),
    });
    if (result.conflicts.length === 0) return { kind: "merge", data: result, text: "" };
    io.stderr(
      conflictReport(result.path, result.conflicts, result.conflictedTasks, io.color && io.interactive),
    );
    return { kind: "merge", data: result, text: "", exitCode: 1 };
  },
};
export default command;
