// `wm setup git`: registers wm's merge driver for .wm/tasks.yaml. Two places are touched:
//  - the repository's local git config (per machine, not committed): merge.wm-tasks.name and
//    merge.wm-tasks.driver, the driver being `node "<absolute path of this wm's bin script>" merge-driver
//    %O %A %B %P`;
//  - .gitattributes (committed, so every clone routes the file to the driver): `.wm/tasks.yaml merge=wm-tasks`.
// Installing twice changes nothing; uninstalling removes exactly those two keys and that line (and the
// config section and .gitattributes file when they end up empty). gitSetupStatus() is what `wm doctor`
// checks.

import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, realpathSync, unlinkSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";
import { WmError } from "../core/errors.js";
import { writeFileAtomic } from "../store/atomic.js";
import { type Ctx, project } from "./context.js";

export const DRIVER_ID = "wm-tasks";
export const ATTRIBUTES_FILE = ".gitattributes";
export const ATTRIBUTES_LINE = `.wm/tasks.yaml merge=${DRIVER_ID}`;
export const DRIVER_DISPLAY_NAME = "wm: three-way merge of .wm/tasks.yaml by task id";
const NAME_KEY = `merge.${DRIVER_ID}.name`;
const DRIVER_KEY = `merge.${DRIVER_ID}.driver`;

export interface GitSetupChange {
  target: "git-config" | "gitattributes";
  action: "set" | "unset" | "remove-section" | "add-line" | "remove-line" | "create-file" | "delete-file";
  /** git config key or section, or the .gitattributes path. */
  key: string;
  value?: string;
  /** The value it replaces (set over a different value). */
  previous?: string;
}

export interface GitSetupResult {
  root: string;
  action: "install" | "uninstall";
  dryRun: boolean;
  /** Whether anything changed (with --dry-run: would change). */
  changed: boolean;
  changes: GitSetupChange[];
  /** The driver command registered (or that would be). */
  driver: string;
  warnings: string[];
}

export interface GitSetupOptions {
  dryRun?: boolean;
  uninstall?: boolean;
  /** The wm entry script to register; defaults to this installation's bin script. */
  wmBin?: string;
}

export interface GitSetupStatus {
  /** merge.wm-tasks.driver is set (at any config level). */
  registered: boolean;
  /** The script the driver runs exists on this machine. */
  driverPathExists: boolean;
  /** git routes .wm/tasks.yaml to the driver (merge=wm-tasks, by any attributes file). */
  attributes: boolean;
  gitRepo: boolean;
  driver: string | null;
  driverPath: string | null;
}

interface GitRun {
  status: number;
  stdout: string;
  stderr: string;
}

