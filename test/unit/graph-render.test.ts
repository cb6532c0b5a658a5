import { describe, expect, it } from "vitest";
import {
  buildGraph,
  renderAscii,
  renderDot,
  renderGraph,
  renderMermaid,
  shortTitle,
  type TaskGraph,
} from "../../src/core/graph-render.js";
import type { Task, TaskStatus, TaskType } from "../../src/core/task.js";
import { parseDot, parseMermaid, traceAscii } from "../helpers/graph-parse.js";

let clock = 0;
function task(
  id: string,
  title: string,
  deps: string[] = [],
  extra: { type?: TaskType; status?: TaskStatus; issue?: number; parent?: string } = {},
): Task {
  clock++;
  const t: Task = {
    id,
    title,
    type: extra.type ?? "impl",
    status: extra.status ?? "pending",
    depends_on: deps,
    created: `2025-01-01T00:00:${String(clock % 60).padStart(2, "0")}Z`,
    updated: "2025-01-01T00:00:00Z",
  };
  if (extra.issue !== undefined) t.issue = extra.issue;
  if (extra.parent !== undefined) t.parent = extra.parent;
  return t;
}

/** The seed's section 8: an epic, then a chain of 5 with a fan-out of 2 at the end. */
function seedTasks(): Task[] {
  const p = { issue: 239, parent: "e9p1c0" };
  return [
    task("e9p1c0", "GH#239: Infrastructure upgrade", [], { type: "epic", issue: 239 }),
    task("k3x9ma", "GH#239: Analyze current infrastructure", [], { ...p, status: "done" }),
    task("b7c2d1", "GH#239: Create backups/snapshots", ["k3x9ma"], { ...p, status: "done" }),
    task("m4p1em", "GH#239: Implement infrastructure changes", ["b7c2d1"], { ...p, status: "in_progress" }),
    task("c0nf1g", "GH#239: Update configuration", ["m4p1em"], p),
    task("s7ag3n", "GH#239: Deploy and verify on staging", ["c0nf1g"], { ...p, type: "verify" }),
    task("r8bk2t", "GH#239: Test rollback procedure", ["s7ag3n"], { ...p, type: "verify" }),
    task("d0c5zz", "GH#239: Update documentation", ["s7ag3n"], p),
  ];
}

const SEED_DRAWING = `epic [ ] e9p1c0  GH#239: Infrastructure upgrade

                    +-----------------------------------+
                    |  Analyze current infrastructure   |
                    |            [x] k3x9ma             |
                    +-----------------+-----------------+
                                      |
                                      v
                    +-----------------------------------+
                    |     Create backups/snapshots      |
                    |            [x] b7c2d1             |
                    +-----------------+-----------------+
                                      |
                                      v
                    +-----------------------------------+
                    | Implement infrastructure changes  |
                    |            [~] m4p1em             |
                    +-----------------+-----------------+
                                      |
                                      v
                    +-----------------------------------+
                    |       Update configuration        |
                    |            [ ] c0nf1g             |
                    +-----------------+-----------------+
                                      |
                                      v
                    +-----------------------------------+
                    |   Deploy and verify on staging    |
                    |            [ ] s7ag3n             |
                    +-----------------+-----------------+
                                      |
                  +-------------------+-------------------+
                  v                                       v
+-----------------------------------+   +-----------------------------------+
|      Test rollback procedure      |   |       Update documentation        |
|            [ ] r8bk2t             |   |            [ ] d0c5zz             |
+-----------------------------------+   +-----------------------------------+`;

const DIAMOND_DRAWING = `           +-----------------+
           |     Design      |
           |   [x] aaaaaa    |
           +--------+--------+
                    |
         +----------+----------+
         v                     v
+-----------------+   +-----------------+
|    Build API    |   |    Build UI     |
|   [ ] bbbbbb    |   |   [ ] cccccc    |
+--------+--------+   +--------+--------+
         |                     |
         +----------+----------+
                    v
           +-----------------+
           |     Release     |
           |   [ ] dddddd    |
           +-----------------+`;

