// Planning a Task Breakdown into the task graph (src/core/breakdown.ts), pure: breakdown text in, tasks out.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  applyBreakdown,
  type Breakdown,
  breakdownBlocks,
  phaseLabel,
  planBreakdown,
  readBreakdown,
} from "../../src/core/breakdown.js";
import { WmError } from "../../src/core/errors.js";
import { findCycles, indexTasks } from "../../src/core/graph.js";
import { parseSpec } from "../../src/core/spec/parse.js";
import type { Task, TaskFile } from "../../src/core/task.js";
import { taskCreateRules } from "../../src/services/spec-tasks.js";
import { REPO_ROOT } from "../helpers/cli.js";

const RULES = taskCreateRules();
const NOW = "2030-01-02T03:04:05.000Z";
const template = (name: string) => readFileSync(join(REPO_ROOT, "templates", "specs", `${name}.md`), "utf8");
const filled = (name: string, issue = 239) =>
  template(name)
    .replaceAll("{{ISSUE}}", String(issue))
    .replaceAll("{{ISSUE_NUMBER}}", String(issue))
    .replaceAll("{{FEATURE_TITLE}}", "Infrastructure upgrade");

async function fromSpec(text: string, issue: number | null = 239): Promise<Breakdown> {
  const model = await parseSpec(text, "spec.md");
  const found = breakdownBlocks(model);
  if (found === null) throw new Error("no breakdown");
  return readBreakdown("spec.md", found.blocks, issue, RULES);
}

/** A breakdown from bash lines written as one block starting at line 10. */
const fromLines = (lines: string[], issue: number | null = 239) =>
  readBreakdown("spec.md", [{ value: lines.join("\n"), line: 10 }], issue, RULES);

function ids(): (taken: (id: string) => boolean) => string {
  let n = 0;
  return (taken) => {
    for (;;) {
      const id = `t${String(++n).padStart(5, "0")}`;
      if (!taken(id)) return id;
    }
  };
}

function importInto(bd: Breakdown, file: TaskFile, newId = ids()) {
  return applyBreakdown(bd, planBreakdown(bd, file.tasks), file, {
    spec: "planning/specs/239-x.md",
    now: NOW,
    newId,
  });
}

