// A spec's Task Breakdown -> tasks: reading its `wm tasks create ...` lines exactly as the CLI would, and
// planning them into the task graph. Pure; `wm spec tasks` (src/services/spec-tasks.ts) runs it inside
// the tasks file lock.
//
// The dependency rule (docs/decisions/0007-spec-tasks-dependencies.md):
//   - the breakdown's epic is the parent of every other task;
//   - a `# Phase N: Name` comment starts a phase; within a phase the tasks form a chain in the order written;
//   - the first task of a phase depends on the exit of the previous phase: its last task, except that
//   - a phase of two or more tasks that are all verify tasks is a gate with checks: its first task is the
//     gate (it follows the previous phase), the others each depend on the gate and run in parallel, and the
//     next phase follows the gate;
//   - a line with its own --depends-on keeps exactly what it says (titles of lines of the same breakdown, or
//     task ids), and --parent likewise.
// A task is identified by (issue, title): importing again keeps or updates the tasks it made before.

import { parseArgs } from "node:util";
import { RuleError, UsageError, WmError } from "./errors.js";
import { findCycles, indexTasks } from "./graph.js";
import { resolveId } from "./ids.js";
import { type ShellCommand, ShellSyntaxError, splitShell } from "./shell-words.js";
import type { SpecModel } from "./spec/model.js";
import { canonicalTask, isOpen, type Task, type TaskFile, type TaskType } from "./task.js";

/** The CLI's own value rules for `wm tasks create`, handed in so that core does not import the CLI. */
export interface CreateArgRules {
  /** The option table of `wm tasks create` (src/core/task-options.ts) plus the output-only global flags. */
  options: Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }>;
  /** Throws (a WmError saying why) for an unknown type. */
  parseType(value: string): TaskType;
  /** Throws (a WmError saying why) for a value that is not an issue number. */
  parseIssue(value: string): number;
}

export interface BreakdownBlock {
  /** The code block's content. */
  value: string;
  /** 1-based line of its first content line in the spec. */
  line: number;
}

export interface BreakdownLine {
  /** 1-based line in the spec. */
  line: number;
  title: string;
  type: TaskType;
  /** From --issue. */
  issue: number | null;
  /** --depends-on as written (split at commas), or null when the line has none. */
  dependsOn: string[] | null;
  /** --parent as written, or null. */
  parent: string | null;
  /** --phase, else the label of the phase comment above (`# Phase 1: ...` -> "p1"), else null. */
  phase: string | null;
  /** Which phase comment the line is under: 0 before the first one, then 1, 2, ... in order. */
  group: number;
  description?: string;
  session?: string;
}

export interface Breakdown {
  file: string;
  /** The issue of the spec (or of its lines when the spec names none). */
  issue: number | null;
  lines: BreakdownLine[];
}

const SHELL_LANGS = new Set(["bash", "sh", "shell", "zsh", "console"]);

/**
 * The shell code blocks of a parsed spec's "Task Breakdown" section (the first section whose heading says
 * so, subsections included), or null when there is no such section. `line` is the heading's line.
 */
export function breakdownBlocks(model: SpecModel): { line: number; blocks: BreakdownBlock[] } | null {
  const section = model.sections.find((s) => /\btask\s+breakdown\b/i.test(s.title));
  if (section === undefined) return null;
  const blocks = model.codeBlocks
    .filter((b) => b.offset >= section.offset && b.offset < section.end && SHELL_LANGS.has(b.lang ?? ""))
    .map((b) => ({ value: b.value, line: b.contentLine }));
  return { line: model.at(section.offset).line, blocks };
}

/** How a line may call wm. */
const LAUNCHERS: ReadonlyArray<readonly string[]> = [
  ["wm"],
  ["pnpm", "wm"],
  ["pnpm", "exec", "wm"],
  ["npx", "wm"],
  ["yarn", "wm"],
];

const PHASE = /^phase\s+([0-9]+|[A-Za-z][\w-]*)(?:\s*[:.\-–—]\s*|\s+|$)(.*)$/i;
const VARIABLE = /\{\{\s*[^{}]*?\s*\}\}/g;

