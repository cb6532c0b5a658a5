// Task use-cases: what `wm tasks ...`, the hooks and the MCP server all call. They return data and throw
// WmError; they never print or exit.

import type { Diagnostic } from "../core/diagnostics.js";
import { RuleError, UsageError, WmError } from "../core/errors.js";
import {
  blockers,
  checkGraph,
  childrenOf,
  cycleIfAdded,
  dependentsOf,
  type GraphNode,
  indexTasks,
  readyTasks,
} from "../core/graph.js";
import { newId, resolveId } from "../core/ids.js";
import {
  canonicalTask,
  type Evidence,
  isOpen,
  isResolved,
  isTaskStatus,
  isTaskType,
  TASK_STATUSES,
  TASK_TYPES,
  type Task,
  type TaskFile,
  type TaskStatus,
  type TaskType,
} from "../core/task.js";
import { childProcess, crypto } from "../store/builtins.js";
import type { SkeletonNode } from "../store/tasks-index.js";
import { appendTask, mutateTasks, openTasks } from "../store/tasks-store.js";
import { type Ctx, project } from "./context.js";

export function parseType(value: string): TaskType {
  const v = value.trim().toLowerCase();
  if (!isTaskType(v)) {
    throw new UsageError(`unknown task type "${value}"; valid types: ${TASK_TYPES.join(", ")}`, {
      rule: "task/unknown-type",
    });
  }
  return v;
}

export function parseStatus(value: string): TaskStatus {
  const v = value.trim().toLowerCase().replace("-", "_");
  if (!isTaskStatus(v)) {
    throw new UsageError(`unknown status "${value}"; valid statuses: ${TASK_STATUSES.join(", ")}`, {
      rule: "task/unknown-status",
    });
  }
  return v;
}

