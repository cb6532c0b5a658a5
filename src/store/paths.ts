// Where things live. The project root is the nearest ancestor holding `.wm/`, else the nearest holding
// `.git` (a directory, or a file in a worktree), so every worktree has its own `.wm/`.

import { statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { WmError } from "../core/errors.js";

export const WM_DIR = ".wm";
export const TASKS_FILE = "tasks.yaml";
export const CONFIG_FILE = "config.yaml";

function exists(path: string): "dir" | "file" | null {
  try {
    const s = statSync(path);
    return s.isDirectory() ? "dir" : "file";
  } catch {
    return null;
  }
}

export interface ProjectPaths {
  root: string;
  wmDir: string;
  tasksFile: string;
  configFile: string;
  sessionsDir: string;
  /** True when the root was found through `.git` and has no `.wm/` yet. */
  uninitialised: boolean;
}

export function pathsFor(root: string, uninitialised = false): ProjectPaths {
  const wmDir = join(root, WM_DIR);
  return {
    root,
    wmDir,
    tasksFile: join(wmDir, TASKS_FILE),
    configFile: join(wmDir, CONFIG_FILE),
    sessionsDir: join(wmDir, "sessions"),
    uninitialised,
  };
}

/** Finds the project root from `cwd`. `override` (from WM_ROOT) wins when set. */
export function findProject(cwd: string, override?: string): ProjectPaths {
  if (override !== undefined && override !== "") {
    const root = resolve(cwd, override);
    if (exists(root) !== "dir") throw new WmError(`WM_ROOT points at ${root}, which is not a directory`);
    return pathsFor(root, exists(join(root, WM_DIR)) !== "dir");
  }
  let dir = resolve(cwd);
  for (;;) {
    if (exists(join(dir, WM_DIR)) === "dir") return pathsFor(dir);
    if (exists(join(dir, ".git")) !== null) return pathsFor(dir, true);
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new WmError(`not inside a git repository or a wm project (no .wm/ or .git above ${resolve(cwd)})`, {
    hint: "run `git init` (or `wm init`) in the project's root first, or set WM_ROOT",
  });
}