/** The words after the launcher, or null when the command does not start with one. */
function afterLauncher(words: readonly string[]): string[] | null {
  for (const l of LAUNCHERS) {
    if (l.every((w, i) => words[i] === w)) return words.slice(l.length);
  }
  return null;
}

function mentionsCreate(words: readonly string[]): boolean {
  return words.some((w, i) => /(^|[^\w-])tasks$/.test(w) && words[i + 1] === "create");
}

/** The label a phase comment gives its tasks: "Phase 1: Preparation" -> "p1", "Phase BASELINE" -> "BASELINE". */
export function phaseLabel(comment: string): string | null {
  const m = PHASE.exec(comment.trim());
  if (!m) return null;
  return /^[0-9]+$/.test(m[1]!) ? `p${Number(m[1])}` : m[1]!;
}

function lineError(file: string, line: number, message: string, rule: string, hint?: string): UsageError {
  return new UsageError(`${file}:${line}: ${message}`, hint === undefined ? { rule } : { rule, hint });
}

function parseCreate(
  file: string,
  line: number,
  args: string[],
  rules: CreateArgRules,
): Omit<BreakdownLine, "phase" | "group"> & { phase: string | null } {
  let values: Record<string, string | boolean | Array<string | boolean> | undefined>;
  try {
    ({ values } = parseArgs({ args, options: rules.options, strict: true, allowPositionals: false }));
  } catch (e) {
    const msg = (e as Error).message.replace(/\. To specify a positional argument.*$/s, "");
    throw lineError(
      file,
      line,
      `wm tasks create: ${msg}`,
      "spec-tasks/bad-line",
      "see `wm tasks create --help`",
    );
  }
  const s = (k: string) => (typeof values[k] === "string" ? (values[k] as string) : undefined);
  const title = (s("title") ?? "").trim();
  if (title === "") {
    throw lineError(file, line, "wm tasks create: --title is required", "spec-tasks/bad-line");
  }
  const wrap = (f: () => unknown) => {
    try {
      return f();
    } catch (e) {
      if (e instanceof WmError)
        throw lineError(file, line, e.message, e.rule ?? "spec-tasks/bad-line", e.hint);
      throw e;
    }
  };
  const type = wrap(() => rules.parseType(s("type") ?? "task")) as TaskType;
  const issueText = s("issue");
  const issue = issueText === undefined ? null : (wrap(() => rules.parseIssue(issueText)) as number);
  const dep = values["depends-on"];
  const dependsOn =
    dep === undefined
      ? null
      : (Array.isArray(dep) ? dep : [dep])
          .map(String)
          .flatMap((v) => v.split(","))
          .map((v) => v.trim())
          .filter((v) => v !== "");
  const out: Omit<BreakdownLine, "phase" | "group"> & { phase: string | null } = {
    line,
    title,
    type,
    issue,
    dependsOn,
    parent: s("parent")?.trim() || null,
    phase: s("phase")?.trim() || null,
  };
  const description = s("description");
  if (description) out.description = description;
  const session = s("session");
  if (session) out.session = session;
  return out;
}

/**
 * Reads the `wm tasks create` lines of the breakdown's bash blocks, in order, with their phases. Other
 * commands (`wm tasks list ...`, `echo ...`) are skipped. Refuses (UsageError naming file:line) a line that
 * still holds a `{{variable}}`, names another issue than the spec's, does not parse with the CLI's rules,
 * uses shell expansions, or runs `tasks create` in a way other than a plain command; and two lines with the
 * same title, or more than one epic.
 */
