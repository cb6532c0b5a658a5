// The heavy or impure helpers of the spec checker, loaded on first use: `bash -n` in a child process,
// node-sql-parser (one dialect at a time, only when a SQL block needs it) and secretlint's recommended
// rules. Nothing here loads for any other command.

import { spawn } from "node:child_process";
import { statSync } from "node:fs";
import { delimiter, join } from "node:path";
import type { SecretHit, ShellCheck, SpecTools, SqlCheck } from "../core/spec/repo.js";

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

export async function sqlSyntax(statement: string): Promise<SqlCheck> {
  let first: PegError | null = null;
  for (const dialect of Object.keys(SQL_DIALECTS)) {
    try {
      (await sqlParser(dialect)).astify(statement);
      return { ok: true };
    } catch (e) {
      first ??= e as PegError;
    }
  }
  const e = first!;
  const found =
    e.found === undefined ? undefined : e.found === null ? "end of input" : JSON.stringify(e.found);
  const r: SqlCheck = { ok: false, message: found ? `unexpected ${found}` : e.message.split("\n")[0]! };
  if (e.location) r.offset = e.location.start.offset;
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
    const child = spawn("bash", ["-n"], { stdio: ["pipe", "ignore", "pipe"], timeout: 10_000 });
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

interface SecretlintMessage {
  range: [number, number];
  ruleId: string;
  messageId: string;
}

export async function scanSecrets(text: string): Promise<SecretHit[]> {
  const [{ lintSource }, { creator }] = await Promise.all([
    import("@secretlint/core"),
    import("@secretlint/secretlint-rule-preset-recommend"),
  ]);
  const result = await lintSource({
    source: { filePath: "spec.md", content: text, contentType: "text" },
    options: {
      config: { rules: [{ id: "@secretlint/secretlint-rule-preset-recommend", rule: creator }] },
      maskSecrets: true,
      noPhysicFilePath: true,
    },
  });
  return (result.messages as unknown as SecretlintMessage[]).map((m) => ({
    start: m.range[0],
    end: m.range[1],
    kind: `${m.messageId}, secretlint rule ${m.ruleId.replace(/^@secretlint\/secretlint-rule-/, "")}`,
  }));
}

export function specTools(): SpecTools {
  return { bashSyntax, sqlSyntax, scanSecrets };
}