const edgeList = (g: TaskGraph) => g.edges.map((e) => `${e.from}->${e.to}`).sort();

/** Every edge of the graph is on the page exactly once: drawn as a connector or written as a note. */
function expectEveryEdgeOnce(g: TaskGraph, text: string) {
  const traced = traceAscii(text);
  expect(traced.problems).toEqual([]);
  const shown = [...traced.drawn, ...traced.noted].sort();
  expect(shown).toEqual(edgeList(g));
  const boxIds = traced.boxes.map((b) => b.id).sort();
  expect(boxIds).toEqual(
    g.nodes
      .filter((n) => n.type !== "epic" || g.edges.some((e) => e.from === n.id || e.to === n.id))
      .map((n) => n.id)
      .sort(),
  );
  return traced;
}

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe("ascii", () => {
  it("draws the seed's graph the way the seed's section 8 draws it", () => {
    const g = buildGraph(seedTasks());
    expect(renderAscii(g)).toBe(SEED_DRAWING);
    const traced = expectEveryEdgeOnce(g, SEED_DRAWING);
    expect(traced.noted).toEqual([]);
    expect(traced.drawn).toHaveLength(6);
  });

  it("draws a diamond as a fan-out then a fan-in", () => {
    const tasks = [
      task("aaaaaa", "Design", [], { status: "done" }),
      task("bbbbbb", "Build API", ["aaaaaa"]),
      task("cccccc", "Build UI", ["aaaaaa"]),
      task("dddddd", "Release", ["bbbbbb", "cccccc"]),
    ];
    const g = buildGraph(tasks);
    const text = renderAscii(g);
    expect(text).toBe(DIAMOND_DRAWING);
    expect(expectEveryEdgeOnce(g, text).noted).toEqual([]);
  });

  it("shows an edge that skips a layer as an after: note in the later box", () => {
    const tasks = [
      task("aaaaaa", "First"),
      task("bbbbbb", "Second", ["aaaaaa"]),
      task("cccccc", "Third", ["bbbbbb", "aaaaaa"]),
    ];
    const g = buildGraph(tasks);
    const text = renderAscii(g);
    const traced = expectEveryEdgeOnce(g, text);
    expect(traced.drawn).toEqual(["aaaaaa->bbbbbb", "bbbbbb->cccccc"]);
    expect(traced.noted).toEqual(["aaaaaa->cccccc"]);
    const third = traced.boxes.find((b) => b.id === "cccccc")!;
    expect(third.lines).toContain("after: aaaaaa");
    expect(text).toContain("after: X = X comes first");
  });

  it("never merges a crossing group into one connector (K2,2)", () => {
    const tasks = [
      task("aaaaaa", "A"),
      task("bbbbbb", "B"),
      task("cccccc", "C", ["aaaaaa", "bbbbbb"]),
      task("dddddd", "D", ["aaaaaa", "bbbbbb"]),
    ];
    const g = buildGraph(tasks);
    const traced = expectEveryEdgeOnce(g, renderAscii(g));
    // Two of the four edges share a star; the other two cannot be drawn without ambiguity.
    expect(traced.drawn).toHaveLength(2);
    expect(traced.noted).toHaveLength(2);
  });

  it("renders cycle-free random DAGs of 50 nodes with every edge shown once", () => {
    for (let seed = 1; seed <= 40; seed++) {
      const rand = rng(seed);
      const n = 50;
      const p = 0.02 + (seed % 8) * 0.02;
      const ids = Array.from({ length: n }, (_, i) => `n${i.toString(36).padStart(5, "0")}`);
      const statuses: TaskStatus[] = ["pending", "in_progress", "blocked", "done", "cancelled"];
      const tasks = ids.map((id, j) => {
        const deps = ids.slice(0, j).filter(() => rand() < p);
        return task(id, `task ${j} ${"x".repeat(Math.floor(rand() * 40))}`, deps, {
          status: statuses[Math.floor(rand() * statuses.length)]!,
        });
      });
      // Shuffle the input order so layers do not simply follow it.
      for (let i = tasks.length - 1; i > 0; i--) {
        const k = Math.floor(rand() * (i + 1));
        [tasks[i], tasks[k]] = [tasks[k]!, tasks[i]!];
      }
      const g = buildGraph(tasks);
      const text = renderAscii(g);
      expectEveryEdgeOnce(g, text);
      // Layers are longest paths: every edge goes down, every non-root sits just below one parent.
      const layer = new Map(g.nodes.map((x) => [x.id, x.layer]));
      for (const e of g.edges) expect(layer.get(e.to)!).toBeGreaterThan(layer.get(e.from)!);
      for (const x of g.nodes) {
        if (x.layer === 0) continue;
        expect(g.edges.some((e) => e.to === x.id && layer.get(e.from) === x.layer - 1)).toBe(true);
      }
    }
  });

  it("renders a cycle from a hand-edited file without losing an edge", () => {
    const tasks = [
      task("aaaaaa", "A", ["cccccc"]),
      task("bbbbbb", "B", ["aaaaaa"]),
      task("cccccc", "C", ["bbbbbb"]),
      task("dddddd", "D", ["dddddd"]),
    ];
    const g = buildGraph(tasks);
    const text = renderAscii(g);
    expectEveryEdgeOnce(g, text);
    expect(text).toContain("warning: the dependencies form a cycle");
  });

  it("shows dependencies outside the selection and missing ones as marked nodes", () => {
    const other = task("zzzzzz", "GH#7: Shared base image", [], { issue: 7, status: "done" });
    const mine = task("aaaaaa", "GH#239: Use the base image", ["zzzzzz", "qqqqqq"], { issue: 239 });
    const g = buildGraph([mine], [other, mine]);
    expect(g.nodes).toEqual([
      {
        id: "aaaaaa",
        title: "GH#239: Use the base image",
        type: "impl",
        status: "pending",
        layer: 1,
        external: false,
        missing: false,
      },
      {
        id: "zzzzzz",
        title: "GH#7: Shared base image",
        type: "impl",
        status: "done",
        layer: 0,
        external: true,
        missing: false,
      },
      { id: "qqqqqq", title: null, type: null, status: null, layer: 0, external: true, missing: true },
    ]);
    expect(edgeList(g)).toEqual(["qqqqqq->aaaaaa", "zzzzzz->aaaaaa"]);
    const text = renderAscii(g);
    const traced = expectEveryEdgeOnce(g, text);
    const outside = traced.boxes.find((b) => b.id === "zzzzzz")!;
    expect(outside.outside).toBe(true);
    expect(outside.lines[0]).toBe("Shared base image");
    const missing = traced.boxes.find((b) => b.id === "qqqqqq")!;
    expect(missing.mark).toBe("[?]");
    expect(missing.lines[0]).toBe("(missing task)");
    expect(text).toContain("(outside) = a dependency outside the selection");
    expect(text).toContain("[?] = a dependency that names no task");
  });

  it("renders no tasks for empty input, and an edge-less epic as a header line", () => {
    expect(renderAscii(buildGraph([]))).toBe("no tasks");
    const epic = task("e9p1c0", "GH#1: Lonely epic", [], { type: "epic" });
    expect(renderAscii(buildGraph([epic]))).toBe("epic [ ] e9p1c0  GH#1: Lonely epic");
    // An epic that takes part in dependencies is a box like any other.
    const after = task("aaaaaa", "After the epic", ["e9p1c0"]);
    const g = buildGraph([epic, after]);
    expect(traceAscii(renderAscii(g)).drawn).toEqual(["e9p1c0->aaaaaa"]);
  });

  it("strips the GH#N: prefix and truncates long titles with an ellipsis", () => {
    expect(shortTitle("GH#239: Analyze current infrastructure")).toBe("Analyze current infrastructure");
    expect(shortTitle("GH#239:")).toBe("GH#239:");
    const long = "GH#5: A very long title that goes on and on well past any reasonable box width";
    const g = buildGraph([task("aaaaaa", long)]);
    const text = renderAscii(g, { maxBoxWidth: 21 });
    const box = traceAscii(text).boxes[0]!;
    expect(box.right - box.left + 1).toBe(21);
    expect(box.lines[0]).toBe("A very long titl…");
    expect(text).not.toContain("GH#5");
  });

  it("shrinks boxes to fit a given width", () => {
    const titles = ["Migrate the primary database cluster", "Rotate every credential in the vault", "Z"];
    const tasks = [task("aaaaaa", "Start"), ...titles.map((t, i) => task(`b${i}bbbb`, t, ["aaaaaa"]))];
    const g = buildGraph(tasks);
    const wide = renderAscii(g);
    expect(Math.max(...wide.split("\n").map((l) => l.length))).toBeGreaterThan(80);
    const narrow = renderAscii(g, { width: 80 });
    expect(Math.max(...narrow.split("\n").map((l) => l.length))).toBeLessThanOrEqual(80);
    expect(narrow).toContain("…");
    expectEveryEdgeOnce(g, narrow);
  });
});