export function readBreakdown(
  file: string,
  blocks: readonly BreakdownBlock[],
  specIssue: number | null,
  rules: CreateArgRules,
): Breakdown {
  const lines: BreakdownLine[] = [];
  let group = 0;
  let phase: string | null = null;
  let issue = specIssue;
  let issueLine: number | null = null;
  for (const block of blocks) {
    let commands: ShellCommand[];
    try {
      commands = splitShell(block.value);
    } catch (e) {
      if (e instanceof ShellSyntaxError) {
        throw lineError(
          file,
          block.line + e.line - 1,
          `cannot read this shell line: ${e.message}`,
          "spec-tasks/bad-line",
        );
      }
      throw e;
    }
    for (const cmd of commands) {
      const line = block.line + cmd.line - 1;
      if (cmd.words.length === 0) {
        const label = cmd.comment === null ? null : phaseLabel(cmd.comment);
        if (label !== null) {
          group++;
          phase = label;
        }
        continue;
      }
      const rest = afterLauncher(cmd.words);
      const isCreate = rest !== null && rest[0] === "tasks" && rest[1] === "create";
      if (!isCreate) {
        if (mentionsCreate(cmd.words)) {
          throw lineError(
            file,
            line,
            "only plain `wm tasks create ...` lines can be imported (one command per line, no assignment or substitution)",
            "spec-tasks/bad-line",
            "write the line as `wm tasks create --title=... --type=... --issue=N`",
          );
        }
        continue;
      }
      const vars = [...new Set(cmd.raw.match(VARIABLE) ?? [])];
      if (vars.length > 0) {
        throw lineError(
          file,
          line,
          `the breakdown still has template variable${vars.length > 1 ? "s" : ""} ${vars.join(", ")}`,
          "spec-tasks/template-variable",
          "fill them first (`wm spec new` fills {{ISSUE}} and {{FEATURE_TITLE}}); `wm spec check` lists what is left",
        );
      }
      if (cmd.unsupported !== null) {
        throw lineError(file, line, cmd.unsupported.message, "spec-tasks/bad-line");
      }
      const parsed = parseCreate(file, line, rest!.slice(2), rules);
      if (parsed.issue !== null) {
        if (issue === null) {
          issue = parsed.issue;
          issueLine = line;
        } else if (parsed.issue !== issue) {
          const of = specIssue !== null ? "the spec's issue" : `the issue of line ${issueLine}`;
          throw lineError(
            file,
            line,
            `--issue=${parsed.issue} differs from ${of} (#${issue})`,
            "spec-tasks/issue-mismatch",
            `a spec's tasks belong to its issue: use --issue=${issue}`,
          );
        }
      }
      const dup = lines.find((l) => l.title === parsed.title);
      if (dup) {
        throw lineError(
          file,
          line,
          `the title "${parsed.title}" is already used on line ${dup.line}; a task is known by its issue and title`,
          "spec-tasks/duplicate-title",
          "give each task its own title",
        );
      }
      if (parsed.type === "epic") {
        const other = lines.find((l) => l.type === "epic");
        if (other) {
          throw lineError(
            file,
            line,
            `a second epic (the first is on line ${other.line}); a breakdown has one epic, the parent of the rest`,
            "spec-tasks/epics",
            "make this one another type, or plan it in its own spec",
          );
        }
      }
      lines.push({ ...parsed, phase: parsed.phase ?? phase, group });
    }
  }
  return { file, issue, lines };
}

// ---------------------------------------------------------------------------------------------------
// Planning

/** What the rule makes of each line, before ids exist: references are line indices or existing task ids. */
export type PlanRef = { line: number } | { id: string };

export interface PlannedLine {
  source: BreakdownLine;
  /** The existing task it is, when there is one. */
  existing: Task | null;
  /** undefined: leave the existing parent as it is (no epic anywhere); null: no parent. */
  parent: PlanRef | null | undefined;
  dependsOn: PlanRef[];
}

