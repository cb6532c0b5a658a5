// Pure planning for `wm github sync`: which tasks are mirrored, which GitHub issue each one is, and the
// list of writes (on GitHub and in .wm/tasks.yaml) that bring the two sides together. The service
// (src/services/github-sync.ts) fetches what the planner asks for, runs the plan, and nothing else.
//
// Mapping (docs/decisions/0011-github-sync.md): every epic and every task below an epic (by parent) is an
// issue; parent -> sub-issue; depends_on -> "blocked by"; type -> label wm:<type> (the task's type is the
// one truth: the issue gets its label and loses any other wm:<type> label, other labels are never touched);
// the task id is in the issue body as <!-- wm:task=<id> -->. Closing goes both ways; titles are compared,
// never overwritten.

import {
  closeComment,
  issueBody,
  labelSpec,
  markedTaskId,
  sameTitle,
  typeLabel,
  withMarker,
} from "./github.js";
import { isOpen, isResolved, TASK_TYPES, type Task, type TaskType } from "./task.js";

/** wm's own labels: `wm:<type>` for every task type. Any other label on an issue is someone else's. */
const TYPE_LABELS: ReadonlySet<string> = new Set(TASK_TYPES.map(typeLabel));

/** What the planner needs to know of a GitHub issue. */
export interface RemoteIssue {
  /** The database id: sub-issue and dependency links take it, not the number. */
  id: number;
  number: number;
  title: string;
  body: string;
  state: "open" | "closed";
  stateReason: string | null;
  labels: string[];
  url: string;
  /** Sub-issue count from the issue's summary; undefined when GitHub did not say. */
  subIssues?: number | undefined;
  /** Blocked-by count from the issue's summary; undefined when GitHub did not say. */
  blockedBy?: number | undefined;
}

/** The tasks `wm github sync` mirrors: epics and everything below them, in file order. */
export function syncScope(tasks: readonly Task[], issue?: number): Task[] {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const rootEpic = (t: Task): Task | undefined => {
    // The topmost epic above (or at) t, following parents; undefined when there is none. Cycle-safe.
    let found: Task | undefined;
    const seen = new Set<string>();
    for (let cur: Task | undefined = t; cur && !seen.has(cur.id); cur = byId.get(cur.parent ?? "")) {
      seen.add(cur.id);
      if (cur.type === "epic") found = cur;
    }
    return found;
  };
  return tasks.filter((t) => {
    const epic = rootEpic(t);
    if (epic === undefined) return false;
    return issue === undefined || t.issue === issue || epic.issue === issue;
  });
}

/** How a task in scope is matched to an issue. */
export type Match =
  | { task: string; kind: "found"; issue: number; by: "github" | "marker" | "epic-issue" }
  | { task: string; kind: "create" }
  | { task: string; kind: "skip"; why: string };

export type ConflictKind =
  | "title"
  | "closed-without-evidence"
  | "open-children"
  | "state"
  | "missing"
  | "duplicate"
  | "link-refused";

export interface Conflict {
  kind: ConflictKind;
  task: string;
  issue?: number;
  message: string;
  /** For title conflicts: both values. */
  wm?: string;
  github?: string;
}

/**
 * Whether an epic may be linked to the GitHub issue its `issue` number names: only when task issue numbers
 * are GitHub's (issues.provider github); with local issues, #N on GitHub is an unrelated issue.
 */
export interface MatchOptions {
  linkEpics: boolean;
}

/** Issue numbers the service should GET one by one (not found by the label listing). */
export function issuesToFetch(
  scope: readonly Task[],
  known: ReadonlySet<number>,
  opts: MatchOptions,
): number[] {
  const out = new Set<number>();
  for (const t of scope) {
    if (t.github !== undefined && !known.has(t.github)) out.add(t.github);
    else if (
      opts.linkEpics &&
      t.github === undefined &&
      t.type === "epic" &&
      t.issue !== undefined &&
      !known.has(t.issue)
    )
      out.add(t.issue);
  }
  return [...out].sort((a, b) => a - b);
}

