// The three-way merge of task files by id: every rule of src/core/merge.ts (and
// docs/decisions/0005-merge-driver.md), plus the text written with conflict markers.
import { describe, expect, it } from "vitest";
import { findCycles, indexTasks } from "../../src/core/graph.js";
import {
  type Conflict,
  duplicateIds,
  emitMergeResult,
  MARKER_OURS,
  MARKER_SEP,
  MARKER_THEIRS,
  type MergeResult,
  mergeTaskFiles,
} from "../../src/core/merge.js";
import { canonicalTask, type Task, type TaskFile } from "../../src/core/task.js";
import { emitTaskFile, parseCanonical } from "../../src/core/tasks-format.js";

const T0 = "2025-01-01T00:00:00.000Z";
const T1 = "2025-01-02T00:00:00.000Z";
const T2 = "2025-01-03T00:00:00.000Z";

function task(id: string, over: Partial<Task> = {}, created = T0): Task {
  return canonicalTask({
    id,
    title: `task ${id}`,
    type: "impl",
    status: "pending",
    depends_on: [],
    created,
    updated: created,
    ...over,
  });
}

const file = (...tasks: Task[]): TaskFile => ({ version: 1, tasks });
const ids = (r: MergeResult) => r.file.tasks.map((t) => t.id);
const get = (r: MergeResult, id: string) => r.file.tasks.find((t) => t.id === id);
const only = (r: MergeResult, kind: Conflict["kind"]) => r.conflicts.filter((c) => c.kind === kind);

/** The graph a human gets by keeping one side of every conflicted block. */
function resolveAll(r: MergeResult, side: "ours" | "theirs"): Task[] {
  const kept = r.conflicted.map((c) => c[side]).filter((t): t is Task => t !== null);
  return [...r.file.tasks, ...kept];
}

describe("mergeTaskFiles: whole tasks", () => {
  it("returns the same file when nothing changed, and one side's file when only it changed", () => {
    const base = file(task("aaa1"), task("bbb2", { depends_on: ["aaa1"] }));
    const same = mergeTaskFiles(base, base, base);
    expect(same.conflicts).toEqual([]);
    expect(same.file).toEqual(base);
    const ours = file(task("aaa1", { status: "done", updated: T1 }), task("bbb2", { depends_on: ["aaa1"] }));
    expect(mergeTaskFiles(base, ours, base).file).toEqual(ours);
    expect(mergeTaskFiles(base, base, ours).file).toEqual(ours);
  });

  it("keeps a task added on one side only (either side)", () => {
    const base = file(task("aaa1"));
    const r = mergeTaskFiles(
      base,
      file(task("aaa1"), task("bbb2", {}, T1)),
      file(task("aaa1"), task("ccc3", {}, T2)),
    );
    expect(r.conflicts).toEqual([]);
    expect(ids(r)).toEqual(["aaa1", "bbb2", "ccc3"]);
  });

  it("merges from an empty base (git passes an empty %O when the file was added on both branches)", () => {
    const r = mergeTaskFiles(file(), file(task("aaa1")), file(task("bbb2", {}, T1)));
    expect(r.conflicts).toEqual([]);
    expect(ids(r)).toEqual(["aaa1", "bbb2"]);
  });

  it("keeps one copy of a task added identically on both sides", () => {
    const t = task("bbb2", { title: "same" });
    const r = mergeTaskFiles(file(), file(t), file({ ...t }));
    expect(r.conflicts).toEqual([]);
    expect(r.file.tasks).toEqual([t]);
  });

  it("reports an id clash: the same id added on both sides with different content", () => {
    const o = task("bbb2", { title: "ours idea" });
    const t = task("bbb2", { title: "their idea", type: "verify" });
    const r = mergeTaskFiles(file(task("aaa1")), file(task("aaa1"), o), file(task("aaa1"), t));
    expect(ids(r)).toEqual(["aaa1"]);
    expect(r.conflicts).toHaveLength(1);
    expect(r.conflicts[0]).toMatchObject({ kind: "id-clash", id: "bbb2", field: null, ours: o, theirs: t });
    expect(r.conflicts[0]!.message).toContain("their idea");
    expect(r.conflicted).toEqual([{ id: "bbb2", ours: o, theirs: t }]);
  });

  it("deletes a task deleted on one side and unchanged on the other (and one deleted on both)", () => {
    const base = file(task("aaa1"), task("bbb2"), task("ccc3"));
    const r1 = mergeTaskFiles(base, file(task("aaa1"), task("ccc3")), base);
    expect(r1.conflicts).toEqual([]);
    expect(ids(r1)).toEqual(["aaa1", "ccc3"]);
    const r2 = mergeTaskFiles(base, base, file(task("aaa1"), task("ccc3")));
    expect(ids(r2)).toEqual(["aaa1", "ccc3"]);
    const r3 = mergeTaskFiles(base, file(task("aaa1")), file(task("aaa1"), task("ccc3")));
    expect(r3.conflicts).toEqual([]);
    expect(ids(r3)).toEqual(["aaa1"]);
  });

  it("reports a task deleted on one side and changed on the other", () => {
    const base = file(task("aaa1"), task("bbb2"));
    const changed = task("bbb2", { status: "in_progress", updated: T1 });
    const r = mergeTaskFiles(base, file(task("aaa1")), file(task("aaa1"), changed));
    expect(ids(r)).toEqual(["aaa1"]);
    expect(r.conflicts).toHaveLength(1);
    expect(r.conflicts[0]).toMatchObject({ kind: "delete-modify", id: "bbb2", ours: null, theirs: changed });
    expect(r.conflicts[0]!.message).toBe("deleted on ours, changed on theirs");
    expect(r.conflicted).toEqual([{ id: "bbb2", ours: null, theirs: changed }]);
    // The mirror image.
    const m = mergeTaskFiles(base, file(task("aaa1"), changed), file(task("aaa1")));
    expect(m.conflicts[0]).toMatchObject({ kind: "delete-modify", ours: changed, theirs: null });
  });
});

