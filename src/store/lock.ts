// A lock file beside the file it guards. Created with O_EXCL; holds {pid, host, token}. A lock whose
// process is gone (same host) or that is old and empty is stale and is broken safely: breakers take
// turns through a guard lock and delete the lock only if it is still the stale one they saw, so a live
// lock taken in the meantime is never touched.

import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from "node:fs";
import { WmError } from "../core/errors.js";
import { hostname, randomHex } from "./builtins.js";

export interface LockOptions {
  /** How long to wait for a live holder before giving up, ms. */
  timeoutMs?: number;
  /** A lock held longer than this by a live process on another host is treated as stale, ms. */
  foreignStaleMs?: number;
}

interface LockInfo {
  pid: number;
  host: string;
  token: string;
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
function sleep(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function readLock(path: string): { raw: string; info: LockInfo | null; mtimeMs: number } | null {
  try {
    const raw = readFileSync(path, "utf8");
    const mtimeMs = statSync(path).mtimeMs;
    let info: LockInfo | null = null;
    try {
      const v = JSON.parse(raw) as LockInfo;
      if (typeof v.pid === "number" && typeof v.token === "string") info = v;
    } catch {}
    return { raw, info, mtimeMs };
  } catch {
    return null;
  }
}

export function isStale(
  seen: { info: LockInfo | null; mtimeMs: number },
  opts: Required<LockOptions>,
): boolean {
  const age = Date.now() - seen.mtimeMs;
  if (seen.info === null) return age > 2000; // empty or torn: its writer died between create and write
  if (seen.info.host === hostname()) return !pidAlive(seen.info.pid);
  return age > opts.foreignStaleMs;
}

/**
 * Deletes the lock at `path` if it still is the stale lock `seenRaw`; true when it did. Breakers take turns
 * through a guard, `<path>.break.lock` (an O_EXCL lock file itself), and only its holder deletes a lock
 * that is not its own, after looking again. So a breaker that saw a stale lock a moment ago never deletes
 * (or moves) a live lock taken since: with "rename it aside, put it back if it was live", a third process
 * could take the lock while it was aside, and two writers would then hold it at once. A guard left by a
 * killed breaker is stale like any lock, and the next breaker removes it.
 */
export function breakStale(path: string, seenRaw: string, options: LockOptions = {}): boolean {
  const opts: Required<LockOptions> = { timeoutMs: 0, foreignStaleMs: options.foreignStaleMs ?? 120_000 };
  const guard = `${path}.break.lock`;
  let fd: number;
  try {
    fd = openSync(guard, "wx", 0o644);
  } catch {
    // Another process is breaking it at this moment (a few microseconds), or died doing so.
    const g = readLock(guard);
    if (g !== null && isStale(g, opts)) {
      try {
        unlinkSync(guard);
      } catch {}
    }
    return false;
  }
  const mine = JSON.stringify({ pid: process.pid, host: hostname(), token: randomHex(8) });
  try {
    writeSync(fd, mine);
  } finally {
    closeSync(fd);
  }
  try {
    const now = readLock(path);
    if (now === null || now.raw !== seenRaw || !isStale(now, opts)) return false;
    unlinkSync(path);
    return true;
  } catch {
    return false;
  } finally {
    try {
      if (readFileSync(guard, "utf8") === mine) unlinkSync(guard);
    } catch {}
  }
}

export interface HeldLock {
  lockPath: string;
  content: string;
}

/** Takes the lock `<path>.lock`, waiting for a live holder up to the timeout. */
export function acquireLock(path: string, options: LockOptions = {}): HeldLock {
  const opts: Required<LockOptions> = {
    timeoutMs: options.timeoutMs ?? 15_000,
    foreignStaleMs: options.foreignStaleMs ?? 120_000,
  };
  const lockPath = `${path}.lock`;
  const me: LockInfo = { pid: process.pid, host: hostname(), token: randomHex(8) };
  const mine = JSON.stringify(me);
  const start = Date.now();
  let delay = 2;
  for (;;) {
    let fd: number | undefined;
    try {
      fd = openSync(lockPath, "wx", 0o644);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== "EEXIST") {
        throw new WmError(`cannot create lock ${lockPath}: ${(err as Error).message}`, {
          hint: "check that the .wm directory exists and is writable",
        });
      }
    }
    if (fd !== undefined) {
      try {
        writeSync(fd, mine);
      } finally {
        closeSync(fd);
      }
      return { lockPath, content: mine };
    }
    const seen = readLock(lockPath);
    if (seen !== null && isStale(seen, opts) && breakStale(lockPath, seen.raw, opts)) continue;
    if (Date.now() - start > opts.timeoutMs) {
      const who = seen?.info ? ` (held by pid ${seen.info.pid} on ${seen.info.host})` : "";
      throw new WmError(`timed out after ${opts.timeoutMs} ms waiting for the lock ${lockPath}${who}`, {
        hint: "another wm is writing; retry, or delete the lock file if no wm process is running",
      });
    }
    sleep(delay + Math.random() * delay);
    delay = Math.min(delay * 2, 50);
  }
}

/** Releases a lock taken by acquireLock, only if it is still ours. */
export function releaseLock(lock: HeldLock): void {
  try {
    if (readFileSync(lock.lockPath, "utf8") === lock.content) unlinkSync(lock.lockPath);
  } catch {}
}

/** Runs `fn` holding the lock `<path>.lock`. */
export function withLock<T>(path: string, fn: () => T, options: LockOptions = {}): T {
  const lock = acquireLock(path, options);
  try {
    return fn();
  } finally {
    releaseLock(lock);
  }
}

/** Like withLock, for work that awaits (the slow parse path loads modules lazily). */
export async function withLockAsync<T>(
  path: string,
  fn: () => Promise<T>,
  options: LockOptions = {},
): Promise<T> {
  const lock = acquireLock(path, options);
  try {
    return await fn();
  } finally {
    releaseLock(lock);
  }
}
