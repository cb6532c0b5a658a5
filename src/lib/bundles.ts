// Where the built CLI keeps its bundles, and a bundle file's identity for cache keys. dist/ holds wm.cjs and
// hook.cjs, dist/commands/ one bundle per command, dist/lib/ the libraries loaded on first use (markdown.cjs,
// secrets.cjs: scripts/build.mjs). Run from the sources (tests), there is no bundle: null.

import { statSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/** The library bundles of dist/lib/. */
export type LibName = "markdown" | "secrets";

/** dist/, from the running bundle's own file; null when wm runs from its sources. */
export function distDir(): string | null {
  if (typeof __filename !== "string" || !__filename.endsWith(".cjs")) return null;
  const dir = dirname(__filename);
  const name = basename(dir);
  return name === "commands" || name === "lib" ? dirname(dir) : dir;
}

/** dist/lib/<name>.cjs, or null when wm runs from its sources. */
export function libFile(name: LibName): string | null {
  const dist = distDir();
  return dist === null ? null : join(dist, "lib", `${name}.cjs`);
}

/**
 * A file's identity: inode, size, mtime and ctime. A rebuild or a reinstall writes a new file, so a new
 * identity (hashing a 300 KB bundle would cost ~5 ms a run). null when it cannot be read.
 */
export function fileIdentity(file: string): string | null {
  try {
    const s = statSync(file);
    return `${s.ino}-${s.size}-${s.mtimeMs}-${s.ctimeMs}`;
  } catch {
    return null;
  }
}

const known = new Map<string, string | null>();

/** The identity of the running bundle (`running`) or of a library bundle, once a process; null from sources. */
export function bundleIdentity(which: LibName | "running"): string | null {
  let id = known.get(which);
  if (id === undefined) {
    const file = which === "running" ? (distDir() === null ? null : __filename) : libFile(which);
    id = file === null ? null : fileIdentity(file);
    known.set(which, id);
  }
  return id;
}
