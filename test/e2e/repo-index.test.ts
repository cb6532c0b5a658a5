// The repository index behind `wm spec check`, on a real temp git repository.
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RepoIndex } from "../../src/store/repo-index.js";
import { cleanupTemp, git, tempDir, tempRepo } from "../helpers/cli.js";

afterAll(cleanupTemp);

let repo: string;
let sha: string;
let index: RepoIndex;

beforeAll(async () => {
  repo = tempRepo();
  const put = (path: string, text: string) => {
    mkdirSync(join(repo, path, ".."), { recursive: true });
    writeFileSync(join(repo, path), text);
  };
  put("src/a.ts", "1\n2\n3\n");
  put("src/deep/b.ts", "no newline at end");
  put(".gitignore", "secret.env\n");
  git(repo, "add", "-A");
  git(repo, "commit", "-qm", "one");
  sha = git(repo, "rev-parse", "HEAD").trim();
  put("untracked.md", "x\n");
  put("secret.env", "TOKEN=1\n");
  const outside = tempDir("wm-outside-");
  writeFileSync(join(outside, "hosts"), "a\nb\n");
  symlinkSync(outside, join(repo, "out-link"));
  symlinkSync("src", join(repo, "in-link"));
  index = await RepoIndex.load(repo);
});

describe("RepoIndex", () => {
  it("lists tracked and untracked files, not ignored ones, and knows their directories", () => {
    expect([...index.list].sort()).toEqual([
      ".gitignore",
      "in-link",
      "out-link",
      "src/a.ts",
      "src/deep/b.ts",
      "untracked.md",
    ]);
    expect(index.hasFile("src/a.ts")).toBe(true);
    expect(index.hasDir("src/deep")).toBe(true);
    expect(index.hasDir("src/a.ts")).toBe(false);
    // An ignored file is not listed, but it is there.
    expect(index.hasFile("secret.env")).toBe(true);
    expect(index.hasFile("nope.ts")).toBe(false);
    expect(index.listDir("src")).toEqual(["a.ts", "deep"]);
    expect(index.withBasename("b.ts")).toEqual(["src/deep/b.ts"]);
    expect(index.glob("src/**/*.ts")).toEqual(["src/a.ts", "src/deep/b.ts"]);
    expect(index.glob("*.md")).toEqual(["untracked.md"]);
  });

  it("counts lines, with or without a final newline", () => {
    expect(index.lineCount("src/a.ts")).toBe(3);
    expect(index.lineCount("src/deep/b.ts")).toBe(1);
    expect(index.lineCount("src")).toBeNull();
  });

  it("finds commits, full or abbreviated, in one batch", () => {
    index.preloadCommits([sha, sha.slice(0, 7), "0123abc"]);
    expect(index.commitExists(sha)).toBe(true);
    expect(index.commitExists(sha.slice(0, 7))).toBe(true);
    expect(index.commitExists("0123abc")).toBe(false);
    expect(index.commitExists("not-a-sha")).toBe(false);
  });

  it("never reads outside the repository: .., absolute paths and symlinks out", () => {
    expect(index.symlinkEscapes("out-link")).toBe(true);
    expect(index.symlinkEscapes("out-link/hosts")).toBe(true);
    expect(index.lineCount("out-link/hosts")).toBeNull();
    expect(index.hasFile("out-link/hosts")).toBe(false);
    expect(index.symlinkEscapes("in-link/a.ts")).toBe(false);
    expect(index.lineCount("in-link/a.ts")).toBe(3);
    expect(index.hasFile("../outside")).toBe(false);
    expect(index.lineCount("../../etc/hosts")).toBeNull();
    expect(index.lineCount("/etc/hosts")).toBeNull();
    expect(index.symlinkEscapes("/etc/hosts")).toBe(true);
  });

  it("refuses a directory that is not a git repository", async () => {
    await expect(RepoIndex.load(tempDir("wm-nogit-"))).rejects.toThrow(/cannot list the files/);
  });
});
