// The repository as the spec rules see it: `git ls-files` for the file list (no directory walk of ours;
// cached in .wm/cache/files.idx, see file-list-cache.ts), batched `git cat-file` for commits, and line
// counts read on demand. Nothing outside the
// repository root is ever read: paths with `..` or absolute paths are refused, and symlinks are
// resolved by hand so that a link out of the repository is detected, never followed.

import { lstatSync, readFileSync, readlinkSync, realpathSync, statSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
// Bundled into the command (scripts/build.mjs): loaded from node_modules it was six module files to find
// and compile (~3 ms) on every check with a glob; in the bundle the code cache covers it.
import picomatchModule from "picomatch";
import { WmError } from "../core/errors.js";
import type { SpecRepo } from "../core/spec/repo.js";
import { childProcess } from "./builtins.js";
import { CommitCache } from "./commit-cache.js";
import { cacheable, type FileList, fileList } from "./file-list-cache.js";
import { readCache, writeCache } from "./json-cache.js";
import type { ProjectPaths } from "./paths.js";

type Matcher = (path: string) => boolean;
type Picomatch = (pattern: string, options?: { dot?: boolean; basename?: boolean }) => Matcher;

/** picomatch's function, whichever way the CommonJS module's default is presented. */
function picomatch(): Picomatch {
  const mod = picomatchModule as unknown as { default?: Picomatch } & Picomatch;
  return typeof mod.default === "function" ? mod.default : mod;
}

const MAX_LINE_COUNT_BYTES = 50 * 1024 * 1024;
/**
 * Line counts are kept in .wm/cache/line-counts.json by the file's stat key (inode, size, mtime, ctime): a
 * repeated check need not read every file a spec gives lines of. Counted within this long of the file's last
 * change, a count is not kept (coarse timestamps: a second write in the same tick would keep the key).
 */
const LINE_COUNTS = "line-counts";
const LINE_COUNTS_FORMAT = "1";
const LINE_COUNT_RACY_MS = 2000;
const MAX_LINE_COUNTS = 5000;

/**
 * `rel` (a path safeRel accepted: no "", ".", ".." segments) below the directory `dir`: join() without its
 * normalising pass, which a check pays for a few hundred paths.
 */
function under(dir: string, rel: string): string {
  return dir.endsWith("/") ? `${dir}${rel}` : `${dir}/${rel}`;
}

/** A repository-relative POSIX path that stays inside the root, or null. */
function safeRel(path: string): string | null {
  if (path === "" || isAbsolute(path) || path.startsWith("/") || path.includes("\0"))
    return path === "" ? "" : null;
  const parts = path.split("/").filter((p) => p !== "" && p !== ".");
  if (parts.some((p) => p === "..")) return null;
  return parts.join("/");
}

/** Characters that make a path segment a pattern rather than a literal name (picomatch syntax). */
const GLOB_CHARS = /[*?[\]{}()!+@\\$^|]/;

/**
 * The literal directory prefix of a glob (`src/lib` for `src/lib/**\/*.ts`): every path it can match
 * starts with it. "" when there is none or the pattern is of a kind not worth reasoning about.
 */
export function globBase(pattern: string): string {
  if (pattern.startsWith("/") || pattern.startsWith("./") || pattern.includes("//")) return "";
  const parts = pattern.split("/");
  const base: string[] = [];
  for (const part of parts.slice(0, -1)) {
    if (part === "" || part === "." || part === ".." || GLOB_CHARS.test(part)) break;
    base.push(part);
  }
  return base.join("/");
}

/** The start of the first entry of a sorted run ("\0a\0b\0") at or after `lo` that is >= key; run.length if none. */
function lowerBound(run: string, key: string, lo = 1): number {
  let hi = run.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const start = run.lastIndexOf("\0", mid - 1) + 1;
    const end = run.indexOf("\0", start);
    if (run.slice(start, end) < key) lo = end + 1;
    else hi = start;
  }
  return lo;
}

export class RepoIndex implements SpecRepo {
  /**
   * git's two listings, each "\0" + its sorted paths each followed by "\0": the untracked-but-not-ignored
   * files, then the tracked ones (as `git ls-files --cached --others` prints them). A path, a directory or
   * a directory's entries are found by binary search in these strings: no array, Set or tree of 50,000
   * entries is built for a check that asks about a hundred paths.
   */
  private readonly runs: string[];
  /** The same, sorted in JavaScript's order, when that differs from git's byte order (rare characters). */
  private readonly sorted: string[];
  private listCache: string[] | null = null;
  private readonly children = new Map<string, string[]>();
  private readonly byBase = new Map<string, string[]>();
  private readonly commits = new Map<string, boolean>();
  private readonly globs = new Map<string, string[]>();
  private readonly lines = new Map<string, number | null>();
  private readonly escapes = new Map<string, boolean>();
  private readonly realRoot: string;

