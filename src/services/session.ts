// Session use-cases: `wm enter`, `wm status`, `wm can-exit`, `wm exit`, `wm modes`, `wm prime`. They return
// data and throw WmError; the CLI and the hooks render. A session is identified by the hook's session_id,
// `--session`, WM_SESSION or CLAUDE_CODE_SESSION_ID (set by Claude Code in its Bash tool), else "cli".

import { type Config, defaultConfig } from "../core/config-defaults.js";
import { RuleError, UsageError, WmError } from "../core/errors.js";
import { newId } from "../core/ids.js";
import { effectiveConditions, type ModeDef, type PlannedTask, planPhaseTasks } from "../core/modes.js";
import {
  addEvent,
  DEFAULT_SESSION,
  isSessionId,
  newSession,
  type SessionEvent,
  type SessionState,
} from "../core/session.js";
import { canonicalTask, isOpen, type Task } from "../core/task.js";
import { configFast } from "../store/config-fast.js";
import { loadConfig } from "../store/config-store.js";
import { listModeFiles, loadMode, loadModeCached, readModeFile } from "../store/modes-store.js";
import type { ProjectPaths } from "../store/paths.js";
import { readSession, removeBaseline, withSessionLock, writeSession } from "../store/sessions-store.js";
import type { TasksIndex } from "../store/tasks-index.js";
import { mutateTasks, openTasks } from "../store/tasks-store.js";
import { type Ctx, project } from "./context.js";
import {
  type CheckDepth,
  type ConditionResult,
  type Evaluation,
  evaluateConditions,
  issueWork,
  recordBaseline,
  sessionScope,
} from "./stop-conditions.js";
import { parseIssue } from "./tasks.js";

/** The session id to use: an explicit one, else WM_SESSION, else CLAUDE_CODE_SESSION_ID, else "cli". */
export function resolveSessionId(ctx: Ctx, explicit?: string): string {
  const candidates: Array<[string | undefined, string]> = [
    [explicit, "--session"],
    [ctx.env.WM_SESSION, "WM_SESSION"],
    [ctx.env.CLAUDE_CODE_SESSION_ID, "CLAUDE_CODE_SESSION_ID"],
  ];
  for (const [value, from] of candidates) {
    if (value === undefined || value.trim() === "") continue;
    const id = value.trim();
    if (!isSessionId(id)) {
      throw new UsageError(`${from} "${value}" is not a valid session id`, {
        rule: "session/invalid-id",
        hint: "a session id is letters, digits, '.', '_' and '-' (at most 128)",
      });
    }
    return id;
  }
  return DEFAULT_SESSION;
}

type Brief = Pick<Task, "id" | "title" | "status" | "type"> & { phase?: string; depends_on: string[] };
const brief = (t: Task): Brief => {
  const b: Brief = { id: t.id, title: t.title, status: t.status, type: t.type, depends_on: t.depends_on };
  if (t.phase !== undefined) b.phase = t.phase;
  return b;
};

// ---------------------------------------------------------------------------------------------- enter

export interface EnterInput {
  mode: string;
  issue?: string | number;
  dryRun?: boolean;
  session?: string;
}

export interface EnterResult {
  session: string;
  mode: string;
  issue: number | null;
  dryRun: boolean;
  /** True when the session already was in this mode for this issue: nothing was created. */
  already: boolean;
  /** The phase tasks created (or, with dryRun, that would be created). */
  tasks: Array<Brief & { depends_on_titles?: string[] }>;
  /** For a mode that works the issue's tasks: how many there are and how many are open. */
  issueTasks: { total: number; open: number } | null;
  guidance: string;
  conditions: string[];
}

function stampAfter(now: string, k: number): string {
  const t = Date.parse(now);
  return Number.isNaN(t) ? now : new Date(t + k).toISOString();
}

