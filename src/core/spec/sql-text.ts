// What the spec/sql-syntax rule reads in one SQL statement before it asks node-sql-parser: its tokens,
// PostgreSQL forms the parser lacks rewritten to ones it knows, and a misspelt command word. Pure.
//
// Every rewrite keeps the text's length and puts each character it keeps at the same offset (a word is
// replaced by spaces, or by a word of the same shape padded with spaces), so a position the parser reports
// in the rewritten statement is the same position in the statement the spec holds.

export interface SqlToken {
  /** The token as it appears in the masked text: quoted contents are `_`, comments are gone. */
  text: string;
  /** 0-based offsets in the statement. */
  start: number;
  end: number;
  /** An unquoted name or keyword. */
  word: boolean;
  /** A name: a word or a "quoted" / `quoted` identifier. */
  ident: boolean;
  /** Parenthesis depth before the token (an opening parenthesis is at the depth outside it). */
  depth: number;
}

/**
 * The statement with comments turned into spaces and the contents of strings, quoted names and dollar
 * quotes into `_` (quote characters kept), newlines kept: the same length, so offsets carry over.
 */
export function maskSql(sql: string): string {
  const out = sql.split("");
  const fill = (from: number, to: number, ch: string) => {
    for (let k = from; k < to && k < out.length; k++) if (out[k] !== "\n") out[k] = ch;
  };
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i]!;
    const two = sql.slice(i, i + 2);
    if (two === "--") {
      const nl = sql.indexOf("\n", i);
      const stop = nl < 0 ? sql.length : nl;
      fill(i, stop, " ");
      i = stop;
    } else if (two === "/*") {
      const close = sql.indexOf("*/", i + 2);
      const stop = close < 0 ? sql.length : close + 2;
      fill(i, stop, " ");
      i = stop;
    } else if (ch === "'" || ch === '"' || ch === "`") {
      let j = i + 1;
      while (j < sql.length && !(sql[j] === ch && sql[j + 1] !== ch)) j += sql[j] === ch ? 2 : 1;
      fill(i + 1, j, "_");
      i = j + 1;
    } else if (ch === "$" && /^\$[A-Za-z_]*\$/.test(sql.slice(i))) {
      const tag = /^\$[A-Za-z_]*\$/.exec(sql.slice(i))![0];
      const close = sql.indexOf(tag, i + tag.length);
      const bodyEnd = close < 0 ? sql.length : close;
      fill(i + tag.length, bodyEnd, "_");
      i = close < 0 ? sql.length : close + tag.length;
    } else i++;
  }
  return out.join("");
}

const TOKEN =
  /\s+|[A-Za-z_][A-Za-z0-9_$]*|"[^"]*"?|`[^`]*`?|'[^']*'?|\$[A-Za-z_]*\$_*(?:\$[A-Za-z_]*\$)?|\d[\d.]*|::|[\s\S]/y;

/** The statement's tokens (blanks and comments left out), on the masked text. */
export function sqlTokens(sql: string): SqlToken[] {
  const masked = maskSql(sql);
  const out: SqlToken[] = [];
  let depth = 0;
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(masked); m !== null; m = TOKEN.exec(masked)) {
    const text = m[0];
    const start = m.index;
    if (/^\s/.test(text)) continue;
    const word = /^[A-Za-z_]/.test(text);
    const ident = word || text.startsWith('"') || text.startsWith("`");
    if (text === ")") depth = Math.max(0, depth - 1);
    out.push({ text, start, end: start + text.length, word, ident, depth });
    if (text === "(") depth++;
  }
  return out;
}

const upper = (t: SqlToken | undefined): string | null => (t?.word ? t.text.toUpperCase() : null);

// ---------------------------------------------------------------------------------------------------------
// PostgreSQL forms node-sql-parser does not know

/**
 * Type names that start a type of several words (`timestamp with time zone`, `double precision`,
 * `character varying`, `interval day to second`, ...) or are keywords in the place of a missing type: left
 * as they are.
 */
const KEEP_TYPE = new Set([
  "TIME",
  "TIMESTAMP",
  "DOUBLE",
  "CHARACTER",
  "CHAR",
  "NCHAR",
  "NATIONAL",
  "BIT",
  "INTERVAL",
  "LONG",
  "VARYING",
  "PRIMARY",
  "NOT",
  "NULL",
  "DEFAULT",
  "REFERENCES",
  "UNIQUE",
  "CHECK",
  "CONSTRAINT",
  "GENERATED",
  "COLLATE",
  "KEY",
  "AS",
  "ON",
  "IDENTITY",
  "AUTO_INCREMENT",
  "AUTOINCREMENT",
  "COMMENT",
  "USING",
]);

