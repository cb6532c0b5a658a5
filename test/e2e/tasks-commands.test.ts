// Every `wm tasks` subcommand through the built CLI, with and without --json: the data, the exit codes, the
// refusals (nothing written) and the stdout/stderr split of the agent contract.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanupTemp, type RunResult, tempRepo, wm } from "../helpers/cli.js";

afterAll(cleanupTemp);

interface Task {
  id: string;
  title: string;
  type: string;
  status: string;
  issue?: number;
  parent?: string;
  depends_on: string[];
  phase?: string;
  reason?: string;
  description?: string;
  evidence?: { text?: string; command?: string; exit_code?: number; output_sha256?: string; at: string };
}
type Brief = Pick<Task, "id" | "title" | "status" | "type">;

/** stdout must be exactly one JSON document (the envelope) and nothing else. */
function doc<T>(r: RunResult, kind?: string): T {
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout.endsWith("\n")).toBe(true);
  expect(r.stdout.trimEnd().split("\n"), "one line, one document").toHaveLength(1);
  const d = JSON.parse(r.stdout) as { schemaVersion: number; kind: string; data: T };
  expect(Object.keys(d).sort()).toEqual(["data", "kind", "schemaVersion"]);
  expect(d.schemaVersion).toBe(1);
  if (kind) expect(d.kind).toBe(kind);
  return d.data;
}

/** A refusal: the exit code, nothing on stdout, one JSON error document on stderr with the rule. */
function refused(r: RunResult, code: number, rule: string): { message: string; details?: unknown } {
  expect(r.code, r.stderr).toBe(code);
  expect(r.stdout).toBe("");
  const lines = r.stderr.trimEnd().split("\n");
  expect(lines, r.stderr).toHaveLength(1);
  const e = JSON.parse(lines[0]!) as {
    schemaVersion: number;
    kind: string;
    error: { message: string; exitCode: number; rule: string; details?: unknown };
  };
  expect(e.schemaVersion).toBe(1);
  expect(e.kind).toBe("error");
  expect(e.error.rule).toBe(rule);
  expect(e.error.exitCode).toBe(code);
  return e.error;
}

function tasksFile(repo: string): string {
  return readFileSync(join(repo, ".wm", "tasks.yaml"), "utf8");
}

function create(repo: string, args: string[]): Task {
  return doc<Task>(wm(repo, ["tasks", "create", ...args, "--json"]), "task");
}

function get(repo: string, id: string): Task {
  return doc<{ task: Task }>(wm(repo, ["tasks", "show", id, "--json"]), "task-detail").task;
}

