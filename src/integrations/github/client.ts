// The one place wm talks to GitHub's REST API, through @octokit/rest (loaded with a real dynamic import
// the first time a request is made: it is an ES module only, and nothing else pays for it). Adds what the
// library leaves to its user: bounded retries of rate limits (waiting for the reset, with a message) and of
// 5xx answers and network failures (exponential backoff), pagination of every list, and errors that say
// what to do and never carry the token (see redact.ts).

import type { Octokit } from "@octokit/rest";
import { WmError } from "../../core/errors.js";
import { type FailedAnswer, type RepoRef, retryDecision } from "../../core/github.js";
import type { RemoteIssue } from "../../core/sync-plan.js";
import { redactSecrets, redactValue } from "./redact.js";

/** An issue as the client returns it: what the sync planner reads (RemoteIssue), and when it was made. */
export interface GhIssue extends RemoteIssue {
  created: string;
  /** Sub-issues (any state), when GitHub says; undefined when the answer had no summary. */
  subIssues: number | undefined;
  /** Issues this one is blocked by (any state), when GitHub says. */
  blockedBy: number | undefined;
}

export interface GhComment {
  id: number;
  body: string;
}

export interface ClientOptions {
  baseUrl: string;
  repo: RepoRef;
  token: string | undefined;
  /** Where the token came from, for the hint of an auth error. */
  tokenSource?: string;
  userAgent: string;
  /** Messages for the user while waiting or retrying (stderr). */
  notify: (line: string) => void;
  /** Waits; tests of the client could pass their own. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

interface RawIssue {
  id: number;
  number: number;
  title: string;
  body?: string | null;
  state: string;
  state_reason?: string | null;
  labels?: Array<string | { name?: string }>;
  html_url: string;
  created_at: string;
  pull_request?: unknown;
  sub_issues_summary?: { total?: number };
  issue_dependencies_summary?: { total_blocked_by?: number; blocked_by?: number };
}

function toIssue(r: RawIssue): GhIssue {
  return {
    id: r.id,
    number: r.number,
    title: r.title,
    body: r.body ?? "",
    state: r.state === "closed" ? "closed" : "open",
    stateReason: r.state_reason ?? null,
    labels: (r.labels ?? []).map((l) => (typeof l === "string" ? l : (l.name ?? ""))).filter((l) => l !== ""),
    url: r.html_url,
    created: r.created_at,
    subIssues: r.sub_issues_summary?.total,
    blockedBy: r.issue_dependencies_summary?.total_blocked_by ?? r.issue_dependencies_summary?.blocked_by,
  };
}

interface OctokitError {
  status?: number;
  message?: string;
  response?: { status?: number; headers?: Record<string, string | number | undefined>; data?: unknown };
}

function answerOf(err: unknown): FailedAnswer {
  const e = err as OctokitError;
  const data = e.response?.data as { message?: string } | undefined;
  return {
    // A RequestError without a response is a network failure (octokit gives it status 500).
    status: e.response === undefined ? undefined : (e.response.status ?? e.status),
    headers: e.response?.headers ?? {},
    message: typeof data?.message === "string" ? data.message : (e.message ?? ""),
  };
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : ms < 120_000 ? `${Math.ceil(ms / 1000)}s` : `${Math.ceil(ms / 60_000)} min`;
}

export class GitHubClient {
  /** Requests sent (retries included). */
  requests = 0;
  private octokit: Octokit | null = null;
  private readonly secrets: string[];

  constructor(private readonly opts: ClientOptions) {
    this.secrets = opts.token ? [opts.token] : [];
  }

  get repo(): RepoRef {
    return this.opts.repo;
  }

  get authenticated(): boolean {
    return this.opts.token !== undefined;
  }

  /** Text safe to print. */
  safe(text: string): string {
    return redactSecrets(text, this.secrets);
  }

  private async client(): Promise<Octokit> {
    if (this.octokit) return this.octokit;
    let mod: typeof import("@octokit/rest");
    try {
      mod = await import("@octokit/rest");
    } catch (err) {
      throw new WmError(`cannot load @octokit/rest: ${(err as Error).message}`, {
        rule: "github/install",
        hint: "reinstall wm (npm install) so that its dependencies are present",
      });
    }
    const notify = (m: unknown) => this.opts.notify(`github: ${this.safe(String(m))}`);
    const octokit = new mod.Octokit({
      ...(this.opts.token ? { auth: this.opts.token } : {}),
      baseUrl: this.opts.baseUrl.replace(/\/+$/, ""),
      userAgent: this.opts.userAgent,
      log: { debug: () => {}, info: () => {}, warn: notify, error: notify },
      request: {
        fetch: (url: string, init: RequestInit) =>
          fetch(url, { ...init, signal: init.signal ?? AbortSignal.timeout(60_000) }),
      },
    });
    const sleep = this.opts.sleep ?? defaultSleep;
    const now = this.opts.now ?? Date.now;
    octokit.hook.wrap("request", async (request, options) => {
      const tries = { "rate-limit": 0, server: 0 };
      for (;;) {
        this.requests++;
        try {
          return await request(options);
        } catch (err) {
          const answer = answerOf(err);
          const kind = answer.status !== undefined && answer.status < 500 ? "rate-limit" : "server";
          const d = retryDecision(answer, tries[kind], now());
          if (!d.retry) throw err;
          tries[d.kind]++;
          const what = `${String(options.method)} ${String(options.url).replace(/\?.*$/, "")}`;
          const why =
            d.kind === "rate-limit"
              ? `rate limit reached (${answer.status})`
              : answer.status === undefined
                ? `no answer (${this.safe(answer.message ?? "network error")})`
                : `server error ${answer.status}`;
          this.opts.notify(
            `github: ${why} on ${what}; waiting ${seconds(d.waitMs)} before retry ${tries[d.kind]}`,
          );
          await sleep(d.waitMs);
        }
      }
    });
    this.octokit = octokit;
    return octokit;
  }

