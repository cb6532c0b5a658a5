// Issue use-cases: the provider the config names, and `wm issue create|show|list` on it. Only the local
// provider exists yet; the GitHub one plugs in behind the same IssueProvider interface.

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { UsageError, WmError } from "../core/errors.js";
import {
  ISSUE_STATES,
  ISSUE_TYPES,
  type Issue,
  type IssueFilter,
  type IssueProvider,
  type IssueState,
} from "../core/issues.js";
import { loadConfig } from "../store/config-store.js";
import { LocalIssues } from "../store/local-issues.js";
import { type Ctx, project } from "./context.js";
import { parseIssue } from "./tasks.js";

/** The provider `.wm/config.yaml` asks for (issues.provider, default local). */
export async function issueProvider(ctx: Ctx): Promise<IssueProvider> {
  const paths = project(ctx);
  const { config } = await loadConfig(paths);
  if (config.issues.provider === "github") {
    throw new WmError("the GitHub issue provider is not available in this version of wm yet", {
      rule: "issue/provider",
      hint: "set `issues: {provider: local}` in .wm/config.yaml to use local issues (.wm/issues/)",
    });
  }
  return new LocalIssues(paths, ctx.now);
}

export interface CreateIssueInput {
  title: string;
  body?: string;
  /** A file to read the body from, relative to the working directory; "-" reads stdin. */
  bodyFile?: string;
  type?: string;
  labels?: string[];
}

function readBody(ctx: Ctx, file: string): string {
  try {
    return readFileSync(file === "-" ? 0 : resolve(ctx.cwd, file), "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(
      `cannot read --body-file ${file}: ${code === "ENOENT" ? "no such file" : (err as Error).message}`,
    );
  }
}

export async function createIssue(ctx: Ctx, input: CreateIssueInput): Promise<Issue> {
  const title = input.title.replace(/\s+/g, " ").trim();
  if (title === "") throw new UsageError("--title is required and must not be empty");
  if (input.body !== undefined && input.bodyFile !== undefined) {
    throw new UsageError("give the body with --body or --body-file, not both");
  }
  const labels = [...(input.labels ?? [])];
  if (input.type !== undefined) {
    const type = input.type.trim().toLowerCase();
    if (!(ISSUE_TYPES as readonly string[]).includes(type)) {
      throw new UsageError(`unknown issue type "${input.type}"; valid types: ${ISSUE_TYPES.join(", ")}`);
    }
    labels.unshift(type);
  }
  const body = input.bodyFile !== undefined ? readBody(ctx, input.bodyFile) : (input.body ?? "");
  if (body.includes("\u0000")) throw new UsageError("the issue body is not text (it contains NUL bytes)");
  const provider = await issueProvider(ctx);
  return provider.create({ title, body, labels });
}

/** The issue, or a WmError (exit 2) saying how to make it. */
export async function showIssue(ctx: Ctx, number: string | number): Promise<Issue> {
  const n = parseIssue(number);
  const provider = await issueProvider(ctx);
  const issue = await provider.get(n);
  if (issue === null) {
    throw new WmError(`no issue #${n} in the ${provider.name} issues`, {
      rule: "issue/not-found",
      hint: 'create it with `wm issue create --title="..."`, or see `wm issue list --state=all`',
    });
  }
  return issue;
}

export async function listIssues(
  ctx: Ctx,
  filter: { state?: string; labels?: string[] } = {},
): Promise<Issue[]> {
  const f: IssueFilter = {};
  if (filter.state !== undefined) {
    const s = filter.state.trim().toLowerCase();
    if (s !== "all" && !(ISSUE_STATES as readonly string[]).includes(s)) {
      throw new UsageError(`unknown --state "${filter.state}"; valid: ${ISSUE_STATES.join(", ")}, all`);
    }
    f.state = s as IssueState | "all";
  }
  if (filter.labels !== undefined && filter.labels.length > 0) f.labels = filter.labels;
  return (await issueProvider(ctx)).list(f);
}
