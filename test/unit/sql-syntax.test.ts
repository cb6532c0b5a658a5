// spec/sql-syntax on the PostgreSQL a real migration holds: the forms node-sql-parser lacks are read (rewritten
// without moving any offset), real errors in the same statements are still found at their column, and a
// misspelt command is a finding.
import { describe, expect, it } from "vitest";
import { parseSpec } from "../../src/core/spec/parse.js";
import sqlSyntax from "../../src/core/spec/rules/sql-syntax.js";
import { editDistance, maskSql, misspeltCommand, normalisePostgres } from "../../src/core/spec/sql-text.js";
import { sqlSyntax as parse } from "../../src/services/spec-tools.js";
import { checkEnv, memoryRepo } from "../helpers/memory-repo.js";

const ENV = checkEnv(memoryRepo({}));

async function run(...sql: string[]): Promise<string[]> {
  const model = await parseSpec(["```sql", ...sql, "```", ""].join("\n"), "spec.md");
  const out = await sqlSyntax.check(model, ENV);
  return out.map((d) => `${d.line}:${d.column} ${d.message}${d.fix ? ` | ${d.fix}` : ""}`);
}

/** 1-based column of the n-th (1-based) occurrence of `needle` in `line`. */
function col(line: string, needle: string, nth = 1): number {
  let at = -1;
  for (let k = 0; k < nth; k++) at = line.indexOf(needle, at + 1);
  return at + 1;
}

describe("spec/sql-syntax on PostgreSQL index statements", () => {
  const concurrently =
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_status_created_at ON orders (status, created_at DESC);";

  it("the parser alone rejects CREATE INDEX CONCURRENTLY IF NOT EXISTS (what the rewrite is for)", async () => {
    expect((await parse(concurrently.slice(0, -1))).ok).toBe(false);
  });

  it("reads the index statements of a zero-downtime migration", async () => {
    expect(
      await run(
        "-- UP migration",
        concurrently,
        "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email ON users (lower(email)) WHERE deleted_at IS NULL;",
        "CREATE INDEX CONCURRENTLY idx_open ON orders (created_at) INCLUDE (id) WHERE status = 'open';",
        "CREATE INDEX IF NOT EXISTS events_at ON ONLY events USING brin (created_at);",
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS docs_embedding ON docs USING hnsw (embedding vector_cosine_ops) WITH (m = 16);",
        "CREATE UNIQUE INDEX orders_ref ON orders (ref) NULLS NOT DISTINCT;",
        "-- DOWN migration",
        "DROP INDEX CONCURRENTLY IF EXISTS orders_status_created_at;",
        "DROP INDEX IF EXISTS users_email CASCADE;",
      ),
    ).toEqual([]);
  });

  it("still finds a real error in the same statement, at its column", async () => {
    const commas = "CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_x ON orders (status,, created_at);";
    const unclosed = "CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_y ON orders USING brin (status";
    expect(await run(commas, unclosed)).toEqual([
      `2:${col(commas, ",", 2)} SQL does not parse: unexpected "," | fix the statement; it must be valid in your database's dialect`,
      `3:${unclosed.length + 1} SQL does not parse: unexpected end of input | fix the statement; it must be valid in your database's dialect`,
    ]);
  });

  it("flags an unclosed index column list and a misspelt INDEX", async () => {
    expect(
      await run(
        "CREATE INDEX ON orders (status;",
        "CREATE INDX foo ON t(a);",
        "create unique indx u ON t(a);",
      ),
    ).toEqual([
      "2:31 SQL does not parse: unexpected end of input | fix the statement; it must be valid in your database's dialect",
      '3:8 SQL does not parse: unknown statement "CREATE INDX" | did you mean CREATE INDEX?',
      '4:15 SQL does not parse: unknown statement "create unique indx" | did you mean create unique index?',
    ]);
  });
});

describe("spec/sql-syntax on other PostgreSQL migration statements", () => {
  it("reads extensions, enums, new columns, constraints, comments and casts between BEGIN and COMMIT", async () => {
    expect(
      await run(
        "BEGIN;",
        'CREATE EXTENSION IF NOT EXISTS "uuid-ossp";',
        "CREATE TYPE order_status AS ENUM ('new', 'paid');",
        "ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'refunded' AFTER 'paid';",
        "ALTER TABLE orders ADD COLUMN IF NOT EXISTS refunded_at timestamptz;",
        "ALTER TABLE orders ADD COLUMN status order_status NOT NULL DEFAULT 'new', ADD COLUMN email citext UNIQUE;",
        "ALTER TABLE orders ALTER COLUMN status TYPE order_status USING status::text::order_status;",
        "CREATE TABLE refunds (id uuid PRIMARY KEY, status order_status NOT NULL, tags public.ltree[],",
        "  order_id uuid REFERENCES orders (id) DEFERRABLE INITIALLY DEFERRED);",
        "ALTER TABLE refunds ADD CONSTRAINT refunds_order FOREIGN KEY (order_id) REFERENCES orders (id) NOT VALID;",
        "ALTER TABLE refunds VALIDATE CONSTRAINT refunds_order;",
        "ALTER TABLE orders DROP COLUMN IF EXISTS note CASCADE, DROP CONSTRAINT old_fk RESTRICT;",
        "COMMENT ON COLUMN orders.status IS 'where the order is';",
        "UPDATE orders SET status = 'paid'::order_status WHERE paid_at IS NOT NULL;",
        "SELECT CAST(status AS order_status) FROM orders;",
        "DELETE FROM refunds USING orders WHERE orders.id = refunds.order_id AND orders.status = 'new';",
        "COMMIT;",
      ),
    ).toEqual([]);
  });

  it("still flags a broken statement that uses an enum type or a cast to one", async () => {
    const noDefault = "ALTER TABLE orders ADD COLUMN status order_status NOT NULL DEFAULT;";
    const noWhere = "UPDATE orders SET status = 'paid'::order_status WHERE;";
    expect(await run(noDefault, noWhere)).toEqual([
      `2:${noDefault.length} SQL does not parse: unexpected end of input | fix the statement; it must be valid in your database's dialect`,
      `3:${noWhere.length} SQL does not parse: unexpected end of input | fix the statement; it must be valid in your database's dialect`,
    ]);
  });

  it("flags a misspelt command word, and leaves commands it has no list for alone", async () => {
    expect(
      await run("SELEC id FROM orders;", "DROP TABEL orders;", "CREATE STORAGE INTEGRATION s3;"),
    ).toEqual([
      '2:1 SQL does not parse: unknown statement "SELEC" | did you mean SELECT?',
      '3:6 SQL does not parse: unknown statement "DROP TABEL" | did you mean DROP TABLE?',
    ]);
  });
});

