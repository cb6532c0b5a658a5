import { describe, expect, it } from "vitest";
import { taskMarker } from "../../src/core/github.js";
import {
  allMatched,
  detailRequests,
  issuesToFetch,
  matchTasks,
  otherTypeLabels,
  planSync,
  type RemoteIssue,
  type SyncInputs,
  syncScope,
} from "../../src/core/sync-plan.js";
import type { Task, TaskStatus, TaskType } from "../../src/core/task.js";

let clock = 0;
function task(id: string, type: TaskType, extra: Partial<Task> = {}): Task {
  const at = new Date(Date.UTC(2024, 0, 1, 0, 0, clock++)).toISOString();
  return {
    id,
    title: `Task ${id}`,
    type,
    status: "pending",
    depends_on: [],
    created: at,
    updated: at,
    ...extra,
  };
}

let nextId = 100;
function issue(number: number, taskId: string | null, extra: Partial<RemoteIssue> = {}): RemoteIssue {
  return {
    id: nextId++,
    number,
    title: taskId === null ? `Issue ${number}` : `Task ${taskId}`,
    body: taskId === null ? "" : `x\n\n${taskMarker(taskId)}`,
    state: "open",
    stateReason: null,
    labels: [],
    url: `https://github.com/o/r/issues/${number}`,
    subIssues: 0,
    blockedBy: 0,
    ...extra,
  };
}

/** epic e (issue 7) > impl a, impl b (after a), verify v (after b); plus a lone task outside any epic. */
function tasks(
  status: Partial<Record<string, TaskStatus>> = {},
  extra: Partial<Record<string, Partial<Task>>> = {},
) {
  const t = [
    task("ep0001", "epic", { issue: 7, ...extra.ep0001 }),
    task("mp0001", "impl", { issue: 7, parent: "ep0001", ...extra.mp0001 }),
    task("mp0002", "impl", { issue: 7, parent: "ep0001", depends_on: ["mp0001"], ...extra.mp0002 }),
    task("vr0001", "verify", { issue: 7, parent: "ep0001", depends_on: ["mp0002"], ...extra.vr0001 }),
    task("zz0001", "impl", { issue: 7 }),
  ];
  for (const x of t) if (status[x.id]) x.status = status[x.id]!;
  return t;
}

/** Plans from a full picture of GitHub (details for every issue). */
function plan(all: Task[], remote: RemoteIssue[], extra: Partial<SyncInputs> = {}) {
  const scope = syncScope(all);
  const issues = new Map(remote.map((i) => [i.number, i]));
  const m = matchTasks(scope, issues, { linkEpics: extra.issuesOnGitHub ?? true });
  const p = planSync({
    tasks: all,
    scope,
    matches: m.matches,
    issues,
    labels: new Set(["wm:epic", "wm:impl", "wm:verify"]),
    subIssues: new Map(),
    blockedBy: new Map(),
    closedByWm: new Map(),
    ...extra,
  });
  return { ...p, conflicts: [...m.conflicts, ...p.conflicts], matches: m.matches };
}

/** GitHub as wm left it after a full sync: issues 1-4 for the four tasks, linked and labelled. */
function synced(state: Partial<Record<number, Partial<RemoteIssue>>> = {}) {
  const ids = ["ep0001", "mp0001", "mp0002", "vr0001"];
  const types = ["epic", "impl", "impl", "verify"];
  const remote = ids.map((id, k) =>
    issue(k + 1, id, {
      labels: [`wm:${types[k]}`],
      subIssues: k === 0 ? 3 : 0,
      blockedBy: k >= 2 ? 1 : 0,
      ...state[k + 1],
    }),
  );
  const details: Partial<SyncInputs> = {
    subIssues: new Map([[1, new Set([2, 3, 4])]]),
    blockedBy: new Map([
      [3, new Set([2])],
      [4, new Set([3])],
    ]),
  };
  const gh = { ep0001: { github: 1 }, mp0001: { github: 2 }, mp0002: { github: 3 }, vr0001: { github: 4 } };
  return { remote, details, gh };
}

