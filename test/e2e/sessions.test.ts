// Sessions and modes through the built CLI: wm enter / status / can-exit / exit / modes / prime, the stop
// conditions each with what to do next, project modes and broken mode files.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cleanEnv, cleanupTemp, git, type RunResult, tempRepo, WM_BIN, wm } from "../helpers/cli.js";

afterAll(cleanupTemp);

interface Cond {
  id: string;
  met: boolean;
  checked: boolean;
  message: string;
}
interface TaskBrief {
  id: string;
  title: string;
  type: string;
  status: string;
  phase?: string;
  depends_on: string[];
}

function data<T>(r: RunResult): T {
  expect(r.stdout.trimEnd().split("\n"), r.stderr).toHaveLength(1);
  return (JSON.parse(r.stdout) as { data: T }).data;
}

function initRepo(): string {
  const root = tempRepo();
  expect(wm(root, ["init"]).code).toBe(0);
  git(root, "add", "-A");
  git(root, "commit", "-qm", "init");
  return root;
}

function setConfig(root: string, from: string, to: string): void {
  const cfg = join(root, ".wm", "config.yaml");
  const text = readFileSync(cfg, "utf8");
  expect(text).toContain(from);
  writeFileSync(cfg, text.replace(from, to));
}

function canExit(root: string, sid: string): { code: number; ok: boolean; conditions: Cond[] } {
  const r = wm(root, ["can-exit", "--session", sid, "--json"]);
  const d = data<{ ok: boolean; conditions: Cond[] }>(r);
  return { code: r.code, ...d };
}

function cond(conditions: Cond[], id: string): Cond {
  const c = conditions.find((x) => x.id === id);
  expect(c, id).toBeDefined();
  return c!;
}

