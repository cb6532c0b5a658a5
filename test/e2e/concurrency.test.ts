// The tasks store under concurrency and crashes, through the built CLI: parallel writers lose nothing, a
// writer killed at any instant leaves the old or the new file (never a torn one) and no lock that blocks
// the next command, a file wm cannot parse is never written, and worktrees do not share a tasks file.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { parseCanonical } from "../../src/core/tasks-format.js";
import {
  cleanEnv,
  cleanupTemp,
  git,
  type RunResult,
  tempDir,
  tempRepo,
  WM_BIN,
  wm,
  wmAsync,
  wmJson,
} from "../helpers/cli.js";
import { seededRng } from "../helpers/prng.js";

afterAll(cleanupTemp);

interface Listed {
  id: string;
  title: string;
  status: string;
}

function tasksPath(repo: string): string {
  return join(repo, ".wm", "tasks.yaml");
}

/** Every file under .wm/ (recursively), relative to it. */
function wmFiles(repo: string): string[] {
  return readdirSync(join(repo, ".wm"), { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath ?? (d as unknown as { path: string }).path, d.name).slice(repo.length + 5))
    .sort();
}

function create(repo: string, title: string, extra: string[] = []): string {
  const r = wm(repo, ["tasks", "create", `--title=${title}`, "--type=impl", ...extra]);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.trim();
}

/** The checks that must hold for the tasks file at any instant: it is whole, canonical and parses. */
function assertWhole(repo: string): Listed[] {
  const text = readFileSync(tasksPath(repo), "utf8");
  expect(text.endsWith("\n"), "the file ends with a newline").toBe(true);
  // wm always writes the canonical form: if the recognizer accepts it, every task block is complete
  // (all required keys, every value finished), since a block cut short is not canonical.
  const fast = parseCanonical(text);
  expect(fast, `not a complete canonical file:\n${text}`).not.toBeNull();
  const viaYaml = YAML.parse(text) as { tasks: Array<{ id: string }> };
  expect(viaYaml.tasks.map((t) => t.id)).toEqual(fast!.tasks.map((t) => t.id));
  const listed = wm(repo, ["tasks", "list", "--json"]);
  expect(listed.code, listed.stderr).toBe(0);
  const data = (JSON.parse(listed.stdout) as { data: Listed[] }).data;
  expect(data.map((t) => t.id)).toEqual(fast!.tasks.map((t) => t.id));
  return data;
}

/** A writer that can be killed: the CLI as a child process. */
function startWm(
  cwd: string,
  args: string[],
): { child: ChildProcess; done: Promise<RunResult & { signal: string | null }> } {
  const child = spawn(process.execPath, [WM_BIN, ...args], {
    cwd,
    env: cleanEnv(),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d) => (stdout += d));
  child.stderr!.on("data", (d) => (stderr += d));
  const done = new Promise<RunResult & { signal: string | null }>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code: code ?? -1, stdout, stderr, signal }));
  });
  return { child, done };
}

