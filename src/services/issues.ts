// Issue use-cases: the provider the config names (local files, or GitHub), and `wm issue create|show|list`
// on it. The GitHub code (and @octokit/rest) is loaded only when the provider is github.

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

export interface ProviderOptions {
  /** Messages while waiting for GitHub (rate limits, retries): stderr. Dropped when absent. */
  notify?: (line: string) => void;
  /** The caller will write (create): a GitHub provider without a token fails at once. */
  write?: boolean;
}

/** The provider `.wm/config.yaml` asks for (issues.provider, default local). */
export async function issueProvider(ctx: Ctx, opts: ProviderOptions = {}): Promise<IssueProvider> {
  const paths = project(ctx);
  const { config } = await loadConfig(paths);
  if (config.issues.provider === "github") {
    const [{ resolveTarget, connect }, { GitHubIssues }] = await Promise.all([
      import("../integrations/github/connect.js"),
      import("../integrations/github/provider.js"),
    ]);
    const client = connect(resolveTarget(paths.root, config), {
      env: ctx.env,
      notify: opts.notify ?? (() => {}),
      requireToken: opts.write === true,
    });
    return new GitHubIssues(client);
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
  /** Make it a sub-issue of this issue. */
  parent?: string | number;
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

export async function createIssue(
  ctx: Ctx,
  input: CreateIssueInput,
  opts: ProviderOptions = {},
): Promise<Issue> {
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
  const parent = input.parent === undefined ? undefined : parseIssueNumber(input.parent, "--parent");
  const provider = await issueProvider(ctx, { ...opts, write: true });
  return provider.create({ title, body, labels, ...(parent === undefined ? {} : { parent }) });
}

function parseIssueNumber(value: string | number, flag: string): number {
  try {
    return parseIssue(value);
  } catch {
    throw new UsageError(`${flag} must be an issue number, got "${value}"`);
  }
}

/** The issue, or a WmError (exit 2) saying how to make it. */
export async function showIssue(
  ctx: Ctx,
  number: string | number,
  opts: ProviderOptions = {},
): Promise<Issue> {
  const n = parseIssue(number);
  const provider = await issueProvider(ctx, opts);
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
  opts: ProviderOptions = {},
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
  return (await issueProvider(ctx, opts)).list(f);
}
