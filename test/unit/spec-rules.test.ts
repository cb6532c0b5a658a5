// Each spec rule: a true positive with its exact position, and the traps that must not be flagged.
import { describe, expect, it } from "vitest";
import { checkModel } from "../../src/core/spec/check.js";
import { parseSpec } from "../../src/core/spec/parse.js";
import type { SpecRepo } from "../../src/core/spec/repo.js";
import type { SpecRule } from "../../src/core/spec/rule.js";
import bashSyntax from "../../src/core/spec/rules/bash-syntax.js";
import globNoMatch from "../../src/core/spec/rules/glob-no-match.js";
import { SPEC_RULES } from "../../src/core/spec/rules/index.js";
import lineRange from "../../src/core/spec/rules/line-range.js";
import missingPath from "../../src/core/spec/rules/missing-path.js";
import pathEscapesRepo from "../../src/core/spec/rules/path-escapes-repo.js";
import secret from "../../src/core/spec/rules/secret.js";
import sqlSyntax from "../../src/core/spec/rules/sql-syntax.js";
import taskBreakdown from "../../src/core/spec/rules/task-breakdown.js";
import templateMarker from "../../src/core/spec/rules/template-marker.js";
import templateVariable from "../../src/core/spec/rules/template-variable.js";
import unfilledCell from "../../src/core/spec/rules/unfilled-cell.js";
import unfilledField from "../../src/core/spec/rules/unfilled-field.js";
import unknownCommit from "../../src/core/spec/rules/unknown-commit.js";
import unresolvedChoice from "../../src/core/spec/rules/unresolved-choice.js";
import { checkEnv, memoryRepo } from "../helpers/memory-repo.js";

const REPO = memoryRepo(
  {
    "README.md": 10,
    "CLAUDE.md": 20,
    "package.json": 5,
    ".github/workflows/ci.yml": 9,
    ".github/workflows/deploy-staging.yml": 11,
    ".claude/rules/testing.md": 3,
    "apps/web/src/server.ts": 80,
    "apps/web/src/db/client.ts": 30,
    "apps/web/migrations/0001_init.sql": 1,
    "apps/web/migrations/0002_orders.sql": 1,
    "scripts/deploy.sh": 23,
    "docs/runbooks/deploy.md": 5,
    "linked/outside": 1,
  },
  { commits: ["3f41acc5174f8cf14eaa2dd013878ae731661d90"], symlinksOut: ["linked"] },
);

async function run(
  rule: SpecRule,
  src: string,
  opts: { repo?: SpecRepo; issue?: number } = {},
): Promise<string[]> {
  const model = await parseSpec(src, "spec.md");
  const out = await rule.check(model, checkEnv(opts.repo ?? REPO, opts.issue ?? null));
  return out.map((d) => `${d.line}:${d.column} ${d.message}`);
}
const lines = (...l: string[]) => `${l.join("\n")}\n`;

describe("the rule list", () => {
  it("has unique spec/ ids, a severity and a description for every rule", () => {
    const ids = SPEC_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(14);
    for (const r of SPEC_RULES) {
      expect(r.id).toMatch(/^spec\/[a-z-]+$/);
      expect(r.description.length).toBeGreaterThan(30);
    }
  });
});

