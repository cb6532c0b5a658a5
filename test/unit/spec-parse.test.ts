// The spec parser: sections, fields, tables, code blocks, lists, inline code, gating; exact positions.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { completeness } from "../../src/core/spec/check.js";
import type { SpecModel } from "../../src/core/spec/model.js";
import { parseSpec } from "../../src/core/spec/parse.js";
import { REPO_ROOT } from "../helpers/cli.js";

const pos = (m: SpecModel, offset: number) => {
  const p = m.at(offset);
  return `${p.line}:${p.column}`;
};

const SEED = readFileSync(`${REPO_ROOT}/test/fixtures/specs/seed-infrastructure.md`, "utf8");

describe("parseSpec: structure", () => {
  it("builds the heading tree with parents and extents", async () => {
    const m = await parseSpec("# T\n\n## A\n\ntext\n\n### A.1\n\nmore\n\n## B\n", "s.md");
    expect(m.title).toBe("T");
    expect(m.sections.map((s) => [s.title, s.depth, s.parent])).toEqual([
      ["T", 1, null],
      ["A", 2, 0],
      ["A.1", 3, 1],
      ["B", 2, 0],
    ]);
    const [, a, a1, b] = m.sections;
    expect(pos(m, a!.offset)).toBe("3:1");
    expect(a!.end).toBe(b!.offset);
    expect(a!.ownEnd).toBe(a1!.offset);
  });

  it("reads bold, bold-colon-outside, question and plain-label fields with value positions", async () => {
    const src = [
      "**Type:** CI/CD",
      "**Owner**: platform team",
      "",
      "**Migration needed?** No",
      "",
      "Commit/PR: <!-- e.g., #123 -->",
      "What it did: <!-- -->",
    ].join("\n");
    const m = await parseSpec(src, "s.md");
    const f = Object.fromEntries(m.fields.map((x) => [x.label, x]));
    expect(f.Type!.state).toBe("filled");
    expect(f.Type!.text).toBe("CI/CD");
    expect(pos(m, f.Type!.offset)).toBe("1:11");
    expect(f.Owner!.text).toBe("platform team");
    expect(f["Migration needed"]!.question).toBe(true);
    expect(f["Migration needed"]!.text).toBe("No");
    expect(f["Commit/PR"]!.state).toBe("comment");
    expect(pos(m, f["Commit/PR"]!.offset)).toBe("6:12");
    expect(f["What it did"]!.state).toBe("comment");
  });

  it("takes a field's value from the following lines, and a guidance comment beside content is not the value", async () => {
    const src = [
      "**Acceptance Criteria:**",
      "<!-- Copy from the issue -->",
      "",
      "**Current behavior:**",
      "<!-- What happens today? -->",
      "Deploys are manual.",
      "",
      "**Related files:**",
      "| Path | Purpose |",
      "|------|---------|",
      "| `a.ts` | x |",
    ].join("\n");
    const m = await parseSpec(src, "s.md");
    const f = Object.fromEntries(m.fields.map((x) => [x.label, x]));
    expect(f["Acceptance Criteria"]!.state).toBe("comment");
    expect(pos(m, f["Acceptance Criteria"]!.offset)).toBe("2:1");
    expect(f["Current behavior"]!.state).toBe("filled");
    expect(f["Related files"]!.container).toBe(true);
    expect(m.tables[0]!.caption).toBe("Related files");
    expect(m.slots.filter((s) => s.kind === "field").map((s) => s.label)).toEqual([
      "Acceptance Criteria",
      "Current behavior",
    ]);
  });

  it("reads GFM tables: headers, cells, comment-only cells and exact cell positions", async () => {
    const src = [
      "| File Path | Change Type | Description |",
      "|-----------|-------------|-------------|",
      "| `src/a.ts` | Modify | <!-- --> |",
      "| x \\| y | Create/Modify/Delete | #<!-- --> |",
    ].join("\n");
    const m = await parseSpec(src, "s.md");
    const t = m.tables[0]!;
    expect(t.headers).toEqual(["File Path", "Change Type", "Description"]);
    const [r1, r2] = t.rows;
    expect(r1!.cells.map((c) => c.state)).toEqual(["filled", "filled", "comment"]);
    expect(pos(m, r1!.cells[0]!.offset)).toBe("3:4");
    expect(r1!.cells[0]!.segs[0]!.kind).toBe("code");
    expect(pos(m, r1!.cells[2]!.offset)).toBe("3:25");
    expect(r2!.cells[0]!.text).toBe("x | y");
    expect(r2!.cells[1]!.state).toBe("choice");
    // A `#` before the comment (the seed's `#<!-- -->`) is not an answer.
    expect(r2!.cells[2]!.state).toBe("comment");
  });

  it("reads fenced code blocks with language, content line and indentation", async () => {
    const src = [
      "# T",
      "",
      "```sql",
      "-- only a comment",
      "```",
      "",
      "- step:",
      "",
      "  ```bash",
      "  echo hi",
      "  ```",
    ].join("\n");
    const m = await parseSpec(src, "s.md");
    const [sql, bash] = m.codeBlocks;
    expect(sql).toMatchObject({ lang: "sql", contentLine: 4, indent: 0, state: "comment", fillable: true });
    expect(bash).toMatchObject({
      lang: "bash",
      value: "echo hi",
      contentLine: 10,
      indent: 2,
      state: "filled",
    });
  });

  it("reads lists: comment-only items, checkboxes and list-item fields", async () => {
    const src = [
      "**Execution order:**",
      "1. <!-- Step 1 -->",
      "2. <!-- Step 2 -->",
      "",
      "**Rollback if:**",
      "- [ ] error rate above 2%",
      "- [ ] <!-- -->",
      "",
      "Notes:",
      "",
      "- Risks: <!-- e.g., data loss -->",
    ].join("\n");
    const m = await parseSpec(src, "s.md");
    expect(m.lists).toHaveLength(3);
    expect(m.lists[0]!.items.map((i) => i.state)).toEqual(["comment", "comment"]);
    expect(pos(m, m.lists[0]!.items[0]!.offset)).toBe("2:4");
    expect(m.lists[1]!.items.map((i) => i.state)).toEqual(["filled", "comment"]);
    const lists = m.slots.filter((s) => s.kind === "list");
    expect(lists.map((s) => [s.label, s.state])).toEqual([
      ["Execution order", "comment"],
      ["Rollback if", "filled"],
    ]);
    expect(m.fields.find((f) => f.label === "Risks")).toMatchObject({ state: "comment", inList: true });
  });

  it("gives inline code spans with the position of their first character", async () => {
    const m = await parseSpec("See `src/x.ts` and ``a `b` c``.\n", "s.md");
    const codes = m.runs.flatMap((r) => r.segs).filter((s) => s.kind === "code");
    expect(codes.map((c) => [c.text, pos(m, c.start)])).toEqual([
      ["src/x.ts", "1:6"],
      ["a `b` c", "1:22"],
    ]);
  });

  it("finds the issue in the GitHub Issue field", async () => {
    expect((await parseSpec("**GitHub Issue:** #239\n", "s.md")).issue).toBe(239);
    expect((await parseSpec("**Issue:** GH#12\n", "s.md")).issue).toBe(12);
    expect((await parseSpec("**GitHub Issue:** #{{ISSUE_NUMBER}}\n", "s.md")).issue).toBeNull();
  });
});

