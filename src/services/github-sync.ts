// `wm github sync`: mirrors the epics of .wm/tasks.yaml and the tasks below them to GitHub issues, and
// brings back what changed there. Reads both sides, asks the pure planner (src/core/sync-plan.ts) for
// the writes, and runs them unless --dry-run. Idempotent: a second run finds every issue by the marker in
// its body and plans nothing. See docs/decisions/0011-github-sync.md.

import { WmError } from "../core/errors.js";
import { evidenceMarkedIds, typeLabel } from "../core/github.js";
import {
  allMatched,
  type Conflict,
  detailRequests,
  issuesToFetch,
  matchTasks,
  otherTypeLabels,
  planSync,
  type Ref,
  type RemoteIssue,
  type SyncAction,
  syncScope,
} from "../core/sync-plan.js";
import { isOpen, TASK_TYPES, type Task } from "../core/task.js";
import type { GitHubClient } from "../integrations/github/client.js";
import { loadConfig } from "../store/config-store.js";
import { mutateTasks } from "../store/tasks-store.js";
import { type Ctx, project } from "./context.js";
import { allTasks, parseIssue } from "./tasks.js";

export interface SyncOptions {
  /** Only the tasks of this issue (and the epics that carry it, with everything below them). */
  issue?: string | number;
  dryRun?: boolean;
  /** Rate-limit and retry messages (stderr). */
  notify?: (line: string) => void;
  /** One line per write as it happens (stderr, when it is a terminal). */
  progress?: (line: string) => void;
}

/** A planned write, with the issue numbers filled in once known (a created issue's number in `issue`). */
export type SyncStep = SyncAction & { issue?: number | Ref; done?: boolean };

export interface SyncResult {
  repo: string;
  dryRun: boolean;
  /** Tasks in scope and their issues (after the run; none for a task that would get a new one). */
  tasks: Array<{ id: string; title: string; type: string; issue?: number }>;
  actions: SyncStep[];
  conflicts: Conflict[];
  /** Count of planned writes by op. */
  counts: Record<string, number>;
  /** Requests sent to GitHub. */
  requests: number;
}

function describe(a: SyncAction): string {
  const r = (x: Ref) => (x.issue !== undefined ? `#${x.issue}` : `(new issue of ${x.task})`);
  switch (a.op) {
    case "label":
      return `create label ${a.label}`;
    case "create":
      return `create issue for ${a.task}: ${a.title}`;
    case "update":
      return `update #${a.issue} (${[
        a.body !== undefined ? "marker" : "",
        a.labels ? `label ${a.labels.join(", ")}` : "",
        a.removeLabels ? `remove label ${a.removeLabels.join(", ")}` : "",
      ]
        .filter(Boolean)
        .join(", ")})`;
    case "link":
      return `link ${a.task} to #${a.issue}`;
    case "sub-issue":
      return `make ${r(a.child)} a sub-issue of ${r(a.parent)}`;
    case "blocked-by":
      return `mark ${r(a.issue)} blocked by ${r(a.blockedBy)}`;
    case "close":
      return `close ${r(a.issue)} (${a.reason})`;
    case "comment":
      return `comment on ${r(a.issue)}`;
    case "done":
      return `mark ${a.task} done (#${a.issue} closed on GitHub)`;
    case "cancel":
      return `cancel ${a.task} (#${a.issue} closed as not planned)`;
  }
}

function statusOf(err: unknown): number | undefined {
  const d = err instanceof WmError ? (err.details as { status?: number } | undefined) : undefined;
  return d?.status;
}