/** Hostile titles, each with what its label must read: one line, no control characters, no GH#N: prefix. */
const HOSTILE: Array<[string, string]> = [
  ['Say "hi"] --> evil; end', 'Say "hi"] --> evil; end'],
  ["GH#12: a#b <script>alert(1)</script> & #35; entity", "a#b <script>alert(1)</script> & #35; entity"],
  ['back\\slash \\N \\" and `tick`', 'back\\slash \\N \\" and `tick`'],
  ["multi\nline\r\n\ttabs", "multi line tabs"],
  ["{braces} [brackets] (parens) |pipes| ;semi", "{braces} [brackets] (parens) |pipes| ;semi"],
  ["\u001b[31mred\u001b[0m \u202eevil", "[31mred [0m evil"],
  ["classDef x fill:#f00", "classDef x fill:#f00"],
  ['"', '"'],
];

function hostileTasks(): Task[] {
  const tasks = HOSTILE.map(([title], i) => task(`h${i}hhhh`, title, i === 0 ? [] : ["h0hhhh"]));
  tasks.push(task("endend", "depends on a missing id", ["end", "h1hhhh"]));
  return tasks;
}

describe("hostile titles in ascii", () => {
  it("prints no control characters and keeps every box intact", () => {
    const g = buildGraph(hostileTasks());
    const text = renderAscii(g);
    const controls = [...text].filter((ch) => {
      const cp = ch.codePointAt(0)!;
      return (cp < 0x20 && ch !== "\n") || (cp >= 0x7f && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e);
    });
    expect(controls).toEqual([]);
    expectEveryEdgeOnce(g, text);
  });
});

