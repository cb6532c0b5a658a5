// `wm init` and `wm doctor` against real temp git repositories and the built CLI.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_CONFIG_TEXT } from "../../src/core/config-defaults.js";
import { cleanEnv, cleanupTemp, git, tempDir, tempRepo, WM_BIN, wm, wmJson } from "../helpers/cli.js";

afterAll(cleanupTemp);

const RUNTIME = [".wm/sessions/", ".wm/*.lock", ".wm/*.lock.stale.*", ".wm/*.tmp"];

interface InitData {
  root: string;
  created: string[];
  kept: string[];
  updated: string[];
  dryRun: boolean;
}

interface Check {
  id: string;
  status: "ok" | "warn" | "error";
  message: string;
  fix?: string;
  fixed?: boolean;
}

interface DoctorData {
  root: string | null;
  ok: boolean;
  checks: Check[];
}

/** Every file under `dir` (but .git) with its bytes and mtime. */
function snapshot(dir: string): Map<string, { bytes: string; mtimeMs: number }> {
  const out = new Map<string, { bytes: string; mtimeMs: number }>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      if (name === ".git") continue;
      const p = join(d, name);
      const s = statSync(p);
      if (s.isDirectory()) {
        out.set(`${relative(dir, p)}/`, { bytes: "", mtimeMs: s.mtimeMs });
        walk(p);
      } else out.set(relative(dir, p), { bytes: readFileSync(p, "base64"), mtimeMs: s.mtimeMs });
    }
  };
  walk(dir);
  return out;
}

function doctorJson(cwd: string, args: string[] = []): { code: number; data: DoctorData; stderr: string } {
  const r = wm(cwd, ["doctor", ...args, "--json"]);
  const doc = JSON.parse(r.stdout) as { schemaVersion: number; kind: string; data: DoctorData };
  expect(doc.kind).toBe("doctor");
  return { code: r.code, data: doc.data, stderr: r.stderr };
}

function check(data: DoctorData, id: string): Check {
  const c = data.checks.find((x) => x.id === id);
  if (c === undefined) throw new Error(`no check ${id} in ${JSON.stringify(data.checks)}`);
  return c;
}

