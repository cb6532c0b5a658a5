// Pure parts of modes, sessions and the Claude Code hooks: frontmatter, the phase plan, the mode rules,
// the gate rules, finding `wm tasks done` in a shell line, redaction, the progress fingerprint.
import { describe, expect, it } from "vitest";
import {
  contextAnswer,
  denyAnswer,
  editedPath,
  isProductionCode,
  isTestPath,
  isWithin,
  shellCommands,
  tasksDoneIds,
} from "../../src/core/claude-hooks.js";
import { DEFAULT_CONFIG } from "../../src/core/config-defaults.js";
import {
  effectiveConditions,
  isModePhaseTask,
  modeRuleIssues,
  planPhaseTasks,
  splitFrontmatter,
} from "../../src/core/modes.js";
import { redact } from "../../src/core/redact.js";
import {
  addTouched,
  attributeChanges,
  baselineProblem,
  isRuntimePath,
  isSessionId,
  newSession,
  progressFingerprint,
} from "../../src/core/session.js";

describe("splitFrontmatter", () => {
  it("splits fenced YAML from the body, with a BOM and CRLF line ends", () => {
    expect(splitFrontmatter("---\nname: a\n---\nBody.\n")).toEqual({
      yaml: "name: a",
      yamlLine: 2,
      body: "Body.",
    });
    expect(splitFrontmatter("\uFEFF---\r\nname: a\r\nx: 1\r\n---\r\n\r\nBody\r\n")).toEqual({
      yaml: "name: a\nx: 1",
      yamlLine: 2,
      body: "Body",
    });
  });
  it("refuses text without an opening or closing fence", () => {
    expect(splitFrontmatter("name: a\n---\n")).toBeNull();
    expect(splitFrontmatter("---\nname: a\n")).toBeNull();
  });
  it("the first closing fence wins; a later --- is body", () => {
    expect(splitFrontmatter("---\na: 1\n---\nx\n---\ny")?.body).toBe("x\n---\ny");
  });
});

describe("planPhaseTasks", () => {
  const mode = {
    name: "m",
    phases: [
      {
        id: "a",
        name: "A",
        tasks: [
          { title: "a1", type: "task" as const },
          { title: "a2", type: "impl" as const },
        ],
        depends_on: [],
      },
      { id: "b", name: "B", tasks: [{ title: "b1", type: "verify" as const }], depends_on: ["a"] },
      { id: "c", name: "C", tasks: [{ title: "c1", type: "review" as const }], depends_on: ["a", "b"] },
    ],
  };
  it("chains every task of a phase on all tasks of the phases it depends on", () => {
    const plan = planPhaseTasks(mode);
    expect(plan.map((p) => [p.title, p.phase, p.dependsOn])).toEqual([
      ["a1", "m:a", []],
      ["a2", "m:a", []],
      ["b1", "m:b", [0, 1]],
      ["c1", "m:c", [0, 1, 2]],
    ]);
  });
  it("prefixes titles with the issue the way the seed does", () => {
    expect(planPhaseTasks(mode, 239)[0]!.title).toBe("GH#239: a1");
  });
});

describe("mode rules", () => {
  const ok = {
    name: "x",
    needs_issue: false,
    phases: [{ id: "a" }, { id: "b", depends_on: ["a"] }],
    stop_conditions: [],
  };
  it("accepts a sound mode", () => {
    expect(modeRuleIssues(ok, "x", ["planning", "implementation"])).toEqual([]);
  });
  it("names each structural mistake with its path", () => {
    const issues = modeRuleIssues(
      {
        name: "y",
        needs_issue: false,
        uses_issue_tasks: true,
        phases: [{ id: "a", depends_on: ["a"] }, { id: "a" }, { id: "c", depends_on: ["later"] }],
        stop_conditions: ["committed", "committed"],
        gates: ["test_first", "test_first"],
      },
      "x",
      [],
    );
    const byPath = Object.fromEntries(issues.map((i) => [i.path.join("."), i.message]));
    expect(byPath.name).toMatch(/does not match the file name "x\.md"/);
    expect(byPath["phases.0.depends_on.0"]).toMatch(/depends on itself/);
    expect(byPath["phases.1.id"]).toMatch(/used twice/);
    expect(byPath["phases.2.depends_on.0"]).toMatch(/not an earlier phase/);
    expect(byPath.stop_conditions).toMatch(/listed twice/);
    expect(byPath.gates).toMatch(/listed twice/);
    expect(byPath.uses_issue_tasks).toMatch(/needs needs_issue: true/);
    expect(byPath.phases).toMatch(/has no phases of its own/);
  });
  it("config modes take conditions from config; other modes must list them", () => {
    expect(modeRuleIssues({ ...ok, name: "planning" }, "planning", ["planning"])[0]!.message).toMatch(
      /from \.wm\/config\.yaml/,
    );
    const { stop_conditions: _, ...noConditions } = ok;
    expect(modeRuleIssues(noConditions, "x", ["planning"])[0]!.message).toMatch(
      /stop_conditions is required/,
    );
    expect(effectiveConditions({ name: "planning", stop_conditions: null }, DEFAULT_CONFIG)).toEqual([
      "spec_valid",
      "committed",
    ]);
    expect(effectiveConditions({ name: "task", stop_conditions: ["pushed"] }, DEFAULT_CONFIG)).toEqual([
      "pushed",
    ]);
  });
  it("tells mode phase tasks from the issue's own tasks", () => {
    expect(isModePhaseTask({ session: "s", phase: "planning:research" })).toBe(true);
    expect(isModePhaseTask({ session: "s", phase: "p1" })).toBe(false);
    expect(isModePhaseTask({ phase: "planning:research" })).toBe(false);
  });
});

