// An in-memory SpecRepo for unit tests of the spec rules: files given as path -> line count.
import picomatch from "picomatch";
import type { CheckEnv, SpecRepo } from "../../src/core/spec/repo.js";
import { TASKS_CREATE_OPTIONS } from "../../src/core/task-options.js";
import { specTools } from "../../src/services/spec-tools.js";
import { parseIssue, parseType } from "../../src/services/tasks.js";

export function memoryRepo(
  files: Record<string, number>,
  opts: { commits?: string[]; symlinksOut?: string[] } = {},
): SpecRepo {
  const list = Object.keys(files);
  const dirs = new Set<string>([""]);
  for (const f of list) {
    const parts = f.split("/");
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join("/"));
  }
  const commits = opts.commits ?? [];
  const out = opts.symlinksOut ?? [];
  const escapes = (p: string) => out.some((l) => p === l || p.startsWith(`${l}/`));
  return {
    hasFile: (p) => p in files,
    hasDir: (p) => dirs.has(p.replace(/\/$/, "")),
    lineCount: (p) => (escapes(p) ? null : (files[p] ?? null)),
    glob: (pattern) => {
      const m = picomatch(pattern, { dot: true, basename: !pattern.includes("/") });
      return list.filter((f) => m(f));
    },
    commitExists: (sha) => commits.some((c) => c.startsWith(sha)),
    listDir: (p) => {
      const prefix = p === "" ? "" : `${p.replace(/\/$/, "")}/`;
      return [
        ...new Set(
          list.filter((f) => f.startsWith(prefix)).map((f) => f.slice(prefix.length).split("/")[0]!),
        ),
      ].sort();
    },
    withBasename: (name) => list.filter((f) => f.split("/").pop() === name),
    symlinkEscapes: escapes,
  };
}

export function checkEnv(repo: SpecRepo, issue: number | null = null): CheckEnv {
  return {
    repo,
    tools: specTools(),
    taskArgs: { options: TASKS_CREATE_OPTIONS, parseType, parseIssue: (v) => parseIssue(v) },
    issue,
  };
}
