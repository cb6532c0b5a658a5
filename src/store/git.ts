// The few git questions the stop conditions ask, answered by running git. Paths are passed as literal
// pathspecs and read back with -z, so spaces, quotes and non-ASCII names are handled exactly.

import { childProcess } from "./builtins.js";

export interface GitRun {
  ok: boolean;
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runGit(cwd: string, args: string[]): GitRun {
  const r = childProcess().spawnSync("git", args, {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, GIT_OPTIONAL_LOCKS: "0", LC_ALL: "C" },
  });
  if (r.error) return { ok: false, code: null, stdout: "", stderr: r.error.message };
  return { ok: r.status === 0, code: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

export function isGitWorkTree(cwd: string): boolean {
  const r = runGit(cwd, ["rev-parse", "--is-inside-work-tree"]);
  return r.ok && r.stdout.trim() === "true";
}

export interface DirtyFile {
  /** Path relative to the repository root. */
  path: string;
  /** The two-letter porcelain status, e.g. " M", "??", "A ". */
  status: string;
}

/**
 * Uncommitted changes (staged, unstaged or untracked) among `files` (relative to `cwd`). Ignored files
 * are not reported. Throws when git fails.
 */
export function dirtyAmong(cwd: string, files: readonly string[]): DirtyFile[] {
  const out: DirtyFile[] = [];
  for (let i = 0; i < files.length; i += 400) {
    const chunk = files.slice(i, i + 400);
    const r = runGit(cwd, [
      "--literal-pathspecs",
      "status",
      "--porcelain=v1",
      "-z",
      "--untracked-files=all",
      "--",
      ...chunk,
    ]);
    if (!r.ok) throw new Error(`git status failed: ${r.stderr.trim().split("\n")[0] ?? ""}`);
    const parts = r.stdout.split("\0");
    for (let k = 0; k < parts.length; k++) {
      const entry = parts[k]!;
      if (entry.length < 4) continue;
      const status = entry.slice(0, 2);
      out.push({ path: entry.slice(3), status });
      if (status[0] === "R" || status[0] === "C") k++; // the rename's source follows
    }
  }
  return out;
}

export interface UpstreamState {
  branch: string | null;
  upstream: string | null;
  /** Commits on HEAD not on the upstream (null without an upstream). */
  ahead: number | null;
}

export function upstreamState(cwd: string): UpstreamState {
  const b = runGit(cwd, ["symbolic-ref", "--quiet", "--short", "HEAD"]);
  const branch = b.ok ? b.stdout.trim() : null;
  const u = runGit(cwd, ["rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{upstream}"]);
  if (!u.ok) return { branch, upstream: null, ahead: null };
  const upstream = u.stdout.trim();
  const c = runGit(cwd, ["rev-list", "--count", "@{upstream}..HEAD"]);
  const ahead = c.ok ? Number(c.stdout.trim()) : null;
  return { branch, upstream, ahead: Number.isFinite(ahead) ? ahead : null };
}