describe("parallel writers", () => {
  it("50 parallel `wm tasks create` all succeed and all 50 tasks are there", async () => {
    const repo = tempRepo();
    const titles = Array.from({ length: 50 }, (_, i) => `parallel task ${i}`);
    const results = await Promise.all(
      titles.map((t, i) =>
        wmAsync(repo, ["tasks", "create", `--title=${t}`, `--type=${i % 5 === 0 ? "verify" : "impl"}`]),
      ),
    );
    for (const r of results) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^[a-z][0-9a-z]{5}\n$/);
      expect(r.stderr).toBe("");
    }
    const ids = results.map((r) => r.stdout.trim());
    expect(new Set(ids).size).toBe(50);

    const listed = wmJson<Listed[]>(repo, ["tasks", "list"]);
    expect(listed).toHaveLength(50);
    expect(listed.map((t) => t.id).sort()).toEqual([...ids].sort());
    // Each process's task is the one it printed.
    const byId = new Map(listed.map((t) => [t.id, t.title]));
    for (const [i, r] of results.entries()) expect(byId.get(r.stdout.trim())).toBe(titles[i]);

    const check = wm(repo, ["tasks", "check"]);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    assertWhole(repo);
    // Nothing left behind: no lock, no temp file.
    expect(wmFiles(repo).filter((f) => /\.lock|\.tmp$|\.stale/.test(f))).toEqual([]);
  });

  it("parallel mixed writers (create, start, done, block, reopen, dep) lose no update", async () => {
    const repo = tempRepo();
    const base = Array.from({ length: 8 }, (_, i) => create(repo, `base ${i}`));
    const ops: string[][] = [];
    for (let i = 0; i < 16; i++) ops.push(["tasks", "create", `--title=mixed ${i}`, "--type=impl"]);
    // Each base task gets exactly one change, so the end state is known whatever the order.
    ops.push(["tasks", "start", base[0]!]);
    ops.push(["tasks", "done", base[1]!]);
    ops.push(["tasks", "block", base[2]!, "--reason=waiting"]);
    ops.push(["tasks", "cancel", base[3]!, "--reason=dropped"]);
    ops.push(["tasks", "dep", "add", base[4]!, base[7]!]);
    ops.push(["tasks", "dep", "add", base[5]!, base[7]!]);
    ops.push(["tasks", "done", base[6]!, "--evidence=checked by hand"]);
    const results = await Promise.all(ops.map((args) => wmAsync(repo, args)));
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const all = wmJson<Array<Listed & { depends_on: string[]; reason?: string }>>(repo, ["tasks", "list"]);
    expect(all).toHaveLength(24);
    const get = (id: string) => all.find((t) => t.id === id)!;
    expect(get(base[0]!).status).toBe("in_progress");
    expect(get(base[1]!).status).toBe("done");
    expect(get(base[2]!)).toMatchObject({ status: "blocked", reason: "waiting" });
    expect(get(base[3]!)).toMatchObject({ status: "cancelled", reason: "dropped" });
    expect(get(base[4]!).depends_on).toEqual([base[7]]);
    expect(get(base[5]!).depends_on).toEqual([base[7]]);
    expect(get(base[6]!).status).toBe("done");
    expect(
      all
        .filter((t) => t.title.startsWith("mixed "))
        .map((t) => t.title)
        .sort(),
    ).toEqual(Array.from({ length: 16 }, (_, i) => `mixed ${i}`).sort());
    assertWhole(repo);
  });
});

describe("locks left by dead holders", () => {
  it("a lock whose pid is dead does not block the next command", async () => {
    const repo = tempRepo();
    create(repo, "first");
    const child = spawn(process.execPath, ["-e", "0"]);
    await new Promise((resolve) => child.on("close", resolve));
    const lock = `${tasksPath(repo)}.lock`;
    writeFileSync(lock, JSON.stringify({ pid: child.pid, host: hostname(), token: "0123456789abcdef" }));
    const r = wm(repo, ["tasks", "create", "--title=second", "--type=impl"]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(lock)).toBe(false);
    expect(assertWhole(repo).map((t) => t.title)).toEqual(["first", "second"]);
    expect(wmFiles(repo).filter((f) => f.includes(".lock"))).toEqual([]);
  });

  it("a breaker killed while holding the guard leaves nothing that blocks the next writer", async () => {
    const repo = tempRepo();
    create(repo, "first");
    const child = spawn(process.execPath, ["-e", "0"]);
    await new Promise((resolve) => child.on("close", resolve));
    const dead = JSON.stringify({ pid: child.pid, host: hostname(), token: "0123456789abcdef" });
    const lock = `${tasksPath(repo)}.lock`;
    writeFileSync(lock, dead);
    writeFileSync(`${lock}.break.lock`, dead);
    const r = wm(repo, ["tasks", "create", "--title=second", "--type=impl"]);
    expect(r.code, r.stderr).toBe(0);
    expect(wmFiles(repo).filter((f) => f.includes(".lock"))).toEqual([]);
  });

  it("an empty lock (holder killed between create and write) is broken once it is old", () => {
    const repo = tempRepo();
    create(repo, "first");
    const lock = `${tasksPath(repo)}.lock`;
    writeFileSync(lock, "");
    const old = new Date(Date.now() - 60_000);
    utimesSync(lock, old, old);
    const r = wm(repo, ["tasks", "create", "--title=second", "--type=impl"]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(lock)).toBe(false);
  });

  it("a lock held by a live process is respected until it is released", async () => {
    const repo = tempRepo();
    create(repo, "first");
    const before = readFileSync(tasksPath(repo), "utf8");
    const lock = `${tasksPath(repo)}.lock`;
    // This test process is alive: its lock is live.
    writeFileSync(lock, JSON.stringify({ pid: process.pid, host: hostname(), token: "fedcba9876543210" }));
    const writer = startWm(repo, ["tasks", "create", "--title=second", "--type=impl"]);
    const finishedEarly = await Promise.race([
      writer.done.then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 3000)),
    ]);
    expect(finishedEarly, "the writer must wait for the live lock").toBe(false);
    expect(readFileSync(tasksPath(repo), "utf8")).toBe(before);
    // Release it: the waiting writer goes on.
    const { unlinkSync } = await import("node:fs");
    unlinkSync(lock);
    const r = await writer.done;
    expect(r.code, r.stderr).toBe(0);
    expect(assertWhole(repo).map((t) => t.title)).toEqual(["first", "second"]);
  });
});