describe("spec/unfilled-field", () => {
  it("flags a comment-only field, an empty field, a TBD and a comment-only code block", async () => {
    const src = lines(
      "**Type:** <!-- CI/CD | Other -->",
      "**Owner:**",
      "**Estimate:** TBD",
      "",
      "**How to test locally:**",
      "```bash",
      "# Agent: Provide actual commands",
      "```",
    );
    expect(await run(unfilledField, src)).toEqual([
      '1:11 field "Type" holds only a template comment',
      '2:3 field "Owner" is empty',
      '3:15 field "Estimate" holds only a placeholder',
      '6:1 the "How to test locally" code block holds only a template comment',
    ]);
  });

  it("does not flag a guidance comment left beside real content", async () => {
    const src = lines(
      "**Current behavior:**",
      "<!-- What happens today? -->",
      "Deploys are manual and take 20 minutes.",
      "",
      "**Type:** CI/CD <!-- CI/CD | Migration -->",
      "",
      "- Risks: <!-- e.g., data loss --> none beyond a failed deploy",
    );
    expect(await run(unfilledField, src)).toEqual([]);
  });

  it("does not flag an N/A section with a reason, nor a No-gated migration section", async () => {
    const src = lines(
      "## 4. Database Migration",
      "### 4.1 Migration Details",
      "**Migration needed?** No",
      "**Type:** <!-- Additive (safe) | Destructive (risky) -->",
      "```sql",
      "-- UP migration",
      "```",
      "## 5. Security",
      "N/A: the change adds no new surface.",
      "**Access:** <!-- -->",
    );
    expect(await run(unfilledField, src)).toEqual([]);
  });

  it("flags an N/A without a reason at the N/A", async () => {
    expect(await run(unfilledField, lines("## 5. Security", "", "N/A", ""))).toEqual([
      '3:1 section "5. Security" is marked N/A without a reason',
    ]);
  });
});

describe("spec/unfilled-cell", () => {
  const table = (...rows: string[]) =>
    lines("**Related files:**", "| Path | Purpose | Lines |", "|---|---|---|", ...rows);

  it("flags a wholly unfilled row once, and the empty cells of a partly filled row", async () => {
    expect(await run(unfilledCell, table("| <!-- e.g., a.yml --> | <!-- --> | <!-- --> |"))).toEqual([
      '4:3 row 1 of the "Related files" table is not filled in',
    ]);
    expect(await run(unfilledCell, table("| `scripts/deploy.sh` | <!-- --> |  |"))).toEqual([
      '4:25 "Purpose" cell holds only a template comment ("Related files" table, row 1)',
      '4:34 "Lines" cell is empty ("Related files" table, row 1)',
    ]);
  });

  it("lets a Notes column stay empty", async () => {
    const src = lines("| Check | Command | Notes |", "|---|---|---|", "| Tests pass | `pnpm test` |  |");
    expect(await run(unfilledCell, src)).toEqual([]);
  });

  it("ignores a placeholder row left beside filled rows, and a cell with a comment beside content", async () => {
    expect(
      await run(
        unfilledCell,
        table("| `scripts/deploy.sh` | deploys <!-- why? --> | 1-3 |", "| <!-- --> | <!-- --> | <!-- --> |"),
      ),
    ).toEqual([]);
  });
});

describe("spec/template-variable", () => {
  it("flags {{VARS}} once per line, in text, inline code and script blocks", async () => {
    const src = lines(
      "# Planning: {{FEATURE_TITLE}}",
      "**Migration file:** `migrations/XXXX_{{migration_name}}.sql`",
      "```bash",
      'wm tasks create --title="GH#{{ISSUE}}: {{FEATURE_TITLE}}" --issue={{ISSUE}}',
      "```",
    );
    expect(await run(templateVariable, src, { issue: 7 })).toEqual([
      "1:13 template variable {{FEATURE_TITLE}} left in",
      "2:38 template variable {{migration_name}} left in",
      "4:29 template variables {{ISSUE}}, {{FEATURE_TITLE}} left in",
    ]);
  });

  // biome-ignore lint/suspicious/noTemplateCurlyInString: GitHub Actions syntax, quoted on purpose
  it("leaves ${{ }} expressions, yaml blocks and comments alone", async () => {
    const src = lines(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: GitHub Actions syntax, quoted on purpose
      "Use `${{ secrets.DEPLOY_TOKEN }}` in the step. <!-- {{NOT_THIS}} -->",
      "```yaml",
      "image: {{ .Values.image }}",
      "name: {{ name }}",
      "```",
    );
    expect(await run(templateVariable, src)).toEqual([]);
  });
});

