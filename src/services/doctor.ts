// `wm doctor`: a list of checks of the project's wm setup. `fix` repairs only what is safe (missing
// .gitignore entries, leftovers of killed processes); a file wm cannot parse is reported, never rewritten.

import { join, relative } from "node:path";
import type { Diagnostic } from "../core/diagnostics.js";
import { WmError } from "../core/errors.js";
import { loadConfig } from "../store/config-store.js";
import type { ProjectPaths } from "../store/paths.js";
import {
  ensureIgnores,
  exists,
  findLeftovers,
  type Leftover,
  missingIgnores,
  readIfExists,
  removeLeftover,
} from "../store/project-files.js";
import { loadTasks } from "../store/tasks-store.js";
import { type Ctx, project } from "./context.js";
import { type GitSetupStatus, gitSetupStatus } from "./setup-git.js";
import { checkTasks } from "./tasks.js";

export type CheckStatus = "ok" | "warn" | "error";

export interface DoctorCheck {
  id: string;
  status: CheckStatus;
  message: string;
  /** What to do about it (a command, or an instruction). */
  fix?: string;
  /** Set when `--fix` repaired it: `status` is what was found, `message` says what was done. */
  fixed?: boolean;
}

export interface DoctorResult {
  root: string | null;
  /** False when any check is an error that was not fixed. */
  ok: boolean;
  checks: DoctorCheck[];
}

const MIN_NODE = 20;

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

async function configCheck(paths: ProjectPaths): Promise<DoctorCheck> {
  const file = relative(paths.root, paths.configFile);
  try {
    const loaded = await loadConfig(paths);
    if (loaded.source === "defaults") {
      return {
        id: "config",
        status: "warn",
        message: `no ${file}: the defaults are in use`,
        fix: "wm init (writes the default config, every key explained)",
      };
    }
    if (loaded.warnings.length > 0) {
      return {
        id: "config",
        status: "warn",
        message: loaded.warnings.map((w) => `${w.file}:${w.line}:${w.column}: ${w.message}`).join("\n"),
        fix: `edit ${file}`,
      };
    }
    return { id: "config", status: "ok", message: `${file} is valid` };
  } catch (err) {
    if (!(err instanceof WmError)) throw err;
    return {
      id: "config",
      status: "error",
      message: err.message,
      fix: `edit ${file} by hand (wm never rewrites it)`,
    };
  }
}

async function tasksChecks(ctx: Ctx, paths: ProjectPaths): Promise<DoctorCheck[]> {
  const file = relative(paths.root, paths.tasksFile);
  let count: number;
  let canonical: boolean;
  try {
    const loaded = await loadTasks(paths);
    if (!loaded.exists) {
      return [
        {
          id: "tasks-file",
          status: "warn",
          message: `no ${file} yet`,
          fix: "wm init (or create a task: wm tasks create ...)",
        },
      ];
    }
    count = loaded.file.tasks.length;
    canonical = loaded.canonical;
  } catch (err) {
    if (!(err instanceof WmError)) throw err;
    return [
      {
        id: "tasks-file",
        status: "error",
        message: err.message,
        fix: err.hint ?? `fix ${file} by hand`,
      },
    ];
  }
  const out: DoctorCheck[] = [
    {
      id: "tasks-file",
      status: "ok",
      message: `${file} parses: ${plural(count, "task")}${canonical ? "" : " (hand-edited; the next write puts it in canonical form)"}`,
    },
  ];
  const diags: Diagnostic[] = await checkTasks(ctx);
  const errors = diags.filter((d) => d.severity === "error");
  const warnings = diags.filter((d) => d.severity === "warning");
  if (errors.length === 0 && warnings.length === 0) {
    out.push({ id: "task-graph", status: "ok", message: "task graph: no cycles or dangling references" });
  } else {
    const shown = [...errors, ...warnings].slice(0, 5).map((d) => `${d.rule}: ${d.message}`);
    const more = errors.length + warnings.length - shown.length;
    out.push({
      id: "task-graph",
      status: errors.length > 0 ? "error" : "warn",
      message: `task graph: ${plural(errors.length, "error")}, ${plural(warnings.length, "warning")}\n${shown.join("\n")}${more > 0 ? `\n… and ${more} more` : ""}`,
      fix: "wm tasks check (the full list), then wm tasks dep / reopen / cancel",
    });
  }
  return out;
}

function gitignoreCheck(paths: ProjectPaths, fix: boolean): DoctorCheck {
  const missing = missingIgnores(readIfExists(join(paths.root, ".gitignore")));
  if (missing.length === 0) {
    return { id: "gitignore", status: "ok", message: ".gitignore ignores wm's runtime files" };
  }
  const check: DoctorCheck = {
    id: "gitignore",
    status: "warn",
    message: `.gitignore lacks ${missing.join(", ")} (runtime state could be committed)`,
    fix: "wm doctor --fix (appends the missing lines, keeps the rest)",
  };
  if (fix) {
    ensureIgnores(paths.root);
    check.fixed = missingIgnores(readIfExists(join(paths.root, ".gitignore"))).length === 0;
    if (check.fixed) check.message = `added to .gitignore: ${missing.join(", ")}`;
  }
  return check;
}

