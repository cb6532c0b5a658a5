// A derived cache of each spec's check result (.wm/cache/spec-result-*.json): its findings and score, with
// every question the rules asked the repository and the answer they got (core/spec/recording-repo.ts). A
// later check of the same text, by the same build, with the same tools, may take the findings from here
// only after asking the repository every one of those questions again and getting the same answers: then
// the rules, which are deterministic, would report exactly the same. So a repeated check of an unchanged
// spec runs no rule and builds no model, while any change to a file, directory, commit or glob match the
// spec depends on is seen at once. Best effort, as json-cache.ts. See docs/decisions/0013-spec-check-speed.md.

import type { Diagnostic } from "../core/diagnostics.js";
import { fnv64 } from "../core/hash.js";
import type { RepoQuery } from "../core/spec/recording-repo.js";
import { readCache, writeCache } from "./json-cache.js";
import type { ProjectPaths } from "./paths.js";

export interface CheckResult {
  score: number;
  findings: Diagnostic[];
  queries: RepoQuery[];
}

const entryName = (rel: string) => `spec-result-${fnv64(rel)}`;

/**
 * The key of a spec's result: the tree's key (the spec's text, the markdown parser's build:
 * spec-tree-cache.ts treeKey), the tools' key (the running build, the secret scanner's build, bash:
 * toolsKey), the issue the check assumes and the SQL parser's identity. null when nothing may be cached.
 */
export function resultKey(
  treeKey: string | null,
  toolsKey: string | null,
  issue: number | null,
  sqlParser: string | null,
): string | null {
  if (treeKey === null || toolsKey === null || sqlParser === null) return null;
  return `result-v1|${treeKey}|${toolsKey}|issue:${issue ?? "-"}|sql:${sqlParser}`;
}

export function readResult(paths: ProjectPaths, rel: string, key: string): CheckResult | null {
  const value = readCache<CheckResult>(paths, entryName(rel), key);
  if (value === null || typeof value !== "object") return null;
  if (!Number.isInteger(value.score) || !Array.isArray(value.findings) || !Array.isArray(value.queries))
    return null;
  // Findings are printed as they are: anything but a finding makes the entry a miss.
  const finding = (d: unknown) =>
    typeof d === "object" &&
    d !== null &&
    typeof (d as Diagnostic).rule === "string" &&
    typeof (d as Diagnostic).message === "string" &&
    typeof (d as Diagnostic).severity === "string";
  return value.findings.every(finding) ? value : null;
}

export function writeResult(paths: ProjectPaths, rel: string, key: string, value: CheckResult): void {
  writeCache(paths, entryName(rel), key, value);
}
