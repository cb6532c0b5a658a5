// Loads a big bundle with a V8 code cache, so that a cold run neither compiles the bundle nor the functions
// it runs: command bundles (`wm spec check`, the hooks) and the library bundles of dist/lib/ (the markdown
// parser, secretlint), which the build maps their dynamic imports to (requireLib, scripts/build.mjs).
// Node 20 has no module.enableCompileCache (22+), hence vm.Script with cachedData. The cache is written
// once, at exit of the first run, after the command ran: it then holds the bytecode of every function that
// run compiled, not only the top level. One cache file per bundle and cache name, keyed by the bundle
// file's identity (inode, size, mtime, ctime: a rebuild or a reinstall writes a new file; hashing 300 KB
// would cost ~5 ms a run, node:crypto alone ~6 ms), the Node version, the architecture and Node's flags; V8
// itself also checks its version, its flags and the source's length. Kept in a directory of the user's own
// under os.tmpdir(). Anything unexpected (no cache yet, a rejected or foreign cache, an unwritable
// directory) falls back silently.
// See docs/decisions/0013-spec-check-speed.md.

import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { Script } from "node:vm";
import { fnv64 } from "../core/hash.js";
import { distDir, type LibName, libFile } from "../lib/bundles.js";
import type { Command } from "./command.js";

type CommandModule = { default: Command };
type Handler = (module: NodeModule, filename: string) => void;

/** Caches kept per bundle (several builds or Node versions may be in use on one machine). */
const KEEP = 6;

/**
 * The cache directory (WM_CODE_CACHE_DIR, else os.tmpdir()/wm-code-cache-<uid>), when it is ours alone:
 * created 0700, owned by this user, writable by nobody else. Else null: no cache.
 */
function cacheDir(): string | null {
  const uid = typeof process.getuid === "function" ? process.getuid() : null;
  if (uid === null) return null;
  const dir = process.env.WM_CODE_CACHE_DIR || join(tmpdir(), `wm-code-cache-${uid}`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const s = statSync(dir);
    return s.isDirectory() && s.uid === uid && (s.mode & 0o077) === 0 ? dir : null;
  } catch {
    return null;
  }
}

/** Reads a cache file only if this user wrote it and nobody else can have. */
function readOwn(file: string): Buffer | undefined {
  try {
    const s = statSync(file);
    if (s.uid !== process.getuid?.() || (s.mode & 0o022) !== 0) return undefined;
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

function writeCache(dir: string, name: string, file: string, data: Buffer): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, data, { mode: 0o600 });
    renameSync(tmp, file);
    // Keep the newest few caches of this bundle (other builds, other Node versions), drop the rest.
    // `<name>-<16 hex digits>.bin`: not the caches of another name that starts alike (hook, hook-<event>).
    const same = readdirSync(dir)
      .filter((f) => f.startsWith(`${name}-`) && f.endsWith(".bin") && f.length === name.length + 21)
      .map((f) => ({ f, t: statSync(join(dir, f)).mtimeMs }))
      .sort((a, b) => b.t - a.t);
    for (const { f } of same.slice(KEEP)) unlinkSync(join(dir, f));
  } catch {
    try {
      unlinkSync(tmp);
    } catch {}
  }
}

/**
 * Requires the CommonJS bundle `file` through vm.Script with the code cache `cacheName`. undefined when it
 * cannot (the file is unreadable, or holds a real import(), which would need a dynamic-import callback that
 * vm.Script does not have): the caller falls back to a plain load.
 */
function requireCached(file: string, cacheName: string): { exports: unknown } | undefined {
  let source: string;
  let id: string;
  try {
    source = readFileSync(file, "utf8");
    const st = statSync(file);
    id = `${process.version}-${process.arch}-${st.ino}-${st.size}-${st.mtimeMs}-${st.ctimeMs}`;
  } catch {
    return undefined;
  }
  if (/\bimport\(/.test(source)) return undefined;
  const dir = cacheDir();
  const hash = fnv64(`${id}-${process.execArgv.join(" ")}`);
  const cacheFile = dir === null ? null : join(dir, `${cacheName}-${hash}.bin`);
  const cachedData = cacheFile === null ? undefined : readOwn(cacheFile);
  // The same wrapper as Node's CommonJS loader, on the same line, so positions in stack traces hold.
  const script = new Script(
    `(function (exports, require, module, __filename, __dirname) { ${source}\n})`,
    cachedData === undefined ? { filename: file } : { filename: file, cachedData },
  );
  if (dir !== null && cacheFile !== null && (cachedData === undefined || script.cachedDataRejected)) {
    process.once("exit", () => {
      try {
        writeCache(dir, cacheName, cacheFile, script.createCachedData());
      } catch {}
    });
  }
  // Through Node's own loader (require.cache, Module._load), with the compile step swapped for this one.
  // Node 20 has no .cjs handler of its own (.cjs files go to the .js one).
  const req = createRequire(file);
  const resolved = req.resolve(file);
  const extensions = req.extensions as Record<string, Handler | undefined>;
  const own = extensions[".cjs"];
  const plain = own ?? extensions[".js"]!;
  extensions[".cjs"] = function (this: unknown, module: NodeModule, filename: string) {
    if (filename !== resolved) return plain.call(this, module, filename);
    const run = script.runInThisContext() as (
      exports: unknown,
      require: NodeJS.Require,
      module: NodeModule,
      filename: string,
      dirname: string,
    ) => void;
    run.call(module.exports, module.exports, createRequire(filename), module, filename, dirname(filename));
  };
  try {
    return { exports: req(resolved) };
  } finally {
    if (own === undefined) delete extensions[".cjs"];
    else extensions[".cjs"] = own;
  }
}

/**
 * Runs `dist/commands/<name>.cjs` as CommonJS through vm.Script with a code cache. Outside the built CLI
 * (tests run the sources) or when the bundle cannot be read, `fallback` (the plain import) is used.
 * `cacheName` (default `name`) names the cache: a bundle whose runs take different paths (the hook's
 * events) keeps one per path, each holding the functions that path compiles.
 */
export async function loadWithCodeCache<M = CommandModule>(
  name: string,
  fallback: () => Promise<M>,
  cacheName: string = name,
): Promise<M> {
  // Only the built CLI is a CommonJS bundle beside its commands/ directory.
  const dist = distDir();
  if (dist === null) return fallback();
  const loaded = requireCached(join(dist, "commands", `${name}.cjs`), cacheName);
  return loaded === undefined ? fallback() : (loaded.exports as M);
}

/**
 * The library bundle dist/lib/<name>.cjs, through a code cache of its own per command that loads it
 * (`lib-<name>.<command>`): `wm spec new` parses an issue's few lines, `wm spec check` a whole spec, and a
 * cache written by the first holds too few of the functions the second runs (measured ~6 ms slower).
 * Only the built CLI calls this: scripts/build.mjs maps every `import("…/lib/<name>.js")` of the sources to it.
 */
export function requireLib(name: LibName): unknown {
  const file = libFile(name);
  if (file === null) throw new Error(`wm: the library bundle ${name} exists only in the built CLI`);
  const loaded = requireCached(file, `lib-${name}.${basename(__filename, ".cjs")}`);
  return loaded === undefined ? createRequire(file)(file) : loaded.exports;
}
