// The repository's file list as `git ls-files -z --others --exclude-standard` then `git ls-files -z
// --cached` print it (exactly what `git ls-files -z --cached --others --exclude-standard` prints), kept in
// .wm/cache/files.idx so that a repeated `wm spec check` in a large repository does not wait for git to
// walk every directory for untracked files (~0.1 s at 50,000 files). git remains the source: the cache is
// derived, and only trusted while nothing it was derived from can have changed:
//
// - the tracked set: .git/index (stat). When only the index changed (any `git status` rewrites it), the
//   tracked list is asked again (`git ls-files --cached`, cheap) and the cache stays if it is the same;
// - the untracked set: every directory git reads when it looks for untracked files, their ctime. A file
//   created, removed or renamed in a directory changes that directory's ctime; that set W is the
//   directories of every listed path, plus every untracked directory git does not list a file in (empty,
//   or holding only ignored files), found from `--others --directory` and a walk of those directories;
// - the ignore rules: every .gitignore in W, .git/info/exclude, core.excludesFile, and every git config
//   file git read (`git config --list --show-origin`) plus the usual places of the global ones (stat);
// - HOME and XDG_CONFIG_HOME. Nothing is cached when GIT_DIR-like variables are set (hooks run so), when
//   .git is not a directory (worktrees, submodules) or when the project has no .wm/.
//
// A cache is written only when none of those changed in the 2 s before git was asked (file system
// timestamps are coarse: a change in the same tick as the recorded one would go unseen), and never over a
// listing that raced a change. .wm/cache itself is left out of W: everything in it is ignored by its own
// `*` .gitignore, and writing the cache would otherwise invalidate it. Known gaps: a different git binary
// with other ignore rules; an *empty* directory made where a tracked file was deleted (git shows it in
// no listing, so it is not in W), filled later with nothing else changing in its parent. Either way only
// the list is stale: whether a path exists is still asked of the disk. Proving the list (~5,000 directories
// at 50,000 files) is most of a repeated check's own work: the ctimes are read without building a Stats
// object for each (ctimeReader). See docs/decisions/0013-spec-check-speed.md.

