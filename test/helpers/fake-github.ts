// A small fake of GitHub's REST API on 127.0.0.1 (port 0), for the tests of `wm github sync` and the
// GitHub issue provider. It implements the endpoints wm uses with the real response shapes (issues,
// labels, adding and removing an issue's labels, comments, sub-issues, "blocked by" dependencies),
// pagination with `Link` headers, rate-limit headers, and injected failures (403/429 rate limits with reset
// headers, 5xx once then ok). State is kept in memory so tests can read and change it. Nothing here touches
// the network beyond the loopback.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { closeServer, listenOnLoopback } from "./local-server.js";

export interface FakeLabel {
  id: number;
  name: string;
  color: string;
  description: string | null;
}

export interface FakeIssue {
  id: number;
  number: number;
  title: string;
  body: string | null;
  state: "open" | "closed";
  state_reason: "completed" | "not_planned" | "reopened" | null;
  labels: string[];
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  /** A pull request shares the issue numbering and shows up in the issues list. */
  pull_request?: boolean;
}

export interface RequestLog {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  authorization: string | undefined;
  status: number;
}

export interface Fault {
  method?: string;
  /** Matched against the path (no query). */
  path?: RegExp;
  /** How many requests it fails (default 1). */
  times?: number;
  status: number;
  headers?: () => Record<string, string>;
  body?: unknown;
}

export interface FakeGitHubOptions {
  owner?: string;
  repo?: string;
  /** The token a request must carry; undefined accepts any request, even without one. */
  token?: string;
  /** Largest page the server hands out, whatever per_page asks (GitHub's is 100). */
  maxPerPage?: number;
  /** A hostile server: its 401 message repeats the authorization header it got. */
  echoAuthorization?: boolean;
}

const DOCS = "https://docs.github.com/rest";

export class FakeGitHub {
  readonly owner: string;
  readonly repo: string;
  readonly issues = new Map<number, FakeIssue>();
  readonly labels = new Map<string, FakeLabel>();
  readonly comments = new Map<number, Array<{ id: number; body: string }>>();
  /** parent number -> child numbers, in the order added. */
  readonly subIssues = new Map<number, number[]>();
  /** issue number -> numbers of the issues it is blocked by. */
  readonly blockedBy = new Map<number, number[]>();
  readonly log: RequestLog[] = [];
  private faults: Fault[] = [];
  private nextNumber = 1;
  private nextId = 1_000_001;
  private server: Server | null = null;
  baseUrl = "";

