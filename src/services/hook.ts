// `wm hook <event>`: Claude Code's hook events, answered from the session's state. This is the hot path:
// it reads the session file, the mode and config through the JSON cache, and the tasks through the index;
// YAML and zod load only when a cached file changed. It returns an answer; the CLI prints it. Every
// decision here is "no opinion" unless wm has a reason, and Stop never traps the agent (stop_hook_active,
// max_blocks, progress).

import { appendFileSync, readFileSync } from "node:fs";
import { isAbsolute, relative, resolve, sep } from "node:path";
import {
  askAnswer,
  blockAnswer,
  contextAnswer,
  denyAnswer,
  EDIT_TOOLS,
  editedPath,
  HOOK_EVENTS,
  type HookAnswer,
  type HookEvent,
  isProductionCode,
  isTestPath,
  isWithin,
  messageAnswer,
  NO_OPINION,
  tasksDoneIds,
} from "../core/claude-hooks.js";
import type { ModeDef } from "../core/modes.js";
import { redact } from "../core/redact.js";
import { addEvent, addTouched, isRuntimePath, isSessionId, type SessionState } from "../core/session.js";
import { isResolved } from "../core/task.js";
import { configFast } from "../store/config-fast.js";
import { listModeFiles, loadModeCached } from "../store/modes-store.js";
import { findProject, type ProjectPaths } from "../store/paths.js";
import { mutateSession, readSession } from "../store/sessions-store.js";
import type { TasksIndex } from "../store/tasks-index.js";
import { openTasks } from "../store/tasks-store.js";
import type { Ctx } from "./context.js";
import { evaluate, loadSessionContext, renderPrime } from "./session.js";

export type Payload = Record<string, unknown>;

export const SESSION_START_BUDGET = 1200;

function projectFor(ctx: Ctx, payload: Payload): ProjectPaths | null {
  const cwd = typeof payload.cwd === "string" && isAbsolute(payload.cwd) ? payload.cwd : ctx.cwd;
  const tries = [cwd, ctx.env.CLAUDE_PROJECT_DIR].filter(
    (d): d is string => typeof d === "string" && d !== "",
  );
  for (const dir of tries) {
    try {
      const paths = findProject(dir, ctx.env.WM_ROOT);
      return paths.uninitialised ? null : paths;
    } catch {}
  }
  return null;
}

/** Handles one hook event. Throws only on internal errors (the CLI turns those into exit 0 + one stderr line). */
export async function handleHook(ctx: Ctx, event: HookEvent, payload: Payload | null): Promise<HookAnswer> {
  if (payload === null) return { output: null, note: "no hook input on stdin: nothing to do" };
  const named = payload.hook_event_name;
  if (typeof named === "string" && named !== HOOK_EVENTS[event]) {
    return { output: null, note: `wm hook ${event} received a ${named} event; check .claude/settings.json` };
  }
  const sid = payload.session_id;
  if (typeof sid !== "string" || !isSessionId(sid)) {
    return { output: null, note: "the hook input has no usable session_id: nothing to do" };
  }
  const paths = projectFor(ctx, payload);
  if (paths === null) return NO_OPINION;
  switch (event) {
    case "session-start":
      return sessionStart(ctx, paths, sid);
    case "user-prompt-submit":
      return userPromptSubmit(ctx, paths, sid);
    case "pre-tool-use":
      return preToolUse(ctx, paths, sid, payload);
    case "post-tool-use":
      return postToolUse(ctx, paths, sid, payload);
    case "stop":
      return stop(ctx, paths, sid, payload);
    case "subagent-stop":
      // A subagent works on a part (or only reads); the session's stop conditions are the main agent's
      // to meet, so wm has no opinion here (see docs/decisions/0006-claude-code-hooks.md).
      return NO_OPINION;
    case "pre-compact":
      record(ctx, paths, sid, "compact");
      return NO_OPINION;
    case "session-end":
      record(ctx, paths, sid, "end", typeof payload.reason === "string" ? payload.reason : undefined);
      return NO_OPINION;
  }
}

