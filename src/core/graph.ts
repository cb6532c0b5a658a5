// The dependency graph of tasks: cycle search, readiness, and the structural check. Pure.
// An edge "a depends on b" means b must be resolved (done or cancelled) before a is ready.

import type { Diagnostic } from "./diagnostics.js";
import { isOpen, isResolved, type Task, type TaskStatus, type TaskType } from "./task.js";

/** What the graph algorithms need of a task: a Task has it, and so does the index's light skeleton. */
export interface GraphNode {
  id: string;
  status: TaskStatus;
  type: TaskType;
  depends_on: string[];
  parent?: string;
  title?: string;
}

export type TaskIndex<T extends GraphNode = Task> = ReadonlyMap<string, T>;

export function indexTasks<T extends GraphNode>(tasks: readonly T[]): Map<string, T> {
  const index = new Map<string, T>();
  for (const t of tasks) index.set(t.id, t);
  return index;
}

/**
 * If making `from` depend on `to` would close a cycle, returns the cycle as a list of ids starting and
 * ending with `from` (from -> to -> ... -> from). Otherwise null.
 */
export function cycleIfAdded(index: TaskIndex<GraphNode>, from: string, to: string): string[] | null {
  if (from === to) return [from, from];
  // Search from `to` along depends_on edges for `from`, remembering how we got to each node.
  const cameFrom = new Map<string, string>();
  const stack = [to];
  const seen = new Set([to]);
  while (stack.length > 0) {
    const id = stack.pop()!;
    for (const dep of index.get(id)?.depends_on ?? []) {
      if (seen.has(dep)) continue;
      seen.add(dep);
      cameFrom.set(dep, id);
      if (dep === from) {
        const path = [from];
        let at = from;
        while (at !== to) {
          at = cameFrom.get(at)!;
          path.push(at);
        }
        // path is from <- ... <- to reversed; turn it into from -> to -> ... -> from
        return [from, ...path.slice(1).reverse(), from];
      }
      stack.push(dep);
    }
  }
  return null;
}

/** Every elementary cycle found by a depth-first search (one per back edge), each as a closed path. */
export function findCycles(index: TaskIndex<GraphNode>): string[][] {
  const state = new Map<string, 1 | 2>(); // 1 on stack, 2 finished
  const cycles: string[][] = [];
  const ids = [...index.keys()].sort();
  for (const root of ids) {
    if (state.has(root)) continue;
    // Iterative DFS keeping the current path.
    const path: string[] = [];
    const iters: Array<Iterator<string>> = [];
    const enter = (id: string) => {
      state.set(id, 1);
      path.push(id);
      // A dependency listed twice must not report the same back edge twice.
      iters.push(new Set(index.get(id)?.depends_on ?? [])[Symbol.iterator]());
    };
    enter(root);
    while (iters.length > 0) {
      const next = iters[iters.length - 1]!.next();
      if (next.done) {
        state.set(path.pop()!, 2);
        iters.pop();
        continue;
      }
      const dep = next.value;
      if (!index.has(dep)) continue;
      const s = state.get(dep);
      if (s === undefined) enter(dep);
      else if (s === 1) cycles.push([...path.slice(path.indexOf(dep)), dep]);
    }
  }
  return cycles;
}

/** The open children of each task, by parent id. */
export function childrenOf<T extends GraphNode>(index: TaskIndex<T>): Map<string, T[]> {
  const children = new Map<string, T[]>();
  for (const t of index.values()) {
    if (t.parent === undefined) continue;
    const list = children.get(t.parent);
    if (list === undefined) children.set(t.parent, [t]);
    else list.push(t);
  }
  return children;
}

export interface NotReadyReason {
  id: string;
  reasons: string[];
}

/**
 * Why a task is not ready, or [] when it is. Ready means: pending, every dependency resolved, and for an
 * epic, every child resolved too (an epic is "ready" when all that is left is to close it).
 */
export function blockers<T extends GraphNode>(
  task: T,
  index: TaskIndex<T>,
  children?: Map<string, T[]>,
): string[] {
  const reasons: string[] = [];
  if (task.status !== "pending") reasons.push(`status is ${task.status}`);
  for (const dep of task.depends_on) {
    const d = index.get(dep);
    if (d === undefined) reasons.push(`depends on ${dep}, which does not exist`);
    else if (!isResolved(d.status))
      reasons.push(`waits for ${dep} (${d.status})${d.title ? `: ${d.title}` : ""}`);
  }
  if (task.type === "epic") {
    const open = (children ?? childrenOf(index)).get(task.id)?.filter((c) => isOpen(c.status)) ?? [];
    if (open.length > 0)
      reasons.push(`epic has ${open.length} open child task${open.length === 1 ? "" : "s"}`);
  }
  return reasons;
}

