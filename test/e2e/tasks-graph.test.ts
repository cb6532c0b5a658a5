// `wm tasks graph` through the built CLI, on the seed's section 8 graph.
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanupTemp, tempRepo, wm, wmJson } from "../helpers/cli.js";
import { parseDot, parseMermaid, traceAscii } from "../helpers/graph-parse.js";

afterAll(cleanupTemp);

interface GraphData {
  nodes: Array<{
    id: string;
    title: string | null;
    type: string | null;
    status: string | null;
    layer: number;
    external: boolean;
    missing: boolean;
  }>;
  edges: Array<{ from: string; to: string }>;
}

function create(repo: string, args: string[]): string {
  const r = wm(repo, ["tasks", "create", ...args]);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.trim();
}

let repo: string;
const ids: Record<string, string> = {};

/** The seed's expected graph: Analysis -> Backup -> Impl -> Config -> Staging -> {Rollback, Docs}. */
beforeAll(() => {
  repo = tempRepo();
  ids.epic = create(repo, ["--title=GH#239: Infrastructure upgrade", "--type=epic", "--issue=239"]);
  const chain: Array<[string, string, string, string?]> = [
    ["analysis", "GH#239: Analyze current infrastructure", "impl"],
    ["backup", "GH#239: Create backups/snapshots", "impl", "analysis"],
    ["impl", "GH#239: Implement infrastructure changes", "impl", "backup"],
    ["config", "GH#239: Update configuration", "impl", "impl"],
    ["staging", "GH#239: Deploy and verify on staging", "verify", "config"],
    ["rollback", "GH#239: Test rollback procedure", "verify", "staging"],
    ["docs", "GH#239: Update documentation", "impl", "staging"],
  ];
  for (const [key, title, type, dep] of chain) {
    const args = [`--title=${title}`, `--type=${type}`, "--issue=239"];
    if (dep !== undefined) args.push(`--depends-on=${ids[dep]}`);
    ids[key] = create(repo, args);
  }
  // Another issue's task, so that --issue really filters.
  ids.other = create(repo, ["--title=GH#7: Unrelated", "--type=impl", "--issue=7"]);
});

const seedEdges = () =>
  [
    ["analysis", "backup"],
    ["backup", "impl"],
    ["impl", "config"],
    ["config", "staging"],
    ["staging", "rollback"],
    ["staging", "docs"],
  ]
    .map(([a, b]) => `${ids[a!]}->${ids[b!]}`)
    .sort();

