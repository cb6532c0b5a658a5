// The hot paths' start-up budget, checked without timing anything: which of Node's own modules a command
// loads. Loading node:crypto costs ~2.5 ms, creating process.stdout on a pipe (net and the streams) ~4 ms:
// more than `wm tasks create` or `wm --version` can spend within their targets (bench/run.mjs). A preload
// script records process.moduleLoadList when the process exits.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cleanEnv, cleanupTemp, tempDir, tempRepo, WM_BIN, wm } from "../helpers/cli.js";

afterAll(cleanupTemp);

const HEAVY = ["crypto", "stream", "net", "tty", "child_process", "zlib", "os"];

function loaded(cwd: string, args: string[], input = ""): string[] {
  const dir = tempDir("wm-modules-");
  const preload = join(dir, "record.cjs");
  const out = join(dir, "modules.json");
  writeFileSync(
    preload,
    `process.on("exit", () => require("node:fs").writeFileSync(${JSON.stringify(out)}, JSON.stringify(process.moduleLoadList)));\n`,
  );
  // stdout and stderr are pipes, as when an agent or a script runs wm.
  const r = spawnSync(process.execPath, ["-r", preload, WM_BIN, ...args], {
    cwd,
    encoding: "utf8",
    env: cleanEnv(),
    input,
  });
  expect(r.status, r.stderr).toBe(0);
  const list = JSON.parse(readFileSync(out, "utf8")) as string[];
  return list.filter((m) => m.startsWith("NativeModule ")).map((m) => m.slice("NativeModule ".length));
}

const heavyIn = (modules: string[]) => modules.filter((m) => HEAVY.includes(m));

describe("start-up budget of the hot paths", () => {
  it("the recorder sees a heavy module when one is loaded", () => {
    // The check below could not fail if the recorder missed modules: `wm tasks done --evidence-cmd`
    // hashes the command's output with node:crypto and runs it with node:child_process.
    const repo = tempRepo();
    const id = wm(repo, ["tasks", "create", "--title=t", "--type=impl"]).stdout.trim();
    expect(heavyIn(loaded(repo, ["tasks", "done", id, "--evidence-cmd=true"]))).toEqual(
      expect.arrayContaining(["crypto", "child_process"]),
    );
  });

  it("wm --version, tasks create, ready and list load none of crypto, streams, net, tty, os", () => {
    const repo = tempRepo();
    expect(wm(repo, ["init"]).code).toBe(0);
    const epic = wm(repo, ["tasks", "create", "--title=e", "--type=epic", "--issue=7"]).stdout.trim();
    // A second create, so that the timed case (an index in .wm/cache) is the one checked.
    for (const args of [
      ["--version"],
      ["tasks", "create", "--title=GH#7: first", "--type=impl", "--issue=7"],
      ["tasks", "create", "--title=GH#7: second", "--type=verify", "--issue=7", `--depends-on=${epic}`],
      ["tasks", "ready"],
      ["tasks", "list", "--issue", "7"],
    ]) {
      expect(heavyIn(loaded(repo, args)), args.join(" ")).toEqual([]);
    }
  });

  it("a hook loads no crypto, streams, net or child process", () => {
    const repo = tempRepo();
    expect(wm(repo, ["init"]).code).toBe(0);
    const payload = JSON.stringify({
      session_id: "s-budget",
      cwd: repo,
      hook_event_name: "PreToolUse",
      tool_name: "Bash",
      tool_input: { command: "ls" },
    });
    const heavy = heavyIn(loaded(repo, ["hook", "pre-tool-use"], payload)).filter((m) => m !== "os");
    expect(heavy).toEqual([]);
  });
});