/** Words that start a table constraint (or, in MySQL, an index) in a column list or after ALTER TABLE ADD. */
const TABLE_CONSTRAINT = new Set([
  "CONSTRAINT",
  "PRIMARY",
  "UNIQUE",
  "CHECK",
  "FOREIGN",
  "EXCLUDE",
  "LIKE",
  "INDEX",
  "KEY",
  "FULLTEXT",
  "SPATIAL",
  "PERIOD",
  "PARTITION",
]);

class Rewrite {
  readonly chars: string[];
  changed = false;
  constructor(text: string) {
    this.chars = text.split("");
  }
  blank(from: number, to: number): void {
    for (let k = from; k < to; k++) if (this.chars[k] !== "\n") this.chars[k] = " ";
    this.changed = true;
  }
  /** Replaces a name by a shorter or equally long one the parser knows, padded with spaces. */
  rename(from: number, to: number, known: string): void {
    if (to - from < known.length) return;
    this.blank(from, to);
    this.chars.splice(from, known.length, ...known.split(""));
  }
  toString(): string {
    return this.chars.join("");
  }
}

/**
 * A type name at token `i` (a name, possibly schema-qualified): replaced by `int` unless it takes
 * arguments or is one of KEEP_TYPE. PostgreSQL's grammar takes any name as a type (an enum made by CREATE
 * TYPE, an extension's citext or hstore); node-sql-parser knows only its own list. Returns the index after it.
 */
function typeAt(toks: SqlToken[], i: number, rw: Rewrite): number {
  const first = toks[i];
  if (!first?.ident) return i;
  let last = i;
  while (toks[last + 1]?.text === "." && toks[last + 2]?.ident) last += 2;
  const next = toks[last + 1];
  if (next?.text === "(" || (first.word && KEEP_TYPE.has(first.text.toUpperCase()))) return last + 1;
  rw.rename(first.start, toks[last]!.end, "int");
  return last + 1;
}

/** Indexes of the tokens that split `toks[from..to)` at commas of the given depth. */
function splitAtCommas(toks: SqlToken[], from: number, to: number, depth: number): Array<[number, number]> {
  const parts: Array<[number, number]> = [];
  let start = from;
  for (let k = from; k < to; k++) {
    if (toks[k]!.text === "," && toks[k]!.depth === depth) {
      parts.push([start, k]);
      start = k + 1;
    }
  }
  parts.push([start, to]);
  return parts;
}

function skipWords(toks: SqlToken[], i: number, ...words: string[]): number {
  let k = i;
  for (const w of words) {
    if (upper(toks[k]) !== w) return i;
    k++;
  }
  return k;
}

const INDEX_METHODS = new Set(["BTREE", "HASH", "GIST", "GIN"]);

function createIndex(toks: SqlToken[], i: number, rw: Rewrite): void {
  // CREATE [UNIQUE] INDEX [CONCURRENTLY] [[IF NOT EXISTS] name] ON [ONLY] table [USING method] (...):
  // the parser takes CONCURRENTLY and IF NOT EXISTS each alone but not together, no ONLY, and only the
  // btree, hash, gist and gin methods (brin, spgist and extensions' hnsw, ivfflat, bloom are as valid).
  if (upper(toks[i]) === "CONCURRENTLY") rw.blank(toks[i]!.start, toks[i]!.end);
  const on = toks.findIndex((t, k) => k >= i && t.depth === 0 && upper(t) === "ON");
  if (on < 0) return;
  let k = on + 1;
  if (upper(toks[k]) === "ONLY") rw.blank(toks[k]!.start, toks[k++]!.end);
  if (!toks[k]?.ident) return;
  while (toks[k + 1]?.text === "." && toks[k + 2]?.ident) k += 2;
  const method = toks[k + 2];
  if (upper(toks[k + 1]) === "USING" && method?.word && toks[k + 3]?.text === "(") {
    if (!INDEX_METHODS.has(method.text.toUpperCase())) rw.rename(method.start, method.end, "gin");
  }
}

