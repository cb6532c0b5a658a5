// `wm hook <event>` through the built CLI, fed the real Claude Code 2.1.328 payloads from
// test/fixtures/claude-hooks/ (cwd, session and paths moved into a temp repo): the exact answer shapes,
// "no output" when wm has no opinion, the gates, and a Stop hook that blocks but never traps.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cleanEnv, cleanupTemp, git, type RunResult, tempRepo, WM_BIN, wm } from "../helpers/cli.js";

afterAll(cleanupTemp);

type Payload = Record<string, unknown>;

const FIXTURE = join(
  import.meta.dirname,
  "..",
  "fixtures",
  "claude-hooks",
  "claude-code-2.1.328-hook-payloads.jsonl",
);
const PAYLOADS: Payload[] = readFileSync(FIXTURE, "utf8")
  .split("\n")
  .filter((l) => l.trim() !== "")
  .map((l) => JSON.parse(l) as Payload);

const EVENT_OF: Record<string, string> = {
  SessionStart: "session-start",
  UserPromptSubmit: "user-prompt-submit",
  PreToolUse: "pre-tool-use",
  PostToolUse: "post-tool-use",
  Stop: "stop",
  SubagentStop: "subagent-stop",
  PreCompact: "pre-compact",
  SessionEnd: "session-end",
};

/** The fixture payloads of one event, moved into `root` with session `sid`. */
function fixtures(event: string, root: string, sid: string, where?: (p: Payload) => boolean): Payload[] {
  return PAYLOADS.filter((p) => p.hook_event_name === event && (where?.(p) ?? true)).map((p) =>
    JSON.parse(JSON.stringify(p).replaceAll("/home/dev/project", root).replaceAll(String(p.session_id), sid)),
  );
}

function fixture(event: string, root: string, sid: string, where?: (p: Payload) => boolean): Payload {
  const all = fixtures(event, root, sid, where);
  expect(all.length, `a ${event} payload in the fixture`).toBeGreaterThan(0);
  return all[0]!;
}

function hook(
  cwd: string,
  event: string,
  stdin: Payload | string | null,
  env: Record<string, string> = {},
): RunResult {
  const r = spawnSync(process.execPath, [WM_BIN, "hook", event], {
    cwd,
    encoding: "utf8",
    env: cleanEnv(env),
    input: stdin === null ? undefined : typeof stdin === "string" ? stdin : JSON.stringify(stdin),
    stdio: [stdin === null ? "ignore" : "pipe", "pipe", "pipe"],
    timeout: 30_000,
  });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A hook answer: exit 0, exactly one JSON object on stdout. */
function answer(r: RunResult): Record<string, unknown> {
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout.trim().startsWith("{"), `stdout: ${r.stdout}`).toBe(true);
  expect(r.stdout.trimEnd().split("\n")).toHaveLength(1);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

function silent(r: RunResult): void {
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toBe("");
}

function session(
  root: string,
  sid: string,
): Record<string, unknown> & {
  mode: string | null;
  touched: string[];
  stop: { blocks: number };
  history: Array<{ event: string; detail?: string }>;
} {
  return JSON.parse(readFileSync(join(root, ".wm", "sessions", `${sid}.json`), "utf8"));
}

function initRepo(): string {
  const root = tempRepo();
  expect(wm(root, ["init"]).code).toBe(0);
  writeFileSync(join(root, "README.md"), "x\n");
  git(root, "add", "-A");
  git(root, "commit", "-qm", "init");
  return root;
}

function enter(root: string, sid: string, ...args: string[]): void {
  const r = wm(root, ["enter", ...args, "--session", sid]);
  expect(r.code, r.stderr).toBe(0);
}

function taskIds(root: string, sid: string): string[] {
  const r = wm(root, ["status", "--session", sid, "--json"]);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout).data.tasks as Array<{ id: string }>).map((t) => t.id);
}