describe("syncScope", () => {
  it("takes epics and everything below them, not tasks outside any epic", () => {
    const all = tasks();
    expect(syncScope(all).map((t) => t.id)).toEqual(["ep0001", "mp0001", "mp0002", "vr0001"]);
  });

  it("--issue keeps an issue's epics with their tasks, and tasks that carry the issue", () => {
    const all = [
      ...tasks(),
      task("ep0002", "epic", { issue: 9 }),
      task("mp0003", "impl", { parent: "ep0002" }),
    ];
    expect(syncScope(all, 9).map((t) => t.id)).toEqual(["ep0002", "mp0003"]);
    expect(syncScope(all, 7).map((t) => t.id)).toEqual(["ep0001", "mp0001", "mp0002", "vr0001"]);
  });

  it("survives a parent cycle", () => {
    const all = [task("aaaa01", "impl", { parent: "bbbb01" }), task("bbbb01", "impl", { parent: "aaaa01" })];
    expect(syncScope(all)).toEqual([]);
  });
});

describe("planSync", () => {
  it("a first sync creates every issue, labels, sub-issues and blocked-by links, in that order", () => {
    const p = plan(tasks(), [], { labels: new Set() });
    expect(p.conflicts).toEqual([]);
    expect(p.actions.map((a) => a.op)).toEqual([
      "label",
      "label",
      "label",
      "create",
      "create",
      "create",
      "create",
      "sub-issue",
      "sub-issue",
      "sub-issue",
      "blocked-by",
      "blocked-by",
    ]);
    const creates = p.actions.filter((a) => a.op === "create");
    expect(creates.map((a) => a.task)).toEqual(["ep0001", "mp0001", "mp0002", "vr0001"]);
    expect(creates[1]).toMatchObject({ labels: ["wm:impl"], title: "Task mp0001" });
    expect(p.actions).toContainEqual({
      op: "blocked-by",
      where: "github",
      issue: { task: "vr0001" },
      blockedBy: { task: "mp0002" },
    });
    expect(p.actions).toContainEqual({
      op: "sub-issue",
      where: "github",
      parent: { task: "ep0001" },
      child: { task: "mp0001" },
    });
  });

  it("is empty when GitHub already mirrors the tasks", () => {
    const { remote, details, gh } = synced();
    const p = plan(tasks({}, gh), remote, details);
    expect(p.actions).toEqual([]);
    expect(p.conflicts).toEqual([]);
  });

  it("links tasks found by their marker when the tasks do not record the number", () => {
    const { remote, details } = synced();
    const p = plan(tasks(), remote, details);
    expect(p.actions).toEqual(
      ["ep0001", "mp0001", "mp0002", "vr0001"].map((task, k) => ({
        op: "link",
        where: "wm",
        task,
        issue: k + 1,
        by: "marker",
      })),
    );
  });

  it("links an epic to its existing issue, adding the marker and the label", () => {
    const p = plan(tasks(), [issue(7, null, { title: "Task ep0001", body: "Hello", labels: ["bug"] })]);
    expect(p.matches[0]).toEqual({ task: "ep0001", kind: "found", issue: 7, by: "epic-issue" });
    expect(p.actions.slice(0, 5).map((a) => a.op)).toEqual(["create", "create", "create", "update", "link"]);
    expect(p.actions.find((a) => a.op === "update")).toEqual({
      op: "update",
      where: "github",
      task: "ep0001",
      issue: 7,
      body: `Hello\n\n${taskMarker("ep0001")}`,
      labels: ["wm:epic"],
    });
    expect(p.actions).toContainEqual({
      op: "sub-issue",
      where: "github",
      parent: { task: "ep0001", issue: 7 },
      child: { task: "mp0001" },
    });
  });

  it("does not link an epic to an issue that carries another task's marker", () => {
    const p = plan(tasks(), [issue(7, "zzzz99")]);
    expect(p.matches[0]).toEqual({ task: "ep0001", kind: "create" });
  });

  it("with local issues, an epic's issue number is not a GitHub issue: it gets its own", () => {
    const p = plan(tasks(), [issue(7, null, { title: "Task ep0001" })], { issuesOnGitHub: false });
    expect(p.matches[0]).toEqual({ task: "ep0001", kind: "create" });
    const body = (p.actions.find((a) => a.op === "create") as { body: string }).body;
    expect(body).toContain("for local issue 7");
    expect(body).not.toContain("#7");
  });

  it("closes the issue of a task done in wm, with the evidence as a comment", () => {
    const { remote, details, gh } = synced();
    const all = tasks({ mp0001: "done" }, gh);
    all[1]!.evidence = { text: "tests pass", at: "2024-01-02T00:00:00Z" };
    const p = plan(all, remote, details);
    expect(p.actions.map((a) => a.op)).toEqual(["close", "comment"]);
    expect(p.actions[0]).toMatchObject({ issue: { issue: 2 }, reason: "completed" });
    expect(p.actions[1]).toMatchObject({ issue: { issue: 2 } });
    expect((p.actions[1] as { body: string }).body).toContain("tests pass");
  });

  it("closes a cancelled task's issue as not planned, and never creates one for it", () => {
    const { remote, details, gh } = synced();
    const p = plan(tasks({ mp0001: "cancelled" }, gh), remote, details);
    expect(p.actions[0]).toMatchObject({ op: "close", reason: "not_planned" });
    const fresh = plan(tasks({ mp0001: "cancelled" }), [], {});
    expect(fresh.actions.filter((a) => a.op === "create").map((a) => a.task)).not.toContain("mp0001");
    expect(fresh.actions.some((a) => a.op === "sub-issue" && a.child.task === "mp0001")).toBe(false);
  });

  it("marks tasks done (or cancelled) when their issues were closed on GitHub", () => {
    const { remote, details, gh } = synced({
      2: { state: "closed", stateReason: "completed" },
      3: { state: "closed", stateReason: "not_planned" },
    });
    const p = plan(tasks({}, gh), remote, details);
    expect(p.actions).toEqual([
      { op: "done", where: "wm", task: "mp0001", issue: 2, url: "https://github.com/o/r/issues/2" },
      { op: "cancel", where: "wm", task: "mp0002", issue: 3, url: "https://github.com/o/r/issues/3" },
    ]);
    expect(p.conflicts).toEqual([]);
  });

  it("reports a verify task closed on GitHub without evidence instead of closing it", () => {
    const { remote, details, gh } = synced({ 4: { state: "closed", stateReason: "completed" } });
    const p = plan(tasks({}, gh), remote, details);
    expect(p.actions).toEqual([]);
    expect(p.conflicts).toMatchObject([{ kind: "closed-without-evidence", task: "vr0001", issue: 4 }]);
    const withEvidence = tasks({}, { ...gh, vr0001: { github: 4, evidence: { text: "ran it", at: "x" } } });
    expect(plan(withEvidence, remote, details).actions).toMatchObject([{ op: "done", task: "vr0001" }]);
  });

  it("an epic closed on GitHub is done only when its tasks are finished (or finish in the same run)", () => {
    const { remote, details, gh } = synced({ 1: { state: "closed", stateReason: "completed" } });
    const open = plan(tasks({}, gh), remote, details);
    expect(open.conflicts).toMatchObject([{ kind: "open-children", task: "ep0001" }]);
    const closedAll = synced({
      1: { state: "closed", stateReason: "completed" },
      2: { state: "closed", stateReason: "completed" },
      3: { state: "closed", stateReason: "completed" },
      4: { state: "closed", stateReason: "completed" },
    });
    const p = plan(tasks({ vr0001: "done" }, gh), closedAll.remote, closedAll.details);
    expect(p.conflicts).toEqual([]);
    expect(p.actions.map((a) => [a.op, "task" in a ? a.task : ""])).toEqual([
      ["done", "ep0001"],
      ["done", "mp0001"],
      ["done", "mp0002"],
    ]);
  });

  it("reports a title that differs, with both values, and changes neither", () => {
    const { remote, details, gh } = synced({ 2: { title: "Renamed on GitHub" } });
    const p = plan(tasks({}, gh), remote, details);
    expect(p.actions).toEqual([]);
    expect(p.conflicts).toEqual([
      expect.objectContaining({
        kind: "title",
        task: "mp0001",
        issue: 2,
        wm: "Task mp0001",
        github: "Renamed on GitHub",
      }),
    ]);
  });

  it("a type changed in wm swaps the issue's wm:<type> label and leaves every other label alone", () => {
    const { remote, details, gh } = synced({ 2: { labels: ["bug", "wm:impl", "wm:someday"] } });
    const all = tasks({}, { ...gh, mp0001: { github: 2, type: "verify" } });
    const p = plan(all, remote, details);
    expect(p.conflicts).toEqual([]);
    expect(p.actions).toEqual([
      {
        op: "update",
        where: "github",
        task: "mp0001",
        issue: 2,
        labels: ["wm:verify"],
        removeLabels: ["wm:impl"],
      },
    ]);
    // Applied as the service would (add, then remove): the next plan is empty.
    remote[1]!.labels = ["bug", "wm:someday", "wm:verify"];
    expect(plan(all, remote, details).actions).toEqual([]);
  });

  it("creates the label of the new type when the repository lacks it", () => {
    const { remote, details, gh } = synced();
    const p = plan(tasks({}, { ...gh, mp0001: { github: 2, type: "test" } }), remote, details);
    expect(p.actions.map((a) => a.op)).toEqual(["label", "update"]);
    expect(p.actions[0]).toMatchObject({ label: "wm:test" });
    expect(p.actions[1]).toMatchObject({ labels: ["wm:test"], removeLabels: ["wm:impl"] });
  });

  it("an issue carrying several wm:<type> labels keeps only its task's", () => {
    const { remote, details, gh } = synced({ 2: { labels: ["wm:verify", "wm:impl", "wm:test"] } });
    const p = plan(tasks({}, gh), remote, details);
    expect(p.actions).toEqual([
      { op: "update", where: "github", task: "mp0001", issue: 2, removeLabels: ["wm:verify", "wm:test"] },
    ]);
  });

  it("a type label changed on GitHub is put back, the task's type is not changed, and the next plan is empty", () => {
    const { remote, details, gh } = synced({ 2: { labels: ["wm:verify", "help wanted"] } });
    const all = tasks({}, gh);
    const p = plan(all, remote, details);
    expect(p.conflicts).toEqual([]);
    expect(p.actions).toEqual([
      {
        op: "update",
        where: "github",
        task: "mp0001",
        issue: 2,
        labels: ["wm:impl"],
        removeLabels: ["wm:verify"],
      },
    ]);
    expect(all[1]!.type).toBe("impl");
    remote[1]!.labels = ["help wanted", "wm:impl"];
    expect(plan(all, remote, details).actions).toEqual([]);
  });

  it("an issue with no wm:<type> label gets its task's and loses nothing", () => {
    const { remote, details, gh } = synced({ 3: { labels: ["enhancement", "wm-like", "WM"] } });
    const p = plan(tasks({}, gh), remote, details);
    expect(p.actions).toEqual([
      { op: "update", where: "github", task: "mp0002", issue: 3, labels: ["wm:impl"] },
    ]);
  });

  it("does not close again an issue reopened on GitHub after wm closed it", () => {
    const { remote, details, gh } = synced();
    const p = plan(tasks({ mp0001: "done" }, gh), remote, {
      ...details,
      closedByWm: new Map([[2, new Set(["mp0001"])]]),
    });
    expect(p.actions).toEqual([]);
    expect(p.conflicts).toMatchObject([{ kind: "state", task: "mp0001", issue: 2 }]);
  });

  it("adds only the missing links and never removes one", () => {
    const { remote, gh } = synced();
    const p = plan(tasks({}, gh), remote, {
      subIssues: new Map([[1, new Set([2, 4, 99])]]),
      blockedBy: new Map([[4, new Set([3, 98])]]),
    });
    expect(p.actions).toEqual([
      {
        op: "sub-issue",
        where: "github",
        parent: { task: "ep0001", issue: 1 },
        child: { task: "mp0002", issue: 3 },
      },
      {
        op: "blocked-by",
        where: "github",
        issue: { task: "mp0002", issue: 3 },
        blockedBy: { task: "mp0001", issue: 2 },
      },
    ]);
  });

  it("reports a recorded issue that is gone, and two issues carrying one marker", () => {
    const { remote, details, gh } = synced();
    const gone = plan(
      tasks({}, { ...gh, mp0001: { github: 50 } }),
      remote.filter((i) => i.number !== 2),
      details,
    );
    expect(gone.conflicts).toMatchObject([{ kind: "missing", task: "mp0001", issue: 50 }]);
    expect(gone.actions.some((a) => a.op === "create")).toBe(false);
    const dup = plan(tasks({}, gh), [...remote, issue(9, "mp0001", { labels: ["wm:impl"] })], details);
    expect(dup.conflicts).toMatchObject([{ kind: "duplicate", task: "mp0001", issue: 9 }]);
    expect(dup.actions).toEqual([]);
  });
});

