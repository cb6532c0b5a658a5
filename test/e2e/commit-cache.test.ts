// The commit cache behind `wm spec check` (.wm/cache/commits.json, src/store/commit-cache.ts) on real temp
// git repositories. A "yes" may come from the cache only while it is still true: the commits are asked of a
// fresh RepoIndex with git out of reach (PATH without it), where only the cache can say yes, and with git,
// which must give today's answer. Called in-process with a 100 ms racy window instead of 2 s.

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { pathsFor } from "../../src/store/paths.js";
import { RepoIndex } from "../../src/store/repo-index.js";
import { cleanupTemp, git, tempDir, tempRepo } from "../helpers/cli.js";

afterAll(cleanupTemp);

const RACY = 100;
const settle = () => new Promise((r) => setTimeout(r, 250));

type Paths = ReturnType<typeof pathsFor>;

function project(): { repo: string; paths: Paths } {
  const repo = tempRepo();
  mkdirSync(join(repo, ".wm"));
  commit(repo, "a.md", "one");
  return { repo, paths: pathsFor(repo) };
}

function commit(repo: string, file: string, text: string): string {
  writeFileSync(join(repo, file), `${text}\n`);
  git(repo, "add", file);
  git(repo, "commit", "-qm", text);
  return git(repo, "rev-parse", "HEAD").trim();
}

/** Whether a fresh index says the commit exists; `viaGit: false` hides git, so only the cache can say yes. */
function exists(repo: string, paths: Paths, sha: string, viaGit: boolean, racyMs: number = RACY): boolean {
  const index = new RepoIndex(repo, "", "", { paths, racyMs });
  const ask = () => {
    index.preloadCommits([sha]);
    return index.commitExists(sha);
  };
  if (viaGit) return ask();
  const path = process.env.PATH;
  process.env.PATH = tempDir("wm-no-git-");
  try {
    return ask();
  } finally {
    process.env.PATH = path;
  }
}

function entries(paths: Paths): Record<string, [string, string]> {
  try {
    return JSON.parse(readFileSync(join(paths.wmDir, "cache", "commits.json"), "utf8")).value.entries;
  } catch {
    return {};
  }
}

/** Makes a commit unreachable and lets gc delete it, as a history rewrite and `gc --prune=now` do. */
function rewriteAway(repo: string): void {
  git(repo, "reset", "-q", "--hard", "HEAD~1");
  git(repo, "reflog", "expire", "--expire=now", "--all");
  git(repo, "gc", "-q", "--prune=now");
}

describe("the commit cache", () => {
  it("remembers a loose commit, full or abbreviated, and never says yes once it is gone", () => {
    const { repo, paths } = project();
    const sha = commit(repo, "b.md", "two");
    const short = sha.slice(0, 7).toUpperCase();
    expect(exists(repo, paths, sha, false), "nothing is known before git was asked").toBe(false);
    expect(exists(repo, paths, sha, true)).toBe(true);
    expect(exists(repo, paths, short, true)).toBe(true);
    expect(entries(paths)[sha]).toEqual([sha, "L"]);
    expect(exists(repo, paths, sha, false), "the cache answers without git").toBe(true);
    expect(exists(repo, paths, short, false)).toBe(true);
    rewriteAway(repo);
    expect(exists(repo, paths, sha, true)).toBe(false);
    expect(exists(repo, paths, sha, false)).toBe(false);
    expect(exists(repo, paths, short, false)).toBe(false);
  });

  it("remembers a packed commit while the packs stay, and never says yes once gc removed it", async () => {
    const { repo, paths } = project();
    const sha = commit(repo, "b.md", "two");
    git(repo, "gc", "-q");
    await settle();
    expect(exists(repo, paths, sha, true)).toBe(true);
    expect(entries(paths)[sha]).toEqual([sha, "P"]);
    expect(exists(repo, paths, sha, false)).toBe(true);
    // Another pack (a fetch, a repack) only makes it ask git again.
    commit(repo, "c.md", "three");
    git(repo, "repack", "-q");
    expect(exists(repo, paths, sha, false)).toBe(false);
    expect(exists(repo, paths, sha, true)).toBe(true);
    await settle();
    expect(exists(repo, paths, sha, true)).toBe(true);
    expect(exists(repo, paths, sha, false)).toBe(true);
    git(repo, "reset", "-q", "--hard", "HEAD~1");
    rewriteAway(repo);
    expect(exists(repo, paths, sha, true)).toBe(false);
    expect(exists(repo, paths, sha, false)).toBe(false);
  });

  it("records no unknown commit, no tag, and no pack that changed just now", () => {
    const { repo, paths } = project();
    expect(exists(repo, paths, "0123abc", true)).toBe(false);
    const sha = commit(repo, "b.md", "two");
    git(repo, "tag", "-a", "v1", "-m", "v1");
    const tag = git(repo, "rev-parse", "v1").trim();
    expect(exists(repo, paths, tag, true), "a tag peels to its commit").toBe(true);
    expect(exists(repo, paths, tag, false), "but its own object is not what was proved").toBe(false);
    git(repo, "gc", "-q");
    // With the real 2 s window, a pack directory written a moment ago proves nothing yet.
    expect(exists(repo, paths, sha, true, 2000)).toBe(true);
    expect(exists(repo, paths, sha, false, 2000)).toBe(false);
    expect(Object.keys(entries(paths))).toEqual([]);
  });

  it("asks git when replace refs (loose or packed) or alternates could change the answer", () => {
    const { repo, paths } = project();
    const sha = commit(repo, "b.md", "two");
    expect(exists(repo, paths, sha, true)).toBe(true);
    expect(exists(repo, paths, sha, false)).toBe(true);
    // Replaced by a tree, the commit is no commit to git any more.
    git(repo, "replace", "-f", sha, `${sha}^{tree}`);
    expect(exists(repo, paths, sha, true)).toBe(false);
    expect(exists(repo, paths, sha, false)).toBe(false);
    git(repo, "pack-refs", "--all", "--prune");
    expect(readFileSync(join(repo, ".git/packed-refs"), "utf8")).toContain("refs/replace/");
    expect(exists(repo, paths, sha, true)).toBe(false);
    expect(exists(repo, paths, sha, false)).toBe(false);
    git(repo, "replace", "-d", sha);
    expect(exists(repo, paths, sha, true)).toBe(true);
    expect(exists(repo, paths, sha, false)).toBe(true);
    // Objects borrowed from another repository can vanish with it.
    const other = tempRepo();
    writeFileSync(join(repo, ".git/objects/info/alternates"), `${join(other, ".git/objects")}\n`);
    expect(exists(repo, paths, sha, false)).toBe(false);
    expect(exists(repo, paths, sha, true)).toBe(true);
  });

  it("keeps nothing without .wm/", () => {
    const repo = tempRepo();
    const sha = commit(repo, "a.md", "one");
    const paths = pathsFor(repo, true);
    expect(exists(repo, paths, sha, true)).toBe(true);
    expect(exists(repo, paths, sha, false)).toBe(false);
  });
});
