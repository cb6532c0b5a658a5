// The real Claude Code CLI (@anthropic-ai/claude-code, pinned devDependency) driven against a scripted fake
// model on 127.0.0.1 (test/helpers/fake-anthropic.ts), in a temp repository set up with `wm setup claude`.
// The hooks it runs are the installed command, `"$CLAUDE_PROJECT_DIR"/node_modules/.bin/wm hook <event>`,
// where node_modules/.bin/wm runs this repository's built CLI. What the model received is read back from
// the fake's request log. No network beyond the loopback, no API key, a throwaway HOME.
// How to run Claude Code offline: shared/reference/testing-with-real-claude-code.md.

import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { cleanupTemp, git, REPO_ROOT, tempDir, tempRepo, WM_BIN, wm } from "../helpers/cli.js";
import { EXHAUSTED_TEXT, type FakeAnthropic, fakeAnthropic, type Turn } from "../helpers/fake-anthropic.js";

const CLAUDE = join(REPO_ROOT, "node_modules", ".bin", "claude");
/** One Claude Code run; a run that takes longer is killed (its whole process group) and fails the test. */
const RUN_LIMIT_MS = 45_000;

const running = new Set<ChildProcess>();
const fakes: FakeAnthropic[] = [];

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {}
}

afterEach(async () => {
  for (const c of running) killGroup(c);
  running.clear();
  while (fakes.length > 0) await fakes.pop()!.stop();
});
afterAll(cleanupTemp);

/** A committed repository with `wm init` and `wm setup claude` done, and node_modules/.bin/wm running this build. */
function project(): string {
  const root = tempRepo();
  expect(wm(root, ["init"]).code).toBe(0);
  const bin = join(root, "node_modules", ".bin");
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, "wm"), `#!/bin/sh\nexec '${process.execPath}' '${WM_BIN}' "$@"\n`);
  chmodSync(join(bin, "wm"), 0o755);
  const setup = wm(root, ["setup", "claude"]);
  expect(setup.code, setup.stderr).toBe(0);
  writeFileSync(join(root, ".gitignore"), `${readFileSync(join(root, ".gitignore"), "utf8")}node_modules/\n`);
  writeFileSync(join(root, "README.md"), "demo\n");
  git(root, "add", "-A");
  git(root, "commit", "-qm", "init");
  return root;
}

interface ClaudeResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The `--output-format json` result document. */
  result: { result?: string; is_error?: boolean; num_turns?: number; session_id?: string } & Record<
    string,
    unknown
  >;
}

async function model(script: Turn[]): Promise<FakeAnthropic> {
  const fake = await fakeAnthropic(script);
  fakes.push(fake);
  return fake;
}

/** `claude -p` in `root` against the fake model, with a fixed session id; bounded in time. */
function claude(root: string, fake: FakeAnthropic, sid: string, prompt: string): Promise<ClaudeResult> {
  const home = tempDir("wm-claude-home-");
  const env: NodeJS.ProcessEnv = {
    PATH: `${join(root, "node_modules", ".bin")}:${process.env.PATH ?? "/usr/bin:/bin"}`,
    HOME: home,
    CLAUDE_CONFIG_DIR: join(home, ".claude"),
    LANG: "C.UTF-8",
    NO_COLOR: "1",
    ANTHROPIC_BASE_URL: fake.baseUrl,
    ANTHROPIC_API_KEY: "sk-ant-test-dummy",
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    DISABLE_AUTOUPDATER: "1",
    DISABLE_TELEMETRY: "1",
    DISABLE_ERROR_REPORTING: "1",
  };
  if (process.env.TMPDIR !== undefined) env.TMPDIR = process.env.TMPDIR;
  const args = [
    "-p",
    prompt,
    "--output-format",
    "json",
    "--permission-mode",
    "acceptEdits",
    "--allowedTools",
    "Bash,Write,Edit",
    "--session-id",
    sid,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(CLAUDE, args, { cwd: root, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    running.add(child);
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d) => (stdout += d));
    child.stderr!.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => {
      killGroup(child);
      reject(
        new Error(`claude did not finish within ${RUN_LIMIT_MS} ms\nstdout: ${stdout}\nstderr: ${stderr}`),
      );
    }, RUN_LIMIT_MS);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      running.delete(child);
      killGroup(child); // anything the session left running in its group
      let result: ClaudeResult["result"];
      try {
        result = JSON.parse(stdout);
      } catch {
        reject(
          new Error(`claude exited ${code} without a JSON result\nstdout: ${stdout}\nstderr: ${stderr}`),
        );
        return;
      }
      resolve({ code, stdout, stderr, result });
    });
  });
}