describe("what the service fetches", () => {
  it("asks for issues the tasks name that the label listing did not return", () => {
    const all = tasks({}, { mp0001: { github: 12 } });
    expect(issuesToFetch(syncScope(all), new Set([1]), { linkEpics: true })).toEqual([7, 12]);
    expect(issuesToFetch(syncScope(all), new Set([7, 12]), { linkEpics: true })).toEqual([]);
    expect(issuesToFetch(syncScope(all), new Set([1]), { linkEpics: false })).toEqual([12]);
  });

  it("lists the other types' labels only when a task found no issue, then finds it there by its marker", () => {
    // mp0002 lost its number, and its issue (3) was relabelled wm:review: the first listing misses it.
    const { remote, details, gh } = synced({ 3: { labels: ["wm:review", "bug"] } });
    const all = tasks({}, { ...gh, mp0002: {} });
    const scope = syncScope(all);
    const listed = [...new Set(scope.map((t) => t.type))];
    expect(listed).toEqual(["epic", "impl", "verify"]);
    const first = new Map(remote.filter((i) => i.number !== 3).map((i) => [i.number, i]));
    const before = matchTasks(scope, first, { linkEpics: true }).matches;
    expect(before.find((m) => m.task === "mp0002")).toEqual({ task: "mp0002", kind: "create" });
    expect(allMatched(before)).toBe(false);
    // Only the labels the repository has; never the ones already listed.
    const repoLabels = new Set(["wm:epic", "wm:impl", "wm:verify", "wm:review", "bug"]);
    expect(otherTypeLabels(listed, repoLabels)).toEqual(["wm:review"]);
    expect(otherTypeLabels(listed, new Set(["wm:epic", "wm:impl", "bug"]))).toEqual([]);
    expect(otherTypeLabels([], repoLabels)).toEqual(["wm:epic", "wm:impl", "wm:verify", "wm:review"]);
    // Matched again with the wider listing: found by the marker, linked and relabelled, nothing created.
    const p = plan(all, remote, details);
    expect(allMatched(p.matches)).toBe(true);
    expect(p.conflicts).toEqual([]);
    expect(p.actions).toEqual([
      {
        op: "update",
        where: "github",
        task: "mp0002",
        issue: 3,
        labels: ["wm:impl"],
        removeLabels: ["wm:review"],
      },
      { op: "link", where: "wm", task: "mp0002", issue: 3, by: "marker" },
    ]);
    // A task skipped (its recorded issue is gone) counts as unmatched too.
    const gone = matchTasks(scope, new Map(remote.slice(0, 2).map((i) => [i.number, i])), {
      linkEpics: true,
    }).matches;
    expect(gone.find((m) => m.task === "vr0001")?.kind).toBe("skip");
    expect(allMatched(gone)).toBe(false);
  });

  it("skips link lists that the summaries say are empty, and reads comments only where states differ", () => {
    const { remote, gh } = synced({ 2: { state: "closed" } });
    const all = tasks({}, gh);
    const scope = syncScope(all);
    const issues = new Map(remote.map((i) => [i.number, i]));
    const { matches } = matchTasks(scope, issues, { linkEpics: true });
    expect(detailRequests(scope, matches, issues)).toEqual({
      subIssuesOf: [1],
      blockedByOf: [3, 4],
      commentsOf: [2],
    });
    issues.get(1)!.subIssues = 0;
    issues.get(3)!.blockedBy = undefined;
    issues.get(4)!.blockedBy = 0;
    expect(detailRequests(scope, matches, issues)).toEqual({
      subIssuesOf: [],
      blockedByOf: [3],
      commentsOf: [2],
    });
  });
});