describe("every event of the fixture", () => {
  it("answers each real payload in the protocol (a session in no mode: context at start, silence otherwise)", () => {
    const root = initRepo();
    const sid = "3a8da6c6-3a05-41fc-9fb7-713ad5936903";
    for (const p of fixtures("SessionStart", root, sid)) {
      const a = answer(hook(root, "session-start", p));
      const hso = a.hookSpecificOutput as Record<string, unknown>;
      expect(hso.hookEventName).toBe("SessionStart");
      expect(hso.additionalContext).toMatch(/not in a mode/);
      expect(hso.additionalContext).toMatch(/wm enter <mode>/);
    }
    for (const p of PAYLOADS.filter((x) => x.hook_event_name !== "SessionStart")) {
      const moved = JSON.parse(JSON.stringify(p).replaceAll("/home/dev/project", root)) as Payload;
      const r = hook(root, EVENT_OF[String(p.hook_event_name)]!, moved);
      silent(r);
      expect(r.stderr).toBe("");
    }
    // post-tool-use recorded the Write and the Edit of src/app.ts (once), not the Bash call.
    expect(session(root, sid).touched).toEqual(["src/app.ts"]);
    expect(session(root, sid).history.map((e) => e.event)).toEqual(["end"]);
  });

  it("in a mode: session-start and user-prompt-submit inject rendered context, never YAML", () => {
    const root = initRepo();
    const sid = "s-context";
    enter(root, sid, "task");
    const ss = answer(hook(root, "session-start", fixture("SessionStart", root, sid)));
    const ctx = (ss.hookSpecificOutput as { additionalContext: string }).additionalContext;
    expect(ctx).toContain(`session ${sid}, mode task`);
    expect(ctx).toContain("Ready now:");
    expect(ctx).toContain("Do the work");
    expect(ctx).toContain("tasks_complete");
    expect(ctx).not.toMatch(/^\s*(- id:|depends_on:|version: 1)/m);
    const ups = answer(hook(root, "user-prompt-submit", fixture("UserPromptSubmit", root, sid)));
    expect(ups.hookSpecificOutput).toEqual({
      hookEventName: "UserPromptSubmit",
      additionalContext: expect.stringContaining("task mode; 2 open tasks"),
    });
  });

  it("session-start writes WM_SESSION to CLAUDE_ENV_FILE once", () => {
    const root = initRepo();
    const envFile = join(root, "..", `env-${Date.now()}.sh`);
    writeFileSync(envFile, "export FOO=1\n");
    const p = fixture("SessionStart", root, "s-env");
    answer(hook(root, "session-start", p, { CLAUDE_ENV_FILE: envFile }));
    answer(hook(root, "session-start", p, { CLAUDE_ENV_FILE: envFile }));
    expect(readFileSync(envFile, "utf8")).toBe("export FOO=1\nexport WM_SESSION='s-env'\n");
  });
});

