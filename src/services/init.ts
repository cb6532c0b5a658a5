// `wm init`: set up .wm/ in the project root. Idempotent; an existing file is never overwritten.

import { mkdirSync } from "node:fs";
import { join, relative } from "node:path";
import { DEFAULT_CONFIG_TEXT } from "../core/config-defaults.js";
import { UsageError, WmError } from "../core/errors.js";
import { emitTaskFile } from "../core/tasks-format.js";
import type { ProjectPaths } from "../store/paths.js";
import {
  createExclusive,
  ensureIgnores,
  exists,
  missingIgnores,
  readIfExists,
} from "../store/project-files.js";
import { type Ctx, project } from "./context.js";

export interface InitResult {
  root: string;
  /** Paths relative to the root; a directory ends with `/`. */
  created: string[];
  kept: string[];
  updated: string[];
  /** For .gitignore: the lines added (or that would be added). */
  gitignoreAdded: string[];
  dryRun: boolean;
}

function rootFor(ctx: Ctx): ProjectPaths {
  try {
    return project(ctx);
  } catch (err) {
    if (err instanceof WmError && err.exitCode === 2 && !(ctx.env.WM_ROOT ?? "")) {
      throw new UsageError(`not inside a git repository (no .git above ${ctx.cwd})`, {
        rule: "init/no-git",
        hint: "run `git init` first (wm keeps .wm/ at the repository root), or set WM_ROOT to the project directory",
      });
    }
    throw err;
  }
}

export async function initProject(ctx: Ctx, opts: { dryRun?: boolean } = {}): Promise<InitResult> {
  const paths = rootFor(ctx);
  const dryRun = opts.dryRun === true;
  const rel = (p: string) => relative(paths.root, p);
  const result: InitResult = {
    root: paths.root,
    created: [],
    kept: [],
    updated: [],
    gitignoreAdded: [],
    dryRun,
  };
  if (exists(paths.wmDir) === "file") {
    throw new WmError(`${rel(paths.wmDir)} exists and is not a directory`, {
      rule: "init/not-a-directory",
      hint: "move it away, then run `wm init` again",
    });
  }

  const files: Array<[string, string]> = [
    [paths.configFile, DEFAULT_CONFIG_TEXT],
    [paths.tasksFile, emitTaskFile({ version: 1, tasks: [] })],
  ];
  for (const [path, content] of files) {
    const made = dryRun ? exists(path) === null : createExclusive(path, content);
    (made ? result.created : result.kept).push(rel(path));
  }

  const issuesDir = join(paths.wmDir, "issues");
  if (exists(issuesDir) !== null) result.kept.push(`${rel(issuesDir)}/`);
  else {
    if (!dryRun) {
      mkdirSync(issuesDir, { recursive: true });
      createExclusive(join(issuesDir, ".gitkeep"), "");
    }
    result.created.push(`${rel(issuesDir)}/`);
  }

  const gitignore = join(paths.root, ".gitignore");
  if (dryRun) {
    const text = readIfExists(gitignore);
    result.gitignoreAdded = missingIgnores(text);
    if (result.gitignoreAdded.length === 0) result.kept.push(".gitignore");
    else (text === null ? result.created : result.updated).push(".gitignore");
  } else {
    const { added, created } = ensureIgnores(paths.root);
    result.gitignoreAdded = added;
    if (added.length === 0) result.kept.push(".gitignore");
    else (created ? result.created : result.updated).push(".gitignore");
  }
  return result;
}