  /** Runs one API call and turns its failure into a WmError that says what to do (and holds no token). */
  private async call<T>(what: string, fn: (o: Octokit) => Promise<T>): Promise<T> {
    const octokit = await this.client();
    try {
      return await fn(octokit);
    } catch (err) {
      throw this.toError(what, err);
    }
  }

  private toError(what: string, err: unknown): WmError {
    if (err instanceof WmError) return err;
    const e = this.describeError(what, err);
    const status = answerOf(err).status;
    return new WmError(e.message, {
      ...(e.rule ? { rule: e.rule } : {}),
      ...(e.hint ? { hint: e.hint } : {}),
      details: { status: status ?? null },
    });
  }

  private describeError(what: string, err: unknown): WmError {
    const a = answerOf(err);
    const msg = this.safe(a.message ?? "");
    const slug = `${this.repo.owner}/${this.repo.name}`;
    const d = retryDecision(a, Number.POSITIVE_INFINITY, (this.opts.now ?? Date.now)());
    if (d.kind === "rate-limit" && !d.retry) {
      const at = d.resetAtMs === undefined ? "" : ` until ${new Date(d.resetAtMs).toISOString()}`;
      return new WmError(`GitHub rate limit exhausted while trying to ${what}${at}`, {
        rule: "github/rate-limit",
        hint: "wait for the reset and run the command again (a token raises the limit: set GH_TOKEN)",
      });
    }
    if (a.status === undefined) {
      return new WmError(`cannot reach GitHub at ${this.opts.baseUrl} to ${what}: ${msg}`, {
        rule: "github/network",
        hint: "check the network, or issues.github.base_url in .wm/config.yaml",
      });
    }
    const tokenHint = this.opts.token
      ? `the token from ${this.opts.tokenSource ?? "the environment"} may lack access (it needs Issues: read and write)`
      : "no token was found: set GH_TOKEN (or GITHUB_TOKEN), or log in with `gh auth login`";
    const errors = (err as OctokitError).response?.data as { errors?: unknown } | undefined;
    const detail =
      errors?.errors === undefined ? "" : ` ${JSON.stringify(redactValue(errors.errors, this.secrets))}`;
    if (a.status === 401) {
      return new WmError(`GitHub rejected the credentials while trying to ${what} (401 ${msg})`, {
        rule: "github/auth",
        hint: tokenHint,
      });
    }
    if (a.status === 403) {
      return new WmError(`GitHub refused to ${what} in ${slug} (403 ${msg})`, {
        rule: "github/forbidden",
        hint: tokenHint,
      });
    }
    if (a.status === 404) {
      return new WmError(`GitHub found nothing to ${what} in ${slug} (404 ${msg})`, {
        rule: "github/not-found",
        hint: `check issues.github.repo (or the origin remote); ${tokenHint}`,
      });
    }
    if (a.status >= 500) {
      return new WmError(`GitHub kept failing (${a.status} ${msg}) while trying to ${what}`, {
        rule: "github/unavailable",
        hint: "GitHub may be having trouble: try again later (https://www.githubstatus.com)",
      });
    }
    return new WmError(`GitHub refused to ${what} (${a.status} ${msg})${detail}`, {
      rule: "github/request",
    });
  }

  private get base() {
    return { owner: this.repo.owner, repo: this.repo.name };
  }

  /** The issue, or null when there is none with that number (or the number is a pull request). */
  async getIssue(number: number): Promise<GhIssue | null> {
    const octokit = await this.client();
    try {
      const r = await octokit.request("GET /repos/{owner}/{repo}/issues/{issue_number}", {
        ...this.base,
        issue_number: number,
      });
      const raw = r.data as unknown as RawIssue;
      return raw.pull_request === undefined ? toIssue(raw) : null;
    } catch (err) {
      const status = (err as OctokitError).status;
      if (status === 404 || status === 410) return null;
      throw this.toError(`read issue #${number}`, err);
    }
  }

