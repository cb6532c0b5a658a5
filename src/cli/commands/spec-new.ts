import { relative } from "node:path";
import { UsageError } from "../../core/errors.js";
import { specNew, specNewData } from "../../services/spec-new.js";
import { bool, type Command, str } from "../command.js";

const command: Command = {
  usage: "wm spec new <template> --issue=N [--title=T] [--slug=S] [--force] [--dry-run]",
  description:
    "Writes a planning spec from a template: <specs.dir>/<N>-<slug>.md (planning/specs/ by default; the research\n" +
    "template writes <specs.research_dir>/<YYYY-MM-DD>-<slug>.md). The title and the acceptance criteria come\n" +
    "from issue N (local issues: .wm/issues/); without such an issue, --title is required. {{FEATURE_TITLE}},\n" +
    "{{ISSUE}}, {{ISSUE_NUMBER}}, {{DATE}}, {{SLUG}} and {{TEMPLATE}} are filled; other {{variables}} are\n" +
    "for the agent. The issue's criteria replace the placeholder under **Acceptance Criteria:**.\n" +
    "Never overwrites a file without --force (exit 2). Prints the path alone, so `f=$(wm spec new ...)` works.",
  options: {
    issue: { type: "string", arg: "N", description: "the issue the spec plans (required)" },
    title: { type: "string", arg: "TITLE", description: "the title (default: the issue's)" },
    slug: { type: "string", arg: "SLUG", description: "the file name's slug (default: from the title)" },
    force: { type: "boolean", description: "replace the file if it exists" },
    "dry-run": { type: "boolean", description: "print the path, write nothing" },
  },
  positionals: { names: ["<template>"], min: 1, max: 1 },
  examples: [
    "wm spec new infrastructure --issue=239",
    'f=$(wm spec new feature --issue=12 --title="Rate limits" --slug=rate-limits)',
    "wm spec new research --issue=40 --dry-run --json",
  ],
  async run(values, pos, io) {
    const issue = str(values, "issue");
    if (issue === undefined) {
      throw new UsageError("wm spec new: --issue=N is required", { hint: `usage: ${command.usage}` });
    }
    const input: Parameters<typeof specNew>[1] = {
      template: pos[0]!,
      issue,
      force: bool(values, "force"),
      dryRun: bool(values, "dry-run"),
    };
    const title = str(values, "title");
    if (title !== undefined) input.title = title;
    const slug = str(values, "slug");
    if (slug !== undefined) input.slug = slug;
    input.notify = io.stderr;
    const r = await specNew(io.ctx, input);
    if (r.dryRun && !io.json) io.stderr("dry run: nothing written");
    return {
      kind: "spec-new",
      data: specNewData(r),
      text: relative(io.ctx.cwd, r.absolutePath) || r.path,
    };
  },
};
export default command;
