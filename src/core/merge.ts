// Three-way merge of .wm/tasks.yaml by task id: what `wm merge-driver` (git's merge driver for the file)
// computes. Pure: no I/O. The rules (also in docs/decisions/0005-merge-driver.md):
//
//  1. Tasks are matched by id, never by position; the result is in canonical order (compareTasks).
//  2. A task added on one side only is kept.
//  3. A task added on both sides with the same id (a random-id clash) is kept when both copies are
//     identical, and is a conflict ("id-clash") otherwise.
//  4. A task deleted on one side and unchanged on the other is deleted (deleted on both: deleted).
//  5. A task deleted on one side and changed on the other is a conflict ("delete-modify").
//  6. A task present on all three sides merges field by field: when only one side changed a field, that
//     side's value is taken; when both changed it to the same value, that value; otherwise a conflict
//     ("field", with the base, ours and theirs values; `status` included) - except
//       - `depends_on`, which merges as a set: additions from both sides are kept and a removal on either
//         side is applied (if only one side touched it, that side's list is taken as is);
//       - `updated`, which takes the later of the two timestamps.
//  7. The merged graph is checked: a dependency cycle or a dangling dependency (a task depending on one
//     that no longer exists) that neither side had on its own was created by the merge, and is a
//     conflict ("cycle", "dangling-dependency") on the tasks holding the edges the merge brought together
//     (and, for a dangling dependency, on the deleted task, so that it can be restored).
//
// A task with any conflict is left out of `file` and listed in `conflicted` with the two ways to resolve
// it: `ours` is the merged task with our value for every conflicting field (null: ours deleted it), and
// `theirs` the same with theirs. Taking every `ours` (or every `theirs`) yields a graph without the
// conflicts of rule 7, and keeps every change that merged cleanly from either side.

import { findCycles, indexTasks } from "./graph.js";
import { canonicalTask, compareTasks, TASK_KEYS, type Task, type TaskFile } from "./task.js";
import { emitTask, FILE_HEADER } from "./tasks-format.js";

export type ConflictKind = "field" | "id-clash" | "delete-modify" | "cycle" | "dangling-dependency";

export interface Conflict {
  kind: ConflictKind;
  /** The task the conflict is about. */
  id: string;
  title: string;
  /** The conflicting field; null when the whole task is in conflict (id-clash, delete-modify, a deleted dependency). */
  field: string | null;
  /** Values on each side (the field's value, or the whole task); null when absent or deleted. */
  base: unknown;
  ours: unknown;
  theirs: unknown;
  message: string;
  /** For "cycle": the cycle as a closed path of ids. */
  cycle?: string[];
  /** For "dangling-dependency": the id that no longer exists. */
  dependency?: string;
}

/** A task left in conflict, with the two ways to resolve it (null: the task is deleted on that side). */
export interface ConflictedTask {
  id: string;
  ours: Task | null;
  theirs: Task | null;
}

export interface MergeResult {
  /** Every task that merged cleanly, in canonical order. Conflicted tasks are not in it. */
  file: TaskFile;
  conflicts: Conflict[];
  /** One entry per task with a conflict, in canonical order. */
  conflicted: ConflictedTask[];
}

type Side = "ours" | "theirs";

/** Deep equality of JSON-like values (what a parsed task holds). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => sameValue(v, bb[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bk = Object.keys(bo).filter((k) => bo[k] !== undefined);
  return ak.length === bk.length && ak.every((k) => sameValue(ao[k], bo[k]));
}

/** Ids that occur more than once in a file (a file like that cannot be merged by id). */
export function duplicateIds(file: TaskFile): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const t of file.tasks) {
    if (seen.has(t.id)) dup.add(t.id);
    seen.add(t.id);
  }
  return [...dup].sort();
}

function later(a: string, b: string): string {
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  if (Number.isFinite(ta) && Number.isFinite(tb) && ta !== tb) return ta > tb ? a : b;
  return a >= b ? a : b;
}

function mergeDeps(base: string[], ours: string[], theirs: string[]): string[] {
  if (sameValue(ours, base)) return [...theirs];
  if (sameValue(theirs, base)) return [...ours];
  const removed = new Set(base.filter((d) => !ours.includes(d) || !theirs.includes(d)));
  const out = new Set<string>();
  for (const d of [...ours, ...theirs]) if (!removed.has(d)) out.add(d);
  return [...out];
}

function field(t: Task | null | undefined, key: string): unknown {
  const v = t ? (t as unknown as Record<string, unknown>)[key] : undefined;
  return v === undefined ? null : v;
}

function withField(t: Task, key: string, value: unknown): Task {
  const out = { ...t } as unknown as Record<string, unknown>;
  if (value === null || value === undefined) delete out[key];
  else out[key] = value;
  return canonicalTask(out as unknown as Task);
}

