// The proof behind the spec result cache: every distinct repository question, its answer, and a replay.
import { describe, expect, it } from "vitest";
import { askedCommits, recordingRepo, sameAnswers } from "../../src/core/spec/recording-repo.js";
import { memoryRepo } from "../helpers/memory-repo.js";

const files = { "src/a.ts": 10, "src/b.ts": 3, "docs/x.md": 1 };
const SHA = "3f41acc5174f8cf14eaa2dd013878ae731661d90";

describe("recordingRepo", () => {
  it("records each distinct question once, with the answer the repository gave, in asking order", () => {
    const base = memoryRepo(files, { commits: [SHA] });
    const { repo, queries } = recordingRepo(base);
    expect(repo.hasFile("src/a.ts")).toBe(true);
    expect(repo.hasFile("src/a.ts")).toBe(true);
    expect(repo.lineCount("src/b.ts")).toBe(3);
    expect(repo.glob("src/*.ts")).toEqual(["src/a.ts", "src/b.ts"]);
    expect(repo.commitExists(SHA.slice(0, 7))).toBe(true);
    expect(repo.listDir("src")).toEqual(base.listDir("src"));
    expect(repo.hasDir("nope")).toBe(false);
    expect(queries).toEqual([
      ["hasFile", "src/a.ts", true],
      ["lineCount", "src/b.ts", 3],
      ["glob", "src/*.ts", ["src/a.ts", "src/b.ts"]],
      ["commitExists", SHA.slice(0, 7), true],
      ["listDir", "src", base.listDir("src")],
      ["hasDir", "nope", false],
    ]);
    expect(askedCommits(queries)).toEqual([SHA.slice(0, 7)]);

    // Through JSON, as the cache keeps them: the same repository answers the same.
    const stored = JSON.parse(JSON.stringify(queries));
    expect(sameAnswers(stored, base)).toBe(true);
    // Any answer that differs is seen: a line more, a file more for the glob, a commit gone.
    expect(sameAnswers(stored, memoryRepo({ ...files, "src/b.ts": 4 }, { commits: [SHA] }))).toBe(false);
    expect(sameAnswers(stored, memoryRepo({ ...files, "src/c.ts": 1 }, { commits: [SHA] }))).toBe(false);
    expect(sameAnswers(stored, memoryRepo(files))).toBe(false);
  });

  it("refuses a malformed record rather than trusting it", () => {
    const base = memoryRepo(files);
    expect(sameAnswers([["readFile", "x", true]] as never, base)).toBe(false);
    expect(sameAnswers([["hasFile", 3, true]] as never, base)).toBe(false);
    expect(sameAnswers([["hasFile"]] as never, base)).toBe(false);
    expect(sameAnswers([], base)).toBe(true);
  });

  it("keeps a long answer as a digest, which still tells a change apart", () => {
    const many = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`src/gen/f${i}.ts`, 1]));
    const base = memoryRepo(many);
    const { repo, queries } = recordingRepo(base);
    expect(repo.glob("src/gen/*.ts")).toHaveLength(3000);
    expect(repo.hasFile("src/gen/f1.ts")).toBe(true);
    const [glob, has] = queries;
    expect(glob![2]).toEqual({ digest: expect.stringMatching(/^\d+:[0-9a-f]{16}$/) });
    expect(has![2]).toBe(true);
    expect(JSON.stringify(queries).length).toBeLessThan(300);
    expect(sameAnswers(JSON.parse(JSON.stringify(queries)), base)).toBe(true);
    expect(sameAnswers(queries, memoryRepo({ ...many, "src/gen/new.ts": 1 }))).toBe(false);
  });
});
