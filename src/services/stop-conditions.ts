// The stop conditions: what must hold before a session in a mode may end. Each result says what holds
// or what to do next. Used by `wm can-exit`, `wm exit`, `wm status`, `wm prime` and the Stop hook.
// Conditions are checked cheapest first (task index, then git, then the test command and the spec
// checker); how deep depends on who asks (CheckDepth), so a session with open tasks does not run git or
// the test suite at every Stop.

import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { Config, StopCondition } from "../core/config-defaults.js";
import { effectiveConditions, isModePhaseTask, type ModeDef } from "../core/modes.js";
import { redact } from "../core/redact.js";
import { attributeChanges, isRuntimePath, progressFingerprint, type SessionState } from "../core/session.js";
import { isOpen, type Task } from "../core/task.js";
import { dirtyTree, fileStamp, isGitWorkTree, upstreamState } from "../store/git.js";
import type { ProjectPaths } from "../store/paths.js";
import { runProcess, runShell } from "../store/run-command.js";
import {
  listSessionIds,
  readBaseline,
  readSession,
  removeBaseline,
  writeBaseline,
} from "../store/sessions-store.js";
import type { TasksIndex } from "../store/tasks-index.js";
import { packageRoot } from "../store/templates.js";
import type { Ctx } from "./context.js";

export interface ConditionResult {
  id: StopCondition;
  met: boolean;
  /** False when the condition was not evaluated (a costlier one, deferred); it then counts as unmet. */
  checked: boolean;
  /** What holds, or what is wrong and what to do next. */
  message: string;
}

export interface SpecCheckOutcome {
  /** Every spec of the issue passes. */
  ok: boolean;
  files: Array<{ file: string; score: number; problems: string[] }>;
  /** Set when the check could not run at all. */
  error?: string;
}

/** What spec_valid needs from `wm spec check`: check the issue's specs at a minimum score. */
export type SpecChecker = (root: string, issue: number, minScore: number) => Promise<SpecCheckOutcome>;

export const SPEC_CHECK_TIMEOUT_MS = 120_000;

/**
 * The spec checker: `wm spec check --issue N --json` of this same installation, in a child process. A
 * child keeps the spec checker (and its parsers) out of the hook's bundle; it runs only when the other
 * conditions hold. A build without `wm spec check` reports "not available" and is never met.
 */
export async function loadSpecChecker(): Promise<SpecChecker | null> {
  const bin = join(packageRoot(), "bin", "wm.cjs");
  if (!existsSync(bin)) return null;
  return async (root, issue, minScore) => {
    const run = await runProcess(
      process.execPath,
      [bin, "spec", "check", "--issue", String(issue), "--min-score", String(minScore), "--json"],
      root,
      { timeoutMs: SPEC_CHECK_TIMEOUT_MS, keepBytes: 4 * 1024 * 1024 },
    );
    if (run.timedOut) return { ok: false, files: [], error: "`wm spec check` did not finish in time" };
    const out = run.output.trim();
    const start = out.indexOf('{"schemaVersion"');
    if ((run.code === 0 || run.code === 1) && start >= 0) {
      try {
        const doc = JSON.parse(
          out.slice(start, out.indexOf("\n", start) < 0 ? undefined : out.indexOf("\n", start)),
        ) as {
          kind?: string;
          data?: {
            files?: Array<{ file: string; score: number; findings?: Array<Record<string, unknown>> }>;
          };
        };
        if (doc.kind === "spec-check" && Array.isArray(doc.data?.files)) {
          const files = doc.data.files.map((f) => ({
            file: f.file,
            score: f.score,
            problems: (f.findings ?? [])
              .filter((d) => d.severity === "error")
              .slice(0, 5)
              .map((d) => `${f.file}:${d.line ?? 1}:${d.column ?? 1} ${String(d.rule)} ${String(d.message)}`),
          }));
          return { ok: run.code === 0, files };
        }
      } catch {}
    }
    const first = out.split("\n").find((l) => l.trim() !== "") ?? `exit ${run.code}`;
    let msg = first;
    try {
      const e = JSON.parse(first) as { error?: { message?: string } };
      if (e.error?.message) msg = e.error.message;
    } catch {}
    return { ok: false, files: [], error: redact(msg.slice(0, 300)) };
  };
}

