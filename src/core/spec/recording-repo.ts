// Every question the spec rules ask the repository, with its answer: the proof behind the result cache of
// `wm spec check` (src/store/spec-result-cache.ts). The rules are deterministic: given the same model (the
// spec's text and wm's build), the same tool answers (keyed like the model: the scanner's build, bash, the
// SQL parser's version) and the same answer to every repository question they ask, they ask the same
// questions and report the same findings. So a check whose recorded questions all get the same answers
// again may reuse its findings without running a rule.

import { fnv64 } from "../hash.js";
import type { SpecRepo } from "./repo.js";

type Method =
  | "hasFile"
  | "hasDir"
  | "lineCount"
  | "glob"
  | "commitExists"
  | "listDir"
  | "withBasename"
  | "symlinkEscapes";

const METHODS: readonly Method[] = [
  "hasFile",
  "hasDir",
  "lineCount",
  "glob",
  "commitExists",
  "listDir",
  "withBasename",
  "symlinkEscapes",
];

/**
 * One question and its answer: [method, argument, answer]. An answer longer than LONG_ANSWER characters of
 * JSON (a glob matching thousands of files) is kept as its digest, so that a cache entry stays small.
 */
export type RepoQuery = [Method, string, unknown];

const LONG_ANSWER = 1024;

/** The answer as recorded: itself, or `{ digest }` of its JSON when that is long. */
function recorded(answer: unknown): unknown {
  const json = JSON.stringify(answer) ?? "null";
  return json.length > LONG_ANSWER ? { digest: `${json.length}:${fnv64(json)}` } : answer;
}

/** A repository that records every distinct question and its first answer, in asking order. */
export function recordingRepo(repo: SpecRepo): { repo: SpecRepo; queries: RepoQuery[] } {
  const queries: RepoQuery[] = [];
  const seen = new Set<string>();
  const wrapped = {} as Record<Method, (arg: string) => unknown>;
  for (const m of METHODS) {
    const fn = repo[m].bind(repo) as (arg: string) => unknown;
    wrapped[m] = (arg: string) => {
      const answer = fn(arg);
      const key = `${m}\0${arg}`;
      if (!seen.has(key)) {
        seen.add(key);
        queries.push([m, arg, recorded(answer)]);
      }
      return answer;
    };
  }
  return { repo: wrapped as unknown as SpecRepo, queries };
}

/** The commits the queries asked about (to ask git about them in one batch before sameAnswers). */
export function askedCommits(queries: readonly RepoQuery[]): string[] {
  return queries.filter((q) => q[0] === "commitExists").map((q) => q[1]);
}

/** Whether every recorded question gets the same answer from `repo` now (stops at the first that does not). */
export function sameAnswers(queries: readonly RepoQuery[], repo: SpecRepo): boolean {
  for (const q of queries) {
    if (!Array.isArray(q) || q.length !== 3 || !METHODS.includes(q[0]) || typeof q[1] !== "string")
      return false;
    const now = recorded((repo[q[0]] as (a: string) => unknown).call(repo, q[1]));
    if (JSON.stringify(now) !== JSON.stringify(q[2])) return false;
  }
  return true;
}