/** Every string the model was sent in the conversation of a request: text blocks and tool results. */
function received(body: Record<string, unknown> | null): string {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === "string") out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === "object") {
      const o = v as Record<string, unknown>;
      if (o.type === "tool_use") return; // what the model itself said, not what it received
      for (const k of ["content", "text"]) if (k in o) walk(o[k]);
    }
  };
  walk(body?.messages);
  return out.join("\n");
}

interface ToolResult {
  content: string;
  is_error?: boolean;
}

/** The tool results in the last user message of a request. */
function toolResults(body: Record<string, unknown> | null): ToolResult[] {
  const messages = (body?.messages ?? []) as Array<{ role: string; content: unknown }>;
  const last = messages.at(-1);
  if (last === undefined || !Array.isArray(last.content)) return [];
  return (last.content as Array<Record<string, unknown>>)
    .filter((b) => b.type === "tool_result")
    .map((b) => ({
      content: Array.isArray(b.content)
        ? (b.content as Array<{ text?: string }>).map((c) => c.text ?? "").join("\n")
        : String(b.content ?? ""),
      is_error: b.is_error === true,
    }));
}

function enter(
  root: string,
  sid: string,
  ...args: string[]
): Array<{ id: string; type: string; title: string }> {
  const r = wm(root, ["enter", ...args, "--session", sid]);
  expect(r.code, r.stderr).toBe(0);
  const s = wm(root, ["status", "--session", sid, "--json"]);
  expect(s.code, s.stderr).toBe(0);
  return JSON.parse(s.stdout).data.tasks;
}

function sessionState(root: string, sid: string): { history: Array<{ event: string; detail?: string }> } {
  return JSON.parse(readFileSync(join(root, ".wm", "sessions", `${sid}.json`), "utf8"));
}

const bash = (command: string): Turn => ({
  tools: [{ name: "Bash", input: { command, description: command } }],
});