function record(ctx: Ctx, paths: ProjectPaths, sid: string, event: "compact" | "end", detail?: string): void {
  if (readSession(paths, sid) === null) return;
  mutateSession(paths, sid, ctx.now(), (s) => {
    addEvent(s, detail === undefined ? { at: ctx.now(), event } : { at: ctx.now(), event, detail });
    return true;
  });
}

// ------------------------------------------------------------------------------- session start

function exportSessionToEnvFile(ctx: Ctx, sid: string): void {
  const file = ctx.env.CLAUDE_ENV_FILE;
  if (file === undefined || file === "" || !isAbsolute(file)) return;
  const line = `export WM_SESSION='${sid}'`;
  let text = "";
  try {
    text = readFileSync(file, "utf8");
  } catch {}
  if (text.split("\n").includes(line)) return;
  appendFileSync(file, `${text === "" || text.endsWith("\n") ? "" : "\n"}${line}\n`);
}

async function sessionStart(ctx: Ctx, paths: ProjectPaths, sid: string): Promise<HookAnswer> {
  try {
    exportSessionToEnvFile(ctx, sid);
  } catch {}
  const c = { ...ctx, cwd: paths.root };
  const l = await loadSessionContext(c, sid, true);
  const ev = await evaluate(c, l, "context");
  const modeNames = l.mode === null ? listModeFiles(paths).map((f) => f.name) : [];
  const text = renderPrime(l, ev, SESSION_START_BUDGET, modeNames).text;
  return contextAnswer("SessionStart", redact(text));
}

// -------------------------------------------------------------------------- user prompt submit

async function userPromptSubmit(ctx: Ctx, paths: ProjectPaths, sid: string): Promise<HookAnswer> {
  const s = readSession(paths, sid);
  if (s === null || s.mode === null) return NO_OPINION;
  if (s.stop.blocks > 0) {
    // A new prompt from the user starts a new run: the Stop hook gets its full budget of blocks again.
    mutateSession(paths, sid, ctx.now(), (x) => {
      if (x.stop.blocks === 0) return false;
      x.stop.blocks = 0;
      return true;
    });
  }
  const c = { ...ctx, cwd: paths.root };
  const l = await loadSessionContext(c, sid, true, s);
  if (l.mode === null) return NO_OPINION;
  const ev = await evaluate(c, l, "context");
  const open = (ev?.scope ?? []).filter((t) => !isResolved(t.status)).length;
  const issue = s.issue !== null ? `, issue #${s.issue}` : "";
  return contextAnswer(
    "UserPromptSubmit",
    `wm: session in the ${s.mode} mode${issue}; ${open} open task${open === 1 ? "" : "s"}. \`wm prime\` shows the plan, \`wm can-exit\` what blocks the end.`,
  );
}

// ------------------------------------------------------------------------------------- pre tool use

function relativeInside(paths: ProjectPaths, file: string, cwd: string): string | null {
  const abs = isAbsolute(file) ? file : resolve(cwd, file);
  const rel = relative(paths.root, abs);
  if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) return null;
  return sep === "/" ? rel : rel.split(sep).join("/");
}

