// The repository index behind `wm spec check`, on a real temp git repository.
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import picomatch from "picomatch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pathsFor } from "../../src/store/paths.js";
import { RepoIndex } from "../../src/store/repo-index.js";
import { cleanupTemp, git, tempDir, tempRepo } from "../helpers/cli.js";
import { seededRng } from "../helpers/prng.js";

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

  it("counts lines as an editor numbers them: empty, blank, CRLF and long files", () => {
    const texts: Record<string, string> = {
      "empty.txt": "",
      "newline.txt": "\n",
      "blank-middle.txt": "a\n\nb",
      "crlf.txt": "a\r\nb\r\n",
      "only-cr.txt": "a\rb\r",
      "long.txt": "x\n".repeat(70_000),
      "long-open.txt": `${"y\n".repeat(12_345)}end`,
    };
    const want: Record<string, number> = {
      "empty.txt": 0,
      "newline.txt": 1,
      "blank-middle.txt": 3,
      "crlf.txt": 2,
      "only-cr.txt": 1,
      "long.txt": 70_000,
      "long-open.txt": 12_346,
    };
    mkdirSync(join(repo, "lines"), { recursive: true });
    for (const [name, text] of Object.entries(texts)) writeFileSync(join(repo, "lines", name), text);
    for (const name of Object.keys(texts)) expect(index.lineCount(`lines/${name}`), name).toBe(want[name]);
  });

  it("keeps line counts in .wm/cache by the file's stat, never for a file changed just now", async () => {
    const root = tempRepo();
    mkdirSync(join(root, ".wm"));
    writeFileSync(join(root, "a.txt"), "a\nb\nc\n");
    git(root, "add", "-A");
    git(root, "commit", "-qm", "one");
    const paths = pathsFor(root);
    const file = join(root, ".wm/cache/line-counts.json");
    const stored = () => JSON.parse(readFileSync(file, "utf8")).value as Record<string, [string, number]>;

    // Just written: counted, but not kept (a second write in the same tick would keep its stat key).
    let idx = await RepoIndex.load(root, paths);
    expect(idx.lineCount("a.txt")).toBe(3);
    idx.persist();
    expect(existsSync(file)).toBe(false);

    // Past the racy window (0 here): kept, and the next index answers from the cache without reading.
    idx = await RepoIndex.load(root, paths, { racyMs: 0 });
    expect(idx.lineCount("a.txt")).toBe(3);
    idx.persist();
    const [key, count] = stored()["a.txt"]!;
    expect(count).toBe(3);
    writeFileSync(file, JSON.stringify({ key: "1", value: { "a.txt": [key, 42] } }));
    expect((await RepoIndex.load(root, paths, { racyMs: 0 })).lineCount("a.txt")).toBe(42);

    // An edit of the same size changes the stat key: counted again.
    writeFileSync(join(root, "a.txt"), "\n\n\n\n\n\n");
    idx = await RepoIndex.load(root, paths, { racyMs: 0 });
    expect(idx.lineCount("a.txt")).toBe(6);
    idx.persist();
    expect(stored()["a.txt"]![1]).toBe(6);
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

function searchSuite(label: string, segs: string[]): void {
  describe(`RepoIndex's searches (${label})`, () => {
    // git sorts by UTF-8 bytes; the index searches its output without building a Set or a tree. Its answers
    // must be those of a plain scan, names with "-", ".", "0" (the characters around "/"), non-ASCII and
    // astral characters (whose UTF-16 order differs from git's) included.
    const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
    const rng = seededRng(7);
    const paths = new Set<string>();
    for (let i = 0; i < 400; i++) {
      const depth = rng.between(1, 4);
      paths.add(
        Array.from({ length: depth }, () => rng.pick(segs)).join("/") + (rng.chance(0.5) ? ".ts" : ""),
      );
    }
    const all = [...paths];
    // A path that is also a directory of another path is fine for git (a file and a directory cannot share
    // a name on disk, but the index of a repository moved between systems can); keep only files.
    const files = all.filter((p) => !all.some((q) => q.startsWith(`${p}/`)));
    const others = files.filter(() => rng.chance(0.3)).sort(byBytes);
    const cached = files.filter((f) => !others.includes(f)).sort(byBytes);
    const list = [...others, ...cached];
    const nul = (xs: string[]) => xs.map((x) => `${x}\0`).join("");
    let index: RepoIndex;
    beforeAll(() => {
      index = new RepoIndex(tempDir("wm-search-"), nul(others), nul(cached));
    });
    const dirsOf = (p: string) =>
      p
        .split("/")
        .slice(0, -1)
        .map((_, i, parts) => parts.slice(0, i + 1).join("/"));
    const probes = [...files, ...files.flatMap(dirsOf), "a", "nope", "a/b/c/d/e", "😀/😀", "é/é.ts"];

    it("keeps git's order in list", () => {
      expect(index.list).toEqual(list);
    });

    it("finds files and directories as a scan does", () => {
      for (const p of probes) {
        expect(index.hasFile(p), p).toBe(list.includes(p));
        expect(index.hasDir(p), p).toBe(list.some((f) => f.startsWith(`${p}/`)));
      }
    });

    it("lists a directory's entries as a scan does", () => {
      for (const d of ["", ...new Set(files.flatMap(dirsOf))]) {
        const prefix = d === "" ? "" : `${d}/`;
        const names = new Set(
          list.filter((f) => f.startsWith(prefix)).map((f) => f.slice(prefix.length).split("/")[0]!),
        );
        expect(index.listDir(d), d).toEqual([...names].sort());
      }
    });

    it("finds basenames and globs in git's order", () => {
      for (const name of [...new Set(files.map((f) => f.split("/").pop()!))]) {
        expect(index.withBasename(name), name).toEqual(
          list.filter((f) => f === name || f.endsWith(`/${name}`)),
        );
      }
      for (const pattern of [
        "a/**/*.ts",
        "a-b/*",
        "é/**",
        "😀/*/*.ts",
        "*.ts",
        "a/{b,a0}/**",
        "a.b/a/*",
        "Z/**/Z",
      ]) {
        const isMatch = picomatch(pattern, { dot: true, basename: !pattern.includes("/") });
        const want = list.filter((f) => isMatch(f));
        expect(index.glob(pattern), pattern).toEqual(
          want.length === 0 && pattern.endsWith("/**") && index.hasDir(pattern.slice(0, -3))
            ? [pattern]
            : want,
        );
      }
    });
  });
}

searchSuite("git's order is JavaScript's", ["a", "a-b", "a.b", "a0", "b", "é", "日本", "z z", "Z"]);
searchSuite("astral and high characters", ["a", "a-b", "a.b", "a0", "é", "😀", "\uE000x", "Z"]);