/** Field-by-field merge of a task present on all three sides: the merged task and its conflicting fields. */
function mergeTask(b: Task, o: Task, t: Task): { task: Task; fields: string[] } {
  const out: Record<string, unknown> = {};
  const fields: string[] = [];
  for (const key of TASK_KEYS) {
    let v: unknown;
    if (key === "id") v = b.id;
    else if (key === "depends_on") v = mergeDeps(b.depends_on, o.depends_on, t.depends_on);
    else if (key === "updated") v = later(o.updated, t.updated);
    else {
      const bv = field(b, key);
      const ov = field(o, key);
      const tv = field(t, key);
      if (sameValue(ov, bv)) v = tv;
      else if (sameValue(tv, bv) || sameValue(ov, tv)) v = ov;
      else {
        fields.push(key);
        v = ov;
      }
    }
    if (v !== null && v !== undefined) out[key] = v;
  }
  return { task: canonicalTask(out as unknown as Task), fields };
}

function show(v: unknown): string {
  if (v === null || v === undefined) return "(none)";
  if (typeof v === "string") return v;
  if (Array.isArray(v)) return `[${v.join(", ")}]`;
  return JSON.stringify(v);
}

export function mergeTaskFiles(base: TaskFile, ours: TaskFile, theirs: TaskFile): MergeResult {
  const B = indexTasks(base.tasks);
  const O = indexTasks(ours.tasks);
  const T = indexTasks(theirs.tasks);
  const ids = [...new Set([...B.keys(), ...O.keys(), ...T.keys()])].sort();
  const clean = new Map<string, Task>();
  const alts = new Map<string, { ours: Task | null; theirs: Task | null }>();
  const conflicts: Conflict[] = [];
  const titleOf = (id: string) => (O.get(id) ?? T.get(id) ?? B.get(id))?.title ?? "";

  for (const id of ids) {
    const b = B.get(id);
    const o = O.get(id);
    const t = T.get(id);
    if (b === undefined) {
      if (o !== undefined && t !== undefined) {
        if (sameValue(o, t)) clean.set(id, o);
        else {
          alts.set(id, { ours: o, theirs: t });
          conflicts.push({
            kind: "id-clash",
            id,
            title: o.title,
            field: null,
            base: null,
            ours: o,
            theirs: t,
            message:
              o.title === t.title
                ? `added on both sides with the same id and different content`
                : `two different tasks were added with the same id: "${o.title}" (ours) and "${t.title}" (theirs)`,
          });
        }
      } else clean.set(id, (o ?? t)!);
      continue;
    }
    if (o === undefined && t === undefined) continue;
    if (o === undefined || t === undefined) {
      const kept = (o ?? t)!;
      if (sameValue(kept, b)) continue;
      const deleter: Side = o === undefined ? "ours" : "theirs";
      const changer: Side = deleter === "ours" ? "theirs" : "ours";
      alts.set(id, { ours: o ?? null, theirs: t ?? null });
      conflicts.push({
        kind: "delete-modify",
        id,
        title: kept.title,
        field: null,
        base: b,
        ours: o ?? null,
        theirs: t ?? null,
        message: `deleted on ${deleter}, changed on ${changer}`,
      });
      continue;
    }
    const { task, fields } = mergeTask(b, o, t);
    if (fields.length === 0) {
      clean.set(id, task);
      continue;
    }
    let oursAlt = task;
    let theirsAlt = task;
    for (const key of fields) {
      oursAlt = withField(oursAlt, key, field(o, key));
      theirsAlt = withField(theirsAlt, key, field(t, key));
      conflicts.push({
        kind: "field",
        id,
        title: o.title,
        field: key,
        base: field(b, key),
        ours: field(o, key),
        theirs: field(t, key),
        message: `${key} changed on both sides: ours ${show(field(o, key))}, theirs ${show(field(t, key))}`,
      });
    }
    alts.set(id, { ours: oursAlt, theirs: theirsAlt });
  }

  // Rule 7: the graph as it would stand with the conflicts resolved either way.
  const graph = new Map(clean);
  for (const [id, alt] of alts) {
    const a = alt.ours ?? alt.theirs!;
    const deps =
      alt.ours && alt.theirs ? [...new Set([...a.depends_on, ...alt.theirs.depends_on])] : a.depends_on;
    graph.set(id, { ...a, depends_on: deps });
  }
  const edgeOn = (side: ReadonlyMap<string, Task>, from: string, to: string) =>
    side.get(from)?.depends_on.includes(to) ?? false;
  const fromBoth = (from: string, to: string) => edgeOn(O, from, to) && edgeOn(T, from, to);
  /** Edges the merge brought together, by the task holding them. */
  const offending = new Map<string, Set<string>>();
  const mark = (from: string, to: string) => {
    const set = offending.get(from);
    if (set === undefined) offending.set(from, new Set([to]));
    else set.add(to);
  };
  const graphIssues: Array<{
    id: string;
    kind: "cycle" | "dangling-dependency";
    cycle?: string[];
    dep?: string;
  }> = [];
  for (const cycle of findCycles(graph)) {
    const edges: Array<[string, string]> = [];
    for (let i = 0; i + 1 < cycle.length; i++) edges.push([cycle[i]!, cycle[i + 1]!]);
    if (edges.every(([x, y]) => edgeOn(O, x, y)) || edges.every(([x, y]) => edgeOn(T, x, y))) continue;
    for (const [x, y] of edges) {
      if (fromBoth(x, y)) continue;
      mark(x, y);
      graphIssues.push({ id: x, kind: "cycle", cycle });
    }
  }
  const restore = new Set<string>();
  for (const task of graph.values()) {
    for (const dep of task.depends_on) {
      if (graph.has(dep)) continue;
      const before = (side: ReadonlyMap<string, Task>) => edgeOn(side, task.id, dep) && !side.has(dep);
      if (before(O) || before(T)) continue;
      mark(task.id, dep);
      graphIssues.push({ id: task.id, kind: "dangling-dependency", dep });
      if (O.has(dep) || T.has(dep)) restore.add(dep);
    }
  }
  const resolved = new Map<string, { ours: Task | null; theirs: Task | null }>();
  for (const [id, drop] of offending) {
    const alt = alts.get(id) ?? { ours: clean.get(id)!, theirs: clean.get(id)! };
    const trim = (task: Task | null, side: ReadonlyMap<string, Task>): Task | null =>
      task === null
        ? null
        : { ...task, depends_on: task.depends_on.filter((d) => !drop.has(d) || edgeOn(side, id, d)) };
    resolved.set(id, { ours: trim(alt.ours, O), theirs: trim(alt.theirs, T) });
  }
  for (const issue of graphIssues) {
    const alt = resolved.get(issue.id)!;
    const message =
      issue.kind === "cycle"
        ? `the merge closes the dependency cycle ${issue.cycle!.join(" -> ")}`
        : `${issue.id} depends on ${issue.dep}, which ${
            O.has(issue.dep!) ? "theirs" : "ours"
          } deleted ("${titleOf(issue.dep!)}")`;
    const c: Conflict = {
      kind: issue.kind,
      id: issue.id,
      title: titleOf(issue.id),
      field: "depends_on",
      base: field(B.get(issue.id), "depends_on"),
      ours: alt.ours?.depends_on ?? null,
      theirs: alt.theirs?.depends_on ?? null,
      message,
    };
    if (issue.cycle) c.cycle = issue.cycle;
    if (issue.dep) c.dependency = issue.dep;
    conflicts.push(c);
  }
  for (const id of restore) {
    if (resolved.has(id) || alts.has(id)) continue;
    const o = O.get(id) ?? null;
    const t = T.get(id) ?? null;
    resolved.set(id, { ours: o, theirs: t });
    const users = graphIssues.filter((i) => i.dep === id).map((i) => i.id);
    conflicts.push({
      kind: "dangling-dependency",
      id,
      title: titleOf(id),
      field: null,
      base: B.get(id) ?? null,
      ours: o,
      theirs: t,
      message: `deleted on ${o === null ? "ours" : "theirs"}, but ${[...new Set(users)].join(", ")} now depend${
        users.length === 1 ? "s" : ""
      } on it`,
    });
  }
  for (const [id, alt] of resolved) alts.set(id, alt);
  for (const id of alts.keys()) clean.delete(id);

  const conflicted = [...alts].map(([id, alt]) => ({ id, ours: alt.ours, theirs: alt.theirs }));
  conflicted.sort((a, b) => compareTasks((a.ours ?? a.theirs)!, (b.ours ?? b.theirs)!));
  const order = new Map(conflicted.map((c, i) => [c.id, i]));
  conflicts.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
  return {
    file: { version: 1, tasks: [...clean.values()].sort(compareTasks) },
    conflicts,
    conflicted,
  };
}

export const MARKER_OURS = "<<<<<<< ours";
export const MARKER_SEP = "=======";
export const MARKER_THEIRS = ">>>>>>> theirs";

/**
 * The merged file's text: the canonical file when there is no conflict; otherwise the same layout with
 * git-style conflict markers around each conflicted task's two versions (and nothing else).
 */
export function emitMergeResult(result: MergeResult): string {
  const entries: Array<{ key: Task; text: string }> = result.file.tasks.map((t) => ({
    key: t,
    text: emitTask(t),
  }));
  for (const c of result.conflicted) {
    const lines = [MARKER_OURS];
    if (c.ours) lines.push(emitTask(c.ours));
    lines.push(MARKER_SEP);
    if (c.theirs) lines.push(emitTask(c.theirs));
    lines.push(MARKER_THEIRS);
    entries.push({ key: (c.ours ?? c.theirs)!, text: lines.join("\n") });
  }
  entries.sort((a, b) => compareTasks(a.key, b.key));
  const head = `${FILE_HEADER.join("\n")}\nversion: ${result.file.version}\n`;
  if (entries.length === 0) return `${head}tasks: []\n`;
  return `${head}tasks:\n${entries.map((e) => e.text).join("\n\n")}\n`;
}
