import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../../src/core/diagnostics.js";
import {
  blockers,
  checkGraph,
  cycleIfAdded,
  dependentsOf,
  findCycles,
  indexTasks,
  readyTasks,
} from "../../src/core/graph.js";
import type { Evidence, Task, TaskStatus, TaskType } from "../../src/core/task.js";

let clock = 0;
function task(
  id: string,
  opts: {
    deps?: string[];
    status?: TaskStatus;
    type?: TaskType;
    parent?: string;
    evidence?: Evidence;
  } = {},
): Task {
  const at = new Date(Date.UTC(2024, 0, 1) + clock++ * 1000).toISOString();
  const t: Task = {
    id,
    title: `task ${id}`,
    type: opts.type ?? "impl",
    status: opts.status ?? "pending",
    depends_on: opts.deps ?? [],
    created: at,
    updated: at,
  };
  if (opts.parent !== undefined) t.parent = opts.parent;
  if (opts.evidence !== undefined) t.evidence = opts.evidence;
  return t;
}

/** Checks that `path` is a closed walk along depends_on edges, with `added` as an extra edge. */
function isClosedWalk(tasks: Task[], path: string[], added?: [string, string]): boolean {
  if (path.length < 2 || path[0] !== path[path.length - 1]) return false;
  const index = indexTasks(tasks);
  for (let i = 0; i + 1 < path.length; i++) {
    const [a, b] = [path[i]!, path[i + 1]!];
    const edge = index.get(a)?.depends_on.includes(b) || (added && added[0] === a && added[1] === b);
    if (!edge) return false;
  }
  return true;
}

const rules = (d: Diagnostic[]) => d.map((x) => x.rule).sort();

describe("cycleIfAdded", () => {
  it("returns the whole cycle, from the new edge's source back to it", () => {
    // a -> b -> c -> d (a depends on b, ...). Adding d -> a closes a 4-cycle.
    const tasks = [
      task("aaaa", { deps: ["bbbb"] }),
      task("bbbb", { deps: ["cccc"] }),
      task("cccc", { deps: ["dddd"] }),
      task("dddd"),
    ];
    const cycle = cycleIfAdded(indexTasks(tasks), "dddd", "aaaa");
    expect(cycle).toEqual(["dddd", "aaaa", "bbbb", "cccc", "dddd"]);
    expect(isClosedWalk(tasks, cycle!, ["dddd", "aaaa"])).toBe(true);
  });

  it("finds the path through a branching graph, not just a neighbour", () => {
    const tasks = [
      task("aaaa", { deps: ["xxxx", "bbbb"] }),
      task("xxxx", { deps: ["yyyy"] }),
      task("yyyy"),
      task("bbbb", { deps: ["cccc", "zzzz"] }),
      task("zzzz"),
      task("cccc", { deps: ["eeee"] }),
      task("eeee"),
    ];
    const cycle = cycleIfAdded(indexTasks(tasks), "eeee", "aaaa");
    expect(cycle).toEqual(["eeee", "aaaa", "bbbb", "cccc", "eeee"]);
  });

  it("a two-cycle and a self-dependency", () => {
    const tasks = [task("aaaa", { deps: ["bbbb"] }), task("bbbb")];
    expect(cycleIfAdded(indexTasks(tasks), "bbbb", "aaaa")).toEqual(["bbbb", "aaaa", "bbbb"]);
    expect(cycleIfAdded(indexTasks(tasks), "aaaa", "aaaa")).toEqual(["aaaa", "aaaa"]);
  });

  it("returns null when the edge closes no cycle (including a diamond)", () => {
    const tasks = [
      task("aaaa", { deps: ["bbbb", "cccc"] }),
      task("bbbb", { deps: ["dddd"] }),
      task("cccc", { deps: ["dddd"] }),
      task("dddd"),
    ];
    const index = indexTasks(tasks);
    expect(cycleIfAdded(index, "aaaa", "dddd")).toBeNull();
    expect(cycleIfAdded(index, "bbbb", "cccc")).toBeNull();
    expect(cycleIfAdded(index, "dddd", "eeee")).toBeNull(); // unknown target: nothing to close
    expect(cycleIfAdded(index, "dddd", "bbbb")).toEqual(["dddd", "bbbb", "dddd"]);
  });
});

