// An agent session's state, as kept in .wm/sessions/<id>.json. Pure: the shape, its validation when read
// back, and the small rules about it (ids, touched paths, history size, progress fingerprint).

export const SESSION_VERSION = 1 as const;
export const DEFAULT_SESSION = "cli";

/** Session ids become file names: letters, digits, `.`, `_`, `-`; no leading dot. */
export const SESSION_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export const MAX_HISTORY = 100;
export const MAX_TOUCHED = 5000;

export type SessionEventKind =
  | "enter"
  | "exit"
  | "force-exit"
  | "block"
  | "release"
  | "allow"
  | "start"
  | "compact"
  | "end";

export interface SessionEvent {
  at: string;
  event: SessionEventKind;
  mode?: string;
  issue?: number;
  detail?: string;
}

export interface StopState {
  /** Consecutive Stop blocks without progress. */
  blocks: number;
  /** The progress fingerprint at the last block. */
  fingerprint: string | null;
}

export interface SessionState {
  v: typeof SESSION_VERSION;
  id: string;
  created: string;
  updated: string;
  mode: string | null;
  issue: number | null;
  entered_at: string | null;
  /** Ids of the phase tasks `wm enter` created for the current mode. */
  tasks: string[];
  /** Files this session changed through the agent's edit tools, relative to the project root. */
  touched: string[];
  stop: StopState;
  history: SessionEvent[];
}

export function isSessionId(id: string): boolean {
  return SESSION_ID.test(id) && !id.includes("..");
}

export function newSession(id: string, now: string): SessionState {
  return {
    v: SESSION_VERSION,
    id,
    created: now,
    updated: now,
    mode: null,
    issue: null,
    entered_at: null,
    tasks: [],
    touched: [],
    stop: { blocks: 0, fingerprint: null },
    history: [],
  };
}

/** Validates a parsed session file; returns a message for what is wrong, or null. */
export function sessionProblem(v: unknown, id: string): string | null {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return "not a JSON object";
  const s = v as Record<string, unknown>;
  if (s.v !== SESSION_VERSION) return `unsupported version ${JSON.stringify(s.v)}`;
  if (s.id !== id) return `holds session ${JSON.stringify(s.id)}, not ${id}`;
  if (s.mode !== null && typeof s.mode !== "string") return "mode is not a string";
  if (s.issue !== null && !Number.isInteger(s.issue)) return "issue is not a number";
  const strings = (x: unknown) => Array.isArray(x) && x.every((e) => typeof e === "string");
  if (!strings(s.tasks)) return "tasks is not a list of ids";
  if (!strings(s.touched)) return "touched is not a list of paths";
  const stop = s.stop as Record<string, unknown> | null;
  if (stop === null || typeof stop !== "object" || !Number.isInteger(stop.blocks)) return "stop is malformed";
  if (!Array.isArray(s.history)) return "history is not a list";
  return null;
}

export function addEvent(s: SessionState, e: SessionEvent): void {
  s.history.push(e);
  if (s.history.length > MAX_HISTORY) s.history.splice(0, s.history.length - MAX_HISTORY);
}

/** Adds paths to the touched list (kept sorted, unique, bounded). Returns whether anything was added. */
export function addTouched(s: SessionState, paths: readonly string[]): boolean {
  const set = new Set(s.touched);
  let added = false;
  for (const p of paths) {
    if (!set.has(p) && set.size < MAX_TOUCHED) {
      set.add(p);
      added = true;
    }
  }
  if (added) s.touched = [...set].sort();
  return added;
}

/**
 * Whether a repo-relative path is wm's own runtime state, which never counts as a change of the session
 * (it is git-ignored, and counting it would make `committed` fail forever).
 */
export function isRuntimePath(rel: string): boolean {
  return (
    rel.startsWith(".wm/sessions/") ||
    rel.startsWith(".wm/cache/") ||
    /^\.wm\/[^/]*\.lock(\.stale\.[0-9a-f]+)?$/.test(rel) ||
    /^\.wm\/\..*\.tmp$/.test(rel)
  );
}