/**
 * What a condition costs to check: 0 reads the task index, 1 runs git, 2 runs the tests or the spec
 * checker. Cheaper tiers are checked first; a costlier tier may wait until the cheaper ones hold.
 */
export const TIER: Record<StopCondition, 0 | 1 | 2> = {
  tasks_complete: 0,
  verify_evidence: 0,
  committed: 1,
  pushed: 1,
  tests_pass: 2,
  spec_valid: 2,
};
export const TEST_TIMEOUT_MS = 5 * 60_000;

/**
 * How deep to check:
 * - "stop" (the Stop hook): each tier only once the cheaper tiers hold, so a session with open tasks costs
 *   no git or test run at every Stop;
 * - "check" (`wm can-exit`, `wm exit`): tasks and git always, tests and spec once the others hold;
 * - "status": tasks and git, never tests or spec;
 * - "context" (prime, session start): the task conditions only.
 */
export type CheckDepth = "stop" | "check" | "status" | "context";

export interface EvalInput {
  ctx: Ctx;
  paths: ProjectPaths;
  session: SessionState;
  mode: ModeDef;
  config: Config;
  index: TasksIndex;
  depth: CheckDepth;
  testTimeoutMs?: number;
}

export interface Evaluation {
  conditions: ConditionResult[];
  ok: boolean;
  /** The tasks in the session's scope (its phase tasks and, for an issue-tasks mode, the issue's tasks). */
  scope: Task[];
  /** Ids of the scope's tasks that are ready to start. */
  ready: Set<string>;
  fingerprint: string;
}

export interface Scope {
  tasks: Task[];
  /** Each task's position in the index (same order as `tasks`). */
  at: number[];
}

/** Positions of the tasks with the given ids, in file order; ids that no longer exist are skipped. */
export function positionsOf(index: TasksIndex, ids: readonly string[]): number[] {
  if (ids.length === 0) return [];
  const want = new Set(ids);
  if (want.size <= 64) {
    // A few ids (the usual session): look each up rather than split all ids of the index.
    const picked: number[] = [];
    for (const id of want) {
      const k = index.positionOf(id);
      if (k >= 0) picked.push(k);
    }
    return picked.sort((a, b) => a - b);
  }
  const all = index.ids();
  const picked: number[] = [];
  for (let k = 0; k < all.length && picked.length < want.size; k++) {
    if (want.has(all[k]!)) picked.push(k);
  }
  return picked;
}

/** The issue's own work: its tasks other than the phase tasks of mode sessions. */
export function issueWork(index: TasksIndex, issue: number): Scope {
  const out: Scope = { tasks: [], at: [] };
  const at = index.issueIndices(issue);
  index.tasks(at).forEach((t, i) => {
    if (isModePhaseTask(t)) return;
    out.tasks.push(t);
    out.at.push(at[i]!);
  });
  return out;
}

/** The tasks a session answers for: its phase tasks and, in a mode that works an issue's tasks, those. */
export function sessionScope(index: TasksIndex, session: SessionState, mode: ModeDef): Scope {
  const at = positionsOf(index, session.tasks);
  const own: Scope = { tasks: index.tasks(at), at };
  if (!mode.uses_issue_tasks || session.issue === null) return own;
  const seen = new Set(own.at);
  const work = issueWork(index, session.issue);
  work.at.forEach((k, i) => {
    if (seen.has(k)) return;
    own.tasks.push(work.tasks[i]!);
    own.at.push(k);
  });
  return own;
}

