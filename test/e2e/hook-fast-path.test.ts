// The fast path of `wm hook` (src/cli/hook-entry.ts, bin/wm.cjs): the hook bundle runs with a V8 code cache
// kept per event, and the `wm tasks done` gate finds ids in the task index without splitting all of them
// (src/store/tasks-index.ts). A cached, corrupt-cached or uncached run, and an appended or rebuilt index,
// must all give the same answer.
import { spawnSync } from "node:child_process";
import { readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cleanEnv, cleanupTemp, tempDir, tempRepo, WM_BIN, wm } from "../helpers/cli.js";

afterAll(cleanupTemp);

function hook(cwd: string, event: string, payload: Record<string, unknown>, cacheDir: string) {
  const r = spawnSync(process.execPath, [WM_BIN, "hook", event], {
    cwd,
    encoding: "utf8",
    env: cleanEnv({ WM_CODE_CACHE_DIR: cacheDir }),
    input: JSON.stringify({ session_id: "s-fast", cwd, hook_event_name: EVENTS[event], ...payload }),
  });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

const EVENTS: Record<string, string> = { "pre-tool-use": "PreToolUse", "session-end": "SessionEnd" };

function create(root: string, title: string, dep?: string): string {
  const args = ["tasks", "create", `--title=${title}`, "--type=impl", "--json"];
  if (dep !== undefined) args.push(`--depends-on=${dep}`);
  const r = wm(root, args);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout).data.id as string;
}

const bash = (command: string) => ({ tool_name: "Bash", tool_input: { command } });

describe("wm hook fast path", () => {
  it("keeps one code cache per event; cached, corrupt-cached and uncached runs answer the same", () => {
    const root = tempRepo();
    expect(wm(root, ["init"]).code).toBe(0);
    const a = create(root, "first");
    const b = create(root, "second", a);
    const cc = join(tempDir("wm-hook-cc-"), "cc");
    const first = hook(root, "pre-tool-use", bash(`wm tasks done ${b}`), cc);
    expect(JSON.parse(first).hookSpecificOutput.permissionDecisionReason).toContain(
      `${b} depends on a task still open: ${a} (pending) first`,
    );
    const caches = () => readdirSync(cc).filter((f) => f.endsWith(".bin"));
    expect(caches()).toEqual([expect.stringMatching(/^hook-pre-tool-use-[0-9a-f]{16}\.bin$/)]);
    expect(hook(root, "pre-tool-use", bash(`wm tasks done ${b}`), cc)).toBe(first);
    for (const f of caches()) writeFileSync(join(cc, f), "not a code cache");
    expect(hook(root, "pre-tool-use", bash(`wm tasks done ${b}`), cc)).toBe(first);
    expect(hook(root, "session-end", { reason: "other" }, cc)).toBe("");
    expect(caches().sort()).toEqual([
      expect.stringMatching(/^hook-pre-tool-use-/),
      expect.stringMatching(/^hook-session-end-/),
    ]);
  });

  it("the done gate resolves ids, prefixes and case in an appended index and in a rebuilt one", () => {
    const root = tempRepo();
    expect(wm(root, ["init"]).code).toBe(0);
    const cc = join(tempDir("wm-hook-cc-"), "cc");
    const ids = [create(root, "t0")];
    for (let i = 1; i < 12; i++) ids.push(create(root, `t${i}`, ids[i - 1]));
    const last = ids[11]!;
    const deny = (cmd: string) =>
      JSON.parse(hook(root, "pre-tool-use", bash(cmd), cc)).hookSpecificOutput.permissionDecisionReason;
    const want = `${last} depends on a task still open: ${ids[10]} (pending) t10`;
    for (const round of ["appended", "rebuilt"]) {
      expect(deny(`wm tasks done ${last}`), round).toContain(want);
      expect(deny(`wm tasks done ${last.toUpperCase()}`), round).toContain(want);
      expect(deny(`wm tasks done ${ids[0]} ${ids[5]!.slice(0, 5)}`), round).toContain(
        `${ids[5]} depends on a task still open: ${ids[4]} (pending) t4`,
      );
      expect(hook(root, "pre-tool-use", bash(`wm tasks done ${ids[0]}`), cc), round).toBe("");
      expect(hook(root, "pre-tool-use", bash("wm tasks done zzzzzzzz"), cc), round).toBe("");
      rmSync(join(root, ".wm", "cache"), { recursive: true, force: true });
    }
  });
});