import {
  type Dirent,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { childProcess } from "./builtins.js";
import type { ProjectPaths } from "./paths.js";

const MAGIC = "WMFILES1 ";
/**
 * A directory changed less than this before git was asked makes the listing unfit to cache: file system
 * timestamps are coarse (a tick on Linux, 1-2 s on some file systems). Tests on Linux pass less.
 */
const RACY_MS = 2000;
/** Directories walked inside untracked directories before giving up on caching. */
const MAX_WALK = 20_000;
const CACHE_DIR_REL = ".wm/cache";
/** Variables that point git at another repository, index or configuration. */
const GIT_ENV =
  /^GIT_(DIR|WORK_TREE|INDEX_FILE|COMMON_DIR|OBJECT_DIRECTORY|NAMESPACE|CEILING_DIRECTORIES|CONFIG.*)$/;

export interface FileList {
  /** NUL-terminated paths: the untracked ones (sorted), then the tracked ones (sorted), as git prints them. */
  list: string;
  /** The length of the untracked part, which comes first. */
  othersLen: number;
  /** Where it came from, for tests and benchmarks. */
  source: "cache" | "git" | "git+index";
}

interface Meta {
  /** HOME and XDG_CONFIG_HOME when it was written. */
  env: string;
  /** .git/index's stat key. */
  index: string;
  /** Files whose stat keys are in `keys`: ignore files and git config files (absent ones count as "-"). */
  files: string[];
  keys: string;
  dirsLen: number;
  ctimesLen: number;
  othersLen: number;
}

interface GitRun {
  code: number | null;
  out: string;
  err: string;
}

function git(root: string, args: string[]): Promise<GitRun> {
  return new Promise((resolve) => {
    const child = childProcess().spawn("git", args, { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => err.push(d));
    child.on("error", (e) => resolve({ code: null, out: "", err: e.message }));
    child.on("close", (code) =>
      resolve({ code, out: Buffer.concat(out).toString("utf8"), err: Buffer.concat(err).toString("utf8") }),
    );
  });
}

/** The error of a failed listing, for the caller to report. */
export class ListError extends Error {}

function listing(r: GitRun): string {
  if (r.code !== 0) throw new ListError(r.err.trim() || `git exited ${r.code}`);
  return r.out;
}

function statKey(path: string): string {
  try {
    const s = statSync(path, { throwIfNoEntry: false });
    return s === undefined ? "-" : `${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`;
  } catch {
    return "-";
  }
}

/** A path's ctime in ms, as Stats.ctimeMs; -1 when it does not exist or cannot be read. */
function ctimeOf(path: string): number {
  try {
    return statSync(path, { throwIfNoEntry: false })?.ctimeMs ?? -1;
  } catch {
    return -1;
  }
}

/** Node's own stat call, the one statSync makes: (path, bigint, request, throwIfNoEntry). */
interface FsBinding {
  stat(path: string, bigint: false, req: undefined, throwIfNoEntry: false): Float64Array | undefined;
}

let fsBinding: FsBinding | null | undefined;

/**
 * Node's fs binding, when it answers exactly as statSync does for `probe` (an existing directory) and for a
 * path that does not exist; else null (another Node, the permission model). process.binding() is
 * deprecated in the documentation only (DEP0111); the warning it prints under --pending-deprecation, or
 * should it ever be printed by default, is not wm's to show, so deprecation warnings are off for the call.
 */
function binding(probe: string): FsBinding | null {
  if (fsBinding !== undefined) return fsBinding;
  fsBinding = null;
  const quiet = process.noDeprecation;
  try {
    process.noDeprecation = true;
    const b = (process as unknown as { binding(name: string): Partial<FsBinding> }).binding("fs");
    process.noDeprecation = quiet;
    if (typeof b.stat !== "function") return null;
    const candidate = b as FsBinding;
    const raw = candidate.stat(probe, false, undefined, false);
    if (!(raw instanceof Float64Array) || raw.length < 18) return null;
    if (raw[14]! * 1000 + raw[15]! / 1e6 !== statSync(probe).ctimeMs) return null;
    if (candidate.stat(join(probe, "wm-no-such-entry", "x"), false, undefined, false) !== undefined)
      return null;
    fsBinding = candidate;
  } catch {
  } finally {
    process.noDeprecation = quiet;
  }
  return fsBinding;
}

/** Whether ctimeReader() reads Node's binding here (for tests: the speed-up is not silently lost). */
export function ctimesFromBinding(probe: string): boolean {
  return binding(probe) !== null;
}

/**
 * ctimeOf for many paths (every directory of the repository, ~5,000 at 50,000 files). statSync builds a
 * Stats object with four Dates for each, which costs more than the system call (~30 against ~14 ms for
 * 5,000 here): the numbers are read from the binding statSync itself calls, with statSync's formula for
 * ctimeMs, when that binding proved to answer as statSync does (see binding()). `probe` is one of the paths.
 */
export function ctimeReader(probe: string): (path: string) => number {
  const b = binding(probe);
  if (b === null) return ctimeOf;
  return (path) => {
    try {
      const raw = b.stat(path, false, undefined, false);
      return raw === undefined ? -1 : raw[14]! * 1000 + raw[15]! / 1e6;
    } catch {
      return -1;
    }
  };
}

function envKey(): string {
  return `${process.env.HOME ?? ""}\0${process.env.XDG_CONFIG_HOME ?? ""}`;
}

/** Whether this project's file list may be cached at all. */
export function cacheable(paths: ProjectPaths): boolean {
  if (paths.uninitialised) return false;
  if (Object.keys(process.env).some((k) => GIT_ENV.test(k))) return false;
  try {
    return statSync(join(paths.root, ".git")).isDirectory();
  } catch {
    return false;
  }
}

function cacheFile(paths: ProjectPaths): string {
  return join(paths.wmDir, "cache", "files.idx");
}

function readCacheFile(paths: ProjectPaths): { meta: Meta; body: string } | null {
  try {
    // Read, then decoded: readFileSync(file, "utf8") decodes 2 MB ~2 ms slower here (Node 20).
    const text = readFileSync(cacheFile(paths)).toString("utf8");
    if (!text.startsWith(MAGIC)) return null;
    const nl = text.indexOf("\n");
    const metaLen = Number(text.slice(MAGIC.length, nl));
    const meta = JSON.parse(text.slice(nl + 1, nl + 1 + metaLen)) as Meta;
    const body = text.slice(nl + 1 + metaLen + 1);
    if (body.length < meta.dirsLen + meta.ctimesLen + meta.othersLen) return null;
    return { meta, body };
  } catch {
    return null;
  }
}

/**
 * The path to stat for a repository-relative directory: relative to the working directory when that is
 * the root (the usual case), since the kernel then walks half the components (~20 % of 5,000 stats).
 */
function statPathIn(root: string): (dir: string) => string {
  let here = false;
  try {
    here = process.cwd() === root;
  } catch {}
  if (here) return (dir) => (dir === "" ? "." : dir);
  return (dir) => (dir === "" ? root : `${root}/${dir}`);
}

/** The current ctime of the first W directory whose ctime changed (Infinity when it is gone), or null. */
function firstChanged(root: string, dirs: string, ctimes: string): number | null {
  const names = dirs.split("\0");
  const times = ctimes.split(",");
  if (names.length !== times.length) return Number.POSITIVE_INFINITY;
  const ctime = ctimeReader(root);
  const at = statPathIn(root);
  for (let i = 0; i < names.length; i++) {
    const now = ctime(at(names[i]!));
    if (now !== Number(times[i])) return now < 0 ? Number.POSITIVE_INFINITY : now;
  }
  return null;
}

/** git's list, without the cache. */
async function plainList(root: string): Promise<FileList> {
  const [others, cached] = await Promise.all([
    git(root, ["ls-files", "-z", "--others", "--exclude-standard"]),
    git(root, ["ls-files", "-z", "--cached"]),
  ]);
  const o = listing(others);
  return { list: o + listing(cached), othersLen: o.length, source: "git" };
}

export async function fileList(
  root: string,
  paths: ProjectPaths | null,
  options: { racyMs?: number } = {},
): Promise<FileList> {
  if (paths === null || !cacheable(paths)) return plainList(root);
  const racyMs = options.racyMs ?? RACY_MS;
  const hit = readCacheFile(paths);
  if (hit !== null && hit.meta.env === envKey()) {
    const { meta, body } = hit;
    const keys = meta.files.map((f) => statKey(resolve(root, f))).join("|");
    if (keys === meta.keys) {
      const dirs = body.slice(0, meta.dirsLen);
      const ctimes = body.slice(meta.dirsLen, meta.dirsLen + meta.ctimesLen);
      const changed = firstChanged(root, dirs, ctimes);
      // A directory changed just now (a file created a moment ago): a new cache could not be written
      // anyway, so git is asked for the list alone, not for what a cache needs besides.
      if (changed !== null && changed !== Number.POSITIVE_INFINITY && changed >= Date.now() - racyMs)
        return plainList(root);
      if (changed === null) {
        const list = body.slice(meta.dirsLen + meta.ctimesLen);
        const othersLen = meta.othersLen;
        if (statKey(join(root, ".git", "index")) === meta.index) return { list, othersLen, source: "cache" };
        // Only the index changed (git rewrites it on `git status`): the same tracked set means the same list.
        const t0 = Date.now();
        const cached = listing(await git(root, ["ls-files", "-z", "--cached"]));
        if (cached === list.slice(meta.othersLen)) {
          const index = statKey(join(root, ".git", "index"));
          if (ctimeOf(join(root, ".git", "index")) < t0 - racyMs)
            writeCacheFile(paths, { ...meta, index }, dirs, ctimes, list);
          return { list, othersLen, source: "git+index" };
        }
      }
    }
  }
  return build(root, paths, racyMs);
}

/**
 * Every subdirectory of an untracked directory (which git walks), not entering nested repositories.
 * false when there are more than the budget allows.
 */
function walkUntracked(root: string, dir: string, out: Set<string>, budget: { left: number }): boolean {
  let entries: Dirent[];
  try {
    entries = readdirSync(join(root, dir), { withFileTypes: true });
  } catch {
    return true;
  }
  if (entries.some((e) => e.name === ".git")) return true;
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    const sub = `${dir}/${e.name}`;
    if (--budget.left < 0) return false;
    out.add(sub);
    if (!walkUntracked(root, sub, out, budget)) return false;
  }
  return true;
}

function addAncestors(list: string, dirs: Set<string>): void {
  let from = 0;
  while (from < list.length) {
    const end = list.indexOf("\0", from);
    const path = list.slice(from, end);
    from = end + 1;
    let cut = path.lastIndexOf("/");
    while (cut > 0) {
      const dir = path.slice(0, cut);
      if (dirs.has(dir)) break;
      dirs.add(dir);
      cut = dir.lastIndexOf("/");
    }
  }
}

/** The config files git read (`file:` origins) and where the global and system ones would be. */
function configFiles(root: string, origins: string): string[] {
  const home = process.env.HOME ?? homedir();
  const xdg = process.env.XDG_CONFIG_HOME || join(home, ".config");
  const found = new Set<string>([
    ".git/config",
    ".git/config.worktree",
    ".git/info/exclude",
    join(home, ".gitconfig"),
    join(xdg, "git", "config"),
    join(xdg, "git", "ignore"),
    "/etc/gitconfig",
  ]);
  const parts = origins.split("\0");
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const origin = parts[i]!;
    if (origin.startsWith("file:")) found.add(origin.slice(5));
  }
  return [...found].map((f) => (f.startsWith("/") ? relativeTo(root, f) : f));
}

