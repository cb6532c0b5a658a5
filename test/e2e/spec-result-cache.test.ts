// The result cache of `wm spec check` (.wm/cache/spec-result-*.json): a repeated check of an unchanged spec
// takes its findings from the cache, but only after the repository answers every question the rules asked
// the same way again. After any change to what a finding depends on, the cached check must report exactly
// what a check without the cache reports.

import {
  appendFileSync,
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { delimiter, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanupTemp, git, tempDir, wm } from "../helpers/cli.js";
import { FIXTURE_SPEC, specFixture } from "../helpers/spec-fixture.js";

afterAll(cleanupTemp);

let repo: string;
const SPEC = FIXTURE_SPEC;

beforeAll(() => {
  ({ repo } = specFixture("wm-spec-result-"));
});

const results = () =>
  readdirSync(join(repo, ".wm/cache"))
    .filter((f) => /^spec-result-[0-9a-f]{16}\.json$/.test(f))
    .map((f) => join(repo, ".wm/cache", f));

function check(env: Record<string, string> = {}): string {
  const r = wm(repo, ["spec", "check", SPEC, "--format", "json", "--min-score", "0"], { env });
  expect(r.code, r.stderr).toBe(1);
  return r.stdout;
}

/** The same check without the result cache (and then with it written again). */
function fresh(): string {
  for (const f of results()) rmSync(f);
  return check();
}

const put = (path: string, text: string) => {
  mkdirSync(join(repo, path, ".."), { recursive: true });
  writeFileSync(join(repo, path), text);
};

describe("the spec result cache", () => {
  it("answers a repeated check from the cache, and only while the repository answers the same", () => {
    const first = check();
    expect(results()).toHaveLength(1);
    expect(check()).toBe(first);

    // The cache is what answered: a finding edited in it shows in the next check.
    const [file] = results();
    const doc = JSON.parse(readFileSync(file!, "utf8"));
    expect(doc.value.queries.length).toBeGreaterThan(10);
    doc.value.findings[0].message = "from the result cache";
    writeFileSync(file!, JSON.stringify(doc));
    expect(check()).toContain("from the result cache");
    // An entry whose findings are not findings is a miss, never printed.
    doc.value.findings[0] = 42;
    writeFileSync(file!, JSON.stringify(doc));
    expect(check()).toBe(first);
    expect(fresh()).toBe(first);

    // Each change alters what some finding depends on; the cached check must then be a fresh one.
    const changes: Array<[string, () => void]> = [
      ["a missing workflow created", () => put(".github/workflows/nightly.yml", "on: push\n")],
      [
        "a file a line range points into grown",
        () => appendFileSync(join(repo, "scripts/deploy.sh"), "echo\n".repeat(300)),
      ],
      ["a file the spec marks new now exists", () => put("infra/tf/backup.tf", "# bucket\n")],
      ["a glob now matching", () => put(".github/workflows/backup.yaml", "on: schedule\n")],
      [
        "a migration added (the next free number moves)",
        () => put("apps/web/migrations/0900_more.sql", "SELECT 1;\n"),
      ],
      ["a file the spec relies on removed from git", () => git(repo, "rm", "-qf", "scripts/deploy.sh")],
      ["a directory the spec creates files in made", () => put("docs/runbooks/other.md", "x\n")],
    ];
    let before = check();
    for (const [name, change] of changes) {
      change();
      const cached = check();
      expect(cached, `${name}: the cached check differs from a fresh one`).toBe(fresh());
      if (name !== "a directory the spec creates files in made")
        expect(cached, `${name}: the change should show`).not.toBe(before);
      before = cached;
    }
  });

  it("runs bash -n again only for the blocks an edit changed", () => {
    // A bash that logs each run, first on PATH.
    const bin = tempDir("wm-logging-bash-");
    const log = join(bin, "runs.log");
    writeFileSync(join(bin, "bash"), `#!/bin/sh\necho run >> "${log}"\nexec /bin/bash "$@"\n`);
    chmodSync(join(bin, "bash"), 0o755);
    const env = { PATH: `${bin}${delimiter}${process.env.PATH ?? ""}` };
    const runs = () => (existsSync(log) ? readFileSync(log, "utf8").split("\n").filter(Boolean).length : 0);
    const spec = join(repo, SPEC);
    const original = readFileSync(spec, "utf8");
    check(env);
    const blocks = runs();
    expect(blocks).toBeGreaterThan(1);

    // Prose edited: every block's answer is still known.
    const prose = original.replace("The deploy script", "The deployment script");
    expect(prose).not.toBe(original);
    writeFileSync(spec, prose);
    check(env);
    expect(runs()).toBe(blocks);

    // One block edited: that block alone runs again.
    const block = original.replace('echo "dump written"', 'echo "the dump is written"');
    expect(block).not.toBe(original);
    writeFileSync(spec, block);
    check(env);
    expect(runs()).toBe(blocks + 1);
    writeFileSync(spec, original);
  });

  it("--no-cache reads none of the caches (and refreshes them)", () => {
    const first = fresh();
    const [file] = results();
    const doc = JSON.parse(readFileSync(file!, "utf8"));
    doc.value.findings[0].message = "from the result cache";
    writeFileSync(file!, JSON.stringify(doc));
    expect(check()).toContain("from the result cache");
    const r = wm(repo, ["spec", "check", SPEC, "--format", "json", "--min-score", "0", "--no-cache"]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toBe(first);
    // The result it wrote is the true one again.
    expect(check()).toBe(first);
    rmSync(join(repo, ".wm/cache"), { recursive: true, force: true });
    expect(check()).toBe(first);
  });
});
