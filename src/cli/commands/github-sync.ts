import { EXIT_FINDINGS } from "../../core/errors.js";
import { githubSync } from "../../services/github-sync.js";
import { bool, type Command, str } from "../command.js";
import { syncText } from "../render/github-sync.js";

const command: Command = {
  usage: "wm github sync [--issue=N] [--dry-run]",
  description:
    "Mirrors every epic of .wm/tasks.yaml and the tasks below it to GitHub issues, both ways:\n" +
    "  - a task becomes an issue (the wm task id in a hidden marker in its body, so later runs find it),\n" +
    "    an epic links to its existing issue (--issue of the epic) when there is one;\n" +
    '  - parent -> sub-issue, depends_on -> "blocked by", type -> label wm:<type> (created when missing);\n' +
    "  - a task done (or cancelled) in wm closes its issue, with the evidence as a comment; an issue closed\n" +
    "    on GitHub marks its task done (a verify task without evidence is reported instead);\n" +
    "  - a title that differs is reported as a conflict with both values, never overwritten.\n" +
    "Running it twice changes nothing. Exit 1 when conflicts were reported.\n" +
    "Repository: issues.github.repo, or the origin remote. API: issues.github.base_url (GitHub Enterprise).\n" +
    "Token: GH_TOKEN, GITHUB_TOKEN, or `gh auth token`; it is never printed.",
  options: {
    issue: {
      type: "string",
      arg: "N",
      description: "only the tasks of issue N (and the epics of N with their tasks)",
    },
    "dry-run": {
      type: "boolean",
      description: "print the plan (create, update, link, close, comment) and write nothing",
    },
  },
  examples: ["wm github sync --dry-run", "wm github sync --issue=239", "wm github sync --json"],
  async run(values, _pos, io) {
    const issue = str(values, "issue");
    const result = await githubSync(io.ctx, {
      ...(issue === undefined ? {} : { issue }),
      dryRun: bool(values, "dry-run"),
      notify: io.stderr,
      ...(io.interactive ? { progress: io.stderr } : {}),
    });
    return {
      kind: "github-sync",
      data: result,
      text: syncText(result, io.color),
      exitCode: result.conflicts.length > 0 ? EXIT_FINDINGS : 0,
    };
  },
};
export default command;
