// The repository as the spec rules see it: one `git ls-files` call for the file list (no directory
// walk), batched `git cat-file` for commits, and line counts read on demand. Nothing outside the
// repository root is ever read: paths with `..` or absolute paths are refused, and symlinks are
// resolved by hand so that a link out of the repository is detected, never followed.

import { spawn, spawnSync } from "node:child_process";
import { lstatSync, readFileSync, readlinkSync, realpathSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { WmError } from "../core/errors.js";
import type { SpecRepo } from "../core/spec/repo.js";

type Matcher = (path: string) => boolean;
type Picomatch = (pattern: string, options?: { dot?: boolean; basename?: boolean }) => Matcher;

const MAX_LINE_COUNT_BYTES = 50 * 1024 * 1024;

/** A repository-relative POSIX path that stays inside the root, or null. */
function safeRel(path: string): string | null {
  if (path === "" || isAbsolute(path) || path.startsWith("/") || path.includes("\0"))
    return path === "" ? "" : null;
  const parts = path.split("/").filter((p) => p !== "" && p !== ".");
  if (parts.some((p) => p === "..")) return null;
  return parts.join("/");
}

export class RepoIndex implements SpecRepo {
  readonly files: ReadonlySet<string>;
  readonly dirs = new Set<string>([""]);
  private readonly children = new Map<string, string[]>();
  private readonly byBase = new Map<string, string[]>();
  private readonly commits = new Map<string, boolean>();
  private readonly globs = new Map<string, string[]>();
  private readonly lines = new Map<string, number | null>();
  private readonly escapes = new Map<string, boolean>();
  private readonly realRoot: string;

  private constructor(
    readonly root: string,
    readonly list: readonly string[],
    private readonly picomatch: Picomatch,
  ) {
    this.realRoot = realpathSync(root);
    this.files = new Set(list);
    for (const file of list) {
      // Climb until a directory that is known already: each directory is added once.
      let cut = file.lastIndexOf("/");
      while (cut > 0) {
        const dir = file.slice(0, cut);
        if (this.dirs.has(dir)) break;
        this.dirs.add(dir);
        cut = dir.lastIndexOf("/");
      }
    }
  }

  /**
   * Lists the repository's files with one `git ls-files` call, run in the background: the caller can
   * parse its specs while git reads the index and the untracked files.
   */
  static load(root: string): Promise<RepoIndex> {
    const picomatch = import("picomatch");
    return new Promise((resolveIndex, reject) => {
      const child = spawn("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
        cwd: root,
        stdio: ["ignore", "pipe", "pipe"],
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on("data", (d: Buffer) => out.push(d));
      child.stderr.on("data", (d: Buffer) => err.push(d));
      const fail = (why: string) =>
        reject(
          new WmError(`cannot list the files of ${root}: ${why}`, {
            hint: "wm spec check needs a git repository (run `git init`)",
          }),
        );
      child.on("error", (e) => fail(e.message));
      child.on("close", (code) => {
        if (code !== 0) return fail(Buffer.concat(err).toString().trim() || `git exited ${code}`);
        const list = Buffer.concat(out)
          .toString("utf8")
          .split("\0")
          .filter((f) => f !== "");
        picomatch.then((mod) => {
          // picomatch is CommonJS: depending on the bundle format its function is the namespace or its default.
          const m = mod as unknown as { default?: Picomatch } & Picomatch;
          resolveIndex(new RepoIndex(root, list, typeof m.default === "function" ? m.default : m));
        }, reject);
      });
    });
  }

  /** What is on disk at a repository path, without following symlinks out of the repository. */
  private onDisk(path: string): "file" | "dir" | null {
    const rel = safeRel(path);
    if (rel === null || this.symlinkEscapes(rel)) return null;
    try {
      const s = statSync(join(this.root, rel));
      return s.isDirectory() ? "dir" : s.isFile() ? "file" : null;
    } catch {
      return null;
    }
  }

  hasFile(path: string): boolean {
    const rel = safeRel(path);
    if (rel === null || rel === "") return false;
    return this.files.has(rel) || this.onDisk(rel) === "file";
  }

  hasDir(path: string): boolean {
    const rel = safeRel(path);
    if (rel === null) return false;
    return this.dirs.has(rel) || this.onDisk(rel) === "dir";
  }

  listDir(path: string): string[] {
    const rel = safeRel(path);
    if (rel === null) return [];
    let names = this.children.get(rel);
    if (names === undefined) {
      // One pass over the list for the directory asked about: cheaper than a tree of every directory
      // when only a few are ever asked (suggestions, migration numbers).
      const prefix = rel === "" ? "" : `${rel}/`;
      const found = new Set<string>();
      for (const file of this.list) {
        if (!file.startsWith(prefix)) continue;
        const rest = file.slice(prefix.length);
        const cut = rest.indexOf("/");
        found.add(cut < 0 ? rest : rest.slice(0, cut));
      }
      names = [...found].sort();
      this.children.set(rel, names);
    }
    return names;
  }

  withBasename(name: string): string[] {
    if (this.byBase.size === 0) {
      for (const file of this.list) {
        const base = file.slice(file.lastIndexOf("/") + 1);
        const same = this.byBase.get(base);
        if (same) same.push(file);
        else this.byBase.set(base, [file]);
      }
    }
    return this.byBase.get(name) ?? [];
  }

  glob(pattern: string): string[] {
    const cached = this.globs.get(pattern);
    if (cached) return cached;
    let matches: string[] = [];
    if (safeRel(pattern) !== null) {
      const isMatch = this.picomatch(pattern, { dot: true, basename: !pattern.includes("/") });
      matches = this.list.filter((f) => isMatch(f));
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
      const next = join(cur, parts[i]!);
      // git lists files under a real directory only (a symlink to a directory is one entry): a
      // directory of the index, reached without a symlink so far, is not a link.
      if (depth === 0 && i < parts.length - 1 && this.dirs.has(parts.slice(0, i + 1).join("/"))) {
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
        const abs = join(this.root, rel);
        // Belt and braces: what is read must resolve inside the repository.
        if (!this.insideRoot(realpathSync(abs))) throw new Error("outside");
        const s = statSync(abs);
        if (s.isFile() && s.size <= MAX_LINE_COUNT_BYTES) {
          const buf = readFileSync(abs);
          let n = 0;
          for (const byte of buf) if (byte === 10) n++;
          if (buf.length > 0 && buf[buf.length - 1] !== 10) n++;
          count = n;
        }
      } catch {
        count = null;
      }
    }
    this.lines.set(rel, count);
    return count;
  }

  /** Asks git about many commits in one `git cat-file --batch-check` call. */
  preloadCommits(shas: readonly string[]): void {
    const todo = [...new Set(shas)].filter((s) => /^[0-9a-f]{4,64}$/i.test(s) && !this.commits.has(s));
    if (todo.length === 0) return;
    const r = spawnSync("git", ["cat-file", "--batch-check"], {
      cwd: this.root,
      input: todo.map((s) => `${s}^{commit}\n`).join(""),
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    if (r.error || r.status !== 0) return;
    const lines = r.stdout.split("\n");
    todo.forEach((sha, i) => {
      const line = lines[i] ?? "";
      // "<oid> commit <size>" when found; "<name> missing"; "<name> ambiguous" when the prefix is
      // shared (a commit may be among them: not called unknown).
      this.commits.set(sha, / commit \d+$/.test(line) || / ambiguous$/.test(line));
    });
  }

  commitExists(sha: string): boolean {
    if (!/^[0-9a-f]{4,64}$/i.test(sha)) return false;
    const known = this.commits.get(sha);
    if (known !== undefined) return known;
    const r = spawnSync("git", ["rev-parse", "--verify", "--quiet", `${sha}^{commit}`], {
      cwd: this.root,
      encoding: "utf8",
    });
    const found = r.status === 0;
    this.commits.set(sha, found);
    return found;
  }
}