describe("spec/template-marker", () => {
  it("flags XXXX in a migration name and names the next free number", async () => {
    const model = await parseSpec(
      "**Migration file:** `apps/web/migrations/XXXX_add_status.sql`\n",
      "spec.md",
    );
    const [d] = await templateMarker.check(model, checkEnv(REPO));
    expect(`${d!.line}:${d!.column} ${d!.message}`).toBe(
      '1:42 template marker XXXX left in "apps/web/migrations/XXXX_add_status.sql"',
    );
    expect(d!.fix).toBe("the next free number in apps/web/migrations/ is 0003: 0003_add_status.sql");
  });

  it("does not flag a real number or a word with x in it", async () => {
    expect(
      await run(templateMarker, "**Migration file:** `apps/web/migrations/0003_fix_xxl_sizes.sql`\n"),
    ).toEqual([]);
  });
});

describe("spec/unresolved-choice", () => {
  it("flags Yes / No, Yes/No cells, Create/Modify/Delete and pipe-separated alternatives", async () => {
    const src = lines(
      "**Migration needed?** Yes / No",
      "**Type:** Additive (safe) | Destructive (risky) | Data migration",
      "",
      "| File Path | Change Type | Sensitive? |",
      "|---|---|---|",
      "| `README.md` | Create/Modify/Delete | Yes/No |",
    );
    expect(await run(unresolvedChoice, src)).toEqual([
      '1:23 "Migration needed" still offers a choice: pick one',
      '2:11 "Type" still offers a choice: pick one',
      '6:17 "Change Type" still offers a choice: pick one',
      '6:40 "Sensitive?" still offers a choice: pick one',
    ]);
  });

  it("does not flag answers that merely contain a slash", async () => {
    const src = lines(
      "**Type:** CI/CD",
      "**Deploy to staging first?** Yes (required for infrastructure changes)",
      "",
      "| Secret | Environment |",
      "|---|---|",
      "| `DEPLOY_TOKEN` | staging/prod |",
    );
    expect(await run(unresolvedChoice, src)).toEqual([]);
  });
});

