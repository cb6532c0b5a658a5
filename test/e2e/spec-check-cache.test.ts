// The caches behind a fast `wm spec check`, end to end with the built CLI: remark's tree and the results of
// the secret scan and `bash -n` (.wm/cache/spec-tree-*), the repository's file list (.wm/cache/files.idx)
// and the V8 code cache of the bundle (WM_CODE_CACHE_DIR). A cached run must report exactly what a fresh
// one does, and any change to what a cache derives from must show in the very next run.

import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanupTemp, tempDir, wm } from "../helpers/cli.js";
import { FIXTURE_SPEC, specFixture } from "../helpers/spec-fixture.js";

afterAll(cleanupTemp);

interface Finding {
  line: number;
  rule: string;
  message: string;
}

let repo: string;
let original: string;
const SPEC = FIXTURE_SPEC;

beforeAll(() => {
  ({ repo, original } = specFixture("wm-spec-cache-"));
});

function check(env: Record<string, string> = {}): { stdout: string; findings: Finding[] } {
  const r = wm(repo, ["spec", "check", SPEC, "--format", "json", "--min-score", "0"], { env });
  expect(r.code, r.stderr).toBe(1);
  const doc = JSON.parse(r.stdout) as { data: { files: Array<{ findings: Finding[] }> } };
  return { stdout: r.stdout, findings: doc.data.files[0]!.findings };
}

const rules = (fs: Finding[]) => fs.map((f) => `${f.line} ${f.rule}`);
const cacheFiles = () => readdirSync(join(repo, ".wm/cache")).sort();

/** The spec with a line's text replaced by another of the same length (a size-only key would miss it). */
function edit(text: string, line: number, from: string, to: string): string {
  expect(to.length).toBe(from.length);
  const lines = text.split("\n");
  expect(lines[line - 1]).toContain(from);
  lines[line - 1] = lines[line - 1]!.replace(from, to);
  return lines.join("\n");
}

describe("wm spec check's caches", () => {
  it("answers a repeated check from the tree and tool caches, and sees an edit of the same length", () => {
    const first = check();
    expect(rules(first.findings)).toEqual(expect.arrayContaining(["85 spec/secret", "138 spec/bash-syntax"]));
    expect(cacheFiles()).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^spec-tree-[0-9a-f]{16}\.json$/),
        expect.stringMatching(/-tools\.json$/),
      ]),
    );
    expect(check().stdout).toBe(first.stdout);

    // Same length, other content: the pasted password and the stray `fi` are gone.
    const fixed = edit(
      edit(original, 85, "postgres://backup:Sup3rS3cretPw", "the backup role from the vault."),
      138,
      "fi",
      "  ",
    );
    expect(fixed.length).toBe(original.length);
    writeFileSync(join(repo, SPEC), fixed);
    const after = check();
    expect(rules(after.findings)).toEqual(
      rules(first.findings).filter((r) => r !== "85 spec/secret" && r !== "138 spec/bash-syntax"),
    );

    writeFileSync(join(repo, SPEC), original);
    expect(check().stdout).toBe(first.stdout);
  });

  it("asks bash again when another bash comes first on PATH", () => {
    const baseline = check();
    const bin = tempDir("wm-fake-bash-");
    writeFileSync(join(bin, "bash"), '#!/bin/sh\necho "line 1: not the bash you cached" >&2\nexit 2\n');
    chmodSync(join(bin, "bash"), 0o755);
    const fake = check({ PATH: `${bin}${delimiter}${process.env.PATH ?? ""}` });
    const complaints = fake.findings.filter((f) => f.rule === "spec/bash-syntax");
    expect(complaints.length).toBeGreaterThan(0);
    expect(complaints.every((f) => f.message === "bash: not the bash you cached")).toBe(true);
    expect(check().stdout).toBe(baseline.stdout);
  });

  it("sees an untracked file appear and go once the file list is cached", async () => {
    check();
    // The file list is cached only when nothing changed in the 2 s before git was asked.
    await new Promise((r) => setTimeout(r, 2100));
    const before = check();
    expect(cacheFiles()).toContain("files.idx");
    expect(rules(before.findings)).toContain("73 spec/glob-no-match");
    writeFileSync(join(repo, ".github/workflows/backup.yaml"), "on: schedule\n");
    expect(rules(check().findings)).not.toContain("73 spec/glob-no-match");
    rmSync(join(repo, ".github/workflows/backup.yaml"));
    expect(check().stdout).toBe(before.stdout);
  }, 30_000);

  it("keeps a V8 code cache of the bundle, rewrites a corrupt one, and uses no unsafe directory", () => {
    const dir = join(tempDir("wm-code-cache-test-"), "cc");
    const env = { WM_CODE_CACHE_DIR: dir };
    const baseline = check().stdout;
    expect(check(env).stdout).toBe(baseline);
    const [bin] = readdirSync(dir);
    expect(bin).toMatch(/^spec-check-[0-9a-f]{16}\.bin$/);
    const written = statSync(join(dir, bin!));
    expect(written.size).toBeGreaterThan(10_000);
    expect(written.mode & 0o077).toBe(0);

    expect(check(env).stdout).toBe(baseline);
    expect(statSync(join(dir, bin!)).mtimeMs).toBe(written.mtimeMs); // accepted, not rewritten

    writeFileSync(join(dir, bin!), Buffer.alloc(written.size, 7), { mode: 0o600 });
    expect(check(env).stdout).toBe(baseline);
    expect(readFileSync(join(dir, bin!)).equals(Buffer.alloc(written.size, 7))).toBe(false);

    const shared = join(tempDir("wm-code-cache-shared-"), "cc");
    mkdirSync(shared);
    chmodSync(shared, 0o777);
    expect(check({ WM_CODE_CACHE_DIR: shared }).stdout).toBe(baseline);
    expect(readdirSync(shared)).toEqual([]);
  });
});