async function preToolUse(ctx: Ctx, paths: ProjectPaths, sid: string, payload: Payload): Promise<HookAnswer> {
  const tool = payload.tool_name;
  const input = payload.tool_input as Record<string, unknown> | undefined;
  if (tool === "Bash" && typeof input?.command === "string") return doneOrderGate(paths, input.command);
  if (typeof tool !== "string" || !EDIT_TOOLS.has(tool)) return NO_OPINION;
  const file = editedPath(input);
  if (file === null) return NO_OPINION;
  const cwd = typeof payload.cwd === "string" ? payload.cwd : ctx.cwd;
  const rel = relativeInside(paths, file, cwd);
  if (rel === null) return NO_OPINION;
  const s = readSession(paths, sid);
  if (s === null || s.mode === null) return NO_OPINION;
  const mode = await loadModeCached(paths, s.mode);
  if (mode.gates.length === 0) return NO_OPINION;
  const config = await configFast(paths);
  if (mode.gates.includes("planning_writes") && config.hooks.gates.planning_writes !== "off") {
    const allowed = [config.specs.dir, config.specs.research_dir, ".wm"];
    if (!allowed.some((d) => isWithin(rel, d))) {
      const reason =
        `wm: this session is in the ${mode.name} mode${s.issue !== null ? ` (issue #${s.issue})` : ""}, which writes only to ` +
        `${allowed.map((d) => `${d}/`).join(", ")}; ${rel} is outside them. Put what you found in the spec or ` +
        "research notes; code changes belong to an implementation session (`wm exit`, then `wm enter implementation --issue N`). " +
        "This gate is hooks.gates.planning_writes in .wm/config.yaml.";
      return config.hooks.gates.planning_writes === "ask" ? askAnswer(reason) : denyAnswer(reason);
    }
  }
  if (mode.gates.includes("test_first") && config.hooks.gates.test_first !== "off") {
    if (isProductionCode(rel) && !s.touched.some(isTestPath)) {
      const text =
        `wm: ${rel} is production code and this ${mode.name} session has not changed a test yet. ` +
        "Write or update the test that shows the change first, then the code. " +
        "(hooks.gates.test_first in .wm/config.yaml: warn, ask or off.)";
      return config.hooks.gates.test_first === "ask" ? askAnswer(text) : contextAnswer("PreToolUse", text);
    }
  }
  return NO_OPINION;
}

/** Line k of a newline-joined column, without splitting all of it. */
function lineAt(text: string, k: number): string {
  let start = 0;
  for (let i = 0; i < k; i++) {
    const nl = text.indexOf("\n", start);
    if (nl < 0) return "";
    start = nl + 1;
  }
  const end = text.indexOf("\n", start);
  return end < 0 ? text.slice(start) : text.slice(start, end);
}

/** resolveId over the index's ids, without splitting all of them: the id, or null when unknown or ambiguous. */
function resolveIn(index: TasksIndex, input: string): string | null {
  const wanted = input.trim().toLowerCase();
  if (wanted === "") return null;
  if (index.positionOf(wanted) >= 0) return wanted;
  const matches = index.idsStartingWith(wanted);
  return matches.length === 1 ? matches[0]! : null;
}

async function doneOrderGate(paths: ProjectPaths, command: string): Promise<HookAnswer> {
  const wanted = tasksDoneIds(command);
  if (wanted.length === 0) return NO_OPINION;
  const index = await openTasks(paths);
  const graph = index.view();
  const deps = index.columns().deps;
  const problems: string[] = [];
  for (const input of wanted) {
    // Unknown or ambiguous: `wm tasks done` itself reports it.
    const id = resolveIn(index, input);
    if (id === null) continue;
    const mine = lineAt(deps, index.positionOf(id));
    const open: number[] = [];
    for (const d of mine === "" ? [] : mine.split(",")) {
      const k = index.positionOf(d);
      if (k >= 0 && !isResolved(graph.status(k))) open.push(k);
    }
    if (open.length === 0) continue;
    const shown = index.tasks(open).map((t) => `${t.id} (${t.status}) ${t.title}`);
    problems.push(
      `${id} depends on ${open.length === 1 ? "a task" : "tasks"} still open: ${shown.join("; ")}`,
    );
  }
  if (problems.length === 0) return NO_OPINION;
  return denyAnswer(
    `wm: out of dependency order: ${problems.join(" | ")}. Finish those first (\`wm tasks ready\` lists what can be done now).`,
  );
}

// ------------------------------------------------------------------------------------ post tool use

async function postToolUse(
  ctx: Ctx,
  paths: ProjectPaths,
  sid: string,
  payload: Payload,
): Promise<HookAnswer> {
  const tool = payload.tool_name;
  if (typeof tool !== "string" || !EDIT_TOOLS.has(tool)) return NO_OPINION;
  const file = editedPath(payload.tool_input);
  if (file === null) return NO_OPINION;
  const cwd = typeof payload.cwd === "string" ? payload.cwd : ctx.cwd;
  const rel = relativeInside(paths, file, cwd);
  if (rel === null || isRuntimePath(rel)) return NO_OPINION;
  const s = readSession(paths, sid);
  if (s?.touched.includes(rel)) return NO_OPINION;
  mutateSession(paths, sid, ctx.now(), (x) => addTouched(x, [rel]));
  return NO_OPINION;
}

// ------------------------------------------------------------------------------------------- stop

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

async function stop(ctx: Ctx, paths: ProjectPaths, sid: string, payload: Payload): Promise<HookAnswer> {
  const first = readSession(paths, sid);
  if (first === null || first.mode === null) return NO_OPINION;
  const c = { ...ctx, cwd: paths.root };
  const l = await loadSessionContext(c, sid, true, first);
  if (l.mode === null) return NO_OPINION;
  const ev = (await evaluate(c, l, "stop"))!;
  const now = ctx.now();
  if (ev.ok) {
    if (l.session.stop.blocks > 0 || l.session.stop.fingerprint !== null) {
      mutateSession(paths, sid, now, (s) => {
        s.stop = { blocks: 0, fingerprint: null };
        addEvent(s, { at: now, event: "allow", mode: l.mode!.name, detail: "all stop conditions hold" });
        return true;
      });
    }
    return NO_OPINION;
  }
  const max = l.config.hooks.stop.max_blocks;
  const unmet = ev.conditions.filter((x) => !x.met);
  const list = unmet.map((x) => `- ${x.id}: ${x.message}`).join("\n");
  const progressed = l.session.stop.fingerprint !== ev.fingerprint;
  const blocks = progressed ? 0 : l.session.stop.blocks;
  const active = payload.stop_hook_active === true;
  let release: string | null = null;
  if (active && !progressed) {
    release = "it was already sent back once and nothing changed since (stop_hook_active)";
  } else if (blocks >= max) {
    release = `it was blocked ${plural(blocks, "time")} in a row without progress (hooks.stop.max_blocks = ${max})`;
  }
  if (release !== null) {
    const detail = `${release}; unmet: ${unmet.map((x) => x.id).join(", ")}`;
    const last = l.session.history.at(-1);
    // The same release again (nothing changed since): recorded once.
    if (last?.event !== "release" || last.detail !== detail) {
      mutateSession(paths, sid, now, (s) => {
        addEvent(s, { at: now, event: "release", mode: l.mode!.name, detail });
        return true;
      });
    }
    return messageAnswer(
      redact(
        `wm: letting the ${l.mode.name} session stop although ${plural(unmet.length, "stop condition")} ` +
          `${unmet.length === 1 ? "is" : "are"} unmet, because ${release}. Still to do:\n${list}\n` +
          "Run `wm can-exit` to see them again; this release is recorded in the session.",
      ),
    );
  }
  const n = blocks + 1;
  mutateSession(paths, sid, now, (s) => {
    s.stop = { blocks: n, fingerprint: ev.fingerprint };
    addEvent(s, { at: now, event: "block", mode: l.mode!.name, detail: unmet.map((x) => x.id).join(", ") });
    return true;
  });
  const bg = Array.isArray(payload.background_tasks) && payload.background_tasks.length > 0;
  return blockAnswer(redact(blockReason(l.mode, l.session, list, n, max, bg)));
}

function blockReason(
  mode: ModeDef,
  s: SessionState,
  list: string,
  n: number,
  max: number,
  background: boolean,
): string {
  const issue = s.issue !== null ? ` (issue #${s.issue})` : "";
  const lines = [`wm: the ${mode.name} session${issue} cannot end yet:`, list];
  if (background) {
    lines.push(
      "Background tasks are still running; wm does not wait for them. If they are doing this work, say so and stop.",
    );
  }
  lines.push(
    `Do what each line says. If the plan no longer fits, change it (wm tasks cancel/create) or tell the user. ` +
      `(Stop block ${n}; after ${max} in a row without progress wm lets the session end.)`,
  );
  return lines.join("\n");
}
