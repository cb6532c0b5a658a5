// Session modes: the resolved shape of a mode template, the frontmatter split, and the phase-task plan
// `wm enter` creates. Pure. A mode file is templates/modes/<name>.md (built in) or .wm/modes/<name>.md
// (project): YAML frontmatter (validated by src/core/mode-schema.ts, loaded lazily) and a short body of
// guidance shown at session start and by `wm prime`.

import type { Config, StopCondition } from "./config-defaults.js";
import type { TaskType } from "./task.js";

/** The hook gates a mode can switch on; each one's strength comes from config hooks.gates.<name>. */
export const MODE_GATES = ["planning_writes", "test_first"] as const;
export type ModeGate = (typeof MODE_GATES)[number];

export const MODE_NAME = /^[a-z][a-z0-9-]{0,39}$/;
export const PHASE_ID = /^[a-z][a-z0-9-]{0,39}$/;

export interface ModeTaskDef {
  title: string;
  type: TaskType;
}

export interface PhaseDef {
  id: string;
  name: string;
  tasks: ModeTaskDef[];
  /** Ids of earlier phases whose tasks must be resolved first. */
  depends_on: string[];
}

export interface ModeDef {
  name: string;
  description: string;
  needs_issue: boolean;
  /** The session works the issue's existing tasks (from `wm spec tasks`) instead of phase tasks. */
  uses_issue_tasks: boolean;
  gates: ModeGate[];
  phases: PhaseDef[];
  /**
   * What must hold before the session may end. null: the mode's conditions are configured in
   * .wm/config.yaml (stop_conditions.<name>), which is where modes named like a config key take them.
   */
  stop_conditions: StopCondition[] | null;
  /** The body: short guidance for the agent. */
  guidance: string;
  source: "builtin" | "project";
  /** The file it was read from. */
  path: string;
}

/** Mode names whose stop conditions live in config (stop_conditions.<name>). */
export function configuredConditionModes(config: Pick<Config, "stop_conditions">): string[] {
  return Object.keys(config.stop_conditions);
}

/** The conditions that apply to a session in `mode`. */
export function effectiveConditions(
  mode: Pick<ModeDef, "name" | "stop_conditions">,
  config: Pick<Config, "stop_conditions">,
): StopCondition[] {
  if (mode.stop_conditions !== null) return [...new Set(mode.stop_conditions)];
  const configured = (config.stop_conditions as Record<string, StopCondition[] | undefined>)[mode.name];
  return [...new Set(configured ?? [])];
}

export interface Frontmatter {
  /** The YAML text between the fences. */
  yaml: string;
  /** 1-based line of the first YAML line in the file. */
  yamlLine: number;
  body: string;
}

/**
 * Splits `---` fenced frontmatter from the body. Tolerates a UTF-8 BOM and CRLF line ends. The closing
 * fence is the first line that is exactly `---` (or `...`) after the opening one. null when the text does
 * not start with a fence or the fence is never closed.
 */
export function splitFrontmatter(text: string): Frontmatter | null {
  const src = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).replace(/\r\n?/g, "\n");
  const lines = src.split("\n");
  if (lines[0]?.trimEnd() !== "---") return null;
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i]!.trimEnd();
    if (l === "---" || l === "...") {
      return {
        yaml: lines.slice(1, i).join("\n"),
        yamlLine: 2,
        body: lines
          .slice(i + 1)
          .join("\n")
          .trim(),
      };
    }
  }
  return null;
}

export interface PlannedTask {
  /** Position in the plan; dependencies refer to positions. */
  key: number;
  phase: string;
  title: string;
  type: TaskType;
  dependsOn: number[];
}

/** The `phase` value of a task a mode created: `<mode>:<phase id>`. */
export function modePhase(mode: string, phaseId: string): string {
  return `${mode}:${phaseId}`;
}

const MODE_PHASE = /^[a-z][a-z0-9-]*:[a-z][a-z0-9-]*$/;