  /** Where the list came from: git, or the cache (see file-list-cache.ts). */
  source: FileList["source"] = "git";
  /** The project, whose .wm/cache may remember commits (commit-cache.ts); none for a bare index. */
  private readonly paths: ProjectPaths | null;
  private readonly racyMs: number | undefined;

  /**
   * `others`, `cached`: git's -z outputs (every path followed by a NUL) for untracked and tracked files.
   * With the project's paths, commits found are remembered in its .wm/cache (`racyMs`: for tests).
   */
  constructor(
    readonly root: string,
    others: string,
    cached: string,
    options: { paths?: ProjectPaths | null; racyMs?: number } = {},
  ) {
    this.paths = options.paths ?? null;
    this.racyMs = options.racyMs;
    this.realRoot = realpathSync(root);
    this.runs = [`\0${others}`, `\0${cached}`];
    // git sorts by bytes (UTF-8), JavaScript compares UTF-16 units: the same order unless a path holds a
    // character from U+D800 up, and then the runs are sorted again for searching.
    this.sorted = this.runs.map((run) =>
      /[\uD800-\uFFFF]/.test(run) ? `\0${run.slice(1, -1).split("\0").sort().join("\0")}\0` : run,
    );
  }

  /** Every path git lists, in git's order (untracked-but-not-ignored files, then tracked ones). */
  get list(): readonly string[] {
    this.listCache ??= this.runs.flatMap((run) => (run.length > 1 ? run.slice(1, -1).split("\0") : []));
    return this.listCache;
  }

  /** Git lists this exact path. */
  private listed(path: string): boolean {
    for (const run of this.sorted) {
      const at = lowerBound(run, path);
      if (at < run.length && run.startsWith(`${path}\0`, at)) return true;
    }
    return false;
  }

  /** Some path git lists lies below this directory ("" is the root). */
  private listedDir(dir: string): boolean {
    if (dir === "") return true;
    const prefix = `${dir}/`;
    for (const run of this.sorted) {
      const at = lowerBound(run, prefix);
      if (at < run.length && run.startsWith(prefix, at)) return true;
    }
    return false;
  }

  /**
   * Lists the repository's files with `git ls-files` (tracked, and untracked but not ignored), run in the
   * background: the caller can parse its specs meanwhile. With the project's paths, the list may come from
   * .wm/cache/files.idx when nothing it derives from changed (store/file-list-cache.ts).
   */
  static async load(
    root: string,
    paths: ProjectPaths | null = null,
    options: { racyMs?: number } = {},
  ): Promise<RepoIndex> {
    let files: FileList;
    try {
      files = await fileList(root, paths, options);
    } catch (e) {
      throw new WmError(`cannot list the files of ${root}: ${(e as Error).message}`, {
        hint: "wm spec check needs a git repository (run `git init`)",
      });
    }
    const index = new RepoIndex(
      root,
      files.list.slice(0, files.othersLen),
      files.list.slice(files.othersLen),
      {
        paths,
        racyMs: options.racyMs,
      },
    );
    index.source = files.source;
    return index;
  }

  /** What is on disk at a repository path, without following symlinks out of the repository. */
  private onDisk(path: string): "file" | "dir" | null {
    const rel = safeRel(path);
    if (rel === null || this.symlinkEscapes(rel)) return null;
    try {
      const s = statSync(under(this.root, rel));
      return s.isDirectory() ? "dir" : s.isFile() ? "file" : null;
    } catch {
      return null;
    }
  }

  hasFile(path: string): boolean {
    const rel = safeRel(path);
    if (rel === null || rel === "") return false;
    return this.listed(rel) || this.onDisk(rel) === "file";
  }

  hasDir(path: string): boolean {
    const rel = safeRel(path);
    if (rel === null) return false;
    return this.listedDir(rel) || this.onDisk(rel) === "dir";
  }