describe("wm tasks graph", () => {
  it("draws the seed's graph as boxes and arrows for --issue=239", () => {
    const r = wm(repo, ["tasks", "graph", "--issue=239"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    const out = r.stdout;
    expect(out.split("\n")[0]).toBe(`epic [ ] ${ids.epic}  GH#239: Infrastructure upgrade`);
    const traced = traceAscii(out);
    expect(traced.problems).toEqual([]);
    expect(traced.drawn).toEqual(seedEdges());
    expect(traced.noted).toEqual([]);
    expect(traced.boxes.map((b) => b.id).sort()).toEqual(
      ["analysis", "backup", "impl", "config", "staging", "rollback", "docs"].map((k) => ids[k]).sort(),
    );
    expect(traced.boxes.find((b) => b.id === ids.analysis)!.lines[0]).toBe("Analyze current infrastructure");
    expect(out).not.toContain(ids.other);
    // The fan-out at the end: a split connector, then two arrows on the next line.
    const lines = out.split("\n");
    const arrows = lines.findIndex((l) => /^\s*v\s+v$/.test(l));
    expect(arrows).toBeGreaterThan(1);
    expect(lines[arrows - 1]).toMatch(/^\s*\+-+\+-+\+$/);
    expect(lines[arrows - 2]!.trim()).toBe("|");
    // The two arrows sit at the two ends of the split connector.
    expect(lines[arrows]!.indexOf("v")).toBe(lines[arrows - 1]!.indexOf("+"));
    expect(lines[arrows]!.lastIndexOf("v")).toBe(lines[arrows - 1]!.lastIndexOf("+"));
  });

  it("prints a mermaid flowchart with --format mermaid", () => {
    const r = wm(repo, ["tasks", "graph", "--issue=239", "--format", "mermaid"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.startsWith("flowchart TD\n")).toBe(true);
    const m = parseMermaid(r.stdout.trimEnd());
    expect(m.edges.map(([a, b]) => `${a}->${b}`).sort()).toEqual(seedEdges());
    expect(m.nodes.get(ids.staging!)!.label).toBe(`Deploy and verify on staging\n[ ] ${ids.staging}`);
  });

  it("prints a Graphviz digraph with --format dot", () => {
    const r = wm(repo, ["tasks", "graph", "--issue=239", "--format=dot"]);
    expect(r.code, r.stderr).toBe(0);
    const d = parseDot(r.stdout.trimEnd());
    expect(d.nodes.size).toBe(8);
    expect(d.edges.map(([a, b]) => `${a}->${b}`).sort()).toEqual(seedEdges());
    // When Graphviz happens to be installed, it must accept the file too.
    const which = spawnSync("sh", ["-c", "command -v dot"], { encoding: "utf8" });
    if (which.status === 0) {
      const svg = spawnSync("dot", ["-Tsvg"], { input: r.stdout, encoding: "utf8" });
      expect(svg.status, svg.stderr).toBe(0);
      expect(svg.stdout).toContain("<svg");
    }
  });

  it("gives the json graph with --json whatever the --format, and the same with --format=json", () => {
    const data = wmJson<GraphData>(repo, ["tasks", "graph", "--issue=239", "--format=mermaid"]);
    expect(data.nodes).toHaveLength(8);
    expect(data.edges.map((e) => `${e.from}->${e.to}`).sort()).toEqual(seedEdges());
    const layer = Object.fromEntries(data.nodes.map((n) => [n.id, n.layer]));
    expect(layer[ids.analysis!]).toBe(0);
    expect(layer[ids.staging!]).toBe(4);
    expect(layer[ids.rollback!]).toBe(5);
    expect(layer[ids.docs!]).toBe(5);
    const text = wm(repo, ["tasks", "graph", "--issue=239", "--format=json"]);
    expect(text.code).toBe(0);
    expect(JSON.parse(text.stdout)).toEqual(data);
    const envelope = JSON.parse(wm(repo, ["tasks", "graph", "--json"]).stdout);
    expect(envelope.kind).toBe("task-graph");
    expect(envelope.data.nodes).toHaveLength(9);
  });

  it("rejects an unknown --format with exit 2 and the list of valid ones", () => {
    const r = wm(repo, ["tasks", "graph", "--format=png"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain('unknown --format "png"');
    expect(r.stderr).toContain("ascii, mermaid, dot, json");
    const j = wm(repo, ["tasks", "graph", "--format=svg", "--json"]);
    expect(j.code).toBe(2);
    expect(j.stdout).toBe("");
    expect(JSON.parse(j.stderr).error.exitCode).toBe(2);
  });

  it("shows a dependency on another issue's task as an outside node", () => {
    const r2 = tempRepo();
    const base = create(r2, ["--title=GH#7: Build the base image", "--type=impl", "--issue=7"]);
    const mine = create(r2, [
      "--title=GH#8: Use the base image",
      "--type=impl",
      "--issue=8",
      `--depends-on=${base}`,
    ]);
    const out = wm(r2, ["tasks", "graph", "--issue=8"]);
    expect(out.code, out.stderr).toBe(0);
    const traced = traceAscii(out.stdout);
    expect(traced.drawn).toEqual([`${base}->${mine}`]);
    expect(traced.boxes.find((b) => b.id === base)!.outside).toBe(true);
    const data = wmJson<GraphData>(r2, ["tasks", "graph", "--issue=8"]);
    expect(data.nodes.find((n) => n.id === base)).toMatchObject({ external: true, missing: false });
  });

  it("prints no tasks when there are none", () => {
    const r = wm(tempRepo(), ["tasks", "graph"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe("no tasks\n");
  });
});
