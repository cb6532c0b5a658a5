// The task model: plain data and the enums every layer agrees on. Pure: no I/O.

export const TASK_TYPES = ["epic", "impl", "verify", "test", "review", "task", "bug", "chore"] as const;
export type TaskType = (typeof TASK_TYPES)[number];

export const TASK_STATUSES = ["pending", "in_progress", "blocked", "done", "cancelled"] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** A task's evidence: what shows that it is done. */
export interface Evidence {
  /** Free text given with `--evidence`. */
  text?: string;
  /** A command run by wm with `--evidence-cmd`. */
  command?: string;
  exit_code?: number;
  /** sha256 of the command's combined stdout and stderr, hex. */
  output_sha256?: string;
  /** The last lines of the command's output, for humans. */
  output_tail?: string;
  /** When the evidence was recorded (ISO 8601). */
  at: string;
}

export interface Task {
  id: string;
  title: string;
  type: TaskType;
  status: TaskStatus;
  issue?: number;
  /** The number of the GitHub issue that mirrors this task (`wm github sync`). */
  github?: number;
  parent?: string;
  depends_on: string[];
  phase?: string;
  description?: string;
  session?: string;
  spec?: string;
  /** Why a task is blocked or cancelled. */
  reason?: string;
  evidence?: Evidence;
  created: string;
  updated: string;
}

/** The key order used when writing a task, and the only keys a task may have. */
export const TASK_KEYS = [
  "id",
  "title",
  "type",
  "status",
  "issue",
  "github",
  "parent",
  "depends_on",
  "phase",
  "session",
  "spec",
  "reason",
  "description",
  "evidence",
  "created",
  "updated",
] as const;

export const EVIDENCE_KEYS = ["text", "command", "exit_code", "output_sha256", "output_tail", "at"] as const;

/** Statuses that count as finished: a dependency in one of these no longer holds anything back. */
export function isResolved(status: TaskStatus): boolean {
  return status === "done" || status === "cancelled";
}

export function isOpen(status: TaskStatus): boolean {
  return !isResolved(status);
}

export function isTaskType(value: string): value is TaskType {
  return (TASK_TYPES as readonly string[]).includes(value);
}

export function isTaskStatus(value: string): value is TaskStatus {
  return (TASK_STATUSES as readonly string[]).includes(value);
}

/** Deterministic order of tasks in the file and in listings: creation time, then id. */
export function compareTasks(a: Task, b: Task): number {
  if (a.created < b.created) return -1;
  if (a.created > b.created) return 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export interface TaskFile {
  version: 1;
  tasks: Task[];
}

/** The same task with its keys in canonical order (for stable JSON output) and no undefined values. */
export function canonicalTask(t: Task): Task {
  const out: Record<string, unknown> = {};
  for (const key of TASK_KEYS) {
    const v = (t as unknown as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = v;
  }
  if (out.depends_on === undefined) out.depends_on = [];
  return out as unknown as Task;
}