describe("sessions", () => {
  it("ids are safe file names", () => {
    for (const id of ["cli", "3a8da6c6-3a05-41fc-9fb7-713ad5936903", "a.b_c"])
      expect(isSessionId(id)).toBe(true);
    for (const id of ["", "..", "../x", ".hidden", "a/b", "a b", "x".repeat(129)])
      expect(isSessionId(id)).toBe(false);
  });
  it("touched files stay sorted and unique; runtime paths are recognised", () => {
    const s = newSession("s", "2026-01-01T00:00:00.000Z");
    expect(addTouched(s, ["b.ts", "a.ts", "b.ts"])).toBe(true);
    expect(addTouched(s, ["a.ts"])).toBe(false);
    expect(s.touched).toEqual(["a.ts", "b.ts"]);
    expect(isRuntimePath(".wm/sessions/s.json")).toBe(true);
    expect(isRuntimePath(".wm/cache/tasks.idx")).toBe(true);
    expect(isRuntimePath(".wm/tasks.yaml.lock")).toBe(true);
    expect(isRuntimePath(".wm/.tasks.yaml.123.abcd.tmp")).toBe(true);
    expect(isRuntimePath(".wm/tasks.yaml")).toBe(false);
    expect(isRuntimePath("src/sessions/x.ts")).toBe(false);
  });
  it("committed's attribution: edit-tool files, files new or changed since the baseline, not others' or wm's", () => {
    const asked: string[] = [];
    const r = attributeChanges({
      dirty: ["a.ts", "old.ts", "changed.ts", "new.ts", "theirs.ts", ".wm/tasks.yaml", ".wm/sessions/s.json"],
      touched: ["a.ts", "theirs.ts"],
      baseline: { "old.ts": "3:100", "changed.ts": "3:100", "theirs.ts": "1:1" },
      stampNow: (p) => {
        asked.push(p);
        return p === "changed.ts" ? "4:200" : "3:100";
      },
      othersTouched: () => new Set(["theirs.ts", "new.ts"]),
    });
    // theirs.ts is also this session's edit-tool file, so it counts; new.ts is another session's.
    expect(r.mine).toEqual(["a.ts", "changed.ts", "theirs.ts"]);
    expect(r.seenByGit).toEqual(["changed.ts"]);
    expect(r.notMine).toBe(3);
    expect(asked.sort()).toEqual(["changed.ts", "old.ts"]);
    const closed = attributeChanges({
      dirty: ["old.ts"],
      touched: [],
      baseline: null,
      stampNow: () => "3:100",
      othersTouched: () => new Set(),
    });
    expect(closed.mine).toEqual(["old.ts"]);
    expect(baselineProblem({ v: 1, session: "s", entered_at: "t", files: { a: "1:2" } }, "s")).toBeNull();
    expect(baselineProblem({ v: 1, session: "x", entered_at: "t", files: {} }, "s")).toMatch(/not s/);
    expect(baselineProblem({ v: 1, session: "s", entered_at: "t", files: { a: 1 } }, "s")).toMatch(/stamp/);
  });
  it("the progress fingerprint changes with task statuses and unmet conditions, not with order", () => {
    const a = progressFingerprint(
      [
        { id: "a", status: "pending" },
        { id: "b", status: "done" },
      ],
      ["committed"],
    );
    expect(
      progressFingerprint(
        [
          { id: "b", status: "done" },
          { id: "a", status: "pending" },
        ],
        ["committed"],
      ),
    ).toBe(a);
    expect(
      progressFingerprint(
        [
          { id: "a", status: "done" },
          { id: "b", status: "done" },
        ],
        ["committed"],
      ),
    ).not.toBe(a);
    expect(
      progressFingerprint(
        [
          { id: "a", status: "pending" },
          { id: "b", status: "done" },
        ],
        [],
      ),
    ).not.toBe(a);
    expect(progressFingerprint([{ id: "a", status: "pending" }], ["committed"])).not.toBe(a);
  });
});

