// The MCP tools: each one a zod input shape built on the CLI's own rules (the task types and statuses of
// src/core/task.ts, the flags of src/core/task-options.ts, parseIssue of src/services/tasks.ts) and a call to
// the same service the CLI command makes. A tool returns the `data` that `wm <command> --json` prints.
// Descriptions stay short on purpose: every tool costs the agent context on every turn.

import { z } from "zod";
import { WmError } from "../core/errors.js";
import { buildGraph, GRAPH_FORMATS, renderGraph } from "../core/graph-render.js";
import { TASK_STATUSES, TASK_TYPES } from "../core/task.js";
import { TASKS_CREATE_OPTIONS } from "../core/task-options.js";
import type { Ctx } from "../services/context.js";
import { canExit, resolveSessionId, sessionStatus } from "../services/session.js";
import { checkSpecs, type SpecCheckOptions } from "../services/spec-check.js";
import { specNew, specNewData } from "../services/spec-new.js";
import {
  allTasks,
  blockTask,
  type CreateInput,
  cancelTask,
  createTask,
  doneTask,
  filterTasks,
  type ListFilter,
  listTasks,
  parseIssue,
  ready,
  reopenTask,
  startTask,
} from "../services/tasks.js";

/** A zod refinement that runs one of the CLI's parse rules and reports its message as the issue. */
function cliRule<T>(parse: (value: T) => unknown) {
  return (value: T, check: z.core.$RefinementCtx<T>) => {
    try {
      parse(value);
    } catch (err) {
      if (!(err instanceof WmError)) throw err;
      check.addIssue({ code: "custom", message: err.message.replace(/^--issue/, "issue") });
    }
  };
}

const issue = z
  .union([z.number(), z.string()])
  .superRefine(cliRule(parseIssue))
  .describe('issue number (239 or "#239")');
const taskId = z.string().trim().min(1).describe("task id or unique prefix");
const session = z
  .string()
  .optional()
  .describe("agent session id (default: WM_SESSION, CLAUDE_CODE_SESSION_ID)");
const flag = (name: string) => TASKS_CREATE_OPTIONS[name]!.description;

export const UPDATE_ACTIONS = ["start", "done", "block", "reopen", "cancel"] as const;

export interface ToolDef {
  name: string;
  description: string;
  shape: z.ZodRawShape;
  /** Extra checks across fields, run after the shape (the SDK validates the shape itself). */
  refine?: (args: Record<string, unknown>) => string | null;
  run: (ctx: Ctx, args: Record<string, unknown>) => Promise<unknown>;
}

// biome-ignore lint/suspicious/noExplicitAny: each tool's args are typed by its own zod shape
type Args = Record<string, any>;

