// `wm github sync` and the GitHub issue provider, through the built CLI, against a fake GitHub server on
// 127.0.0.1 (test/helpers/fake-github.ts). The CLI runs asynchronously so the server in this process can
// answer it. Every run's output is searched for the token.
import { spawn } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { cleanEnv, cleanupTemp, git, type RunResult, tempDir, tempRepo, WM_BIN, wm } from "../helpers/cli.js";
import { type FakeGitHub, fakeGitHub, RATE_LIMIT } from "../helpers/fake-github.js";

afterAll(cleanupTemp);

const TOKEN = "ghp_FAKEtoken0123456789abcdefABCDEF0123";
let server: FakeGitHub | null = null;
afterEach(async () => {
  await server?.stop();
  server = null;
});

const outputs: string[] = [];

/** Runs the built CLI without blocking this process (the fake server lives here). */
function run(
  cwd: string,
  args: string[],
  env: Record<string, string | undefined> = { GH_TOKEN: TOKEN },
): Promise<RunResult> {
  const e = cleanEnv();
  delete e.GH_TOKEN;
  delete e.GITHUB_TOKEN;
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete e[k];
    else e[k] = v;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WM_BIN, ...args], {
      cwd,
      env: e,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => {
      outputs.push(stdout, stderr);
      // The token never appears in what wm prints, whatever happened.
      expect(stdout).not.toContain(TOKEN);
      expect(stderr).not.toContain(TOKEN);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

interface Step {
  op: string;
  task?: string;
  by?: string;
  [key: string]: unknown;
}

interface Sync {
  dryRun: boolean;
  tasks: Array<{ id: string; issue?: number }>;
  actions: Step[];
  conflicts: Array<{
    kind: string;
    task: string;
    issue?: number;
    message: string;
    wm?: string;
    github?: string;
  }>;
  counts: Record<string, number>;
}

interface TaskJson {
  id: string;
  title: string;
  type: string;
  status: string;
  github?: number;
  evidence?: { text?: string };
}

async function json<T = Sync>(cwd: string, args: string[], code = 0): Promise<T> {
  const r = await run(cwd, [...args, "--json"]);
  if (r.code !== code)
    throw new Error(`wm ${args.join(" ")} exited ${r.code}, expected ${code}:\n${r.stderr}\n${r.stdout}`);
  return (JSON.parse(r.stdout) as { data: T }).data;
}

function configure(repo: string, s: FakeGitHub, extra = "    repo: acme/widgets\n"): void {
  mkdirSync(join(repo, ".wm"), { recursive: true });
  writeFileSync(
    join(repo, ".wm", "config.yaml"),
    `issues:\n  provider: github\n  github:\n${extra}    base_url: ${s.baseUrl}\n`,
  );
}

function create(repo: string, args: string[]): string {
  const r = wm(repo, ["tasks", "create", ...args]);
  if (r.code !== 0) throw new Error(r.stderr);
  return r.stdout.trim();
}

interface Graph {
  epic: string;
  a: string;
  b: string;
  v: string;
}

/** An epic for issue 7 with impl a, impl b (after a), verify v (after b). */
function graph(repo: string, epicTitle = "GH#7: Add rate limits"): Graph {
  const epic = create(repo, [`--title=${epicTitle}`, "--type=epic", "--issue=7"]);
  const a = create(repo, ["--title=GH#7: Count requests", "--type=impl", "--issue=7"]);
  const b = create(repo, [
    "--title=GH#7: Reject over the limit",
    "--type=impl",
    "--issue=7",
    `--depends-on=${a}`,
  ]);
  const v = create(repo, [
    "--title=GH#7: Load test the limiter",
    "--type=verify",
    "--issue=7",
    `--depends-on=${b}`,
  ]);
  return { epic, a, b, v };
}

function tasksFile(repo: string): string {
  return readFileSync(join(repo, ".wm", "tasks.yaml"), "utf8");
}

function task(repo: string, id: string): TaskJson {
  const r = wm(repo, ["tasks", "show", id, "--json"]);
  return (JSON.parse(r.stdout) as { data: { task: TaskJson } }).data.task;
}

async function setup(opts: Parameters<typeof fakeGitHub>[0] = {}) {
  server = await fakeGitHub({ token: TOKEN, ...opts });
  const repo = tempRepo();
  configure(repo, server);
  return { s: server, repo };
}

describe("wm github sync", () => {
  it("creates the epic, its tasks, sub-issues, blocked-by links and labels; a second run writes nothing", async () => {
    const { s, repo } = await setup();
    const g = graph(repo);
    const first = await json(repo, ["github", "sync"]);
    expect(first.conflicts).toEqual([]);
    expect(first.dryRun).toBe(false);

    const epic = s.byMarker(g.epic)!;
    const [a, b, v] = [s.byMarker(g.a)!, s.byMarker(g.b)!, s.byMarker(g.v)!];
    for (const i of [epic, a, b, v]) expect(i).toBeDefined();
    expect(epic.title).toBe("GH#7: Add rate limits");
    expect(epic.labels).toEqual(["wm:epic"]);
    expect(a.labels).toEqual(["wm:impl"]);
    expect(v.labels).toEqual(["wm:verify"]);
    expect(s.labels.get("wm:verify")?.color).toMatch(/^[0-9a-f]{6}$/);
    // Labels were created explicitly (with a colour and description) before use.
    expect(s.writes().filter((w) => w.path.endsWith("/labels") && w.method === "POST").length).toBe(3);
    expect(s.subIssues.get(epic.number)).toEqual([a.number, b.number, v.number]);
    expect(s.blockedBy.get(b.number)).toEqual([a.number]);
    expect(s.blockedBy.get(v.number)).toEqual([b.number]);
    expect(s.blockedBy.get(a.number)).toBeUndefined();
    // The sub-issue and dependency calls carry database ids, not numbers.
    const subCall = s.writes().find((w) => w.path.endsWith("/sub_issues"))!;
    expect((subCall.body as { sub_issue_id: number }).sub_issue_id).toBe(a.id);
    // Every request carried the token.
    expect(s.log.every((r) => r.authorization === `token ${TOKEN}`)).toBe(true);
    // The numbers are recorded on the tasks.
    expect(task(repo, g.epic).github).toBe(epic.number);
    expect(task(repo, g.v).github).toBe(v.number);
    expect(first.tasks.find((t) => t.id === g.b)?.issue).toBe(b.number);

    const before = tasksFile(repo);
    const writes = s.writes().length;
    const second = await json(repo, ["github", "sync"]);
    expect(second.actions).toEqual([]);
    expect(second.conflicts).toEqual([]);
    expect(s.writes().length).toBe(writes);
    expect(tasksFile(repo)).toBe(before);
    const text = await run(repo, ["github", "sync"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("in sync");
  });

  it("--dry-run prints the plan and writes nothing, on GitHub or in the tasks file", async () => {
    const { s, repo } = await setup();
    const g = graph(repo);
    const before = tasksFile(repo);
    const plan = await json(repo, ["github", "sync", "--dry-run"]);
    expect(plan.dryRun).toBe(true);
    expect(plan.counts).toEqual({ label: 3, create: 4, "sub-issue": 3, "blocked-by": 2 });
    expect(plan.actions.filter((x) => x.op === "create").map((x) => x.task)).toEqual([g.epic, g.a, g.b, g.v]);
    expect(s.writes()).toEqual([]);
    expect(s.issues.size).toBe(0);
    expect(tasksFile(repo)).toBe(before);
    const text = await run(repo, ["github", "sync", "--dry-run"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("would create");
    expect(text.stdout).toContain("dry run: nothing written");
    expect(s.writes()).toEqual([]);
    // Without a token a dry run still reads (public repositories); the server here refuses it.
    const anon = await run(repo, ["github", "sync", "--dry-run"], {});
    expect(anon.code).toBe(2);
    expect(anon.stderr).toContain("no token was found");
    // A real run without a token stops before any request.
    const requests = s.log.length;
    const noToken = await run(repo, ["github", "sync"], {});
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain("no GitHub token found");
    expect(s.log.length).toBe(requests);
  });

  it("links an epic to its existing issue instead of creating one, and adds the marker and label", async () => {
    const { s, repo } = await setup();
    s.addIssue({
      number: 7,
      title: "Add rate limits",
      body: "People asked for it.",
      labels: ["enhancement"],
    });
    const g = graph(repo);
    const r = await json(repo, ["github", "sync"]);
    expect(r.conflicts).toEqual([]); // "GH#7: Add rate limits" and "Add rate limits" agree
    expect(r.actions.filter((x) => x.op === "create").map((x) => x.task)).toEqual([g.a, g.b, g.v]);
    expect(r.actions.find((x) => x.op === "link")).toMatchObject({
      task: g.epic,
      issue: 7,
      by: "epic-issue",
    });
    const seven = s.issues.get(7)!;
    expect(seven.body).toBe(`People asked for it.\n\n<!-- wm:task=${g.epic} -->`);
    expect(seven.labels).toEqual(["enhancement", "wm:epic"]);
    expect(s.subIssues.get(7)?.length).toBe(3);
    expect(task(repo, g.epic).github).toBe(7);
    const writes = s.writes().length;
    expect((await json(repo, ["github", "sync"])).actions).toEqual([]);
    expect(s.writes().length).toBe(writes);
  });

  it("finds its issues again by the marker when the tasks file lost the numbers (another clone)", async () => {
    const { s, repo } = await setup();
    const g = graph(repo);
    await json(repo, ["github", "sync"]);
    const issues = s.issues.size;
    writeFileSync(join(repo, ".wm", "tasks.yaml"), tasksFile(repo).replace(/^ {4}github: \d+\n/gm, ""));
    expect(task(repo, g.a).github).toBeUndefined();
    const r = await json(repo, ["github", "sync"]);
    expect(r.actions.map((x) => x.op)).toEqual(["link", "link", "link", "link"]);
    expect(s.issues.size).toBe(issues);
    expect(task(repo, g.a).github).toBe(s.byMarker(g.a)!.number);
  });

  it("a task done in wm closes its issue with the evidence as a comment", async () => {
    const { s, repo } = await setup();
    const g = graph(repo);
    await json(repo, ["github", "sync"]);
    expect(wm(repo, ["tasks", "done", g.a, "--evidence=unit tests for the counter pass"]).code).toBe(0);
    const r = await json(repo, ["github", "sync"]);
    expect(r.actions.map((x) => x.op)).toEqual(["close", "comment"]);
    const a = s.byMarker(g.a)!;
    expect(a.state).toBe("closed");
    expect(a.state_reason).toBe("completed");
    const comments = s.comments.get(a.number)!;
    expect(comments.length).toBe(1);
    expect(comments[0]!.body).toContain("unit tests for the counter pass");
    expect(comments[0]!.body).toContain(`<!-- wm:evidence=${g.a} -->`);
    expect(s.byMarker(g.b)!.state).toBe("open");
    const writes = s.writes().length;
    expect((await json(repo, ["github", "sync"])).actions).toEqual([]);
    expect(s.writes().length).toBe(writes);
    // Reopened on GitHub after wm closed it: reported, not closed again.
    s.issues.get(a.number)!.state = "open";
    const again = await json(repo, ["github", "sync"], 1);
    expect(again.conflicts).toMatchObject([{ kind: "state", task: g.a, issue: a.number }]);
    expect(s.writes().length).toBe(writes);
  });

  it("an issue closed on GitHub marks its task done; a verify task without evidence is reported instead", async () => {
    const { s, repo } = await setup();
    const g = graph(repo);
    await json(repo, ["github", "sync"]);
    const a = s.byMarker(g.a)!;
    const v = s.byMarker(g.v)!;
    const b = s.byMarker(g.b)!;
    s.close(a.number);
    s.close(v.number);
    s.close(b.number, "not_planned");
    const writes = s.writes().length;
    const r = await run(repo, ["github", "sync", "--json"]);
    expect(r.code).toBe(1);
    const data = (JSON.parse(r.stdout) as { data: Sync }).data;
    expect(data.actions.map((x) => [x.op, x.task])).toEqual([
      ["done", g.a],
      ["cancel", g.b],
    ]);
    expect(data.conflicts).toMatchObject([{ kind: "closed-without-evidence", task: g.v, issue: v.number }]);
    const ta = task(repo, g.a);
    expect(ta.status).toBe("done");
    expect(ta.evidence?.text).toContain(`/issues/${a.number}`);
    expect(task(repo, g.b).status).toBe("cancelled");
    expect(task(repo, g.v).status).toBe("pending");
    // Nothing was written to GitHub for it.
    expect(s.writes().length).toBe(writes);
    const text = await run(repo, ["github", "sync"]);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain("closed-without-evidence");
    expect(text.stdout).toContain(`wm tasks done ${g.v} --evidence`);
  });

  it("a title edited on either side is a conflict with both values, never overwritten", async () => {
    const { s, repo } = await setup();
    const g = graph(repo);
    await json(repo, ["github", "sync"]);
    const a = s.byMarker(g.a)!;
    s.issues.get(a.number)!.title = "Count requests per client";
    writeFileSync(
      join(repo, ".wm", "tasks.yaml"),
      tasksFile(repo).replace(
        'title: "GH#7: Reject over the limit"',
        'title: "GH#7: Reject requests over the limit"',
      ),
    );
    expect(task(repo, g.b).title).toBe("GH#7: Reject requests over the limit");
    const file = tasksFile(repo);
    const writes = s.writes().length;
    const r = await run(repo, ["github", "sync", "--json"]);
    expect(r.code).toBe(1);
    const data = (JSON.parse(r.stdout) as { data: Sync }).data;
    expect(data.actions).toEqual([]);
    expect(data.conflicts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: "title",
          task: g.a,
          wm: "GH#7: Count requests",
          github: "Count requests per client",
        }),
        expect.objectContaining({
          kind: "title",
          task: g.b,
          wm: "GH#7: Reject requests over the limit",
          github: "GH#7: Reject over the limit",
        }),
      ]),
    );
    expect(s.writes().length).toBe(writes);
    expect(tasksFile(repo)).toBe(file);
    expect(s.issues.get(a.number)!.title).toBe("Count requests per client");
    const text = await run(repo, ["github", "sync"]);
    expect(text.stdout).toContain("wm:     GH#7: Count requests");
    expect(text.stdout).toContain("github: Count requests per client");
  });

  it("a type changed in wm swaps the wm:<type> label (dry run first), keeps a person's label, then sends nothing", async () => {
    const { s, repo } = await setup();
    const g = graph(repo);
    await json(repo, ["github", "sync"]);
    const a = s.byMarker(g.a)!;
    a.labels.push("needs-design"); // a person's label: wm must leave it
    // No wm command changes a type: edit .wm/tasks.yaml as a user would.
    const file = tasksFile(repo);
    const edited = file.replace(
      new RegExp(`(- id: ${g.a}\\n(?: {4}.*\\n)*? {4}type: )impl\\n`),
      "$1verify\n",
    );
    expect(edited).not.toBe(file);
    writeFileSync(join(repo, ".wm", "tasks.yaml"), edited);
    expect(task(repo, g.a).type).toBe("verify");
    const swap = {
      op: "update",
      where: "github",
      task: g.a,
      issue: a.number,
      labels: ["wm:verify"],
      removeLabels: ["wm:impl"],
    };

    const writes = s.writes().length;
    const plan = await json(repo, ["github", "sync", "--dry-run"]);
    expect(plan.actions).toEqual([swap]);
    const dry = await run(repo, ["github", "sync", "--dry-run"]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(
      new RegExp(`would update +#${a.number} of ${g.a}: label wm:verify and removal of label wm:impl`),
    );
    expect(s.writes().length).toBe(writes);
    expect(a.labels).toEqual(["wm:impl", "needs-design"]);

    const real = await json(repo, ["github", "sync"]);
    expect(real.conflicts).toEqual([]);
    expect(real.actions).toEqual([{ ...swap, done: true }]);
    expect(a.labels).toEqual(["needs-design", "wm:verify"]);
    const sent = s.writes().slice(writes);
    expect(sent.map((w) => [w.method, decodeURIComponent(w.path), w.status])).toEqual([
      ["POST", `/repos/acme/widgets/issues/${a.number}/labels`, 200],
      ["DELETE", `/repos/acme/widgets/issues/${a.number}/labels/wm:impl`, 200],
    ]);
    expect(sent[0]!.body).toEqual({ labels: ["wm:verify"] });

    const after = s.writes().length;
    const third = await run(repo, ["github", "sync"]);
    expect(third.code).toBe(0);
    expect(third.stdout).toContain("in sync");
    expect(s.writes().length).toBe(after);
    expect(a.labels).toEqual(["needs-design", "wm:verify"]);
  });

  it("a type label changed on GitHub is put back (the task keeps its type), with no flip-flop on later runs", async () => {
    const { s, repo } = await setup();
    const g = graph(repo);
    await json(repo, ["github", "sync"]);
    const b = s.byMarker(g.b)!;
    b.labels = ["wm:review", "bug"]; // relabelled by a person; wm:review is no task's type here
    const file = tasksFile(repo);
    const writes = s.writes().length;
    const r = await json(repo, ["github", "sync"]);
    expect(r.conflicts).toEqual([]);
    expect(r.actions).toEqual([
      {
        op: "update",
        where: "github",
        task: g.b,
        issue: b.number,
        labels: ["wm:impl"],
        removeLabels: ["wm:review"],
        done: true,
      },
    ]);
    expect(b.labels).toEqual(["bug", "wm:impl"]);
    expect(tasksFile(repo)).toBe(file);
    expect(task(repo, g.b).type).toBe("impl");
    expect(
      s
        .writes()
        .slice(writes)
        .map((w) => w.method),
    ).toEqual(["POST", "DELETE"]);
    for (let k = 0; k < 2; k++) {
      const n = s.writes().length;
      expect((await json(repo, ["github", "sync"])).actions).toEqual([]);
      expect(s.writes().length).toBe(n);
    }
    expect(b.labels).toEqual(["bug", "wm:impl"]);
  });

  it("finds issues relabelled to another type's wm: label when the numbers were lost, instead of creating new ones", async () => {
    const { s, repo } = await setup();
    const g = graph(repo);
    await json(repo, ["github", "sync"]);
    const b = s.byMarker(g.b)!;
    const v = s.byMarker(g.v)!;
    // Relabelled by a person to wm:review (no task in scope has that type), and the numbers of b and v
    // removed from .wm/tasks.yaml by hand: the listing under the scope's labels returns neither issue.
    b.labels = ["wm:review", "bug"];
    v.labels = ["wm:review"];
    let edited = tasksFile(repo);
    for (const [id, n] of [
      [g.b, b.number],
      [g.v, v.number],
    ] as const)
      edited = edited.replace(new RegExp(`(- id: ${id}\\n(?: {4}.*\\n)*?) {4}github: ${n}\\n`), "$1");
    writeFileSync(join(repo, ".wm", "tasks.yaml"), edited);
    expect(task(repo, g.b).github).toBeUndefined();
    expect(task(repo, g.v).github).toBeUndefined();
    expect(task(repo, g.a).github).toBe(s.byMarker(g.a)!.number);

    const issues = s.issues.size;
    const start = s.log.length;
    const r = await json(repo, ["github", "sync"]);
    expect(r.conflicts).toEqual([]);
    expect(r.counts.create).toBeUndefined();
    expect(s.issues.size).toBe(issues);
    // Matched by the marker, the number recorded again, the label put back (the task's type is the truth).
    expect(r.actions).toEqual([
      {
        op: "update",
        where: "github",
        task: g.b,
        issue: b.number,
        labels: ["wm:impl"],
        removeLabels: ["wm:review"],
        done: true,
      },
      {
        op: "update",
        where: "github",
        task: g.v,
        issue: v.number,
        labels: ["wm:verify"],
        removeLabels: ["wm:review"],
        done: true,
      },
      { op: "link", where: "wm", task: g.b, issue: b.number, by: "marker", done: true },
      { op: "link", where: "wm", task: g.v, issue: v.number, by: "marker", done: true },
    ]);
    expect(task(repo, g.b).github).toBe(b.number);
    expect(task(repo, g.v).github).toBe(v.number);
    expect(b.labels).toEqual(["bug", "wm:impl"]);
    expect(v.labels).toEqual(["wm:verify"]);
    // The other labels were listed once for the sync (not per task), and only those the repository has.
    const listed = (from: number) =>
      s.log
        .slice(from)
        .filter((x) => x.method === "GET" && x.path === "/repos/acme/widgets/issues")
        .map((x) => x.query.get("labels"));
    const labelReads = (from: number) =>
      s.log.slice(from).filter((x) => x.method === "GET" && x.path === "/repos/acme/widgets/labels").length;
    expect(listed(start)).toEqual(["wm:epic", "wm:impl", "wm:verify", "wm:review"]);
    expect(labelReads(start)).toBe(1);

    // Every task matched: the requests are the usual ones again (no label list, only the scope's labels).
    const next = s.log.length;
    const again = await json(repo, ["github", "sync"]);
    expect(again.actions).toEqual([]);
    expect(again.conflicts).toEqual([]);
    expect(s.log.slice(next).filter((x) => x.method !== "GET")).toEqual([]);
    expect(listed(next)).toEqual(["wm:epic", "wm:impl", "wm:verify"]);
    expect(labelReads(next)).toBe(0);
  });

  it("a label already gone when wm removes it (404) is not an error", async () => {
    const { s, repo } = await setup();
    const g = graph(repo);
    await json(repo, ["github", "sync"]);
    const v = s.byMarker(g.v)!;
    v.labels.push("wm:impl");
    // Someone takes the label off between wm's read and its DELETE: GitHub answers 404.
    s.fail({
      method: "DELETE",
      path: /\/labels\/wm%3Aimpl$/,
      status: 404,
      body: { message: "Label does not exist" },
    });
    const r = await json(repo, ["github", "sync"]);
    expect(r.conflicts).toEqual([]);
    expect(r.actions).toMatchObject([{ op: "update", task: g.v, removeLabels: ["wm:impl"], done: true }]);
    const del = s.writes().filter((w) => w.method === "DELETE");
    expect(del.map((w) => w.status)).toEqual([404]);
    v.labels = v.labels.filter((l) => l !== "wm:impl");
    const n = s.writes().length;
    expect((await json(repo, ["github", "sync"])).actions).toEqual([]);
    expect(s.writes().length).toBe(n);
  });

  it("waits out rate limits (403 with x-ratelimit-reset, 429 with retry-after) and retries 5xx, saying so on stderr", async () => {
    const { s, repo } = await setup();
    const g = graph(repo);
    s.fail({ method: "GET", path: /\/issues$/, ...RATE_LIMIT.primary(1) });
    s.fail({ method: "POST", path: /\/issues$/, status: 502, body: { message: "Server Error" } });
    s.fail({ method: "POST", path: /\/sub_issues$/, ...RATE_LIMIT.secondary(1) });
    s.fail({ method: "POST", path: /\/blocked_by$/, status: 503, times: 2 });
    const r = await run(repo, ["github", "sync", "--json"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/rate limit reached \(403\) on GET .*\/issues; waiting \d+s before retry 1/);
    expect(r.stderr).toMatch(/rate limit reached \(429\) on POST .*\/sub_issues; waiting 1s before retry 1/);
    expect(r.stderr).toMatch(/server error 502 on POST .*\/issues; waiting 500 ms before retry 1/);
    expect(r.stderr).toMatch(/server error 503 .* retry 2/);
    // stderr is not a terminal here: no progress lines, only the retry messages.
    expect(r.stderr).not.toContain("[1/");
    // Nothing was created twice, and everything arrived.
    expect(s.issues.size).toBe(4);
    expect(s.subIssues.get(s.byMarker(g.epic)!.number)?.length).toBe(3);
    expect(s.blockedBy.get(s.byMarker(g.v)!.number)).toEqual([s.byMarker(g.b)!.number]);
    expect(
      s.log.filter((x) => x.status === 502 || x.status === 503 || x.status === 403 || x.status === 429)
        .length,
    ).toBe(5);
  });

  it("gives up on a 5xx after bounded retries with a clear error, and records what was already created", async () => {
    const { s, repo } = await setup();
    const g = graph(repo);
    s.fail({ method: "POST", path: /\/sub_issues$/, status: 500, times: 4 });
    const r = await run(repo, ["github", "sync"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("GitHub kept failing (500");
    expect(s.log.filter((x) => x.status === 500).length).toBe(4); // the first try and 3 retries
    expect(task(repo, g.v).github).toBe(s.byMarker(g.v)!.number);
    const again = await json(repo, ["github", "sync"]);
    expect(again.counts).toEqual({ "sub-issue": 3, "blocked-by": 2 });
    expect(s.issues.size).toBe(4);
  });

  it("a rate limit that resets too far ahead fails at once, naming the reset time", async () => {
    const { s, repo } = await setup();
    graph(repo);
    s.fail({ method: "GET", ...RATE_LIMIT.primary(3600) });
    const r = await run(repo, ["github", "sync"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/rate limit exhausted .* until \d{4}-\d\d-\d\dT/);
    expect(s.log.length).toBe(1);
  });

  it("a link GitHub refuses (a sub-issue that has another parent) is reported, and the rest goes on", async () => {
    const { s, repo } = await setup();
    const g = graph(repo);
    await json(repo, ["github", "sync"]);
    const epic = s.byMarker(g.epic)!.number;
    const a = s.byMarker(g.a)!.number;
    const other = s.addIssue({ title: "Another parent" });
    s.subIssues.set(
      epic,
      s.subIssues.get(epic)!.filter((n) => n !== a),
    );
    s.subIssues.set(other.number, [a]);
    expect(wm(repo, ["tasks", "done", g.a, "--evidence=done"]).code).toBe(0);
    const r = await run(repo, ["github", "sync", "--json"]);
    expect(r.code).toBe(1);
    const data = (JSON.parse(r.stdout) as { data: Sync }).data;
    expect(data.conflicts).toMatchObject([{ kind: "link-refused", task: g.a, issue: a }]);
    expect(data.conflicts[0]?.message).toContain("Sub issue may only have one parent");
    // The close after the refused link still happened.
    expect(s.issues.get(a)!.state).toBe("closed");
    expect(s.subIssues.get(other.number)).toEqual([a]);
  });

  it("shows progress on stderr when it is a terminal", async () => {
    const { repo } = await setup();
    graph(repo);
    const q = (x: string) => `'${x.replace(/'/g, "'\\''")}'`;
    const cmd = [process.execPath, WM_BIN, "github", "sync"].map(q).join(" ");
    const r = await new Promise<RunResult>((resolve, reject) => {
      const e = cleanEnv({ GH_TOKEN: TOKEN });
      delete e.GITHUB_TOKEN;
      const child = spawn("script", ["-qec", cmd, "/dev/null"], {
        cwd: repo,
        env: e,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr: "" }));
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\[1\/12\] create label wm:epic/);
    expect(r.stdout).toMatch(/\[12\/12\] mark /);
    expect(r.stdout).not.toContain(TOKEN);
  });

  it("--issue limits the sync to one issue's epic and tasks", async () => {
    const { s, repo } = await setup();
    graph(repo);
    const other = create(repo, ["--title=Other epic", "--type=epic", "--issue=9"]);
    const r = await json(repo, ["github", "sync", "--issue=9", "--dry-run"]);
    expect(r.tasks.map((t) => t.id)).toEqual([other]);
    await json(repo, ["github", "sync", "--issue=9"]);
    expect(s.issues.size).toBe(1);
    expect(s.byMarker(other)).toBeDefined();
  });

  it("never prints the token, even when the server repeats it in an error", async () => {
    const { s, repo } = await setup({ token: "the-right-token", echoAuthorization: true });
    graph(repo);
    const r = await run(repo, ["github", "sync", "--json"]);
    expect(r.code).toBe(2);
    expect(s.log[0]!.authorization).toBe(`token ${TOKEN}`);
    const err = JSON.parse(r.stderr.trim().split("\n").pop()!).error;
    expect(err.rule).toBe("github/auth");
    expect(err.message).toContain("Bad credentials (got token [redacted])");
    const debug = await run(repo, ["github", "sync"], { GH_TOKEN: TOKEN, WM_DEBUG: "1" });
    expect(debug.code).toBe(2);
    expect(outputs.join("\n")).not.toContain(TOKEN);
    // A token of no known shape is removed too (wm knows its own token, not just token patterns).
    const plain = "plainsecretvalue42";
    for (const args of [
      ["github", "sync"],
      ["github", "sync", "--json"],
      ["issue", "show", "1", "--json"],
    ]) {
      const p = await run(repo, args, { GH_TOKEN: plain, WM_DEBUG: "1" });
      expect(p.code).toBe(2);
      expect(p.stderr).toContain("got token [redacted]");
      expect(p.stdout + p.stderr).not.toContain(plain);
    }
    expect(s.log.at(-1)!.authorization).toBe(`token ${plain}`);
  });

  it("detects the repository from an ssh or https origin remote", async () => {
    server = await fakeGitHub({ token: TOKEN });
    const repo = tempRepo();
    configure(repo, server, "");
    const g = graph(repo);
    const none = await run(repo, ["github", "sync", "--dry-run"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("no origin remote");
    git(repo, "remote", "add", "origin", "git@github.com:acme/widgets.git");
    await json(repo, ["github", "sync"]);
    expect(s().byMarker(g.epic)).toBeDefined();
    git(repo, "remote", "set-url", "origin", "https://github.com/acme/widgets.git");
    expect((await json(repo, ["github", "sync"])).actions).toEqual([]);
    git(repo, "remote", "set-url", "origin", "https://gitlab.com/acme/widgets.git");
    const wrong = await run(repo, ["github", "sync"]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("is not a GitHub repository");
  });
});

function s(): FakeGitHub {
  return server!;
}

describe("the github issue provider", () => {
  it("wm issue list pages through the issues, leaves pull requests out, filters by state and label", async () => {
    const { s, repo } = await setup({ maxPerPage: 2 });
    for (let n = 1; n <= 5; n++) s.addIssue({ title: `Issue ${n}`, labels: n % 2 ? ["bug"] : [] });
    s.addIssue({ title: "A pull request", pull_request: true });
    s.close(2);
    const open = await json<Array<{ number: number; url: string }>>(repo, ["issue", "list"]);
    expect(open.map((i) => i.number)).toEqual([1, 3, 4, 5]);
    expect(open[0]?.url).toBe("https://github.com/acme/widgets/issues/1");
    // Pages of two: the list needed several requests that followed the Link header.
    expect(s.log.filter((r) => r.path.endsWith("/issues")).length).toBe(3);
    const all = await json<Array<{ number: number }>>(repo, ["issue", "list", "--state=all", "--label=bug"]);
    expect(all.map((i) => i.number)).toEqual([1, 3, 5]);
    const text = await run(repo, ["issue", "list"]);
    expect(text.stdout).toContain("#3  Issue 3");
  });

  it("wm issue show, wm issue create --parent, and wm spec new --issue take issues from GitHub", async () => {
    const { s, repo } = await setup();
    s.addIssue({
      number: 12,
      title: "Cache the index",
      body: "Why.\n\n## Acceptance Criteria\n\n- [ ] a cold read takes one pass\n- [ ] the cache is rebuilt when stale\n",
    });
    const shown = await json<{ number: number }>(repo, ["issue", "show", "12"]);
    expect(shown).toMatchObject({ number: 12, title: "Cache the index", state: "open" });
    const missing = await run(repo, ["issue", "show", "99"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("no issue #99 in the github issues");

    writeFileSync(join(repo, "body.md"), "Split out of #12.\n");
    const created = await run(repo, [
      "issue",
      "create",
      "--title=Measure the cache",
      "--type=feature",
      "--parent=12",
      "--body-file=body.md",
    ]);
    expect(created.code).toBe(0);
    const n = Number(created.stdout.trim());
    expect(s.issues.get(n)).toMatchObject({
      title: "Measure the cache",
      body: "Split out of #12.\n",
      labels: ["feature"],
    });
    expect(s.subIssues.get(12)).toEqual([n]);
    const badParent = await run(repo, ["issue", "create", "--title=x", "--parent=404"]);
    expect(badParent.code).toBe(2);
    expect(badParent.stderr).toContain("no issue #404");

    const spec = await json<{ title: string; acceptanceCriteria: string[]; path: string }>(repo, [
      "spec",
      "new",
      "infrastructure",
      "--issue=12",
    ]);
    expect(spec.title).toBe("Cache the index");
    expect(spec.acceptanceCriteria).toEqual([
      "a cold read takes one pass",
      "the cache is rebuilt when stale",
    ]);
    expect(readFileSync(join(repo, spec.path), "utf8")).toContain("Cache the index");
  });

  it("takes the token from GITHUB_TOKEN, then from `gh auth token`", async () => {
    const { s, repo } = await setup({ token: undefined });
    s.addIssue({ title: "One" });
    await run(repo, ["issue", "list", "--json"], { GITHUB_TOKEN: "from-github-token-var" });
    expect(s.log.at(-1)!.authorization).toBe("token from-github-token-var");
    await run(repo, ["issue", "list", "--json"], {
      GH_TOKEN: "from-gh-token-var",
      GITHUB_TOKEN: "from-github-token-var",
    });
    expect(s.log.at(-1)!.authorization).toBe("token from-gh-token-var");
    const bin = tempDir("wm-fake-gh-");
    const calls = join(bin, "calls");
    writeFileSync(
      join(bin, "gh"),
      `#!/bin/sh\necho "$*" >> '${calls}'\n[ "$1 $2" = "auth token" ] && echo from-gh-cli && exit 0\nexit 1\n`,
    );
    chmodSync(join(bin, "gh"), 0o755);
    const r = await run(repo, ["issue", "list", "--json"], { PATH: `${bin}:${process.env.PATH}` });
    expect(r.code).toBe(0);
    expect(s.log.at(-1)!.authorization).toBe("token from-gh-cli");
    expect(r.stdout).not.toContain("from-gh-cli");
    // The API is on another host than github.com (as for GitHub Enterprise): gh is asked for that host.
    expect(readFileSync(calls, "utf8")).toBe("auth token --hostname 127.0.0.1\n");
    // With a token in the environment gh is not asked; a local-provider command never spawns gh nor talks to GitHub.
    await run(repo, ["issue", "list", "--json"], { GH_TOKEN: "x-token", PATH: `${bin}:${process.env.PATH}` });
    const count = s.log.length;
    writeFileSync(join(repo, ".wm", "config.yaml"), "issues:\n  provider: local\n");
    expect((await run(repo, ["issue", "list"], { PATH: `${bin}:${process.env.PATH}` })).code).toBe(0);
    expect(s.log.length).toBe(count);
    expect(readFileSync(calls, "utf8")).toBe("auth token --hostname 127.0.0.1\n");
  });
});
