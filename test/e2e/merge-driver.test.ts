// wm's git merge driver for .wm/tasks.yaml, with real git: `wm setup git`, then branches that both change
// the task graph merge by task id; a real conflict leaves markers around the conflicting task only.
import { type SpawnSyncReturns, spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Task } from "../../src/core/task.js";
import { defaultCtx } from "../../src/services/context.js";
import { gitSetupStatus } from "../../src/services/setup-git.js";
import { cleanupTemp, git, tempDir, tempRepo, WM_BIN, wm, wmJson } from "../helpers/cli.js";

afterAll(cleanupTemp);

const TASKS = ".wm/tasks.yaml";
const LINE = ".wm/tasks.yaml merge=wm-tasks";

/** git, without throwing on a non-zero exit, with this test's node first on PATH (the driver runs `node`). */
function gitTry(cwd: string, ...args: string[]): SpawnSyncReturns<string> {
  const PATH = `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ""}`;
  return spawnSync("git", args, { cwd, encoding: "utf8", env: { ...process.env, PATH, NO_COLOR: "1" } });
}

function create(repo: string, ...args: string[]): string {
  const r = wm(repo, ["tasks", "create", ...args]);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.trim();
}

function ok(repo: string, ...args: string[]): void {
  const r = wm(repo, args);
  expect(r.code, r.stderr).toBe(0);
}

/** A repo with the driver set up and one committed task, "Shared task" (phase p1). */
function baseRepo(): { repo: string; shared: string } {
  const repo = tempRepo();
  ok(repo, "setup", "git");
  const shared = create(repo, "--title=Shared task", "--type=impl", "--phase=p1");
  git(repo, "add", "-A");
  git(repo, "commit", "-q", "-m", "base");
  return { repo, shared };
}

function commitAll(repo: string, message: string): void {
  git(repo, "add", "-A");
  git(repo, "commit", "-q", "-m", message);
}