/** Paths in the meta are relative to the root when inside it, else absolute (resolve() takes both). */
function relativeTo(root: string, abs: string): string {
  return abs.startsWith(`${root}/`) ? abs.slice(root.length + 1) : abs;
}

async function build(root: string, paths: ProjectPaths, racyMs: number): Promise<FileList> {
  // Our own cache directory first, so that creating it is not a change the listing raced; when it is
  // created now, .wm/ changed now: nothing can be cached this time.
  let created = false;
  try {
    created = mkdirSync(join(paths.wmDir, "cache"), { recursive: true }) !== undefined;
    writeFileSync(join(paths.wmDir, "cache", ".gitignore"), "*\n", { flag: "wx" });
  } catch {}
  if (created) return plainList(root);
  const t0 = Date.now();
  // git's list, and the walk again with untracked directories shown as "dir/" (empty ones and those
  // holding only ignored files included), which the cache needs to know. (Rebuilding the list from the
  // second walk alone would save a walk, but git hides there a directory standing where a tracked file
  // was: the plain listing stays the truth.)
  const [othersRun, cachedRun, dirsRun, originsRun, excludesRun] = await Promise.all([
    git(root, ["ls-files", "-z", "--others", "--exclude-standard"]),
    git(root, ["ls-files", "-z", "--cached"]),
    git(root, ["ls-files", "-z", "--others", "--exclude-standard", "--directory"]),
    git(root, ["config", "-z", "--list", "--show-origin"]),
    git(root, ["config", "--path", "--get", "core.excludesFile"]),
  ]);
  const others = listing(othersRun);
  const cached = listing(cachedRun);
  const list = others + cached;
  const result: FileList = { list, othersLen: others.length, source: "git" };
  if (dirsRun.code !== 0 || originsRun.code !== 0) return result;
  const collapsed = dirsRun.out.split("\0").filter((e) => e.endsWith("/"));

  const tracked = new Set<string>([""]);
  addAncestors(cached, tracked);
  const dirs = new Set<string>(tracked);
  addAncestors(others, dirs);
  // Every subdirectory of an untracked directory, empty ones included: those git shows collapsed, and
  // directories holding untracked files only (one where a tracked file was is not shown collapsed).
  const untracked = [
    ...new Set([...collapsed.map((e) => e.slice(0, -1)), ...[...dirs].filter((d) => !tracked.has(d))]),
  ];
  // Ignored directories inside them (a node_modules in a new package) are walked too: over-counting W
  // only costs cache misses. (git's --ignored --directory shows a directory whose files are all ignored
  // like an ignored one, so it cannot tell which to skip.) Past MAX_WALK directories nothing is cached.
  const budget = { left: MAX_WALK };
  for (const dir of untracked) {
    dirs.add(dir);
    if (!walkUntracked(root, dir, dirs, budget)) return result;
  }
  // .wm/cache holds only ignored files (its .gitignore is "*") unless git lists something in it.
  let ownGitignore = false;
  try {
    ownGitignore = readFileSync(join(root, CACHE_DIR_REL, ".gitignore"), "utf8") === "*\n";
  } catch {}
  if (ownGitignore && !`\0${list}`.includes(`\0${CACHE_DIR_REL}/`)) {
    for (const d of dirs) if (d === CACHE_DIR_REL || d.startsWith(`${CACHE_DIR_REL}/`)) dirs.delete(d);
  }

  // Anything changed since shortly before git was asked (or gone): this listing is not cached.
  const limit = t0 - racyMs;
  const dirList = [...dirs];
  const ctimes: number[] = [];
  const ctime = ctimeReader(root);
  const at = statPathIn(root);
  for (const d of dirList) {
    const c = ctime(at(d));
    if (c < 0 || c >= limit) return result;
    ctimes.push(c);
  }

  const files = configFiles(root, originsRun.out);
  const excludes = excludesRun.code === 0 ? excludesRun.out.trim() : "";
  if (excludes !== "") files.push(excludes.startsWith("/") ? relativeTo(root, excludes) : excludes);
  files.push(`${CACHE_DIR_REL}/.gitignore`);
  for (const d of dirList) {
    const ignore = d === "" ? ".gitignore" : `${d}/.gitignore`;
    if (ctime(join(root, ignore)) >= 0) files.push(ignore);
  }
  const keys = files.map((f) => statKey(resolve(root, f))).join("|");
  const index = statKey(join(root, ".git", "index"));

  const fileCtimes = [...files, ".git/index"].map((f) => ctimeOf(resolve(root, f))).filter((c) => c >= 0);
  if (!fileCtimes.some((c) => c >= limit)) {
    const meta: Meta = {
      env: envKey(),
      index,
      files,
      keys,
      dirsLen: 0,
      ctimesLen: 0,
      othersLen: others.length,
    };
    writeCacheFile(paths, meta, dirList.join("\0"), ctimes.join(","), list);
  }
  return result;
}

function writeCacheFile(paths: ProjectPaths, meta: Meta, dirs: string, ctimes: string, list: string): void {
  const file = cacheFile(paths);
  const tmp = `${file}.${process.pid}.tmp`;
  const json = JSON.stringify({ ...meta, dirsLen: dirs.length, ctimesLen: ctimes.length });
  try {
    writeFileSync(tmp, `${MAGIC}${json.length}\n${json}\n${dirs}${ctimes}${list}`);
    renameSync(tmp, file);
  } catch {
    try {
      unlinkSync(tmp);
    } catch {}
  }
}