describe("parseSpec: not-applicable regions", () => {
  it("skips a section marked N/A with a reason, and records one without", async () => {
    const src = [
      "## 5. Security",
      "",
      "N/A: no new surface.",
      "",
      "| R | W |",
      "|---|---|",
      "| <!-- --> | <!-- --> |",
      "",
      "## 6. Other",
      "",
      "N/A",
      "",
    ].join("\n");
    const m = await parseSpec(src, "s.md");
    const cell = m.slots.find((s) => s.kind === "cell")!;
    expect(m.skipped(cell.offset)).toMatch(/N\/A/);
    expect(m.naWithoutReason.map((n) => [n.section.title, pos(m, n.offset)])).toEqual([["6. Other", "11:1"]]);
  });

  it("a No answer gates the section it opens, climbing to a parent about the same subject", async () => {
    const src = [
      "## 4. Database Migration",
      "### 4.1 Migration Details",
      "**Migration needed?** No",
      "**Type:** <!-- -->",
      "### 4.2 Rollback Plan",
      "**Rollback approach:**",
      "<!-- -->",
      "## 5. Next",
      "**Owner:** <!-- -->",
    ].join("\n");
    const m = await parseSpec(src, "s.md");
    const open = m.slots.filter((s) => !m.skipped(s.offset)).map((s) => s.label);
    expect(open).toEqual(["Owner"]);
  });

  it("a No answer that does not open its section gates only the rest of it", async () => {
    const src = [
      "## 4. Execution",
      "**Execution order:** step one",
      "**Downtime required?** No",
      "**Estimated duration:** <!-- -->",
      "## 5. Data Layer",
      "### 5.1 Schema",
      "**Schema change needed?** No",
      "### 5.2 Access",
      "**Queries:** <!-- -->",
    ].join("\n");
    const m = await parseSpec(src, "s.md");
    const open = m.slots.filter((s) => !m.skipped(s.offset)).map((s) => s.label);
    // "Schema change needed?" gates 5.1 only: 5.2 is not about the schema.
    expect(open).toEqual(["Execution order", "Queries"]);
  });

  it("an untouched optional section is skipped; a touched one is not", async () => {
    const untouched = await parseSpec("## Research (Optional)\n\n**Finding:** <!-- -->\n", "s.md");
    expect(untouched.skipped(untouched.slots[0]!.offset)).toMatch(/optional/);
    const touched = await parseSpec(
      "## Research (Optional)\n\n**Finding:** yes\n**Impact:** <!-- -->\n",
      "s.md",
    );
    expect(touched.slots.every((s) => touched.skipped(s.offset) === null)).toBe(true);
  });
});

describe("parseSpec: the seed template", () => {
  it("finds the seed's slots and scores it near zero", async () => {
    const m = await parseSpec(SEED, "seed.md");
    expect(m.issue).toBeNull();
    expect(m.sections).toHaveLength(40);
    const type = m.fields.find((f) => f.label === "Type")!;
    expect(pos(m, type.offset)).toBe("43:11");
    expect(m.fields.find((f) => f.label === "Migration needed")!.state).toBe("choice");
    expect(m.codeBlocks.map((c) => [c.lang, c.contentLine, c.state])).toEqual([
      ["sql", 136, "comment"],
      ["bash", 190, "comment"],
      ["bash", 211, "comment"],
      ["bash", 238, "variable"],
      ["bash", 244, "variable"],
      [null, 269, "filled"],
    ]);
    // The optional research section is untouched, so it is skipped.
    expect(m.skips.map((s) => s.reason)).toEqual([
      'optional section "Research Context (Optional)" is left out',
    ]);
    const c = completeness(m);
    expect(c.total).toBeGreaterThan(80);
    expect(c.score).toBeLessThan(10);
  });
});