export async function githubSync(ctx: Ctx, opts: SyncOptions = {}): Promise<SyncResult> {
  const paths = project(ctx);
  const { config } = await loadConfig(paths);
  const issueFilter = opts.issue === undefined ? undefined : parseIssue(opts.issue);
  const tasks = (await allTasks(ctx)).tasks;
  const scope = syncScope(tasks, issueFilter);
  const { resolveTarget, connect } = await import("../integrations/github/connect.js");
  const target = resolveTarget(paths.root, config);
  const slug = `${target.repo.owner}/${target.repo.name}`;
  const empty: SyncResult = {
    repo: slug,
    dryRun: Boolean(opts.dryRun),
    tasks: [],
    actions: [],
    conflicts: [],
    counts: {},
    requests: 0,
  };
  if (scope.length === 0) return empty;
  const client = connect(target, {
    env: ctx.env,
    notify: opts.notify ?? (() => {}),
    requireToken: !opts.dryRun,
  });

  // 1. The issues wm made (they carry a wm:<type> label), then the ones tasks name that were not among them.
  const issues = new Map<number, RemoteIssue>();
  const types = TASK_TYPES.filter((ty) => scope.some((t) => t.type === ty));
  for (const ty of types) {
    for (const i of await client.listIssues({ state: "all", labels: [typeLabel(ty)] }))
      issues.set(i.number, i);
  }
  // Task issue numbers are GitHub's only when GitHub is the issue provider: then an epic links to its issue.
  const onGitHub = config.issues.provider === "github";
  for (const n of issuesToFetch(scope, new Set(issues.keys()), { linkEpics: onGitHub })) {
    const i = await client.getIssue(n);
    if (i !== null) issues.set(i.number, i);
  }
  let { matches, conflicts } = matchTasks(scope, issues, { linkEpics: onGitHub });
  // A task still without an issue: its issue may carry only another type's wm: label (relabelled on GitHub,
  // or the type changed and the number was never recorded). List those labels once, then match again.
  let repoLabels: Set<string> | undefined;
  if (!allMatched(matches)) {
    repoLabels = new Set(await client.listLabels());
    const more = otherTypeLabels(types, repoLabels);
    for (const label of more) {
      for (const i of await client.listIssues({ state: "all", labels: [label] }))
        if (!issues.has(i.number)) issues.set(i.number, i);
    }
    if (more.length > 0) ({ matches, conflicts } = matchTasks(scope, issues, { linkEpics: onGitHub }));
  }

  // 2. The links and comments the plan depends on.
  const need = detailRequests(scope, matches, issues);
  const subIssues = new Map<number, Set<number>>();
  for (const n of need.subIssuesOf)
    subIssues.set(n, new Set((await client.listSubIssues(n)).map((i) => i.number)));
  const blockedBy = new Map<number, Set<number>>();
  for (const n of need.blockedByOf)
    blockedBy.set(n, new Set((await client.listBlockedBy(n)).map((i) => i.number)));
  const closedByWm = new Map<number, Set<string>>();
  for (const n of need.commentsOf)
    closedByWm.set(n, evidenceMarkedIds((await client.listComments(n)).map((c) => c.body)));

  const inputs = {
    tasks,
    scope,
    matches,
    issues,
    subIssues,
    blockedBy,
    closedByWm,
    issuesOnGitHub: onGitHub,
  };
  // Plan once as if every label existed; list the labels only when the plan uses one.
  let plan = planSync({ ...inputs, labels: new Set(TASK_TYPES.map(typeLabel)) });
  const usesLabels = plan.actions.some(
    (a) => a.op === "create" || (a.op === "update" && a.labels !== undefined),
  );
  if (usesLabels) plan = planSync({ ...inputs, labels: repoLabels ?? new Set(await client.listLabels()) });
  const allConflicts = [...conflicts, ...plan.conflicts];

  const numbers = new Map<string, { number: number; id: number }>();
  for (const m of matches)
    if (m.kind === "found") numbers.set(m.task, { number: m.issue, id: issues.get(m.issue)!.id });
  const steps: SyncStep[] = plan.actions.map((a) => ({ ...a }));

  if (!opts.dryRun) await run(ctx, client, steps, numbers, allConflicts, opts.progress ?? (() => {}));

  const fill = (x: Ref): Ref =>
    x.issue !== undefined || !numbers.has(x.task) ? x : { ...x, issue: numbers.get(x.task)!.number };
  for (const s of steps) {
    if (s.op === "sub-issue") Object.assign(s, { parent: fill(s.parent), child: fill(s.child) });
    else if (s.op === "blocked-by") Object.assign(s, { issue: fill(s.issue), blockedBy: fill(s.blockedBy) });
    else if (s.op === "close" || s.op === "comment") s.issue = fill(s.issue as Ref);
    else if (s.op === "create" && numbers.has(s.task)) s.issue = numbers.get(s.task)!.number;
  }
  const counts: Record<string, number> = {};
  for (const a of steps) counts[a.op] = (counts[a.op] ?? 0) + 1;
  return {
    repo: slug,
    dryRun: Boolean(opts.dryRun),
    tasks: scope.map((t) => {
      const n = numbers.get(t.id)?.number;
      return { id: t.id, title: t.title, type: t.type, ...(n === undefined ? {} : { issue: n }) };
    }),
    actions: steps,
    conflicts: allConflicts,
    counts,
    requests: client.requests,
  };
}

