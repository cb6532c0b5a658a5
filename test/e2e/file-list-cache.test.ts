// The cached file list behind `wm spec check` (.wm/cache/files.idx) on real temp git repositories: after
// every kind of change, what it returns must be exactly what git lists now, and the cache must really
// have been in use before the change (else the comparison would prove nothing). Called in-process with a
// 100 ms racy window instead of 2 s (Linux file systems here stamp times to the tick), so it runs quickly.

import {
  chmodSync,
  mkdirSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cacheable, ctimeReader, ctimesFromBinding, fileList } from "../../src/store/file-list-cache.js";
import { pathsFor } from "../../src/store/paths.js";
import { cleanupTemp, git, tempDir, tempRepo, wm } from "../helpers/cli.js";
import { seededRng } from "../helpers/prng.js";

afterAll(cleanupTemp);

const RACY = { racyMs: 100 };
const settle = () => new Promise((r) => setTimeout(r, 150));

/** What git lists right now, in the order the cache keeps: untracked files, then tracked ones. */
function truth(repo: string): string {
  return (
    git(repo, "ls-files", "-z", "--others", "--exclude-standard") + git(repo, "ls-files", "-z", "--cached")
  );
}

function put(repo: string, path: string, text = "x\n"): void {
  mkdirSync(join(repo, path, ".."), { recursive: true });
  writeFileSync(join(repo, path), text);
}

function project(): { repo: string; paths: ReturnType<typeof pathsFor> } {
  const repo = tempRepo();
  mkdirSync(join(repo, ".wm"));
  put(repo, ".gitignore", "*.log\n");
  put(repo, "src/a.ts");
  put(repo, "src/deep/er/b.ts");
  put(repo, "docs/readme.md");
  git(repo, "add", "-A");
  git(repo, "commit", "-qm", "one");
  return { repo, paths: pathsFor(repo) };
}

/** Writes the cache (or finds it), proves it is used, applies the change, compares with git. */
async function expectSeen(
  repo: string,
  paths: ReturnType<typeof pathsFor>,
  name: string,
  change: () => void,
): Promise<void> {
  // The first call makes .wm/cache/ (a change of .wm/ itself), the next, past the racy window, writes.
  await fileList(repo, paths, RACY);
  await settle();
  await fileList(repo, paths, RACY);
  const before = await fileList(repo, paths, RACY);
  expect(before.source, `${name}: the cache was in use before the change`).toBe("cache");
  expect(before.list, `${name}: the cache agreed with git before the change`).toBe(truth(repo));
  change();
  const after = await fileList(repo, paths, RACY);
  expect(after.list, `${name}: the list after the change is git's`).toBe(truth(repo));
  expect(after.list.slice(0, after.othersLen)).toBe(
    git(repo, "ls-files", "-z", "--others", "--exclude-standard"),
  );
}