describe("wm tasks create", () => {
  it("prints the id alone without --json, and the task with --json", () => {
    const repo = tempRepo();
    const r = wm(repo, ["tasks", "create", "--title=Plain", "--type=impl"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^[a-z][0-9a-z]{5}\n$/);
    expect(r.stderr).toBe("");
    const t = create(repo, ["--title=  Spaced title  ", "--type=VERIFY", "--issue=GH#12"]);
    expect(t).toMatchObject({
      title: "Spaced title",
      type: "verify",
      status: "pending",
      issue: 12,
      depends_on: [],
    });
    expect(t.id).toMatch(/^[a-z][0-9a-z]{5}$/);
    // Default type.
    expect(create(repo, ["--title=Untyped"]).type).toBe("task");
  });

  it("--depends-on takes unique prefixes (repeated or comma-separated); --parent, --phase, --description", () => {
    const repo = tempRepo();
    const epic = create(repo, ["--title=Epic", "--type=epic"]);
    const a = create(repo, ["--title=A", "--type=impl"]);
    const b = create(repo, ["--title=B", "--type=impl"]);
    const c = create(repo, ["--title=C", "--type=impl"]);
    const prefix = (id: string, others: string[]) => {
      for (let n = 1; n <= id.length; n++) {
        const p = id.slice(0, n);
        if (!others.some((o) => o !== id && o.startsWith(p))) return p;
      }
      return id;
    };
    const all = [epic.id, a.id, b.id, c.id];
    const description = "First line: with a colon\n  indented # not a comment\n\nlast line";
    const t = create(repo, [
      "--title=Child",
      "--type=verify",
      `--depends-on=${prefix(a.id, all)},${b.id}`,
      `--depends-on=${prefix(c.id, all)}`,
      `--parent=${prefix(epic.id, all)}`,
      "--phase=BASELINE",
      `--description=${description}`,
    ]);
    expect(t.depends_on).toEqual([a.id, b.id, c.id]);
    expect(t.parent).toBe(epic.id);
    expect(t.phase).toBe("BASELINE");
    expect(t.description).toBe(description);
    // Stored as written: read back through a fresh process.
    expect(get(repo, t.id)).toEqual(t);
    expect(tasksFile(repo)).toContain(
      "    description: |-\n      First line: with a colon\n        indented # not a comment\n\n      last line\n",
    );
    // The human `show` prints the description.
    const shown = wm(repo, ["tasks", "show", t.id]);
    expect(shown.stdout).toContain("  First line: with a colon\n    indented # not a comment");
  });

  it("refuses bad input with exit 2, nothing on stdout, nothing written", () => {
    const repo = tempRepo();
    const a = create(repo, ["--title=A", "--type=impl"]);
    const before = tasksFile(repo);
    refused(wm(repo, ["tasks", "create", "--title=X", "--type=story", "--json"]), 2, "task/unknown-type");
    refused(
      wm(repo, ["tasks", "create", "--title=X", "--depends-on=zzzzzz", "--json"]),
      2,
      "task/unknown-id",
    );
    refused(wm(repo, ["tasks", "create", "--title=X", `--parent=${a.id}x`, "--json"]), 2, "task/unknown-id");
    refused(wm(repo, ["tasks", "create", "--title=  ", "--json"]), 2, "usage");
    refused(wm(repo, ["tasks", "create", "--title=X", "--issue=0", "--json"]), 2, "usage");
    const text = wm(repo, ["tasks", "create", "--title=X", "--type=story"]);
    expect(text.code).toBe(2);
    expect(text.stdout).toBe("");
    expect(text.stderr).toMatch(/^error: unknown task type "story"; valid types: epic, impl, verify/);
    expect(tasksFile(repo)).toBe(before);
  });

  it("an ambiguous prefix is refused and lists the candidates", () => {
    const repo = tempRepo();
    const a = create(repo, ["--title=A"]);
    const b = create(repo, ["--title=B"]);
    // Give B an id that shares four characters with A's (a hand edit; ids are random).
    const twin = a.id.slice(0, 4) + (a.id[4] === "z" ? "y" : "z") + a.id[5];
    writeFileSync(join(repo, ".wm", "tasks.yaml"), tasksFile(repo).replaceAll(b.id, twin));
    const e = refused(wm(repo, ["tasks", "show", a.id.slice(0, 4), "--json"]), 2, "task/ambiguous-id");
    expect(e.message).toContain([a.id, twin].sort().join(", "));
    // More characters, or the whole id, resolve.
    expect(get(repo, a.id.slice(0, 5)).id).toBe(a.id);
    expect(get(repo, twin).title).toBe("B");
  });
});

describe("wm tasks list", () => {
  let repo: string;
  let epic: Task;
  let other: Task;
  let a: Task;
  let b: Task;
  let v: Task;
  let loose: Task;
  beforeAll(() => {
    repo = tempRepo();
    epic = create(repo, ["--title=Epic", "--type=epic", "--issue=5"]);
    other = create(repo, ["--title=Other epic", "--type=epic"]);
    a = create(repo, ["--title=Impl A", "--type=impl", "--issue=5"]); // joins the issue's only epic
    b = create(repo, ["--title=Impl B", "--type=impl", `--parent=${epic.id}`, `--depends-on=${a.id}`]);
    v = create(repo, ["--title=Verify", "--type=verify", `--parent=${epic.id}`, `--depends-on=${b.id}`]);
    loose = create(repo, ["--title=Loose", "--type=impl", `--parent=${other.id}`]);
  });

  const ids = (args: string[]) =>
    doc<Task[]>(wm(repo, ["tasks", "list", ...args, "--json"]), "tasks").map((t) => t.id);

  it("without filters: every task in creation order", () => {
    expect(ids([])).toEqual([epic.id, other.id, a.id, b.id, v.id, loose.id]);
    expect(a.parent).toBe(epic.id);
  });

  it("--type, --parent, --ready, --status, --issue and combinations", () => {
    expect(ids(["--type=impl"])).toEqual([a.id, b.id, loose.id]);
    expect(ids(["--type=impl,verify"])).toEqual([a.id, b.id, v.id, loose.id]);
    expect(ids(["--type=epic", "--type=verify"])).toEqual([epic.id, other.id, v.id]);
    expect(ids([`--parent=${epic.id.slice(0, 5)}`])).toEqual([a.id, b.id, v.id]);
    // Epics wait for their open children; B and Verify wait for their dependencies.
    expect(ids(["--ready"])).toEqual([a.id, loose.id]);
    expect(ids(["--ready", "--type=impl", `--parent=${other.id}`])).toEqual([loose.id]);
    expect(ids(["--ready", "--type=impl"])).toEqual([a.id, loose.id]);
    expect(ids(["--ready", `--parent=${epic.id}`])).toEqual([a.id]);
    expect(ids(["--issue=5"])).toEqual([epic.id, a.id]);
    expect(ids(["--issue=5", "--type=impl", "--status=pending"])).toEqual([a.id]);
    expect(ids(["--status=done"])).toEqual([]);
  });

  it("human output: one line per task, and a message when nothing matches", () => {
    const r = wm(repo, ["tasks", "list", "--type=impl"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(`[ ] ${a.id}  impl   Impl A #5`);
    expect(lines[2]).toContain(loose.id);
    const none = wm(repo, ["tasks", "list", "--status=done"]);
    expect(none.code).toBe(0);
    expect(none.stdout).toBe("no tasks\n");
  });

  it("bad filters: exit 2, nothing on stdout", () => {
    refused(wm(repo, ["tasks", "list", "--type=story", "--json"]), 2, "task/unknown-type");
    refused(wm(repo, ["tasks", "list", "--status=finished", "--json"]), 2, "task/unknown-status");
    refused(wm(repo, ["tasks", "list", "--parent=qqqq", "--json"]), 2, "task/unknown-id");
  });
});

describe("wm tasks show", () => {
  it("shows blockers, dependencies, dependents and children", () => {
    const repo = tempRepo();
    const epic = create(repo, ["--title=Epic", "--type=epic"]);
    const a = create(repo, ["--title=A", "--type=impl", `--parent=${epic.id}`]);
    const b = create(repo, ["--title=B", "--type=impl", `--parent=${epic.id}`, `--depends-on=${a.id}`]);
    const c = create(repo, ["--title=C", "--type=impl", `--depends-on=${b.id}`]);
    const detail = doc<{
      task: Task;
      blockers: string[];
      dependencies: Brief[];
      dependents: Brief[];
      children: Brief[];
    }>(wm(repo, ["tasks", "show", b.id, "--json"]), "task-detail");
    expect(detail.task.id).toBe(b.id);
    expect(detail.blockers).toEqual([`waits for ${a.id} (pending): A`]);
    expect(detail.dependencies).toEqual([{ id: a.id, title: "A", status: "pending", type: "impl" }]);
    expect(detail.dependents).toEqual([{ id: c.id, title: "C", status: "pending", type: "impl" }]);
    expect(detail.children).toEqual([]);
    const ep = doc<{ blockers: string[]; children: Brief[] }>(wm(repo, ["tasks", "show", epic.id, "--json"]));
    expect(ep.children.map((x) => x.id)).toEqual([a.id, b.id]);
    expect(ep.blockers).toEqual(["epic has 2 open child tasks"]);

    const text = wm(repo, ["tasks", "show", b.id.slice(0, 4)]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`${b.id}  B`);
    expect(text.stdout).toMatch(new RegExp(`depends on:\\n\\s+\\[ \\] ${a.id}`));
    expect(text.stdout).toMatch(new RegExp(`needed by:\\n\\s+\\[ \\] ${c.id}`));
    expect(text.stdout).toContain(`not ready:\n    - waits for ${a.id} (pending): A`);
    refused(wm(repo, ["tasks", "show", "qqqqqq", "--json"]), 2, "task/unknown-id");
  });
});

describe("state changes: start, done, block, reopen, cancel", () => {
  it("start is refused while dependencies are open, unless --force", () => {
    const repo = tempRepo();
    const a = create(repo, ["--title=A", "--type=impl"]);
    const b = create(repo, ["--title=B", "--type=impl", `--depends-on=${a.id}`]);
    const before = tasksFile(repo);
    const e = refused(wm(repo, ["tasks", "start", b.id, "--json"]), 2, "task/not-ready");
    expect(e.message).toContain(`${a.id} (pending)`);
    const text = wm(repo, ["tasks", "start", b.id]);
    expect(text.code).toBe(2);
    expect(text.stdout).toBe("");
    expect(text.stderr).toContain("error:");
    expect(text.stderr).toContain("hint:");
    expect(tasksFile(repo)).toBe(before);

    expect(doc<Task>(wm(repo, ["tasks", "start", a.id, "--json"]), "task").status).toBe("in_progress");
    const forced = doc<Task>(
      wm(repo, ["tasks", "start", b.id, "--force", "--session=s-1", "--json"]),
      "task",
    );
    expect(forced).toMatchObject({ status: "in_progress", session: "s-1" });
    const line = wm(repo, ["tasks", "start", b.id]);
    expect(line.stdout).toBe(`[~] ${b.id}  impl   B\n`);
  });

  it("done: out of order refused, verify needs evidence, evidence commands are recorded", () => {
    const repo = tempRepo();
    const a = create(repo, ["--title=A", "--type=impl"]);
    const v = create(repo, ["--title=V", "--type=verify", `--depends-on=${a.id}`]);
    const w = create(repo, ["--title=W", "--type=verify"]);
    const before = tasksFile(repo);
    refused(wm(repo, ["tasks", "done", v.id, "--evidence=x", "--json"]), 2, "task/done-out-of-order");
    refused(wm(repo, ["tasks", "done", w.id, "--json"]), 2, "task/verify-needs-evidence");
    refused(wm(repo, ["tasks", "done", w.id, "--evidence=   ", "--json"]), 2, "task/verify-needs-evidence");
    expect(tasksFile(repo)).toBe(before);

    const doneA = doc<{ task: Task; unblocked: Brief[] }>(
      wm(repo, ["tasks", "done", a.id, "--json"]),
      "task-done",
    );
    expect(doneA.task.status).toBe("done");
    expect(doneA.unblocked).toEqual([{ id: v.id, title: "V", status: "pending", type: "verify" }]);

    const failed = refused(
      wm(repo, ["tasks", "done", v.id, "--evidence-cmd=echo broken; false", "--json"]),
      1,
      "task/evidence-failed",
    );
    expect(failed.message).toContain("broken");
    expect(get(repo, v.id).status).toBe("pending");
    expect(get(repo, v.id).evidence).toBeUndefined();
    const failedText = wm(repo, ["tasks", "done", v.id, "--evidence-cmd=false"]);
    expect(failedText.code).toBe(1);
    expect(failedText.stdout).toBe("");

    const ok = doc<{ task: Task }>(
      wm(repo, ["tasks", "done", v.id, "--evidence-cmd=true", "--json"]),
      "task-done",
    );
    expect(ok.task.status).toBe("done");
    expect(ok.task.evidence).toMatchObject({ command: "true", exit_code: 0 });
    expect(ok.task.evidence!.output_sha256).toMatch(/^[0-9a-f]{64}$/);
    // The command's output is what is hashed: sha256 of the empty string.
    expect(ok.task.evidence!.output_sha256).toBe(
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    );
    expect(get(repo, v.id).evidence).toEqual(ok.task.evidence);

    const withText = wm(repo, ["tasks", "done", w.id, "--evidence=checked the dashboard"]);
    expect(withText.code).toBe(0);
    expect(withText.stdout).toBe(`[x] ${w.id}  verify W\n`);
    expect(get(repo, w.id).evidence?.text).toBe("checked the dashboard");
    expect(wm(repo, ["tasks", "check"]).code).toBe(0);
  });

  it("an epic cannot be done while it has open children", () => {
    const repo = tempRepo();
    const epic = create(repo, ["--title=E", "--type=epic"]);
    const c = create(repo, ["--title=C", "--type=impl", `--parent=${epic.id}`]);
    refused(wm(repo, ["tasks", "done", epic.id, "--json"]), 2, "task/epic-open-children");
    doc(wm(repo, ["tasks", "cancel", c.id, "--reason=not needed", "--json"]), "task");
    expect(doc<{ task: Task }>(wm(repo, ["tasks", "done", epic.id, "--json"])).task.status).toBe("done");
  });

  it("block and cancel need a reason; reopen clears reason and evidence", () => {
    const repo = tempRepo();
    const a = create(repo, ["--title=A", "--type=impl"]);
    const b = create(repo, ["--title=B", "--type=impl", `--depends-on=${a.id}`]);
    const before = tasksFile(repo);
    refused(wm(repo, ["tasks", "block", a.id, "--json"]), 2, "usage");
    refused(wm(repo, ["tasks", "block", a.id, "--reason=  ", "--json"]), 2, "usage");
    refused(wm(repo, ["tasks", "cancel", a.id, "--json"]), 2, "usage");
    expect(tasksFile(repo)).toBe(before);

    const blocked = doc<Task>(
      wm(repo, ["tasks", "block", a.id, "--reason=waiting for credentials", "--json"]),
      "task",
    );
    expect(blocked).toMatchObject({ status: "blocked", reason: "waiting for credentials" });
    const reopened = doc<Task>(wm(repo, ["tasks", "reopen", a.id, "--json"]), "task");
    expect(reopened.status).toBe("pending");
    expect(reopened.reason).toBeUndefined();

    doc(wm(repo, ["tasks", "done", a.id, "--evidence=done", "--json"]), "task-done");
    refused(wm(repo, ["tasks", "cancel", a.id, "--reason=x", "--json"]), 2, "task/not-open");
    refused(wm(repo, ["tasks", "block", a.id, "--reason=x", "--json"]), 2, "task/not-open");
    const again = wm(repo, ["tasks", "reopen", a.id]);
    expect(again.stdout).toBe(`[ ] ${a.id}  impl   A\n`);
    expect(get(repo, a.id).evidence).toBeUndefined();

    // A cancelled dependency no longer holds anything back.
    const cancelled = doc<Task>(
      wm(repo, ["tasks", "cancel", a.id, "--reason=covered elsewhere", "--json"]),
      "task",
    );
    expect(cancelled).toMatchObject({ status: "cancelled", reason: "covered elsewhere" });
    expect(doc<Task[]>(wm(repo, ["tasks", "ready", "--json"]), "tasks").map((t) => t.id)).toEqual([b.id]);
    refused(wm(repo, ["tasks", "start", a.id, "--json"]), 2, "task/not-open");
  });
});

describe("wm tasks dep", () => {
  it("add and rm; a cycle is refused and the whole cycle is printed", () => {
    const repo = tempRepo();
    const a = create(repo, ["--title=A", "--type=impl"]);
    const b = create(repo, ["--title=B", "--type=impl", `--depends-on=${a.id}`]);
    const c = create(repo, ["--title=C", "--type=impl", `--depends-on=${b.id}`]);
    const d = create(repo, ["--title=D", "--type=impl", `--depends-on=${c.id}`]);
    const before = tasksFile(repo);
    const e = refused(wm(repo, ["tasks", "dep", "add", a.id, d.id, "--json"]), 2, "task/cycle");
    const cycle = [a.id, d.id, c.id, b.id, a.id];
    expect(e.message).toContain(cycle.join(" -> "));
    expect(e.details).toEqual({ cycle });
    const text = wm(repo, ["tasks", "dep", "add", a.id, d.id]);
    expect(text.code).toBe(2);
    expect(text.stdout).toBe("");
    expect(text.stderr).toContain(cycle.join(" -> "));
    refused(wm(repo, ["tasks", "dep", "add", a.id, a.id, "--json"]), 2, "task/cycle");
    expect(tasksFile(repo)).toBe(before);

    const added = doc<Task>(wm(repo, ["tasks", "dep", "add", d.id, a.id, "--json"]), "task");
    expect(added.depends_on).toEqual([c.id, a.id]);
    const addedText = wm(repo, ["tasks", "dep", "add", d.id, b.id]);
    expect(addedText.code).toBe(0);
    expect(addedText.stdout).toContain(`depends on: ${c.id}, ${a.id}, ${b.id}`);
    const removed = doc<Task>(wm(repo, ["tasks", "dep", "rm", d.id, c.id.slice(0, 5), "--json"]), "task");
    expect(removed.depends_on).toEqual([a.id, b.id]);
    refused(wm(repo, ["tasks", "dep", "rm", d.id, c.id, "--json"]), 2, "task/no-such-dependency");
    refused(wm(repo, ["tasks", "dep", "move", d.id, c.id, "--json"]), 2, "usage");
  });
});

describe("wm tasks ready", () => {
  it("lists ready tasks; --explain says what the others wait for", () => {
    const repo = tempRepo();
    const epic = create(repo, ["--title=E", "--type=epic"]);
    const a = create(repo, ["--title=A", "--type=impl", `--parent=${epic.id}`]);
    const b = create(repo, ["--title=B", "--type=impl", `--parent=${epic.id}`, `--depends-on=${a.id}`]);
    const blocked = create(repo, ["--title=X", "--type=impl"]);
    doc(wm(repo, ["tasks", "block", blocked.id, "--reason=later", "--json"]), "task");
    expect(doc<Task[]>(wm(repo, ["tasks", "ready", "--json"]), "tasks").map((t) => t.id)).toEqual([a.id]);

    const ex = doc<{ ready: Task[]; notReady: Array<{ task: Brief; reasons: string[] }> }>(
      wm(repo, ["tasks", "ready", "--explain", "--json"]),
      "ready-explained",
    );
    expect(ex.ready.map((t) => t.id)).toEqual([a.id]);
    expect(ex.notReady).toEqual([
      {
        task: { id: epic.id, title: "E", status: "pending", type: "epic" },
        reasons: ["epic has 2 open child tasks"],
      },
      {
        task: { id: b.id, title: "B", status: "pending", type: "impl" },
        reasons: [`waits for ${a.id} (pending): A`],
      },
      {
        task: { id: blocked.id, title: "X", status: "blocked", type: "impl" },
        reasons: ["status is blocked"],
      },
    ]);
    const text = wm(repo, ["tasks", "ready", "--explain"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`[ ] ${a.id}  impl   A`);
    expect(text.stdout).toContain("not ready:");
    expect(text.stdout).toContain(`- waits for ${a.id} (pending): A`);

    doc(wm(repo, ["tasks", "done", a.id, "--json"]), "task-done");
    doc(wm(repo, ["tasks", "done", b.id, "--json"]), "task-done");
    expect(doc<Task[]>(wm(repo, ["tasks", "ready", "--json"])).map((t) => t.id)).toEqual([epic.id]);
  });
});

describe("wm tasks check", () => {
  it("exit 0 on a sound graph, exit 1 on a cycle made by hand", () => {
    const repo = tempRepo();
    const a = create(repo, ["--title=A", "--type=impl"]);
    const b = create(repo, ["--title=B", "--type=impl", `--depends-on=${a.id}`]);
    const c = create(repo, ["--title=C", "--type=impl", `--depends-on=${b.id}`]);
    const ok = wm(repo, ["tasks", "check"]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe("tasks ok\n");
    expect(doc<unknown[]>(wm(repo, ["tasks", "check", "--json"]), "diagnostics")).toEqual([]);

    // A hand edit: A depends on C, closing A -> C -> B -> A.
    const lines = tasksFile(repo).split("\n");
    const at = lines.indexOf(`  - id: ${a.id}`);
    const typeLine = lines.findIndex((l, i) => i > at && l.startsWith("    status:"));
    lines.splice(typeLine + 1, 0, `    depends_on: [${c.id}]`);
    writeFileSync(join(repo, ".wm", "tasks.yaml"), lines.join("\n"));

    const bad = wm(repo, ["tasks", "check", "--json"]);
    expect(bad.code).toBe(1);
    expect(bad.stdout.trimEnd().split("\n")).toHaveLength(1);
    const diags = (
      JSON.parse(bad.stdout) as {
        kind: string;
        data: Array<{ rule: string; message: string; severity: string; tasks: string[] }>;
      }
    ).data;
    const cycle = diags.filter((d) => d.rule === "task/cycle");
    expect(cycle).toHaveLength(1);
    expect(cycle[0]!.severity).toBe("error");
    expect(new Set(cycle[0]!.tasks)).toEqual(new Set([a.id, b.id, c.id]));
    const human = wm(repo, ["tasks", "check"]);
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(
      /\.wm\/tasks\.yaml error task\/cycle dependency cycle: \w+ -> \w+ -> \w+ -> \w+/,
    );
    // Refused edits on the cyclic graph still work as before: dep rm repairs it.
    doc(wm(repo, ["tasks", "dep", "rm", a.id, c.id, "--json"]), "task");
    expect(wm(repo, ["tasks", "check"]).code).toBe(0);
  });
});

describe("the command line contract", () => {
  it("unknown commands, flags and types: exit 2 and nothing on stdout", () => {
    const repo = tempRepo();
    const a = create(repo, ["--title=A"]);
    const cases: string[][] = [
      ["tasks", "frobnicate"],
      ["frobnicate"],
      ["tasks", "list", "--colour"],
      ["tasks", "create", "--title=X", "--typ=impl"],
      ["tasks", "create", "--title=X", "--type=story"],
      ["tasks", "list", "--type=story"],
      ["tasks", "show"],
      ["tasks", "show", a.id, "extra"],
      ["tasks", "done", a.id, "--evidence"],
      ["tasks", "start", a.id, "--force=yes"],
    ];
    const before = tasksFile(repo);
    for (const args of cases) {
      for (const json of [false, true]) {
        const r = wm(repo, json ? [...args, "--json"] : args);
        const what = `wm ${args.join(" ")}${json ? " --json" : ""}`;
        expect(r.code, `${what}: ${r.stderr}`).toBe(2);
        expect(r.stdout, what).toBe("");
        expect(r.stderr, what).not.toBe("");
        if (json) expect(JSON.parse(r.stderr).kind, what).toBe("error");
        else expect(r.stderr, what).toMatch(/^error: /);
      }
    }
    expect(tasksFile(repo)).toBe(before);
  });

  it("a write in a repository without tasks is refused and creates nothing", () => {
    const repo = tempRepo();
    for (const args of [
      ["tasks", "start", "abcd12"],
      ["tasks", "done", "abcd12"],
      ["tasks", "dep", "add", "abcd12", "bcde23"],
    ]) {
      const r = wm(repo, [...args, "--json"]);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stdout).toBe("");
      expect(JSON.parse(r.stderr).error.message).toMatch(/tasks\.yaml does not exist yet|no task with id/);
      expect(existsSync(join(repo, ".wm")), `${args.join(" ")} created .wm/`).toBe(false);
    }
    expect(doc<Task[]>(wm(repo, ["tasks", "list", "--json"]), "tasks")).toEqual([]);
    expect(existsSync(join(repo, ".wm"))).toBe(false);
  });

  it("--json prints exactly one JSON document on stdout for every tasks command", () => {
    const repo = tempRepo();
    const a = create(repo, ["--title=A", "--type=impl"]);
    const b = create(repo, ["--title=B", "--type=verify", `--depends-on=${a.id}`]);
    const runs: Array<[string[], string]> = [
      [["tasks", "list"], "tasks"],
      [["tasks", "show", a.id], "task-detail"],
      [["tasks", "ready"], "tasks"],
      [["tasks", "ready", "--explain"], "ready-explained"],
      [["tasks", "check"], "diagnostics"],
      [["tasks", "start", a.id], "task"],
      [["tasks", "block", a.id, "--reason=r"], "task"],
      [["tasks", "reopen", a.id], "task"],
      [["tasks", "done", a.id, "--evidence-cmd=echo to stdout; echo to stderr >&2"], "task-done"],
      [["tasks", "dep", "rm", b.id, a.id], "task"],
      [["tasks", "dep", "add", b.id, a.id], "task"],
      [["tasks", "cancel", b.id, "--reason=r"], "task"],
      [["tasks", "create", "--title=C"], "task"],
    ];
    for (const [args, kind] of runs) {
      const r = wm(repo, [...args, "--json"]);
      doc(r, kind);
      expect(r.stderr, args.join(" ")).toBe("");
    }
    // The evidence command's own output went into the record, not to wm's stdout.
    expect(get(repo, a.id).evidence?.output_sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});