/** Edges "dependency -> dependent" by title without the GH#N: prefix. */
function edges(tasks: readonly Task[]): string[] {
  const byId = new Map(tasks.map((t) => [t.id, t.title.replace(/^GH#\d+: /, "")]));
  return tasks.flatMap((t) => t.depends_on.map((d) => `${byId.get(d) ?? d} -> ${byId.get(t.id)}`)).sort();
}

const SHORT: Record<string, string> = {
  Analysis: "Analyze current infrastructure",
  Backup: "Create backups/snapshots",
  Impl: "Implement infrastructure changes",
  Config: "Update configuration",
  Staging: "Deploy and verify on staging",
  Rollback: "Test rollback procedure",
  Docs: "Update documentation",
};
/** The seed's "Dependency Graph (Expected)", box by box (checked against the drawing below). */
const SEED_EDGES = [
  ["Analysis", "Backup"],
  ["Backup", "Impl"],
  ["Impl", "Config"],
  ["Config", "Staging"],
  ["Staging", "Rollback"],
  ["Staging", "Docs"],
].map(([a, b]) => `${SHORT[a!]} -> ${SHORT[b!]}`);

describe("the seed's breakdown (infrastructure template)", () => {
  it("the expected edges are the ones the template draws", () => {
    const text = template("infrastructure");
    const drawing = text.slice(text.indexOf("### Dependency Graph (Expected)"));
    const labels = [...drawing.matchAll(/\|\s*([A-Za-z]+)\s*\|/g)].map((m) => m[1]);
    // Stacked boxes top to bottom, then the two boxes side by side under the fork after Staging.
    expect(labels.slice(0, 7)).toEqual([
      "Analysis",
      "Backup",
      "Impl",
      "Config",
      "Staging",
      "Rollback",
      "Docs",
    ]);
    expect(drawing).toMatch(
      /\| {2}Staging {2}\|\n\s+\+-----\+-----\+\n\s+\|\n\s+\+-----\+-----\+\n\s+v {11}v\n/,
    );
  });

  it("imports as 8 tasks whose graph is the seed's, under one epic, acyclic", async () => {
    const bd = await fromSpec(filled("infrastructure"));
    expect(bd.issue).toBe(239);
    const file: TaskFile = { version: 1, tasks: [] };
    const out = importInto(bd, file);
    expect(out).toHaveLength(8);
    expect(out.every((o) => o.action === "create")).toBe(true);
    expect(edges(file.tasks)).toEqual([...SEED_EDGES].sort());
    const epic = file.tasks.find((t) => t.type === "epic")!;
    expect(epic.title).toBe("GH#239: Infrastructure upgrade");
    expect(epic.depends_on).toEqual([]);
    expect(epic.parent).toBeUndefined();
    for (const t of file.tasks) {
      expect(t.issue).toBe(239);
      expect(t.spec).toBe("planning/specs/239-x.md");
      if (t !== epic) expect(t.parent, t.title).toBe(epic.id);
    }
    expect(findCycles(indexTasks(file.tasks))).toEqual([]);
    const phase = (s: string) => file.tasks.find((t) => t.title.endsWith(s))!.phase;
    expect([
      phase("Analyze current infrastructure"),
      phase("Update configuration"),
      phase("Test rollback procedure"),
      phase("Update documentation"),
    ]).toEqual(["p1", "p2", "p3", "p4"]);
    // Created in breakdown order, so the file lists them as the spec does.
    expect(file.tasks.map((t) => t.created)).toEqual([...file.tasks.map((t) => t.created)].sort());
    expect(out.map((o) => o.line)).toEqual([...out.map((o) => o.line)].sort((a, b) => a - b));
  });

  it("re-importing creates nothing and changes nothing", async () => {
    const bd = await fromSpec(filled("infrastructure"));
    const file: TaskFile = { version: 1, tasks: [] };
    importInto(bd, file);
    const before = structuredClone(file.tasks);
    const again = importInto(bd, file);
    expect(again.map((o) => o.action)).toEqual(Array(8).fill("keep"));
    expect(file.tasks).toEqual(before);
  });
});

describe("the dependency rule on our templates", () => {
  it.each(["feature", "backend", "frontend", "bug", "epic", "milestone", "research"])(
    "%s: a single chain in the order written, the epic the parent of all",
    async (name) => {
      const bd = await fromSpec(filled(name));
      const file: TaskFile = { version: 1, tasks: [] };
      importInto(bd, file);
      const [epic, ...rest] = file.tasks;
      expect(epic!.type).toBe("epic");
      rest.forEach((t, i) => {
        expect(t.parent).toBe(epic!.id);
        expect(t.depends_on, t.title).toEqual(i === 0 ? [] : [rest[i - 1]!.id]);
      });
    },
  );
});

describe("phases and the verification gate", () => {
  it("labels phases from their comments", () => {
    expect(phaseLabel("Phase 1: Preparation")).toBe("p1");
    expect(phaseLabel("Phase 03 - Verify")).toBe("p3");
    expect(phaseLabel("phase BASELINE")).toBe("BASELINE");
    expect(phaseLabel("Dependencies managed via tasks.yaml structure")).toBeNull();
    expect(phaseLabel("Phases are great")).toBeNull();
  });

  it("a phase of verify tasks only: the first is the gate, the others hang off it, the next phase follows the gate", () => {
    const bd = fromLines([
      "wm tasks create --title=E --type=epic --issue=239",
      "# Phase 1: Build",
      "wm tasks create --title=A --type=impl --issue=239",
      "# Phase 2: Verify",
      "wm tasks create --title=G --type=verify --issue=239",
      "wm tasks create --title=C1 --type=verify --issue=239",
      "wm tasks create --title=C2 --type=verify --issue=239",
      "# Phase 3: Ship",
      "wm tasks create --title=S --type=impl --issue=239",
      "wm tasks create --title=T --type=impl --issue=239",
    ]);
    const file: TaskFile = { version: 1, tasks: [] };
    importInto(bd, file);
    expect(edges(file.tasks)).toEqual(["A -> G", "G -> C1", "G -> C2", "G -> S", "S -> T"].sort());
  });

  it("a phase mixing verify with other types is a plain chain", () => {
    const bd = fromLines([
      "# Phase 1: Final",
      "wm tasks create --title=R --type=review --issue=239",
      "wm tasks create --title=V --type=verify --issue=239",
      "wm tasks create --title=W --type=verify --issue=239",
      "# Phase 2: After",
      "wm tasks create --title=X --type=impl --issue=239",
    ]);
    const file: TaskFile = { version: 1, tasks: [] };
    importInto(bd, file);
    expect(edges(file.tasks)).toEqual(["R -> V", "V -> W", "W -> X"]);
    // No epic line and no epic in the file: no parent.
    expect(file.tasks.every((t) => t.parent === undefined)).toBe(true);
  });

  it("lines before the first phase comment form a phase; --phase on a line wins", () => {
    const bd = fromLines([
      "wm tasks create --title=A --type=impl --issue=239",
      "# Phase 1: Next",
      "wm tasks create --title=B --type=impl --issue=239 --phase=BASELINE",
      "wm tasks create --title=C --type=impl --issue=239",
    ]);
    expect(bd.lines.map((l) => l.phase)).toEqual([null, "BASELINE", "p1"]);
    const file: TaskFile = { version: 1, tasks: [] };
    importInto(bd, file);
    expect(edges(file.tasks)).toEqual(["A -> B", "B -> C"]);
  });
});

describe("explicit --depends-on and --parent", () => {
  it("keeps exactly what the line says: titles of other lines (loosely matched) or existing ids", () => {
    const existing: Task = {
      id: "kxy9ab",
      title: "Outside work",
      type: "impl",
      status: "pending",
      depends_on: [],
      created: "2029-01-01T00:00:00.000Z",
      updated: "2029-01-01T00:00:00.000Z",
    };
    const bd = fromLines([
      'wm tasks create --title="GH#239: Epic" --type=epic --issue=239',
      "# Phase 1: One",
      'wm tasks create --title="GH#239: A" --type=impl --issue=239',
      'wm tasks create --title="GH#239: B" --type=impl --issue=239',
      'wm tasks create --title="GH#239: C" --type=impl --issue=239 --depends-on="GH#239: A" --depends-on=kxy9',
      'wm tasks create --title="GH#239: D" --type=impl --issue=239',
      'wm tasks create --title="GH#239: F" --type=impl --issue=239 --depends-on="a,b" --parent=none',
      'wm tasks create --title="GH#239: G" --type=impl --issue=239 --depends-on=""',
    ]);
    const file: TaskFile = { version: 1, tasks: [existing] };
    importInto(bd, file);
    expect(edges(file.tasks)).toEqual(
      ["A -> B", "A -> C", "Outside work -> C", "C -> D", "A -> F", "B -> F"].sort(),
    );
    expect(file.tasks.find((t) => t.title === "GH#239: F")!.parent).toBeUndefined();
    expect(file.tasks.find((t) => t.title === "GH#239: G")!.depends_on).toEqual([]);
  });

  it("refuses a dependency that names nothing, and a cycle, leaving the file as it was", () => {
    const nothing = fromLines([
      'wm tasks create --title=A --type=impl --issue=239 --depends-on="No such line"',
    ]);
    const file: TaskFile = { version: 1, tasks: [] };
    expect(() => importInto(nothing, file)).toThrow(/spec\.md:10: --depends-on "No such line" names no line/);

    const cycle = fromLines([
      "wm tasks create --title=A --type=impl --issue=239 --depends-on=B",
      "wm tasks create --title=B --type=impl --issue=239",
    ]);
    try {
      importInto(cycle, file);
      expect.unreachable();
    } catch (e) {
      expect((e as WmError).rule).toBe("task/cycle");
      expect((e as WmError).message).toMatch(/"A" waits for "B" waits for "A"/);
    }
    expect(file.tasks).toEqual([]);
    const self = fromLines(["wm tasks create --title=A --type=impl --issue=239 --depends-on=A"]);
    expect(() => importInto(self, file)).toThrow(/cannot depend on itself/);
  });
});

describe("re-importing a changed breakdown", () => {
  const base = [
    "wm tasks create --title=E --type=epic --issue=239",
    "# Phase 1: One",
    "wm tasks create --title=A --type=impl --issue=239",
    "wm tasks create --title=B --type=impl --issue=239",
  ];

  it("creates the new line, updates the tasks whose place changed, keeps the rest", () => {
    const file: TaskFile = { version: 1, tasks: [] };
    importInto(fromLines(base), file);
    const b = file.tasks.find((t) => t.title === "B")!;
    // A dependency added by hand on a task outside the breakdown survives the re-import.
    file.tasks.push({
      id: "zz0000",
      title: "Manual",
      type: "task",
      status: "pending",
      depends_on: [],
      created: NOW,
      updated: NOW,
    });
    b.depends_on.push("zz0000");
    const changed = [...base.slice(0, 3), "wm tasks create --title=New --type=impl --issue=239", base[3]!];
    const out = importInto(fromLines(changed), file);
    expect(out.map((o) => [o.task.title, o.action])).toEqual([
      ["E", "keep"],
      ["A", "keep"],
      ["New", "create"],
      ["B", "update"],
    ]);
    expect(out[3]!.changes).toEqual(["depends_on"]);
    const neu = file.tasks.find((t) => t.title === "New")!;
    expect(file.tasks.find((t) => t.title === "B")!.depends_on).toEqual([neu.id, "zz0000"]);
    expect(file.tasks).toHaveLength(5);
  });

  it("matches by issue and title, and never changes status, type or evidence", () => {
    const file: TaskFile = { version: 1, tasks: [] };
    importInto(fromLines(base), file);
    const a = file.tasks.find((t) => t.title === "A")!;
    a.status = "done";
    a.evidence = { text: "checked", at: NOW };
    a.phase = "old";
    const out = importInto(
      fromLines(base.map((l) => l.replace("title=A --type=impl", "title=A --type=verify"))),
      file,
    );
    expect(out[1]!.action).toBe("update");
    expect(out[1]!.changes).toEqual(["phase"]);
    const after = file.tasks.find((t) => t.title === "A")!;
    expect([after.status, after.type, after.evidence?.text, after.phase]).toEqual([
      "done",
      "impl",
      "checked",
      "p1",
    ]);
    // Another issue's task of the same title is not this one.
    const other = importInto(
      fromLines(
        base.map((l) => l.replace("--issue=239", "--issue=7")),
        7,
      ),
      file,
    );
    expect(other.every((o) => o.action === "create")).toBe(true);
  });
});

describe("refusals name the line", () => {
  const refuse = (lines: string[], pattern: RegExp, rule: string, issue: number | null = 239) => {
    try {
      fromLines(lines, issue);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(WmError);
      expect((e as WmError).message).toMatch(pattern);
      expect((e as WmError).rule).toBe(rule);
      expect((e as WmError).exitCode).toBe(2);
    }
  };

  it("template variables left in a line", () => {
    refuse(
      ["# Phase 1: X", 'pnpm wm tasks create --title="GH#{{ISSUE}}: A" --type=impl --issue={{ISSUE}}'],
      /^spec\.md:11: the breakdown still has template variable \{\{ISSUE\}\}/,
      "spec-tasks/template-variable",
    );
  });

  it("an --issue other than the spec's, or than the first line's when the spec names none", () => {
    refuse(
      [
        "wm tasks create --title=A --type=impl --issue=239",
        "wm tasks create --title=B --type=impl --issue=240",
      ],
      /^spec\.md:11: --issue=240 differs from the spec's issue \(#239\)/,
      "spec-tasks/issue-mismatch",
    );
    refuse(
      ["wm tasks create --title=A --type=impl --issue=5", "wm tasks create --title=B --type=impl --issue=6"],
      /^spec\.md:11: --issue=6 differs from the issue of line 10 \(#5\)/,
      "spec-tasks/issue-mismatch",
      null,
    );
  });

  it("lines the real CLI would reject", () => {
    refuse(
      ["wm tasks create --title=A --type=story"],
      /^spec\.md:10: unknown task type "story"/,
      "task/unknown-type",
    );
    refuse(
      ["wm tasks create --title=A --bogus"],
      /^spec\.md:10: wm tasks create: Unknown option '--bogus'/,
      "spec-tasks/bad-line",
    );
    refuse(
      ["wm tasks create --type=impl"],
      /^spec\.md:10: wm tasks create: --title is required/,
      "spec-tasks/bad-line",
    );
    refuse(
      ["wm tasks create --title=A extra"],
      /^spec\.md:10: wm tasks create: Unexpected argument 'extra'/,
      "spec-tasks/bad-line",
    );
    refuse(
      ["wm tasks create --title=A --issue=abc"],
      /^spec\.md:10: --issue must be a positive issue number/,
      "usage",
    );
  });

  it("shell it cannot read literally, and create lines that are not plain commands", () => {
    refuse(
      ['wm tasks create --title="$TITLE" --type=impl'],
      /^spec\.md:10: "\$T" is a shell expansion/,
      "spec-tasks/bad-line",
    );
    refuse(
      ["id=$(wm tasks create --title=A --type=impl)"],
      /^spec\.md:10: only plain `wm tasks create/,
      "spec-tasks/bad-line",
    );
    refuse(
      ["", "wm tasks create --title='A --type=impl"],
      /^spec\.md:11: cannot read this shell line: unterminated single quote/,
      "spec-tasks/bad-line",
    );
  });

  it("two lines with one title, and two epics", () => {
    refuse(
      ["wm tasks create --title=A --type=impl", "", "wm tasks create --title=A --type=verify"],
      /^spec\.md:12: the title "A" is already used on line 10/,
      "spec-tasks/duplicate-title",
    );
    refuse(
      ["wm tasks create --title=E1 --type=epic", "wm tasks create --title=E2 --type=epic"],
      /^spec\.md:11: a second epic \(the first is on line 10\)/,
      "spec-tasks/epics",
    );
  });

  it("accepts every launcher, skips other commands, and reads continued lines", () => {
    const bd = fromLines([
      "wm tasks create --title=A --type=impl",
      "pnpm wm tasks create --title=B --type=impl",
      "npx wm tasks create --title=C --type=impl",
      "pnpm exec wm tasks create \\",
      "  --title=D --type=impl --json",
      "wm tasks list --issue=239 | head",
      "echo done",
    ]);
    expect(bd.lines.map((l) => [l.title, l.line])).toEqual([
      ["A", 10],
      ["B", 11],
      ["C", 12],
      ["D", 13],
    ]);
  });
});