describe("mermaid", () => {
  it("is a flowchart TD with task ids as node ids, edges from dependency to dependent, status classes", () => {
    const g = buildGraph(seedTasks());
    const text = renderMermaid(g);
    expect(text.startsWith("flowchart TD\n")).toBe(true);
    const m = parseMermaid(text);
    expect([...m.nodes.keys()].sort()).toEqual(g.nodes.map((n) => n.id).sort());
    expect(m.edges.map(([a, b]) => `${a}->${b}`).sort()).toEqual(edgeList(g));
    expect(m.nodes.get("k3x9ma")!.label).toBe("Analyze current infrastructure\n[x] k3x9ma");
    expect(m.classes.get("done")!.sort()).toEqual(["b7c2d1", "k3x9ma"]);
    expect(m.classes.get("in_progress")).toEqual(["m4p1em"]);
    expect(m.nodes.get("e9p1c0")!.shape).toBe("[[");
  });

  it("keeps hostile titles inside their labels", () => {
    const g = buildGraph(hostileTasks());
    const m = parseMermaid(renderMermaid(g));
    expect(m.nodes.size).toBe(HOSTILE.length + 2);
    expect(m.edges).toHaveLength(g.edges.length);
    HOSTILE.forEach(([, shown], i) => {
      expect(m.nodes.get(`h${i}hhhh`)!.label).toBe(`${shown}\n[ ] h${i}hhhh`);
    });
    // "end" is a mermaid keyword: its node gets a safe id, and the edge still reaches it.
    const missing = [...m.nodes].find(([, v]) => v.label.endsWith("[?] end"))!;
    expect(missing[0]).not.toBe("end");
    expect(m.edges).toContainEqual([missing[0], "endend"]);
    expect(m.classes.get("missing")).toEqual([missing[0]]);
  });

  it("is a valid empty flowchart for no tasks", () => {
    const m = parseMermaid(renderMermaid(buildGraph([])));
    expect(m.nodes.size).toBe(0);
  });
});