function sameTitle(a: string, b: string): boolean {
  const strip = (s: string) =>
    s
      .replace(/^(gh)?#\d+:\s*/i, "")
      .trim()
      .toLowerCase();
  return a.trim().toLowerCase() === b.trim().toLowerCase() || strip(a) === strip(b);
}

function resolveRef(
  bd: Breakdown,
  at: BreakdownLine,
  value: string,
  ids: readonly string[],
  what: "--depends-on" | "--parent",
): PlanRef {
  const exact = bd.lines.findIndex((l) => l.title === value);
  if (exact >= 0) return { line: exact };
  const loose = bd.lines.flatMap((l, i) => (sameTitle(l.title, value) ? [i] : []));
  if (loose.length === 1) return { line: loose[0]! };
  if (loose.length > 1) {
    throw lineError(
      bd.file,
      at.line,
      `${what} "${value}" matches several lines: ${loose.map((i) => bd.lines[i]!.line).join(", ")}`,
      "spec-tasks/unknown-dependency",
      "write the whole title",
    );
  }
  try {
    return { id: resolveId(ids, value) };
  } catch (e) {
    const reason = e instanceof WmError && e.rule === "task/ambiguous-id" ? `: ${e.message}` : "";
    throw lineError(
      bd.file,
      at.line,
      `${what} "${value}" names no line of this breakdown and no task${reason}`,
      "spec-tasks/unknown-dependency",
      "name an earlier line by its title, or a task by its id",
    );
  }
}

/** The existing task a line is: same issue and title; an open one before a cancelled one, then the oldest. */
function match(tasks: readonly Task[], title: string, issue: number | null): Task | null {
  const same = tasks.filter((t) => t.title === title && (t.issue ?? null) === issue);
  return same.find((t) => t.status !== "cancelled") ?? same[0] ?? null;
}

/** Applies the dependency rule to the lines (see the head of this file). */
export function planBreakdown(bd: Breakdown, existing: readonly Task[]): PlannedLine[] {
  const ids = existing.map((t) => t.id);
  const issueOf = (l: BreakdownLine) => l.issue ?? bd.issue;
  const epicAt = bd.lines.findIndex((l) => l.type === "epic");
  let defaultParent: PlanRef | undefined;
  if (epicAt >= 0) defaultParent = { line: epicAt };
  else if (bd.issue !== null) {
    const epics = existing.filter((t) => t.type === "epic" && t.issue === bd.issue && isOpen(t.status));
    if (epics.length === 1) defaultParent = { id: epics[0]!.id };
  }

  const defaults = new Map<number, PlanRef[]>();
  let exit: number | null = null;
  const groups = new Map<number, number[]>();
  bd.lines.forEach((l, i) => {
    if (l.type === "epic") return;
    const g = groups.get(l.group);
    if (g) g.push(i);
    else groups.set(l.group, [i]);
  });
  for (const members of [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([, m]) => m)) {
    const gate = members.length >= 2 && members.every((i) => bd.lines[i]!.type === "verify");
    members.forEach((i, k) => {
      let dep: number | null;
      if (k === 0) dep = exit;
      else dep = gate ? members[0]! : members[k - 1]!;
      defaults.set(i, dep === null ? [] : [{ line: dep }]);
    });
    exit = gate ? members[0]! : members[members.length - 1]!;
  }

  return bd.lines.map((l, i) => {
    let parent: PlanRef | null | undefined;
    if (l.parent !== null) {
      parent = l.parent.toLowerCase() === "none" ? null : resolveRef(bd, l, l.parent, ids, "--parent");
    } else if (l.type === "epic") parent = undefined;
    else parent = defaultParent;
    const dependsOn =
      l.dependsOn === null
        ? (defaults.get(i) ?? [])
        : l.dependsOn.map((v) => resolveRef(bd, l, v, ids, "--depends-on"));
    for (const d of dependsOn) {
      if ("line" in d && d.line === i) {
        throw lineError(bd.file, l.line, "a task cannot depend on itself", "spec-tasks/cycle");
      }
    }
    if (parent && "line" in parent && parent.line === i) {
      throw lineError(bd.file, l.line, "a task cannot be its own parent", "spec-tasks/cycle");
    }
    return { source: l, existing: match(existing, l.title, issueOf(l)), parent, dependsOn };
  });
}

// ---------------------------------------------------------------------------------------------------
// Applying

export type ImportAction = "create" | "update" | "keep";

export interface ImportedTask {
  /** 1-based line of the spec. */
  line: number;
  action: ImportAction;
  /** For an update: the fields that changed (phase, parent, depends_on, spec). */
  changes: string[];
  task: Task;
}

export interface ApplyOptions {
  /** Repository-relative path of the spec, stored in each task's `spec`. */
  spec: string;
  /** ISO 8601 now. Created tasks get now + k ms (k = their order) so the file lists them in breakdown order. */
  now: string;
  /** A fresh id not in use (the caller checks against the file). */
  newId: (taken: (id: string) => boolean) => string;
}

function plusMs(iso: string, k: number): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) || k === 0 ? iso : new Date(t + k).toISOString();
}

