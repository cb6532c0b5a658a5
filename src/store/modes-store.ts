// Mode files on disk. Built-ins ship in the package at templates/modes/<name>.md; a project file
// .wm/modes/<name>.md replaces the built-in of that name or adds a mode. A file that does not parse or
// validate is a WmError naming file:line:col; it is never skipped. The hook path reads a mode through
// the JSON cache (loadModeCached), so YAML and zod load only when a mode file changed.

import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_CONFIG } from "../core/config-defaults.js";
import { UsageError, WmError } from "../core/errors.js";
import {
  configuredConditionModes,
  MODE_NAME,
  type ModeDef,
  modeRuleIssues,
  splitFrontmatter,
} from "../core/modes.js";
import { cached } from "./json-cache.js";
import type { ProjectPaths } from "./paths.js";
import { packageRoot } from "./templates.js";
import { firstSyntaxError, locateIssue } from "./yaml-errors.js";

/** Modes whose stop conditions are keys of the config (stop_conditions.<name>). */
export const CONFIG_CONDITION_MODES = configuredConditionModes(DEFAULT_CONFIG);

/** The order built-in modes are listed in. */
export const BUILTIN_MODE_ORDER = [
  "planning",
  "implementation",
  "task",
  "research",
  "debug",
  "verify",
  "freeform",
] as const;

let builtinDir: string | null = null;

/**
 * templates/modes of wm's package. This module sits two levels below the package root both in the
 * sources (src/store/) and in the build (dist/commands/), so look there first: walking up with
 * packageRoot() reads package.json files, which a hook would rather not pay for.
 */
export function builtinModesDir(): string {
  if (builtinDir === null) {
    const near = fileURLToPath(new URL("../../templates/modes", import.meta.url));
    builtinDir = existsSync(join(near, "planning.md")) ? near : join(packageRoot(), "templates", "modes");
  }
  return builtinDir;
}

export function projectModesDir(paths: ProjectPaths): string {
  return join(paths.wmDir, "modes");
}

function isFile(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isFile() === true;
  } catch {
    return false;
  }
}

function mdNames(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return [];
    throw new WmError(`cannot read ${dir}: ${(err as Error).message}`);
  }
  return names
    .filter((f) => f.endsWith(".md") && isFile(join(dir, f)))
    .map((f) => f.slice(0, -3))
    .sort();
}

export interface ModeFile {
  name: string;
  source: "builtin" | "project";
  path: string;
}

/** Every mode file: built-ins in their order (a project file replaces one in place), then the project's own. */
export function listModeFiles(paths: ProjectPaths | null): ModeFile[] {
  const builtin = mdNames(builtinModesDir());
  const project = new Set(paths === null ? [] : mdNames(projectModesDir(paths)));
  const ordered = [
    ...BUILTIN_MODE_ORDER.filter((n) => builtin.includes(n)),
    ...builtin.filter((n) => !(BUILTIN_MODE_ORDER as readonly string[]).includes(n)),
  ];
  const out: ModeFile[] = [];
  for (const name of ordered) {
    if (project.has(name) && paths !== null) {
      out.push({ name, source: "project", path: join(projectModesDir(paths), `${name}.md`) });
      project.delete(name);
    } else out.push({ name, source: "builtin", path: join(builtinModesDir(), `${name}.md`) });
  }
  for (const name of [...project].sort()) {
    out.push({ name, source: "project", path: join(projectModesDir(paths!), `${name}.md`) });
  }
  return out;
}

/** The file that defines `name`, or null. */
export function findModeFile(paths: ProjectPaths | null, name: string): ModeFile | null {
  if (!MODE_NAME.test(name)) return null;
  if (paths !== null) {
    const p = join(projectModesDir(paths), `${name}.md`);
    if (isFile(p)) return { name, source: "project", path: p };
  }
  const b = join(builtinModesDir(), `${name}.md`);
  return isFile(b) ? { name, source: "builtin", path: b } : null;
}

function display(paths: ProjectPaths | null, file: ModeFile): string {
  if (file.source === "builtin") return `(built-in) templates/modes/${file.name}.md`;
  return paths === null ? file.path : relative(paths.root, file.path);
}

