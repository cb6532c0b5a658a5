// The few git questions the stop conditions ask, answered by running git. Paths are passed as literal
// pathspecs and read back with -z, so spaces, quotes and non-ASCII names are handled exactly.

import { existsSync, lstatSync } from "node:fs";
import { join } from "node:path";
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

function parseStatus(stdout: string, strip: string): DirtyFile[] {
  const out: DirtyFile[] = [];
  const parts = stdout.split("\0");
  for (let k = 0; k < parts.length; k++) {
    const entry = parts[k]!;
    if (entry.length < 4) continue;
    const status = entry.slice(0, 2);
    const rel = (p: string) => (p.startsWith(strip) ? p.slice(strip.length) : p);
    out.push({ path: rel(entry.slice(3)), status });
    // A rename's or copy's source follows; a renamed-away path is a change too.
    if (status[0] === "R" || status[0] === "C") {
      k++;
      if (status[0] === "R" && parts[k]) out.push({ path: rel(parts[k]!), status: "D " });
    }
  }
  return out;
}

/**
 * Every uncommitted change (staged, unstaged, untracked; not ignored) under `root`, with paths relative to
 * `root` (which may be a subdirectory of the repository). Throws when git fails.
 */
export function dirtyTree(root: string): DirtyFile[] {
  let prefix = "";
  if (!existsSync(join(root, ".git"))) {
    const p = runGit(root, ["rev-parse", "--show-prefix"]);
    if (!p.ok) throw new Error(`git status failed: ${p.stderr.trim().split("\n")[0] ?? ""}`);
    prefix = p.stdout.trim();
  }
  const args = ["--literal-pathspecs", "status", "--porcelain=v1", "-z", "--untracked-files=all"];
  if (prefix !== "") args.push("--", ".");
  const r = runGit(root, args);
  if (!r.ok) throw new Error(`git status failed: ${r.stderr.trim().split("\n")[0] ?? ""}`);
  return parseStatus(r.stdout, prefix);
}

/**
 * A cheap stamp of a file's content: size and mtime in nanoseconds ("-" when it does not exist). Equal
 * stamps mean "not written since", not a proof of equal content.
 */
export function fileStamp(root: string, rel: string): string {
  try {
    const st = lstatSync(join(root, rel), { bigint: true });
    return `${st.size}:${st.mtimeNs}`;
  } catch {
    return "-";
  }
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
