// A small derived cache in .wm/cache/ for what the hook path needs from YAML files (the config, mode
// files): the parsed value as JSON, keyed by the stat of every source file (inode, size, mtime, ctime,
// as in tasks-index.ts). A hit costs a few stat calls and one small JSON read; YAML and zod are loaded
// only on a miss. Best effort: an unwritable cache is simply not written, a bad one is a miss.

import { mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ProjectPaths } from "./paths.js";

/** A file's stat key (as tasks-index.ts fileKey), or "-" when it does not exist. Never throws for a missing file. */
export function statKey(path: string): string {
  try {
    const s = statSync(path, { bigint: true, throwIfNoEntry: false });
    return s === undefined ? "-" : `${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
  } catch {
    return "-";
  }
}

/** The combined key of some source files; a missing file counts as "-", so creating it is a change. */
export function sourcesKey(files: readonly string[]): string {
  return files.map(statKey).join("|");
}

function cachePath(paths: ProjectPaths, name: string): string {
  return join(paths.wmDir, "cache", `${name}.json`);
}

export function readCache<T>(paths: ProjectPaths, name: string, key: string): T | null {
  try {
    const doc = JSON.parse(readFileSync(cachePath(paths, name), "utf8")) as { key?: unknown; value?: T };
    return doc.key === key && doc.value !== undefined ? doc.value : null;
  } catch {
    return null;
  }
}

export function writeCache(paths: ProjectPaths, name: string, key: string, value: unknown): void {
  const dir = join(paths.wmDir, "cache");
  const tmp = join(dir, `${name}.json.${process.pid}.tmp`);
  try {
    mkdirSync(dir, { recursive: true });
    try {
      writeFileSync(join(dir, ".gitignore"), "*\n", { flag: "wx" });
    } catch {}
    writeFileSync(tmp, JSON.stringify({ key, value }));
    renameSync(tmp, cachePath(paths, name));
  } catch {
    try {
      unlinkSync(tmp);
    } catch {}
  }
}

/**
 * The value derived from `sources`: from the cache when its key matches their stat, else computed (and
 * stored if the sources did not change meanwhile).
 */
export async function cached<T>(
  paths: ProjectPaths,
  name: string,
  sources: readonly string[],
  compute: () => Promise<T>,
): Promise<T> {
  const key = sourcesKey(sources);
  const hit = readCache<T>(paths, name, key);
  if (hit !== null) return hit;
  const value = await compute();
  if (sourcesKey(sources) === key) writeCache(paths, name, key, value);
  return value;
}
