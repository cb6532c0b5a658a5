// Which commits a spec names are known to exist, kept in .wm/cache/commits.json so that a repeated
// `wm spec check` need not start `git cat-file` (~5 ms) to learn again that they do. Only "yes" answers
// are kept, and only in a form that can be proved still true at a glance:
//
// - an object's id never changes its content, so a commit whose object is still there is still a commit;
//   one that existed goes away only when a history rewrite is followed by gc or prune, which delete its
//   loose file or the pack holding it;
// - "L" entries were loose objects: valid while .git/objects/xx/yyyy... exists;
// - "P" entries were in a pack: valid while .git/objects/pack is unchanged (a pack is never edited, only
//   added or deleted, and either changes the directory). Recorded only when neither that directory nor the
//   object's loose directory (.git/objects/xx) changed while git was asked nor in the 2 s before (coarse
//   timestamps): else a loose object pruned meanwhile could pass for a packed one;
// - only a commit named by its own id or a prefix of it (a tag's id peels to another object), never an
//   ambiguous prefix, and nothing at all where git could find objects elsewhere or answer for another
//   object: alternates, replace refs (loose or packed, or a reftable we cannot read), variables pointing
//   git elsewhere, no .wm/. Anything unproved is asked of git, as without the cache.
// See docs/decisions/0013-spec-check-speed.md.

import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { cacheable } from "./file-list-cache.js";
import { readCache, statKey, writeCache } from "./json-cache.js";
import type { ProjectPaths } from "./paths.js";

const NAME = "commits";
const FORMAT = "1";
/** Pack directory changes this recent make a "P" entry unfit to record (as file-list-cache.ts RACY_MS). */
const RACY_MS = 2000;
/** Entries kept at most; the oldest go first. */
const MAX_ENTRIES = 2000;
/** A full object id, SHA-1 or SHA-256. */
const OID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
/** Variables that make git read objects or replacements from elsewhere (GIT_DIR-like ones: cacheable()). */
const OBJECT_ENV = /^GIT_(NO_REPLACE_OBJECTS|REPLACE_REF_BASE|ALTERNATE_OBJECT_DIRECTORIES)$/;

interface Stored {
  /** .git/objects/pack's stat key when the "P" entries were recorded. */
  pack: string;
  /** .git/packed-refs' stat key when it was last read and held no replace ref. */
  refs: string;
  /** Lower-case name as the spec wrote it -> [the commit's full id, "L" | "P"]. */
  entries: Record<string, [string, "L" | "P"]>;
}

/** Something is at the path (or it cannot be told: then it counts as there, for the guards). */
function maybeThere(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false }) !== undefined;
  } catch {
    return true;
  }
}

/** The directory holds something (or it cannot be told); false when it is missing or empty. */
function notEmpty(dir: string): boolean {
  try {
    return readdirSync(dir).length > 0;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== "ENOENT";
  }
}

/** A file is certainly at the path. */
function isFile(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isFile() === true;
  } catch {
    return false;
  }
}

/** The stat key of a directory when it is still `key` and did not change at or after `limit` (ms); else null. */
function stable(dir: string, key: string, limit: number): string | null {
  try {
    const s = statSync(dir, { throwIfNoEntry: false });
    if (s !== undefined && (s.mtimeMs >= limit || s.ctimeMs >= limit)) return null;
    const now = statKey(dir);
    return now === key ? now : null;
  } catch {
    return null;
  }
}

interface Before {
  t0: number;
  /** Stat keys of .git/objects/pack and of each .git/objects/xx the names point into. */
  pack: string;
  dirs: Map<string, string>;
}

export class CommitCache {
  private readonly objects: string;
  private packNow: string | null = null;
  private changed = false;

  private constructor(
    private readonly paths: ProjectPaths,
    private readonly stored: Stored,
    private readonly racyMs: number,
  ) {
    this.objects = join(paths.root, ".git", "objects");
  }