describe("spec/missing-path", () => {
  it("flags a Modify row and a Based On cell that do not exist, with a did-you-mean", async () => {
    const src = lines(
      "| File Path | Change Type | Based On |",
      "|---|---|---|",
      "| `apps/web/src/db/clinet.ts` | Modify | `scripts/deploy.sh` |",
      "| `scripts/new.sh` | Create | `scripts/deplo.sh` |",
    );
    const model = await parseSpec(src, "spec.md");
    const found = await missingPath.check(model, checkEnv(REPO));
    expect(found.map((d) => `${d.line}:${d.column} ${d.message} | ${d.fix}`)).toEqual([
      '3:4 "apps/web/src/db/clinet.ts" does not exist (File Path column) | did you mean apps/web/src/db/client.ts?',
      '4:32 "scripts/deplo.sh" does not exist (Based On column) | did you mean scripts/deploy.sh?',
    ]);
  });

  it("flags a Create row that exists, and one whose directory nothing creates", async () => {
    const src = lines(
      "| File Path | Change Type | Description |",
      "|---|---|---|",
      "| `scripts/deploy.sh` | Create | x |",
      "| `infra/tf/bucket.tf` | Create | x |",
    );
    expect(await run(missingPath, src)).toEqual([
      '3:4 "scripts/deploy.sh" is marked as new but already exists (File Path column)',
      '4:4 the directory "infra/" of "infra/tf/bucket.tf" does not exist and nothing else in the spec creates it',
    ]);
  });

  it("accepts a Create row for a new file in an existing dir, and new dirs the spec creates twice", async () => {
    const src = lines(
      "## 2.2 New Files",
      "| File Path | Purpose | Based On |",
      "|---|---|---|",
      "| `.github/workflows/deploy-prod.yml` | prod | `.github/workflows/deploy-staging.yml` |",
      "| `infra/monitoring/alerts.tf` | alert | — |",
      "| `infra/monitoring/dashboards.tf` | dash | N/A |",
      "",
      "The new `infra/monitoring/alerts.tf` and `.github/workflows/deploy-prod.yml` are listed above.",
    );
    expect(await run(missingPath, src)).toEqual([]);
  });

  it("flags a new numbered file whose number is taken, but not a date-named file", async () => {
    const src = lines(
      "**Migration file:** `apps/web/migrations/0002_refunds.sql`",
      "",
      "| File Path | Change Type | Description |",
      "|---|---|---|",
      "| `docs/runbooks/2024-01-05-restore.md` | Create | dated note |",
    );
    const repo = memoryRepo({
      "apps/web/migrations/0001_init.sql": 1,
      "apps/web/migrations/0002_orders.sql": 1,
      "docs/runbooks/2024-01-04-deploy.md": 3,
    });
    const model = await parseSpec(src, "spec.md");
    const found = await missingPath.check(model, checkEnv(repo));
    expect(found.map((d) => `${d.line}:${d.column} ${d.message} | ${d.fix}`)).toEqual([
      '1:22 "apps/web/migrations/0002_refunds.sql" reuses number 0002, already taken by 0002_orders.sql | the next free number in apps/web/migrations/ is 0003',
    ]);
  });

  it("accepts a path in another table that the spec creates, but not in Related files", async () => {
    const src = lines(
      "## Test Plan",
      "| Test File | Change Type | Covers |",
      "|---|---|---|",
      "| `apps/web/test/refund.test.ts` | Create | refunds |",
      "",
      "## Coverage",
      "| Criterion | Test File |",
      "|---|---|",
      "| refund | `apps/web/test/refund.test.ts` |",
      "",
      "**Related files:**",
      "| Path | Purpose |",
      "|---|---|",
      "| `apps/web/test/refund.test.ts` | existing tests |",
    );
    const repo = memoryRepo({ "apps/web/test/orders.test.ts": 5 });
    expect(await run(missingPath, src, { repo })).toEqual([
      '14:4 "apps/web/test/refund.test.ts" does not exist (Path column)',
    ]);
  });

  it("does not judge a path while its row's change type is still a choice; unresolved-choice reports it", async () => {
    const src = lines(
      "| File Path | Change Type | Description |",
      "|---|---|---|",
      "| `apps/web/src/services/order-status.ts` | Create/Modify | statuses |",
      "| `apps/web/src/services/pricing.ts` | Modify | quotes |",
      "| `apps/web/src/lib/rates/*.ts` | Create/Modify | rates |",
      "",
      "The page reads `apps/web/src/services/order-status.ts`.",
    );
    expect(await run(missingPath, src)).toEqual([
      '4:4 "apps/web/src/services/pricing.ts" does not exist (File Path column)',
    ]);
    expect(await run(globNoMatch, src)).toEqual([]);
    expect(await run(unresolvedChoice, src)).toEqual([
      '3:45 "Change Type" still offers a choice: pick one',
      '5:35 "Change Type" still offers a choice: pick one',
    ]);
  });

  it("flags a backticked prose path that does not exist", async () => {
    expect(await run(missingPath, "See `apps/web/src/routes.ts` for the router.\n")).toEqual([
      '1:6 "apps/web/src/routes.ts" does not exist and the spec does not create it',
    ]);
  });

  it("does not take URLs, packages, env vars, commands, routes, MIME types or versions for paths", async () => {
    const src = lines(
      "Docs at `https://docs.github.com/actions` and `www.example.com/x`; uses `@acme/web`, `lodash`,",
      "`actions/checkout@v4` and `DATABASE_URL`; run `npm test` or `pnpm run build`; serves `/health` and",
      "`/api/orders/:id`; returns `application/json`; branch `feature/login`; `Node.js` 20, `v1.2.3`,",
      "`console.log`, `process.env.NODE_ENV`, `.env` and `owner/repo`.",
      "",
      "| File | Note |",
      "|---|---|",
      "| — | nothing to change |",
      "| N/A | none |",
    );
    expect(await run(missingPath, src)).toEqual([]);
  });
});