/**
 * The progress fingerprint: which tasks are in scope and their statuses, plus which conditions are unmet.
 * Same fingerprint between two Stop attempts = no progress.
 */
export function progressFingerprint(
  tasks: ReadonlyArray<{ id: string; status: string }>,
  unmet: readonly string[],
): string {
  const parts = tasks.map((t) => `${t.id}=${t.status}`).sort();
  return fnv1a(`${parts.join(",")}|${[...unmet].sort().join(",")}`);
}

/** FNV-1a, 32 bits, as 8 hex digits: a short, stable digest (not a security hash). */
export function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}

/**
 * The working tree's dirty state when the session entered its mode (.wm/sessions/<id>.baseline): each
 * path git reported as changed or untracked, with a cheap stamp of its content (size and mtime, or "-"
 * when it did not exist). `committed` uses it to tell the session's own changes made outside the edit
 * tools (Bash, generators) from changes that were already there.
 */
export interface Baseline {
  v: 1;
  session: string;
  /** The session's entered_at when the baseline was taken; a baseline of another entry is not used. */
  entered_at: string;
  files: Record<string, string>;
}

/** Validates a parsed baseline file; returns a message for what is wrong, or null. */
export function baselineProblem(v: unknown, id: string): string | null {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return "not a JSON object";
  const b = v as Record<string, unknown>;
  if (b.v !== 1) return `unsupported version ${JSON.stringify(b.v)}`;
  if (b.session !== id) return `holds session ${JSON.stringify(b.session)}, not ${id}`;
  if (typeof b.entered_at !== "string") return "entered_at is not a string";
  const f = b.files as Record<string, unknown> | null;
  if (f === null || typeof f !== "object" || Array.isArray(f)) return "files is not an object";
  if (!Object.values(f).every((x) => typeof x === "string")) return "files holds a non-string stamp";
  return null;
}

/**
 * A file wm itself writes for every session (`wm tasks ...`): it cannot be attributed to one session from
 * the working tree, so it counts only when the session changed it with its edit tools.
 */
export function isSharedWmFile(rel: string): boolean {
  return rel === ".wm/tasks.yaml";
}

export interface ChangeAttribution {
  /** Uncommitted files that are this session's, sorted. */
  mine: string[];
  /** Of those, the ones found through git rather than the edit tools. */
  seenByGit: string[];
  /** Uncommitted files left out: dirty and unchanged since the baseline, or another live session's. */
  notMine: number;
}

/**
 * Which uncommitted files are this session's: those it changed with its edit tools, and any other dirty
 * file that was clean at the baseline or whose stamp changed since - minus files another live session
 * changed with its edit tools. Without a baseline every dirty file counts (fail closed). wm's runtime
 * files never count.
 */
export function attributeChanges(input: {
  dirty: readonly string[];
  touched: readonly string[];
  baseline: Readonly<Record<string, string>> | null;
  /** The file's stamp now (asked only for files dirty at the baseline). */
  stampNow: (rel: string) => string;
  /** Files other live sessions changed with their edit tools (asked only when needed). */
  othersTouched: () => ReadonlySet<string>;
}): ChangeAttribution {
  const own = new Set(input.touched);
  const mine = new Set<string>();
  const seenByGit = new Set<string>();
  let notMine = 0;
  let others: ReadonlySet<string> | null = null;
  for (const p of new Set(input.dirty)) {
    if (isRuntimePath(p)) continue;
    if (own.has(p)) {
      mine.add(p);
      continue;
    }
    if (isSharedWmFile(p)) {
      notMine++;
      continue;
    }
    const before = input.baseline?.[p];
    if (before !== undefined && before === input.stampNow(p)) {
      notMine++;
      continue;
    }
    others ??= input.othersTouched();
    if (others.has(p)) {
      notMine++;
      continue;
    }
    mine.add(p);
    seenByGit.add(p);
  }
  return { mine: [...mine].sort(), seenByGit: [...seenByGit].sort(), notMine };
}