/** Pending tasks whose dependencies are all resolved, in the order given (the file's stable order). */
export function readyTasks<T extends GraphNode>(
  tasks: readonly T[],
  index: TaskIndex<T> = indexTasks(tasks),
): T[] {
  const children = childrenOf(index);
  const ready: T[] = [];
  for (const t of tasks) {
    if (t.status !== "pending") continue;
    if (blockers(t, index, children).length === 0) ready.push(t);
  }
  return ready;
}

/** Ids of the tasks that list `id` as a dependency. */
export function dependentsOf<T extends GraphNode>(index: TaskIndex<T>, id: string): T[] {
  const out: T[] = [];
  for (const t of index.values()) if (t.depends_on.includes(id)) out.push(t);
  return out;
}

/** The structural check behind `wm tasks check`. */
export function checkGraph(tasks: readonly Task[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const index = new Map<string, Task>();
  for (const t of tasks) {
    if (index.has(t.id)) {
      out.push({
        severity: "error",
        rule: "task/duplicate-id",
        message: `two tasks have the id ${t.id}`,
        tasks: [t.id],
        fix: "give one of them a new id (ids are random, so this usually comes from a copy-paste or a bad merge)",
      });
    }
    index.set(t.id, t);
  }
  for (const t of tasks) {
    for (const dep of t.depends_on) {
      if (!index.has(dep)) {
        out.push({
          severity: "error",
          rule: "task/dangling-dependency",
          message: `${t.id} depends on ${dep}, which does not exist`,
          tasks: [t.id],
          fix: `wm tasks dep rm ${t.id} ${dep}`,
        });
      } else if (
        t.status === "done" &&
        index.get(dep)!.status !== "done" &&
        index.get(dep)!.status !== "cancelled"
      ) {
        out.push({
          severity: "error",
          rule: "task/done-before-dependency",
          message: `${t.id} is done but its dependency ${dep} is ${index.get(dep)!.status}`,
          tasks: [t.id, dep],
          fix: `finish ${dep}, or \`wm tasks reopen ${t.id}\``,
        });
      }
    }
    if (new Set(t.depends_on).size !== t.depends_on.length) {
      out.push({
        severity: "warning",
        rule: "task/duplicate-dependency",
        message: `${t.id} lists the same dependency more than once`,
        tasks: [t.id],
      });
    }
    if (t.parent !== undefined) {
      const p = index.get(t.parent);
      if (p === undefined) {
        out.push({
          severity: "error",
          rule: "task/dangling-parent",
          message: `${t.id} has parent ${t.parent}, which does not exist`,
          tasks: [t.id],
        });
      }
    }
    if (t.type === "verify" && t.status === "done" && t.evidence === undefined) {
      out.push({
        severity: "error",
        rule: "task/verify-without-evidence",
        message: `verify task ${t.id} is done without evidence`,
        tasks: [t.id],
        fix: `wm tasks reopen ${t.id}, then wm tasks done ${t.id} --evidence "..." or --evidence-cmd "..."`,
      });
    }
  }
  const children = childrenOf(index);
  for (const t of tasks) {
    if (t.type !== "epic" || t.status !== "done") continue;
    const open = (children.get(t.id) ?? []).filter((c) => isOpen(c.status));
    if (open.length > 0) {
      out.push({
        severity: "error",
        rule: "task/epic-done-with-open-children",
        message: `epic ${t.id} is done but ${open.length} child task${open.length === 1 ? " is" : "s are"} open: ${open
          .map((c) => c.id)
          .join(", ")}`,
        tasks: [t.id, ...open.map((c) => c.id)],
        fix: `wm tasks reopen ${t.id}`,
      });
    }
  }
  for (const cycle of findCycles(index)) {
    out.push({
      severity: "error",
      rule: "task/cycle",
      message: `dependency cycle: ${cycle.join(" -> ")}`,
      tasks: cycle.slice(0, -1),
      fix: `remove one edge, e.g. wm tasks dep rm ${cycle[0]} ${cycle[1]}`,
    });
  }
  // Parent chains must not loop either.
  for (const t of tasks) {
    const seen = new Set<string>([t.id]);
    let at = t.parent;
    while (at !== undefined && index.has(at)) {
      if (seen.has(at)) {
        if (at === t.id) {
          out.push({
            severity: "error",
            rule: "task/parent-cycle",
            message: `${t.id} is its own ancestor through parent links`,
            tasks: [t.id],
          });
        }
        break;
      }
      seen.add(at);
      at = index.get(at)!.parent;
    }
  }
  return out;
}