describe("spec/line-range", () => {
  it("flags ranges past the end: path:a-b, a Relevant Lines cell, and lines a-b beside a path", async () => {
    const src = lines(
      "| Path | Purpose | Relevant Lines |",
      "|---|---|---|",
      "| `scripts/deploy.sh` | deploy | 10-40 |",
      "",
      "See `apps/web/src/server.ts:70-95` and `apps/web/src/db/client.ts` (lines 25-31).",
    );
    expect(await run(lineRange, src)).toEqual([
      '3:34 "scripts/deploy.sh" has 23 lines; "10-40" is past its end',
      '5:29 "apps/web/src/server.ts" has 80 lines; "70-95" is past its end',
      '5:69 "apps/web/src/db/client.ts" has 30 lines; "lines 25-31" is past its end',
    ]);
  });

  it("accepts ranges inside the file and does not read files behind an escaping symlink", async () => {
    const src = lines(
      "See `apps/web/src/server.ts:1-80`, `scripts/deploy.sh#L1-L23` and `linked/outside:1-99`.",
      "",
      "| Path | Relevant Lines |",
      "|---|---|",
      "| `apps/web/src/db/client.ts` | all |",
    );
    expect(await run(lineRange, src)).toEqual([]);
  });

  it("reads a range written before its path: lines a-b of, line n of, lines a to b in", async () => {
    const src = lines(
      "See lines 20-31 of `apps/web/src/db/client.ts`, line 40 of `scripts/deploy.sh`",
      "and lines 70 to 95 in `apps/web/src/server.ts`.",
    );
    expect(await run(lineRange, src)).toEqual([
      '1:5 "apps/web/src/db/client.ts" has 30 lines; "lines 20-31" is past its end',
      '1:49 "scripts/deploy.sh" has 23 lines; "line 40" is past its end',
      '2:5 "apps/web/src/server.ts" has 80 lines; "lines 70 to 95" is past its end',
    ]);
  });

  it("gives a range written before a path to that path, not to the path before it", async () => {
    const src = lines(
      "Compare `scripts/deploy.sh` and lines 60-70 of `apps/web/src/server.ts`; `scripts/deploy.sh` with",
      "line 50 in `apps/web/src/server.ts`, and lines 1 to 30 of `apps/web/src/db/client.ts`.",
    );
    expect(await run(lineRange, src)).toEqual([]);
  });

  it("flags a backwards range", async () => {
    expect(await run(lineRange, "See `scripts/deploy.sh:20-10`.\n")).toEqual([
      '1:24 line range "20-10" for "scripts/deploy.sh" is not a valid range',
    ]);
  });
});

describe("spec/glob-no-match", () => {
  it("flags a glob that matches nothing and accepts one that matches", async () => {
    const src = lines(
      "| File | Change |",
      "|---|---|",
      "| `.claude/rules/*.md` | x |",
      "| `.github/workflows/*.yaml` | y |",
    );
    expect(await run(globNoMatch, src)).toEqual([
      '4:4 ".github/workflows/*.yaml" matches no file in the repository',
    ]);
  });
});

