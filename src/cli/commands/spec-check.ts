import { UsageError } from "../../core/errors.js";
import { checkSpecs, DEFAULT_MIN_SCORE, type SpecCheckOptions } from "../../services/spec-check.js";
import { type Command, str } from "../command.js";
import { envelope } from "../output.js";
import { githubAnnotations, sarif, stylish } from "../render/spec.js";

declare const __WM_VERSION__: string;

const FORMATS = ["stylish", "json", "sarif", "github"] as const;

const command: Command = {
  usage:
    "wm spec check [FILES...] [--issue=N] [--format=stylish|json|sarif|github] [--min-score=S] [--no-cache]",
  description:
    "Checks planning specs against the repository: unfilled fields and cells, leftover template variables and\n" +
    "markers, unresolved choices, paths that do not exist (or should not yet), out-of-range lines, globs that\n" +
    "match nothing, unknown commits, paths out of the repository, pasted secrets, SQL and bash that do not\n" +
    "parse, and Task Breakdown lines the CLI would reject. Each finding: file:line:col, rule id, message, fix.\n" +
    "Without FILES or --issue, checks every spec in the specs directory (planning/specs by default).\n" +
    `Exit 1 on an error finding or a completeness score below --min-score (default ${DEFAULT_MIN_SCORE}); 2 on bad input.`,
  options: {
    issue: { type: "string", arg: "N", description: "check planning/specs/N-*.md" },
    format: {
      type: "string",
      arg: "FORMAT",
      description: "stylish (default), json, sarif or github (workflow annotations)",
    },
    "min-score": {
      type: "string",
      arg: "S",
      description: `fail when the completeness score is below S (0-100, default ${DEFAULT_MIN_SCORE})`,
    },
    "no-cache": {
      type: "boolean",
      description: "check from scratch: ask git for the files and parse every spec, ignoring .wm/cache",
    },
  },
  positionals: { names: ["FILES..."], min: 0, max: Number.POSITIVE_INFINITY },
  examples: [
    "wm spec check planning/specs/239-infra-upgrade.md",
    "wm spec check --issue 239 --min-score 90",
    "wm spec check --format sarif > spec-check.sarif",
    "wm spec check --format github   # in a GitHub Actions step",
    "wm spec check --no-cache        # as if .wm/cache were empty",
  ],
  async run(values, positionals, io) {
    const format = io.json ? "json" : (str(values, "format") ?? "stylish");
    if (!(FORMATS as readonly string[]).includes(format)) {
      throw new UsageError(`--format must be one of ${FORMATS.join(", ")}, got "${format}"`);
    }
    const options: SpecCheckOptions = { files: positionals };
    if (values["no-cache"] === true) options.noCache = true;
    const issue = str(values, "issue");
    if (issue !== undefined) options.issue = issue;
    const min = str(values, "min-score");
    if (min !== undefined) {
      if (!/^\d{1,3}$/.test(min.trim()) || Number(min) > 100) {
        throw new UsageError(`--min-score must be a whole number from 0 to 100, got "${min}"`);
      }
      options.minScore = Number(min);
    }
    const result = await checkSpecs(io.ctx, options);
    const data = {
      files: result.files,
      minScore: result.minScore,
    };
    const exitCode = result.ok ? 0 : 1;
    let text: string;
    if (format === "json") text = envelope("spec-check", data);
    else if (format === "sarif") text = JSON.stringify(sarif(result, __WM_VERSION__), null, 2);
    else if (format === "github") text = githubAnnotations(result);
    else text = stylish(result, io.color);
    return { kind: "spec-check", data, text, exitCode };
  },
};
export default command;