  listDir(path: string): string[] {
    const rel = safeRel(path);
    if (rel === null) return [];
    let names = this.children.get(rel);
    if (names === undefined) {
      const prefix = rel === "" ? "" : `${rel}/`;
      const found = new Set<string>();
      for (const run of this.sorted) {
        let at = lowerBound(run, prefix);
        while (at < run.length && run.startsWith(prefix, at)) {
          const end = run.indexOf("\0", at);
          const rest = run.slice(at + prefix.length, end);
          const cut = rest.indexOf("/");
          if (cut < 0) {
            found.add(rest);
            at = end + 1;
          } else {
            // A subdirectory: skip its whole subtree ("0" is the character after "/").
            const name = rest.slice(0, cut);
            found.add(name);
            at = lowerBound(run, `${prefix}${name}0`, end + 1);
          }
        }
      }
      names = [...found].sort();
      this.children.set(rel, names);
    }
    return names;
  }

  withBasename(name: string): string[] {
    let same = this.byBase.get(name);
    if (same === undefined) {
      // A native search of git's output for "<name>\0" after a "/" or a "\0", in git's order.
      same = [];
      const needle = `${name}\0`;
      for (const run of this.runs) {
        for (let at = run.indexOf(needle, 1); at >= 0; at = run.indexOf(needle, at + 1)) {
          const before = run.charCodeAt(at - 1);
          if (before !== 0 && before !== 47) continue;
          const from = run.lastIndexOf("\0", at - 1) + 1;
          same.push(run.slice(from, at + name.length));
        }
      }
      this.byBase.set(name, same);
    }
    return same;
  }

  glob(pattern: string): string[] {
    const cached = this.globs.get(pattern);
    if (cached) return cached;
    let matches: string[] = [];
    if (safeRel(pattern) !== null) {
      const isMatch = picomatch()(pattern, { dot: true, basename: !pattern.includes("/") });
      const base = pattern.includes("/") && !pattern.startsWith("!") ? globBase(pattern) : "";
      if (base === "" || this.sorted.some((run, k) => run !== this.runs[k])) {
        matches = this.list.filter((f) => isMatch(f));
      } else {
        // Only paths under the pattern's literal directory can match: git's order within each run.
        for (const run of this.runs) {
          for (let at = lowerBound(run, base); at < run.length && run.startsWith(base, at); ) {
            const end = run.indexOf("\0", at);
            const path = run.slice(at, end);
            if (isMatch(path)) matches.push(path);
            at = end + 1;
          }
        }
      }
      if (matches.length === 0 && pattern.endsWith("/**"))
        matches = this.hasDir(pattern.slice(0, -3)) ? [pattern] : [];
    }
    this.globs.set(pattern, matches);
    return matches;
  }

  symlinkEscapes(path: string): boolean {
    let known = this.escapes.get(path);
    if (known === undefined) {
      known = this.escapesFrom(path, 0);
      this.escapes.set(path, known);
    }
    return known;
  }

  private escapesFrom(path: string, depth: number): boolean {
    const rel = safeRel(path);
    if (rel === null) return true;
    if (rel === "" || depth > 20) return depth > 20;
    const parts = rel.split("/");
    let cur = this.realRoot;
    for (let i = 0; i < parts.length; i++) {
      const next = under(cur, parts[i]!);
      // git lists files under a real directory only (a symlink to a directory is one entry): a
      // directory of the index, reached without a symlink so far, is not a link.
      if (depth === 0 && i < parts.length - 1 && this.listedDir(parts.slice(0, i + 1).join("/"))) {
        cur = next;
        continue;
      }
      let isLink: boolean;
      try {
        isLink = lstatSync(next).isSymbolicLink();
      } catch {
        return false;
      }
      if (!isLink) {
        cur = next;
        continue;
      }
      let target: string;
      try {
        target = resolve(dirname(next), readlinkSync(next));
      } catch {
        return false;
      }
      if (target !== this.realRoot && !target.startsWith(this.realRoot + sep)) return true;
      const rest = [relative(this.realRoot, target).split(sep).join("/"), ...parts.slice(i + 1)].filter(
        (p) => p !== "",
      );
      return this.escapesFrom(rest.join("/"), depth + 1);
    }
    return false;
  }

  private insideRoot(real: string): boolean {
    return real === this.realRoot || real.startsWith(this.realRoot + sep);
  }