describe("mergeTaskFiles: field by field", () => {
  it("takes the side that changed a field, and keeps changes to different fields from both sides", () => {
    const base = file(task("aaa1", { phase: "p1" }));
    const ours = file(task("aaa1", { phase: "p1", status: "in_progress", updated: T1 }));
    const theirs = file(task("aaa1", { phase: "p2", description: "more", updated: T2 }));
    const r = mergeTaskFiles(base, ours, theirs);
    expect(r.conflicts).toEqual([]);
    expect(get(r, "aaa1")).toEqual(
      task("aaa1", { status: "in_progress", phase: "p2", description: "more", updated: T2 }),
    );
  });

  it("applies a field removed on one side when the other left it alone", () => {
    const base = file(task("aaa1", { status: "blocked", reason: "waiting" }));
    const ours = file(task("aaa1", { status: "pending", updated: T1 }));
    const theirs = file(task("aaa1", { status: "blocked", reason: "waiting", phase: "p9", updated: T1 }));
    const r = mergeTaskFiles(base, ours, theirs);
    expect(r.conflicts).toEqual([]);
    expect(get(r, "aaa1")!.reason).toBeUndefined();
    expect(get(r, "aaa1")!.status).toBe("pending");
    expect(get(r, "aaa1")!.phase).toBe("p9");
  });

  it("takes a value both sides changed to the same thing", () => {
    const base = file(task("aaa1"));
    const r = mergeTaskFiles(
      base,
      file(task("aaa1", { status: "done", evidence: { text: "ok", at: T1 }, updated: T1 })),
      file(task("aaa1", { status: "done", evidence: { at: T1, text: "ok" }, updated: T2 })),
    );
    expect(r.conflicts).toEqual([]);
    expect(get(r, "aaa1")).toMatchObject({ status: "done", evidence: { text: "ok", at: T1 }, updated: T2 });
  });

  it("reports a field both sides changed differently, with base, ours and theirs values", () => {
    const base = file(task("aaa1", { title: "old" }), task("bbb2"));
    const r = mergeTaskFiles(
      base,
      file(task("aaa1", { title: "ours title", phase: "p1" }), task("bbb2")),
      file(task("aaa1", { title: "their title", description: "d" }), task("bbb2")),
    );
    expect(ids(r)).toEqual(["bbb2"]);
    expect(r.conflicts).toEqual([
      expect.objectContaining({
        kind: "field",
        id: "aaa1",
        field: "title",
        base: "old",
        ours: "ours title",
        theirs: "their title",
      }),
    ]);
    // Each side's resolution keeps everything that merged cleanly from both sides.
    const c = r.conflicted[0]!;
    expect(c.ours).toEqual(task("aaa1", { title: "ours title", phase: "p1", description: "d" }));
    expect(c.theirs).toEqual(task("aaa1", { title: "their title", phase: "p1", description: "d" }));
  });

  it("reports status changed differently on both sides, naming both values", () => {
    const base = file(task("aaa1"));
    const r = mergeTaskFiles(
      base,
      file(task("aaa1", { status: "in_progress", updated: T1 })),
      file(task("aaa1", { status: "blocked", reason: "waits for review", updated: T2 })),
    );
    expect(r.conflicts).toHaveLength(1);
    expect(r.conflicts[0]).toMatchObject({
      kind: "field",
      field: "status",
      base: "pending",
      ours: "in_progress",
      theirs: "blocked",
    });
    expect(r.conflicts[0]!.message).toContain("in_progress");
    expect(r.conflicts[0]!.message).toContain("blocked");
    expect(r.conflicted[0]!.ours!.status).toBe("in_progress");
    expect(r.conflicted[0]!.theirs!.status).toBe("blocked");
  });

  it("reports a field set on one side and removed on the other", () => {
    const base = file(task("aaa1", { phase: "p1" }));
    const r = mergeTaskFiles(base, file(task("aaa1")), file(task("aaa1", { phase: "p2" })));
    expect(r.conflicts[0]).toMatchObject({ field: "phase", base: "p1", ours: null, theirs: "p2" });
    expect(r.conflicted[0]!.ours!.phase).toBeUndefined();
  });

  it("merges depends_on as sets: additions from both sides kept, removals from either side applied", () => {
    const base = file(
      task("aaa1"),
      task("bbb2"),
      task("ccc3"),
      task("ddd4"),
      task("eee5"),
      task("fff6", { depends_on: ["aaa1", "bbb2"] }),
    );
    const deps = (d: string[]) => task("fff6", { depends_on: d });
    const others = base.tasks.slice(0, 5);
    const r = mergeTaskFiles(
      base,
      file(...others, deps(["bbb2", "ccc3"])), // ours: removed aaa1, added ccc3
      file(...others, deps(["aaa1", "bbb2", "ddd4"])), // theirs: added ddd4
    );
    expect(r.conflicts).toEqual([]);
    expect(get(r, "fff6")!.depends_on).toEqual(["bbb2", "ccc3", "ddd4"]);
    // Removals from both sides, and an addition made on both sides, kept once.
    const r2 = mergeTaskFiles(
      base,
      file(...others, deps(["bbb2", "eee5"])),
      file(...others, deps(["aaa1", "eee5"])),
    );
    expect(get(r2, "fff6")!.depends_on).toEqual(["eee5"]);
  });

  it("takes the later updated timestamp, whichever side holds it", () => {
    const base = file(task("aaa1"));
    const a = mergeTaskFiles(
      base,
      file(task("aaa1", { phase: "x", updated: T2 })),
      file(task("aaa1", { description: "y", updated: T1 })),
    );
    expect(a.conflicts).toEqual([]);
    expect(get(a, "aaa1")!.updated).toBe(T2);
    const b = mergeTaskFiles(
      base,
      file(task("aaa1", { phase: "x", updated: T1 })),
      file(task("aaa1", { description: "y", updated: T2 })),
    );
    expect(get(b, "aaa1")!.updated).toBe(T2);
  });
});

