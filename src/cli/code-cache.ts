// Loads a big command bundle (dist/commands/spec-check.cjs: remark, micromark, secretlint, ~300 KB) with a
// V8 code cache, so that a cold `wm spec check` neither compiles the bundle nor the functions it runs.
// Node 20 has no module.enableCompileCache (22+), hence vm.Script with cachedData. The cache is written
// once, at exit of the first run, after the command ran: it then holds the bytecode of every function that
// run compiled, not only the top level. Keyed by the bundle file's identity (inode, size, mtime, ctime: a
// rebuild or a reinstall writes a new file; hashing 300 KB would cost ~5 ms a run, node:crypto alone ~6 ms),
// the Node version, the architecture and Node's flags; V8 itself also checks its version, its flags and the
// source's length. Kept in a directory of the user's own under os.tmpdir(). Anything unexpected (no cache
// yet, a rejected or foreign cache, an unwritable directory) falls back silently.
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
import { dirname, join } from "node:path";
import { Script } from "node:vm";
import { fnv64 } from "../core/hash.js";
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
    const same = readdirSync(dir)
      .filter((f) => f.startsWith(`${name}-`) && f.endsWith(".bin"))
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
  if (typeof __filename !== "string" || !__filename.endsWith(".cjs")) return fallback();
  const file = join(dirname(__filename), "commands", `${name}.cjs`);
  let source: string;
  try {
    source = readFileSync(file, "utf8");
  } catch {
    return fallback();
  }
  // A real import() would need a dynamic-import callback that vm.Script does not have.
  if (/\bimport\(/.test(source)) return fallback();
  const dir = cacheDir();
  let id: string;
  try {
    const st = statSync(file);
    id = `${process.version}-${process.arch}-${st.ino}-${st.size}-${st.mtimeMs}-${st.ctimeMs}`;
  } catch {
    return fallback();
  }
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
  const req = createRequire(__filename);
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
    return req(resolved) as M;
  } finally {
    if (own === undefined) delete extensions[".cjs"];
    else extensions[".cjs"] = own;
  }
}