  lineCount(path: string): number | null {
    const rel = safeRel(path);
    if (rel === null || rel === "") return null;
    if (this.lines.has(rel)) return this.lines.get(rel)!;
    let count: number | null = null;
    if (!this.symlinkEscapes(rel)) {
      try {
        const abs = under(this.root, rel);
        const s = statSync(abs);
        if (s.isFile() && s.size <= MAX_LINE_COUNT_BYTES) {
          const key = `${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`;
          const known = this.counts().get(rel);
          if (known !== undefined && known[0] === key) count = known[1];
          else {
            // Belt and braces: what is read must resolve inside the repository.
            if (!this.insideRoot(realpathSync.native(abs))) throw new Error("outside");
            const buf = readFileSync(abs);
            let n = 0;
            // indexOf is a native search: a loop over the bytes costs ~3 ms for 60 small files, run cold.
            for (let at = buf.indexOf(10); at >= 0; at = buf.indexOf(10, at + 1)) n++;
            if (buf.length > 0 && buf[buf.length - 1] !== 10) n++;
            count = n;
            // A file changed within the racy window could change again with the same stat key.
            if (Date.now() - Math.max(s.mtimeMs, s.ctimeMs) > (this.racyMs ?? LINE_COUNT_RACY_MS)) {
              this.counts().set(rel, [key, n]);
              this.countsChanged = true;
            }
          }
        }
      } catch {
        count = null;
      }
    }
    this.lines.set(rel, count);
    return count;
  }

  private countCache: Map<string, [string, number]> | null = null;
  private countsChanged = false;

  /** Line counts of earlier checks, by path, with the stat key of the file they were counted in. */
  private counts(): Map<string, [string, number]> {
    if (this.countCache === null) {
      this.countCache = new Map();
      if (this.paths !== null && cacheable(this.paths)) {
        const stored = readCache<Record<string, [string, number]>>(
          this.paths,
          LINE_COUNTS,
          LINE_COUNTS_FORMAT,
        );
        if (stored !== null && typeof stored === "object") {
          for (const [rel, entry] of Object.entries(stored)) {
            if (Array.isArray(entry) && typeof entry[0] === "string" && Number.isInteger(entry[1]))
              this.countCache.set(rel, entry);
          }
        }
      }
    }
    return this.countCache;
  }

  /** Writes what is worth keeping for the next check (line counts) to .wm/cache; best effort. */
  persist(): void {
    if (!this.countsChanged || this.paths === null || !cacheable(this.paths)) return;
    const entries = [...this.counts()].slice(-MAX_LINE_COUNTS);
    writeCache(this.paths, LINE_COUNTS, LINE_COUNTS_FORMAT, Object.fromEntries(entries));
    this.countsChanged = false;
  }

  /**
   * Asks git about many commits in one `git cat-file --batch-check` call, except those .wm/cache proves
   * still exist (commit-cache.ts: only "yes" answers are kept).
   */
  preloadCommits(shas: readonly string[]): void {
    let todo = [...new Set(shas)].filter((s) => /^[0-9a-f]{4,64}$/i.test(s) && !this.commits.has(s));
    if (todo.length === 0) return;
    const cache = CommitCache.open(this.paths, { racyMs: this.racyMs });
    if (cache !== null) {
      todo = todo.filter((s) => {
        if (!cache.has(s)) return true;
        this.commits.set(s, true);
        return false;
      });
    }
    if (todo.length === 0) {
      cache?.save();
      return;
    }
    const before = cache?.before(todo);
    const r = childProcess().spawnSync("git", ["cat-file", "--batch-check"], {
      cwd: this.root,
      input: todo.map((s) => `${s}^{commit}\n`).join(""),
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    if (r.error || r.status !== 0) {
      cache?.save();
      return;
    }
    const lines = r.stdout.split("\n");
    const found: Array<[string, string]> = [];
    todo.forEach((sha, i) => {
      const line = lines[i] ?? "";
      // "<oid> commit <size>" when found; "<name> missing"; "<name> ambiguous" when the prefix is
      // shared (a commit may be among them: not called unknown).
      const yes = / commit \d+$/.test(line);
      this.commits.set(sha, yes || / ambiguous$/.test(line));
      const oid = yes ? /^[0-9a-f]+(?= commit \d+$)/.exec(line) : null;
      if (oid !== null) found.push([sha, oid[0]]);
    });
    if (cache && before) {
      cache.learn(found, before);
      cache.save();
    }
  }

  commitExists(sha: string): boolean {
    if (!/^[0-9a-f]{4,64}$/i.test(sha)) return false;
    const known = this.commits.get(sha);
    if (known !== undefined) return known;
    const r = childProcess().spawnSync("git", ["rev-parse", "--verify", "--quiet", `${sha}^{commit}`], {
      cwd: this.root,
      encoding: "utf8",
    });
    const found = r.status === 0;
    this.commits.set(sha, found);
    return found;
  }
}