describe("findCycles", () => {
  it("finds no cycle in a DAG", () => {
    const tasks = [task("aaaa", { deps: ["bbbb", "cccc"] }), task("bbbb", { deps: ["cccc"] }), task("cccc")];
    expect(findCycles(indexTasks(tasks))).toEqual([]);
  });

  it("finds each cycle as a closed path of real edges", () => {
    const tasks = [
      task("aaaa", { deps: ["bbbb"] }),
      task("bbbb", { deps: ["cccc"] }),
      task("cccc", { deps: ["aaaa"] }),
      task("dddd", { deps: ["eeee"] }),
      task("eeee", { deps: ["dddd"] }),
      task("ffff", { deps: ["ffff"] }),
      task("gggg", { deps: ["aaaa", "nope"] }), // leads into a cycle and to a missing task, is not on one
    ];
    const cycles = findCycles(indexTasks(tasks));
    expect(cycles).toHaveLength(3);
    for (const c of cycles) expect(isClosedWalk(tasks, c)).toBe(true);
    const members = cycles.map((c) => [...new Set(c)].sort().join(","));
    expect(members.sort()).toEqual(["aaaa,bbbb,cccc", "dddd,eeee", "ffff"]);
  });
});

describe("readyTasks and blockers", () => {
  it("a task is ready when every dependency is done or cancelled", () => {
    const tasks = [
      task("aaaa", { status: "done" }),
      task("bbbb", { status: "cancelled" }),
      task("cccc", { deps: ["aaaa", "bbbb"] }),
      task("dddd", { deps: ["aaaa", "eeee"] }),
      task("eeee", { status: "in_progress" }),
      task("ffff", { deps: ["gggg"] }),
      task("gggg", { status: "blocked" }),
      task("hhhh", { deps: ["zzzz"] }), // dangling dependency: never ready
      task("jjjj"),
    ];
    expect(readyTasks(tasks).map((t) => t.id)).toEqual(["cccc", "jjjj"]);
    const index = indexTasks(tasks);
    expect(blockers(tasks[3]!, index)).toEqual([`waits for eeee (in_progress): task eeee`]);
    expect(blockers(tasks[7]!, index)).toEqual(["depends on zzzz, which does not exist"]);
    expect(blockers(tasks[4]!, index)).toEqual(["status is in_progress"]);
  });

  it("only pending tasks are ready, in the order given", () => {
    const tasks = [
      task("bbbb"),
      task("aaaa"),
      task("cccc", { status: "blocked" }),
      task("dddd", { status: "done" }),
    ];
    expect(readyTasks(tasks).map((t) => t.id)).toEqual(["bbbb", "aaaa"]);
  });

  it("an epic is ready only once all its children are resolved", () => {
    const epic = task("eeee", { type: "epic" });
    const c1 = task("c111", { parent: "eeee", status: "done" });
    const c2 = task("c222", { parent: "eeee" });
    expect(readyTasks([epic, c1, c2]).map((t) => t.id)).toEqual(["c222"]);
    expect(blockers(epic, indexTasks([epic, c1, c2]))).toEqual(["epic has 1 open child task"]);
    c2.status = "in_progress";
    expect(readyTasks([epic, c1, c2]).map((t) => t.id)).toEqual([]);
    c2.status = "cancelled";
    expect(readyTasks([epic, c1, c2]).map((t) => t.id)).toEqual(["eeee"]);
    // A childless epic is ready like any task.
    expect(readyTasks([task("ffff", { type: "epic" })]).map((t) => t.id)).toEqual(["ffff"]);
  });

  it("dependentsOf lists the tasks that wait on one", () => {
    const tasks = [task("aaaa"), task("bbbb", { deps: ["aaaa"] }), task("cccc", { deps: ["bbbb", "aaaa"] })];
    expect(dependentsOf(indexTasks(tasks), "aaaa").map((t) => t.id)).toEqual(["bbbb", "cccc"]);
    expect(dependentsOf(indexTasks(tasks), "cccc")).toEqual([]);
  });
});