  constructor(private readonly opts: FakeGitHubOptions = {}) {
    this.owner = opts.owner ?? "acme";
    this.repo = opts.repo ?? "widgets";
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err) => {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ message: `fake server bug: ${(err as Error).message}` }));
      });
    });
    this.baseUrl = await listenOnLoopback(this.server);
    return this;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    await closeServer(this.server);
    this.server = null;
  }

  /** Requests that change state (anything but GET). */
  writes(): RequestLog[] {
    return this.log.filter((r) => r.method !== "GET");
  }

  /** Fails the next matching request(s) with this answer. */
  fail(fault: Fault): void {
    this.faults.push({ times: 1, ...fault });
  }

  /** Adds an issue (or a pull request) directly, as if made on github.com. */
  addIssue(input: Partial<FakeIssue> & { title: string }): FakeIssue {
    const now = new Date().toISOString();
    const issue: FakeIssue = {
      id: this.nextId++,
      number: input.number ?? this.nextNumber,
      title: input.title,
      body: input.body ?? null,
      state: input.state ?? "open",
      state_reason: input.state_reason ?? null,
      labels: input.labels ?? [],
      created_at: now,
      updated_at: now,
      closed_at: input.state === "closed" ? now : null,
      ...(input.pull_request ? { pull_request: true } : {}),
    };
    this.nextNumber = Math.max(this.nextNumber, issue.number + 1);
    this.issues.set(issue.number, issue);
    for (const l of issue.labels) this.ensureLabel(l);
    return issue;
  }

  /** Closes an issue as a person would on github.com. */
  close(number: number, reason: "completed" | "not_planned" = "completed"): void {
    const i = this.issues.get(number)!;
    i.state = "closed";
    i.state_reason = reason;
    i.closed_at = new Date().toISOString();
  }

  byMarker(taskId: string): FakeIssue | undefined {
    return [...this.issues.values()].find((i) => (i.body ?? "").includes(`<!-- wm:task=${taskId} -->`));
  }

  private ensureLabel(name: string, color = "ededed", description: string | null = null): FakeLabel {
    let l = this.labels.get(name);
    if (!l) {
      l = { id: this.nextId++, name, color, description };
      this.labels.set(name, l);
    }
    return l;
  }

  private labelJson(l: FakeLabel) {
    return {
      id: l.id,
      node_id: `LA_${l.id}`,
      url: `${this.baseUrl}/repos/${this.owner}/${this.repo}/labels/${encodeURIComponent(l.name)}`,
      name: l.name,
      color: l.color,
      default: false,
      description: l.description,
    };
  }

  private issueJson(i: FakeIssue) {
    const api = `${this.baseUrl}/repos/${this.owner}/${this.repo}`;
    const subs = this.subIssues.get(i.number) ?? [];
    const closedSubs = subs.filter((n) => this.issues.get(n)?.state === "closed").length;
    const blockers = this.blockedBy.get(i.number) ?? [];
    const blocking = [...this.blockedBy.entries()].filter(([, b]) => b.includes(i.number)).length;
    return {
      url: `${api}/issues/${i.number}`,
      repository_url: api,
      labels_url: `${api}/issues/${i.number}/labels{/name}`,
      comments_url: `${api}/issues/${i.number}/comments`,
      html_url: `https://github.com/${this.owner}/${this.repo}/${i.pull_request ? "pull" : "issues"}/${i.number}`,
      id: i.id,
      node_id: `I_${i.id}`,
      number: i.number,
      title: i.title,
      user: { login: "octocat", id: 1, type: "User" },
      labels: i.labels.map((n) => this.labelJson(this.ensureLabel(n))),
      state: i.state,
      state_reason: i.state_reason,
      locked: false,
      assignee: null,
      assignees: [],
      milestone: null,
      comments: (this.comments.get(i.number) ?? []).length,
      created_at: i.created_at,
      updated_at: i.updated_at,
      closed_at: i.closed_at,
      author_association: "OWNER",
      body: i.body,
      sub_issues_summary: {
        total: subs.length,
        completed: closedSubs,
        percent_completed: subs.length === 0 ? 0 : Math.floor((closedSubs * 100) / subs.length),
      },
      issue_dependencies_summary: {
        blocked_by: blockers.filter((n) => this.issues.get(n)?.state === "open").length,
        total_blocked_by: blockers.length,
        blocking,
        total_blocking: blocking,
      },
      ...(i.pull_request ? { pull_request: { url: `${api}/pulls/${i.number}` } } : {}),
    };
  }

  private rateHeaders(): Record<string, string> {
    return {
      "x-ratelimit-limit": "5000",
      "x-ratelimit-remaining": "4999",
      "x-ratelimit-used": "1",
      "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 3600),
      "x-ratelimit-resource": "core",
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.baseUrl);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    let body: unknown = null;
    if (raw !== "") {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
      }
    }
    const method = req.method ?? "GET";
    const authorization = req.headers.authorization;
    const entry: RequestLog = {
      method,
      path: url.pathname,
      query: url.searchParams,
      body,
      authorization,
      status: 0,
    };
    this.log.push(entry);
    const send = (status: number, data: unknown, headers: Record<string, string> = {}) => {
      entry.status = status;
      res.writeHead(status, {
        "content-type": "application/json; charset=utf-8",
        "x-github-media-type": "github.v3; format=json",
        ...this.rateHeaders(),
        ...headers,
      });
      res.end(status === 204 ? undefined : JSON.stringify(data));
    };
    const fault = this.faults.find(
      (f) =>
        (f.method === undefined || f.method === method) &&
        (f.path === undefined || f.path.test(url.pathname)),
    );
    if (fault) {
      fault.times = (fault.times ?? 1) - 1;
      if (fault.times <= 0) this.faults.splice(this.faults.indexOf(fault), 1);
      send(
        fault.status,
        fault.body ?? { message: "injected failure", documentation_url: DOCS },
        fault.headers?.() ?? {},
      );
      return;
    }
    if (this.opts.token !== undefined) {
      const ok =
        authorization === `token ${this.opts.token}` || authorization === `bearer ${this.opts.token}`;
      if (!ok) {
        const message = this.opts.echoAuthorization
          ? `Bad credentials (got ${authorization})`
          : "Bad credentials";
        send(401, { message, documentation_url: DOCS, status: "401" });
        return;
      }
    }
    const notFound = () => send(404, { message: "Not Found", documentation_url: DOCS, status: "404" });
    const invalid = (message: string) =>
      send(422, {
        message: "Validation Failed",
        errors: [{ resource: "Issue", code: "custom", message }],
        documentation_url: DOCS,
        status: "422",
      });

    const prefix = `/repos/${this.owner}/${this.repo}`;
    if (!url.pathname.startsWith(`${prefix}/`)) return notFound();
    const parts = url.pathname.slice(prefix.length + 1).split("/");
    const b = (body ?? {}) as Record<string, unknown>;

    // /labels
    if (parts[0] === "labels" && parts.length === 1) {
      if (method === "GET") {
        // As on GitHub, a label an issue carries is a repository label, even one a test set directly.
        for (const i of this.issues.values()) for (const l of i.labels) this.ensureLabel(l);
        return this.page(
          url,
          [...this.labels.values()].map((l) => this.labelJson(l)),
          send,
        );
      }
      if (method === "POST") {
        const name = String(b.name ?? "");
        if (name === "" || this.labels.has(name)) return invalid(`label ${name} already exists`);
        const l = this.ensureLabel(name, String(b.color ?? "ededed"), (b.description as string) ?? null);
        return send(201, this.labelJson(l));
      }
    }
    if (parts[0] !== "issues") return notFound();
    // /issues
    if (parts.length === 1) {
      if (method === "GET") {
        const state = url.searchParams.get("state") ?? "open";
        const labels = (url.searchParams.get("labels") ?? "").split(",").filter((l) => l !== "");
        const list = [...this.issues.values()]
          .filter((i) => state === "all" || i.state === state)
          .filter((i) => labels.every((l) => i.labels.includes(l)))
          .sort((x, y) => y.number - x.number)
          .map((i) => this.issueJson(i));
        return this.page(url, list, send);
      }
      if (method === "POST") {
        if (typeof b.title !== "string" || b.title === "") return invalid("title is required");
        const i = this.addIssue({
          title: b.title,
          body: typeof b.body === "string" ? b.body : null,
          labels: Array.isArray(b.labels) ? (b.labels as string[]) : [],
        });
        return send(201, this.issueJson(i));
      }
      return notFound();
    }
    const issue = this.issues.get(Number(parts[1]));
    if (issue === undefined) return notFound();
    const touch = () => {
      issue.updated_at = new Date().toISOString();
    };
    if (parts.length === 2) {
      if (method === "GET") return send(200, this.issueJson(issue));
      if (method === "PATCH") {
        if (typeof b.title === "string") issue.title = b.title;
        if (typeof b.body === "string") issue.body = b.body;
        if (b.state === "closed" && issue.state === "open") {
          issue.state = "closed";
          issue.closed_at = new Date().toISOString();
          issue.state_reason = (b.state_reason as FakeIssue["state_reason"]) ?? "completed";
        } else if (b.state === "open" && issue.state === "closed") {
          issue.state = "open";
          issue.closed_at = null;
          issue.state_reason = "reopened";
        }
        if (Array.isArray(b.labels)) issue.labels = b.labels as string[];
        touch();
        return send(200, this.issueJson(issue));
      }
      return notFound();
    }
    const sub = parts.slice(2).join("/");
    if (sub === "labels" && method === "POST") {
      for (const l of (b.labels as string[]) ?? []) {
        this.ensureLabel(l);
        if (!issue.labels.includes(l)) issue.labels.push(l);
      }
      touch();
      return send(
        200,
        issue.labels.map((n) => this.labelJson(this.ensureLabel(n))),
      );
    }
    if (parts[2] === "labels" && parts.length === 4 && method === "DELETE") {
      // Remove one label: 200 with the labels left, or 404 when the issue does not carry it.
      const name = decodeURIComponent(parts[3]!);
      const at = issue.labels.indexOf(name);
      if (at < 0)
        return send(404, { message: "Label does not exist", documentation_url: DOCS, status: "404" });
      issue.labels.splice(at, 1);
      touch();
      return send(
        200,
        issue.labels.map((n) => this.labelJson(this.ensureLabel(n))),
      );
    }
    if (sub === "comments") {
      const list = this.comments.get(issue.number) ?? [];
      if (method === "GET") {
        return this.page(
          url,
          list.map((c) => ({
            id: c.id,
            body: c.body,
            user: { login: "octocat" },
            html_url: `https://github.com/x#c${c.id}`,
          })),
          send,
        );
      }
      if (method === "POST") {
        const c = { id: this.nextId++, body: String(b.body ?? "") };
        list.push(c);
        this.comments.set(issue.number, list);
        touch();
        return send(201, { id: c.id, body: c.body, user: { login: "octocat" } });
      }
    }
    const byId = (id: unknown) => [...this.issues.values()].find((i) => i.id === id);
    if (sub === "sub_issues") {
      const list = this.subIssues.get(issue.number) ?? [];
      if (method === "GET")
        return this.page(
          url,
          list.map((n) => this.issueJson(this.issues.get(n)!)),
          send,
        );
      if (method === "POST") {
        const child = byId(b.sub_issue_id);
        if (child === undefined) return notFound();
        if (child.number === issue.number) return invalid("an issue cannot be its own sub-issue");
        const current = [...this.subIssues.entries()].find(([, kids]) => kids.includes(child.number));
        if (current && !b.replace_parent) return invalid("Sub issue may only have one parent");
        if (current) current[1].splice(current[1].indexOf(child.number), 1);
        list.push(child.number);
        this.subIssues.set(issue.number, list);
        return send(201, this.issueJson(issue));
      }
    }
    if (sub === "dependencies/blocked_by") {
      const list = this.blockedBy.get(issue.number) ?? [];
      if (method === "GET")
        return this.page(
          url,
          list.map((n) => this.issueJson(this.issues.get(n)!)),
          send,
        );
      if (method === "POST") {
        const blocker = byId(b.issue_id);
        if (blocker === undefined) return notFound();
        if (blocker.number === issue.number || list.includes(blocker.number)) {
          return invalid("dependency already exists or is invalid");
        }
        list.push(blocker.number);
        this.blockedBy.set(issue.number, list);
        return send(201, this.issueJson(issue));
      }
    }
    return notFound();
  }

  /** One page of a list, with GitHub's Link header (first, prev, next, last). */
  private page(
    url: URL,
    all: unknown[],
    send: (status: number, data: unknown, headers?: Record<string, string>) => void,
  ): void {
    const asked = Number(url.searchParams.get("per_page") ?? "30");
    const per = Math.max(1, Math.min(asked || 30, 100, this.opts.maxPerPage ?? 100));
    const page = Math.max(1, Number(url.searchParams.get("page") ?? "1") || 1);
    const last = Math.max(1, Math.ceil(all.length / per));
    const link = (p: number, rel: string) => {
      const u = new URL(url.toString());
      u.searchParams.set("page", String(p));
      u.searchParams.set("per_page", String(per));
      return `<${this.baseUrl}${u.pathname}${u.search}>; rel="${rel}"`;
    };
    const links: string[] = [];
    if (page > 1) links.push(link(page - 1, "prev"), link(1, "first"));
    if (page < last) links.push(link(page + 1, "next"), link(last, "last"));
    send(200, all.slice((page - 1) * per, page * per), links.length > 0 ? { link: links.join(", ") } : {});
  }
}

/** A server started on a free port. */
export function fakeGitHub(opts: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  return new FakeGitHub(opts).start();
}

/** Rate-limit answers as GitHub gives them. */
export const RATE_LIMIT = {
  /** Primary limit: 403 with x-ratelimit-remaining 0 and the reset time (epoch seconds). */
  primary(resetInSeconds = 1): Omit<Fault, "method" | "path"> {
    return {
      status: 403,
      headers: () => ({
        "x-ratelimit-limit": "5000",
        "x-ratelimit-remaining": "0",
        "x-ratelimit-used": "5000",
        "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + resetInSeconds),
        "x-ratelimit-resource": "core",
      }),
      body: { message: "API rate limit exceeded for user ID 1.", documentation_url: DOCS },
    };
  },
  /** Secondary limit: 429 with retry-after (seconds). */
  secondary(retryAfter = 1): Omit<Fault, "method" | "path"> {
    return {
      status: 429,
      headers: () => ({ "retry-after": String(retryAfter) }),
      body: { message: "You have exceeded a secondary rate limit.", documentation_url: DOCS },
    };
  },
};