function createTable(toks: SqlToken[], i: number, rw: Rewrite): void {
  let k = skipWords(toks, i, "IF", "NOT", "EXISTS");
  if (!toks[k]?.ident) return;
  while (toks[k + 1]?.text === "." && toks[k + 2]?.ident) k += 2;
  const open = k + 1;
  if (toks[open]?.text !== "(") return;
  const close = toks.findIndex((t, j) => j > open && t.text === ")" && t.depth === 0);
  for (const [from] of splitAtCommas(toks, open + 1, close < 0 ? toks.length : close, 1)) {
    const head = upper(toks[from]);
    if (!toks[from]?.ident || (head !== null && TABLE_CONSTRAINT.has(head))) continue;
    typeAt(toks, from + 1, rw);
  }
}

function alterTable(toks: SqlToken[], i: number, rw: Rewrite): void {
  let k = skipWords(toks, i, "IF", "EXISTS");
  k = skipWords(toks, k, "ONLY");
  if (!toks[k]?.ident) return;
  while (toks[k + 1]?.text === "." && toks[k + 2]?.ident) k += 2;
  for (const [from, to] of splitAtCommas(toks, k + 1, toks.length, 0)) {
    const action = upper(toks[from]);
    let a = from + 1;
    if (action === "ADD") {
      // ADD [COLUMN] [IF NOT EXISTS] name type ...
      if (upper(toks[a]) === "COLUMN") a++;
      a = skipWords(toks, a, "IF", "NOT", "EXISTS");
      const head = upper(toks[a]);
      if (toks[a]?.ident && !(head !== null && TABLE_CONSTRAINT.has(head))) typeAt(toks, a + 1, rw);
    } else if (action === "ALTER") {
      // ALTER [COLUMN] name [SET DATA] TYPE type [USING expr]
      if (upper(toks[a]) === "COLUMN") a++;
      a++;
      a = skipWords(toks, a, "SET", "DATA");
      if (upper(toks[a]) === "TYPE") typeAt(toks, a + 1, rw);
    } else if (action === "DROP") {
      // DROP [COLUMN | CONSTRAINT] [IF EXISTS] name [CASCADE | RESTRICT]
      if (upper(toks[a]) === "COLUMN" || upper(toks[a]) === "CONSTRAINT") a++;
      a = skipWords(toks, a, "IF", "EXISTS");
      const last = upper(toks[to - 1]);
      if (to - 1 === a + 1 && toks[a]?.ident && (last === "CASCADE" || last === "RESTRICT"))
        rw.blank(toks[to - 1]!.start, toks[to - 1]!.end);
    }
    // A constraint added NOT VALID (checked later by VALIDATE CONSTRAINT).
    for (let j = from; j + 1 < to; j++) {
      if (upper(toks[j]) === "NOT" && upper(toks[j + 1]) === "VALID")
        rw.blank(toks[j]!.start, toks[j + 1]!.end);
    }
  }
}

/** Constraint options the parser lacks, in a CREATE TABLE, ALTER TABLE or CREATE INDEX. */
function constraintOptions(toks: SqlToken[], rw: Rewrite): void {
  for (let j = 0; j < toks.length; j++) {
    const w = upper(toks[j]);
    const n1 = upper(toks[j + 1]);
    const n2 = upper(toks[j + 2]);
    if (w === "NULLS" && n1 === "DISTINCT") rw.blank(toks[j]!.start, toks[j + 1]!.end);
    else if (w === "NULLS" && n1 === "NOT" && n2 === "DISTINCT") rw.blank(toks[j]!.start, toks[j + 2]!.end);
    else if (w === "NOT" && n1 === "DEFERRABLE") rw.blank(toks[j]!.start, toks[j + 1]!.end);
    else if (w === "DEFERRABLE") rw.blank(toks[j]!.start, toks[j]!.end);
    else if (w === "INITIALLY" && (n1 === "DEFERRED" || n1 === "IMMEDIATE"))
      rw.blank(toks[j]!.start, toks[j + 1]!.end);
  }
}

/** `expr::type` and `CAST(expr AS type)` with a type the parser does not know. */
function casts(toks: SqlToken[], rw: Rewrite): void {
  for (let j = 0; j < toks.length; j++) {
    if (toks[j]!.text === "::") typeAt(toks, j + 1, rw);
    else if (upper(toks[j]) === "CAST" && toks[j + 1]?.text === "(") {
      const depth = toks[j + 1]!.depth + 1;
      const close = toks.findIndex((t, k) => k > j + 1 && t.text === ")" && t.depth === depth - 1);
      for (let k = close - 1; k > j + 1; k--) {
        if (toks[k]!.depth === depth && upper(toks[k]) === "AS") {
          typeAt(toks, k + 1, rw);
          break;
        }
      }
    }
  }
}

