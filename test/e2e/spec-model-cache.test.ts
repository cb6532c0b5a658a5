// The spec model cache (.wm/cache/spec-model-*.json), end to end with the built CLI. A model is kept for a
// text checked before whose result no longer holds (the repository answers differently now): the next such
// check takes the model from the cache, without remark's tree. A just-edited text keeps none (it is likely to
// be edited again). A bad entry is a miss; an edit of the same length is never answered from it.

import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanupTemp, wm } from "../helpers/cli.js";
import { FIXTURE_SPEC, specFixture } from "../helpers/spec-fixture.js";

afterAll(cleanupTemp);

let repo: string;
let original: string;
const SPEC = FIXTURE_SPEC;
/** A path the spec names that does not exist: creating and removing it changes what the rules are told. */
const TOGGLE = ".github/workflows/nightly.yml";

beforeAll(() => {
  ({ repo, original } = specFixture("wm-spec-model-"));
});

function check(args: string[] = []): string {
  const r = wm(repo, ["spec", "check", SPEC, "--format", "json", "--min-score", "0", ...args]);
  expect(r.code, r.stderr).toBe(1);
  return r.stdout;
}

const cache = (re: RegExp) =>
  existsSync(join(repo, ".wm/cache"))
    ? readdirSync(join(repo, ".wm/cache"))
        .filter((f) => re.test(f))
        .map((f) => join(repo, ".wm/cache", f))
    : [];
const models = () => cache(/^spec-model-[0-9a-f]{16}\.json$/);
const trees = () => cache(/^spec-tree-[0-9a-f]{16}\.json$/);

/** Flips whether TOGGLE exists, so that the cached result no longer holds. */
function toggle(): void {
  const file = join(repo, TOGGLE);
  if (existsSync(file)) rmSync(file);
  else writeFileSync(file, "on: push\n");
}

describe("the spec model cache", () => {
  it("keeps a model for a text checked again, answers from it without the tree, survives a bad entry", () => {
    const first = check();
    expect(trees()).toHaveLength(1);
    expect(models()).toEqual([]); // a text checked once keeps no model

    // Checked again after the repository changed: the result does not hold, the model is built and kept.
    toggle();
    const changed = check();
    expect(changed).not.toBe(first);
    expect(changed).toBe(check(["--no-cache"]));
    const [model] = models();
    expect(model).toBeDefined();

    // Without the tree, the model cache answers: nothing parses, so no tree is written again.
    rmSync(trees()[0]!);
    toggle();
    expect(check()).toBe(first);
    expect(trees()).toEqual([]);

    // A damaged entry is a miss: the spec is parsed again (the tree comes back) and the entry rewritten.
    for (const bad of ["{", JSON.stringify({ key: "x", value: {} }), "dangling"]) {
      const key = JSON.parse(readFileSync(model!, "utf8")).key;
      writeFileSync(
        model!,
        bad === "dangling" ? JSON.stringify({ key, value: { v: 1, nodes: [{ runs: { r: 9 } }] } }) : bad,
      );
      toggle();
      const out = check();
      expect(out).toBe(check(["--no-cache"]));
      expect(trees()).toHaveLength(1);
      expect(JSON.parse(readFileSync(model!, "utf8")).value.v).toBe(1);
      rmSync(trees()[0]!);
    }
  });

  it("never answers an edit of the same length from the cached model", () => {
    const lines = original.split("\n");
    expect(lines[84]).toContain("postgres://backup:Sup3rS3cretPw");
    lines[84] = lines[84]!.replace("postgres://backup:Sup3rS3cretPw", "the backup role from the vault.");
    const fixed = lines.join("\n");
    expect(fixed.length).toBe(original.length);
    writeFileSync(join(repo, SPEC), fixed);
    const after = JSON.parse(check()).data.files[0].findings as Array<{ line: number; rule: string }>;
    expect(after.some((f) => f.line === 85 && f.rule === "spec/secret")).toBe(false);
    writeFileSync(join(repo, SPEC), original);
    const back = JSON.parse(check()).data.files[0].findings as Array<{ line: number; rule: string }>;
    expect(back.some((f) => f.line === 85 && f.rule === "spec/secret")).toBe(true);
  });
});
