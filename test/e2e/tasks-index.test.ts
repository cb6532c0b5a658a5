// The derived index in .wm/cache must always answer as a rebuild from .wm/tasks.yaml would.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { pathsFor } from "../../src/store/paths.js";
import { buildIndex, fileKey, readIndex, tailOf } from "../../src/store/tasks-index.js";
import { parseTasksSlow } from "../../src/store/tasks-store.js";
import { cleanupTemp, tempRepo, wm, wmJson } from "../helpers/cli.js";
import { seededRng } from "../helpers/prng.js";

afterAll(cleanupTemp);

type T = { id: string; status: string; issue?: number; title: string };

function answers(repo: string) {
  return {
    ready: wmJson<T[]>(repo, ["tasks", "ready"]).map((t) => t.id),
    issue3: wmJson<T[]>(repo, ["tasks", "list", "--issue=3"]).map((t) => `${t.id}:${t.status}`),
    all: wmJson<T[]>(repo, ["tasks", "list"]).map((t) => `${t.id}:${t.status}:${t.title}`),
  };
}

function fresh(repo: string) {
  rmSync(join(repo, ".wm", "cache"), { recursive: true, force: true });
  return answers(repo);
}

describe("the tasks index", () => {
  it("agrees with a rebuild after every step of a random session", () => {
    const repo = tempRepo();
    const rng = seededRng(7);
    const rand = () => rng.next();
    const ids: string[] = [];
    const pick = () => ids[Math.floor(rand() * ids.length)]!;
    for (let step = 0; step < 30; step++) {
      const r = rand();
      if (ids.length < 3 || r < 0.45) {
        const issue = 1 + Math.floor(rand() * 4);
        const type = rand() < 0.15 ? "epic" : rand() < 0.3 ? "verify" : "impl";
        const args = ["tasks", "create", `--title=step ${step}`, `--type=${type}`, `--issue=${issue}`];
        if (ids.length > 0 && rand() < 0.5) args.push(`--depends-on=${pick()}`);
        const out = wm(repo, args);
        expect(out.code, out.stderr).toBe(0);
        ids.push(out.stdout.trim());
      } else if (r < 0.75) {
        wm(repo, ["tasks", "done", pick(), "--evidence=ok"]); // may be refused by a rule: fine
      } else if (r < 0.85) {
        wm(repo, ["tasks", "start", pick()]);
      } else {
        wm(repo, ["tasks", "reopen", pick()]);
      }
      const cached = answers(repo);
      expect(cached).toEqual(fresh(repo));
    }
  });

  it("consecutive appends leave the index a rebuild would write, column for column", async () => {
    const repo = tempRepo();
    const rng = seededRng(11);
    const ids: string[] = [];
    const epics: string[] = [];
    const gens = new Set<string>();
    const paths = pathsFor(repo);
    for (let step = 0; step < 40; step++) {
      const issue = 1 + Math.floor(rng.next() * 3);
      const epic = rng.next() < 0.15;
      // Titles JSON must escape, and non-ASCII ones.
      const title = [`plain ${step}`, `quote "${step}" back\\slash`, `ünïcödé ${step} ✓`][step % 3]!;
      const args = ["tasks", "create", `--title=${title}`, `--type=${epic ? "epic" : "impl"}`];
      if (rng.next() < 0.8) args.push(`--issue=${issue}`);
      if (ids.length > 0 && rng.next() < 0.5)
        args.push(`--depends-on=${ids[Math.floor(rng.next() * ids.length)]}`);
      if (ids.length > 1 && rng.next() < 0.3) args.push(`--depends-on=${ids[0]}`);
      if (!epic && epics.length > 0 && rng.next() < 0.3) args.push(`--parent=${epics[epics.length - 1]}`);
      const out = wm(repo, args);
      expect(out.code, out.stderr).toBe(0);
      const id = out.stdout.trim();
      ids.push(id);
      if (epic) epics.push(id);
      const appended = readIndex(paths, fileKey(paths.tasksFile));
      expect(appended, `index after step ${step}`).not.toBeNull();
      gens.add(appended!.meta.gen);
      const bytes = readFileSync(paths.tasksFile);
      const file = await parseTasksSlow(bytes.toString("utf8"), "tasks.yaml");
      const rebuilt = buildIndex(file, fileKey(paths.tasksFile)!, tailOf(bytes), true);
      const { gen: _a, ...meta } = appended!.meta;
      const { gen: _b, ...want } = rebuilt.meta;
      expect(meta, `meta after step ${step}`).toEqual(want);
      expect(appended!.columns(), `columns after step ${step}`).toEqual(rebuilt.columns());
      expect(appended!.all(), `body after step ${step}`).toEqual(file.tasks);
      expect(appended!.view().id(ids.length - 1)).toBe(id);
    }
    // One generation: every step after the first appended to the index instead of rebuilding it.
    expect(gens.size).toBe(1);
  });

  it("notices a hand edit of tasks.yaml, even one that keeps the file's size", () => {
    const repo = tempRepo();
    const id = wm(repo, ["tasks", "create", "--title=alpha", "--type=impl", "--issue=3"]).stdout.trim();
    expect(wmJson<T[]>(repo, ["tasks", "ready"]).map((t) => t.title)).toEqual(["alpha"]);
    const file = join(repo, ".wm", "tasks.yaml");
    const text = readFileSync(file, "utf8");
    writeFileSync(file, text.replace("title: alpha", "title: omega"));
    expect(readFileSync(file).length).toBe(Buffer.byteLength(text));
    expect(wmJson<T[]>(repo, ["tasks", "ready"]).map((t) => t.title)).toEqual(["omega"]);
    // A write after the hand edit keeps it.
    const second = wm(repo, [
      "tasks",
      "create",
      "--title=beta",
      "--type=impl",
      "--issue=3",
      `--depends-on=${id}`,
    ]);
    expect(second.code).toBe(0);
    expect(readFileSync(file, "utf8")).toContain("title: omega");
    expect(wmJson<T[]>(repo, ["tasks", "list", "--issue=3"]).map((t) => t.title)).toEqual(["omega", "beta"]);
  });

  it("survives a corrupt or half-written cache", () => {
    const repo = tempRepo();
    wm(repo, ["tasks", "create", "--title=alpha", "--type=impl"]);
    const idx = join(repo, ".wm", "cache", "tasks.idx");
    writeFileSync(idx, readFileSync(idx).subarray(0, 40));
    expect(wmJson<T[]>(repo, ["tasks", "list"]).map((t) => t.title)).toEqual(["alpha"]);
    writeFileSync(join(repo, ".wm", "cache", "tasks.body"), "garbage\n");
    expect(wmJson<T[]>(repo, ["tasks", "list"]).map((t) => t.title)).toEqual(["alpha"]);
    expect(wm(repo, ["tasks", "create", "--title=beta", "--type=impl"]).code).toBe(0);
    expect(fresh(repo).all.map((s) => s.split(":")[2])).toEqual(["alpha", "beta"]);
  });
});