function leftoversCheck(paths: ProjectPaths, fix: boolean): DoctorCheck {
  const found: Leftover[] = findLeftovers(paths.wmDir);
  if (found.length === 0) {
    return { id: "stale-files", status: "ok", message: "no stale locks or temp files in .wm/" };
  }
  const check: DoctorCheck = {
    id: "stale-files",
    status: "warn",
    message: `left by killed processes: ${found.map((f) => `.wm/${f.name} (${f.why})`).join(", ")}`,
    fix: "wm doctor --fix (removes them; live locks are never touched)",
  };
  if (fix) {
    check.fixed = found.map((f) => removeLeftover(paths.wmDir, f)).every(Boolean);
    if (check.fixed) check.message = `removed ${found.map((f) => `.wm/${f.name} (${f.why})`).join(", ")}`;
  }
  return check;
}

function mergeDriverCheck(ctx: Ctx): DoctorCheck {
  const fix = "wm setup git (registers the merge driver for .wm/tasks.yaml)";
  let st: GitSetupStatus;
  try {
    st = gitSetupStatus(ctx);
  } catch (err) {
    return {
      id: "merge-driver",
      status: "warn",
      message: `cannot check the git setup: ${message(err)}`,
      fix,
    };
  }
  if (!st.gitRepo) {
    return {
      id: "merge-driver",
      status: "warn",
      message: "not a git repository: .wm/tasks.yaml has no merge driver",
      fix: "git init, then wm setup git",
    };
  }
  const problems: string[] = [];
  if (!st.registered) problems.push("merge.wm-tasks.driver is not in git config");
  else if (!st.driverPathExists) {
    problems.push(
      `the merge driver runs ${st.driverPath ?? st.driver}, which does not exist on this machine`,
    );
  }
  if (!st.attributes) problems.push(".gitattributes does not give .wm/tasks.yaml merge=wm-tasks");
  if (problems.length === 0) {
    return { id: "merge-driver", status: "ok", message: "git merge driver wm-tasks is registered" };
  }
  return { id: "merge-driver", status: "warn", message: problems.join("; "), fix };
}

async function modesCheck(paths: ProjectPaths): Promise<DoctorCheck> {
  const { listModeFiles, readModeFile } = await import("../store/modes-store.js");
  const broken: string[] = [];
  let count = 0;
  for (const file of listModeFiles(paths)) {
    count++;
    try {
      await readModeFile(paths, file);
    } catch (err) {
      if (!(err instanceof WmError)) throw err;
      broken.push(err.message);
    }
  }
  if (broken.length === 0)
    return { id: "modes", status: "ok", message: `${plural(count, "session mode")} valid` };
  return {
    id: "modes",
    status: "error",
    message: `${plural(broken.length, "mode file")} broken:\n${broken.join("\n")}`,
    fix: "fix the mode file (.wm/modes/<name>.md); `wm modes` lists the modes",
  };
}

function nodeCheck(version: string): DoctorCheck {
  const major = Number(version.split(".")[0]);
  if (major >= MIN_NODE) return { id: "node", status: "ok", message: `node ${version}` };
  return {
    id: "node",
    status: "error",
    message: `node ${version} is too old: wm needs node ${MIN_NODE} or newer`,
    fix: `install node ${MIN_NODE}+ (e.g. nvm install ${MIN_NODE})`,
  };
}

export async function doctor(ctx: Ctx, opts: { fix?: boolean } = {}): Promise<DoctorResult> {
  const fix = opts.fix === true;
  const checks: DoctorCheck[] = [];
  let paths: ProjectPaths | null = null;
  try {
    paths = project(ctx);
    checks.push({ id: "root", status: "ok", message: `project root: ${paths.root}` });
  } catch (err) {
    checks.push({
      id: "root",
      status: "error",
      message: message(err),
      fix: "run wm in a git repository (git init, then wm init), or set WM_ROOT",
    });
  }
  if (paths !== null) {
    const wm = relative(paths.root, paths.wmDir);
    checks.push(
      exists(paths.wmDir) === "dir"
        ? { id: "wm-dir", status: "ok", message: `${wm}/ is initialised` }
        : { id: "wm-dir", status: "error", message: `${wm}/ does not exist`, fix: "wm init" },
    );
    checks.push(await configCheck(paths));
    checks.push(...(await tasksChecks(ctx, paths)));
    checks.push(gitignoreCheck(paths, fix));
    checks.push(leftoversCheck(paths, fix));
    checks.push(mergeDriverCheck(ctx));
    checks.push(await modesCheck(paths));
  }
  checks.push(nodeCheck(process.versions.node));
  return {
    root: paths?.root ?? null,
    ok: !checks.some((c) => c.status === "error" && c.fixed !== true),
    checks,
  };
}