describe("mergeTaskFiles: the merged graph", () => {
  it("reports a dependency cycle created by the merge, on the tasks whose edges closed it", () => {
    const base = file(task("aaa1"), task("bbb2"), task("ccc3"));
    const ours = file(task("aaa1", { depends_on: ["bbb2"] }), task("bbb2"), task("ccc3"));
    const theirs = file(task("aaa1"), task("bbb2", { depends_on: ["aaa1"] }), task("ccc3"));
    // Neither side has a cycle on its own.
    expect(findCycles(indexTasks(ours.tasks))).toEqual([]);
    expect(findCycles(indexTasks(theirs.tasks))).toEqual([]);
    const r = mergeTaskFiles(base, ours, theirs);
    const cycles = only(r, "cycle");
    expect(cycles.map((c) => c.id).sort()).toEqual(["aaa1", "bbb2"]);
    for (const c of cycles) {
      expect(c.field).toBe("depends_on");
      expect(c.cycle).toEqual(expect.arrayContaining(["aaa1", "bbb2"]));
      expect(c.message).toContain("cycle");
    }
    expect(cycles.find((c) => c.id === "aaa1")).toMatchObject({ ours: ["bbb2"], theirs: [] });
    expect(cycles.find((c) => c.id === "bbb2")).toMatchObject({ ours: [], theirs: ["aaa1"] });
    expect(ids(r)).toEqual(["ccc3"]);
    // Keeping every "ours" block (or every "theirs") gives a graph without the cycle.
    expect(findCycles(indexTasks(resolveAll(r, "ours")))).toEqual([]);
    expect(findCycles(indexTasks(resolveAll(r, "theirs")))).toEqual([]);
    expect(resolveAll(r, "ours").find((t) => t.id === "aaa1")!.depends_on).toEqual(["bbb2"]);
    expect(resolveAll(r, "theirs").find((t) => t.id === "bbb2")!.depends_on).toEqual(["aaa1"]);
  });

  it("reports a longer cycle closed by one new edge on each side, but not the edges both sides had", () => {
    // base: a -> b. ours adds b -> c, theirs adds c -> a: a -> b -> c -> a only after the merge.
    const base = file(task("aaa1", { depends_on: ["bbb2"] }), task("bbb2"), task("ccc3"));
    const ours = file(
      task("aaa1", { depends_on: ["bbb2"] }),
      task("bbb2", { depends_on: ["ccc3"] }),
      task("ccc3"),
    );
    const theirs = file(
      task("aaa1", { depends_on: ["bbb2"] }),
      task("bbb2"),
      task("ccc3", { depends_on: ["aaa1"] }),
    );
    const r = mergeTaskFiles(base, ours, theirs);
    expect(
      only(r, "cycle")
        .map((c) => c.id)
        .sort(),
    ).toEqual(["bbb2", "ccc3"]);
    expect(ids(r)).toEqual(["aaa1"]);
    expect(findCycles(indexTasks(resolveAll(r, "ours")))).toEqual([]);
    expect(findCycles(indexTasks(resolveAll(r, "theirs")))).toEqual([]);
  });

  it("does not blame the merge for a cycle one side already had", () => {
    const base = file(task("aaa1"), task("bbb2"));
    const ours = file(task("aaa1", { depends_on: ["bbb2"] }), task("bbb2", { depends_on: ["aaa1"] }));
    const r = mergeTaskFiles(base, ours, base);
    expect(r.conflicts).toEqual([]);
    expect(ids(r)).toEqual(["aaa1", "bbb2"]);
  });

  it("reports a dangling dependency created by the merge, and offers the deleted task back", () => {
    const base = file(task("aaa1"), task("ccc3", { title: "the target" }));
    const ours = file(
      task("aaa1", { depends_on: ["ccc3"], updated: T1 }),
      task("ccc3", { title: "the target" }),
    );
    const theirs = file(task("aaa1")); // deleted ccc3, which ours did not change
    const r = mergeTaskFiles(base, ours, theirs);
    const dangling = only(r, "dangling-dependency");
    expect(dangling).toHaveLength(2);
    expect(dangling.find((c) => c.id === "aaa1")).toMatchObject({
      field: "depends_on",
      dependency: "ccc3",
      ours: ["ccc3"],
      theirs: [],
    });
    expect(dangling.find((c) => c.id === "aaa1")!.message).toContain("theirs deleted");
    expect(dangling.find((c) => c.id === "ccc3")).toMatchObject({ field: null, theirs: null });
    expect(r.file.tasks).toEqual([]);
    // All-ours keeps the edge and its target; all-theirs has neither. No dangling edge either way.
    const o = resolveAll(r, "ours");
    expect(o.map((t) => t.id).sort()).toEqual(["aaa1", "ccc3"]);
    const t = resolveAll(r, "theirs");
    expect(t.map((x) => x.id)).toEqual(["aaa1"]);
    expect(t[0]!.depends_on).toEqual([]);
  });

  it("reports a new task depending on a task the other side deleted", () => {
    const base = file(task("aaa1"), task("ccc3"));
    const ours = file(task("aaa1")); // deleted ccc3
    const theirs = file(task("aaa1"), task("ccc3"), task("ddd4", { depends_on: ["ccc3", "aaa1"] }, T1));
    const r = mergeTaskFiles(base, ours, theirs);
    expect(only(r, "dangling-dependency").find((c) => c.id === "ddd4")).toMatchObject({
      ours: ["aaa1"],
      theirs: ["ccc3", "aaa1"],
    });
    expect(ids(r)).toEqual(["aaa1"]);
    expect(r.conflicted.map((c) => c.id).sort()).toEqual(["ccc3", "ddd4"]);
  });

  it("does not blame the merge for a dangling dependency one side already had", () => {
    const base = file(task("aaa1", { depends_on: ["zzz9"] }));
    const r = mergeTaskFiles(base, base, file(task("aaa1", { depends_on: ["zzz9"], phase: "p1" })));
    expect(r.conflicts).toEqual([]);
    expect(get(r, "aaa1")!.depends_on).toEqual(["zzz9"]);
  });
});