async function run(
  ctx: Ctx,
  client: GitHubClient,
  steps: SyncStep[],
  numbers: Map<string, { number: number; id: number }>,
  conflicts: Conflict[],
  progress: (line: string) => void,
): Promise<void> {
  const links = new Map<string, number>();
  const local: Array<Extract<SyncAction, { op: "done" | "cancel" }>> = [];
  const get = (r: Ref) => {
    const n = numbers.get(r.task);
    if (n === undefined) throw new WmError(`internal: no issue for task ${r.task}`);
    return n;
  };
  try {
    let k = 0;
    for (const s of steps) {
      k++;
      progress(`[${k}/${steps.length}] ${describe(s)}`);
      switch (s.op) {
        case "label":
          try {
            await client.createLabel({ name: s.label, color: s.color, description: s.description });
          } catch (err) {
            if (statusOf(err) !== 422) throw err; // 422: it exists already (made meanwhile)
          }
          break;
        case "create": {
          const i = await client.createIssue({ title: s.title, body: s.body, labels: s.labels });
          numbers.set(s.task, { number: i.number, id: i.id });
          links.set(s.task, i.number);
          break;
        }
        case "update":
          if (s.body !== undefined) await client.updateIssue(s.issue as number, { body: s.body });
          // The new type label first: the issue stays listed under a wm:<type> label if the run stops here.
          if (s.labels !== undefined) await client.addLabels(s.issue as number, s.labels);
          for (const l of s.removeLabels ?? []) await client.removeLabel(s.issue as number, l);
          break;
        case "link":
          links.set(s.task, s.issue as number);
          break;
        case "sub-issue":
        case "blocked-by": {
          try {
            if (s.op === "sub-issue") await client.addSubIssue(get(s.parent).number, get(s.child).id);
            else await client.addBlockedBy(get(s.issue as Ref).number, get(s.blockedBy).id);
          } catch (err) {
            if (statusOf(err) !== 422) throw err;
            const [a, b] = s.op === "sub-issue" ? [s.child, s.parent] : [s.issue as Ref, s.blockedBy];
            const what = s.op === "sub-issue" ? "a sub-issue of" : "blocked by";
            conflicts.push({
              kind: "link-refused",
              task: a.task,
              issue: get(a).number,
              message: `GitHub refused to make #${get(a).number} ${what} #${get(b).number}: ${(err as Error).message}`,
            });
            continue;
          }
          break;
        }
        case "close":
          await client.updateIssue(get(s.issue as Ref).number, { state: "closed", state_reason: s.reason });
          break;
        case "comment":
          await client.createComment(get(s.issue as Ref).number, s.body);
          break;
        case "done":
        case "cancel":
          local.push(s);
          break;
      }
      s.done = true;
    }
  } finally {
    // What was done on GitHub is recorded even when a later step failed, so the next run picks up there.
    if (links.size > 0 || local.length > 0) await record(ctx, links, local);
  }
}

async function record(
  ctx: Ctx,
  links: ReadonlyMap<string, number>,
  local: ReadonlyArray<Extract<SyncAction, { op: "done" | "cancel" }>>,
): Promise<void> {
  await mutateTasks(project(ctx), (file) => {
    const byId = new Map<string, Task>(file.tasks.map((t) => [t.id, t]));
    for (const [id, n] of links) {
      const t = byId.get(id);
      if (t) t.github = n;
    }
    const now = ctx.now();
    for (const a of local) {
      const t = byId.get(a.task);
      // Re-checked under the lock: a task finished meanwhile is left as it is.
      if (!t || !isOpen(t.status)) continue;
      t.updated = now;
      if (a.op === "done") {
        t.status = "done";
        delete t.reason;
        t.evidence ??= { text: `closed on GitHub: ${a.url}`, at: now };
      } else {
        t.status = "cancelled";
        t.reason = `closed on GitHub as not planned: ${a.url}`;
      }
    }
  });
}