/**
 * Whether every task in scope was paired with an issue. When one was not, its issue may still exist under
 * another type's `wm:<type>` label (relabelled on GitHub, or the task's type changed in wm while the number
 * was not recorded): the service then lists `otherTypeLabels` too and matches again, once per sync.
 */
export function allMatched(matches: readonly Match[]): boolean {
  return matches.every((m) => m.kind === "found");
}

/**
 * The `wm:<type>` labels not listed yet (`listed`: the types of the first listing) that the repository has:
 * an issue can only carry a label the repository has, so a missing one needs no request.
 */
export function otherTypeLabels(listed: readonly TaskType[], repoLabels: ReadonlySet<string>): string[] {
  return TASK_TYPES.filter((ty) => !listed.includes(ty))
    .map(typeLabel)
    .filter((l) => repoLabels.has(l));
}

/** Pairs every task in scope with its issue (or says it needs one), and reports what cannot be paired. */
export function matchTasks(
  scope: readonly Task[],
  issues: ReadonlyMap<number, RemoteIssue>,
  opts: MatchOptions,
): { matches: Match[]; conflicts: Conflict[] } {
  const conflicts: Conflict[] = [];
  const byMarker = new Map<string, RemoteIssue[]>();
  for (const i of [...issues.values()].sort((a, b) => a.number - b.number)) {
    const id = markedTaskId(i.body);
    if (id === undefined) continue;
    const list = byMarker.get(id);
    if (list) list.push(i);
    else byMarker.set(id, [i]);
  }
  const claimed = new Map<number, string>();
  const result = new Map<string, Match>();
  // 1. The number recorded on the task, when that issue exists and is not another task's.
  for (const t of scope) {
    if (t.github === undefined) continue;
    const i = issues.get(t.github);
    if (i === undefined) {
      if ((byMarker.get(t.id) ?? []).length > 0) continue; // found again by its marker below
      conflicts.push({
        kind: "missing",
        task: t.id,
        issue: t.github,
        message: `${t.id} records GitHub issue #${t.github}, which does not exist (deleted or transferred?)`,
      });
      result.set(t.id, { task: t.id, kind: "skip", why: "its issue is missing" });
      continue;
    }
    const owner = markedTaskId(i.body);
    if ((owner !== undefined && owner !== t.id) || claimed.has(i.number)) {
      conflicts.push({
        kind: "duplicate",
        task: t.id,
        issue: i.number,
        message: `${t.id} records GitHub issue #${i.number}, but that issue belongs to task ${owner ?? claimed.get(i.number)}`,
      });
      result.set(t.id, { task: t.id, kind: "skip", why: "its issue belongs to another task" });
      continue;
    }
    claimed.set(i.number, t.id);
    result.set(t.id, { task: t.id, kind: "found", issue: i.number, by: "github" });
  }
  // 2. The issue whose body carries the task's marker (lowest number when several do).
  for (const t of scope) {
    if (result.has(t.id)) continue;
    const candidates = (byMarker.get(t.id) ?? []).filter((i) => !claimed.has(i.number));
    if (candidates.length === 0) continue;
    const i = candidates[0]!;
    claimed.set(i.number, t.id);
    result.set(t.id, { task: t.id, kind: "found", issue: i.number, by: "marker" });
  }
  for (const [id, list] of byMarker) {
    const mine = result.get(id);
    for (const i of list) {
      if (mine?.kind === "found" && mine.issue !== i.number && claimed.get(i.number) !== id) {
        conflicts.push({
          kind: "duplicate",
          task: id,
          issue: i.number,
          message: `GitHub issue #${i.number} also carries the marker of task ${id} (which is #${mine.issue}); wm ignores it`,
        });
      }
    }
  }
  // 3. An epic whose issue number names an existing issue that no task has: link to it.
  for (const t of scope) {
    if (!opts.linkEpics || result.has(t.id) || t.type !== "epic" || t.issue === undefined) continue;
    const i = issues.get(t.issue);
    if (i === undefined || claimed.has(i.number)) continue;
    const owner = markedTaskId(i.body);
    if (owner !== undefined && owner !== t.id) continue;
    claimed.set(i.number, t.id);
    result.set(t.id, { task: t.id, kind: "found", issue: i.number, by: "epic-issue" });
  }
  // 4. The rest get a new issue; a cancelled task without one is left alone.
  for (const t of scope) {
    if (result.has(t.id)) continue;
    result.set(
      t.id,
      t.status === "cancelled"
        ? { task: t.id, kind: "skip", why: "cancelled before it was ever synced" }
        : { task: t.id, kind: "create" },
    );
  }
  return { matches: scope.map((t) => result.get(t.id)!), conflicts };
}