describe("emitMergeResult", () => {
  it("is exactly the canonical file when there is no conflict", () => {
    const base = file(task("aaa1"));
    const r = mergeTaskFiles(
      base,
      file(task("aaa1"), task("bbb2", {}, T1)),
      file(task("aaa1"), task("ccc3", {}, T2)),
    );
    expect(emitMergeResult(r)).toBe(emitTaskFile(r.file));
    expect(emitMergeResult(mergeTaskFiles(file(), file(), file()))).toBe(emitTaskFile(file()));
  });

  it("puts markers around the conflicting task only; the rest reads back as the clean merge", () => {
    const base = file(task("aaa1"), task("bbb2", {}, T1), task("ccc3", {}, T2));
    const ours = file(task("aaa1"), task("bbb2", { status: "done", updated: T1 }, T1), task("ccc3", {}, T2));
    const theirs = file(
      task("aaa1"),
      task("bbb2", { status: "cancelled", updated: T2 }, T1),
      task("ccc3", {}, T2),
    );
    const r = mergeTaskFiles(base, ours, theirs);
    const text = emitMergeResult(r);
    expect(text.split(MARKER_OURS)).toHaveLength(2);
    const start = text.indexOf(MARKER_OURS);
    const end = text.indexOf(MARKER_THEIRS) + MARKER_THEIRS.length;
    const inside = text.slice(start, end);
    expect(inside).toContain("id: bbb2");
    expect(inside).not.toContain("aaa1");
    expect(inside).not.toContain("ccc3");
    expect(inside).toContain("status: done");
    expect(inside).toContain("status: cancelled");
    // Outside the markers: the cleanly merged tasks, in canonical order around the block.
    expect(text.indexOf("id: aaa1")).toBeLessThan(start);
    expect(text.indexOf("id: ccc3")).toBeGreaterThan(end);
    expect(parseCanonical(text.slice(0, start) + text.slice(end))).toEqual(r.file);
    // The fast reader refuses the file with markers.
    expect(parseCanonical(text)).toBeNull();
    // Keeping the theirs side (what a human does) gives a canonical file with every task.
    const sep = text.indexOf(MARKER_SEP, start);
    const keptTheirs =
      text.slice(0, start) +
      text.slice(sep + MARKER_SEP.length + 1, text.indexOf(MARKER_THEIRS)) +
      text.slice(end + 1);
    const parsed = parseCanonical(keptTheirs);
    expect(parsed?.tasks.map((t) => [t.id, t.status])).toEqual([
      ["aaa1", "pending"],
      ["bbb2", "cancelled"],
      ["ccc3", "pending"],
    ]);
  });

  it("writes an empty side for a deleted task and a tasks list when only conflicts remain", () => {
    const base = file(task("aaa1"));
    const r = mergeTaskFiles(base, file(), file(task("aaa1", { phase: "p1" })));
    const text = emitMergeResult(r);
    expect(text).toContain(`tasks:\n${MARKER_OURS}\n${MARKER_SEP}\n  - id: aaa1`);
    expect(text.endsWith(`${MARKER_THEIRS}\n`)).toBe(true);
  });
});

describe("duplicateIds", () => {
  it("finds ids that occur twice in one file", () => {
    expect(duplicateIds(file(task("aaa1"), task("bbb2"), task("aaa1", { title: "copy" })))).toEqual(["aaa1"]);
    expect(duplicateIds(file(task("aaa1"), task("bbb2")))).toEqual([]);
  });
});