describe("dot", () => {
  it("is a digraph whose nodes and edges are the graph's", () => {
    const g = buildGraph(seedTasks());
    const d = parseDot(renderDot(g));
    expect(d.name).toBe("tasks");
    expect([...d.nodes.keys()].sort()).toEqual(g.nodes.map((n) => n.id).sort());
    expect(d.edges.map(([a, b]) => `${a}->${b}`).sort()).toEqual(edgeList(g));
    expect(d.nodes.get("k3x9ma")!.label).toBe("Analyze current infrastructure\\n[x] k3x9ma");
    expect(d.nodes.get("k3x9ma")!.class).toBe("done");
  });

  it("keeps hostile titles inside their labels", () => {
    const g = buildGraph(hostileTasks());
    const d = parseDot(renderDot(g));
    expect(d.nodes.size).toBe(HOSTILE.length + 2);
    expect(d.edges.map(([a, b]) => `${a}->${b}`).sort()).toEqual(edgeList(g));
    HOSTILE.forEach(([, shown], i) => {
      // The parser undoes \" and \\ only, so a title's own backslash reads back as one backslash.
      expect(d.nodes.get(`h${i}hhhh`)!.label).toBe(`${shown}\\n[ ] h${i}hhhh`);
    });
    expect(d.nodes.get("end")!.class).toBe("missing");
  });

  it("is a valid empty digraph for no tasks", () => {
    const d = parseDot(renderDot(buildGraph([])));
    expect(d.nodes.size).toBe(0);
    expect(d.edges).toEqual([]);
  });
});

describe("json", () => {
  it("lists nodes with their layer and edges from dependency to dependent", () => {
    const tasks = [task("aaaaaa", "A", [], { status: "done" }), task("bbbbbb", "B", ["aaaaaa"])];
    const g = buildGraph(tasks);
    expect(JSON.parse(renderGraph(g, "json"))).toEqual({
      nodes: [
        { id: "aaaaaa", title: "A", type: "impl", status: "done", layer: 0, external: false, missing: false },
        {
          id: "bbbbbb",
          title: "B",
          type: "impl",
          status: "pending",
          layer: 1,
          external: false,
          missing: false,
        },
      ],
      edges: [{ from: "aaaaaa", to: "bbbbbb" }],
    });
  });

  it("uses the longest path from a root as the layer, and ignores epic parents", () => {
    const tasks = [
      task("eeeeee", "Epic", [], { type: "epic" }),
      task("aaaaaa", "A", [], { parent: "eeeeee" }),
      task("bbbbbb", "B", ["aaaaaa"], { parent: "eeeeee" }),
      task("cccccc", "C", ["aaaaaa", "bbbbbb"], { parent: "eeeeee" }),
      task("dddddd", "D", ["aaaaaa", "aaaaaa"]),
    ];
    const g = buildGraph(tasks);
    expect(Object.fromEntries(g.nodes.map((n) => [n.id, n.layer]))).toEqual({
      eeeeee: 0,
      aaaaaa: 0,
      bbbbbb: 1,
      cccccc: 2,
      dddddd: 1,
    });
    // No parent edges; the duplicate dependency is one edge.
    expect(edgeList(g)).toEqual(["aaaaaa->bbbbbb", "aaaaaa->cccccc", "aaaaaa->dddddd", "bbbbbb->cccccc"]);
  });
});
