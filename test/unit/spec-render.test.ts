// Making a spec from a template: variables, slugs, acceptance criteria from an issue body, and where they go.
import { describe, expect, it } from "vitest";
import { readBreakdown } from "../../src/core/breakdown.js";
import { acceptanceCriteria, isSlug, slugify } from "../../src/core/issues.js";
import { fillVariables, insertAcceptanceCriteria, type SpecVariables } from "../../src/core/spec-render.js";
import { taskCreateRules } from "../../src/services/spec-tasks.js";

const VARS: SpecVariables = {
  FEATURE_TITLE: "Rate limits",
  ISSUE: "12",
  ISSUE_NUMBER: "12",
  DATE: "2030-01-02",
  SLUG: "rate-limits",
  TEMPLATE: "feature",
};

describe("fillVariables", () => {
  it("fills the mechanical variables and leaves the agent's", () => {
    expect(
      fillVariables("# {{FEATURE_TITLE}} #{{ ISSUE }} {{ISSUE_NUMBER}} {{DATE}} {{SLUG}} {{TEMPLATE}}", VARS),
    ).toBe("# Rate limits #12 12 2030-01-02 rate-limits feature");
    // A GitHub Actions expression, written as workflows do.
    const actions = `$${"{{ secrets.X }}"}`;
    const agents = `XXXX_{{migration_name}}.sql ${actions} {{Issue}}`;
    expect(fillVariables(agents, VARS)).toBe(agents);
  });

  it("escapes values inside bash blocks so the shell reads them back as written", () => {
    const title = 'Say "hi" for $5 `now` \\o/';
    const text = [
      "# {{FEATURE_TITLE}}",
      "```bash",
      'wm tasks create --title="GH#{{ISSUE}}: {{FEATURE_TITLE}}" --type=epic --issue={{ISSUE}}',
      "```",
      "After: {{FEATURE_TITLE}}",
    ].join("\n");
    const out = fillVariables(text, { ...VARS, FEATURE_TITLE: title }).split("\n");
    expect(out[0]).toBe(`# ${title}`);
    expect(out[4]).toBe(`After: ${title}`);
    const bd = readBreakdown("s.md", [{ value: out[2]!, line: 3 }], 12, taskCreateRules());
    expect(bd.lines[0]!.title).toBe(`GH#12: ${title}`);
  });

  it("does not read replacement patterns in the values", () => {
    expect(fillVariables("{{FEATURE_TITLE}}", { ...VARS, FEATURE_TITLE: "costs $& and $1" })).toBe(
      "costs $& and $1",
    );
  });
});

describe("slugify", () => {
  it("lower-case ASCII with single dashes, accents folded", () => {
    expect(slugify("Upgrade the CI pipeline to Node 22!")).toBe("upgrade-the-ci-pipeline-to-node-22");
    expect(slugify("  Café: déjà vu -- naïve  ")).toBe("cafe-deja-vu-naive");
    expect(slugify("日本語")).toBe("");
  });

  it("cuts long titles at a dash near 50 characters", () => {
    const s = slugify("Move every background job from the legacy cron runner onto the new queue workers");
    expect(s.length).toBeLessThanOrEqual(50);
    expect(s).toBe("move-every-background-job-from-the-legacy-cron");
    expect(slugify("a".repeat(80))).toBe("a".repeat(50));
  });

  it("isSlug accepts what slugify makes and nothing that could leave the directory", () => {
    expect(isSlug("rate-limits-2")).toBe(true);
    for (const bad of ["../x", "a/b", "A", "-a", "a-", "a--b", "", "a b"])
      expect(isSlug(bad), bad).toBe(false);
  });
});

describe("acceptanceCriteria", () => {
  it("takes list items and paragraphs under the heading, up to the next heading of its level", async () => {
    const body = [
      "Intro, not a criterion.",
      "",
      "### Acceptance criteria:",
      "",
      "1. Works with `npm ci`",
      "2. [x] Deploy",
      "   waits for tests",
      "   - a nested note (not a criterion of its own)",
      "",
      "A paragraph criterion.",
      "",
      "#### Detail",
      "- still in the section",
      "",
      "## Out of scope",
      "- not this",
    ].join("\n");
    expect(await acceptanceCriteria(body)).toEqual([
      "Works with `npm ci`",
      "Deploy waits for tests",
      "A paragraph criterion.",
      "still in the section",
    ]);
  });

  it("reads GitHub task lists without their checkboxes, and a bold label as a heading", async () => {
    expect(await acceptanceCriteria("## Acceptance Criteria\n- [ ] one\n- [x] two\n")).toEqual([
      "one",
      "two",
    ]);
    expect(await acceptanceCriteria("**Acceptance Criteria:**\n\n- one\n\n# Next\n- no")).toEqual(["one"]);
  });

  it("is empty without such a section, and ignores the words in code", async () => {
    expect(await acceptanceCriteria("Just text.\n- a list\n")).toEqual([]);
    expect(await acceptanceCriteria("```\n## Acceptance Criteria\n- x\n```\n")).toEqual([]);
  });
});

describe("insertAcceptanceCriteria", () => {
  it("replaces a comment placeholder (the seed's field) and keeps the blank line before the next field", () => {
    const text =
      "**Type:** x\n**Acceptance Criteria:**\n<!-- Copy from GitHub issue or spec -->\n\n**Related:**\n";
    const r = insertAcceptanceCriteria(text, ["one", "two"]);
    expect(r.inserted).toBe(true);
    expect(r.text).toBe("**Type:** x\n**Acceptance Criteria:**\n- [ ] one\n- [ ] two\n\n**Related:**\n");
  });

  it("replaces guidance plus an empty checkbox (our templates), and a multi-line comment", () => {
    const ours = "**Acceptance Criteria:**\n<!-- one checkbox per criterion -->\n- [ ] <!-- -->\n\nNext\n";
    expect(insertAcceptanceCriteria(ours, ["a"]).text).toBe("**Acceptance Criteria:**\n- [ ] a\n\nNext\n");
    const multi = "**Acceptance Criteria:**\n<!--\n  copy them\n-->\n**Next:** y\n";
    expect(insertAcceptanceCriteria(multi, ["a"]).text).toBe(
      "**Acceptance Criteria:**\n- [ ] a\n\n**Next:** y\n",
    );
  });

  it("leaves a field that has content, a missing field, code blocks, and an empty criteria list alone", () => {
    const filled = "**Acceptance Criteria:**\n- [ ] real\n";
    expect(insertAcceptanceCriteria(filled, ["a"])).toMatchObject({ inserted: false, text: filled });
    const fenced = "```\n**Acceptance Criteria:**\n<!-- -->\n```\n";
    expect(insertAcceptanceCriteria(fenced, ["a"])).toMatchObject({ inserted: false, text: fenced });
    expect(insertAcceptanceCriteria("no field\n", ["a"]).inserted).toBe(false);
    const empty = "**Acceptance Criteria:**\n<!-- -->\n";
    expect(insertAcceptanceCriteria(empty, [])).toMatchObject({ inserted: false, text: empty });
  });

  it("keeps CRLF line endings", () => {
    const r = insertAcceptanceCriteria("**Acceptance Criteria:**\r\n<!-- x -->\r\n\r\nNext\r\n", ["a"]);
    expect(r.text).toBe("**Acceptance Criteria:**\r\n- [ ] a\r\n\r\nNext\r\n");
  });
});