describe("bad input never breaks the session", () => {
  const root = initRepo();
  for (const event of Object.values(EVENT_OF)) {
    it(`${event}: garbage, empty, non-object and closed stdin exit 0 with nothing on stdout`, () => {
      for (const stdin of ["{not json", "", "   \n", "[1,2]", '"text"', "null"]) {
        const r = hook(root, event, stdin);
        silent(r);
        expect(r.stderr).not.toMatch(/\n\s+at /); // never a stack trace
      }
      const closed = hook(root, event, null);
      silent(closed);
    });
  }

  it("an unknown event, a broken session file and a broken mode: exit 0, one line on stderr, no stdout", () => {
    const unknown = hook(root, "bogus-event", "{}");
    silent(unknown);
    expect(unknown.stderr.trim().split("\n")).toHaveLength(1);
    mkdirSync(join(root, ".wm", "sessions"), { recursive: true });
    writeFileSync(join(root, ".wm", "sessions", "broken.json"), "{ nope");
    const r = hook(root, "stop", fixture("Stop", root, "broken"));
    silent(r);
    expect(r.stderr).toMatch(/not valid JSON/);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("a hook event that does not match the payload is ignored", () => {
    const r = hook(root, "stop", fixture("SessionStart", root, "s1"));
    silent(r);
    expect(r.stderr).toMatch(/received a SessionStart event/);
  });
});

describe("pre-tool-use gates", () => {
  it("prints nothing when wm has no opinion (no mode, other tools, Bash without wm tasks done)", () => {
    const root = initRepo();
    for (const p of fixtures("PreToolUse", root, "s-none")) silent(hook(root, "pre-tool-use", p));
    enter(root, "s-task", "task");
    for (const p of fixtures("PreToolUse", root, "s-task")) silent(hook(root, "pre-tool-use", p));
  });

  it("planning denies a write to src/ with the reason and stays silent for planning/specs/x.md", () => {
    const root = initRepo();
    const sid = "s-plan";
    enter(root, sid, "planning", "--issue", "12");
    const write = fixture("PreToolUse", root, sid, (p) => p.tool_name === "Write");
    const a = answer(hook(root, "pre-tool-use", write));
    expect(a).toEqual({
      hookSpecificOutput: {
        hookEventName: "PreToolUse",
        permissionDecision: "deny",
        permissionDecisionReason: expect.stringContaining("src/app.ts is outside them"),
      },
    });
    const reason = (a.hookSpecificOutput as { permissionDecisionReason: string }).permissionDecisionReason;
    expect(reason).toContain("planning/specs/");
    expect(reason).toContain("hooks.gates.planning_writes");
    const spec = {
      ...write,
      tool_input: { file_path: join(root, "planning/specs/12-x.md"), content: "# x\n" },
    };
    silent(hook(root, "pre-tool-use", spec));
    const research = {
      ...write,
      tool_input: { file_path: join(root, "planning/research/n.md"), content: "" },
    };
    silent(hook(root, "pre-tool-use", research));
    const edit = fixture("PreToolUse", root, sid, (p) => p.tool_name === "Edit");
    expect(answer(hook(root, "pre-tool-use", edit)).hookSpecificOutput).toMatchObject({
      permissionDecision: "deny",
    });
    // Outside the project: not wm's business.
    silent(
      hook(root, "pre-tool-use", { ...write, tool_input: { file_path: "/tmp/elsewhere.ts", content: "" } }),
    );
  });

  it("planning_writes: ask asks, off is silent", () => {
    const root = initRepo();
    const sid = "s-plan-ask";
    enter(root, sid, "planning", "--issue", "3");
    const write = fixture("PreToolUse", root, sid, (p) => p.tool_name === "Write");
    const cfg = join(root, ".wm", "config.yaml");
    const text = readFileSync(cfg, "utf8");
    writeFileSync(cfg, text.replace("planning_writes: deny", "planning_writes: ask"));
    expect(answer(hook(root, "pre-tool-use", write)).hookSpecificOutput).toMatchObject({
      permissionDecision: "ask",
    });
    writeFileSync(cfg, text.replace("planning_writes: deny", "planning_writes: off"));
    silent(hook(root, "pre-tool-use", write));
  });

  it("implementation warns about production code before any test change, then stops warning", () => {
    const root = initRepo();
    const sid = "s-impl";
    expect(wm(root, ["tasks", "create", "--title=GH#5: build it", "--type=impl", "--issue=5"]).code).toBe(0);
    enter(root, sid, "implementation", "--issue", "5");
    const write = fixture("PreToolUse", root, sid, (p) => p.tool_name === "Write");
    const a = answer(hook(root, "pre-tool-use", write));
    expect(a).toEqual({
      hookSpecificOutput: {
        hookEventName: "PreToolUse",
        additionalContext: expect.stringContaining("has not changed a test yet"),
      },
    });
    expect(JSON.stringify(a)).not.toContain("permissionDecision");
    // A test file itself: no warning.
    const testWrite = { ...write, tool_input: { file_path: join(root, "test/app.test.ts"), content: "" } };
    silent(hook(root, "pre-tool-use", testWrite));
    // Once the session changed a test, production edits pass silently.
    silent(
      hook(root, "post-tool-use", { ...fixture("PostToolUse", root, sid), tool_input: testWrite.tool_input }),
    );
    silent(hook(root, "pre-tool-use", write));
  });

  it("test_first: ask makes it a permission question", () => {
    const root = initRepo();
    const sid = "s-impl-ask";
    const cfg = join(root, ".wm", "config.yaml");
    writeFileSync(cfg, readFileSync(cfg, "utf8").replace("test_first: warn", "test_first: ask"));
    expect(wm(root, ["tasks", "create", "--title=x", "--type=impl", "--issue=6"]).code).toBe(0);
    enter(root, sid, "implementation", "--issue", "6");
    const write = fixture("PreToolUse", root, sid, (p) => p.tool_name === "Write");
    expect(answer(hook(root, "pre-tool-use", write)).hookSpecificOutput).toMatchObject({
      permissionDecision: "ask",
      permissionDecisionReason: expect.stringContaining("production code"),
    });
  });

  it("denies `wm tasks done` out of dependency order, whatever the launcher; silent in order", () => {
    const root = initRepo();
    const a = JSON.parse(wm(root, ["tasks", "create", "--title=first", "--type=impl", "--json"]).stdout).data
      .id;
    const b = JSON.parse(
      wm(root, ["tasks", "create", "--title=second", "--type=impl", `--depends-on=${a}`, "--json"]).stdout,
    ).data.id;
    const bash = fixture("PreToolUse", root, "s-any", (p) => p.tool_name === "Bash");
    for (const cmd of [
      `wm tasks done ${b}`,
      `npx wm tasks done ${b.slice(0, 4)} --evidence "all good"`,
      `cd sub && pnpm wm tasks done --force ${b}`,
      `node ./node_modules/.bin/wm tasks done ${b} --evidence-cmd "npm test"`,
    ]) {
      const r = answer(hook(root, "pre-tool-use", { ...bash, tool_input: { command: cmd } }));
      expect(r.hookSpecificOutput, cmd).toEqual({
        hookEventName: "PreToolUse",
        permissionDecision: "deny",
        permissionDecisionReason: expect.stringContaining(
          `${b} depends on a task still open: ${a} (pending) first`,
        ),
      });
    }
    silent(hook(root, "pre-tool-use", { ...bash, tool_input: { command: `wm tasks done ${a}` } }));
    silent(hook(root, "pre-tool-use", { ...bash, tool_input: { command: `echo "wm tasks done ${b}"` } }));
    silent(hook(root, "pre-tool-use", { ...bash, tool_input: { command: "wm tasks done nosuchid" } }));
  });
});

describe("post-tool-use", () => {
  it("records edited files relative to the root; wm runtime files and outside paths are not recorded", () => {
    const root = initRepo();
    const sid = "s-post";
    const base = fixture("PostToolUse", root, sid, (p) => p.tool_name === "Edit");
    for (const file of [
      join(root, "src/a.ts"),
      join(root, ".wm/sessions/x.json"),
      join(root, ".wm/cache/tasks.idx"),
      "/tmp/outside.txt",
      join(root, "docs/b c.md"),
    ]) {
      silent(hook(root, "post-tool-use", { ...base, tool_input: { file_path: file } }));
    }
    silent(
      hook(root, "post-tool-use", {
        ...base,
        tool_name: "NotebookEdit",
        tool_input: { notebook_path: join(root, "n.ipynb") },
      }),
    );
    silent(
      hook(root, "post-tool-use", {
        ...base,
        tool_name: "MultiEdit",
        tool_input: { file_path: join(root, "src/m.ts"), edits: [] },
      }),
    );
    expect(session(root, sid).touched).toEqual(["docs/b c.md", "n.ipynb", "src/a.ts", "src/m.ts"]);
  });

  it("parallel post-tool-use hooks of one session lose no file", async () => {
    const root = initRepo();
    const sid = "s-parallel";
    const base = fixture("PostToolUse", root, sid, (p) => p.tool_name === "Write");
    const { spawn } = await import("node:child_process");
    const runs = Array.from(
      { length: 12 },
      (_, i) =>
        new Promise<number>((resolve) => {
          const c = spawn(process.execPath, [WM_BIN, "hook", "post-tool-use"], {
            cwd: root,
            env: cleanEnv(),
          });
          c.stdin.end(JSON.stringify({ ...base, tool_input: { file_path: join(root, `src/f${i}.ts`) } }));
          c.on("close", (code) => resolve(code ?? -1));
        }),
    );
    expect(await Promise.all(runs)).toEqual(Array(12).fill(0));
    expect(session(root, sid).touched).toHaveLength(12);
  });
});

describe("stop", () => {
  it("blocks while the session's tasks are open, listing them; allows once they are done", () => {
    const root = initRepo();
    const sid = "s-stop";
    enter(root, sid, "task");
    const [work, verify] = taskIds(root, sid);
    const stop = fixture("Stop", root, sid, (p) => p.stop_hook_active === false);
    const a = answer(hook(root, "stop", stop));
    expect(Object.keys(a).sort()).toEqual(["decision", "reason"]);
    expect(a.decision).toBe("block");
    expect(a.reason).toContain("tasks_complete: 2 open tasks");
    expect(a.reason).toContain(`${work} (pending) Do the work`);
    expect(a.reason).toContain(`${verify} (pending) Verify`);
    expect(session(root, sid).stop.blocks).toBe(1);

    expect(wm(root, ["tasks", "done", work!]).code).toBe(0);
    expect(wm(root, ["tasks", "done", verify!, "--evidence", "ran the tests: 12 passed"]).code).toBe(0);
    const r = hook(root, "stop", stop);
    silent(r);
    expect(session(root, sid).stop.blocks).toBe(0);
  });

  it("stop_hook_active with no progress since the block lets it stop, with a message, recorded", () => {
    const root = initRepo();
    const sid = "s-active";
    enter(root, sid, "task");
    const first = fixture("Stop", root, sid, (p) => p.stop_hook_active === false);
    const again = fixture("Stop", root, sid, (p) => p.stop_hook_active === true);
    expect(answer(hook(root, "stop", first)).decision).toBe("block");
    const a = answer(hook(root, "stop", again));
    expect(a.decision).toBeUndefined();
    expect(a.systemMessage).toMatch(/letting the task session stop/);
    expect(a.systemMessage).toMatch(/stop_hook_active/);
    expect(session(root, sid).history.at(-1)).toMatchObject({ event: "release" });
  });

  it("stop_hook_active after progress blocks again", () => {
    const root = initRepo();
    const sid = "s-progress";
    enter(root, sid, "task");
    const [work] = taskIds(root, sid);
    const first = fixture("Stop", root, sid, (p) => p.stop_hook_active === false);
    const again = fixture("Stop", root, sid, (p) => p.stop_hook_active === true);
    expect(answer(hook(root, "stop", first)).decision).toBe("block");
    expect(wm(root, ["tasks", "done", work!]).code).toBe(0);
    const a = answer(hook(root, "stop", again));
    expect(a.decision).toBe("block");
    expect(a.reason).toContain("1 open task");
  });

  it("after hooks.stop.max_blocks blocks without progress it releases with a clear message", () => {
    const root = initRepo();
    const sid = "s-max";
    const cfg = join(root, ".wm", "config.yaml");
    writeFileSync(cfg, readFileSync(cfg, "utf8").replace("max_blocks: 3", "max_blocks: 2"));
    enter(root, sid, "task");
    const stop = fixture("Stop", root, sid, (p) => p.stop_hook_active === false);
    expect(answer(hook(root, "stop", stop)).decision).toBe("block");
    expect(answer(hook(root, "stop", stop)).decision).toBe("block");
    const released = answer(hook(root, "stop", stop));
    expect(released.decision).toBeUndefined();
    expect(released.systemMessage).toMatch(
      /blocked 2 times in a row without progress \(hooks\.stop\.max_blocks = 2\)/,
    );
    expect(released.systemMessage).toContain("tasks_complete");
    const s = session(root, sid);
    expect(s.history.filter((e) => e.event === "block")).toHaveLength(2);
    expect(s.history.at(-1)?.event).toBe("release");
    // A new prompt from the user gives the Stop hook its budget back.
    answer(hook(root, "user-prompt-submit", fixture("UserPromptSubmit", root, sid)));
    expect(session(root, sid).stop.blocks).toBe(0);
    expect(answer(hook(root, "stop", stop)).decision).toBe("block");
  });

  it("background tasks are not a reason to block longer", () => {
    const root = initRepo();
    const sid = "s-bg";
    enter(root, sid, "task");
    const stop = {
      ...fixture("Stop", root, sid, (p) => p.stop_hook_active === false),
      background_tasks: [{ id: "b1" }],
    };
    const a = answer(hook(root, "stop", stop));
    expect(a.reason).toMatch(/does not wait for them/);
    const again = { ...stop, stop_hook_active: true };
    expect(answer(hook(root, "stop", again)).decision).toBeUndefined();
  });

  it("no session, no mode, freeform: allows silently; subagent-stop has no opinion", () => {
    const root = initRepo();
    silent(hook(root, "stop", fixture("Stop", root, "nobody")));
    enter(root, "s-free", "freeform");
    silent(hook(root, "stop", fixture("Stop", root, "s-free")));
    enter(root, "s-sub", "task");
    const sub = {
      ...fixture("Stop", root, "s-sub"),
      hook_event_name: "SubagentStop",
      agent_id: "a1",
      agent_type: "Explore",
    };
    silent(hook(root, "subagent-stop", sub));
  });

  it("committed only counts the files this session touched; another session's dirty file does not block", () => {
    const root = initRepo();
    enter(root, "s-a", "freeform");
    mkdirSync(join(root, ".wm", "modes"), { recursive: true });
    writeFileSync(
      join(root, ".wm", "modes", "commit.md"),
      "---\nname: commit\ndescription: only committed\nneeds_issue: false\nphases: []\nstop_conditions: [committed]\n---\nCommit.\n",
    );
    expect(wm(root, ["exit", "--session", "s-a"]).code).toBe(0);
    enter(root, "s-a", "commit");
    enter(root, "s-b", "commit");
    const post = fixture("PostToolUse", root, "s-a", (p) => p.tool_name === "Write");
    mkdirSync(join(root, "src"), { recursive: true });
    writeFileSync(join(root, "src", "app.ts"), "export const x = 1;\n");
    silent(hook(root, "post-tool-use", post));
    writeFileSync(join(root, "other.txt"), "b's work\n");
    silent(
      hook(root, "post-tool-use", {
        ...post,
        session_id: "s-b",
        tool_input: { file_path: join(root, "other.txt") },
      }),
    );

    const stopA = fixture("Stop", root, "s-a", (p) => p.stop_hook_active === false);
    const blocked = answer(hook(root, "stop", stopA));
    expect(blocked.reason).toContain("src/app.ts");
    expect(blocked.reason).not.toContain("other.txt");
    git(root, "add", "src/app.ts");
    git(root, "commit", "-qm", "a's work");
    silent(hook(root, "stop", stopA));
    // b's file is still dirty and still blocks b.
    expect(answer(hook(root, "stop", { ...stopA, session_id: "s-b" })).reason).toContain("other.txt");
    // wm's own runtime files never count, though they changed throughout.
    expect(existsSync(join(root, ".wm", "sessions", "s-a.json"))).toBe(true);
  });

  it("the Stop hook blocks on a file changed through Bash (no post-tool-use), until it is committed", () => {
    const root = initRepo();
    mkdirSync(join(root, ".wm", "modes"), { recursive: true });
    writeFileSync(
      join(root, ".wm", "modes", "commit.md"),
      "---\nname: commit\ndescription: only committed\nneeds_issue: false\nphases: []\nstop_conditions: [committed]\n---\nCommit.\n",
    );
    writeFileSync(join(root, "before.txt"), "dirty before the session\n");
    enter(root, "s-sh", "commit");
    const stop = fixture("Stop", root, "s-sh", (p) => p.stop_hook_active === false);
    silent(hook(root, "stop", stop));
    // A Bash tool call (`sed -i`): post-tool-use is not even installed for Bash.
    writeFileSync(join(root, "README.md"), "y\n");
    const blocked = answer(hook(root, "stop", stop));
    expect(blocked.decision).toBe("block");
    expect(blocked.reason).toContain("README.md");
    expect(blocked.reason).not.toContain("before.txt");
    git(root, "commit", "-qam", "the bash change");
    silent(hook(root, "stop", stop));
  });
});

describe("setup claude", () => {
  const OTHER = {
    permissions: { allow: ["Bash(npm test)"] },
    hooks: {
      PreToolUse: [{ matcher: "Bash", hooks: [{ type: "command", command: "./guard.sh", timeout: 5 }] }],
      Stop: [{ hooks: [{ type: "command", command: "say done" }] }],
    },
  };

  function settings(root: string): {
    hooks: Record<
      string,
      Array<{ matcher?: string; hooks: Array<{ type: string; command: string; timeout?: number }> }>
    >;
  } & Record<string, unknown> {
    return JSON.parse(readFileSync(join(root, ".claude", "settings.json"), "utf8"));
  }

  it("merges wm's hooks with matchers, leaves other hooks alone, backs up, and is idempotent", () => {
    const root = initRepo();
    mkdirSync(join(root, ".claude"));
    const original = `${JSON.stringify(OTHER, null, 2)}\n`;
    writeFileSync(join(root, ".claude", "settings.json"), original);
    writeFileSync(join(root, "CLAUDE.md"), "# Project\n\nRules.\n");
    const r = wm(root, ["setup", "claude"]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(root, ".claude", "settings.json.wm-backup"), "utf8")).toBe(original);
    const s = settings(root);
    expect(s.permissions).toEqual(OTHER.permissions);
    expect(s.hooks.PreToolUse![0]).toEqual(OTHER.hooks.PreToolUse[0]);
    expect(s.hooks.Stop![0]).toEqual(OTHER.hooks.Stop[0]);
    const cmd = (event: string) => `"$CLAUDE_PROJECT_DIR"/node_modules/.bin/wm hook ${event}`;
    expect(s.hooks.PreToolUse![1]).toEqual({
      matcher: "Write|Edit|MultiEdit|NotebookEdit|Bash",
      hooks: [{ type: "command", command: cmd("pre-tool-use"), timeout: 30 }],
    });
    expect(s.hooks.PostToolUse).toEqual([
      {
        matcher: "Write|Edit|MultiEdit|NotebookEdit",
        hooks: [{ type: "command", command: cmd("post-tool-use"), timeout: 30 }],
      },
    ]);
    expect(s.hooks.Stop![1]!.hooks[0]!.command).toBe(cmd("stop"));
    for (const event of ["SessionStart", "UserPromptSubmit", "SessionEnd"])
      expect(s.hooks[event]).toHaveLength(1);
    for (const groups of Object.values(s.hooks)) {
      for (const g of groups) expect(g.matcher === undefined || !["", "*"].includes(g.matcher)).toBe(true);
      for (const g of groups)
        for (const h of g.hooks) expect(h.command).not.toMatch(/^\/(tmp|home|root|Users)\//);
    }
    const md = readFileSync(join(root, "CLAUDE.md"), "utf8");
    expect(md.startsWith("# Project\n\nRules.\n\n<!-- wm:begin -->\n")).toBe(true);
    expect(md.endsWith("<!-- wm:end -->\n")).toBe(true);

    const before = readFileSync(join(root, ".claude", "settings.json"), "utf8");
    const again = wm(root, ["setup", "claude", "--json"]);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).data.changed).toBe(false);
    expect(readFileSync(join(root, ".claude", "settings.json"), "utf8")).toBe(before);
    expect(readFileSync(join(root, "CLAUDE.md"), "utf8")).toBe(md);
  });

  it("--dry-run changes nothing; --uninstall restores exactly what was there", () => {
    const root = initRepo();
    mkdirSync(join(root, ".claude"));
    const original = `${JSON.stringify(OTHER, null, 2)}\n`;
    writeFileSync(join(root, ".claude", "settings.json"), original);
    writeFileSync(join(root, "CLAUDE.md"), "# Project\n");
    const dry = wm(root, ["setup", "claude", "--dry-run", "--json"]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout).data.changes.length).toBeGreaterThan(0);
    expect(readFileSync(join(root, ".claude", "settings.json"), "utf8")).toBe(original);
    expect(existsSync(join(root, ".claude", "settings.json.wm-backup"))).toBe(false);

    expect(wm(root, ["setup", "claude"]).code).toBe(0);
    const un = wm(root, ["setup", "claude", "--uninstall"]);
    expect(un.code, un.stderr).toBe(0);
    expect(readFileSync(join(root, ".claude", "settings.json"), "utf8")).toBe(original);
    expect(readFileSync(join(root, "CLAUDE.md"), "utf8")).toBe("# Project\n");
    expect(existsSync(join(root, ".claude", "settings.json.wm-backup"))).toBe(false);
    const none = wm(root, ["setup", "claude", "--uninstall", "--json"]);
    expect(JSON.parse(none.stdout).data.changed).toBe(false);
  });

  it("in a repo without .claude/ or CLAUDE.md, uninstall removes everything it created", () => {
    const root = initRepo();
    expect(wm(root, ["setup", "claude"]).code).toBe(0);
    expect(existsSync(join(root, ".claude", "settings.json"))).toBe(true);
    expect(wm(root, ["setup", "claude", "--uninstall"]).code).toBe(0);
    expect(existsSync(join(root, ".claude"))).toBe(false);
    expect(existsSync(join(root, "CLAUDE.md"))).toBe(false);
  });

  it("refuses a settings file it cannot parse, and changes nothing", () => {
    const root = initRepo();
    mkdirSync(join(root, ".claude"));
    writeFileSync(join(root, ".claude", "settings.json"), '{ "hooks": ');
    const r = wm(root, ["setup", "claude"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/settings\.json.*not valid JSON/);
    expect(readFileSync(join(root, ".claude", "settings.json"), "utf8")).toBe('{ "hooks": ');
    expect(existsSync(join(root, "CLAUDE.md"))).toBe(false);
  });

  it("the installed command runs from a subdirectory of the project, through node_modules/.bin/wm", () => {
    const root = initRepo();
    mkdirSync(join(root, "node_modules", ".bin"), { recursive: true });
    spawnSync("ln", ["-s", WM_BIN, join(root, "node_modules", ".bin", "wm")]);
    expect(wm(root, ["setup", "claude"]).code).toBe(0);
    enter(root, "s-sub", "task");
    const command = JSON.parse(readFileSync(join(root, ".claude", "settings.json"), "utf8")).hooks.Stop[0]
      .hooks[0].command as string;
    const sub = join(root, "src", "deep");
    mkdirSync(sub, { recursive: true });
    const stop = { ...fixture("Stop", root, "s-sub"), cwd: sub };
    const r = spawnSync("sh", ["-c", command], {
      cwd: sub,
      encoding: "utf8",
      input: JSON.stringify(stop),
      env: cleanEnv({ CLAUDE_PROJECT_DIR: root }),
    });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).decision).toBe("block");
  });
});
