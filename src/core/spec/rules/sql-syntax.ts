import type { Diagnostic } from "../../diagnostics.js";
import type { SqlCheck } from "../repo.js";
import { atLine, type SpecRule } from "../rule.js";
import { misspeltCommand, normalisePostgres } from "../sql-text.js";
import { hasTemplateVariable } from "../values.js";

export const SQL_LANGS = new Set([
  "sql",
  "postgresql",
  "postgres",
  "psql",
  "pgsql",
  "mysql",
  "sqlite",
  "plpgsql",
]);

/** Statement kinds the parser knows well enough that a failure means the SQL is wrong. */
const CHECKED =
  /^(select|insert|update|delete|with|truncate|create\s+(unique\s+)?index|create\s+(table|view)|alter\s+table|drop\s+(table|index|view))\b/i;
/**
 * Valid SQL of a checked kind that the parser does not know, and that no same-length rewrite turns into a
 * form it knows (normalisePostgres): never reported.
 */
const UNSUPPORTED = [
  /\b(generated\s+(always|by\s+default)|constraint\s+if\s+exists|materialized|partition\s+(by|of)|inherits|exclude\s+using|returning|lateral|tablespace)\b|\$\$/i,
  // ALTER TABLE ... ADD CONSTRAINT ... USING INDEX, VALIDATE CONSTRAINT, RENAME CONSTRAINT, row security,
  // storage parameters
  /\busing\s+index\b|\b(validate|rename)\s+constraint\b|\brow\s+level\s+security\b/i,
  /^alter\s+table\b[\s\S]*\b(set|reset)\s*\(/i,
  // CREATE TABLE t (LIKE other ...), DELETE ... USING, ON CONFLICT ON CONSTRAINT, INSERT ... DEFAULT VALUES
  /^create\b[^(]*\btable\b[^(]*\(\s*like\b|^delete\b[\s\S]*\busing\b|\bon\s+conflict\s+on\s+constraint\b|\bdefault\s+values\b/i,
  // DROP INDEX a, b
  /^drop\s+index\b[^,]*,/i,
];

export interface Statement {
  text: string;
  /** Offset of the statement in the block. */
  offset: number;
  /** The statement without comments, trimmed: what decides whether it is checked. */
  bare: string;
}

/** Splits SQL on `;` outside strings, quoted names, dollar quotes and comments. */
export function splitStatements(sql: string): Statement[] {
  const out: Statement[] = [];
  let startAt = 0;
  let bare = "";
  const flush = (endAt: number) => {
    const text = sql.slice(startAt, endAt);
    if (bare.trim() !== "") out.push({ text, offset: startAt, bare: bare.trim() });
    bare = "";
  };
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i]!;
    const two = sql.slice(i, i + 2);
    if (two === "--") {
      const nl = sql.indexOf("\n", i);
      i = nl < 0 ? sql.length : nl;
      bare += " ";
    } else if (two === "/*") {
      const close = sql.indexOf("*/", i + 2);
      i = close < 0 ? sql.length : close + 2;
      bare += " ";
    } else if (ch === "'" || ch === '"' || ch === "`") {
      let j = i + 1;
      while (j < sql.length && !(sql[j] === ch && sql[j + 1] !== ch)) j += sql[j] === ch ? 2 : 1;
      bare += sql.slice(i, j + 1);
      i = j + 1;
    } else if (ch === "$") {
      const tag = /^\$[A-Za-z_]*\$/.exec(sql.slice(i))?.[0];
      if (tag) {
        const close = sql.indexOf(tag, i + tag.length);
        const stop = close < 0 ? sql.length : close + tag.length;
        bare += sql.slice(i, stop);
        i = stop;
      } else {
        bare += ch;
        i++;
      }
    } else if (ch === ";") {
      flush(i);
      i++;
      startAt = i;
    } else {
      bare += ch;
      i++;
    }
  }
  flush(sql.length);
  return out;
}

function lineCol(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - (before.lastIndexOf("\n") + 1) + 1 };
}

/**
 * What the rule says about one statement, or null when it has nothing to say:
 * - a statement of a CHECKED kind is valid when node-sql-parser reads it in one of the dialects tried, as
 *   written or once the PostgreSQL forms it lacks are rewritten (normalisePostgres, which keeps every
 *   offset); a form it does not know at all (UNSUPPORTED) is not judged;
 * - a statement whose command word or kind of object is a typo of an SQL one (SELEC, CREATE INDX) is
 *   reported unless a dialect reads it;
 * - any other statement (functions, triggers, extensions, grants, a dialect's own commands) is not judged.
 */
export async function judgeStatement(
  text: string,
  bare: string,
  sqlSyntax: (statement: string) => Promise<SqlCheck>,
): Promise<{ offset: number; message: string; fix: string } | null> {
  if (hasTemplateVariable(text)) return null;
  const lead = text.length - text.trimStart().length;
  const fix = "fix the statement; it must be valid in your database's dialect";
  if (CHECKED.test(bare)) {
    if (UNSUPPORTED.some((re) => re.test(bare))) return null;
    let r = await sqlSyntax(text);
    if (r.ok) return null;
    const rewritten = normalisePostgres(text);
    if (rewritten !== text) {
      r = await sqlSyntax(rewritten);
      if (r.ok) return null;
    }
    return { offset: r.offset ?? lead, message: `SQL does not parse: ${r.message ?? "syntax error"}`, fix };
  }
  const typo = misspeltCommand(text);
  if (typo === null || (await sqlSyntax(text)).ok) return null;
  return {
    offset: typo.offset,
    message: `SQL does not parse: unknown statement "${typo.written}"`,
    fix: `did you mean ${typo.meant}?`,
  };
}

const rule: SpecRule = {
  id: "spec/sql-syntax",
  severity: "error",
  description:
    "A statement in a ```sql block does not parse (node-sql-parser, tried in PostgreSQL, MySQL, SQLite and other " +
    "dialects; valid in any one is enough; PostgreSQL forms the parser lacks, such as CREATE INDEX CONCURRENTLY " +
    "IF NOT EXISTS or a column of an enum type, are read as the forms it knows), or starts with a misspelt " +
    "command (SELEC, CREATE INDX). Statement kinds the parser does not know (functions, triggers, extensions, " +
    "...) are not judged. A block holding only comments is unfilled, not invalid.",
  async check(model, env) {
    const out: Diagnostic[] = [];
    for (const block of model.codeBlocks) {
      if (
        !block.lang ||
        !SQL_LANGS.has(block.lang) ||
        (block.state !== "filled" && block.state !== "variable")
      )
        continue;
      if (model.skipped(block.offset)) continue;
      for (const st of splitStatements(block.value)) {
        const found = await judgeStatement(st.text, st.bare, env.tools.sqlSyntax);
        if (found === null) continue;
        const pos = lineCol(block.value, st.offset + found.offset);
        out.push(
          atLine(
            rule,
            model,
            block.contentLine + pos.line - 1,
            block.indent + pos.column,
            found.message,
            found.fix,
          ),
        );
      }
    }
    return out;
  },
};
export default rule;