/**
 * Whether a task is a phase task created by `wm enter` (it carries a session and a `<mode>:<phase>`
 * phase), as opposed to the issue's own work (from `wm spec tasks` or `wm tasks create`).
 */
export function isModePhaseTask(t: { session?: string; phase?: string }): boolean {
  return t.session !== undefined && t.phase !== undefined && MODE_PHASE.test(t.phase);
}

/**
 * The tasks `wm enter` creates for a mode: every phase's tasks, each depending on all tasks of the phases
 * its phase depends on. With an issue, titles get the seed's `GH#<issue>: ` prefix.
 */
export function planPhaseTasks(mode: Pick<ModeDef, "name" | "phases">, issue?: number): PlannedTask[] {
  const out: PlannedTask[] = [];
  const byPhase = new Map<string, number[]>();
  for (const phase of mode.phases) {
    const deps = phase.depends_on.flatMap((p) => byPhase.get(p) ?? []);
    const keys: number[] = [];
    for (const t of phase.tasks) {
      const key = out.length;
      out.push({
        key,
        phase: modePhase(mode.name, phase.id),
        title: issue === undefined ? t.title : `GH#${issue}: ${t.title}`,
        type: t.type,
        dependsOn: deps,
      });
      keys.push(key);
    }
    byPhase.set(phase.id, keys);
  }
  return out;
}

/**
 * Structural rules the schema cannot express: unique phase ids, dependencies only on earlier phases (so
 * the phase graph is acyclic by construction), unique conditions, consistency of the flags, and the
 * file name matching `name`. Returns messages with the key path they are about.
 */
export function modeRuleIssues(
  data: {
    name: string;
    needs_issue: boolean;
    uses_issue_tasks?: boolean | undefined;
    phases: Array<{ id: string; depends_on?: string[] | undefined }>;
    stop_conditions?: string[] | undefined;
    gates?: string[] | undefined;
  },
  fileName: string,
  configModes: readonly string[],
): Array<{ path: Array<string | number>; message: string }> {
  const out: Array<{ path: Array<string | number>; message: string }> = [];
  if (data.name !== fileName) {
    out.push({
      path: ["name"],
      message: `name "${data.name}" does not match the file name "${fileName}.md"`,
    });
  }
  const seen = new Set<string>();
  data.phases.forEach((p, i) => {
    if (seen.has(p.id)) out.push({ path: ["phases", i, "id"], message: `phase id "${p.id}" is used twice` });
    (p.depends_on ?? []).forEach((d, j) => {
      if (!seen.has(d)) {
        out.push({
          path: ["phases", i, "depends_on", j],
          message:
            d === p.id
              ? `phase "${p.id}" depends on itself`
              : `phase "${p.id}" depends on "${d}", which is not an earlier phase of this mode`,
        });
      }
    });
    seen.add(p.id);
  });
  if (configModes.includes(data.name)) {
    if (data.stop_conditions !== undefined) {
      out.push({
        path: ["stop_conditions"],
        message: `the ${data.name} mode takes its stop conditions from .wm/config.yaml (stop_conditions.${data.name}); remove them here`,
      });
    }
  } else if (data.stop_conditions === undefined) {
    out.push({
      path: [],
      message: "stop_conditions is required (use [] for a mode without any)",
    });
  } else if (new Set(data.stop_conditions).size !== data.stop_conditions.length) {
    out.push({ path: ["stop_conditions"], message: "a stop condition is listed twice" });
  }
  if (data.gates !== undefined && new Set(data.gates).size !== data.gates.length) {
    out.push({ path: ["gates"], message: "a gate is listed twice" });
  }
  if (data.uses_issue_tasks === true) {
    if (!data.needs_issue) {
      out.push({ path: ["uses_issue_tasks"], message: "uses_issue_tasks needs needs_issue: true" });
    }
    if (data.phases.length > 0) {
      out.push({
        path: ["phases"],
        message: "a mode that works the issue's tasks (uses_issue_tasks) has no phases of its own",
      });
    }
  }
  return out;
}
