// Runs a configured shell command (the project's test command), or a program, with a deadline. The command gets its own
// process group, so on timeout the whole tree (npm -> vitest -> workers) is killed, not only the shell,
// and nothing is left holding the output pipes. stdin is closed.

import type { spawn } from "node:child_process";
import { childProcess } from "./builtins.js";

export interface CommandRun {
  /** Exit code; null when killed by a signal or the timeout. */
  code: number | null;
  timedOut: boolean;
  /** Combined stdout and stderr (the last `keepBytes`). */
  output: string;
  error?: string;
}

export interface RunOptions {
  timeoutMs: number;
  keepBytes?: number;
  env?: NodeJS.ProcessEnv;
}

/** Runs `command` with `sh -c`. */
export function runShell(command: string, cwd: string, opts: RunOptions): Promise<CommandRun> {
  return runProcess("sh", ["-c", command], cwd, opts);
}

/** Runs a program (no shell) in its own process group, with a deadline. */
export function runProcess(file: string, args: string[], cwd: string, opts: RunOptions): Promise<CommandRun> {
  const keep = opts.keepBytes ?? 64 * 1024;
  return new Promise((resolve) => {
    let out = "";
    const add = (d: Buffer) => {
      out += d.toString("utf8");
      if (out.length > keep * 2) out = out.slice(-keep);
    };
    let child: ReturnType<typeof spawn>;
    try {
      child = childProcess().spawn(file, args, {
        cwd,
        env: opts.env ?? process.env,
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
      });
    } catch (err) {
      resolve({ code: null, timedOut: false, output: "", error: (err as Error).message });
      return;
    }
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {}
    }, opts.timeoutMs);
    child.stdout!.on("data", add);
    child.stderr!.on("data", add);
    child.on("error", (err) => {
      clearTimeout(timer);
      resolve({ code: null, timedOut, output: out.slice(-keep), error: err.message });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: timedOut ? null : code, timedOut, output: out.slice(-keep) });
    });
  });
}
