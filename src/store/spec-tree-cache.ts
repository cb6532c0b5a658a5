// A derived cache of remark's tree of each spec, in .wm/cache/spec-tree-*.json (git-ignored, like every
// cache there), and of the results of its secret scan and `bash -n` runs (spec-tree-*-tools.json). Parsing a
// 300-line spec with remark and GFM in a fresh process costs more than starting Node does (the parser's code
// runs cold), and most checks read specs that did not change since the last one: a check of every spec in
// planning/specs, a hook, CI, a re-check after fixing the repository.
// The tree is keyed by the spec's exact text (its length and a 64-bit hash) and by the build of the parser
// that made it: the identity of dist/lib/markdown.cjs (inode, size, mtime, ctime), the bundle holding remark,
// micromark and their GFM extensions, whichever command bundle ran it (spec check, mcp). The tool results
// are keyed by the spec's text, the secret scanner's bundle (dist/lib/secrets.cjs), the running bundle (which
// runs `bash -n` and reads its answer) and the bash found on PATH. So an edited spec, a new parser, scanner
// or bash never meets an old answer, and neither bundle is loaded to find out. Only the built CLI caches: run
// from the sources (tests), the build is unknown.
// The entry keeps the spec's text beside its tree: after an edit, the previous text and tree let
// core/spec/incremental.ts re-parse only the edited sections (only when the same parser build made them).
// Best effort, as json-cache.ts: a bad or foreign entry is a miss, an unwritable cache is not written.
// See docs/decisions/0013-spec-check-speed.md.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Root } from "mdast";
import { fnv64 } from "../core/hash.js";
import type { SecretHit, ShellCheck } from "../core/spec/repo.js";
import { bundleIdentity } from "../lib/bundles.js";
import { readCache, writeCache } from "./json-cache.js";
import type { ProjectPaths } from "./paths.js";

function entryName(rel: string): string {
  return `spec-tree-${fnv64(rel)}`;
}

/** The key of a spec's tree: null when nothing may be cached (no .wm/, or not the built CLI). */
export function treeKey(paths: ProjectPaths, text: string): string | null {
  if (paths.uninitialised) return null;
  const parser = bundleIdentity("markdown");
  if (parser === null) return null;
  return `${parser}:${text.length}:${fnv64(text)}`;
}

/**
 * The key of a spec's tool results (`bash` is services/spec-tools.ts bashIdentity()): null when nothing may
 * be cached (no .wm/, not the built CLI, no bash on PATH).
 */
export function toolsKey(paths: ProjectPaths, bash: string | null): string | null {
  if (paths.uninitialised || bash === null) return null;
  const scanner = bundleIdentity("secrets");
  const running = bundleIdentity("running");
  if (scanner === null || running === null) return null;
  // Not the spec's text: each answer is kept by a hash of what was checked (a script, the text scanned),
  // so after an edit the blocks that did not change are not run through bash again.
  return `secrets:${scanner}|run:${running}|${bash}`;
}

/** A spec's cached tree, with the text it is the tree of and that text's key (treeKey). */
export interface CachedTree {
  key: string;
  text: string;
  tree: Root;
}

/**
 * The spec's cached tree, whichever text it is of: null when there is none, it is damaged, or its key is not
 * treeKey() of its own text now (another parser build made it, or nothing may be cached).
 */
export function readTreeEntry(paths: ProjectPaths, rel: string): CachedTree | null {
  if (paths.uninitialised) return null;
  let doc: { key?: unknown; value?: { text?: unknown; tree?: Root } };
  try {
    doc = JSON.parse(readFileSync(join(paths.wmDir, "cache", `${entryName(rel)}.json`), "utf8"));
  } catch {
    return null;
  }
  const { key, value } = doc ?? {};
  const tree = value?.tree;
  const text = value?.text;
  if (typeof key !== "string" || typeof text !== "string") return null;
  if (tree?.type !== "root" || !Array.isArray(tree.children)) return null;
  return treeKey(paths, text) === key ? { key, text, tree } : null;
}

/** The tree of exactly `text` (whose key is `key`), or null. */
export function readTree(paths: ProjectPaths, rel: string, key: string, text: string): Root | null {
  const entry = readTreeEntry(paths, rel);
  return entry !== null && entry.key === key && entry.text === text ? entry.tree : null;
}

export function writeTree(paths: ProjectPaths, rel: string, key: string, text: string, tree: Root): void {
  writeCache(paths, entryName(rel), key, { text, tree });
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