describe("wm merge-driver through git merge", () => {
  it("merges tasks created on both branches and changes to different fields of one task", () => {
    const { repo, shared } = baseRepo();
    git(repo, "checkout", "-q", "-b", "a");
    const a1 = create(repo, "--title=Created on A", "--type=impl");
    ok(repo, "tasks", "start", shared); // A changes status
    commitAll(repo, "a");
    git(repo, "checkout", "-q", "main");
    git(repo, "checkout", "-q", "-b", "b");
    const b1 = create(repo, "--title=Created on B", "--type=verify");
    const b2 = create(repo, "--title=Also created on B", "--type=impl");
    // B changes the phase by hand and adds a dependency.
    const path = join(repo, TASKS);
    writeFileSync(path, readFileSync(path, "utf8").replace("phase: p1", "phase: p2"));
    ok(repo, "tasks", "dep", "add", shared, b1);
    commitAll(repo, "b");
    git(repo, "checkout", "-q", "a");

    const merge = gitTry(repo, "merge", "--no-edit", "b");
    expect(merge.status, merge.stdout + merge.stderr).toBe(0);
    const text = readFileSync(path, "utf8");
    expect(text).not.toMatch(/^(<<<<<<<|=======|>>>>>>>)/m);
    const tasks = wmJson<Task[]>(repo, ["tasks", "list"]);
    expect(tasks.map((t) => t.id).sort()).toEqual([shared, a1, b1, b2].sort());
    const s = tasks.find((t) => t.id === shared)!;
    expect(s.status).toBe("in_progress"); // from A
    expect(s.phase).toBe("p2"); // from B
    expect(s.depends_on).toEqual([b1]); // from B
    expect(wm(repo, ["tasks", "check"]).code).toBe(0);
    // The merge was committed with the driver's result: nothing left to resolve.
    expect(git(repo, "status", "--porcelain")).toBe("");
  });

  it("stops on the same field changed differently, with markers around that task only", () => {
    const { repo, shared } = baseRepo();
    git(repo, "checkout", "-q", "-b", "a");
    const a1 = create(repo, "--title=Created on A", "--type=impl");
    ok(repo, "tasks", "start", shared);
    commitAll(repo, "a");
    git(repo, "checkout", "-q", "main");
    git(repo, "checkout", "-q", "-b", "b");
    const b1 = create(repo, "--title=Created on B", "--type=impl");
    ok(repo, "tasks", "block", shared, "--reason=waits for the review");
    commitAll(repo, "b");
    git(repo, "checkout", "-q", "a");

    const merge = gitTry(repo, "merge", "--no-edit", "b");
    expect(merge.status).not.toBe(0);
    const out = merge.stdout + merge.stderr;
    expect(out).toContain("CONFLICT");
    expect(out).toContain("status changed on both sides: ours in_progress, theirs blocked");
    expect(git(repo, "diff", "--name-only", "--diff-filter=U").trim()).toBe(TASKS);

    const path = join(repo, TASKS);
    const text = readFileSync(path, "utf8");
    expect(text.match(/^<<<<<<< ours$/gm)).toHaveLength(1);
    expect(text.match(/^=======$/gm)).toHaveLength(1);
    expect(text.match(/^>>>>>>> theirs$/gm)).toHaveLength(1);
    const start = text.indexOf("<<<<<<< ours");
    const end = text.indexOf(">>>>>>> theirs");
    const block = text.slice(start, end);
    const [oursSide, theirsSide] = block.split("=======\n") as [string, string];
    expect(oursSide).toContain(`id: ${shared}`);
    expect(oursSide).toContain("status: in_progress");
    expect(theirsSide).toContain(`id: ${shared}`);
    expect(theirsSide).toContain("status: blocked");
    // The cleanly merged tasks are outside the markers.
    for (const id of [a1, b1]) {
      expect(block).not.toContain(id);
      expect(text).toContain(`id: ${id}`);
    }
    // The store refuses the file and says why.
    const list = wm(repo, ["tasks", "list"]);
    expect(list.code).toBe(2);
    expect(list.stderr).toContain("conflict markers");

    // The driver itself, run on the three index stages: exit 1 and the conflicts as data.
    const dir = tempDir();
    for (const [stage, name] of [
      [1, "base"],
      [2, "ours"],
      [3, "theirs"],
    ] as const) {
      writeFileSync(join(dir, name), git(repo, "show", `:${stage}:${TASKS}`));
    }
    const theirsBefore = readFileSync(join(dir, "theirs"), "utf8");
    const direct = wm(dir, ["merge-driver", "base", "ours", "theirs", TASKS, "--json"]);
    expect(direct.code).toBe(1);
    const doc = JSON.parse(direct.stdout) as {
      kind: string;
      data: { conflicts: Array<Record<string, unknown>>; conflictedTasks: string[] };
    };
    expect(doc.kind).toBe("merge");
    expect(doc.data.conflictedTasks).toEqual([shared]);
    expect(doc.data.conflicts).toEqual([
      expect.objectContaining({
        kind: "field",
        id: shared,
        title: "Shared task",
        field: "status",
        ours: "in_progress",
        theirs: "blocked",
      }),
    ]);
    expect(direct.stderr).toContain(`${shared} "Shared task"`);
    expect(readFileSync(join(dir, "ours"), "utf8")).toBe(text);
    expect(readFileSync(join(dir, "theirs"), "utf8")).toBe(theirsBefore);

    // A human keeps theirs: the file reads again, with every task.
    writeFileSync(path, text.slice(0, start) + theirsSide + text.slice(end + ">>>>>>> theirs\n".length));
    const tasks = wmJson<Task[]>(repo, ["tasks", "list"]);
    expect(tasks.map((t) => t.id).sort()).toEqual([shared, a1, b1].sort());
    expect(tasks.find((t) => t.id === shared)!.status).toBe("blocked");
  });

  it("leaves ours untouched and exits 2 when a version does not parse", () => {
    const dir = tempDir();
    const good = "version: 1\ntasks: []\n";
    writeFileSync(join(dir, "base"), good);
    writeFileSync(join(dir, "ours"), good);
    writeFileSync(join(dir, "theirs"), "version: 1\ntasks:\n  - id: [unclosed\n");
    const r = wm(dir, ["merge-driver", "base", "ours", "theirs", TASKS]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("theirs");
    expect(r.stdout).toBe("");
    expect(readFileSync(join(dir, "ours"), "utf8")).toBe(good);
  });

  it("merges cleanly when run directly, writing the canonical file over ours", () => {
    const dir = tempDir();
    const repo = tempRepo();
    const a = create(repo, "--title=first", "--type=impl");
    const base = readFileSync(join(repo, TASKS), "utf8");
    const b = create(repo, "--title=second", "--type=impl");
    const ours = readFileSync(join(repo, TASKS), "utf8");
    writeFileSync(join(repo, TASKS), base);
    const c = create(repo, "--title=third", "--type=impl");
    const theirs = readFileSync(join(repo, TASKS), "utf8");
    writeFileSync(join(dir, "O"), base);
    writeFileSync(join(dir, "A"), ours);
    writeFileSync(join(dir, "B"), theirs);
    const r = wm(dir, ["merge-driver", "O", "A", "B"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe("");
    writeFileSync(join(repo, TASKS), readFileSync(join(dir, "A"), "utf8"));
    expect(wmJson<Task[]>(repo, ["tasks", "list"]).map((t) => t.title)).toEqual(["first", "second", "third"]);
    expect([a, b, c].every((id) => readFileSync(join(dir, "A"), "utf8").includes(`id: ${id}`))).toBe(true);
  });
});

describe("wm setup git", () => {
  it("is idempotent, and --uninstall restores .gitattributes and the git config", () => {
    const repo = tempRepo();
    const original = "*.png binary\n";
    writeFileSync(join(repo, ".gitattributes"), original);
    const configBefore = readFileSync(join(repo, ".git", "config"), "utf8");

    const dry = wm(repo, ["setup", "git", "--dry-run"]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("dry run");
    expect(readFileSync(join(repo, ".gitattributes"), "utf8")).toBe(original);
    expect(readFileSync(join(repo, ".git", "config"), "utf8")).toBe(configBefore);

    const first = wmJson<{ changed: boolean; changes: Array<{ action: string; key: string }> }>(repo, [
      "setup",
      "git",
    ]);
    expect(first.changed).toBe(true);
    expect(first.changes.map((c) => `${c.action} ${c.key}`)).toEqual([
      "set merge.wm-tasks.name",
      "set merge.wm-tasks.driver",
      "add-line .gitattributes",
    ]);
    expect(readFileSync(join(repo, ".gitattributes"), "utf8")).toBe(`${original}${LINE}\n`);
    expect(git(repo, "config", "--get", "merge.wm-tasks.driver").trim()).toBe(
      `node "${WM_BIN}" merge-driver %O %A %B %P`,
    );
    expect(git(repo, "check-attr", "merge", "--", TASKS).trim()).toBe(`${TASKS}: merge: wm-tasks`);
    const attrs = readFileSync(join(repo, ".gitattributes"), "utf8");
    const config = readFileSync(join(repo, ".git", "config"), "utf8");

    const again = wm(repo, ["setup", "git"]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("nothing changed");
    const againJson = wmJson<{ changed: boolean; changes: unknown[] }>(repo, ["setup", "git"]);
    expect(againJson).toMatchObject({ changed: false, changes: [] });
    expect(readFileSync(join(repo, ".gitattributes"), "utf8")).toBe(attrs);
    expect(readFileSync(join(repo, ".git", "config"), "utf8")).toBe(config);

    const un = wmJson<{ changed: boolean; changes: Array<{ action: string }> }>(repo, [
      "setup",
      "git",
      "--uninstall",
    ]);
    expect(un.changes.map((c) => c.action)).toEqual(["remove-line", "unset", "unset", "remove-section"]);
    expect(readFileSync(join(repo, ".gitattributes"), "utf8")).toBe(original);
    expect(readFileSync(join(repo, ".git", "config"), "utf8")).toBe(configBefore);
    expect(gitTry(repo, "config", "--get", "merge.wm-tasks.driver").status).toBe(1);
    expect(wmJson<{ changed: boolean }>(repo, ["setup", "git", "--uninstall"]).changed).toBe(false);
  });

  it("creates .gitattributes when missing and deletes it again on --uninstall", () => {
    const repo = tempRepo();
    ok(repo, "setup", "git");
    expect(readFileSync(join(repo, ".gitattributes"), "utf8")).toBe(`${LINE}\n`);
    ok(repo, "setup", "git", "--uninstall");
    expect(existsSync(join(repo, ".gitattributes"))).toBe(false);
  });

  it("works from a linked worktree (the driver goes into the shared config)", () => {
    const repo = tempRepo();
    writeFileSync(join(repo, "README"), "x\n");
    commitAll(repo, "init");
    const wt = join(tempDir(), "wt");
    git(repo, "worktree", "add", "-q", "-b", "side", wt);
    ok(wt, "setup", "git");
    expect(readFileSync(join(wt, ".gitattributes"), "utf8")).toBe(`${LINE}\n`);
    expect(git(repo, "config", "--get", "merge.wm-tasks.driver")).toContain("merge-driver %O %A %B %P");
  });

  it("gitSetupStatus reports registration, the driver's path and the attribute", () => {
    const repo = tempRepo();
    const ctx = defaultCtx(repo, {});
    expect(gitSetupStatus(ctx)).toMatchObject({
      registered: false,
      driverPathExists: false,
      attributes: false,
    });
    ok(repo, "setup", "git");
    expect(gitSetupStatus(ctx)).toMatchObject({
      registered: true,
      driverPathExists: true,
      attributes: true,
      driverPath: WM_BIN,
    });
    // A driver registered from a wm that has since been removed.
    const gone = join(tempDir(), "old wm", "bin", "wm.js");
    git(repo, "config", "merge.wm-tasks.driver", `node "${gone}" merge-driver %O %A %B %P`);
    expect(gitSetupStatus(ctx)).toMatchObject({
      registered: true,
      driverPathExists: false,
      driverPath: gone,
    });
    rmSync(join(repo, ".gitattributes"));
    expect(gitSetupStatus(ctx).attributes).toBe(false);
    const outside = tempDir();
    expect(gitSetupStatus(defaultCtx(outside, { WM_ROOT: outside })).gitRepo).toBe(false);
  });
});