/** A task's issue: its number when it exists, or only the task id when this plan creates it. */
export interface Ref {
  task: string;
  issue?: number;
}

export type SyncAction =
  | { op: "label"; where: "github"; label: string; color: string; description: string }
  | {
      op: "create";
      where: "github";
      task: string;
      type: TaskType;
      title: string;
      body: string;
      labels: string[];
    }
  | {
      op: "update";
      where: "github";
      task: string;
      issue: number;
      /** The new body (marker added), when it changes. */
      body?: string;
      /** Labels to add. */
      labels?: string[];
      /** wm:<type> labels of other types to remove (the task's type changed, or someone relabelled). */
      removeLabels?: string[];
    }
  | { op: "link"; where: "wm"; task: string; issue: number; by: "marker" | "epic-issue" }
  | { op: "sub-issue"; where: "github"; parent: Ref; child: Ref }
  | { op: "blocked-by"; where: "github"; issue: Ref; blockedBy: Ref }
  | { op: "close"; where: "github"; task: string; issue: Ref; reason: "completed" | "not_planned" }
  | { op: "comment"; where: "github"; task: string; issue: Ref; body: string }
  | { op: "done"; where: "wm"; task: string; issue: number; url: string }
  | { op: "cancel"; where: "wm"; task: string; issue: number; url: string };

export interface DetailRequests {
  /** Issues whose sub-issues must be listed. */
  subIssuesOf: number[];
  /** Issues whose blocked-by links must be listed. */
  blockedByOf: number[];
  /** Issues whose comments must be read (open/closed differs: did wm close it before?). */
  commentsOf: number[];
}

function found(matches: readonly Match[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of matches) if (m.kind === "found") out.set(m.task, m.issue);
  return out;
}

/** What the planner needs to know beyond the issues themselves; summaries that say 0 spare a request. */
export function detailRequests(
  scope: readonly Task[],
  matches: readonly Match[],
  issues: ReadonlyMap<number, RemoteIssue>,
): DetailRequests {
  const num = found(matches);
  const sub = new Set<number>();
  const blocked = new Set<number>();
  const comments = new Set<number>();
  for (const t of scope) {
    const n = num.get(t.id);
    const i = n === undefined ? undefined : issues.get(n);
    if (t.parent !== undefined) {
      const p = num.get(t.parent);
      if (p !== undefined && n !== undefined && issues.get(p)?.subIssues !== 0) sub.add(p);
    }
    if (i === undefined) continue;
    if (i.blockedBy !== 0 && t.depends_on.some((d) => num.has(d))) blocked.add(i.number);
    if (isResolved(t.status) !== (i.state === "closed")) comments.add(i.number);
  }
  const sort = (s: Set<number>) => [...s].sort((a, b) => a - b);
  return { subIssuesOf: sort(sub), blockedByOf: sort(blocked), commentsOf: sort(comments) };
}

export interface SyncInputs {
  /** Every task (for children's states), and the scope to mirror. */
  tasks: readonly Task[];
  scope: readonly Task[];
  matches: readonly Match[];
  issues: ReadonlyMap<number, RemoteIssue>;
  /** Labels the repository has. */
  labels: ReadonlySet<string>;
  /** Parent issue number -> its sub-issues' numbers (for the issues in DetailRequests.subIssuesOf). */
  subIssues: ReadonlyMap<number, ReadonlySet<number>>;
  /** Issue number -> the numbers of the issues it is blocked by. */
  blockedBy: ReadonlyMap<number, ReadonlySet<number>>;
  /** Issue number -> task ids whose close comment (evidence marker) is among its comments. */
  closedByWm: ReadonlyMap<number, ReadonlySet<string>>;
  /** Task issue numbers are GitHub's (provider github); default true. */
  issuesOnGitHub?: boolean;
}