describe("the real Claude Code CLI with wm's hooks", () => {
  it("claude is the pinned version", async () => {
    const v = await new Promise<string>((resolve, reject) => {
      const c = spawn(CLAUDE, ["--version"], {
        stdio: ["ignore", "pipe", "pipe"],
        env: { PATH: process.env.PATH },
      });
      let out = "";
      c.stdout.on("data", (d) => (out += d));
      c.on("error", reject);
      c.on("close", () => resolve(out));
    });
    const pinned = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")).devDependencies[
      "@anthropic-ai/claude-code"
    ];
    expect(v.trim()).toBe(`${pinned} (Claude Code)`);
  });

  it("open tasks block the Stop, the model gets wm's reason, and once it marks them done the session ends", async () => {
    const root = project();
    const sid = randomUUID();
    const tasks = enter(root, sid, "task");
    const doIt = tasks.find((t) => t.type === "impl")!;
    const verify = tasks.find((t) => t.type === "verify")!;
    const fake = await model([
      { text: "I think I am done." },
      bash(`wm tasks done ${doIt.id}`),
      bash(`wm tasks done ${verify.id} --evidence "checked the result by hand"`),
      { text: "Both tasks are done." },
    ]);
    const run = await claude(root, fake, sid, "Do the small task.");

    expect(run.code, run.stderr).toBe(0);
    expect(run.result.is_error).toBe(false);
    expect(run.result.session_id).toBe(sid);
    expect(run.result.result).toBe("Both tasks are done.");
    const main = fake.main();
    // Four model turns and no fifth: the Stop after the tasks were done let the session end.
    expect(main).toHaveLength(4);
    const before = received(main[0]!.body);
    const after = received(main[1]!.body);
    expect(before).not.toContain("cannot end yet");
    expect(after).toContain("wm: the task session cannot end yet:");
    expect(after).toContain(`- tasks_complete: 2 open tasks: ${doIt.id} (pending) Do the work`);
    // The agent's `wm tasks done` ran in its Bash tool, on the repository's store.
    expect(toolResults(main[2]!.body)).toEqual([
      { content: expect.stringContaining(doIt.id), is_error: false },
    ]);
    expect(toolResults(main[3]!.body)).toEqual([
      { content: expect.stringContaining(verify.id), is_error: false },
    ]);
    const status = JSON.parse(wm(root, ["status", "--session", sid, "--json"]).stdout).data;
    expect(status.tasks.map((t: { status: string }) => t.status)).toEqual(["done", "done"]);
    expect(status.ok).toBe(true);
    const events = sessionState(root, sid).history.map((e) => e.event);
    expect(events).toEqual(["enter", "block", "allow", "end"]);
  });

  it("SessionStart context reaches the model in its first request", async () => {
    const root = project();
    const sid = randomUUID();
    const tasks = enter(root, sid, "freeform");
    expect(tasks).toEqual([]);
    const fake = await model([{ text: "Hello." }]);
    const run = await claude(root, fake, sid, "Say hello.");

    expect(run.code, run.stderr).toBe(0);
    expect(run.result.result).toBe("Hello.");
    const main = fake.main();
    expect(main).toHaveLength(1);
    const first = received(main[0]!.body);
    // wm's rendered context (`wm prime`), not a dump of its files.
    const prime = wm(root, ["prime", "--session", sid]);
    expect(prime.code, prime.stderr).toBe(0);
    expect(first).toContain(`wm: session ${sid}, mode freeform`);
    expect(first).toContain(prime.stdout.trim().split("\n")[0]);
    expect(first).toContain("`wm can-exit` (what still blocks the end of the session)");
  });

  it("a planning session cannot write src/: the file is not written and the model gets the deny reason", async () => {
    const root = project();
    const issue = wm(root, ["issue", "create", "--title", "Add x"]);
    expect(issue.code, issue.stderr).toBe(0);
    const sid = randomUUID();
    enter(root, sid, "planning", "--issue", "1");
    const fake = await model([
      {
        tools: [
          {
            name: "Write",
            input: { file_path: join(root, "src", "x.ts"), content: "export const x = 1;\n" },
          },
        ],
      },
      // The same tool, inside the research directory, is not gated: the Write itself works here.
      {
        tools: [
          {
            name: "Write",
            input: { file_path: join(root, "planning", "research", "x.md"), content: "# x\n" },
          },
        ],
      },
      { text: "Stopping here." },
      { text: "Stopping, the spec is for another session." },
    ]);
    const run = await claude(root, fake, sid, "Plan issue 1.");

    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(join(root, "src", "x.ts"))).toBe(false);
    expect(readFileSync(join(root, "planning", "research", "x.md"), "utf8")).toBe("# x\n");
    const main = fake.main();
    const denied = toolResults(main[1]!.body);
    expect(denied).toHaveLength(1);
    expect(denied[0]!.is_error).toBe(true);
    expect(denied[0]!.content).toContain("src/x.ts is outside them");
    expect(denied[0]!.content).toContain("hooks.gates.planning_writes");
    expect(toolResults(main[2]!.body)).toEqual([{ content: expect.any(String), is_error: false }]);
    // The planning session's Stop (no valid spec) blocked once, then let it go: no loop.
    expect(received(main[3]!.body)).toContain("wm: the planning session (issue #1) cannot end yet:");
    expect(main).toHaveLength(4);
    expect(run.result.result).toBe("Stopping, the spec is for another session.");
  });

  it("garbage hook input and a broken session file do not break the session", async () => {
    const root = project();
    const sid = randomUUID();
    enter(root, sid, "task");
    // Hooks beside wm's own that pipe garbage into `wm hook`, logging its exit code and stderr.
    const settingsFile = join(root, ".claude", "settings.json");
    const settings = JSON.parse(readFileSync(settingsFile, "utf8"));
    const garbage = (event: string, input: string) => ({
      type: "command",
      command: `printf '${input}' | "$CLAUDE_PROJECT_DIR"/node_modules/.bin/wm hook ${event} 2>>"$CLAUDE_PROJECT_DIR"/garbage.log; echo "${event} exit $?" >>"$CLAUDE_PROJECT_DIR"/garbage.log`,
    });
    settings.hooks.SessionStart.push({ hooks: [garbage("session-start", "{not json")] });
    settings.hooks.PreToolUse.push({
      matcher: "Bash",
      hooks: [garbage("pre-tool-use", "\\377\\376garbage")],
    });
    settings.hooks.Stop.push({ hooks: [garbage("stop", "[1,2,3]")] });
    writeFileSync(settingsFile, `${JSON.stringify(settings, null, 2)}\n`);
    // And the session's own state file is unreadable.
    const stateFile = join(root, ".wm", "sessions", `${sid}.json`);
    writeFileSync(stateFile, "{ this is not json");
    const fake = await model([bash("echo hello"), { text: "Finished." }]);
    const run = await claude(root, fake, sid, "Say hello in the shell.");

    expect(run.code, run.stderr).toBe(0);
    expect(run.result.is_error).toBe(false);
    expect(run.result.result).toBe("Finished.");
    const main = fake.main();
    expect(main).toHaveLength(2);
    expect(toolResults(main[1]!.body)).toEqual([{ content: "hello", is_error: false }]);
    for (const r of main) {
      const text = received(r.body);
      expect(text).not.toMatch(/\n\s+at \S+ \(/); // never a stack trace in the agent's context
      expect(text).not.toContain(EXHAUSTED_TEXT);
    }
    const log = readFileSync(join(root, "garbage.log"), "utf8");
    for (const event of ["session-start", "pre-tool-use", "stop"]) expect(log).toContain(`${event} exit 0`);
    expect(log).toContain("wm hook stop: the hook input on stdin is not");
    expect(log).not.toMatch(/\n\s+at /);
    expect(readFileSync(stateFile, "utf8")).toBe("{ this is not json");
  });
});
