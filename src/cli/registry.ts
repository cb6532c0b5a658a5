// The command map: names, one-line summaries and lazy loaders. Nothing heavy is imported here, so
// `wm --version` and `wm hook ...` pay only for what they use.

import type { Command } from "./command.js";

export interface Entry {
  summary: string;
  load: () => Promise<{ default: Command }>;
}

export const COMMANDS: Record<string, Entry> = {
  init: {
    summary: "set up .wm/ in this repository (idempotent, never overwrites)",
    load: () => import("./commands/init.js"),
  },
  doctor: {
    summary: "diagnose config, tasks file, git setup; --fix repairs what is safe",
    load: () => import("./commands/doctor.js"),
  },
  "tasks create": {
    summary: "create a task; prints its id",
    load: () => import("./commands/tasks-create.js"),
  },
  "tasks list": {
    summary: "list tasks, filtered by issue, status, type, parent or readiness",
    load: () => import("./commands/tasks-list.js"),
  },
  "tasks show": {
    summary: "show one task with its dependencies, dependents and blockers",
    load: () => import("./commands/tasks-show.js"),
  },
  "tasks start": {
    summary: "mark a ready task in progress",
    load: () => import("./commands/tasks-start.js"),
  },
  "tasks done": {
    summary: "mark a task done, with evidence (required for verify tasks)",
    load: () => import("./commands/tasks-done.js"),
  },
  "tasks block": {
    summary: "mark a task blocked, with the reason",
    load: () => import("./commands/tasks-block.js"),
  },
  "tasks reopen": { summary: "set a task back to pending", load: () => import("./commands/tasks-reopen.js") },
  "tasks cancel": {
    summary: "drop a task, with the reason",
    load: () => import("./commands/tasks-cancel.js"),
  },
  "tasks dep": {
    summary: "add or remove a dependency: wm tasks dep add|rm <task> <dependency>",
    load: () => import("./commands/tasks-dep.js"),
  },
  "tasks ready": {
    summary: "pending tasks whose dependencies are all done; --explain says why others wait",
    load: () => import("./commands/tasks-ready.js"),
  },
  "tasks check": {
    summary: "check the graph: cycles, dangling references, done-before-dependency",
    load: () => import("./commands/tasks-check.js"),
  },
  "tasks graph": {
    summary: "draw the dependency graph (ascii, mermaid, dot, json)",
    load: () => import("./commands/tasks-graph.js"),
  },
  "spec check": {
    summary:
      "check specs against the repository: unfilled fields, missing paths, bad commits, secrets, SQL/bash syntax",
    load: () =>
      import("./code-cache.js").then((c) =>
        c.loadWithCodeCache("spec-check", () => import("./commands/spec-check.js")),
      ),
  },
  "spec new": {
    summary: "write a planning spec from a template, filled from the issue",
    load: () =>
      import("./code-cache.js").then((c) =>
        c.loadWithCodeCache("spec-new", () => import("./commands/spec-new.js")),
      ),
  },
  "spec tasks": {
    summary: "import a spec's Task Breakdown into the task graph",
    load: () =>
      import("./code-cache.js").then((c) =>
        c.loadWithCodeCache("spec-tasks", () => import("./commands/spec-tasks.js")),
      ),
  },
  "templates list": {
    summary: "list the planning templates, built-in and project overrides",
    load: () => import("./commands/templates-list.js"),
  },
  "templates show": {
    summary: "print a planning template",
    load: () => import("./commands/templates-show.js"),
  },
  "issue create": {
    summary: "create an issue (local .wm/issues/, or GitHub); prints its number",
    load: () => import("./commands/issue-create.js"),
  },
  "issue show": { summary: "show one issue", load: () => import("./commands/issue-show.js") },
  "issue list": { summary: "list issues", load: () => import("./commands/issue-list.js") },
  "github sync": {
    summary: "mirror epics and their tasks to GitHub issues (sub-issues, blocked-by, labels), both ways",
    load: () => import("./commands/github-sync.js"),
  },
  enter: {
    summary: "put the session in a mode (planning, implementation, ...) and create its phase tasks",
    load: () => import("./commands/enter.js"),
  },
  status: {
    summary: "the session's mode, tasks, stop conditions and changed files",
    load: () => import("./commands/status.js"),
  },
  "can-exit": {
    summary: "check the session's stop conditions: exit 0 when all hold, 1 with what to do next",
    load: () => import("./commands/can-exit.js"),
  },
  exit: {
    summary: "leave the session's mode (refused while stop conditions are unmet, unless --force)",
    load: () => import("./commands/exit.js"),
  },
  modes: {
    summary: "list the session modes with their phases, stop conditions and gates",
    load: () => import("./commands/modes.js"),
  },
  prime: {
    summary: "a short context for the agent: mode, phase, ready tasks, what blocks exit",
    load: () => import("./commands/prime.js"),
  },
  hook: {
    summary: "answer a Claude Code hook event (stdin JSON); used by wm setup claude",
    load: () => import("./commands/hook.js"),
  },
  mcp: {
    summary: "run wm as a stdio MCP server (tools for tasks, specs, status, can-exit)",
    load: () => import("./commands/mcp.js"),
  },
  "merge-driver": {
    summary: "three-way merge of .wm/tasks.yaml by task id (called by git)",
    load: () => import("./commands/merge-driver.js"),
  },
  "setup claude": {
    summary: "add wm's hooks to .claude/settings.json and a section to CLAUDE.md",
    load: () => import("./commands/setup-claude.js"),
  },
  "setup git": {
    summary: "register wm's merge driver for .wm/tasks.yaml",
    load: () => import("./commands/setup-git.js"),
  },
};

/** Groups that exist only as a prefix, for `wm tasks --help`. */
export function groups(): string[] {
  return [
    ...new Set(
      Object.keys(COMMANDS)
        .filter((k) => k.includes(" "))
        .map((k) => k.split(" ")[0]!),
    ),
  ];
}