describe("gate rules", () => {
  it("isWithin", () => {
    expect(isWithin("planning/specs/1-x.md", "planning/specs")).toBe(true);
    expect(isWithin("planning/specs/1-x.md", "./planning/specs/")).toBe(true);
    expect(isWithin("planning/specs-old/x.md", "planning/specs")).toBe(false);
    expect(isWithin(".wm/tasks.yaml", ".wm")).toBe(true);
  });
  it("test files and production code", () => {
    for (const p of [
      "test/a.ts",
      "src/a.test.ts",
      "src/__tests__/a.tsx",
      "pkg/a_test.go",
      "tests/test_x.py",
      "spec/a_spec.rb",
    ])
      expect(isTestPath(p), p).toBe(true);
    for (const p of ["src/a.ts", "planning/specs/1-x.md", "docs/test/readme.md", "src/latest.ts"])
      expect(isTestPath(p), p).toBe(false);
    expect(isProductionCode("src/app.ts")).toBe(true);
    expect(isProductionCode("src/app.test.ts")).toBe(false);
    expect(isProductionCode("README.md")).toBe(false);
    expect(isProductionCode(".claude/hooks/x.sh")).toBe(false);
  });
  it("editedPath reads file_path or notebook_path", () => {
    expect(editedPath({ file_path: "/a" })).toBe("/a");
    expect(editedPath({ notebook_path: "/n.ipynb" })).toBe("/n.ipynb");
    expect(editedPath({ command: "x" })).toBeNull();
    expect(editedPath(null)).toBeNull();
  });
  it("answers have Claude Code's exact shapes", () => {
    expect(denyAnswer("r").output).toEqual({
      hookSpecificOutput: {
        hookEventName: "PreToolUse",
        permissionDecision: "deny",
        permissionDecisionReason: "r",
      },
    });
    expect(contextAnswer("SessionStart", "c").output).toEqual({
      hookSpecificOutput: { hookEventName: "SessionStart", additionalContext: "c" },
    });
  });
});

describe("tasksDoneIds", () => {
  it("finds the ids whatever the launcher, flags and quoting", () => {
    expect(tasksDoneIds("wm tasks done k3x9ma")).toEqual(["k3x9ma"]);
    expect(
      tasksDoneIds('npx --no-install wm tasks done k3x9 --evidence "ran it" && git commit -m x'),
    ).toEqual(["k3x9"]);
    expect(tasksDoneIds("pnpm wm tasks done --evidence-cmd 'npm test' abc123")).toEqual(["abc123"]);
    expect(tasksDoneIds("WM_SESSION=x ./node_modules/.bin/wm tasks done --force a1b2 ; echo ok")).toEqual([
      "a1b2",
    ]);
    expect(tasksDoneIds("node bin/wm.cjs tasks done --evidence=done a1b2")).toEqual(["a1b2"]);
    expect(tasksDoneIds("wm tasks done a1 && wm tasks done b2")).toEqual(["a1", "b2"]);
    expect(tasksDoneIds("echo $(wm tasks done zz9)")).toEqual(["zz9"]);
  });
  it("ignores mentions that do not run it", () => {
    expect(tasksDoneIds('echo "wm tasks done k3x9ma"')).toEqual([]);
    expect(tasksDoneIds("grep 'wm tasks done' README.md")).toEqual([]);
    expect(tasksDoneIds("wm tasks list --status=done")).toEqual([]);
    expect(tasksDoneIds("# wm tasks done k3")).toEqual([]);
  });
  it("shellCommands splits on operators and keeps quoted words whole", () => {
    expect(shellCommands(`a "b c" 'd;e' f\\ g | h && i; j`)).toEqual([
      ["a", "b c", "d;e", "f g"],
      ["h"],
      ["i"],
      ["j"],
    ]);
  });
});

describe("redact", () => {
  it("masks common token shapes and secret-named values, keeps the rest", () => {
    const text = [
      "token ghp_abcdefghijklmnopqrstuvwxyz0123456789 here",
      "API_KEY=sk-abcdefghijklmnop1234",
      'password: "hunter2hunter2"',
      "Authorization: Bearer abc.def.ghi",
      "https://user:pa55word@example.com/x",
      "AKIAABCDEFGHIJKLMNOP",
      "12 passed, 0 failed",
    ].join("\n");
    const out = redact(text);
    for (const secret of [
      "ghp_abcdef",
      "sk-abcdef",
      "hunter2",
      "abc.def.ghi",
      "pa55word",
      "AKIAABCDEFGHIJKLMNOP",
    ])
      expect(out).not.toContain(secret);
    expect(out).toContain("12 passed, 0 failed");
    expect(out).toContain("API_KEY=[redacted]");
    expect(out).toContain("https://user:[redacted]@example.com/x");
  });
});