describe("normalisePostgres", () => {
  it("blanks or renames words in place: same length, every kept character at its offset", () => {
    const sql = "CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON ONLY t USING brin (a) NULLS NOT DISTINCT";
    const out = normalisePostgres(sql);
    const blank = (w: string) => " ".repeat(w.length);
    expect(out).toBe(
      `CREATE INDEX ${blank("CONCURRENTLY")} IF NOT EXISTS i ON ${blank("ONLY")} t USING gin  (a) ${blank("NULLS NOT DISTINCT")}`,
    );
    expect(out).toHaveLength(sql.length);
  });

  it("rewrites type names only where a type is, never inside strings, quoted names or comments", () => {
    const sql = "UPDATE t SET a = 'x::order_status'::order_status, \"b::c\" = 1 -- ::order_status";
    expect(normalisePostgres(sql)).toBe(
      "UPDATE t SET a = 'x::order_status'::int         , \"b::c\" = 1 -- ::order_status",
    );
    // Multi-word and parametrised types stay; a missing type is not invented.
    const table = "CREATE TABLE t (a timestamp with time zone, b numeric(12,2), c PRIMARY KEY, d my_type)";
    expect(normalisePostgres(table)).toBe(
      "CREATE TABLE t (a timestamp with time zone, b numeric(12,2), c PRIMARY KEY, d int    )",
    );
  });

  it("leaves a statement with nothing to rewrite as it is", () => {
    const sql = "SELECT id FROM orders WHERE status = 'CONCURRENTLY'";
    expect(normalisePostgres(sql)).toBe(sql);
  });

  it("masks comments, strings and dollar quotes without moving offsets", () => {
    const sql = "SELECT 'a;b', $$x$$ /* c */ -- d\nFROM t";
    const m = maskSql(sql);
    expect(m).toHaveLength(sql.length);
    expect(m).toBe(`SELECT '___', $$_$$ ${" ".repeat("/* c */ -- d".length)}\nFROM t`);
  });
});

describe("misspeltCommand", () => {
  it("names the misspelt word, its offset and the word meant", () => {
    expect(misspeltCommand("  CRAETE TABLE t (a int)")).toEqual({
      offset: 2,
      written: "CRAETE",
      meant: "CREATE",
    });
    expect(misspeltCommand("ALTER TABEL t ADD a int")?.meant).toBe("ALTER TABLE");
    expect(misspeltCommand("CREATE OR REPLACE FUNCTON f()")?.meant).toBe("CREATE OR REPLACE FUNCTION");
  });

  it("leaves valid commands of the dialects tried, and words too far from any, alone", () => {
    for (const sql of [
      "VACUUM ANALYZE orders",
      "SAVE TRANSACTION x",
      "REVERT",
      "CREATE SECURITY POLICY p",
      "CREATE OR REPLACE SECURE VIEW v AS SELECT 1",
      "CREATE UNIQUE CLUSTERED INDEX i ON t (a)",
      "ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO app",
      "DROP OWNED BY app",
      "PRAGMA foreign_keys = ON",
      "status = 'paid'",
      "TODO add the index",
    ])
      expect(misspeltCommand(sql), sql).toBeNull();
  });

  it("counts an adjacent swap as one edit", () => {
    expect(editDistance("TABEL", "TABLE")).toBe(1);
    expect(editDistance("INDX", "INDEX")).toBe(1);
    expect(editDistance("WHERE", "WHEN")).toBe(2);
  });
});

describe("sqlSyntax (node-sql-parser, all dialects)", () => {
  it("does not count the T-SQL grammar's reading of a run of words as untyped assignments", async () => {
    expect((await parse("CREATE INDX foo ON t(a)")).ok).toBe(false);
    expect((await parse("foo bar baz")).ok).toBe(false);
    // A statement only T-SQL knows still passes.
    expect((await parse("SELECT TOP 10 * FROM orders")).ok).toBe(true);
  });
});
