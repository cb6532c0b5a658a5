// The files `wm init` creates and `wm doctor` inspects and repairs: create-if-absent (never over an
// existing file), the root .gitignore's runtime entries, and leftovers of killed processes in .wm/.

import { randomBytes } from "node:crypto";
import { linkSync, mkdirSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { WmError } from "../core/errors.js";
import { writeFileAtomic } from "./atomic.js";
import { hostname } from "./builtins.js";
import { breakStale, isStale, pidAlive, readLock } from "./lock.js";

/** What .gitignore must hold so runtime state is never committed. */
export const RUNTIME_IGNORES = [".wm/sessions/", ".wm/*.lock", ".wm/*.lock.stale.*", ".wm/*.tmp"] as const;
export const GITIGNORE_COMMENT = "# wm runtime state (added by wm init)";

export function exists(path: string): "dir" | "file" | null {
  try {
    return statSync(path).isDirectory() ? "dir" : "file";
  } catch {
    return null;
  }
}

export function readIfExists(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new WmError(`cannot read ${path}: ${(err as Error).message}`);
  }
}

/**
 * Creates `path` with `content` only if nothing is there, atomically: the content is written to a temp
 * file that is then hard-linked into place (which fails if the name is taken). Returns false when the
 * file already existed; it is never touched.
 */
export function createExclusive(path: string, content: string): boolean {
  mkdirSync(dirname(path), { recursive: true });
  if (exists(path) !== null) return false;
  const tmp = join(dirname(path), `.init.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  writeFileSync(tmp, content, { flag: "wx", mode: 0o644 });
  try {
    linkSync(tmp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw err;
  } finally {
    try {
      unlinkSync(tmp);
    } catch {}
  }
}

/** The runtime entries a .gitignore text lacks (a leading `/` on an entry counts as the same entry). */
export function missingIgnores(text: string | null): string[] {
  if (text === null) return [...RUNTIME_IGNORES];
  const have = new Set(
    text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .map((l) => (l.startsWith("/") ? l.slice(1) : l)),
  );
  return RUNTIME_IGNORES.filter((e) => !have.has(e));
}

/** The .gitignore text with `lines` appended after everything already there (line endings kept). */
export function withIgnores(text: string | null, lines: readonly string[]): string {
  if (lines.length === 0) return text ?? "";
  const eol = text?.includes("\r\n") ? "\r\n" : "\n";
  const base = text ?? "";
  const sep = base === "" || base.endsWith("\n") ? "" : eol;
  const gap = base === "" ? "" : eol;
  const comment = base.includes(GITIGNORE_COMMENT) ? [] : [GITIGNORE_COMMENT];
  return `${base}${sep}${gap}${[...comment, ...lines].join(eol)}${eol}`;
}

/** Appends the missing runtime entries to `<root>/.gitignore` (created if missing). Returns what was added. */
export function ensureIgnores(root: string): { added: string[]; created: boolean } {
  const path = join(root, ".gitignore");
  const text = readIfExists(path);
  const added = missingIgnores(text);
  if (added.length > 0) writeFileAtomic(path, withIgnores(text, added));
  return { added, created: text === null && added.length > 0 };
}

export interface Leftover {
  /** File name inside .wm/. */
  name: string;
  kind: "lock" | "lock-aside" | "temp";
  /** Why it is stale, e.g. "pid 123 is not running". */
  why: string;
}

const TEMP = /^\.(.+)\.(\d+)\.[0-9a-f]+\.tmp$/;
const CACHE_TEMP = /^.+\.(\d+)\.tmp$/;
const TEMP_STALE_MS = 10 * 60_000;
const LOCK_OPTS = { timeoutMs: 0, foreignStaleMs: 120_000 };

function lockWhy(info: { pid: number; host: string } | null): string {
  if (info === null) return "empty or torn lock file";
  if (info.host === hostname()) return `pid ${info.pid} is not running`;
  return `held by pid ${info.pid} on ${info.host} for too long`;
}

/**
 * Files in `.wm/` left behind by killed processes: lock files whose holder is gone (judged exactly as
 * `withLock` judges them), locks set aside while being broken, and atomic-write temp files whose writer
 * is gone, in .wm/ and in .wm/cache/. Live locks and temp files of running processes are not listed.
 */
export function findLeftovers(wmDir: string): Leftover[] {
  let names: string[];
  try {
    names = readdirSync(wmDir);
  } catch {
    return [];
  }
  const out: Leftover[] = [];
  for (const name of names.sort()) {
    const path = join(wmDir, name);
    if (name.endsWith(".lock") || /\.lock\.stale\.[0-9a-f]+$/.test(name)) {
      const seen = readLock(path);
      if (seen === null || !isStale(seen, LOCK_OPTS)) continue;
      out.push({ name, kind: name.endsWith(".lock") ? "lock" : "lock-aside", why: lockWhy(seen.info) });
    } else if (name.startsWith(".") && name.endsWith(".tmp")) {
      const m = TEMP.exec(name);
      if (m !== null) {
        const pid = Number(m[2]);
        if (!pidAlive(pid)) out.push({ name, kind: "temp", why: `its writer (pid ${pid}) is not running` });
      } else {
        let age = 0;
        try {
          age = Date.now() - statSync(path).mtimeMs;
        } catch {
          continue;
        }
        if (age > TEMP_STALE_MS) out.push({ name, kind: "temp", why: "an old temporary file" });
      }
    }
  }
  // The derived caches in .wm/cache/ are written through "<name>.<pid>.tmp" files (tasks index, file list,
  // spec caches): one whose writer is gone was left by a killed process.
  let cached: string[] = [];
  try {
    cached = readdirSync(join(wmDir, "cache"));
  } catch {}
  for (const name of cached.sort()) {
    const m = CACHE_TEMP.exec(name);
    if (m === null) continue;
    const pid = Number(m[1]);
    if (!pidAlive(pid))
      out.push({ name: `cache/${name}`, kind: "temp", why: `its writer (pid ${pid}) is not running` });
  }
  return out;
}

/** Removes a leftover. A lock is broken the way `withLock` does it, so a live lock taken meanwhile survives. */
export function removeLeftover(wmDir: string, item: Leftover): boolean {
  const path = join(wmDir, item.name);
  if (item.kind === "lock") {
    const seen = readLock(path);
    if (seen === null) return true;
    if (!isStale(seen, LOCK_OPTS)) return false;
    breakStale(path, seen.raw);
    return exists(path) === null || readLock(path)?.raw !== seen.raw;
  }
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") return false;
  }
  return true;
}
