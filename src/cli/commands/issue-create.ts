import { createIssue } from "../../services/issues.js";
import { type Command, list, str } from "../command.js";

const command: Command = {
  usage:
    "wm issue create --title=TITLE [--body=TEXT | --body-file=FILE] [--type=feature|bug|epic] [--parent=N] [--label=L]",
  description:
    "Creates an issue with the configured provider. Local: .wm/issues/<number>-<slug>.md (YAML frontmatter,\n" +
    "then the markdown body), numbered one above the highest existing issue. GitHub: a new issue in the\n" +
    "repository (issues.github.repo or the origin remote); --parent makes it a sub-issue.\n" +
    "Prints the number alone, so `n=$(wm issue create ...)` works.\n" +
    "An `## Acceptance Criteria` section of the body is what `wm spec new` copies into the spec.",
  options: {
    title: { type: "string", arg: "TITLE", description: "the issue's title (required)" },
    body: { type: "string", arg: "TEXT", description: "the body, markdown" },
    "body-file": { type: "string", arg: "FILE", description: "read the body from a file (- for stdin)" },
    type: { type: "string", arg: "TYPE", description: "feature, bug or epic: stored as a label" },
    label: { type: "string", arg: "L[,L]", multiple: true, description: "labels" },
    parent: {
      type: "string",
      arg: "N",
      description: "the parent issue (an epic): the new one is its sub-issue",
    },
  },
  examples: [
    'wm issue create --title="Add rate limiting" --type=feature --body-file=issue.md',
    'n=$(wm issue create --title="Crash on empty config" --type=bug)',
  ],
  async run(values, _pos, io) {
    const input: Parameters<typeof createIssue>[1] = { title: str(values, "title") ?? "" };
    const body = str(values, "body");
    if (body !== undefined) input.body = body;
    const bodyFile = str(values, "body-file");
    if (bodyFile !== undefined) input.bodyFile = bodyFile;
    const type = str(values, "type");
    if (type !== undefined) input.type = type;
    const labels = list(values, "label");
    if (labels) input.labels = labels;
    const parent = str(values, "parent");
    if (parent !== undefined) input.parent = parent;
    const issue = await createIssue(io.ctx, input, { notify: io.stderr });
    return { kind: "issue", data: issue, text: String(issue.number) };
  },
};
export default command;