export const TOOLS: ToolDef[] = [
  {
    name: "tasks_list",
    description: "List tasks, filtered. Returns task objects.",
    shape: {
      issue: issue.optional(),
      status: z.array(z.enum(TASK_STATUSES)).optional(),
      type: z.array(z.enum(TASK_TYPES)).optional(),
      parent: z.string().optional().describe("only children of this epic"),
      ready: z.boolean().optional().describe("only tasks ready to start"),
      session: z.string().optional().describe("only tasks of this session"),
    },
    run: (ctx, a: Args) => {
      const filter: ListFilter = { ready: a.ready === true };
      if (a.issue !== undefined) filter.issue = a.issue;
      if (a.status) filter.status = a.status;
      if (a.type) filter.type = a.type;
      if (a.parent !== undefined) filter.parent = a.parent;
      if (a.session !== undefined) filter.session = a.session;
      return listTasks(ctx, filter);
    },
  },
  {
    name: "tasks_ready",
    description: "Pending tasks whose dependencies are done. explain: also why the others wait.",
    shape: { issue: issue.optional(), explain: z.boolean().optional() },
    run: (ctx, a: Args) => {
      const opts: Parameters<typeof ready>[1] = { explain: a.explain === true };
      if (a.issue !== undefined) opts.issue = a.issue;
      return ready(ctx, opts);
    },
  },
  {
    name: "tasks_create",
    description: "Create a task. Returns it (with its id).",
    shape: {
      title: z.string().trim().min(1).describe(flag("title")),
      type: z.enum(TASK_TYPES).default("task"),
      issue: issue.optional(),
      depends_on: z.array(taskId).optional().describe(flag("depends-on")),
      parent: z.string().optional().describe(flag("parent")),
      phase: z.string().optional().describe(flag("phase")),
      description: z.string().optional(),
      session: z.string().optional().describe(flag("session")),
    },
    run: (ctx, a: Args) => {
      const input: CreateInput = { title: a.title, type: a.type };
      if (a.issue !== undefined) input.issue = a.issue;
      if (a.depends_on) input.dependsOn = a.depends_on;
      for (const k of ["parent", "phase", "description", "session"] as const) {
        if (a[k] !== undefined) input[k] = a[k];
      }
      return createTask(ctx, input);
    },
  },
  {
    name: "tasks_update",
    description:
      "Change a task's status: start, done (evidence required for verify tasks), block or cancel (reason required), reopen.",
    shape: {
      id: taskId,
      action: z.enum(UPDATE_ACTIONS),
      evidence: z.string().optional().describe("done: what shows it is done"),
      reason: z.string().optional().describe("block/cancel: why"),
      force: z.boolean().optional().describe("start/done although dependencies are open"),
      session,
    },
    refine: (a: Args) => {
      if ((a.action === "block" || a.action === "cancel") && !a.reason?.trim())
        return `reason is required to ${a.action} a task`;
      if (a.evidence !== undefined && a.action !== "done") return "evidence goes with action done";
      if (a.reason !== undefined && a.action !== "block" && a.action !== "cancel")
        return "reason goes with action block or cancel";
      if (a.force && a.action !== "start" && a.action !== "done") return "force goes with start or done";
      return null;
    },
    run: async (ctx, a: Args) => {
      const opts: { force: boolean; session?: string; evidence?: string } = { force: a.force === true };
      if (a.session !== undefined) opts.session = a.session;
      switch (a.action as (typeof UPDATE_ACTIONS)[number]) {
        case "start":
          return startTask(ctx, a.id, opts);
        case "done":
          if (a.evidence !== undefined) opts.evidence = a.evidence;
          return doneTask(ctx, a.id, opts);
        case "block":
          return blockTask(ctx, a.id, a.reason);
        case "cancel":
          return cancelTask(ctx, a.id, a.reason);
        case "reopen":
          return reopenTask(ctx, a.id);
      }
    },
  },
  {
    name: "tasks_graph",
    description: "The dependency graph as ascii (default), mermaid, dot or json.",
    shape: { issue: issue.optional(), format: z.enum(GRAPH_FORMATS).default("ascii") },
    run: async (ctx, a: Args) => {
      const file = await allTasks(ctx);
      const graph = buildGraph(
        filterTasks(file, a.issue === undefined ? {} : { issue: a.issue }),
        file.tasks,
      );
      return a.format === "json" ? graph : renderGraph(graph, a.format);
    },
  },
  {
    name: "spec_check",
    description:
      "Check planning specs against the repo. No files/issue: all specs. ok false = findings to fix.",
    shape: {
      files: z.array(z.string().min(1)).optional().describe("spec paths, relative to the repo"),
      issue: issue.optional(),
      min_score: z.number().int().min(0).max(100).optional().describe("completeness gate (default 75)"),
      no_cache: z.boolean().optional().describe("ignore .wm/cache (same results, slower)"),
    },
    run: async (ctx, a: Args) => {
      const options: SpecCheckOptions = { files: a.files ?? [] };
      if (a.issue !== undefined) options.issue = String(a.issue);
      if (a.min_score !== undefined) options.minScore = a.min_score;
      if (a.no_cache === true) options.noCache = true;
      const r = await checkSpecs(ctx, options);
      return {
        ok: r.ok,
        files: r.files,
        minScore: r.minScore,
      };
    },
  },
  {
    name: "spec_new",
    description: "Write a planning spec from a template, filled from the issue. Returns its path.",
    shape: {
      template: z.string().trim().min(1).describe("e.g. infrastructure, feature, research"),
      issue,
      title: z.string().optional().describe("default: the issue's title"),
      slug: z.string().optional(),
      force: z.boolean().optional().describe("overwrite an existing file"),
      dry_run: z.boolean().optional(),
    },
    run: async (ctx, a: Args) => {
      const input: Parameters<typeof specNew>[1] = {
        template: a.template,
        issue: a.issue,
        force: a.force === true,
        dryRun: a.dry_run === true,
        notify: (line) => process.stderr.write(`wm mcp: ${line}\n`),
      };
      if (a.title !== undefined) input.title = a.title;
      if (a.slug !== undefined) input.slug = a.slug;
      return specNewData(await specNew(ctx, input));
    },
  },
  {
    name: "status",
    description: "The session's mode, tasks, stop conditions and changed files.",
    shape: { session },
    run: (ctx, a: Args) => sessionStatus(ctx, resolveSessionId(ctx, a.session)),
  },
  {
    name: "can_exit",
    description:
      "Check the session's stop conditions (may run tests and spec check). ok false = what is left.",
    shape: { session },
    run: async (ctx, a: Args) => {
      const v = await canExit(ctx, resolveSessionId(ctx, a.session));
      return { session: v.session, mode: v.mode, issue: v.issue, ok: v.ok, conditions: v.conditions };
    },
  },
];
