// Which GitHub repository and API a project talks to, and a client for it. The repository is
// `issues.github.repo` when set, otherwise the one the `origin` remote points at (https or ssh form; a
// GitHub Enterprise host when `issues.github.base_url` names it). The API is `issues.github.base_url`, or
// api.github.com.

import type { Config } from "../../core/config-defaults.js";
import { WmError } from "../../core/errors.js";
import {
  DEFAULT_API_URL,
  parseRemoteUrl,
  parseRepoSlug,
  type RepoRef,
  remoteHostMatches,
  webHostOf,
} from "../../core/github.js";
import { redact } from "../../core/redact.js";
import { runGit } from "../../store/git.js";
import { findToken } from "./auth.js";
import { GitHubClient } from "./client.js";

export interface GitHubTarget {
  repo: RepoRef;
  baseUrl: string;
  /** The web host (github.com, or the GitHub Enterprise host). */
  host: string;
  /** Where the repository came from. */
  source: "config" | "origin";
}

export function resolveTarget(root: string, config: Config): GitHubTarget {
  const gh = config.issues.github ?? {};
  const baseUrl = gh.base_url ?? DEFAULT_API_URL;
  const host = webHostOf(baseUrl) ?? "github.com";
  if (gh.repo !== undefined) {
    const repo = parseRepoSlug(gh.repo);
    if (repo) return { repo, baseUrl, host, source: "config" };
  }
  const r = runGit(root, ["remote", "get-url", "origin"]);
  const url = r.ok ? r.stdout.trim() : "";
  const hint =
    'set `issues: {github: {repo: "owner/name"}}` in .wm/config.yaml, or add the GitHub repository as the origin remote';
  if (url === "") {
    throw new WmError(
      "no GitHub repository to talk to: issues.github.repo is not set and there is no origin remote",
      {
        rule: "github/no-repo",
        hint,
      },
    );
  }
  const parsed = parseRemoteUrl(url);
  if (parsed === null || !remoteHostMatches(parsed.host, gh.base_url)) {
    const shown = redact(url.replace(/\/\/[^/@]*@/, "//"));
    throw new WmError(
      `the origin remote (${shown}) is not a GitHub repository${
        gh.base_url === undefined ? "" : ` on ${host}`
      }, and issues.github.repo is not set`,
      {
        rule: "github/no-repo",
        hint: `${hint}; for GitHub Enterprise also set issues.github.base_url (e.g. https://ghe.example.com/api/v3)`,
      },
    );
  }
  return { repo: { owner: parsed.owner, name: parsed.name }, baseUrl, host, source: "origin" };
}

export interface ConnectOptions {
  env: Record<string, string | undefined>;
  notify: (line: string) => void;
  /** Fail at once when no token is found (commands that write). */
  requireToken?: boolean;
}

export function connect(target: GitHubTarget, opts: ConnectOptions): GitHubClient {
  const token = findToken(opts.env, target.host);
  if (token === null && opts.requireToken) {
    throw new WmError(`no GitHub token found for ${target.host}`, {
      rule: "github/auth",
      hint: "set GH_TOKEN (or GITHUB_TOKEN) to a token that may write issues, or log in with `gh auth login`",
    });
  }
  return new GitHubClient({
    baseUrl: target.baseUrl,
    repo: target.repo,
    token: token?.value,
    ...(token ? { tokenSource: token.source } : {}),
    userAgent: "wm-workflow",
    notify: opts.notify,
  });
}
