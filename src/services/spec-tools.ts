// The heavy or impure helpers of the spec checker, loaded on first use: `bash -n` in a child process,
// node-sql-parser (one dialect at a time, only when a SQL block needs it) and secretlint's recommended
// rules (src/lib/secrets.ts, a bundle of its own in the built CLI). Nothing here loads for any other command.

import { statSync } from "node:fs";
import { createRequire } from "node:module";
import { delimiter, join } from "node:path";
import type { SecretHit, ShellCheck, SpecTools, SqlCheck } from "../core/spec/repo.js";
import { fileIdentity } from "../lib/bundles.js";
import { childProcess } from "../store/builtins.js";

type SqlModule = { default?: { Parser: new () => SqlParser }; Parser?: new () => SqlParser };

/** Tried in order; a statement valid in any of them passes. PostgreSQL's error is the one reported. */
const SQL_DIALECTS: Record<string, () => Promise<SqlModule>> = {
  postgresql: () => import("node-sql-parser/build/postgresql.js"),
  mysql: () => import("node-sql-parser/build/mysql.js"),
  sqlite: () => import("node-sql-parser/build/sqlite.js"),
  mariadb: () => import("node-sql-parser/build/mariadb.js"),
  transactsql: () => import("node-sql-parser/build/transactsql.js"),
  snowflake: () => import("node-sql-parser/build/snowflake.js"),
  redshift: () => import("node-sql-parser/build/redshift.js"),
  bigquery: () => import("node-sql-parser/build/bigquery.js"),
};

interface SqlParser {
  astify(sql: string): unknown;
}
interface PegError {
  message: string;
  found?: string | null;
  location?: { start: { offset: number } };
}

const parsers = new Map<string, SqlParser>();

async function sqlParser(dialect: string): Promise<SqlParser> {
  let p = parsers.get(dialect);
  if (!p) {
    const mod = await SQL_DIALECTS[dialect]!();
    const Parser = mod.default?.Parser ?? mod.Parser!;
    p = new Parser();
    parsers.set(dialect, p);
  }
  return p;
}

/**
 * One statement, as the rule splits them: a dialect reads it when it yields exactly one statement with a
 * type. The T-SQL grammar reads a run of words as several untyped assignments ("CREATE INDX foo ON t(a)"
 * is three), which is not reading the statement.
 */
function oneStatement(ast: unknown): boolean {
  const list = Array.isArray(ast) ? ast : [ast];
  const only = list[0] as { type?: unknown } | undefined;
  return list.length === 1 && typeof only?.type === "string";
}

export async function sqlSyntax(statement: string): Promise<SqlCheck> {
  let first: PegError | null = null;
  for (const dialect of Object.keys(SQL_DIALECTS)) {
    try {
      if (oneStatement((await sqlParser(dialect)).astify(statement))) return { ok: true };
    } catch (e) {
      first ??= e as PegError;
    }
  }
  if (first === null) return { ok: false, message: "not one SQL statement in any dialect" };
  const e = first;
  const found =
    e.found === undefined ? undefined : e.found === null ? "end of input" : JSON.stringify(e.found);
  const r: SqlCheck = { ok: false, message: found ? `unexpected ${found}` : e.message.split("\n")[0]! };
  // The parser trims the statement first: its offsets are short by the leading blanks.
  if (e.location) r.offset = e.location.start.offset + (statement.length - statement.trimStart().length);
  return r;
}

/**
 * Which bash `bash -n` runs (the first executable on PATH, as spawn finds it) as a cache key: path, inode,
 * size and mtime, so a new bash is asked again. null when there is none.
 */
export function bashIdentity(): string | null {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir === "") return null; // the current directory: too changeable to key a cache on
    const file = join(dir, "bash");
    try {
      const s = statSync(file, { throwIfNoEntry: false });
      if (s?.isFile() && (s.mode & 0o111) !== 0) return `${file}:${s.ino}:${s.size}:${s.mtimeMs}`;
    } catch {}
  }
  return null;
}

export function bashSyntax(script: string): Promise<ShellCheck> {
  return new Promise((resolve) => {
    const child = childProcess().spawn("bash", ["-n"], {
      stdio: ["pipe", "ignore", "pipe"],
      timeout: 10_000,
    });
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    // No bash here: nothing to say about the block rather than a false finding.
    child.on("error", () => resolve({ ok: true }));
    child.on("close", (code) => {
      if (code === 0) return resolve({ ok: true });
      const first = stderr.split("\n").find((l) => l.trim() !== "") ?? "syntax error";
      const m = /^(?:bash: )?(?:line (\d+): )?(.*)$/.exec(first);
      const out: ShellCheck = { ok: false, message: (m?.[2] ?? first).trim() };
      if (m?.[1]) out.line = Number(m[1]);
      resolve(out);
    });
    child.stdin.on("error", () => {});
    child.stdin.end(script);
  });
}

/** secretlint's recommended preset (src/lib/secrets.ts: in the built CLI dist/lib/secrets.cjs, on first use). */
export async function scanSecrets(text: string): Promise<SecretHit[]> {
  const { scanSecrets: scan } = await import("../lib/secrets.js");
  return scan(text);
}

/**
 * The SQL parser's identity (its package.json's path and stat), for cache keys: SQL verdicts depend on its
 * version. null when it cannot be found.
 */
export function sqlParserIdentity(): string | null {
  try {
    const file = createRequire(import.meta.url).resolve("node-sql-parser/package.json");
    const id = fileIdentity(file);
    return id === null ? null : `${file}:${id}`;
  } catch {
    return null;
  }
}

export function specTools(): SpecTools {
  return { bashSyntax, sqlSyntax, scanSecrets };
}