/** Ids of the scope's tasks that are ready to start (from the index's ready list). */
export function readyInScope(index: TasksIndex, scope: Scope): Set<string> {
  const ready = new Set(index.meta.ready);
  const out = new Set<string>();
  scope.at.forEach((k, i) => {
    if (ready.has(k)) out.add(scope.tasks[i]!.id);
  });
  return out;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function listTasks(tasks: readonly Task[], max = 8): string {
  const shown = tasks.slice(0, max).map((t) => `${t.id} (${t.status}) ${t.title}`);
  if (tasks.length > max) shown.push(`… and ${tasks.length - max} more`);
  return shown.join("; ");
}

function tasksComplete(scope: Task[], session: SessionState, mode: ModeDef): ConditionResult {
  const open = scope.filter((t) => isOpen(t.status));
  if (mode.uses_issue_tasks && session.issue !== null && scope.length === 0) {
    return {
      id: "tasks_complete",
      met: false,
      checked: true,
      message: `issue #${session.issue} has no tasks: create them with \`wm spec tasks <spec file>\``,
    };
  }
  if (open.length === 0) {
    return {
      id: "tasks_complete",
      met: true,
      checked: true,
      message:
        scope.length === 0
          ? "this session has no tasks"
          : `all ${plural(scope.length, "task")} done or cancelled`,
    };
  }
  return {
    id: "tasks_complete",
    met: false,
    checked: true,
    message:
      `${plural(open.length, "open task")}: ${listTasks(open)}. ` +
      'Next: `wm tasks ready`, `wm tasks start <id>`, then `wm tasks done <id> --evidence "..."`; ' +
      'a task that is no longer needed: `wm tasks cancel <id> --reason "..."`',
  };
}

export function hasEvidence(t: Task): boolean {
  const e = t.evidence;
  if (e === undefined) return false;
  if (e.text !== undefined && e.text.trim() !== "") return true;
  return e.command !== undefined && e.exit_code === 0;
}

function verifyEvidence(scope: Task[]): ConditionResult {
  const verify = scope.filter((t) => t.type === "verify" && t.status === "done");
  const missing = verify.filter((t) => !hasEvidence(t));
  if (missing.length === 0) {
    return {
      id: "verify_evidence",
      met: true,
      checked: true,
      message:
        verify.length === 0
          ? "no done verify tasks"
          : `${plural(verify.length, "done verify task")}, all with evidence`,
    };
  }
  const first = missing[0]!.id;
  return {
    id: "verify_evidence",
    met: false,
    checked: true,
    message:
      `${plural(missing.length, "verify task")} done without evidence: ${listTasks(missing)}. ` +
      `Next: \`wm tasks reopen ${first}\`, then \`wm tasks done ${first} --evidence-cmd "<test command>"\``,
  };
}

/** The session's touched files that count for `committed`. */
export function countedFiles(session: SessionState): string[] {
  return session.touched.filter((p) => !isRuntimePath(p));
}

/**
 * Records the working tree's dirty state as the session's baseline (at `wm enter`). Without git there is
 * nothing to record; `committed` then says so when it is checked.
 */
export function recordBaseline(paths: ProjectPaths, session: string, enteredAt: string): void {
  let dirty: ReturnType<typeof dirtyTree>;
  try {
    dirty = dirtyTree(paths.root);
  } catch {
    removeBaseline(paths, session);
    return;
  }
  const files: Record<string, string> = {};
  for (const d of dirty) {
    if (!isRuntimePath(d.path)) files[d.path] = fileStamp(paths.root, d.path);
  }
  writeBaseline(paths, { v: 1, session, entered_at: enteredAt, files });
}

/** Files the other sessions in a mode changed with their edit tools (unreadable session files are skipped). */
function othersTouched(paths: ProjectPaths, self: string): Set<string> {
  const out = new Set<string>();
  for (const id of listSessionIds(paths)) {
    if (id === self) continue;
    try {
      const s = readSession(paths, id);
      if (s?.mode) for (const p of s.touched) out.add(p);
    } catch {}
  }
  return out;
}

function committed(paths: ProjectPaths, session: SessionState): ConditionResult {
  let dirty: ReturnType<typeof dirtyTree>;
  try {
    dirty = dirtyTree(paths.root);
  } catch (err) {
    const msg = (err as Error).message;
    return {
      id: "committed",
      met: false,
      checked: true,
      message: /not a git repository/i.test(msg)
        ? "not a git repository, so wm cannot tell whether the changes are committed; `git init` and commit, or drop committed from the mode's stop conditions"
        : `cannot run git: ${msg}`,
    };
  }
  const b = readBaseline(paths, session.id);
  const baseline = b !== null && b.entered_at === session.entered_at ? b.files : null;
  const found = attributeChanges({
    dirty: dirty.map((d) => d.path),
    touched: countedFiles(session),
    baseline,
    stampNow: (rel) => fileStamp(paths.root, rel),
    othersTouched: () => othersTouched(paths, session.id),
  });
  const noBaseline =
    baseline === null
      ? " (no baseline of the working tree was recorded when the session entered its mode, so every uncommitted file counts)"
      : "";
  const leftOut =
    found.notMine > 0
      ? ` (${plural(found.notMine, "uncommitted file")} left out: unchanged since the session entered its mode, or another session's)`
      : "";
  if (found.mine.length === 0) {
    return {
      id: "committed",
      met: true,
      checked: true,
      message: `this session left no uncommitted changes${leftOut}`,
    };
  }
  const shown = found.mine.slice(0, 10);
  const more = found.mine.length > 10 ? ` … and ${found.mine.length - 10} more` : "";
  const byGit =
    found.seenByGit.length > 0 && baseline !== null
      ? ` (${plural(found.seenByGit.length, "file")} changed outside the edit tools since the session entered its mode, e.g. by a Bash command)`
      : "";
  return {
    id: "committed",
    met: false,
    checked: true,
    message:
      `${plural(found.mine.length, "file")} this session changed ${found.mine.length === 1 ? "is" : "are"} not committed: ${shown.join(", ")}${more}${byGit}${noBaseline}. ` +
      `Next: \`git add ${shown.map(shellQuote).join(" ")}\` and \`git commit\``,
  };
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./@%+=:,-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`;
}

function pushed(paths: ProjectPaths): ConditionResult {
  if (!isGitWorkTree(paths.root)) {
    return {
      id: "pushed",
      met: false,
      checked: true,
      message: "not a git repository: nothing can be pushed",
    };
  }
  const st = upstreamState(paths.root);
  if (st.branch === null) {
    return {
      id: "pushed",
      met: false,
      checked: true,
      message: "HEAD is detached: check out a branch (`git switch -c <name>`) and push it",
    };
  }
  if (st.upstream === null) {
    return {
      id: "pushed",
      met: false,
      checked: true,
      message: `branch ${st.branch} has no upstream: \`git push -u origin ${st.branch}\``,
    };
  }
  if (st.ahead === null) {
    return {
      id: "pushed",
      met: false,
      checked: true,
      message: `cannot compare ${st.branch} with ${st.upstream}`,
    };
  }
  if (st.ahead > 0) {
    return {
      id: "pushed",
      met: false,
      checked: true,
      message: `${plural(st.ahead, "commit")} on ${st.branch} not pushed to ${st.upstream}: \`git push\``,
    };
  }
  return { id: "pushed", met: true, checked: true, message: `${st.branch} is pushed to ${st.upstream}` };
}