describe("spec/unknown-commit", () => {
  it("flags an unknown sha in the Commit/PR field and in text", async () => {
    const src = lines("Commit/PR: deadbeef (PR #77)", "What it did: see 3f41acc and 9a8b7c6d5e.");
    expect(await run(unknownCommit, src)).toEqual([
      '1:12 commit "deadbeef" is not in this repository\'s history',
      '2:30 commit "9a8b7c6d5e" is not in this repository\'s history',
    ]);
  });

  it("does not flag PR numbers, UUIDs, colours, words, hashes in URLs or comments", async () => {
    const src = lines(
      "PR #1234567 fixed it; request 550e8400-e29b-41d4-a716-446655440000; colour #ff5733aa; we deferred it.",
      "See https://github.com/o/r/commit/abcdef1234567 and <!-- e.g., commit abc1234 -->.",
      "Build 20240102 and sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08.",
    );
    expect(await run(unknownCommit, src)).toEqual([]);
  });
});

describe("spec/path-escapes-repo", () => {
  it("flags ../ climbing out, absolute and home paths in path columns, and escaping symlinks", async () => {
    const src = lines(
      "| Path | Purpose |",
      "|---|---|",
      "| `../shared/backup.sh` | old |",
      "| /etc/cron.d/backup | cron |",
      "| `~/.ssh/config` | key |",
      "| `linked/outside` | link |",
    );
    expect(await run(pathEscapesRepo, src)).toEqual([
      '3:4 "../shared/backup.sh" climbs out of the repository',
      '4:3 "/etc/cron.d/backup" is an absolute path, outside the repository',
      '5:4 "~/.ssh/config" is a home-directory path, outside the repository',
      '6:4 "linked/outside" goes through a symlink that points outside the repository (not followed)',
    ]);
  });

  it("leaves absolute routes and system paths in prose alone", async () => {
    expect(
      await run(pathEscapesRepo, "The app serves `/health`; nginx reads `/etc/nginx/nginx.conf`.\n"),
    ).toEqual([]);
  });
});

describe("spec/secret", () => {
  it("flags a pasted credential without printing it", async () => {
    const src = lines(
      "# Spec",
      "",
      "Connect with postgres://deploy:Sup3rS3cretPw@db.example.com:5432/shop for now.",
    );
    const model = await parseSpec(src, "spec.md");
    const [d, ...rest] = await secret.check(model, checkEnv(REPO));
    expect(rest).toEqual([]);
    expect(`${d!.line}:${d!.column}`).toBe("3:14");
    expect(JSON.stringify(d)).not.toContain("Sup3rS3cretPw");
  });

  // biome-ignore lint/suspicious/noTemplateCurlyInString: GitHub Actions syntax, quoted on purpose
  it("does not flag secret names, env var references or ${{ secrets.X }}", async () => {
    const src = lines(
      "| Secret | Where |",
      "|---|---|",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: GitHub Actions syntax, quoted on purpose
      "| `DEPLOY_TOKEN` | `${{ secrets.DEPLOY_TOKEN }}` |",
      "",
      "Set `DATABASE_URL=postgres://localhost:5432/shop` locally; `STRIPE_KEY` comes from the vault.",
    );
    expect(await run(secret, src)).toEqual([]);
  });
});