describe("wm modes", () => {
  it("lists the built-in modes with phases, conditions and gates", () => {
    const root = initRepo();
    const r = wm(root, ["modes", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const modes =
      data<Array<{ name: string; stop_conditions: string[]; conditions_from: string; gates: string[] }>>(r);
    expect(modes.map((m) => m.name)).toEqual([
      "planning",
      "implementation",
      "task",
      "research",
      "debug",
      "verify",
      "freeform",
    ]);
    const planning = modes.find((m) => m.name === "planning")!;
    expect(planning.stop_conditions).toEqual(["spec_valid", "committed"]);
    expect(planning.conditions_from).toBe("config");
    expect(planning.gates).toEqual(["planning_writes"]);
    expect(modes.find((m) => m.name === "freeform")!.stop_conditions).toEqual([]);
    const text = wm(root, ["modes"]);
    expect(text.stdout).toContain("phases: research -> spec -> check -> tasks");
  });

  it("a project mode overrides a built-in; a broken one is an error in modes, enter and doctor", () => {
    const root = initRepo();
    mkdirSync(join(root, ".wm", "modes"));
    writeFileSync(
      join(root, ".wm", "modes", "task.md"),
      "---\nname: task\ndescription: our own small task\nneeds_issue: false\nphases:\n  - id: only\n    name: Only\n    tasks: [{title: Just do it, type: chore}]\nstop_conditions: [tasks_complete]\n---\nOurs.\n",
    );
    writeFileSync(
      join(root, ".wm", "modes", "review.md"),
      "---\nname: review\ndescription: broken\nneeds_issue: false\nphases:\n  - id: a\n    name: A\n    depends_on: [b]\n    tasks: [{title: x, type: nope}]\nstop_condition: [committed]\n---\n",
    );
    const r = wm(root, ["modes", "--json"]);
    expect(r.code).toBe(1);
    const modes = data<Array<{ name: string; source: string; description?: string; error?: string }>>(r);
    expect(modes.find((m) => m.name === "task")).toMatchObject({
      source: "project",
      description: "our own small task",
    });
    const broken = modes.find((m) => m.name === "review")!;
    expect(broken.error).toMatch(
      /\.wm\/modes\/review\.md:\d+:\d+: .*unknown key "stop_condition"; did you mean "stop_conditions"\?/,
    );
    expect(broken.error).toMatch(/"nope" is not one of: epic, impl/);

    const e = wm(root, ["enter", "review"]);
    expect(e.code).toBe(2);
    expect(e.stderr).toMatch(/review\.md:\d+:\d+/);
    const d = wm(root, ["doctor", "--json"]);
    const checks = data<{ checks: Array<{ id: string; status: string; message: string }> }>(d).checks;
    expect(checks.find((c) => c.id === "modes")).toMatchObject({
      status: "error",
      message: expect.stringContaining("review.md"),
    });

    const entered = data<{ tasks: TaskBrief[] }>(wm(root, ["enter", "task", "--json"]));
    expect(entered.tasks.map((t) => [t.title, t.type])).toEqual([["Just do it", "chore"]]);
  });

  it("a mode's structural mistakes are named: unknown phase dependency, conditions of a config mode", () => {
    const root = initRepo();
    mkdirSync(join(root, ".wm", "modes"));
    writeFileSync(
      join(root, ".wm", "modes", "planning.md"),
      "---\nname: planning\ndescription: p\nneeds_issue: true\nphases:\n  - id: a\n    name: A\n    depends_on: [zzz]\n    tasks: [{title: x, type: task}]\nstop_conditions: [committed]\n---\n",
    );
    const r = wm(root, ["enter", "planning", "--issue", "1"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('depends on "zzz", which is not an earlier phase');
    expect(r.stderr).toContain("takes its stop conditions from .wm/config.yaml");
  });
});

describe("wm exit outside a mode", () => {
  it("answers that the session is in no mode, with and without --json", () => {
    const root = initRepo();
    const plain = wm(root, ["exit", "--session", "idle"]);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stderr).not.toMatch(/stack|internal/i);
    const json = wm(root, ["exit", "--session", "idle", "--json"]);
    expect(json.code, json.stderr).toBe(0);
    const data = JSON.parse(json.stdout).data;
    expect(data).toMatchObject({ session: "idle", mode: null, forced: false, cancelled: [] });
  });
});

describe("wm enter", () => {
  it("creates the phase tasks tagged with session and issue, chained by phase dependencies", () => {
    const root = initRepo();
    const dry = wm(root, ["enter", "planning", "--issue", "239", "--session", "p1", "--dry-run", "--json"]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(data<{ tasks: TaskBrief[] }>(dry).tasks).toHaveLength(4);
    expect(wm(root, ["tasks", "list", "--json"]).stdout).toContain('"data":[]');

    const r = wm(root, ["enter", "planning", "--issue", "239", "--session", "p1", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const tasks = data<{ tasks: TaskBrief[] }>(r).tasks;
    expect(tasks.map((t) => t.phase)).toEqual([
      "planning:research",
      "planning:spec",
      "planning:check",
      "planning:tasks",
    ]);
    expect(tasks[0]!.title).toMatch(/^GH#239: Research/);
    expect(tasks[0]!.depends_on).toEqual([]);
    for (let i = 1; i < 4; i++) expect(tasks[i]!.depends_on).toEqual([tasks[i - 1]!.id]);
    const listed = data<Array<{ id: string; session: string; issue: number }>>(
      wm(root, ["tasks", "list", "--issue", "239", "--json"]),
    );
    expect(listed.every((t) => t.session === "p1" && t.issue === 239)).toBe(true);
    // Only the first is ready.
    const ready = data<{ ready: Array<{ id: string }> } | Array<{ id: string }>>(
      wm(root, ["tasks", "ready", "--json"]),
    );
    expect(JSON.stringify(ready)).toContain(tasks[0]!.id);
    expect(JSON.stringify(ready)).not.toContain(tasks[1]!.id);

    // Same mode again: nothing new. Another mode: refused until exit.
    const again = wm(root, ["enter", "planning", "--issue", "239", "--session", "p1", "--json"]);
    expect(data<{ already: boolean }>(again).already).toBe(true);
    expect(data<unknown[]>(wm(root, ["tasks", "list", "--json"]))).toHaveLength(4);
    const other = wm(root, ["enter", "task", "--session", "p1"]);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/is in the planning mode.*leave it first/);
  });

  it("needs --issue where the mode needs one; implementation refuses an issue without tasks", () => {
    const root = initRepo();
    const noIssue = wm(root, ["enter", "planning"]);
    expect(noIssue.code).toBe(2);
    expect(noIssue.stderr).toContain("needs an issue");
    const r = wm(root, ["enter", "implementation", "--issue", "7"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("issue #7 has no tasks");
    expect(r.stderr).toContain("wm spec tasks");
    const unknown = wm(root, ["enter", "nosuchmode"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown mode "nosuchmode"; modes: planning, implementation/);
  });

  it("implementation works the issue's tasks (not other sessions' phase tasks) and creates none", () => {
    const root = initRepo();
    wm(root, ["enter", "planning", "--issue", "8", "--session", "plan"]);
    const noWork = wm(root, ["enter", "implementation", "--issue", "8", "--session", "impl"]);
    expect(noWork.code, "planning's phase tasks are not the issue's work").toBe(2);
    const a = data<{ id: string }>(
      wm(root, ["tasks", "create", "--title=GH#8: a", "--type=impl", "--issue=8", "--json"]),
    ).id;
    const b = data<{ id: string }>(
      wm(root, [
        "tasks",
        "create",
        "--title=GH#8: check a",
        "--type=verify",
        "--issue=8",
        `--depends-on=${a}`,
        "--json",
      ]),
    ).id;
    const r = wm(root, ["enter", "implementation", "--issue", "8", "--session", "impl", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(data<{ tasks: unknown[]; issueTasks: unknown }>(r)).toMatchObject({
      tasks: [],
      issueTasks: { total: 2, open: 2 },
    });
    const c = canExit(root, "impl");
    expect(c.code).toBe(1);
    const tc = cond(c.conditions, "tasks_complete");
    expect(tc.message).toContain(`${a} (pending) GH#8: a`);
    expect(tc.message).toContain(b);
    expect(tc.message).not.toContain("Research");
    expect(wm(root, ["tasks", "done", a]).code).toBe(0);
    // A verify task done without evidence (hand-edited file) fails verify_evidence.
    const file = join(root, ".wm", "tasks.yaml");
    const yaml = readFileSync(file, "utf8");
    const blockStart = yaml.indexOf(`id: ${b}`);
    writeFileSync(
      file,
      yaml.slice(0, blockStart) + yaml.slice(blockStart).replace("status: pending", "status: done"),
    );
    const v = canExit(root, "impl");
    expect(cond(v.conditions, "tasks_complete").met).toBe(true);
    expect(cond(v.conditions, "verify_evidence")).toMatchObject({
      met: false,
      message: expect.stringContaining(`wm tasks reopen ${b}`),
    });
  });
});

describe("can-exit and exit", () => {
  it("exit refuses while conditions are unmet; --force needs --reason, cancels the phase tasks and records it", () => {
    const root = initRepo();
    wm(root, ["enter", "task", "--session", "t1"]);
    const c = canExit(root, "t1");
    expect(c).toMatchObject({ code: 1, ok: false });
    expect(cond(c.conditions, "tasks_complete").message).toContain("Next: `wm tasks ready`");
    const text = wm(root, ["can-exit", "--session", "t1"]);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain("cannot end yet");

    const refused = wm(root, ["exit", "--session", "t1"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("tasks_complete");
    expect(wm(root, ["exit", "--force", "--session", "t1"]).code).toBe(2);
    const forced = wm(root, ["exit", "--force", "--reason", "user stopped", "--session", "t1", "--json"]);
    expect(forced.code, forced.stderr).toBe(0);
    const r = data<{ forced: boolean; cancelled: string[] }>(forced);
    expect(r.forced).toBe(true);
    expect(r.cancelled).toHaveLength(2);
    const tasks = data<Array<{ status: string; reason: string }>>(wm(root, ["tasks", "list", "--json"]));
    expect(tasks.every((t) => t.status === "cancelled" && t.reason.includes("forced: user stopped"))).toBe(
      true,
    );
    const s = JSON.parse(readFileSync(join(root, ".wm", "sessions", "t1.json"), "utf8"));
    expect(s.mode).toBeNull();
    expect(s.history.at(-1)).toMatchObject({
      event: "force-exit",
      detail: expect.stringContaining("user stopped"),
    });
    expect(data<{ mode: null }>(wm(root, ["status", "--session", "t1", "--json"])).mode).toBeNull();
  });

  it("a mode file broken mid-session: exit reports it, --force still leaves; the Stop hook stays silent", () => {
    const root = initRepo();
    mkdirSync(join(root, ".wm", "modes"));
    const file = join(root, ".wm", "modes", "solo.md");
    writeFileSync(
      file,
      "---\nname: solo\ndescription: one task\nneeds_issue: false\nphases:\n  - id: a\n    name: A\n    tasks: [{title: only, type: task}]\nstop_conditions: [tasks_complete]\n---\n",
    );
    expect(wm(root, ["enter", "solo", "--session", "b1"]).code).toBe(0);
    writeFileSync(file, "---\nname: solo\nneeds_issue: maybe\n---\n");
    const r = wm(root, ["exit", "--session", "b1"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/solo\.md:\d+:\d+/);
    const stop = spawnSync(process.execPath, [WM_BIN, "hook", "stop"], {
      cwd: root,
      env: cleanEnv(),
      encoding: "utf8",
      input: JSON.stringify({
        session_id: "b1",
        hook_event_name: "Stop",
        cwd: root,
        stop_hook_active: false,
      }),
    });
    expect(stop.status).toBe(0);
    expect(stop.stdout).toBe("");
    expect(stop.stderr.trim().split("\n")).toHaveLength(1);
    const forced = wm(root, ["exit", "--force", "--reason", "mode file broken", "--session", "b1", "--json"]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(data<{ forced: boolean; cancelled: string[] }>(forced)).toMatchObject({ forced: true });
    expect(data<{ cancelled: string[] }>(forced).cancelled).toHaveLength(1);
    expect(data<{ mode: null }>(wm(root, ["status", "--session", "b1", "--json"])).mode).toBeNull();
  });

  it("exits cleanly once everything holds", () => {
    const root = initRepo();
    const tasks = data<{ tasks: TaskBrief[] }>(
      wm(root, ["enter", "verify", "--session", "v1", "--json"]),
    ).tasks;
    expect(wm(root, ["tasks", "done", tasks[0]!.id, "--evidence-cmd", "true"]).code).toBe(0);
    expect(wm(root, ["tasks", "done", tasks[1]!.id]).code).toBe(0);
    expect(canExit(root, "v1")).toMatchObject({ code: 0, ok: true });
    const r = wm(root, ["exit", "--session", "v1", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(data<{ forced: boolean; cancelled: string[] }>(r)).toMatchObject({ forced: false, cancelled: [] });
  });

  it("tests_pass runs commands.test itself (a file the agent writes proves nothing); pushed needs an upstream", () => {
    const root = initRepo();
    mkdirSync(join(root, ".wm", "modes"));
    writeFileSync(
      join(root, ".wm", "modes", "ship.md"),
      "---\nname: ship\ndescription: tests and push\nneeds_issue: false\nphases: []\nstop_conditions: [tests_pass, pushed]\n---\n",
    );
    wm(root, ["enter", "ship", "--session", "s1"]);
    let c = canExit(root, "s1");
    expect(cond(c.conditions, "tests_pass").message).toContain("commands.test is not set");
    expect(cond(c.conditions, "pushed").message).toBe(
      "branch main has no upstream: `git push -u origin main`",
    );

    const remote = tempRepo();
    git(remote, "config", "receive.denyCurrentBranch", "ignore");
    git(root, "remote", "add", "origin", remote);
    git(root, "push", "-q", "-u", "origin", "main");
    expect(cond(canExit(root, "s1").conditions, "pushed").met).toBe(true);

    setConfig(
      root,
      "  # test: npm test",
      '  test: "test -f ok.txt && echo TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789 && exit 0 || (echo failing: api_key=sk-abcdefghijklmnop1234 ; exit 3)"',
    );
    writeFileSync(join(root, "tests-passed.txt"), "all green\n");
    c = canExit(root, "s1");
    const failing = cond(c.conditions, "tests_pass");
    expect(failing).toMatchObject({ met: false, checked: true });
    expect(failing.message).toContain("exited with 3");
    expect(failing.message).toContain("api_key=[redacted]");
    expect(failing.message).not.toContain("sk-abcdefghijklmnop1234");
    writeFileSync(join(root, "ok.txt"), "");
    c = canExit(root, "s1");
    expect(cond(c.conditions, "tests_pass")).toMatchObject({ met: true });
    expect(c.ok).toBe(true);

    git(root, "commit", "-q", "--allow-empty", "-m", "more");
    c = canExit(root, "s1");
    expect(cond(c.conditions, "pushed").message).toContain("1 commit on main not pushed to origin/main");
    expect(cond(c.conditions, "tests_pass")).toMatchObject({
      checked: false,
      message: expect.stringContaining("once the other conditions hold"),
    });
  });

  it("spec_valid is never assumed: no spec says to write one; a failing spec says what fails", () => {
    const root = initRepo();
    wm(root, ["enter", "planning", "--issue", "21", "--session", "pl"]);
    let c = canExit(root, "pl");
    expect(cond(c.conditions, "spec_valid")).toMatchObject({
      met: false,
      message: expect.stringContaining(
        "no spec for issue #21 in planning/specs/: `wm spec new <template> --issue 21`",
      ),
    });
    mkdirSync(join(root, "planning", "specs"), { recursive: true });
    writeFileSync(join(root, "planning", "specs", "21-thing.md"), "# Thing\n\n**Files:** TODO\n");
    c = canExit(root, "pl");
    // The spec, written outside the edit tools, is the session's uncommitted work; the spec check waits
    // until it is committed.
    expect(cond(c.conditions, "committed").message).toContain("planning/specs/21-thing.md");
    expect(cond(c.conditions, "spec_valid").checked).toBe(false);
    git(root, "add", "-A");
    git(root, "commit", "-qm", "spec");
    c = canExit(root, "pl");
    const sv = cond(c.conditions, "spec_valid");
    expect(sv).toMatchObject({ met: false, checked: true });
    expect(sv.message).toMatch(
      /the spec fails `wm spec check`: planning\/specs\/21-thing\.md \(score \d+, needs 75\)/,
    );
  });
});

describe("status and prime", () => {
  it("sessions are independent; the id comes from --session, WM_SESSION or CLAUDE_CODE_SESSION_ID, else cli", () => {
    const root = initRepo();
    expect(wm(root, ["enter", "task"], { env: { WM_SESSION: "env-a" } }).code).toBe(0);
    expect(wm(root, ["enter", "research"], { env: { CLAUDE_CODE_SESSION_ID: "claude-b" } }).code).toBe(0);
    expect(wm(root, ["enter", "freeform"]).code).toBe(0);
    const a = data<{ mode: string; tasks: unknown[] }>(wm(root, ["status", "--session", "env-a", "--json"]));
    const b = data<{ mode: string; tasks: unknown[] }>(
      wm(root, ["status", "--json"], { env: { CLAUDE_CODE_SESSION_ID: "claude-b" } }),
    );
    const cli = data<{ session: string; mode: string }>(wm(root, ["status", "--json"]));
    expect([a.mode, b.mode, cli.mode]).toEqual(["task", "research", "freeform"]);
    expect(cli.session).toBe("cli");
    expect(a.tasks).toHaveLength(2);
    expect(b.tasks).toHaveLength(2);
    const bad = wm(root, ["status", "--session", "../etc"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("not a valid session id");
  });

  it("prime renders mode, phase, ready tasks, blockers and commands within the budget", () => {
    const root = initRepo();
    wm(root, ["enter", "debug", "--session", "d1"]);
    const full = wm(root, ["prime", "--session", "d1"]);
    expect(full.code, full.stderr).toBe(0);
    expect(full.stdout).toContain("mode debug");
    expect(full.stdout).toContain("Phase: Reproduce.");
    expect(full.stdout).toContain("Ready now:");
    expect(full.stdout).toContain("Before the session can end:");
    expect(full.stdout).toContain("`wm can-exit`");
    expect(full.stdout).not.toMatch(/^\s*depends_on:/m);
    const small = data<{ text: string; truncated: boolean }>(
      wm(root, ["prime", "--session", "d1", "--budget", "40", "--json"]),
    );
    expect(small.truncated).toBe(true);
    expect(small.text.length).toBeLessThanOrEqual(160);
    expect(small.text).toContain("mode debug");
    expect(wm(root, ["prime", "--budget", "lots"]).code).toBe(2);
    const none = wm(root, ["prime", "--session", "fresh"]);
    expect(none.stdout).toContain("not in a mode");
  });
});

describe("committed sees changes made outside the edit tools", () => {
  function commitModeRepo(): string {
    const root = initRepo();
    mkdirSync(join(root, ".wm", "modes"));
    writeFileSync(
      join(root, ".wm", "modes", "commit.md"),
      "---\nname: commit\ndescription: only committed\nneeds_issue: false\nphases: []\nstop_conditions: [committed]\n---\nCommit.\n",
    );
    writeFileSync(join(root, "tracked.txt"), "one\n");
    git(root, "add", "-A");
    git(root, "commit", "-qm", "mode and a file");
    return root;
  }

  function enter(root: string, sid: string): void {
    const r = wm(root, ["enter", "commit", "--session", sid]);
    expect(r.code, r.stderr).toBe(0);
  }

  /** What the edit tools' post-tool-use hook records for `sid`: a Write of `file`. */
  function editToolWrite(root: string, sid: string, file: string): void {
    const r = spawnSync(process.execPath, [WM_BIN, "hook", "post-tool-use"], {
      cwd: root,
      env: cleanEnv(),
      encoding: "utf8",
      input: JSON.stringify({
        session_id: sid,
        hook_event_name: "PostToolUse",
        cwd: root,
        tool_name: "Write",
        tool_input: { file_path: join(root, file), content: "x" },
      }),
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe("");
  }

  it("a file changed by a shell command after wm enter blocks until it is committed, and is named", () => {
    const root = commitModeRepo();
    enter(root, "sh");
    expect(canExit(root, "sh")).toMatchObject({ code: 0, ok: true });
    // As `sed -i` / `echo > f` / a generator would: written directly, no edit tool, no hook.
    writeFileSync(join(root, "tracked.txt"), "two\n");
    mkdirSync(join(root, "gen"));
    writeFileSync(join(root, "gen", "out file.ts"), "export {};\n");
    let c = canExit(root, "sh");
    expect(c).toMatchObject({ code: 1, ok: false });
    const msg = cond(c.conditions, "committed").message;
    expect(msg).toContain("2 files this session changed are not committed");
    expect(msg).toContain("tracked.txt");
    expect(msg).toContain("gen/out file.ts");
    expect(msg).toContain("outside the edit tools");
    expect(msg).toContain("git add 'gen/out file.ts' tracked.txt");
    expect(wm(root, ["exit", "--session", "sh"]).code).toBe(1);

    git(root, "add", "tracked.txt");
    git(root, "commit", "-qm", "half");
    c = canExit(root, "sh");
    expect(cond(c.conditions, "committed").message).not.toContain("tracked.txt");
    expect(cond(c.conditions, "committed").message).toContain("gen/out file.ts");
    git(root, "add", "-A");
    git(root, "commit", "-qm", "the rest");
    c = canExit(root, "sh");
    expect(c).toMatchObject({ code: 0, ok: true });
    expect(cond(c.conditions, "committed").met).toBe(true);
    expect(wm(root, ["exit", "--session", "sh"]).code).toBe(0);
    expect(existsSync(join(root, ".wm", "sessions", "sh.baseline"))).toBe(false);
  });

  it("a file dirty before wm enter does not block, unless it changes again; wm's tasks file never blocks", () => {
    const root = commitModeRepo();
    writeFileSync(join(root, "tracked.txt"), "someone's work in progress\n");
    writeFileSync(join(root, "scratch.txt"), "untracked before\n");
    git(root, "rm", "-q", ".wm/modes/commit.md", "--cached");
    enter(root, "pre");
    let c = canExit(root, "pre");
    expect(c).toMatchObject({ code: 0, ok: true });
    expect(cond(c.conditions, "committed").message).toContain("3 uncommitted files left out");
    // wm's own task updates (shared by every session) do not count.
    expect(wm(root, ["tasks", "create", "--title=later", "--type=task"]).code).toBe(0);
    expect(canExit(root, "pre")).toMatchObject({ code: 0, ok: true });
    // Written again after the baseline (a different size): now it is this session's too.
    writeFileSync(join(root, "scratch.txt"), "untracked before, and changed in the session\n");
    c = canExit(root, "pre");
    expect(c.code).toBe(1);
    expect(cond(c.conditions, "committed").message).toMatch(
      /^1 file this session changed is not committed: scratch\.txt/,
    );
  });

  it("without a baseline every uncommitted file counts (fail closed)", () => {
    const root = commitModeRepo();
    writeFileSync(join(root, "tracked.txt"), "dirty before\n");
    enter(root, "nb");
    expect(canExit(root, "nb").code).toBe(0);
    rmSync(join(root, ".wm", "sessions", "nb.baseline"));
    const c = canExit(root, "nb");
    expect(c.code).toBe(1);
    const msg = cond(c.conditions, "committed").message;
    expect(msg).toContain("tracked.txt");
    expect(msg).toContain("no baseline of the working tree was recorded");
  });

  it("a file another live session changed with its edit tools does not block this one", () => {
    const root = commitModeRepo();
    enter(root, "mine");
    enter(root, "theirs");
    writeFileSync(join(root, "theirs.ts"), "export const b = 1;\n");
    editToolWrite(root, "theirs", "theirs.ts");
    writeFileSync(join(root, "mine.ts"), "export const a = 1;\n");
    editToolWrite(root, "mine", "mine.ts");

    let c = canExit(root, "mine");
    let msg = cond(c.conditions, "committed").message;
    expect(msg).toMatch(/^1 file this session changed is not committed: mine\.ts/);
    expect(msg).not.toContain("theirs.ts");
    const t = cond(canExit(root, "theirs").conditions, "committed").message;
    expect(t).toMatch(/^1 file this session changed is not committed: theirs\.ts/);

    git(root, "add", "mine.ts");
    git(root, "commit", "-qm", "mine");
    c = canExit(root, "mine");
    expect(c).toMatchObject({ code: 0, ok: true });
    expect(cond(c.conditions, "committed").message).toContain("1 uncommitted file left out");
    // Once the other session has left its mode, its uncommitted file is nobody's but the tree's: it counts.
    expect(wm(root, ["exit", "--force", "--reason", "gone", "--session", "theirs"]).code).toBe(0);
    c = canExit(root, "mine");
    expect(c.code).toBe(1);
    msg = cond(c.conditions, "committed").message;
    expect(msg).toContain("theirs.ts");
  });
});
