// The model cache's codec: a decoded model is the model, with the same sharing, and checks the same.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkModel } from "../../src/core/spec/check.js";
import type { SpecModel } from "../../src/core/spec/model.js";
import { decodeModel, encodeModel } from "../../src/core/spec/model-codec.js";
import { parseSpec } from "../../src/core/spec/parse.js";
import { REPO_ROOT } from "../helpers/cli.js";
import { checkEnv, memoryRepo } from "../helpers/memory-repo.js";

const SPECS = join(REPO_ROOT, "test/fixtures/specs");
const files = [
  join(SPECS, "seed-infrastructure.md"),
  ...readdirSync(join(SPECS, "corpus"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => join(SPECS, "corpus", f)),
];

const REPO = memoryRepo({ "README.md": 10, "apps/web/src/server.ts": 80, "scripts/deploy.sh": 23 });

/** The model's data, functions left out, as a JSON round trip would see it. */
const data = (m: SpecModel) => JSON.parse(JSON.stringify({ ...m, at: undefined, skipped: undefined }));

describe("model codec", () => {
  it.each(files.map((f) => [f.slice(SPECS.length + 1), f]))("round-trips %s", async (_name, file) => {
    const text = readFileSync(file, "utf8");
    const model = await parseSpec(text, "planning/specs/7-x.md");
    // Through JSON, as the cache stores it.
    const back = decodeModel(JSON.parse(JSON.stringify(encodeModel(model))), text);
    expect(data(back)).toEqual(data(model));
    expect(back.source).toBe(text);
    for (const off of [0, 100, text.length - 1]) {
      expect(back.at(off)).toEqual(model.at(off));
      expect(back.skipped(off)).toBe(model.skipped(off));
    }
    // The sharing the rules rely on: a run's table and field are the model's, its segments the field's.
    let shared = 0;
    model.runs.forEach((a, i) => {
      const b = back.runs[i]!;
      if (a.table) expect(b.table).toBe(back.tables[model.tables.indexOf(a.table)]);
      if (a.field) {
        expect(b.field).toBe(back.fields[model.fields.indexOf(a.field)]);
        const same = a.field.value.length > 0 && a.segs.includes(a.field.value[0]!);
        if (same) shared++;
        expect(b.field!.value.length > 0 && b.segs.includes(b.field!.value[0]!)).toBe(same);
      }
    });
    model.slots.forEach((a, i) => {
      if (a.table) expect(back.slots[i]!.table).toBe(back.tables[model.tables.indexOf(a.table)]);
    });
    if (model.fields.length > 0) expect(shared).toBeGreaterThan(0);
    const env = checkEnv(REPO, 7);
    expect((await checkModel(back, env)).findings).toEqual((await checkModel(model, env)).findings);
  });

  it("refuses what is not an encoded model", () => {
    expect(() => decodeModel({ v: 2, nodes: [{}] } as never, "")).toThrow();
    expect(() => decodeModel({ v: 1, nodes: [] }, "")).toThrow();
    expect(() => decodeModel({ v: 1, nodes: [{ runs: { r: 5 } }] }, "")).toThrow();
    expect(() => decodeModel({ v: 1, nodes: [[1, 2]] }, "")).toThrow();
  });
});