  /** The cache of this repository, or null when positive answers cannot be proved here (see the top). */
  static open(paths: ProjectPaths | null, options: { racyMs?: number } = {}): CommitCache | null {
    if (paths === null || !cacheable(paths)) return null;
    if (Object.keys(process.env).some((k) => OBJECT_ENV.test(k))) return null;
    const git = join(paths.root, ".git");
    if (
      maybeThere(join(git, "objects", "info", "alternates")) ||
      notEmpty(join(git, "refs", "replace")) ||
      maybeThere(join(git, "reftable"))
    )
      return null;
    const found = readCache<Stored>(paths, NAME, FORMAT);
    const stored: Stored =
      found !== null && typeof found.entries === "object" && found.entries !== null
        ? found
        : { pack: "-", refs: "", entries: {} };
    const refs = statKey(join(git, "packed-refs"));
    const cache = new CommitCache(paths, stored, options.racyMs ?? RACY_MS);
    if (refs !== stored.refs) {
      let text = "";
      if (refs !== "-") {
        try {
          text = readFileSync(join(git, "packed-refs"), "latin1");
        } catch {
          return null;
        }
      }
      if (text.includes("refs/replace/")) return null;
      // Read before and after: a packed-refs rewritten meanwhile is read again next time.
      if (statKey(join(git, "packed-refs")) === refs) {
        stored.refs = refs;
        cache.changed = true;
      }
    }
    return cache;
  }

  private loose(oid: string): string {
    return join(this.objects, oid.slice(0, 2), oid.slice(2));
  }

  private pack(): string {
    this.packNow ??= statKey(join(this.objects, "pack"));
    return this.packNow;
  }

  /** The commit (as the spec names it) certainly exists; false means "ask git". */
  has(name: string): boolean {
    const key = name.toLowerCase();
    const entry = this.stored.entries[key];
    if (!Array.isArray(entry)) return false;
    const [oid, where] = entry;
    if (typeof oid !== "string" || !OID.test(oid) || !oid.startsWith(key)) return false;
    if (where === "L") return isFile(this.loose(oid));
    return where === "P" && this.stored.pack !== "-" && this.pack() === this.stored.pack;
  }

  /** What learn() compares: read right before git is asked. */
  before(names: readonly string[]): Before {
    const t0 = Date.now();
    const dirs = new Map<string, string>();
    for (const n of names) {
      const fan = n.slice(0, 2).toLowerCase();
      if (!dirs.has(fan)) dirs.set(fan, statKey(join(this.objects, fan)));
    }
    return { t0, pack: statKey(join(this.objects, "pack")), dirs };
  }

  /**
   * Records git's "yes" answers, [name as the spec wrote it, the full id git printed]: a loose object as an
   * "L" entry, another as a "P" entry when the pack directory and its loose directory were stable (top).
   */
  learn(found: ReadonlyArray<[string, string]>, before: Before): void {
    const limit = before.t0 - this.racyMs;
    const pack = stable(join(this.objects, "pack"), before.pack, limit);
    for (const [name, oid] of found) {
      const key = name.toLowerCase();
      if (!oid.startsWith(key)) continue;
      if (isFile(this.loose(oid))) {
        this.put(key, oid, "L");
        continue;
      }
      const fan = before.dirs.get(oid.slice(0, 2));
      if (
        pack === null ||
        pack === "-" ||
        fan === undefined ||
        stable(join(this.objects, oid.slice(0, 2)), fan, limit) === null
      )
        continue;
      if (this.stored.pack !== pack) {
        // Recorded against another set of packs: those entries are no longer proved.
        for (const [k, e] of Object.entries(this.stored.entries))
          if (e[1] === "P") delete this.stored.entries[k];
        this.stored.pack = pack;
        this.changed = true;
      }
      this.put(key, oid, "P");
    }
  }

  /** Writes the cache when it learned something. */
  save(): void {
    if (!this.changed) return;
    const names = Object.keys(this.stored.entries);
    for (const k of names.slice(0, Math.max(0, names.length - MAX_ENTRIES))) delete this.stored.entries[k];
    writeCache(this.paths, NAME, FORMAT, this.stored);
    this.changed = false;
  }

  private put(key: string, oid: string, where: "L" | "P"): void {
    const old = this.stored.entries[key];
    if (old !== undefined && old[0] === oid && old[1] === where) return;
    delete this.stored.entries[key];
    this.stored.entries[key] = [oid, where];
    this.changed = true;
  }
}
