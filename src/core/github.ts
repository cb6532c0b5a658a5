// Pure pieces of the GitHub integration: which repository a remote URL names, the hidden markers that tie
// an issue to a wm task, the labels, how titles compare, and when a failed request is worth retrying.
// No I/O here: the client (src/integrations/github/) and the sync service use these.

import { ID_PATTERN } from "./ids.js";
import type { Task, TaskType } from "./task.js";

export const DEFAULT_API_URL = "https://api.github.com";

export interface RepoRef {
  owner: string;
  name: string;
}

const SEGMENT = /^[A-Za-z0-9_.-]+$/;

/** "owner/name" -> RepoRef, or null when it is not of that shape. */
export function parseRepoSlug(value: string): RepoRef | null {
  const m = /^([^/\s]+)\/([^/\s]+)$/.exec(value.trim());
  if (!m || !SEGMENT.test(m[1]!) || !SEGMENT.test(m[2]!) || m[2] === "." || m[2] === "..") return null;
  return { owner: m[1]!, name: m[2]! };
}

/**
 * The host and repository a git remote URL points at, for the forms git accepts:
 * `https://host/owner/name(.git)`, `http://...`, `ssh://[user@]host[:port]/owner/name(.git)`,
 * `git://host/owner/name`, and the scp-like `[user@]host:owner/name(.git)`. Credentials in an https URL are
 * ignored (and never returned). Null for anything else (a local path, a path with more segments).
 */
export function parseRemoteUrl(url: string): { host: string; owner: string; name: string } | null {
  const u = url.trim();
  let host: string;
  let path: string;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\/([^/]+)(\/.*)?$/i.exec(u);
  if (scheme) {
    const proto = scheme[1]!.toLowerCase();
    if (!["https", "http", "ssh", "git", "git+ssh", "ssh+git"].includes(proto)) return null;
    const authority = scheme[2]!.replace(/^.*@/, "");
    host = authority.replace(/:\d+$/, "");
    path = scheme[3] ?? "";
  } else {
    // scp-like: [user@]host:path (no slash before the colon; not a Windows drive letter)
    const scp = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/\/)(.+)$/.exec(u);
    if (!scp || scp[1]!.length === 1) return null;
    host = scp[1]!;
    path = `/${scp[2]!}`;
  }
  const parts = path
    .replace(/\/+$/, "")
    .replace(/\.git$/, "")
    .split("/")
    .filter((p) => p !== "");
  if (parts.length !== 2) return null;
  const repo = parseRepoSlug(`${parts[0]}/${parts[1]}`);
  if (repo === null || host === "") return null;
  return { host: host.toLowerCase(), ...repo };
}

/** The web host a GitHub API base URL serves: api.github.com -> github.com; GHE's https://h/api/v3 -> h. */
export function webHostOf(baseUrl: string): string | null {
  try {
    const host = new URL(baseUrl).hostname.toLowerCase();
    return host === "api.github.com" ? "github.com" : host;
  } catch {
    return null;
  }
}

/** Whether a remote on `host` is served by the API at `baseUrl` (github.com always is when no base URL is set). */
export function remoteHostMatches(host: string, baseUrl: string | undefined): boolean {
  const h = host.toLowerCase();
  if (baseUrl === undefined || webHostOf(baseUrl) === "github.com") {
    return h === "github.com" || h === "www.github.com" || h === "ssh.github.com";
  }
  return h === webHostOf(baseUrl) || h === "github.com";
}

// ---------------------------------------------------------------------------------------------------
// Markers: hidden HTML comments GitHub does not render.

const TASK_MARKER = new RegExp(`<!--\\s*wm:task=(${ID_PATTERN.source.replace(/^\^|\$$/g, "")})\\s*-->`);
const EVIDENCE_MARKER = /<!--\s*wm:evidence=([A-Za-z0-9]+)\s*-->/g;

/** The marker that ties an issue body to a wm task. */
export function taskMarker(id: string): string {
  return `<!-- wm:task=${id} -->`;
}

/** The task id in an issue body's marker, if it has one. */
export function markedTaskId(body: string | null | undefined): string | undefined {
  if (!body) return undefined;
  return TASK_MARKER.exec(body)?.[1];
}

/** The marker on the comment wm writes when it closes a task's issue. */
export function evidenceMarker(id: string): string {
  return `<!-- wm:evidence=${id} -->`;
}

/** Task ids whose close comment (evidence marker) is in one of these comment bodies. */
export function evidenceMarkedIds(bodies: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const b of bodies) for (const m of b.matchAll(EVIDENCE_MARKER)) out.add(m[1]!);
  return out;
}

export const LABEL_PREFIX = "wm:";

/** The label a task type becomes on GitHub. */
export function typeLabel(type: TaskType): string {
  return `${LABEL_PREFIX}${type}`;
}

const LABEL_COLORS: Record<TaskType, string> = {
  epic: "5319e7",
  impl: "1d76db",
  verify: "0e8a16",
  test: "c2e0c6",
  review: "fbca04",
  task: "bfdadc",
  bug: "d73a4a",
  chore: "ededed",
};

export function labelSpec(type: TaskType): { name: string; color: string; description: string } {
  return { name: typeLabel(type), color: LABEL_COLORS[type], description: `wm ${type} task` };
}

/**
 * The body of the issue wm creates for a task: its description, then the marker. `issuesOnGitHub`: the task's
 * `issue` number is a GitHub issue (provider github), so `#N` links to it; otherwise it names a local issue.
 */