function tail(text: string, lines: number): string {
  return redact(text.trimEnd().split("\n").slice(-lines).join("\n").slice(-1500));
}

/** What a tier-2 condition says without running anything (missing setup), or null when it must run. */
function precheck(id: StopCondition, input: EvalInput): ConditionResult | null {
  if (id === "tests_pass" && input.config.commands.test === undefined) {
    return {
      id,
      met: false,
      checked: true,
      message:
        "commands.test is not set in .wm/config.yaml: set it (e.g. `test: npm test`) so wm can run the tests",
    };
  }
  if (id === "spec_valid") {
    const { session, config, paths } = input;
    if (session.issue === null) {
      return {
        id,
        met: false,
        checked: true,
        message: "spec_valid needs an issue: enter the mode with --issue N",
      };
    }
    if (issueSpecs(paths, config, session.issue).length === 0) {
      return {
        id,
        met: false,
        checked: true,
        message: `no spec for issue #${session.issue} in ${config.specs.dir}/: \`wm spec new <template> --issue ${session.issue}\``,
      };
    }
  }
  return null;
}

async function testsPass(input: EvalInput): Promise<ConditionResult> {
  const r = await runTests(input);
  return { ...r, message: redact(r.message) };
}

async function runTests(input: EvalInput): Promise<ConditionResult> {
  const cmd = input.config.commands.test!;
  const timeoutMs = input.testTimeoutMs ?? TEST_TIMEOUT_MS;
  const run = await runShell(cmd, input.paths.root, { timeoutMs });
  if (run.timedOut) {
    return {
      id: "tests_pass",
      met: false,
      checked: true,
      message: `\`${cmd}\` did not finish within ${Math.round(timeoutMs / 1000)} s; wm stopped it. Make the tests finish, then try again`,
    };
  }
  if (run.code === 0)
    return { id: "tests_pass", met: true, checked: true, message: `\`${cmd}\` passed (exit 0)` };
  const why = run.error ? `could not run: ${run.error}` : `exited with ${run.code ?? "a signal"}`;
  const out = tail(run.output, 12);
  return {
    id: "tests_pass",
    met: false,
    checked: true,
    message: `\`${cmd}\` ${why}. Fix the failures and run it again${out ? `:\n${out}` : ""}`,
  };
}