describe("No-gating", () => {
  // A "No" covers its own question: up to the next **Question?** or the next heading.
  const src = lines(
    "## 6. Impact",
    "",
    "| Path | Affected? |",
    "|---|---|",
    "| `scripts/deploy.sh` | Yes |",
    "",
    "**Data repair needed?** No",
    "**Repair approach:** <!-- script that fixes the records -->",
    "**Repair script:** `scripts/repair/*.sh` with postgres://deploy:Sup3rS3cretPw@db.example.com:5432/shop",
    "",
    "```sql",
    "UPDATE orders SET total_cents = ;",
    "```",
    "",
    "**Same bug elsewhere?**",
    "Searched `apps/worker/src/**/*.ts` and `scripts/*.sh`.",
    "",
    "```sql",
    "SELECT id FROM orders WHERE total_cents <> (SELECT 1",
    "```",
    "",
    "**Notes:** <!-- -->",
    "",
    "## 7. Rollout",
    "",
    "**Feature flag needed?** No",
    "**Flag name:** <!-- -->",
    "### 7.1 Monitoring",
    "**Dashboard:** <!-- -->",
  );

  it("stops at the next question: its paths and SQL are checked again, the gated part's are not", async () => {
    expect(await run(globNoMatch, src)).toEqual([
      '16:11 "apps/worker/src/**/*.ts" matches no file in the repository',
    ]);
    const sql = await run(sqlSyntax, src);
    expect(sql.map((f) => f.split(" ")[0])).toEqual(["19:53"]);
  });

  it("stops at the next heading: a subsection after the question is not gated", async () => {
    expect(await run(unfilledField, src)).toEqual([
      '22:12 field "Notes" holds only a template comment',
      '29:16 field "Dashboard" holds only a template comment',
    ]);
  });

  it("does not hide a secret pasted into the gated part", async () => {
    const model = await parseSpec(src, "spec.md");
    expect(model.skipped(src.indexOf("postgres://"))).toMatch(/Data repair needed/);
    const found = await secret.check(model, checkEnv(REPO));
    expect(found.map((d) => d.line)).toEqual([9]);
  });
});

describe("spec/sql-syntax", () => {
  it("flags a statement that does not parse, at its position", async () => {
    const src = lines(
      "```sql",
      "-- UP migration",
      "CREATE TABLE backup_log (id uuid PRIMARY KEY, taken_at timestamptz NOT NULL);",
      "ALTER TABLE backup_log ADD COLUMN  ;",
      "```",
    );
    // Right after COLUMN, where the column definition is missing.
    expect(await run(sqlSyntax, src)).toEqual(["4:34 SQL does not parse: unexpected end of input"]);
  });

  it("does not flag comment-only blocks, other dialects' valid SQL or statement kinds it cannot judge", async () => {
    const src = lines(
      "```sql",
      "-- UP migration",
      "-- Agent: Fill with actual DDL",
      "```",
      "",
      "```sql",
      "ALTER TABLE users RENAME COLUMN name TO full_name;",
      "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT);",
      "CREATE INDEX CONCURRENTLY idx_users_email ON users (email);",
      "CREATE FUNCTION f() RETURNS trigger AS $$ BEGIN RETURN NEW; END $$ LANGUAGE plpgsql;",
      "CREATE TABLE g (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY);",
      "```",
    );
    expect(await run(sqlSyntax, src)).toEqual([]);
  });
});

describe("spec/bash-syntax", () => {
  it("flags a block bash -n rejects, at the failing line", async () => {
    const src = lines("```bash", "if [ -f x ]; then", "  echo hi", "fi", "fi", "```");
    expect(await run(bashSyntax, src)).toEqual(["5:1 bash: syntax error near unexpected token `fi'"]);
  });

  it("accepts valid scripts with substitutions, pipes and template variables, and skips comment-only blocks", async () => {
    const src = lines(
      "```bash",
      'for f in .github/workflows/*.yml; do echo "$f" | wc -l; done',
      'wm tasks create --title="GH#{{ISSUE}}: x" --type=impl',
      "```",
      "```sh",
      "# Agent: Provide rollback commands",
      "```",
    );
    expect(await run(bashSyntax, src)).toEqual([]);
  });
});

