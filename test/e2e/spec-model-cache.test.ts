// The spec model cache (.wm/cache/spec-model-*.json), end to end with the built CLI: a repeated check of an
// unchanged spec takes the model from it, without remark's tree; a bad entry is a miss; an edit of the same
// length is never answered from it.

import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanupTemp, wm } from "../helpers/cli.js";
import { FIXTURE_SPEC, specFixture } from "../helpers/spec-fixture.js";

afterAll(cleanupTemp);

let repo: string;
let original: string;
const SPEC = FIXTURE_SPEC;

beforeAll(() => {
  ({ repo, original } = specFixture("wm-spec-model-"));
});

/** A check that does not take its findings from the result cache (which needs no model at all). */
function check(): string {
  for (const f of existsSync(join(repo, ".wm/cache")) ? cache(/^spec-result-/) : []) rmSync(f);
  const r = wm(repo, ["spec", "check", SPEC, "--format", "json", "--min-score", "0"]);
  expect(r.code, r.stderr).toBe(1);
  return r.stdout;
}

const cache = (re: RegExp) =>
  readdirSync(join(repo, ".wm/cache"))
    .filter((f) => re.test(f))
    .map((f) => join(repo, ".wm/cache", f));

describe("the spec model cache", () => {
  it("answers a repeated check without the tree, survives a bad entry, and misses on an edit", () => {
    const first = check();
    const [model] = cache(/^spec-model-[0-9a-f]{16}\.json$/);
    expect(model).toBeDefined();
    const trees = cache(/^spec-tree-[0-9a-f]{16}\.json$/);
    expect(trees).toHaveLength(1);

    // Without the tree cache, the model cache answers: nothing parses, so no tree is written again.
    rmSync(trees[0]!);
    expect(check()).toBe(first);
    expect(cache(/^spec-tree-[0-9a-f]{16}\.json$/)).toEqual([]);

    // A damaged entry is a miss: the spec is parsed again (the tree comes back) and the entry rewritten.
    for (const bad of ["{", JSON.stringify({ key: "x", value: {} }), "null"]) {
      const key = JSON.parse(readFileSync(model!, "utf8")).key;
      writeFileSync(
        model!,
        bad === "null" ? JSON.stringify({ key, value: { v: 1, nodes: [{ runs: { r: 9 } }] } }) : bad,
      );
      expect(check()).toBe(first);
      expect(cache(/^spec-tree-[0-9a-f]{16}\.json$/)).toHaveLength(1);
      expect(JSON.parse(readFileSync(model!, "utf8")).value.v).toBe(1);
      rmSync(cache(/^spec-tree-[0-9a-f]{16}\.json$/)[0]!);
    }

    // An edit of the same length (the pasted password replaced) is a new model, not the cached one.
    const lines = original.split("\n");
    expect(lines[84]).toContain("postgres://backup:Sup3rS3cretPw");
    lines[84] = lines[84]!.replace("postgres://backup:Sup3rS3cretPw", "the backup role from the vault.");
    const fixed = lines.join("\n");
    expect(fixed.length).toBe(original.length);
    const keyBefore = JSON.parse(readFileSync(model!, "utf8")).key;
    writeFileSync(join(repo, SPEC), fixed);
    const after = JSON.parse(check()).data.files[0].findings as Array<{ line: number; rule: string }>;
    expect(after.some((f) => f.line === 85 && f.rule === "spec/secret")).toBe(false);
    expect(
      JSON.parse(first).data.files[0].findings.some(
        (f: { line: number; rule: string }) => f.line === 85 && f.rule === "spec/secret",
      ),
    ).toBe(true);
    expect(JSON.parse(readFileSync(model!, "utf8")).key).not.toBe(keyBefore);
  });
});