const HINT = "fix the mode file (see `wm modes` and `wm doctor`)";

/** Parses and validates a mode file's text. */
export async function parseModeText(text: string, file: ModeFile, shown: string): Promise<ModeDef> {
  const fm = splitFrontmatter(text);
  if (fm === null) {
    throw new WmError(`${shown}:1:1: a mode file starts with YAML frontmatter between --- lines`, {
      rule: "mode/parse",
      hint: HINT,
    });
  }
  const [{ parseDocument, LineCounter }, { ModeFrontmatterSchema }] = await Promise.all([
    import("yaml"),
    import("../core/mode-schema.js"),
  ]);
  const lineCounter = new LineCounter();
  const doc = parseDocument(fm.yaml, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (pos: { line: number; col: number }) => `${shown}:${pos.line + fm.yamlLine - 1}:${pos.col}`;
  const syntax = firstSyntaxError(doc, lineCounter);
  if (syntax !== null) {
    throw new WmError(`${at(syntax.pos)}: not valid YAML: ${syntax.message}`, {
      rule: "mode/parse",
      hint: HINT,
    });
  }
  const data: unknown = doc.toJS() ?? {};
  const result = ModeFrontmatterSchema.safeParse(data);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const { pos, path } = locateIssue(doc, lineCounter, issue, { unknownKeyAt: "key" });
      return `${at(pos)}: ${path.join(".") || "frontmatter"}: ${issue.message}`;
    });
    throw new WmError(lines.join("\n"), { rule: "mode/schema", hint: HINT });
  }
  const fmData = result.data;
  const rules = modeRuleIssues(fmData, file.name, CONFIG_CONDITION_MODES);
  if (rules.length > 0) {
    const lines = rules.map((r) => {
      const { pos } = locateIssue(doc, lineCounter, { path: r.path, message: r.message });
      return `${at(pos)}: ${r.path.join(".") || "frontmatter"}: ${r.message}`;
    });
    throw new WmError(lines.join("\n"), { rule: "mode/schema", hint: HINT });
  }
  return {
    name: fmData.name,
    description: fmData.description,
    needs_issue: fmData.needs_issue,
    uses_issue_tasks: fmData.uses_issue_tasks ?? false,
    gates: fmData.gates ?? [],
    phases: fmData.phases.map((p) => ({
      id: p.id,
      name: p.name,
      tasks: p.tasks.map((t) => ({ title: t.title, type: t.type })),
      depends_on: p.depends_on ?? [],
    })),
    stop_conditions: fmData.stop_conditions ?? null,
    guidance: fm.body,
    source: file.source,
    path: file.path,
  };
}

export async function readModeFile(paths: ProjectPaths | null, file: ModeFile): Promise<ModeDef> {
  let text: string;
  try {
    text = readFileSync(file.path, "utf8");
  } catch (err) {
    throw new WmError(`cannot read mode file ${file.path}: ${(err as Error).message}`, { rule: "mode/read" });
  }
  return parseModeText(text, file, display(paths, file));
}

function unknownMode(paths: ProjectPaths | null, name: string): UsageError {
  const names = listModeFiles(paths).map((f) => f.name);
  return new UsageError(`unknown mode "${name}"; modes: ${names.join(", ")}`, {
    rule: "mode/unknown",
    hint: "see `wm modes`; a project mode goes in .wm/modes/<name>.md",
  });
}

/** Reads and validates mode `name` (no cache). */
export async function loadMode(paths: ProjectPaths | null, name: string): Promise<ModeDef> {
  const file = findModeFile(paths, name);
  if (file === null) throw unknownMode(paths, name);
  return readModeFile(paths, file);
}

/** Mode `name` for the hot path: from .wm/cache/ while its files are unchanged. */
export async function loadModeCached(paths: ProjectPaths, name: string): Promise<ModeDef> {
  if (!MODE_NAME.test(name)) throw unknownMode(paths, name);
  const sources = [join(projectModesDir(paths), `${name}.md`), join(builtinModesDir(), `${name}.md`)];
  return cached(paths, `mode-${name}`, sources, () => loadMode(paths, name));
}