  async listIssues(filter: { state: "open" | "closed" | "all"; labels?: string[] }): Promise<GhIssue[]> {
    const what = `list the issues of ${this.repo.owner}/${this.repo.name}`;
    return this.call(what, async (o) => {
      const params = {
        ...this.base,
        state: filter.state,
        per_page: 100,
        ...(filter.labels && filter.labels.length > 0 ? { labels: filter.labels.join(",") } : {}),
      };
      const raws = (await o.paginate("GET /repos/{owner}/{repo}/issues", params)) as unknown as RawIssue[];
      return raws.filter((r) => r.pull_request === undefined).map(toIssue);
    });
  }

  async createIssue(input: { title: string; body: string; labels: string[] }): Promise<GhIssue> {
    return this.call(`create the issue "${input.title}"`, async (o) => {
      const r = await o.request("POST /repos/{owner}/{repo}/issues", { ...this.base, ...input });
      return toIssue(r.data as unknown as RawIssue);
    });
  }

  async updateIssue(
    number: number,
    patch: {
      body?: string;
      state?: "open" | "closed";
      state_reason?: "completed" | "not_planned" | "reopened";
    },
  ): Promise<GhIssue> {
    return this.call(`update issue #${number}`, async (o) => {
      const r = await o.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", {
        ...this.base,
        issue_number: number,
        ...patch,
      });
      return toIssue(r.data as unknown as RawIssue);
    });
  }

  async addLabels(number: number, labels: string[]): Promise<void> {
    await this.call(`label issue #${number}`, (o) =>
      o.request("POST /repos/{owner}/{repo}/issues/{issue_number}/labels", {
        ...this.base,
        issue_number: number,
        labels,
      }),
    );
  }

  /**
   * Takes one label off an issue (`DELETE .../issues/{n}/labels/{name}`). False when GitHub answers 404: the
   * issue no longer carries it (removed meanwhile, by a person or an earlier run cut short), which is the
   * state wanted, not an error.
   */
  async removeLabel(number: number, name: string): Promise<boolean> {
    const octokit = await this.client();
    try {
      await octokit.request("DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}", {
        ...this.base,
        issue_number: number,
        name,
      });
      return true;
    } catch (err) {
      if ((err as OctokitError).status === 404) return false;
      throw this.toError(`remove the label ${name} from issue #${number}`, err);
    }
  }

  async listLabels(): Promise<string[]> {
    return this.call("list the labels", async (o) => {
      const raws = (await o.paginate("GET /repos/{owner}/{repo}/labels", {
        ...this.base,
        per_page: 100,
      })) as Array<{
        name: string;
      }>;
      return raws.map((l) => l.name);
    });
  }

  async createLabel(label: { name: string; color: string; description: string }): Promise<void> {
    await this.call(`create the label ${label.name}`, (o) =>
      o.request("POST /repos/{owner}/{repo}/labels", { ...this.base, ...label }),
    );
  }

  async listSubIssues(number: number): Promise<GhIssue[]> {
    return this.call(`list the sub-issues of #${number}`, async (o) => {
      const raws = (await o.paginate("GET /repos/{owner}/{repo}/issues/{issue_number}/sub_issues", {
        ...this.base,
        issue_number: number,
        per_page: 100,
      })) as unknown as RawIssue[];
      return raws.map(toIssue);
    });
  }

  /** Makes `childId` (an issue's database id) a sub-issue of issue `parent`. */
  async addSubIssue(parent: number, childId: number): Promise<void> {
    await this.call(`add a sub-issue to #${parent}`, (o) =>
      o.request("POST /repos/{owner}/{repo}/issues/{issue_number}/sub_issues", {
        ...this.base,
        issue_number: parent,
        sub_issue_id: childId,
      }),
    );
  }

  async listBlockedBy(number: number): Promise<GhIssue[]> {
    return this.call(`list what blocks #${number}`, async (o) => {
      const raws = (await o.paginate(
        "GET /repos/{owner}/{repo}/issues/{issue_number}/dependencies/blocked_by",
        {
          ...this.base,
          issue_number: number,
          per_page: 100,
        },
      )) as unknown as RawIssue[];
      return raws.map(toIssue);
    });
  }

  /** Records that issue `number` is blocked by the issue whose database id is `blockingId`. */
  async addBlockedBy(number: number, blockingId: number): Promise<void> {
    await this.call(`mark #${number} as blocked`, (o) =>
      o.request("POST /repos/{owner}/{repo}/issues/{issue_number}/dependencies/blocked_by", {
        ...this.base,
        issue_number: number,
        issue_id: blockingId,
      }),
    );
  }

  async listComments(number: number): Promise<GhComment[]> {
    return this.call(`read the comments of #${number}`, async (o) => {
      const raws = (await o.paginate("GET /repos/{owner}/{repo}/issues/{issue_number}/comments", {
        ...this.base,
        issue_number: number,
        per_page: 100,
      })) as Array<{ id: number; body?: string | null }>;
      return raws.map((c) => ({ id: c.id, body: c.body ?? "" }));
    });
  }

  async createComment(number: number, body: string): Promise<void> {
    await this.call(`comment on #${number}`, (o) =>
      o.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
        ...this.base,
        issue_number: number,
        body,
      }),
    );
  }
}