function git(cwd: string, args: string[]): GitRun {
  const r = spawnSync("git", args, { cwd, encoding: "utf8" });
  if (r.error) {
    throw new WmError(`cannot run git: ${r.error.message}`, {
      hint: "install git and make sure it is on PATH",
    });
  }
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function gitOk(cwd: string, args: string[]): string {
  const r = git(cwd, args);
  if (r.status !== 0)
    throw new WmError(`git ${args.join(" ")} failed: ${r.stderr.trim() || `exit ${r.status}`}`);
  return r.stdout;
}

function configGet(cwd: string, key: string, local: boolean): string | null {
  const r = git(cwd, ["config", ...(local ? ["--local"] : []), "--get", key]);
  if (r.status === 1) return null;
  if (r.status !== 0) throw new WmError(`git config --get ${key} failed: ${r.stderr.trim()}`);
  return r.stdout.replace(/\n$/, "");
}

/** The `wm` entry script a package.json in `dir` declares (its "bin"), when it exists. */
function binOf(dir: string): string | null {
  try {
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
      bin?: string | Record<string, string>;
    };
    const rel = typeof pkg.bin === "string" ? pkg.bin : pkg.bin?.wm;
    if (rel === undefined) return null;
    const path = join(dir, rel);
    return existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

/**
 * This installation's entry script (package.json "bin" -> wm, e.g. bin/wm.cjs): found by walking up from
 * where this code runs (dist/ or src/), else the script node was started with.
 */
export function wmBinPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const bin = binOf(dir);
    if (bin !== null) return bin;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  const argv1 = process.argv[1];
  if (argv1 !== undefined && existsSync(argv1)) return realpathSync(argv1);
  throw new WmError("cannot find this wm's entry script (bin/wm) to register as the merge driver");
}

/** The driver command git runs (through a shell). */
export function driverCommand(wmBin: string): string {
  const quoted = wmBin.replace(/(["\\$`])/g, "\\$1");
  return `node "${quoted}" merge-driver %O %A %B %P`;
}

/** The script path in a driver command: `node "<path>" ...`, `node <path> ...` or `<path> ...`. */
export function driverScriptPath(driver: string): string | null {
  const m = /^\s*(\S+)\s+("((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+))/.exec(driver);
  if (m === null) return null;
  const program = m[1]!;
  if (/(^|[\\/])node(\.exe)?$/.test(program)) {
    if (m[3] !== undefined) return m[3].replace(/\\(.)/g, "$1");
    return m[4] ?? m[5] ?? null;
  }
  return isAbsolute(program) ? program : null;
}

function isRepo(root: string): boolean {
  const r = git(root, ["rev-parse", "--git-dir"]);
  return r.status === 0;
}

function normalizeLine(line: string): string {
  return line.trim().split(/\s+/).join(" ");
}

function readAttributes(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new WmError(`cannot read ${path}: ${(err as Error).message}`);
  }
}

/** Other lines giving .wm/tasks.yaml a merge attribute: they may override or be overridden by ours. */
function attributeWarnings(text: string): string[] {
  const out: string[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const n = normalizeLine(line);
    if (n === ATTRIBUTES_LINE || n.startsWith("#")) return;
    const [pattern, ...attrs] = n.split(" ");
    if (pattern !== ".wm/tasks.yaml" && pattern !== "/.wm/tasks.yaml") return;
    if (attrs.some((a) => /^[-!]?merge(=|$)/.test(a))) {
      out.push(
        `${ATTRIBUTES_FILE}:${i + 1} also sets a merge attribute for .wm/tasks.yaml ("${line.trim()}"); the last matching line wins`,
      );
    }
  });
  return out;
}

export function setupGit(ctx: Ctx, options: GitSetupOptions = {}): GitSetupResult {
  const root = project(ctx).root;
  if (!isRepo(root)) {
    throw new WmError(`${root} is not inside a git repository`, {
      hint: "run `git init` first; the merge driver is registered in the repository's git config",
    });
  }
  const dryRun = options.dryRun === true;
  const driver = driverCommand(options.wmBin ?? wmBinPath());
  const changes: GitSetupChange[] = [];
  const warnings: string[] = [];
  const attrPath = join(root, ATTRIBUTES_FILE);
  const attrText = readAttributes(attrPath);
  const eol = attrText?.includes("\r\n") ? "\r\n" : "\n";

  if (!options.uninstall) {
    for (const [key, value] of [
      [NAME_KEY, DRIVER_DISPLAY_NAME],
      [DRIVER_KEY, driver],
    ] as const) {
      const current = configGet(root, key, true);
      if (current === value) continue;
      changes.push({
        target: "git-config",
        action: "set",
        key,
        value,
        ...(current === null ? {} : { previous: current }),
      });
      if (!dryRun) gitOk(root, ["config", "--local", key, value]);
    }
    const lines = attrText === null ? [] : attrText.split(/\r?\n/);
    if (!lines.some((l) => normalizeLine(l) === ATTRIBUTES_LINE)) {
      let next: string;
      if (attrText === null || attrText === "") {
        next = `${ATTRIBUTES_LINE}\n`;
        changes.push({
          target: "gitattributes",
          action: "create-file",
          key: ATTRIBUTES_FILE,
          value: ATTRIBUTES_LINE,
        });
      } else {
        const sep = attrText.endsWith("\n") ? "" : eol;
        next = `${attrText}${sep}${ATTRIBUTES_LINE}${eol}`;
        changes.push({
          target: "gitattributes",
          action: "add-line",
          key: ATTRIBUTES_FILE,
          value: ATTRIBUTES_LINE,
        });
      }
      if (!dryRun) writeFileAtomic(attrPath, next);
    }
    if (attrText !== null) warnings.push(...attributeWarnings(attrText));
  } else {
    if (attrText !== null) {
      const lines = attrText.split("\n");
      const kept = lines.filter((l) => normalizeLine(l) !== ATTRIBUTES_LINE);
      if (kept.length !== lines.length) {
        const next = kept.join("\n");
        if (next.trim() === "") {
          changes.push({
            target: "gitattributes",
            action: "delete-file",
            key: ATTRIBUTES_FILE,
            value: ATTRIBUTES_LINE,
          });
          if (!dryRun) unlinkSync(attrPath);
        } else {
          changes.push({
            target: "gitattributes",
            action: "remove-line",
            key: ATTRIBUTES_FILE,
            value: ATTRIBUTES_LINE,
          });
          if (!dryRun) writeFileAtomic(attrPath, next);
        }
      }
    }
    let removed = 0;
    for (const key of [DRIVER_KEY, NAME_KEY]) {
      const current = configGet(root, key, true);
      if (current === null) continue;
      removed++;
      changes.push({ target: "git-config", action: "unset", key, previous: current });
      if (!dryRun) gitOk(root, ["config", "--local", "--unset-all", key]);
    }
    if (removed > 0) {
      // git leaves an empty [merge "wm-tasks"] header behind; drop it unless someone put other keys there.
      const section = `merge.${DRIVER_ID}`;
      const others = git(root, ["config", "--local", "--get-regexp", `^merge\\.${DRIVER_ID}\\.`]);
      const remaining = others.status === 0 ? others.stdout.split("\n").filter((l) => l.trim() !== "") : [];
      const stillOurs = (l: string) => l.startsWith(`${NAME_KEY} `) || l.startsWith(`${DRIVER_KEY} `);
      if (remaining.every(stillOurs)) {
        changes.push({ target: "git-config", action: "remove-section", key: section });
        if (!dryRun) git(root, ["config", "--local", "--remove-section", section]);
      }
    }
  }
  return {
    root,
    action: options.uninstall ? "uninstall" : "install",
    dryRun,
    changed: changes.length > 0,
    changes,
    driver,
    warnings,
  };
}

/** Whether the merge driver is in place: for `wm doctor`. Never throws for a directory outside git. */
export function gitSetupStatus(ctx: Ctx): GitSetupStatus {
  const root = project(ctx).root;
  const status: GitSetupStatus = {
    registered: false,
    driverPathExists: false,
    attributes: false,
    gitRepo: false,
    driver: null,
    driverPath: null,
  };
  if (!isRepo(root)) return status;
  status.gitRepo = true;
  const driver = configGet(root, DRIVER_KEY, false);
  if (driver !== null && driver.trim() !== "") {
    status.registered = true;
    status.driver = driver;
    status.driverPath = driverScriptPath(driver);
    status.driverPathExists = status.driverPath !== null && existsSync(status.driverPath);
  }
  const attr = git(root, ["check-attr", "merge", "--", ".wm/tasks.yaml"]);
  status.attributes = attr.status === 0 && attr.stdout.trim().endsWith(`: merge: ${DRIVER_ID}`);
  return status;
}
