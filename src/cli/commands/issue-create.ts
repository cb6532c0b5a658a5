import { createIssue } from "../../services/issues.js";
import { type Command, list, str } from "../command.js";

const command: Command = {
  usage:
    "wm issue create --title=TITLE [--body=TEXT | --body-file=FILE] [--type=feature|bug|epic] [--label=L]",
  description:
    "Creates a local issue, .wm/issues/<number>-<slug>.md (YAML frontmatter, then the markdown body), numbered\n" +
    "one above the highest existing issue. Prints the number alone, so `n=$(wm issue create ...)` works.\n" +
    "An `## Acceptance Criteria` section of the body is what `wm spec new` copies into the spec.",
  options: {
    title: { type: "string", arg: "TITLE", description: "the issue's title (required)" },
    body: { type: "string", arg: "TEXT", description: "the body, markdown" },
    "body-file": { type: "string", arg: "FILE", description: "read the body from a file (- for stdin)" },
    type: { type: "string", arg: "TYPE", description: "feature, bug or epic: stored as a label" },
    label: { type: "string", arg: "L[,L]", multiple: true, description: "labels" },
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
    const issue = await createIssue(io.ctx, input);
    return { kind: "issue", data: issue, text: String(issue.number) };
  },
};
export default command;