const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Puts the planned lines into `file` (changing it in place): creates the new tasks, and updates the phase,
 * parent, dependencies and spec link of the ones that exist. An existing task keeps its dependencies on
 * tasks outside this breakdown (added by hand with `wm tasks dep add`); its dependencies among the
 * breakdown's tasks become what the spec says. Status, type, evidence and titles are never changed.
 * Throws a RuleError, with the file left as it was, when the result would have a cycle.
 */
export function applyBreakdown(
  bd: Breakdown,
  planned: readonly PlannedLine[],
  file: TaskFile,
  opts: ApplyOptions,
): ImportedTask[] {
  const before = structuredClone(file.tasks);
  const taken = new Set(file.tasks.map((t) => t.id));
  const idOf: string[] = planned.map((p) => {
    if (p.existing) return p.existing.id;
    const id = opts.newId((x) => taken.has(x));
    taken.add(id);
    return id;
  });
  const ref = (r: PlanRef) => ("line" in r ? idOf[r.line]! : r.id);
  const mine = new Set(idOf);
  const out: ImportedTask[] = [];
  let created = 0;
  planned.forEach((p, i) => {
    const l = p.source;
    const deps = [...new Set(p.dependsOn.map(ref))];
    const parent = p.parent === undefined ? undefined : p.parent === null ? null : ref(p.parent);
    if (p.existing === null) {
      const at = plusMs(opts.now, created++);
      const task: Task = {
        id: idOf[i]!,
        title: l.title,
        type: l.type,
        status: "pending",
        depends_on: deps,
        created: at,
        updated: at,
      };
      const issue = l.issue ?? bd.issue;
      if (issue !== null) task.issue = issue;
      if (parent) task.parent = parent;
      if (l.phase !== null) task.phase = l.phase;
      if (l.session) task.session = l.session;
      task.spec = opts.spec;
      if (l.description) task.description = l.description;
      const t = canonicalTask(task);
      file.tasks.push(t);
      out.push({ line: l.line, action: "create", changes: [], task: t });
      return;
    }
    const task = file.tasks.find((t) => t.id === p.existing!.id)!;
    const changes: string[] = [];
    if (l.phase !== null && task.phase !== l.phase) {
      task.phase = l.phase;
      changes.push("phase");
    }
    if (parent !== undefined && (task.parent ?? null) !== parent) {
      if (parent === null) delete task.parent;
      else task.parent = parent;
      changes.push("parent");
    }
    const kept = task.depends_on.filter((d) => !mine.has(d) && !deps.includes(d));
    const nextDeps = [...deps, ...kept];
    if (!sameList(task.depends_on, nextDeps)) {
      task.depends_on = nextDeps;
      changes.push("depends_on");
    }
    if (task.spec !== opts.spec) {
      task.spec = opts.spec;
      changes.push("spec");
    }
    if (changes.length > 0) task.updated = opts.now;
    const t = canonicalTask(task);
    Object.assign(task, t);
    out.push({ line: l.line, action: changes.length > 0 ? "update" : "keep", changes, task: t });
  });
  const cycles = findCycles(indexTasks(file.tasks)).filter((c) => c.some((id) => mine.has(id)));
  if (cycles.length > 0) {
    const byId = new Map(file.tasks.map((t) => [t.id, t]));
    const path = cycles[0]!.map((id) => `"${byId.get(id)?.title ?? id}"`).join(" waits for ");
    file.tasks = before;
    throw new RuleError("task/cycle", `${bd.file}: the breakdown's dependencies form a cycle: ${path}`, {
      hint: "a --depends-on names a later task (or a task that depends on this one); name an earlier one",
      details: { cycle: cycles[0] },
    });
  }
  return out;
}