const TABLE_MODIFIERS = new Set(["TEMP", "TEMPORARY", "UNLOGGED", "GLOBAL", "LOCAL"]);

/**
 * The statement with the PostgreSQL forms node-sql-parser lacks rewritten, same length, or the statement
 * itself when it has none:
 * - CREATE INDEX: CONCURRENTLY (with IF NOT EXISTS), ON ONLY;
 * - constraints: NULLS [NOT] DISTINCT, [NOT] DEFERRABLE, INITIALLY DEFERRED | IMMEDIATE, NOT VALID;
 * - ALTER TABLE ... DROP [COLUMN | CONSTRAINT] name CASCADE | RESTRICT;
 * - a type name the parser does not know (an enum, an extension's type), in a column definition, ALTER
 *   COLUMN ... TYPE, `::type` or CAST(... AS type): written as `int`.
 * These change what the statement does, not whether the rest of it is well formed.
 */
export function normalisePostgres(statement: string): string {
  const toks = sqlTokens(statement);
  const rw = new Rewrite(statement);
  const w0 = upper(toks[0]);
  if (w0 === "CREATE") {
    let i = 1;
    while (TABLE_MODIFIERS.has(upper(toks[i]) ?? "")) i++;
    const unique = upper(toks[i]) === "UNIQUE" ? 1 : 0;
    const kind = upper(toks[i + unique]);
    if (kind === "INDEX") createIndex(toks, i + unique + 1, rw);
    else if (kind === "TABLE" && !unique) createTable(toks, i + 1, rw);
    if (kind === "INDEX" || kind === "TABLE") constraintOptions(toks, rw);
  } else if (w0 === "ALTER" && upper(toks[1]) === "TABLE") {
    alterTable(toks, 2, rw);
    constraintOptions(toks, rw);
  }
  casts(toks, rw);
  return rw.changed ? rw.toString() : statement;
}

// ---------------------------------------------------------------------------------------------------------
// Misspelt command words

/**
 * Words a statement starts with, in the dialects the rule tries, and the procedural words that splitting a
 * routine body at `;` can leave at the start of a piece.
 */
export const SQL_COMMANDS = new Set(
  (
    "ABORT ALTER ANALYSE ANALYZE ATTACH BEGIN CALL CHECKPOINT CLOSE CLUSTER COMMENT COMMIT COPY CREATE " +
    "DEALLOCATE DECLARE DELETE DETACH DISCARD DO DROP END EXECUTE EXPLAIN FETCH GRANT IMPORT INSERT LISTEN " +
    "LOAD LOCK MERGE MOVE NOTIFY PREPARE REASSIGN REFRESH REINDEX RELEASE RESET REVOKE ROLLBACK SAVEPOINT " +
    "SECURITY SELECT SET SHOW START TABLE TRUNCATE UNLISTEN UPDATE VACUUM VALUES WITH " +
    // MySQL, MariaDB, SQLite
    "USE REPLACE RENAME DESCRIBE DESC HANDLER OPTIMIZE REPAIR FLUSH KILL PURGE CHANGE INSTALL UNINSTALL " +
    "CHECK CHECKSUM SIGNAL RESIGNAL GET DELIMITER SOURCE UNLOCK XA HELP CACHE BINLOG RESTART SHUTDOWN " +
    "CLONE PRAGMA REINDEX UPSERT " +
    // T-SQL, Snowflake, BigQuery, Redshift
    "EXEC GO PRINT IF WHILE RAISERROR THROW BULK DBCC DENY BACKUP RESTORE DISABLE ENABLE WAITFOR OPEN " +
    "UNDROP PUT LIST REMOVE ASSERT EXPORT UNLOAD SAVE REVERT RECONFIGURE SETUSER READTEXT WRITETEXT " +
    "UPDATETEXT SEND RECEIVE UNSET STOP " +
    // procedural pieces
    "ELSE ELSIF ELSEIF LOOP LEAVE ITERATE REPEAT UNTIL RAISE PERFORM RETURN RETURNS EXIT CASE WHEN THEN " +
    "FOR FOREACH CONTINUE BREAK GOTO NULL"
  ).split(" "),
);

/** Words between CREATE / ALTER / DROP and the kind of object. */
const DDL_MODIFIERS = new Set(
  (
    "OR REPLACE ALTER TEMP TEMPORARY GLOBAL LOCAL UNLOGGED UNIQUE RECURSIVE CONSTRAINT TRUSTED PROCEDURAL " +
    "DEFAULT SECURE TRANSIENT VOLATILE EXTERNAL CLUSTERED NONCLUSTERED FULLTEXT SPATIAL ONLINE OFFLINE " +
    "PRIMARY XML COLUMNSTORE VIRTUAL IF NOT EXISTS LARGE"
  ).split(" "),
);

