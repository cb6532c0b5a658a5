// Where the GitHub token comes from, in this order: GH_TOKEN, GITHUB_TOKEN (the names gh and GitHub
// Actions use), then `gh auth token` when the gh CLI is on PATH. gh is spawned only when neither variable
// is set and a request is about to be made. The token is kept in memory and never printed.

import { childProcess } from "../../store/builtins.js";

export interface Token {
  value: string;
  /** Where it came from, for messages: "GH_TOKEN", "GITHUB_TOKEN" or "gh auth token". */
  source: string;
}

/**
 * The token, or null when there is none. `host` is the GitHub web host (github.com or a GitHub Enterprise
 * host), passed to `gh auth token --hostname`.
 */
export function findToken(env: Record<string, string | undefined>, host: string): Token | null {
  for (const name of ["GH_TOKEN", "GITHUB_TOKEN"]) {
    const v = env[name]?.trim();
    if (v) return { value: v, source: name };
  }
  const args = ["auth", "token"];
  if (host !== "github.com") args.push("--hostname", host);
  const r = childProcess().spawnSync("gh", args, {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 10_000,
    env: { ...env, GH_PROMPT_DISABLED: "1", NO_COLOR: "1" } as NodeJS.ProcessEnv,
  });
  // ENOENT (no gh), a timeout, or gh not logged in: no token from gh.
  if (r.error || r.status !== 0) return null;
  const v = (r.stdout ?? "").trim().split("\n")[0]?.trim();
  return v ? { value: v, source: "gh auth token" } : null;
}