describe("checkGraph", () => {
  it("a sound graph has no findings", () => {
    const tasks = [
      task("eeee", { type: "epic", status: "done" }),
      task("aaaa", { parent: "eeee", status: "done" }),
      task("vvvv", {
        type: "verify",
        parent: "eeee",
        deps: ["aaaa"],
        status: "done",
        evidence: { text: "ran it", at: "2024-01-02T00:00:00Z" },
      }),
      task("bbbb", { deps: ["vvvv"] }),
      task("cccc", { deps: ["dddd"], status: "done" }),
      task("dddd", { status: "cancelled" }),
    ];
    expect(checkGraph(tasks)).toEqual([]);
  });

  it("duplicate id", () => {
    const d = checkGraph([task("aaaa"), task("aaaa")]);
    expect(rules(d)).toEqual(["task/duplicate-id"]);
    expect(d[0]!.tasks).toEqual(["aaaa"]);
    expect(d[0]!.severity).toBe("error");
  });

  it("dangling dependency", () => {
    const d = checkGraph([task("aaaa", { deps: ["zzzz"] })]);
    expect(rules(d)).toEqual(["task/dangling-dependency"]);
    expect(d[0]!.message).toContain("zzzz");
    expect(d[0]!.fix).toBe("wm tasks dep rm aaaa zzzz");
  });

  it("dangling parent", () => {
    const d = checkGraph([task("aaaa", { parent: "zzzz" })]);
    expect(rules(d)).toEqual(["task/dangling-parent"]);
    expect(d[0]!.tasks).toEqual(["aaaa"]);
  });

  it("done before its dependency", () => {
    for (const status of ["pending", "in_progress", "blocked"] as const) {
      const d = checkGraph([task("aaaa", { deps: ["bbbb"], status: "done" }), task("bbbb", { status })]);
      expect(rules(d)).toEqual(["task/done-before-dependency"]);
      expect(d[0]!.tasks).toEqual(["aaaa", "bbbb"]);
    }
  });

  it("epic done with open children", () => {
    const d = checkGraph([
      task("eeee", { type: "epic", status: "done" }),
      task("aaaa", { parent: "eeee", status: "blocked" }),
      task("bbbb", { parent: "eeee", status: "done" }),
      task("cccc", { parent: "eeee" }),
    ]);
    expect(rules(d)).toEqual(["task/epic-done-with-open-children"]);
    expect(d[0]!.tasks).toEqual(["eeee", "aaaa", "cccc"]);
    expect(d[0]!.message).toContain("2 child tasks are open");
  });

  it("verify done without evidence", () => {
    const d = checkGraph([task("vvvv", { type: "verify", status: "done" })]);
    expect(rules(d)).toEqual(["task/verify-without-evidence"]);
    // Other types may be done without evidence.
    expect(checkGraph([task("aaaa", { type: "impl", status: "done" })])).toEqual([]);
  });

  it("cycle, printing the whole path", () => {
    const d = checkGraph([
      task("aaaa", { deps: ["bbbb"] }),
      task("bbbb", { deps: ["cccc"] }),
      task("cccc", { deps: ["aaaa"] }),
    ]);
    expect(rules(d)).toEqual(["task/cycle"]);
    expect(d[0]!.message).toBe("dependency cycle: aaaa -> bbbb -> cccc -> aaaa");
    expect(d[0]!.tasks).toEqual(["aaaa", "bbbb", "cccc"]);
    expect(d[0]!.fix).toContain("wm tasks dep rm aaaa bbbb");
  });

  it("a dependency listed twice is a warning, and a cycle through it is reported once", () => {
    const d = checkGraph([
      task("aaaa", { deps: ["aaaa", "aaaa"] }),
      task("bbbb", { deps: ["cccc", "cccc"] }),
      task("cccc"),
    ]);
    expect(rules(d)).toEqual(["task/cycle", "task/duplicate-dependency", "task/duplicate-dependency"]);
    expect(d.find((x) => x.rule === "task/cycle")!.message).toBe("dependency cycle: aaaa -> aaaa");
    expect(d.find((x) => x.rule === "task/duplicate-dependency")!.severity).toBe("warning");
  });

  it("parent cycle", () => {
    const d = checkGraph([task("aaaa", { parent: "bbbb" }), task("bbbb", { parent: "aaaa" })]);
    expect(rules(d)).toEqual(["task/parent-cycle", "task/parent-cycle"]);
  });

  it("reports every problem of a bad graph at once", () => {
    const d = checkGraph([
      task("aaaa", { deps: ["bbbb"] }),
      task("bbbb", { deps: ["aaaa"] }),
      task("cccc", { deps: ["nope"], parent: "gone" }),
      task("vvvv", { type: "verify", status: "done" }),
      task("vvvv"),
    ]);
    expect(rules(d)).toEqual(
      [
        "task/cycle",
        "task/dangling-dependency",
        "task/dangling-parent",
        "task/duplicate-id",
        "task/verify-without-evidence",
      ].sort(),
    );
  });
});