describe("SIGKILL at random instants", () => {
  it("never leaves a torn or shrunken file, nor a lock that blocks the next writer", async (ctx) => {
    const rng = seededRng(0xc0ffee);
    const repo = tempRepo();
    const seeds = Array.from({ length: 4 }, (_, i) => create(repo, `seed ${i}`));
    let count = assertWhole(repo).length;
    const killedPids = new Set<number>();
    let killedAfterCommit = 0;
    let killedBefore = 0;
    let staleLocksSeen = 0;
    /** How long an un-killed writer takes here, ms (a running average; used only to aim the kills). */
    let typical = 150;
    const ROUNDS = 40;
    for (let round = 0; round < ROUNDS; round++) {
      const n = rng.chance(0.3) ? rng.between(2, 4) : 1;
      const writers = Array.from({ length: n }, (_, j) => {
        const kind = rng.int(3);
        const seed = rng.pick(seeds);
        const title = `killed ${round}.${j}`;
        const args =
          kind === 0
            ? [
                "tasks",
                "create",
                `--title=${title}`,
                "--type=impl",
                `--description=round ${round}\nwriter ${j}`,
              ]
            : kind === 1
              ? ["tasks", "done", seed, "--evidence=seen"]
              : ["tasks", "reopen", seed];
        const w = startWm(repo, args);
        // Half the kills come 0-80 ms after the start, most of them before the writer gets to the file;
        // the other half 0-80 ms before a writer usually ends, around its write.
        const delay = rng.chance(0.5) ? rng.int(81) : Math.max(0, Math.round(typical) - rng.int(81));
        const timer = setTimeout(() => w.child.kill("SIGKILL"), delay);
        return { ...w, timer, title, kind };
      });
      for (const w of writers) {
        const r = await w.done;
        clearTimeout(w.timer);
        if (r.signal === "SIGKILL") killedPids.add(w.child.pid!);
        else expect(r.code, r.stderr).toBe(0);
      }
      if (existsSync(`${tasksPath(repo)}.lock`)) staleLocksSeen++;
      // After every kill: the file is whole and parses, and no task was lost.
      const listed = assertWhole(repo);
      expect(listed.length).toBeGreaterThanOrEqual(count);
      for (const w of writers) {
        if (w.kind !== 0) continue;
        const landed = listed.some((t) => t.title === w.title);
        if (landed && killedPids.has(w.child.pid!)) killedAfterCommit++;
        else if (!landed) killedBefore++;
      }
      count = listed.length;
      // A lock left by a killed holder must not block the next command (it would time out with exit 2).
      const t0 = Date.now();
      const next = wm(repo, ["tasks", "create", `--title=after round ${round}`, "--type=chore"]);
      typical = 0.7 * typical + 0.3 * (Date.now() - t0);
      expect(next.code, next.stderr).toBe(0);
      count++;
      expect(assertWhole(repo)).toHaveLength(count);
    }
    expect(wm(repo, ["tasks", "check"]).code).toBe(0);
    // Temp files left at the end may only belong to killed writers (their name carries the pid).
    const leftovers = wmFiles(repo).filter((f) => f.endsWith(".tmp"));
    for (const f of leftovers) {
      const m = /\.(\d+)(?:\.[0-9a-f]+)?\.tmp$/.exec(f);
      expect(m, `temp file without a pid: ${f}`).not.toBeNull();
      expect(killedPids.has(Number(m![1])), `temp file of a writer that was not killed: ${f}`).toBe(true);
    }
    // The tasks lock is gone after the last successful write. A breaker's guard may remain only if its
    // holder was killed (the next breaker removes it; so does `wm doctor --fix`).
    const lockish = wmFiles(repo).filter((f) => /\.lock|\.stale/.test(f));
    expect(lockish).not.toContain("tasks.yaml.lock");
    for (const f of lockish) {
      const holder = JSON.parse(readFileSync(join(repo, ".wm", f), "utf8") || "{}") as { pid?: number };
      expect(killedPids.has(holder.pid ?? -1), `${f} left by a writer that was not killed`).toBe(true);
    }
    ctx.annotate(
      `${killedPids.size} writers killed; creates killed before commit ${killedBefore}, after commit ${killedAfterCommit}; ` +
        `rounds ending with a dead holder's lock: ${staleLocksSeen}; temp files left: ${leftovers.join(", ") || "none"}; ` +
        `lock files left: ${lockish.join(", ") || "none"}`,
    );
  });
});