/** A pid that is certainly not running: a child that has already exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], {
    encoding: "utf8",
  });
  const pid = Number(r.stdout);
  expect(pid).toBeGreaterThan(0);
  return pid;
}

function registerMergeDriver(repo: string): void {
  git(repo, "config", "merge.wm-tasks.driver", `node "${WM_BIN}" merge-driver %O %A %B %P`);
  writeFileSync(join(repo, ".gitattributes"), ".wm/tasks.yaml merge=wm-tasks\n");
}

function ignored(repo: string, path: string): boolean {
  return spawnSync("git", ["check-ignore", "-q", "--no-index", path], { cwd: repo }).status === 0;
}

describe("wm init", () => {
  it("creates config, tasks file, issues dir and .gitignore entries in a fresh repo", () => {
    const repo = tempRepo();
    const data = wmJson<InitData>(repo, ["init"]);
    expect(data.root).toBe(repo);
    expect(data.dryRun).toBe(false);
    expect(data.created).toEqual([".wm/config.yaml", ".wm/tasks.yaml", ".wm/issues/", ".gitignore"]);
    expect(data.kept).toEqual([]);
    expect(data.updated).toEqual([]);

    expect(readFileSync(join(repo, ".wm/config.yaml"), "utf8")).toBe(DEFAULT_CONFIG_TEXT);
    expect(readFileSync(join(repo, ".wm/tasks.yaml"), "utf8")).toMatch(/\nversion: 1\ntasks: \[\]\n$/);
    expect(existsSync(join(repo, ".wm/issues/.gitkeep"))).toBe(true);
    const gitignore = readFileSync(join(repo, ".gitignore"), "utf8").split("\n");
    for (const line of RUNTIME) expect(gitignore).toContain(line);

    // The entries really ignore the runtime files, and not the committed ones.
    for (const p of [
      ".wm/sessions/abc.json",
      ".wm/tasks.yaml.lock",
      ".wm/tasks.yaml.lock.stale.0a1b2c3d",
      ".wm/.tasks.yaml.123.abcd.tmp",
    ]) {
      expect(ignored(repo, p), p).toBe(true);
    }
    for (const p of [".wm/tasks.yaml", ".wm/config.yaml", ".wm/issues/.gitkeep"]) {
      expect(ignored(repo, p), p).toBe(false);
    }
    // The created files are what the other commands read.
    expect(wmJson<unknown[]>(repo, ["tasks", "list"])).toEqual([]);
    expect(wm(repo, ["tasks", "create", "--title=after init", "--type=impl"]).code).toBe(0);
  });

  it("a second run creates nothing and changes no byte", () => {
    const repo = tempRepo();
    expect(wm(repo, ["init"]).code).toBe(0);
    const before = snapshot(repo);
    const second = wm(repo, ["init"]);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain("kept");
    expect(second.stdout).not.toContain("created");
    const data = wmJson<InitData>(repo, ["init"]);
    expect(data.created).toEqual([]);
    expect(data.updated).toEqual([]);
    expect(data.kept).toEqual([".wm/config.yaml", ".wm/tasks.yaml", ".wm/issues/", ".gitignore"]);
    expect(snapshot(repo)).toEqual(before);
  });

  it("keeps an existing .gitignore, appending only the missing lines", () => {
    const repo = tempRepo();
    const mine = "node_modules\n*.log\n# my comment\n.wm/sessions/\n/.wm/*.lock\n!keep.log";
    writeFileSync(join(repo, ".gitignore"), mine);
    const data = wmJson<InitData>(repo, ["init"]);
    expect(data.updated).toEqual([".gitignore"]);
    const text = readFileSync(join(repo, ".gitignore"), "utf8");
    expect(text.startsWith(`${mine}\n`)).toBe(true);
    const added = text
      .slice(mine.length)
      .split("\n")
      .filter((l) => l !== "" && !l.startsWith("#"));
    expect(added).toEqual([".wm/*.lock.stale.*", ".wm/*.tmp"]);
    expect(text.split("\n").filter((l) => l === ".wm/sessions/")).toHaveLength(1);
  });

  it("never overwrites existing files, even an invalid config", () => {
    const repo = tempRepo();
    mkdirSync(join(repo, ".wm"));
    const config = "hooks:\n  stopp: {}\n";
    writeFileSync(join(repo, ".wm/config.yaml"), config);
    const data = wmJson<InitData>(repo, ["init"]);
    expect(data.kept).toContain(".wm/config.yaml");
    expect(data.created).toEqual([".wm/tasks.yaml", ".wm/issues/", ".gitignore"]);
    expect(readFileSync(join(repo, ".wm/config.yaml"), "utf8")).toBe(config);
  });

  it("--dry-run reports what it would do and changes nothing", () => {
    const repo = tempRepo();
    const before = snapshot(repo);
    const text = wm(repo, ["init", "--dry-run"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("would create");
    expect(text.stdout).toContain(".wm/config.yaml");
    const data = wmJson<InitData>(repo, ["init", "--dry-run"]);
    expect(data.dryRun).toBe(true);
    expect(data.created).toEqual([".wm/config.yaml", ".wm/tasks.yaml", ".wm/issues/", ".gitignore"]);
    expect(snapshot(repo)).toEqual(before);
    expect(existsSync(join(repo, ".wm"))).toBe(false);
  });

  it("sets up the repository root when run from a subdirectory", () => {
    const repo = tempRepo();
    mkdirSync(join(repo, "src/deep"), { recursive: true });
    const data = wmJson<InitData>(join(repo, "src/deep"), ["init"]);
    expect(data.root).toBe(repo);
    expect(existsSync(join(repo, ".wm/config.yaml"))).toBe(true);
    expect(existsSync(join(repo, "src/deep/.wm"))).toBe(false);
  });

  it("works inside a git worktree, where .git is a file", () => {
    const repo = tempRepo();
    writeFileSync(join(repo, "README.md"), "hi\n");
    git(repo, "add", "README.md");
    git(repo, "commit", "-q", "-m", "init");
    const wt = join(tempDir("wm-wt-"), "wt");
    git(repo, "worktree", "add", "-q", "-b", "feature", wt);
    expect(statSync(join(wt, ".git")).isFile()).toBe(true);

    const data = wmJson<InitData>(wt, ["init"]);
    expect(data.root).toBe(wt);
    expect(existsSync(join(wt, ".wm/config.yaml"))).toBe(true);
    expect(existsSync(join(wt, ".wm/tasks.yaml"))).toBe(true);
    expect(existsSync(join(repo, ".wm"))).toBe(false);
    expect(ignored(wt, ".wm/sessions/x.json")).toBe(true);
    expect(doctorJson(wt).code).toBe(0);
  });

  it("outside a git repository it is a usage error unless WM_ROOT is set", () => {
    const dir = tempDir();
    const r = wm(dir, ["init"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("git init");
    expect(r.stdout).toBe("");
    expect(existsSync(join(dir, ".wm"))).toBe(false);
    expect(existsSync(join(dir, ".gitignore"))).toBe(false);

    // (the wm() helper's cleanEnv drops WM_ROOT, so spawn directly)
    const withRoot = spawnSync(process.execPath, [WM_BIN, "init", "--json"], {
      cwd: dir,
      encoding: "utf8",
      env: { ...cleanEnv(), WM_ROOT: dir },
    });
    expect(withRoot.status).toBe(0);
    expect((JSON.parse(withRoot.stdout) as { data: InitData }).data.root).toBe(dir);
    expect(existsSync(join(dir, ".wm/config.yaml"))).toBe(true);
  });
});

describe("wm doctor", () => {
  it("exits 0 with every check ok on a healthy repository", () => {
    const repo = tempRepo();
    expect(wm(repo, ["init"]).code).toBe(0);
    registerMergeDriver(repo);
    const { code, data } = doctorJson(repo);
    expect(code).toBe(0);
    expect(data.ok).toBe(true);
    expect(data.root).toBe(repo);
    expect(data.checks.map((c) => c.id)).toEqual([
      "root",
      "wm-dir",
      "config",
      "tasks-file",
      "task-graph",
      "gitignore",
      "stale-files",
      "merge-driver",
      "modes",
      "node",
    ]);
    expect(data.checks.filter((c) => c.status !== "ok")).toEqual([]);
    const text = wm(repo, ["doctor"]);
    expect(text.code).toBe(0);
    const lines = text.stdout.split("\n");
    for (const id of data.checks.map((c) => c.id)) {
      expect(
        lines.some((l) => new RegExp(`^✓ ${id} `).test(l)),
        id,
      ).toBe(true);
    }
    expect(text.stdout).toContain("doctor: all checks passed");
  });

  it("warns (exit 0) about a missing merge driver and names the fix", () => {
    const repo = tempRepo();
    expect(wm(repo, ["init"]).code).toBe(0);
    const { code, data } = doctorJson(repo);
    expect(code).toBe(0);
    const md = check(data, "merge-driver");
    expect(md.status).toBe("warn");
    expect(md.fix).toContain("wm setup git");
  });

  it("a broken tasks file: exit 1, file:line named, the file byte-identical afterwards (even with --fix)", () => {
    const repo = tempRepo();
    expect(wm(repo, ["init"]).code).toBe(0);
    const broken = "version: 1\ntasks:\n  - id: abcdef\n   title: bad indent\n";
    const path = join(repo, ".wm/tasks.yaml");
    writeFileSync(path, broken);
    const { code, data } = doctorJson(repo);
    expect(code).toBe(1);
    expect(data.ok).toBe(false);
    const tf = check(data, "tasks-file");
    expect(tf.status).toBe("error");
    expect(tf.message).toMatch(/^\.wm\/tasks\.yaml:4:\d+: not valid YAML/);
    expect(data.checks.some((c) => c.id === "task-graph")).toBe(false);

    const text = wm(repo, ["doctor", "--fix"]);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/✗ tasks-file\s+\.wm\/tasks\.yaml:4:/);
    expect(readFileSync(path, "utf8")).toBe(broken);
  });

  it("a cycle in the task graph is an error", () => {
    const repo = tempRepo();
    expect(wm(repo, ["init"]).code).toBe(0);
    const t = (id: string, dep: string) =>
      `  - id: ${id}\n    title: ${id}\n    type: impl\n    status: pending\n    depends_on: [${dep}]\n` +
      "    created: 2024-01-01T00:00:00Z\n    updated: 2024-01-01T00:00:00Z\n";
    writeFileSync(
      join(repo, ".wm/tasks.yaml"),
      `version: 1\ntasks:\n${t("aaaaaa", "bbbbbb")}${t("bbbbbb", "aaaaaa")}`,
    );
    const { code, data } = doctorJson(repo);
    expect(code).toBe(1);
    expect(check(data, "tasks-file").status).toBe("ok");
    const graph = check(data, "task-graph");
    expect(graph.status).toBe("error");
    expect(graph.message).toContain("aaaaaa");
  });

  it("--fix removes a stale lock of a dead pid and leftovers, keeps a live lock, adds .gitignore lines", () => {
    const repo = tempRepo();
    expect(wm(repo, ["init"]).code).toBe(0);
    const wmDir = join(repo, ".wm");
    const dead = deadPid();
    const stale = JSON.stringify({ pid: dead, host: hostname(), token: "deadbeef" });
    writeFileSync(join(wmDir, "tasks.yaml.lock"), stale);
    writeFileSync(join(wmDir, "tasks.yaml.lock.stale.0a1b2c3d"), stale);
    writeFileSync(join(wmDir, `.tasks.yaml.${dead}.0a1b2c3d.tmp`), "half a file");
    // Temp files of the derived caches: a dead writer's is a leftover, a live one's is not.
    mkdirSync(join(wmDir, "cache"), { recursive: true });
    writeFileSync(join(wmDir, "cache", `tasks.idx.${dead}.tmp`), "half an index");
    writeFileSync(
      join(wmDir, "cache", `spec-tree-0123456789abcdef.json.${process.pid}.tmp`),
      "being written",
    );
    // A lock held by a live process (this test runner) must survive.
    const live = JSON.stringify({ pid: process.pid, host: hostname(), token: "cafe" });
    writeFileSync(join(wmDir, "other.yaml.lock"), live);
    writeFileSync(join(repo, ".gitignore"), "node_modules\n");

    const before = doctorJson(repo);
    expect(before.code).toBe(0);
    const sf = check(before.data, "stale-files");
    expect(sf.status).toBe("warn");
    expect(sf.message).toContain(`pid ${dead} is not running`);
    expect(sf.message).not.toContain("other.yaml.lock");
    expect(sf.message).toContain(`.wm/cache/tasks.idx.${dead}.tmp`);
    expect(sf.message).not.toContain("spec-tree-");
    expect(check(before.data, "gitignore").status).toBe("warn");
    expect(existsSync(join(wmDir, "tasks.yaml.lock"))).toBe(true);

    const fixed = doctorJson(repo, ["--fix"]);
    expect(fixed.code).toBe(0);
    expect(check(fixed.data, "stale-files").fixed).toBe(true);
    expect(check(fixed.data, "gitignore").fixed).toBe(true);
    // (.wm/cache/ is the tasks index other commands keep; it is not a leftover)
    expect(
      readdirSync(wmDir)
        .filter((n) => n !== "cache")
        .sort(),
    ).toEqual(["config.yaml", "issues", "other.yaml.lock", "tasks.yaml"]);
    expect(readFileSync(join(wmDir, "other.yaml.lock"), "utf8")).toBe(live);
    expect(readdirSync(join(wmDir, "cache")).filter((n) => n.endsWith(".tmp"))).toEqual([
      `spec-tree-0123456789abcdef.json.${process.pid}.tmp`,
    ]);
    const gitignore = readFileSync(join(repo, ".gitignore"), "utf8");
    expect(gitignore.startsWith("node_modules\n")).toBe(true);
    for (const line of RUNTIME) expect(gitignore.split("\n")).toContain(line);

    const after = doctorJson(repo);
    expect(check(after.data, "stale-files").status).toBe("ok");
    expect(check(after.data, "gitignore").status).toBe("ok");
  });

  it("a config typo: exit 1, the key named with file:line:col, the file never rewritten", () => {
    const repo = tempRepo();
    expect(wm(repo, ["init"]).code).toBe(0);
    const path = join(repo, ".wm/config.yaml");
    const text = DEFAULT_CONFIG_TEXT.replace("    max_blocks: 3", "    max_block: 3");
    expect(text).not.toBe(DEFAULT_CONFIG_TEXT);
    writeFileSync(path, text);
    const line = text.split("\n").findIndex((l) => l.includes("max_block:")) + 1;

    const { code, data } = doctorJson(repo, ["--fix"]);
    expect(code).toBe(1);
    const c = check(data, "config");
    expect(c.status).toBe("error");
    expect(c.message).toContain(`.wm/config.yaml:${line}:5: hooks.stop.max_block: unknown key "max_block"`);
    expect(c.message).toContain('did you mean "max_blocks"?');
    expect(readFileSync(path, "utf8")).toBe(text);

    const human = wm(repo, ["doctor"]);
    expect(human.code).toBe(1);
    expect(human.stdout).toContain("max_block");
    expect(human.stdout).toContain("doctor: 1 error");
  });

  it("outside a project: root check is an error, exit 1, still one JSON document", () => {
    const dir = tempDir();
    const { code, data } = doctorJson(dir);
    expect(code).toBe(1);
    expect(data.root).toBeNull();
    expect(check(data, "root").status).toBe("error");
    expect(check(data, "node").status).toBe("ok");
  });

  it("an uninitialised repository: .wm/ missing is an error that names wm init", () => {
    const repo = tempRepo();
    const { code, data } = doctorJson(repo);
    expect(code).toBe(1);
    const c = check(data, "wm-dir");
    expect(c.status).toBe("error");
    expect(c.fix).toBe("wm init");
    expect(existsSync(join(repo, ".wm"))).toBe(false);
  });
});