export async function enterMode(ctx: Ctx, input: EnterInput): Promise<EnterResult> {
  const paths = project(ctx);
  const sessionId = resolveSessionId(ctx, input.session);
  const mode = await loadMode(paths, input.mode);
  const config = (await loadConfig(paths)).config;
  const issue = input.issue === undefined ? undefined : parseIssue(input.issue);
  if (mode.needs_issue && issue === undefined) {
    throw new UsageError(`the ${mode.name} mode needs an issue: wm enter ${mode.name} --issue N`, {
      rule: "mode/needs-issue",
    });
  }
  const conditions = effectiveConditions(mode, config);
  const run = async (): Promise<EnterResult> => {
    const current = readSession(paths, sessionId);
    if (current?.mode) {
      if (current.mode === mode.name && current.issue === (issue ?? null)) {
        const index = await openTasks(paths);
        return {
          session: sessionId,
          mode: mode.name,
          issue: current.issue,
          dryRun: Boolean(input.dryRun),
          already: true,
          tasks: sessionScopeBriefs(index, current, mode),
          issueTasks: issueCounts(index, mode, current.issue),
          guidance: mode.guidance,
          conditions,
        };
      }
      throw new RuleError(
        "session/in-mode",
        `session ${sessionId} is in the ${current.mode} mode${current.issue ? ` (issue #${current.issue})` : ""}; leave it first`,
        { hint: 'wm can-exit (what is left), then wm exit; or wm exit --force --reason "..."' },
      );
    }
    const index = await openTasks(paths);
    const counts = issueCounts(index, mode, issue ?? null);
    if (mode.uses_issue_tasks && counts !== null && counts.total === 0) {
      throw new WmError(`issue #${issue} has no tasks to work on in the ${mode.name} mode`, {
        rule: "mode/no-issue-tasks",
        hint: `turn its spec into tasks first: wm spec tasks ${config.specs.dir}/${issue}-<slug>.md`,
      });
    }
    const plan = planPhaseTasks(mode, issue);
    const titleOf = (keys: number[]) => keys.map((k) => plan[k]!.title);
    if (input.dryRun) {
      return {
        session: sessionId,
        mode: mode.name,
        issue: issue ?? null,
        dryRun: true,
        already: false,
        tasks: plan.map((p) => ({
          id: "(new)",
          title: p.title,
          type: p.type,
          status: "pending",
          phase: p.phase,
          depends_on: [],
          depends_on_titles: titleOf(p.dependsOn),
        })),
        issueTasks: counts,
        guidance: mode.guidance,
        conditions,
      };
    }
    const created = plan.length === 0 ? [] : await createPlanned(ctx, paths, plan, sessionId, issue);
    const now = ctx.now();
    const s = readSession(paths, sessionId) ?? newSession(sessionId, now);
    s.mode = mode.name;
    s.issue = issue ?? null;
    s.entered_at = now;
    recordBaseline(paths, sessionId, now);
    s.tasks = created.map((t) => t.id);
    s.stop = { blocks: 0, fingerprint: null };
    const ev: SessionEvent = { at: now, event: "enter", mode: mode.name };
    if (issue !== undefined) ev.issue = issue;
    addEvent(s, ev);
    writeSession(paths, s, now);
    return {
      session: sessionId,
      mode: mode.name,
      issue: issue ?? null,
      dryRun: false,
      already: false,
      tasks: created.map(brief),
      issueTasks: counts,
      guidance: mode.guidance,
      conditions,
    };
  };
  return input.dryRun ? run() : withSessionLock(paths, sessionId, run);
}

async function createPlanned(
  ctx: Ctx,
  paths: ProjectPaths,
  plan: PlannedTask[],
  session: string,
  issue: number | undefined,
): Promise<Task[]> {
  return mutateTasks(
    paths,
    (file) => {
      const taken = new Set(file.tasks.map((t) => t.id));
      const ids: string[] = [];
      const now = ctx.now();
      const out: Task[] = [];
      for (const p of plan) {
        const id = newId(ctx.randomBytes, (x) => taken.has(x));
        taken.add(id);
        ids.push(id);
        const stamp = stampAfter(now, p.key);
        const t: Task = {
          id,
          title: p.title,
          type: p.type,
          status: "pending",
          depends_on: p.dependsOn.map((k) => ids[k]!),
          phase: p.phase,
          session,
          created: stamp,
          updated: stamp,
        };
        if (issue !== undefined) t.issue = issue;
        const task = canonicalTask(t);
        file.tasks.push(task);
        out.push(task);
      }
      return out;
    },
    { create: true },
  );
}

function issueCounts(index: TasksIndex, mode: ModeDef, issue: number | null): EnterResult["issueTasks"] {
  if (!mode.uses_issue_tasks || issue === null) return null;
  const work = issueWork(index, issue).tasks;
  return { total: work.length, open: work.filter((t) => isOpen(t.status)).length };
}

function sessionScopeBriefs(index: TasksIndex, s: SessionState, mode: ModeDef): Brief[] {
  return sessionScope(index, s, mode).tasks.map(brief);
}

// ------------------------------------------------------------------------------ status / can-exit

export interface SessionView {
  session: string;
  mode: string | null;
  issue: number | null;
  entered_at: string | null;
  description: string | null;
  tasks: Brief[];
  /** Ids of the scope's tasks that are ready to start. */
  ready: string[];
  touched: string[];
  stop: SessionState["stop"];
  conditions: ConditionResult[];
  ok: boolean;
  history: SessionState["history"];
}

interface Loaded {
  paths: ProjectPaths;
  session: SessionState;
  mode: ModeDef | null;
  config: Config;
  index: TasksIndex;
}

/** The session, its mode and config (fast, cached reads) and the task index. */
export async function loadSessionContext(
  ctx: Ctx,
  sessionId: string,
  fast = false,
  preread?: SessionState,
): Promise<Loaded> {
  const paths = project(ctx);
  const session = preread ?? readSession(paths, sessionId) ?? newSession(sessionId, ctx.now());
  const config = fast ? await configFast(paths) : (await loadConfig(paths)).config;
  let mode: ModeDef | null = null;
  if (session.mode !== null) {
    mode = fast ? await loadModeCached(paths, session.mode) : await loadMode(paths, session.mode);
  }
  return { paths, session, mode, config, index: await openTasks(paths) };
}

export async function evaluate(ctx: Ctx, l: Loaded, depth: CheckDepth): Promise<Evaluation | null> {
  if (l.mode === null) return null;
  return evaluateConditions({
    ctx,
    paths: l.paths,
    session: l.session,
    mode: l.mode,
    config: l.config,
    index: l.index,
    depth,
  });
}

function view(l: Loaded, ev: Evaluation | null, historyTail: number): SessionView {
  const ready = ev?.ready ?? new Set<string>();
  const scope = ev?.scope ?? [];
  return {
    session: l.session.id,
    mode: l.session.mode,
    issue: l.session.issue,
    entered_at: l.session.entered_at,
    description: l.mode?.description ?? null,
    tasks: scope.map(brief),
    ready: scope.filter((t) => ready.has(t.id)).map((t) => t.id),
    touched: l.session.touched,
    stop: l.session.stop,
    conditions: ev?.conditions ?? [],
    ok: ev?.ok ?? true,
    history: l.session.history.slice(-historyTail),
  };
}

export async function sessionStatus(ctx: Ctx, sessionId: string): Promise<SessionView> {
  const l = await loadSessionContext(ctx, sessionId);
  return view(l, await evaluate(ctx, l, "status"), 10);
}

export async function canExit(ctx: Ctx, sessionId: string): Promise<SessionView> {
  const l = await loadSessionContext(ctx, sessionId);
  return view(l, await evaluate(ctx, l, "check"), 0);
}

// ------------------------------------------------------------------------------------------- exit

export interface ExitResult {
  session: string;
  /** The mode that was left (null: the session was in no mode). */
  mode: string | null;
  issue: number | null;
  forced: boolean;
  reason: string | null;
  conditions: ConditionResult[];
  /** Phase tasks of the session still open at exit, now cancelled. */
  cancelled: string[];
}

export async function exitMode(
  ctx: Ctx,
  sessionId: string,
  opts: { force?: boolean; reason?: string } = {},
): Promise<ExitResult> {
  const reason = opts.reason?.trim() ?? "";
  if (opts.force && reason === "") {
    throw new UsageError("--force needs --reason: say why the session ends with conditions unmet", {
      rule: "usage",
    });
  }
  const paths = project(ctx);
  return withSessionLock(paths, sessionId, async () => {
    let l: Loaded;
    try {
      l = await loadSessionContext(ctx, sessionId);
    } catch (err) {
      // A mode file or config broken since the session entered must not keep it in the mode for good.
      if (!(err instanceof WmError) || !opts.force) throw err;
      return forceExitUnreadable(ctx, paths, sessionId, reason, err.message);
    }
    if (l.mode === null) {
      return notInMode(sessionId);
    }
    const ev = (await evaluate(ctx, l, "check"))!;
    if (!ev.ok && !opts.force) {
      throw new WmError(
        `the ${l.mode.name} session cannot end yet:\n${ev.conditions
          .filter((c) => !c.met)
          .map((c) => `  ${c.id}: ${c.message}`)
          .join("\n")}`,
        {
          exitCode: 1,
          rule: "session/conditions-unmet",
          hint: 'do what each condition says, or wm exit --force --reason "..." (recorded in the session)',
          details: { conditions: ev.conditions },
        },
      );
    }
    const own = new Set(l.session.tasks);
    const stillOpen = ev.scope.filter((t) => own.has(t.id) && isOpen(t.status)).map((t) => t.id);
    const now = ctx.now();
    if (stillOpen.length > 0) {
      const why = `session ${sessionId} left the ${l.mode.name} mode${opts.force && !ev.ok ? ` (forced: ${reason})` : ""}`;
      await mutateTasks(paths, (file) => {
        for (const t of file.tasks) {
          if (stillOpen.includes(t.id) && isOpen(t.status)) {
            t.status = "cancelled";
            t.reason = why;
            t.updated = now;
          }
        }
      });
    }
    const s = l.session;
    const forced = Boolean(opts.force) && !ev.ok;
    const e: SessionEvent = { at: now, event: forced ? "force-exit" : "exit", mode: l.mode.name };
    if (s.issue !== null) e.issue = s.issue;
    if (forced) {
      e.detail = `${reason}; unmet: ${ev.conditions
        .filter((c) => !c.met)
        .map((c) => c.id)
        .join(", ")}`;
    }
    addEvent(s, e);
    const result: ExitResult = {
      session: sessionId,
      mode: l.mode.name,
      issue: s.issue,
      forced,
      reason: forced ? reason : null,
      conditions: ev.conditions,
      cancelled: stillOpen,
    };
    leaveMode(paths, s, sessionId, now);
    return result;
  });
}

async function forceExitUnreadable(
  ctx: Ctx,
  paths: ProjectPaths,
  sessionId: string,
  reason: string,
  problem: string,
): Promise<ExitResult> {
  const s = readSession(paths, sessionId);
  if (s === null || s.mode === null) {
    return notInMode(sessionId);
  }
  const now = ctx.now();
  const own = new Set(s.tasks);
  const cancelled: string[] = [];
  if (own.size > 0) {
    await mutateTasks(paths, (file) => {
      for (const t of file.tasks) {
        if (own.has(t.id) && isOpen(t.status)) {
          t.status = "cancelled";
          t.reason = `session ${sessionId} left the ${s.mode} mode (forced: ${reason})`;
          t.updated = now;
          cancelled.push(t.id);
        }
      }
    });
  }
  const result: ExitResult = {
    session: sessionId,
    mode: s.mode,
    issue: s.issue,
    forced: true,
    reason,
    conditions: [],
    cancelled,
  };
  addEvent(s, {
    at: now,
    event: "force-exit",
    mode: s.mode,
    detail: `${reason}; conditions not checked: ${problem.split("\n")[0]}`,
  });
  leaveMode(paths, s, sessionId, now);
  return result;
}

// ------------------------------------------------------------------------------------------ modes

export interface ModeEntry {
  name: string;
  source: "builtin" | "project";
  path: string;
  description?: string;
  needs_issue?: boolean;
  uses_issue_tasks?: boolean;
  gates?: string[];
  phases?: Array<{ id: string; name: string; tasks: number; depends_on: string[] }>;
  stop_conditions?: string[];
  /** Where the stop conditions come from. */
  conditions_from?: "mode" | "config";
  /** Set when the file does not parse or validate. */
  error?: string;
}

export async function listModes(ctx: Ctx): Promise<{ modes: ModeEntry[]; ok: boolean }> {
  let paths: ProjectPaths | null = null;
  try {
    paths = project(ctx);
  } catch {}
  let config: Config | null = null;
  if (paths !== null) {
    try {
      config = (await loadConfig(paths)).config;
    } catch {}
  }
  const out: ModeEntry[] = [];
  for (const file of listModeFiles(paths)) {
    try {
      const m = await readModeFile(paths, file);
      const entry: ModeEntry = {
        name: m.name,
        source: m.source,
        path: m.path,
        description: m.description,
        needs_issue: m.needs_issue,
        uses_issue_tasks: m.uses_issue_tasks,
        gates: m.gates,
        phases: m.phases.map((p) => ({
          id: p.id,
          name: p.name,
          tasks: p.tasks.length,
          depends_on: p.depends_on,
        })),
        conditions_from: m.stop_conditions === null ? "config" : "mode",
      };
      entry.stop_conditions = effectiveConditions(m, config ?? defaultConfig());
      out.push(entry);
    } catch (err) {
      if (!(err instanceof WmError)) throw err;
      out.push({ name: file.name, source: file.source, path: file.path, error: err.message });
    }
  }
  return { modes: out, ok: out.every((m) => m.error === undefined) };
}

// ------------------------------------------------------------------------------------------ prime

export interface PrimeResult {
  session: string;
  mode: string | null;
  text: string;
  budget: number;
  truncated: boolean;
}

export const DEFAULT_PRIME_BUDGET = 1200;

function currentPhase(mode: ModeDef, scope: Task[]): string | null {
  for (const phase of mode.phases) {
    const mine = scope.filter((t) => t.phase === `${mode.name}:${phase.id}`);
    if (mine.some((t) => isOpen(t.status))) return phase.name;
  }
  return null;
}

const COMMANDS = [
  "`wm tasks ready` (what can start now)",
  "`wm tasks start <id>`",
  '`wm tasks done <id> --evidence "..."` or `--evidence-cmd "<command>"`',
  "`wm can-exit` (what still blocks the end of the session)",
  "`wm exit` (leave the mode once can-exit passes)",
];

/** Renders the short context for an agent, within `budget` tokens (about 4 characters each). */
export function renderPrime(
  l: Loaded,
  ev: Evaluation | null,
  budget: number,
  modeNames: string[],
): PrimeResult {
  const s = l.session;
  const sections: string[][] = [];
  if (l.mode === null) {
    sections.push([
      `wm: session ${s.id} is not in a mode.`,
      `Start one with \`wm enter <mode> [--issue N]\`; modes: ${modeNames.join(", ")} (\`wm modes\` describes them).`,
    ]);
  } else {
    const m = l.mode;
    const scope = ev?.scope ?? [];
    const ready = ev?.ready ?? new Set<string>();
    const open = scope.filter((t) => isOpen(t.status));
    const head = [
      `wm: session ${s.id}, mode ${m.name}${s.issue !== null ? `, issue #${s.issue}` : ""} (${m.description}).`,
    ];
    const phase = currentPhase(m, scope);
    if (phase !== null) head.push(`Phase: ${phase}.`);
    head.push(scope.length === 0 ? "Tasks: none." : `Tasks: ${open.length} open of ${scope.length}.`);
    sections.push(head);
    const readyTasks = open.filter((t) => ready.has(t.id));
    if (readyTasks.length > 0) {
      sections.push([
        "Ready now:",
        ...readyTasks.slice(0, 10).map((t) => `- ${t.id} [${t.type}] ${t.title}`),
        ...(readyTasks.length > 10 ? [`- … and ${readyTasks.length - 10} more (\`wm tasks ready\`)`] : []),
      ]);
    }
    const unmet = (ev?.conditions ?? []).filter((c) => !c.met);
    sections.push(
      unmet.length === 0
        ? ["Exit: all stop conditions hold; `wm exit` ends the mode."]
        : ["Before the session can end:", ...unmet.map((c) => `- ${c.id}: ${c.message}`)],
    );
    sections.push(["Commands:", ...COMMANDS.map((c) => `- ${c}`)]);
    if (m.guidance !== "") sections.push([m.guidance]);
  }
  const limit = Math.max(40, budget * 4);
  let text = "";
  let truncated = false;
  for (const sec of sections) {
    const block = sec.join("\n");
    const next = text === "" ? block : `${text}\n\n${block}`;
    if (next.length <= limit) {
      text = next;
      continue;
    }
    truncated = true;
    const room = limit - text.length - (text === "" ? 0 : 2) - 1;
    if (room > 20) text = `${text}${text === "" ? "" : "\n\n"}${block.slice(0, room).trimEnd()}…`;
    break;
  }
  return { session: s.id, mode: s.mode, text, budget, truncated };
}

export async function prime(
  ctx: Ctx,
  sessionId: string,
  budget = DEFAULT_PRIME_BUDGET,
): Promise<PrimeResult> {
  if (!Number.isInteger(budget) || budget < 10) {
    throw new UsageError(`--budget must be a whole number of tokens, at least 10; got ${budget}`, {
      rule: "usage",
    });
  }
  const l = await loadSessionContext(ctx, sessionId, true);
  const ev = await evaluate(ctx, l, "context");
  return renderPrime(l, ev, budget, l.mode === null ? listModeFiles(l.paths).map((f) => f.name) : []);
}

/** The exit result of a session that is in no mode: nothing to check, nothing to cancel. */
function notInMode(sessionId: string): ExitResult {
  return {
    session: sessionId,
    mode: null,
    issue: null,
    forced: false,
    reason: null,
    conditions: [],
    cancelled: [],
  };
}

/** Takes the session out of its mode and saves it; its baseline for `committed` goes with it. */
function leaveMode(paths: ProjectPaths, s: SessionState, sessionId: string, now: string): void {
  s.mode = null;
  s.issue = null;
  s.entered_at = null;
  s.tasks = [];
  s.stop = { blocks: 0, fingerprint: null };
  writeSession(paths, s, now);
  removeBaseline(paths, sessionId);
}