describe("spec/task-breakdown", () => {
  const breakdown = (...cmds: string[]) =>
    lines("**GitHub Issue:** #240", "", "## 8. Task Breakdown", "", "```bash", ...cmds, "```");

  it("flags a bad type, a wrong issue, no title, an unknown flag, an unquoted title and a missing issue", async () => {
    const src = breakdown(
      'pnpm wm tasks create --title="GH#240: a" --type=implementation --issue=240',
      'pnpm wm tasks create --title="GH#240: b" --type=impl --issue=241',
      "pnpm wm tasks create --type=verify --issue=240",
      'pnpm wm tasks create --title="GH#240: c" --isue=240',
      "pnpm wm tasks create --title=GH#240: Document restore --type=impl --issue=240",
      'pnpm wm tasks create --title="GH#240: d" --type=impl',
    );
    expect(await run(taskBreakdown, src)).toEqual([
      '6:42 wm tasks create: unknown task type "implementation"; valid types: epic, impl, verify, test, review, task, bug, chore',
      "7:54 wm tasks create: --issue=241 but this spec is for issue 240",
      "8:6 wm tasks create: no --title (or an empty one)",
      "9:42 wm tasks create: Unknown option '--isue'",
      '10:38 wm tasks create: unexpected argument "Document" (quote the title: --title="...")',
      "11:6 wm tasks create: no --issue: the task would not be linked to issue 240",
    ]);
  });

  it("accepts the seed's lines with pnpm wm, npx wm and wm prefixes, #N and GH#N, and continuations", async () => {
    const src = breakdown(
      'pnpm wm tasks create --title="GH#240: Epic" --type=epic --issue=240',
      'pnpm wm tasks create --title="GH#240: Analyze" --type=impl --issue=240',
      'npx wm tasks create --title="GH#240: Config" --type=impl --issue=#240',
      'wm tasks create --title="GH#240: Staging" --type=verify --issue=GH#240',
      'wm tasks create --title="GH#240: Rollback" \\',
      '  --type=verify --issue=240 --depends-on="GH#240: Staging"',
      "pnpm wm tasks list --issue=240",
    );
    expect(await run(taskBreakdown, src)).toEqual([]);
  });

  it("flags what wm spec tasks would refuse: a substitution, a duplicate title, a second epic", async () => {
    const sub = breakdown('EPIC=$(wm tasks create --title="GH#240: Epic" --type=epic --issue=240)');
    expect(await run(taskBreakdown, sub)).toEqual([
      "6:1 wm spec tasks would refuse this line: only plain `wm tasks create ...` lines can be imported (one command per line, no assignment or substitution)",
    ]);
    const dup = breakdown(
      'wm tasks create --title="GH#240: A" --type=impl --issue=240',
      'wm tasks create --title="GH#240: A" --type=verify --issue=240',
    );
    expect(await run(taskBreakdown, dup)).toEqual([
      '7:1 wm spec tasks would refuse this line: the title "GH#240: A" is already used on line 6; a task is known by its issue and title',
    ]);
  });

  it("reads a create line inside a compound line, and the lines after an unterminated quote", async () => {
    const src = breakdown(
      'cd app && wm tasks create --title="GH#240: a" --type=nope --issue=240',
      'wm tasks create --title="GH#240: b --type=impl --issue=240',
      'wm tasks create --title="GH#240: c" --type=impl',
    );
    expect(await run(taskBreakdown, src)).toEqual([
      '6:47 wm tasks create: unknown task type "nope"; valid types: epic, impl, verify, test, review, task, bug, chore',
      "7:1 wm tasks create: no --issue: the task would not be linked to issue 240",
      "8:1 wm tasks create: no --issue: the task would not be linked to issue 240",
    ]);
  });

  it("flags a Task Breakdown with no create lines", async () => {
    expect(await run(taskBreakdown, lines("## 8. Task Breakdown", "", "Nothing yet."))).toEqual([
      "1:1 the Task Breakdown has no `wm tasks create` lines",
    ]);
  });
});

describe("checkModel", () => {
  it("runs every rule and sorts the findings by position", async () => {
    const model = await parseSpec(lines("**Type:** <!-- -->", "**Migration needed?** Yes / No"), "spec.md");
    const { findings, completeness } = await checkModel(model, checkEnv(REPO));
    expect(findings.map((d) => `${d.line}:${d.column} ${d.rule}`)).toEqual([
      "1:11 spec/unfilled-field",
      "2:23 spec/unresolved-choice",
    ]);
    expect(completeness).toEqual({ score: 0, filled: 0, total: 2 });
  });
});
