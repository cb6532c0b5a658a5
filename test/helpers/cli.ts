// Helpers for tests: real temp directories, real git, the real built CLI.
import { type SpawnSyncReturns, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const WM_BIN = join(REPO_ROOT, "bin", "wm.cjs");

const cleanups: string[] = [];

/** A fresh temp directory (realpath, so paths compare equal on macOS too). Removed by cleanupTemp(). */
export function tempDir(prefix = "wm-test-"): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  cleanups.push(dir);
  return dir;
}

export function cleanupTemp(): void {
  while (cleanups.length > 0) rmSync(cleanups.pop()!, { recursive: true, force: true });
}

export function git(cwd: string, ...args: string[]): string {
  const r = spawnSync("git", args, { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")} failed in ${cwd}:\n${r.stderr}`);
  return r.stdout;
}

/** A temp directory with `git init` done and an identity set. */
export function tempRepo(): string {
  const dir = tempDir("wm-repo-");
  git(dir, "init", "-q", "-b", "main");
  git(dir, "config", "user.email", "test@example.invalid");
  git(dir, "config", "user.name", "wm test");
  git(dir, "config", "commit.gpgsign", "false");
  return dir;
}

export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", ...extra };
  delete env.FORCE_COLOR;
  delete env.WM_ROOT;
  delete env.WM_DEBUG;
  // A test run inside an agent session must not pick up that session (unless the test sets it).
  for (const k of ["WM_SESSION", "CLAUDE_CODE_SESSION_ID", "CLAUDE_PROJECT_DIR", "CLAUDE_ENV_FILE"]) {
    if (!(k in extra)) delete env[k];
  }
  return env;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI synchronously. */
export function wm(
  cwd: string,
  args: string[],
  opts: { env?: Record<string, string>; input?: string } = {},
): RunResult {
  const r: SpawnSyncReturns<string> = spawnSync(process.execPath, [WM_BIN, ...args], {
    cwd,
    encoding: "utf8",
    env: cleanEnv(opts.env),
    input: opts.input ?? "",
    timeout: 60_000,
  });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Runs the CLI and returns the parsed --json envelope's data, failing loudly on a non-zero exit. */
export function wmJson<T = unknown>(cwd: string, args: string[]): T {
  const r = wm(cwd, [...args, "--json"]);
  if (r.code !== 0) throw new Error(`wm ${args.join(" ")} exited ${r.code}:\n${r.stderr}`);
  const doc = JSON.parse(r.stdout) as { schemaVersion: number; kind: string; data: T };
  return doc.data;
}

/** Runs a process asynchronously, collecting its output (stdin closed). */
export function runAsync(cmd: string, args: string[], cwd: string, env = cleanEnv()): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Runs the CLI asynchronously (for concurrency tests). */
export function wmAsync(cwd: string, args: string[]): Promise<RunResult> {
  return runAsync(process.execPath, [WM_BIN, ...args], cwd);
}