/** The spec files of an issue: <specs dir>/<issue>-*.md. */
export function issueSpecs(paths: ProjectPaths, config: Config, issue: number): string[] {
  const dir = join(paths.root, config.specs.dir);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.startsWith(`${issue}-`) && n.endsWith(".md"))
    .sort()
    .map((n) => join(config.specs.dir, n));
}

async function specValid(input: EvalInput): Promise<ConditionResult> {
  const { config, paths } = input;
  const session = input.session as SessionState & { issue: number };
  const specs = issueSpecs(paths, config, session.issue);
  const checker = await loadSpecChecker();
  if (checker === null) {
    return {
      id: "spec_valid",
      met: false,
      checked: true,
      message: `spec check not available: this wm has no \`wm spec check\`, so ${specs.join(", ")} cannot be checked (the condition is never assumed to hold)`,
    };
  }
  const r = await checker(paths.root, session.issue, config.spec.min_score);
  if (r.error !== undefined) {
    return {
      id: "spec_valid",
      met: false,
      checked: true,
      message: `spec check not available: ${r.error} (the condition is never assumed to hold)`,
    };
  }
  if (r.ok) {
    return {
      id: "spec_valid",
      met: true,
      checked: true,
      message: `${r.files.map((f) => `${f.file} (score ${f.score})`).join(", ")} ${r.files.length === 1 ? "passes" : "pass"} \`wm spec check\``,
    };
  }
  const failing = r.files
    .filter((f) => f.score < config.spec.min_score || f.problems.length > 0)
    .map(
      (f) =>
        `${f.file} (score ${f.score}, needs ${config.spec.min_score})${f.problems.length ? `: ${f.problems.join("; ")}` : ""}`,
    );
  return {
    id: "spec_valid",
    met: false,
    checked: true,
    message: `the spec fails \`wm spec check\`: ${failing.join(" | ")}. Next: \`wm spec check --issue ${session.issue}\` and fix what it reports`,
  };
}

function deferred(id: StopCondition, depth: CheckDepth): ConditionResult {
  const later =
    depth === "context" || depth === "status" ? "when the session tries to end (`wm can-exit`)" : null;
  const message =
    id === "tests_pass"
      ? `not checked yet: wm runs the tests ${later ?? "once the other conditions hold"}`
      : id === "spec_valid"
        ? `not checked yet: wm checks the spec ${later ?? "once the other conditions hold"}`
        : `not checked yet: wm checks git ${later ?? "once the task conditions hold"}`;
  return { id, met: false, checked: false, message };
}

function runsTier(tier: 1 | 2, depth: CheckDepth, lowerOk: boolean): boolean {
  switch (depth) {
    case "stop":
      return lowerOk;
    case "check":
      return tier === 1 || lowerOk;
    case "status":
      return tier === 1;
    case "context":
      return false;
  }
}

export async function evaluateConditions(input: EvalInput): Promise<Evaluation> {
  const { session, mode, config, index, paths } = input;
  const wanted = effectiveConditions(mode, config);
  const found = sessionScope(index, session, mode);
  const scope = found.tasks;
  const results = new Map<StopCondition, ConditionResult>();
  let lowerOk = true;
  for (const tier of [0, 1, 2] as const) {
    const ids = wanted.filter((id) => TIER[id] === tier);
    if (ids.length === 0) continue;
    const run = tier === 0 || runsTier(tier, input.depth, lowerOk);
    for (const id of ids) {
      let r: ConditionResult;
      const pre = tier === 2 ? precheck(id, input) : null;
      if (pre !== null) r = pre;
      else if (!run) r = deferred(id, input.depth);
      else if (id === "tasks_complete") r = tasksComplete(scope, session, mode);
      else if (id === "verify_evidence") r = verifyEvidence(scope);
      else if (id === "committed") r = committed(paths, session);
      else if (id === "pushed") r = pushed(paths);
      else if (id === "tests_pass") r = await testsPass(input);
      else r = await specValid(input);
      results.set(id, r);
      if (!r.met) lowerOk = false;
    }
  }
  const conditions = wanted.map((id) => results.get(id)!);
  const unmet = conditions.filter((c) => !c.met).map((c) => c.id);
  return {
    conditions,
    ok: unmet.length === 0,
    scope,
    ready: readyInScope(index, found),
    fingerprint: progressFingerprint(scope, unmet),
  };
}