export function issueBody(
  task: Pick<Task, "id" | "type" | "description" | "issue">,
  issuesOnGitHub = true,
): string {
  const parts: string[] = [];
  if (task.description?.trim()) parts.push(task.description.trim());
  const from =
    task.issue === undefined ? "" : issuesOnGitHub ? ` for #${task.issue}` : ` for local issue ${task.issue}`;
  parts.push(`_wm ${task.type} task \`${task.id}\`${from}._`);
  parts.push(taskMarker(task.id));
  return parts.join("\n\n");
}

/** An existing issue's body with the marker appended (linking an epic to an issue people wrote). */
export function withMarker(body: string | null | undefined, id: string): string {
  const b = (body ?? "").trimEnd();
  return b === "" ? taskMarker(id) : `${b}\n\n${taskMarker(id)}`;
}

/** The comment wm writes when a task done (or cancelled) in wm closes its issue. */
export function closeComment(task: Pick<Task, "id" | "status" | "evidence" | "reason">): string {
  const lines: string[] = [];
  if (task.status === "cancelled") {
    lines.push(`Cancelled in wm (task \`${task.id}\`)${task.reason ? `: ${task.reason}` : "."}`);
  } else {
    lines.push(`Done in wm (task \`${task.id}\`).`);
    const e = task.evidence;
    if (e?.text) lines.push("", `Evidence: ${e.text}`);
    if (e?.command !== undefined) {
      lines.push("", `Evidence command: \`${e.command.replace(/`/g, "'")}\` exited ${e.exit_code ?? "?"}`);
      if (e.output_sha256) lines.push(`output sha256: \`${e.output_sha256}\``);
      if (e.output_tail) lines.push("", "```", e.output_tail.replace(/```/g, "'''"), "```");
    }
    if (!e) lines.push("", "No evidence was recorded.");
  }
  lines.push("", evidenceMarker(task.id));
  return lines.join("\n");
}

/**
 * Whether a wm title and a GitHub title say the same thing: whitespace runs are one space, and a leading
 * `GH#<issue>:` (the seed's task titles carry one) is ignored on either side, so an epic titled
 * "GH#239: Add rate limits" matches issue #239 "Add rate limits".
 */
export function sameTitle(wm: string, github: string): boolean {
  const norm = (s: string) =>
    s
      .replace(/^\s*GH#\d+\s*:\s*/i, "")
      .replace(/\s+/g, " ")
      .trim();
  return norm(wm) === norm(github);
}

// ---------------------------------------------------------------------------------------------------
// Retries

export const RETRY_LIMITS = {
  /** Rate-limit waits per request. */
  rateLimitRetries: 3,
  /** The longest single wait for a rate limit to reset; a later reset fails at once with its time. */
  maxRateLimitWaitMs: 5 * 60_000,
  /** Retries of a 5xx answer or a network failure per request. */
  serverRetries: 3,
  /** First backoff; doubled each retry. */
  serverBackoffMs: 500,
  /** A secondary rate limit without retry-after: GitHub asks for at least a minute. */
  secondaryWaitMs: 60_000,
} as const;

export interface FailedAnswer {
  /** HTTP status; undefined when no answer came (network error, timeout). */
  status: number | undefined;
  headers: Record<string, string | number | undefined>;
  /** GitHub's error message, when there is one. */
  message?: string;
}

export type RetryDecision =
  | { retry: true; kind: "rate-limit" | "server"; waitMs: number }
  | { retry: false; kind: "rate-limit"; resetAtMs: number | undefined }
  | { retry: false; kind: "other" };

function header(h: FailedAnswer["headers"], name: string): string | undefined {
  const v = h[name] ?? h[name.toLowerCase()];
  return v === undefined ? undefined : String(v);
}

/** Whether a failed answer is a (primary or secondary) rate limit. */
export function isRateLimited(a: FailedAnswer): boolean {
  if (a.status === 429) return true;
  if (a.status !== 403) return false;
  if (header(a.headers, "retry-after") !== undefined) return true;
  if (header(a.headers, "x-ratelimit-remaining") === "0") return true;
  return /rate limit/i.test(a.message ?? "");
}

/**
 * What to do about a failed request, after `attempts` earlier retries of the same kind. Rate limits wait
 * for retry-after (seconds) or x-ratelimit-reset (epoch seconds), at most RETRY_LIMITS.maxRateLimitWaitMs;
 * 5xx answers and network failures back off exponentially. Both are bounded in count.
 */
export function retryDecision(a: FailedAnswer, attempts: number, nowMs: number): RetryDecision {
  if (isRateLimited(a)) {
    const after = Number(header(a.headers, "retry-after"));
    const reset = Number(header(a.headers, "x-ratelimit-reset"));
    let waitMs: number;
    let resetAtMs: number | undefined;
    if (Number.isFinite(after) && after >= 0 && header(a.headers, "retry-after") !== undefined) {
      waitMs = after * 1000;
      resetAtMs = nowMs + waitMs;
    } else if (Number.isFinite(reset) && reset > 0 && header(a.headers, "x-ratelimit-reset") !== undefined) {
      resetAtMs = reset * 1000;
      // The reset time has a one-second resolution: wait until just after it.
      waitMs = Math.max(0, resetAtMs - nowMs) + 1000;
    } else {
      waitMs = RETRY_LIMITS.secondaryWaitMs;
      resetAtMs = nowMs + waitMs;
    }
    if (attempts >= RETRY_LIMITS.rateLimitRetries || waitMs > RETRY_LIMITS.maxRateLimitWaitMs) {
      return { retry: false, kind: "rate-limit", resetAtMs };
    }
    return { retry: true, kind: "rate-limit", waitMs };
  }
  if (a.status === undefined || a.status >= 500) {
    if (attempts >= RETRY_LIMITS.serverRetries) return { retry: false, kind: "other" };
    return { retry: true, kind: "server", waitMs: RETRY_LIMITS.serverBackoffMs * 2 ** attempts };
  }
  return { retry: false, kind: "other" };
}
