// Session files: .wm/sessions/<id>.json, one per agent session, git-ignored (the directory also carries
// its own `*` .gitignore, so the state is never committed even before `wm init` wrote the root entries).
// Writes go through the session's lock and an atomic replace (temp file + rename), so parallel hooks of
// one session (parallel tool calls) never lose each other's updates and a reader never sees a torn file.
// Unlike .wm/tasks.yaml the file is not fsynced: it is runtime state, and a hook cannot spend the 2-4 ms
// an fsync costs. A file that does not parse is an error, never overwritten.

import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { WmError } from "../core/errors.js";
import {
  type Baseline,
  baselineProblem,
  isSessionId,
  newSession,
  type SessionState,
  sessionProblem,
} from "../core/session.js";
import { randomHex } from "./builtins.js";
import { withLock, withLockAsync } from "./lock.js";
import type { ProjectPaths } from "./paths.js";

export function sessionFile(paths: ProjectPaths, id: string): string {
  if (!isSessionId(id)) {
    throw new WmError(`invalid session id "${id}"`, {
      rule: "session/invalid-id",
      hint: "a session id is letters, digits, '.', '_' and '-' (at most 128)",
    });
  }
  return join(paths.sessionsDir, `${id}.json`);
}

/** The session's state, or null when it has none yet. */
export function readSession(paths: ProjectPaths, id: string): SessionState | null {
  const file = sessionFile(paths, id);
  if (!existsSync(file)) return null;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new WmError(`cannot read ${file}: ${(err as Error).message}`, { rule: "session/read" });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new WmError(`.wm/sessions/${id}.json is not valid JSON: ${(err as Error).message}`, {
      rule: "session/parse",
      hint: `delete it to start the session afresh: rm .wm/sessions/${id}.json`,
    });
  }
  const problem = sessionProblem(data, id);
  if (problem !== null) {
    throw new WmError(`.wm/sessions/${id}.json: ${problem}`, {
      rule: "session/parse",
      hint: `delete it to start the session afresh: rm .wm/sessions/${id}.json`,
    });
  }
  return data as SessionState;
}

/** Atomic replace without fsync: a temp file beside the target, renamed over it. */
function replaceFile(path: string, content: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomHex(4)}.tmp`);
  try {
    writeFileSync(tmp, content, { flag: "wx", mode: 0o644 });
    renameSync(tmp, path);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {}
    throw err;
  }
}

function ensureDir(paths: ProjectPaths): void {
  const ignore = join(paths.sessionsDir, ".gitignore");
  if (existsSync(ignore)) return;
  mkdirSync(paths.sessionsDir, { recursive: true });
  try {
    writeFileSync(ignore, "*\n", { flag: "wx" });
  } catch {}
}

/**
 * Runs `change` on the session (created when missing) inside its lock and writes it back atomically when
 * `change` returns true (or anything but false). Returns the state after the change.
 */
export function mutateSession(
  paths: ProjectPaths,
  id: string,
  now: string,
  change: (s: SessionState) => boolean | undefined,
): SessionState {
  const file = sessionFile(paths, id);
  ensureDir(paths);
  return withLock(
    file,
    () => {
      const s = readSession(paths, id) ?? newSession(id, now);
      if (change(s) === false) return s;
      s.updated = now;
      replaceFile(file, `${JSON.stringify(s, null, 1)}\n`);
      return s;
    },
    { timeoutMs: 5000 },
  );
}

/** Writes the session (the caller holds its lock, see withSessionLock). */
export function writeSession(paths: ProjectPaths, s: SessionState, now: string): void {
  ensureDir(paths);
  s.updated = now;
  replaceFile(sessionFile(paths, s.id), `${JSON.stringify(s, null, 1)}\n`);
}

/** Runs async work holding the session's lock (e.g. `wm enter`: check, create tasks, record). */
export async function withSessionLock<T>(paths: ProjectPaths, id: string, fn: () => Promise<T>): Promise<T> {
  const file = sessionFile(paths, id);
  ensureDir(paths);
  return withLockAsync(file, fn, { timeoutMs: 5000 });
}

/** Ids of the sessions that have a state file. */
export function listSessionIds(paths: ProjectPaths): string[] {
  try {
    return readdirSync(paths.sessionsDir)
      .filter((f) => f.endsWith(".json"))
      .map((f) => f.slice(0, -5))
      .filter(isSessionId)
      .sort();
  } catch {
    return [];
  }
}

/** .wm/sessions/<id>.baseline: the dirty state of the working tree when the session entered its mode. */
export function baselineFile(paths: ProjectPaths, id: string): string {
  return `${sessionFile(paths, id).slice(0, -".json".length)}.baseline`;
}

/** Writes the session's baseline (the caller holds the session's lock). */
export function writeBaseline(paths: ProjectPaths, b: Baseline): void {
  ensureDir(paths);
  replaceFile(baselineFile(paths, b.session), `${JSON.stringify(b)}\n`);
}

/** The session's baseline, or null when there is none or it does not parse (then nothing is trusted). */
export function readBaseline(paths: ProjectPaths, id: string): Baseline | null {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(baselineFile(paths, id), "utf8"));
  } catch {
    return null;
  }
  return baselineProblem(data, id) === null ? (data as Baseline) : null;
}

export function removeBaseline(paths: ProjectPaths, id: string): void {
  try {
    unlinkSync(baselineFile(paths, id));
  } catch {}
}