/** Kinds of object CREATE / ALTER / DROP name, in the dialects tried. */
const DDL_OBJECTS = new Set(
  (
    "ACCESS AGGREGATE CAST COLLATION CONVERSION DATABASE DOMAIN EVENT EXTENSION FOREIGN FUNCTION GROUP INDEX " +
    "LANGUAGE MATERIALIZED OPERATOR POLICY PROCEDURE PUBLICATION ROLE ROUTINE RULE SCHEMA SEQUENCE SERVER " +
    "STATISTICS SUBSCRIPTION TABLE TABLESPACE TEXT TRANSFORM TRIGGER TYPE USER VIEW OWNED SYSTEM " +
    "PRIVILEGES OBJECT DEFINER ALGORITHM SQL LOGFILE RESOURCE INSTANCE PROC LOGIN ASSEMBLY SYNONYM " +
    "PARTITION QUEUE SERVICE CERTIFICATE MASTER SYMMETRIC ASYMMETRIC CREDENTIAL WAREHOUSE STAGE STREAM TASK " +
    "PIPE FILE INTEGRATION SHARE NETWORK TAG ALERT MODEL SNAPSHOT CAPACITY RESERVATION ASSIGNMENT ROW " +
    "SEARCH VECTOR KEY CONNECTION SECRET DICTIONARY SECURITY STORAGE DYNAMIC HYBRID ICEBERG MASKING SESSION " +
    "PASSWORD APPLICATION COMPUTE IMAGE REPOSITORY ACCOUNT MANAGED REPLICATION FAILOVER VOLUME CATALOG " +
    "SEMANTIC DATASHARE LIBRARY IDENTITY NOTIFICATION API WORKLOAD AUTHORIZATION DATA COLUMN PACKAGE ALIAS " +
    "MODULE VARIABLE CONTEXT ENDPOINT BROKER CONTRACT MESSAGE ROUTE BINDING AUDIT SPECIFICATION PROVIDER " +
    "AVAILABILITY PROCESS"
  ).split(" "),
);

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** The known word `w` is a typo of: one edit away (two for words of six letters or more), or null. */
function nearest(w: string, known: Iterable<string>): string | null {
  if (w.length < 4) return null;
  const max = w.length >= 6 ? 2 : 1;
  let best: string | null = null;
  let bestD = max + 1;
  for (const k of known) {
    const dist = editDistance(w, k);
    if (dist < bestD) {
      best = k;
      bestD = dist;
    }
  }
  return best;
}

export interface Misspelt {
  /** 0-based offset of the misspelt word in the statement. */
  offset: number;
  /** The statement's first words as written, up to the misspelt one. */
  written: string;
  /** The same words with the misspelt one corrected. */
  meant: string;
}

/**
 * A statement whose command word (SELEC) or kind of object (CREATE INDX, DROP TABEL) is not SQL but one
 * or two letters from a word that is. Other statements the rule does not know are left alone: they may
 * be a dialect's command it has no list for.
 */
export function misspeltCommand(statement: string): Misspelt | null {
  const toks = sqlTokens(statement);
  const first = toks[0];
  const w0 = upper(first);
  if (!first || w0 === null) return null;
  const found = (i: number, known: string): Misspelt => {
    const typed = toks[i]!.text;
    const fixed = typed === typed.toLowerCase() ? known.toLowerCase() : known;
    const lead = toks.slice(0, i).map((t) => t.text);
    return { offset: toks[i]!.start, written: [...lead, typed].join(" "), meant: [...lead, fixed].join(" ") };
  };
  if (!SQL_COMMANDS.has(w0)) {
    const meant = nearest(w0, SQL_COMMANDS);
    return meant ? found(0, meant) : null;
  }
  if (w0 !== "CREATE" && w0 !== "ALTER" && w0 !== "DROP") return null;
  let i = 1;
  while (DDL_MODIFIERS.has(upper(toks[i]) ?? "")) i++;
  const w = upper(toks[i]);
  if (w === null || DDL_OBJECTS.has(w)) return null;
  const meant = nearest(w, [...DDL_OBJECTS, ...DDL_MODIFIERS]);
  return meant ? found(i, meant) : null;
}
