// A derived cache of remark's tree of each spec, in .wm/cache/spec-tree-*.json (git-ignored, like every
// cache there), and of the results of its secret scan and `bash -n` runs (spec-tree-*-tools.json). Parsing a 300-line spec with remark and GFM in a fresh process costs more than starting
// Node does (the parser's code runs cold), and most checks read specs that did not change since the last
// one: a check of every spec in planning/specs, a hook, CI, a re-check after fixing the repository.
// Keyed by the spec's exact text (its length and a 64-bit hash) and by the build of the bundle that parsed
// it (the bundle file's inode, size, mtime and ctime: it holds remark, micromark and their GFM extensions),
// so an edited spec or a new parser never meets an old tree. Only the built CLI caches: run from the sources (tests), the build is unknown.
// Best effort, as json-cache.ts: a bad or foreign entry is a miss, an unwritable cache is not written.
// See docs/decisions/0013-spec-check-speed.md.

import { statSync } from "node:fs";
import type { Root } from "mdast";
import { fnv64 } from "../core/hash.js";
import type { SecretHit, ShellCheck } from "../core/spec/repo.js";
import { readCache, writeCache } from "./json-cache.js";
import type { ProjectPaths } from "./paths.js";

let buildId: string | null | undefined;

/** The running bundle's identity, or null when wm runs from its sources. */
function parserBuild(): string | null {
  if (buildId === undefined) {
    buildId = null;
    if (typeof __filename === "string" && __filename.endsWith(".cjs")) {
      try {
        const s = statSync(__filename);
        buildId = `${s.ino}-${s.size}-${s.mtimeMs}-${s.ctimeMs}`;
      } catch {}
    }
  }
  return buildId;
}

function entryName(rel: string): string {
  return `spec-tree-${fnv64(rel)}`;
}

/** The key of a spec's tree: null when nothing may be cached (no .wm/, or not the built CLI). */
export function treeKey(paths: ProjectPaths, text: string): string | null {
  if (paths.uninitialised) return null;
  const build = parserBuild();
  if (build === null) return null;
  return `${build}:${text.length}:${fnv64(text)}`;
}

export function readTree(paths: ProjectPaths, rel: string, key: string): Root | null {
  const tree = readCache<Root>(paths, entryName(rel), key);
  return tree !== null && tree.type === "root" && Array.isArray(tree.children) ? tree : null;
}

export function writeTree(paths: ProjectPaths, rel: string, key: string, tree: Root): void {
  writeCache(paths, entryName(rel), key, tree);
}

/** Results of the spec's external checks, by a hash of what was checked (see services/spec-check.ts). */
export interface ToolResults {
  secrets: Record<string, SecretHit[]>;
  bash: Record<string, ShellCheck>;
}

export function readToolResults(paths: ProjectPaths, rel: string, key: string): ToolResults | null {
  const value = readCache<ToolResults>(paths, `${entryName(rel)}-tools`, key);
  return value !== null && typeof value.secrets === "object" && typeof value.bash === "object" ? value : null;
}

export function writeToolResults(paths: ProjectPaths, rel: string, key: string, value: ToolResults): void {
  writeCache(paths, `${entryName(rel)}-tools`, key, value);
}