describe("a file wm cannot parse is never written", () => {
  const WRITES = (id: string): string[][] => [
    ["tasks", "create", "--title=new", "--type=impl"],
    ["tasks", "start", id],
    ["tasks", "done", id, "--force", "--evidence=x"],
    ["tasks", "block", id, "--reason=r"],
    ["tasks", "reopen", id],
    ["tasks", "cancel", id, "--reason=r"],
    ["tasks", "dep", "add", id, id],
    ["tasks", "dep", "rm", id, id],
  ];

  /** `line`: the line the error must name, or null when any line will do. */
  function assertRefused(repo: string, id: string, bad: string, line: number | null, only?: number) {
    writeFileSync(tasksPath(repo), bad);
    for (const args of WRITES(id).slice(0, only)) {
      for (const json of [false, true]) {
        const r = wm(repo, json ? [...args, "--json"] : args);
        const what = `wm ${args.join(" ")}${json ? " --json" : ""}`;
        expect(r.code, `${what}\n${r.stderr}`).toBe(2);
        expect(r.stdout, what).toBe("");
        expect(r.stderr, what).toMatch(new RegExp(`\\.wm/tasks\\.yaml:${line ?? "\\d+"}:\\d+`));
        if (json) {
          const err = JSON.parse(r.stderr) as { kind: string; error: { rule: string; message: string } };
          expect(err.kind).toBe("error");
          expect(err.error.rule).toMatch(/^tasks-file\//);
        }
        expect(readFileSync(tasksPath(repo), "utf8"), what).toBe(bad);
      }
    }
    expect(wmFiles(repo).filter((f) => /\.lock|\.tmp$/.test(f))).toEqual([]);
  }

  it("bad YAML written by hand", () => {
    const repo = tempRepo();
    const id = create(repo, "one");
    const good = readFileSync(tasksPath(repo), "utf8");
    const at = good.split("\n").findIndex((l) => l.startsWith("    type:"));
    const edit = (line: string) => {
      const lines = good.split("\n");
      lines[at] = line;
      return lines.join("\n");
    };
    assertRefused(repo, id, edit("    type: impl: x"), at + 1);
    // Other syntax errors: create and start are enough (all writers share one path).
    assertRefused(repo, id, edit("\ttype: impl"), at + 1, 2);
    assertRefused(repo, id, edit("   type: impl"), at + 1, 2);
    // The yaml parser places an unterminated quote at the end of the file: some line:col is still named.
    assertRefused(repo, id, edit('    type: "impl'), null, 2);
  });

  it("a file with git conflict markers", () => {
    const repo = tempRepo();
    const id = create(repo, "one");
    const good = readFileSync(tasksPath(repo), "utf8");
    const lines = good.trimEnd().split("\n");
    const first = lines.findIndex((l) => l.startsWith("  - id:"));
    const bad = [
      ...lines.slice(0, first),
      "<<<<<<< HEAD",
      ...lines.slice(first),
      "=======",
      ...lines.slice(first).map((l) => l.replace("one", "two")),
      ">>>>>>> feature",
      "",
    ].join("\n");
    writeFileSync(tasksPath(repo), bad);
    const r = wm(repo, ["tasks", "create", "--title=x", "--type=impl"]);
    expect(r.stderr).toContain("conflict markers");
    assertRefused(repo, id, bad, first + 1);
  });

  it("valid YAML that breaks the schema", () => {
    const repo = tempRepo();
    const id = create(repo, "one");
    const good = readFileSync(tasksPath(repo), "utf8");
    const lines = good.split("\n");
    const at = lines.findIndex((l) => l.startsWith("    status:"));
    lines[at] = "    status: finished";
    assertRefused(repo, id, lines.join("\n"), at + 1);
  });
});

describe("git worktrees", () => {
  it("parallel writers in two worktrees each write their own .wm/tasks.yaml", async () => {
    const repo = tempRepo();
    writeFileSync(join(repo, "README.md"), "hello\n");
    git(repo, "add", "README.md");
    git(repo, "commit", "-q", "-m", "init");
    const wt = join(tempDir("wm-wt-"), "feature");
    git(repo, "worktree", "add", "-q", "-b", "feature", wt);

    const seedMain = create(repo, "main seed");
    const seedWt = create(wt, "wt seed");
    const ops = (label: string, seed: string): string[][] => [
      ...Array.from({ length: 8 }, (_, i) => ["tasks", "create", `--title=${label} ${i}`, "--type=impl"]),
      ["tasks", "start", seed],
    ];
    const all = [
      ...ops("main", seedMain).map((a) => [repo, a] as const),
      ...ops("wt", seedWt).map((a) => [wt, a] as const),
    ];
    // Interleave the two trees' writers.
    all.sort((a, b) => (a[1].join() < b[1].join() ? -1 : 1));
    const results = await Promise.all(all.map(([cwd, args]) => wmAsync(cwd, args)));
    for (const r of results) expect(r.code, r.stderr).toBe(0);

    const mainTasks = assertWhole(repo);
    const wtTasks = assertWhole(wt);
    expect(mainTasks.map((t) => t.title).sort()).toEqual(
      ["main seed", ...Array.from({ length: 8 }, (_, i) => `main ${i}`)].sort(),
    );
    expect(wtTasks.map((t) => t.title).sort()).toEqual(
      ["wt seed", ...Array.from({ length: 8 }, (_, i) => `wt ${i}`)].sort(),
    );
    expect(mainTasks.find((t) => t.id === seedMain)!.status).toBe("in_progress");
    expect(wtTasks.find((t) => t.id === seedWt)!.status).toBe("in_progress");
    // Two files, two locks: nothing of one tree's ids in the other.
    expect(existsSync(join(wt, ".wm", "tasks.yaml"))).toBe(true);
    const mainIds = new Set(mainTasks.map((t) => t.id));
    expect(wtTasks.some((t) => mainIds.has(t.id))).toBe(false);
    expect(wm(wt, ["tasks", "show", seedMain]).code).toBe(2);
  });
});
