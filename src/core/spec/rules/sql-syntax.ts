import type { Diagnostic } from "../../diagnostics.js";
import { atLine, type SpecRule } from "../rule.js";
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
/** Valid SQL the parser does not know: never reported. */
const UNSUPPORTED =
  /\b(generated\s+(always|by\s+default)|constraint\s+if\s+exists|materialized|partition\s+(by|of)|inherits|exclude\s+using|returning|lateral|tablespace)\b|\$\$/i;

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

const rule: SpecRule = {
  id: "spec/sql-syntax",
  severity: "error",
  description:
    "A statement in a ```sql block does not parse (node-sql-parser, tried in PostgreSQL, MySQL, SQLite and other " +
    "dialects; valid in any one is enough). Statement kinds the parser does not know (functions, triggers, " +
    "extensions, ...) are not judged. A block holding only comments is unfilled, not invalid.",
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
        if (!CHECKED.test(st.bare) || UNSUPPORTED.test(st.bare) || hasTemplateVariable(st.text)) continue;
        const r = await env.tools.sqlSyntax(st.text);
        if (r.ok) continue;
        const lead = st.text.length - st.text.trimStart().length;
        const pos = lineCol(block.value, st.offset + (r.offset ?? lead));
        out.push(
          atLine(
            rule,
            model,
            block.contentLine + pos.line - 1,
            block.indent + pos.column,
            `SQL does not parse: ${r.message ?? "syntax error"}`,
            "fix the statement; it must be valid in your database's dialect",
          ),
        );
      }
    }
    return out;
  },
};
export default rule;