describe("the cached file list", () => {
  // From the root, directories are stat'ed by relative path (file-list-cache.ts `statPathIn`); from elsewhere by
  // absolute path: both must see everything.
  it.each([
    ["from another directory", false],
    ["from the repository's root", true],
  ])(
    "sees every kind of change to the untracked files, the ignore rules and the index, %s",
    async (_where, atRoot) => {
      const { repo, paths } = project();
      const back = process.cwd();
      if (atRoot) process.chdir(repo);
      try {
        await everyChange(repo, paths);
      } finally {
        process.chdir(back);
      }
    },
    60_000,
  );

  async function everyChange(repo: string, paths: ReturnType<typeof pathsFor>): Promise<void> {
    const steps: Array<[string, () => void]> = [
      ["an untracked file at the root", () => put(repo, "new.md")],
      ["an untracked file deep in a tracked directory", () => put(repo, "src/deep/er/c.ts")],
      ["an untracked file removed", () => unlinkSync(join(repo, "new.md"))],
      [
        "an untracked file renamed",
        () => renameSync(join(repo, "src/deep/er/c.ts"), join(repo, "src/c2.ts")),
      ],
      ["an empty directory made", () => mkdirSync(join(repo, "empty/inner"), { recursive: true })],
      ["a file in a directory that was empty", () => put(repo, "empty/inner/now.md")],
      ["a directory holding only ignored files", () => put(repo, "logs/a.log")],
      ["a file beside the ignored ones", () => put(repo, "logs/b.md")],
      ["an untracked tree", () => put(repo, "pkg/x/y/z.ts")],
      ["an empty directory inside the untracked tree", () => mkdirSync(join(repo, "pkg/x/w"))],
      ["a file in it", () => put(repo, "pkg/x/w/v.ts")],
      ["the tracked .gitignore edited", () => put(repo, ".gitignore", "*.log\n*.md\n")],
      ["a new .gitignore in a subdirectory", () => put(repo, "pkg/.gitignore", "x/w/\n")],
      ["that .gitignore edited in place", () => put(repo, "pkg/.gitignore", "y\n")],
      ["a self-ignoring .gitignore", () => put(repo, "gen/.gitignore", "*\n")],
      ["its contents un-ignored", () => put(repo, "gen/.gitignore", "")],
      ["a file in the formerly self-ignored directory", () => put(repo, "gen/out.ts")],
      ["info/exclude edited", () => put(repo, ".git/info/exclude", "src/c2.ts\n")],
      ["git add of an untracked file", () => git(repo, "add", "src/c2.ts", "-f")],
      ["git rm --cached of a tracked file", () => git(repo, "rm", "-q", "--cached", "docs/readme.md")],
      ["a commit", () => git(repo, "commit", "-qm", "two")],
      ["a nested repository", () => git(repo, "init", "-q", "nested")],
      ["a file in the nested repository", () => put(repo, "nested/inside.ts")],
      ["the nested repository's .git removed", () => rmSync(join(repo, "nested/.git"), { recursive: true })],
      ["an untracked symlink", () => symlinkSync("src", join(repo, "link"))],
      [
        "a file replaced by a directory",
        () => {
          unlinkSync(join(repo, "src/a.ts"));
          put(repo, "src/a.ts/inner.ts");
        },
      ],
      ["an empty directory inside it", () => mkdirSync(join(repo, "src/a.ts/sub"))],
      ["a file there", () => put(repo, "src/a.ts/sub/f.ts")],
      ["a directory made unreadable", () => chmodSync(join(repo, "pkg/x/y"), 0o000)],
    ];
    for (const [name, change] of steps) await expectSeen(repo, paths, name, change);
    chmodSync(join(repo, "pkg/x/y"), 0o755);
  }

  it("sees core.excludesFile and its edits", async () => {
    const { repo, paths } = project();
    const excludes = join(tempDir("wm-excludes-"), "ignore");
    writeFileSync(excludes, "");
    put(repo, "tmp.txt");
    await expectSeen(repo, paths, "core.excludesFile set", () =>
      git(repo, "config", "core.excludesFile", excludes),
    );
    await expectSeen(repo, paths, "the excludes file edited", () => writeFileSync(excludes, "tmp.txt\n"));
  });

  it("keeps the list when git only rewrote the index, and asks git again when the tracked set changed", async () => {
    const { repo, paths } = project();
    await fileList(repo, paths, RACY);
    await settle();
    await fileList(repo, paths, RACY);
    expect((await fileList(repo, paths, RACY)).source).toBe("cache");
    // A touched file makes `git status` refresh and rewrite the index; the tracked set stays the same.
    writeFileSync(join(repo, "src/a.ts"), "x\n");
    git(repo, "status", "--porcelain");
    const same = await fileList(repo, paths, RACY);
    expect(same.source).toBe("git+index");
    expect(same.list).toBe(truth(repo));
    git(repo, "add", "-f", "src/a.ts");
    put(repo, "src/new.ts");
    git(repo, "add", "src/new.ts");
    const changed = await fileList(repo, paths, RACY);
    expect(changed.source).toBe("git");
    expect(changed.list).toBe(truth(repo));
  });

  it("stays right through a random run of changes (seeded)", async () => {
    const { repo, paths } = project();
    const rng = seededRng(20240611);
    const dirs = ["", "src", "src/deep", "src/deep/er", "docs", "fresh", "fresh/a", "fresh/a/b"];
    const names = ["one.ts", "two.md", "three.log", ".gitignore"];
    for (let step = 0; step < 24; step++) {
      const dir = rng.pick(dirs);
      const name = rng.pick(names);
      const path = dir === "" ? name : `${dir}/${name}`;
      const kind = rng.int(5);
      await expectSeen(repo, paths, `step ${step}: ${kind} ${path}`, () => {
        if (kind === 0 || name === ".gitignore")
          put(repo, path, name === ".gitignore" ? rng.pick(["*.md\n", "", "one.*\n"]) : "x\n");
        else if (kind === 1) rmSync(join(repo, path), { force: true });
        else if (kind === 2) mkdirSync(join(repo, dir, `d${step}`), { recursive: true });
        else if (kind === 3) git(repo, "add", "-A");
        else put(repo, `${dir === "" ? "" : `${dir}/`}e${step}/f.ts`);
      });
    }
  }, 60_000);

  it("reads every ctime exactly as statSync does, from Node's binding (half the cost)", () => {
    const { repo } = project();
    put(repo, "gone/x.md");
    symlinkSync("src", join(repo, "to-src"));
    symlinkSync("nowhere", join(repo, "dangling"));
    const ctime = ctimeReader(repo);
    const probes = [
      repo,
      join(repo, "src"),
      join(repo, "src/deep/er"),
      join(repo, "src/a.ts"),
      join(repo, "to-src"),
      join(repo, "dangling"),
      join(repo, "missing"),
      join(repo, "src/a.ts/below-a-file"),
      join(repo, ".git"),
    ];
    const want = (p: string) => {
      try {
        return statSync(p, { throwIfNoEntry: false })?.ctimeMs ?? -1;
      } catch {
        return -1;
      }
    };
    for (const p of probes) expect(ctime(p), p).toBe(want(p));
    // A change shows (a file created in a directory moves its ctime).
    const before = ctime(join(repo, "gone"));
    rmSync(join(repo, "gone/x.md"));
    expect(ctime(join(repo, "gone"))).toBe(want(join(repo, "gone")));
    rmSync(join(repo, "gone"), { recursive: true });
    expect(ctime(join(repo, "gone"))).toBe(-1);
    expect(before).toBeGreaterThan(0);
    // On the Node this project runs (20+) the fast path is really taken.
    expect(ctimesFromBinding(repo), "process.binding('fs').stat is no longer usable").toBe(true);
  });

  it("prints no deprecation warning for the binding it reads ctimes from, even when asked to", async () => {
    const { repo } = project();
    put(repo, "spec.md", "# Spec\n\nSee `src/a.ts`.\n");
    const check = (env: Record<string, string> = {}) =>
      wm(repo, ["spec", "check", "spec.md", "--min-score", "0"], { env });
    // A first plain run caches the tree and the secret scan (secretlint itself calls process.binding).
    expect(check().code).toBeLessThan(2);
    await new Promise((r) => setTimeout(r, 2100));
    const strict = { NODE_OPTIONS: "--pending-deprecation --throw-deprecation" };
    // The file list checked (firstChanged), then written anew (build): both read ctimes from the binding.
    const checked = check(strict);
    rmSync(join(repo, ".wm/cache/files.idx"));
    const built = check(strict);
    for (const r of [checked, built]) {
      expect(r.stderr).not.toMatch(/DEP0111|DeprecationWarning/);
      expect(r.code, r.stderr).toBeLessThan(2);
    }
  });

  it("caches nothing without .wm/, under GIT_DIR, or when .git is a file", () => {
    const plain = tempRepo();
    expect(cacheable(pathsFor(plain, true))).toBe(false);
    const { repo, paths } = project();
    expect(cacheable(paths)).toBe(true);
    process.env.GIT_INDEX_FILE = join(repo, ".git", "other-index");
    try {
      expect(cacheable(paths)).toBe(false);
    } finally {
      delete process.env.GIT_INDEX_FILE;
    }
    const worktree = join(tempDir("wm-wt-"), "wt");
    git(repo, "worktree", "add", "-q", worktree);
    mkdirSync(join(worktree, ".wm"));
    expect(cacheable(pathsFor(worktree))).toBe(false);
  });

  it("lists from git when it cannot cache, and fails on a directory that is not a repository", async () => {
    const plain = tempRepo();
    put(plain, "a.md");
    const r = await fileList(plain, pathsFor(plain, true));
    expect(r.source).toBe("git");
    expect(r.list).toBe(truth(plain));
    await expect(fileList(tempDir("wm-nogit-"), null)).rejects.toThrow(/not a git repository/);
  });
});