/** Accepts 239, "239", "#239" and "GH#239". */
export function parseIssue(value: string | number): number {
  const s = String(value)
    .trim()
    .replace(/^(gh)?#/i, "");
  if (!/^[1-9][0-9]{0,9}$/.test(s)) {
    throw new UsageError(`--issue must be a positive issue number, got "${value}"`, { rule: "usage" });
  }
  return Number(s);
}

function find(file: TaskFile, input: string): Task {
  const id = resolveId(
    file.tasks.map((t) => t.id),
    input,
  );
  return file.tasks.find((t) => t.id === id)!;
}

export interface CreateInput {
  title: string;
  type: string;
  issue?: string | number;
  dependsOn?: string[];
  parent?: string;
  phase?: string;
  description?: string;
  session?: string;
  spec?: string;
}

export async function createTask(ctx: Ctx, input: CreateInput): Promise<Task> {
  const title = input.title.trim();
  if (title === "") throw new UsageError("--title is required and must not be empty", { rule: "usage" });
  const type = parseType(input.type);
  const issue = input.issue === undefined ? undefined : parseIssue(input.issue);
  return appendTask(project(ctx), (graph) => {
    const depends_on = [...new Set((input.dependsOn ?? []).map((d) => graph.resolve(d)))];
    let parent: string | undefined;
    if (input.parent !== undefined && input.parent !== "none") parent = graph.resolve(input.parent);
    else if (input.parent === undefined && type !== "epic" && issue !== undefined) {
      // The seed's lines carry no --parent: a task joins its issue's epic when there is exactly one.
      const epics: string[] = [];
      for (const k of graph.ofIssue(issue)) {
        if (graph.type(k) === "epic" && isOpen(graph.status(k))) epics.push(graph.id(k));
      }
      if (epics.length === 1) parent = epics[0]!;
    }
    const now = ctx.now();
    const task: Task = {
      id: newId(ctx.randomBytes, (id) => graph.has(id)),
      title,
      type,
      status: "pending",
      depends_on,
      created: now,
      updated: now,
    };
    if (issue !== undefined) task.issue = issue;
    if (parent !== undefined) task.parent = parent;
    if (input.phase) task.phase = input.phase;
    if (input.session) task.session = input.session;
    if (input.spec) task.spec = input.spec;
    if (input.description) task.description = input.description;
    return canonicalTask(task);
  });
}

export interface ListFilter {
  issue?: string | number;
  status?: string[];
  type?: string[];
  parent?: string;
  ready?: boolean;
  session?: string;
}

export async function listTasks(ctx: Ctx, filter: ListFilter = {}): Promise<Task[]> {
  const index = await openTasks(project(ctx));
  let tasks: Task[];
  const onlyIssue = filter.issue !== undefined && !filter.ready && filter.parent === undefined;
  if (onlyIssue) {
    // The index knows where each issue's tasks are: read just those.
    tasks = filterTasks(
      { version: 1, tasks: index.tasks(index.issueIndices(parseIssue(filter.issue!))) },
      filter,
    );
    return tasks;
  }
  // Filter on the light skeleton, then read only the tasks that are shown.
  const picked = filterNodes(index.skeleton(), filter) as SkeletonNode[];
  tasks = index.tasks(picked.map((n) => n.index));
  return filter.session === undefined ? tasks : tasks.filter((t) => t.session === filter.session);
}

export function filterTasks(file: TaskFile, filter: ListFilter): Task[] {
  const tasks = filterNodes(file.tasks, filter) as Task[];
  return filter.session === undefined ? tasks : tasks.filter((t) => t.session === filter.session);
}

function filterNodes<T extends GraphNode & { issue?: number }>(all: readonly T[], filter: ListFilter): T[] {
  const issue = filter.issue === undefined ? undefined : parseIssue(filter.issue);
  const statuses = filter.status?.map(parseStatus);
  const types = filter.type?.map(parseType);
  const parent =
    filter.parent === undefined
      ? undefined
      : resolveId(
          all.map((t) => t.id),
          filter.parent,
        );
  let tasks: readonly T[] = all;
  if (filter.ready) tasks = readyTasks(all);
  return tasks.filter(
    (t) =>
      (issue === undefined || t.issue === issue) &&
      (statuses === undefined || statuses.includes(t.status)) &&
      (types === undefined || types.includes(t.type)) &&
      (parent === undefined || t.parent === parent),
  );
}

export interface TaskDetail {
  task: Task;
  blockers: string[];
  dependencies: Array<Pick<Task, "id" | "title" | "status" | "type">>;
  dependents: Array<Pick<Task, "id" | "title" | "status" | "type">>;
  children: Array<Pick<Task, "id" | "title" | "status" | "type">>;
}

const brief = (t: Task) => ({ id: t.id, title: t.title, status: t.status, type: t.type });

export async function showTask(ctx: Ctx, input: string): Promise<TaskDetail> {
  const file = { version: 1 as const, tasks: (await openTasks(project(ctx))).all() };
  const task = find(file, input);
  const index = indexTasks(file.tasks);
  return {
    task,
    blockers: task.status === "pending" ? blockers(task, index) : [],
    dependencies: task.depends_on
      .map((d) => index.get(d))
      .filter((t): t is Task => t !== undefined)
      .map(brief),
    dependents: dependentsOf(index, task.id).map(brief),
    children: (childrenOf(index).get(task.id) ?? []).map(brief),
  };
}

function touch(ctx: Ctx, task: Task, status: TaskStatus): void {
  task.status = status;
  task.updated = ctx.now();
}

function openDependencies(file: TaskFile, task: Task): Task[] {
  const index = indexTasks(file.tasks);
  return task.depends_on
    .map((d) => index.get(d))
    .filter((d): d is Task => d !== undefined && !isResolved(d.status));
}

export interface TransitionOptions {
  force?: boolean;
  session?: string;
}

export async function startTask(ctx: Ctx, input: string, opts: TransitionOptions = {}): Promise<Task> {
  return mutateTasks(project(ctx), (file) => {
    const task = find(file, input);
    if (task.status === "in_progress") return task;
    if (isResolved(task.status)) {
      throw new RuleError("task/not-open", `${task.id} is ${task.status}; it cannot be started`, {
        hint: `reopen it first: wm tasks reopen ${task.id}`,
      });
    }
    const open = openDependencies(file, task);
    if (open.length > 0 && !opts.force) {
      throw new RuleError(
        "task/not-ready",
        `${task.id} is not ready: it waits for ${open.map((d) => `${d.id} (${d.status})`).join(", ")}`,
        { hint: `finish those first (see \`wm tasks ready\`), or pass --force` },
      );
    }
    touch(ctx, task, "in_progress");
    if (opts.session) task.session = opts.session;
    delete task.reason;
    return task;
  });
}

export interface DoneOptions extends TransitionOptions {
  evidence?: string;
  evidenceCmd?: string;
}

export interface DoneResult {
  task: Task;
  /** Tasks that became ready because this one is done. */
  unblocked: Array<Pick<Task, "id" | "title" | "status" | "type">>;
}

function checkDone(file: TaskFile, task: Task, opts: DoneOptions, hasEvidence: boolean): void {
  if (task.status === "cancelled") {
    throw new RuleError("task/not-open", `${task.id} is cancelled; reopen it before marking it done`, {
      hint: `wm tasks reopen ${task.id}`,
    });
  }
  const open = openDependencies(file, task);
  if (open.length > 0 && !opts.force) {
    throw new RuleError(
      "task/done-out-of-order",
      `${task.id} cannot be done before its dependencies: ${open.map((d) => `${d.id} (${d.status})`).join(", ")}`,
      { hint: "finish those first, or pass --force if the plan changed" },
    );
  }
  if (task.type === "epic") {
    const children = (childrenOf(indexTasks(file.tasks)).get(task.id) ?? []).filter(
      (c) => isOpen(c.status) && c.id !== task.id,
    );
    if (children.length > 0) {
      throw new RuleError(
        "task/epic-open-children",
        `epic ${task.id} still has ${children.length} open child task${children.length === 1 ? "" : "s"}: ${children
          .slice(0, 10)
          .map((c) => c.id)
          .join(", ")}`,
        { hint: "finish or cancel them first" },
      );
    }
  }
  if (task.type === "verify" && !hasEvidence) {
    throw new RuleError(
      "task/verify-needs-evidence",
      `verify task ${task.id} cannot be done without evidence`,
      {
        hint: `wm tasks done ${task.id} --evidence-cmd "npm test" (recorded: exit code and output hash) or --evidence "what you checked"`,
      },
    );
  }
}

function runEvidenceCommand(cwd: string, command: string, now: string): Evidence {
  const r = childProcess().spawnSync("sh", ["-c", command], {
    cwd,
    encoding: "buffer",
    maxBuffer: 256 * 1024 * 1024,
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (r.error) throw new WmError(`could not run the evidence command: ${r.error.message}`);
  const output = Buffer.concat([r.stdout ?? Buffer.alloc(0), r.stderr ?? Buffer.alloc(0)]);
  const lines = output.toString("utf8").trimEnd().split("\n");
  const tail = lines.slice(-10).join("\n").slice(-1500);
  const ev: Evidence = {
    command,
    exit_code: r.status ?? (r.signal ? 128 : 1),
    output_sha256: crypto().createHash("sha256").update(output).digest("hex"),
    at: now,
  };
  if (tail.trim() !== "") ev.output_tail = tail;
  return ev;
}

export async function doneTask(ctx: Ctx, input: string, opts: DoneOptions = {}): Promise<DoneResult> {
  const paths = project(ctx);
  const hasEvidence = Boolean(opts.evidence?.trim()) || Boolean(opts.evidenceCmd?.trim());
  // Check the rules before running a possibly long evidence command, and again under the lock.
  {
    const file = { version: 1 as const, tasks: (await openTasks(paths)).all() };
    checkDone(file, find(file, input), opts, hasEvidence);
  }
  let evidence: Evidence | undefined;
  if (opts.evidenceCmd?.trim()) {
    evidence = runEvidenceCommand(paths.root, opts.evidenceCmd, ctx.now());
    if (evidence.exit_code !== 0) {
      throw new WmError(
        `the evidence command exited with ${evidence.exit_code}; ${input} stays open${
          evidence.output_tail ? `\n${evidence.output_tail}` : ""
        }`,
        {
          exitCode: 1,
          rule: "task/evidence-failed",
          hint: "fix what it reports and run `wm tasks done` again",
        },
      );
    }
  }
  if (opts.evidence?.trim()) {
    evidence = { ...(evidence ?? { at: ctx.now() }), text: opts.evidence.trim() };
  }
  return mutateTasks(paths, (file) => {
    const task = find(file, input);
    checkDone(file, task, opts, hasEvidence);
    const index = indexTasks(file.tasks);
    const before = new Set(readyTasks(file.tasks, index).map((t) => t.id));
    touch(ctx, task, "done");
    delete task.reason;
    if (evidence) task.evidence = evidence;
    if (opts.session) task.session = opts.session;
    const unblocked = readyTasks(file.tasks, index)
      .filter((t) => !before.has(t.id))
      .map(brief);
    return { task, unblocked };
  });
}

export async function blockTask(ctx: Ctx, input: string, reason: string): Promise<Task> {
  if (!reason.trim())
    throw new UsageError("--reason is required: say what the task waits for", { rule: "usage" });
  return mutateTasks(project(ctx), (file) => {
    const task = find(file, input);
    if (isResolved(task.status)) {
      throw new RuleError("task/not-open", `${task.id} is ${task.status}; only open tasks can be blocked`);
    }
    touch(ctx, task, "blocked");
    task.reason = reason.trim();
    return task;
  });
}

export async function reopenTask(ctx: Ctx, input: string): Promise<Task> {
  return mutateTasks(project(ctx), (file) => {
    const task = find(file, input);
    if (task.status === "pending") return task;
    touch(ctx, task, "pending");
    delete task.reason;
    delete task.evidence;
    return task;
  });
}

export async function cancelTask(ctx: Ctx, input: string, reason: string): Promise<Task> {
  if (!reason.trim())
    throw new UsageError("--reason is required: say why the task is dropped", { rule: "usage" });
  return mutateTasks(project(ctx), (file) => {
    const task = find(file, input);
    if (task.status === "done") {
      throw new RuleError("task/not-open", `${task.id} is done; reopen it first if it should be cancelled`);
    }
    touch(ctx, task, "cancelled");
    task.reason = reason.trim();
    return task;
  });
}

export async function addDependency(ctx: Ctx, taskInput: string, depInput: string): Promise<Task> {
  return mutateTasks(project(ctx), (file) => {
    const task = find(file, taskInput);
    const dep = find(file, depInput);
    if (task.depends_on.includes(dep.id)) return task;
    const cycle = cycleIfAdded(indexTasks(file.tasks), task.id, dep.id);
    if (cycle !== null) {
      throw new RuleError(
        "task/cycle",
        `refused: ${task.id} -> ${dep.id} would close the cycle ${cycle.join(" -> ")}`,
        {
          hint: "a task cannot (even indirectly) depend on itself",
          details: { cycle },
        },
      );
    }
    task.depends_on.push(dep.id);
    task.updated = ctx.now();
    return task;
  });
}

export async function removeDependency(ctx: Ctx, taskInput: string, depInput: string): Promise<Task> {
  return mutateTasks(project(ctx), (file) => {
    const task = find(file, taskInput);
    const ids = file.tasks.map((t) => t.id);
    // The dependency may be dangling (no such task any more): match it against the task's own list too.
    let depId: string;
    try {
      depId = resolveId(ids, depInput);
    } catch {
      depId = resolveId(task.depends_on, depInput);
    }
    if (!task.depends_on.includes(depId)) {
      throw new UsageError(`${task.id} does not depend on ${depId}`, { rule: "task/no-such-dependency" });
    }
    task.depends_on = task.depends_on.filter((d) => d !== depId);
    task.updated = ctx.now();
    return task;
  });
}

export interface ReadyResult {
  ready: Task[];
  notReady?: Array<{ task: Pick<Task, "id" | "title" | "status" | "type">; reasons: string[] }>;
}

export async function ready(
  ctx: Ctx,
  opts: { explain?: boolean; issue?: string | number } = {},
): Promise<ReadyResult> {
  const tasksIndex = await openTasks(project(ctx));
  const issue = opts.issue === undefined ? undefined : parseIssue(opts.issue);
  if (!opts.explain) {
    // The ready list is kept up to date in the index by every write.
    let picked = tasksIndex.meta.ready;
    if (issue !== undefined) {
      const mine = new Set(tasksIndex.issueIndices(issue));
      picked = picked.filter((k) => mine.has(k));
    }
    return { ready: tasksIndex.tasks(picked) };
  }
  const file = { version: 1 as const, tasks: tasksIndex.all() };
  const index = indexTasks(file.tasks);
  const inScope = (t: Task) => issue === undefined || t.issue === issue;
  const readyList = readyTasks(file.tasks, index).filter(inScope);
  const children = childrenOf(index);
  const notReady = file.tasks
    .filter((t) => inScope(t) && t.status !== "done" && t.status !== "cancelled")
    .map((t) => ({ task: brief(t), reasons: blockers(t, index, children) }))
    .filter((x) => x.reasons.length > 0);
  return { ready: readyList, notReady };
}

export async function checkTasks(ctx: Ctx): Promise<Diagnostic[]> {
  const paths = project(ctx);
  const file = { version: 1 as const, tasks: (await openTasks(paths)).all() };
  return checkGraph(file.tasks).map((d) => ({ ...d, file: ".wm/tasks.yaml" }));
}

export async function allTasks(ctx: Ctx): Promise<TaskFile> {
  return { version: 1, tasks: (await openTasks(project(ctx))).all() };
}