export interface SyncPlan {
  actions: SyncAction[];
  conflicts: Conflict[];
}

const ORDER: Record<SyncAction["op"], number> = {
  label: 0,
  create: 1,
  update: 2,
  link: 3,
  "sub-issue": 4,
  "blocked-by": 5,
  close: 6,
  comment: 7,
  done: 8,
  cancel: 9,
};

/** The writes that bring GitHub and the tasks together, in the order they are to be run. */
export function planSync(input: SyncInputs): SyncPlan {
  const actions: SyncAction[] = [];
  const conflicts: Conflict[] = [];
  const num = found(input.matches);
  const inScope = new Set(input.scope.map((t) => t.id));
  const creating = new Set(input.matches.filter((m) => m.kind === "create").map((m) => m.task));
  const ref = (id: string): Ref | undefined => {
    const n = num.get(id);
    if (n !== undefined) return { task: id, issue: n };
    return creating.has(id) ? { task: id } : undefined;
  };
  const neededLabels = new Set<TaskType>();

  // Tasks that this plan marks done or cancelled (closed on GitHub): an epic whose children all close in
  // the same run may close too.
  const willResolve = new Set<string>();
  const byId = new Map(input.tasks.map((t) => [t.id, t]));

  const matchOf = new Map(input.matches.map((m) => [m.task, m]));
  // Children before parents, so an epic sees what happens to its children.
  const ordered = [...input.scope].sort((a, b) => depth(b, byId) - depth(a, byId));

  for (const t of ordered) {
    const m = matchOf.get(t.id);
    if (m === undefined || m.kind === "skip") continue;
    if (m.kind === "create") {
      neededLabels.add(t.type);
      actions.push({
        op: "create",
        where: "github",
        task: t.id,
        type: t.type,
        title: t.title,
        body: issueBody(t, input.issuesOnGitHub ?? true),
        labels: [typeLabel(t.type)],
      });
      if (isResolved(t.status)) {
        const reason = t.status === "cancelled" ? "not_planned" : "completed";
        actions.push({ op: "close", where: "github", task: t.id, issue: { task: t.id }, reason });
        actions.push({
          op: "comment",
          where: "github",
          task: t.id,
          issue: { task: t.id },
          body: closeComment(t),
        });
      }
      continue;
    }
    const i = input.issues.get(m.issue)!;
    if (m.by !== "github") actions.push({ op: "link", where: "wm", task: t.id, issue: i.number, by: m.by });
    const update: Extract<SyncAction, { op: "update" }> = {
      op: "update",
      where: "github",
      task: t.id,
      issue: i.number,
    };
    if (markedTaskId(i.body) !== t.id) update.body = withMarker(i.body, t.id);
    if (!i.labels.includes(typeLabel(t.type))) {
      update.labels = [typeLabel(t.type)];
      neededLabels.add(t.type);
    }
    // Only wm's type labels, and only when another type's: a type changed in wm leaves no stale label, and
    // one changed on GitHub is put back (wm never reads a type from GitHub, so the two cannot flip-flop).
    const stale = i.labels.filter((l) => TYPE_LABELS.has(l) && l !== typeLabel(t.type));
    if (stale.length > 0) update.removeLabels = [...new Set(stale)];
    if (update.body !== undefined || update.labels !== undefined || update.removeLabels !== undefined)
      actions.push(update);
    if (!sameTitle(t.title, i.title)) {
      conflicts.push({
        kind: "title",
        task: t.id,
        issue: i.number,
        wm: t.title,
        github: i.title,
        message: `the title of ${t.id} differs from GitHub issue #${i.number}'s; wm does not overwrite either: make them agree by hand`,
      });
    }
    // Open / closed.
    const closedBefore = input.closedByWm.get(i.number)?.has(t.id) ?? false;
    if (isResolved(t.status) && i.state === "open") {
      if (closedBefore) {
        conflicts.push({
          kind: "state",
          task: t.id,
          issue: i.number,
          message: `${t.id} is ${t.status} in wm, but issue #${i.number} was reopened on GitHub after wm closed it; reopen the task (wm tasks reopen ${t.id}) or close the issue`,
        });
      } else {
        const reason = t.status === "cancelled" ? "not_planned" : "completed";
        actions.push({
          op: "close",
          where: "github",
          task: t.id,
          issue: { task: t.id, issue: i.number },
          reason,
        });
        actions.push({
          op: "comment",
          where: "github",
          task: t.id,
          issue: { task: t.id, issue: i.number },
          body: closeComment(t),
        });
      }
    } else if (isOpen(t.status) && i.state === "closed") {
      if (closedBefore) {
        conflicts.push({
          kind: "state",
          task: t.id,
          issue: i.number,
          message: `${t.id} is ${t.status} in wm, but wm closed issue #${i.number} when the task was done; reopen the issue on GitHub or finish the task`,
        });
      } else if (i.stateReason === "not_planned") {
        actions.push({ op: "cancel", where: "wm", task: t.id, issue: i.number, url: i.url });
        willResolve.add(t.id);
      } else if (t.type === "verify" && t.evidence === undefined) {
        conflicts.push({
          kind: "closed-without-evidence",
          task: t.id,
          issue: i.number,
          message: `verify task ${t.id} was closed on GitHub (#${i.number}) but has no evidence in wm; record it: wm tasks done ${t.id} --evidence "..." (or --evidence-cmd)`,
        });
      } else {
        const open = input.tasks.filter(
          (c) => c.parent === t.id && c.id !== t.id && isOpen(c.status) && !willResolve.has(c.id),
        );
        if (t.type === "epic" && open.length > 0) {
          conflicts.push({
            kind: "open-children",
            task: t.id,
            issue: i.number,
            message: `epic ${t.id} was closed on GitHub (#${i.number}) but ${open.length} of its tasks are still open in wm: ${open
              .slice(0, 5)
              .map((c) => c.id)
              .join(", ")}`,
          });
        } else {
          actions.push({ op: "done", where: "wm", task: t.id, issue: i.number, url: i.url });
          willResolve.add(t.id);
        }
      }
    }
  }

  // Links: parent -> sub-issue, depends_on -> blocked by. Only between tasks in scope that have (or get)
  // an issue; links GitHub already has are left alone, and wm never removes one.
  for (const t of input.scope) {
    const self = ref(t.id);
    if (self === undefined) continue;
    if (t.parent !== undefined && inScope.has(t.parent)) {
      const parent = ref(t.parent);
      const known =
        parent?.issue !== undefined &&
        self.issue !== undefined &&
        (input.subIssues.get(parent.issue)?.has(self.issue) ?? false);
      if (parent !== undefined && !known)
        actions.push({ op: "sub-issue", where: "github", parent, child: self });
    }
    for (const d of t.depends_on) {
      if (!inScope.has(d)) continue;
      const dep = ref(d);
      if (dep === undefined) continue;
      const known =
        self.issue !== undefined &&
        dep.issue !== undefined &&
        (input.blockedBy.get(self.issue)?.has(dep.issue) ?? false);
      if (!known) actions.push({ op: "blocked-by", where: "github", issue: self, blockedBy: dep });
    }
  }

  for (const type of [...neededLabels].sort()) {
    const spec = labelSpec(type);
    if (!input.labels.has(spec.name)) {
      actions.push({
        op: "label",
        where: "github",
        label: spec.name,
        color: spec.color,
        description: spec.description,
      });
    }
  }

  // A stable order: by kind of write, then by task in file order (links as planned, in file order too).
  const position = new Map(input.scope.map((t, k) => [t.id, k]));
  const key = (a: SyncAction) => ("task" in a ? (position.get(a.task) ?? 0) : 0);
  const indexed = actions.map((a, k) => ({ a, k }));
  indexed.sort((x, y) => ORDER[x.a.op] - ORDER[y.a.op] || key(x.a) - key(y.a) || x.k - y.k);
  return { actions: indexed.map((x) => x.a), conflicts };
}

function depth(t: Task, byId: ReadonlyMap<string, Task>): number {
  let d = 0;
  const seen = new Set<string>();
  for (let cur = t.parent; cur !== undefined && !seen.has(cur); cur = byId.get(cur)?.parent) {
    seen.add(cur);
    d++;
  }
  return d;
}
