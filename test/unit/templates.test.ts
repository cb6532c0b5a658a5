// The built-in planning templates: present, consistent with each other and with the seed, and with Task
// Breakdowns whose lines the real CLI accepts. Plus the store's resolution of built-ins and overrides.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { GLOBAL_OPTIONS } from "../../src/cli/command.js";
import tasksCreate from "../../src/cli/commands/tasks-create.js";
import { UsageError } from "../../src/core/errors.js";
import {
  BREAKDOWN_TASK_TYPES,
  BUILTIN_TEMPLATES,
  headingDescription,
  isTemplateName,
} from "../../src/core/template-catalog.js";
import { pathsFor } from "../../src/store/paths.js";
import { builtinTemplatesDir, listTemplates, packageRoot, readTemplate } from "../../src/store/templates.js";
import { cleanupTemp, REPO_ROOT, tempDir } from "../helpers/cli.js";
import { breakdown, h2Headings, shellWords } from "../helpers/template-text.js";

afterAll(cleanupTemp);

const DIR = join(REPO_ROOT, "templates", "specs");
const SEED = join(REPO_ROOT, "..", "shared", "seed", "infrastructure-planning-template.md");
const NAMES = BUILTIN_TEMPLATES.map((t) => t.name);
const OURS = NAMES.filter((n) => n !== "infrastructure");
/** The templates that change code: a blocking baseline section and exactly one Phase 0 baseline task. */
const GATED = ["feature", "backend", "frontend", "bug"];

const read = (name: string) => readFileSync(join(DIR, `${name}.md`), "utf8");

interface Create {
  line: number;
  phase: { number: number; name: string } | null;
  title: string;
  type: string;
  issue: string;
}

/** Parses a breakdown line with the real `wm tasks create` option table, strictly, as the CLI does. */
function parseCreate(text: string): { title?: string; type?: string; issue?: string } {
  const words = shellWords(text);
  const at = words.indexOf("wm");
  expect(words.slice(at, at + 3)).toEqual(["wm", "tasks", "create"]);
  const options = { ...tasksCreate.options, ...GLOBAL_OPTIONS };
  const parsed = parseArgs({
    args: words.slice(at + 3),
    options: Object.fromEntries(
      Object.entries(options).map(([n, s]) => [
        n,
        { type: s.type, ...(s.short ? { short: s.short } : {}), ...(s.multiple ? { multiple: true } : {}) },
      ]),
    ),
    strict: true,
    allowPositionals: false,
  });
  return parsed.values as { title?: string; type?: string; issue?: string };
}

function creates(name: string): Create[] {
  return breakdown(read(name)).creates.map((l) => {
    const v = parseCreate(l.text);
    return { line: l.line, phase: l.phase, title: v.title ?? "", type: v.type ?? "", issue: v.issue ?? "" };
  });
}

/** Phases in order, each with the types of its tasks in order (the epic, before any phase, left out). */
function phases(name: string): Array<{ number: number; name: string; types: string[] }> {
  const out: Array<{ number: number; name: string; types: string[] }> = [];
  for (const c of creates(name)) {
    if (c.phase === null) continue;
    const last = out[out.length - 1];
    if (last && last.number === c.phase.number) last.types.push(c.type);
    else out.push({ ...c.phase, types: [c.type] });
  }
  return out;
}

describe("the built-in templates", () => {
  it("the catalog and templates/specs/ hold the same names, and every file is non-empty markdown", () => {
    const files = readdirSync(DIR).sort();
    expect(files).toEqual(NAMES.map((n) => `${n}.md`).sort());
    expect(NAMES).toEqual(
      expect.arrayContaining([
        "infrastructure",
        "feature",
        "backend",
        "frontend",
        "bug",
        "epic",
        "milestone",
        "research",
      ]),
    );
    for (const t of BUILTIN_TEMPLATES) {
      const text = read(t.name);
      expect(text.trim().length, t.name).toBeGreaterThan(500);
      expect(text.startsWith("# "), t.name).toBe(true);
      expect(t.description.length, t.name).toBeGreaterThan(10);
      expect(t.description.includes("\n"), t.name).toBe(false);
    }
  });

  it("infrastructure is the seed, byte for byte", () => {
    const ours = readFileSync(join(DIR, "infrastructure.md"));
    if (existsSync(SEED)) {
      expect(ours.equals(readFileSync(SEED))).toBe(true);
    } else {
      // Outside the team's workspace the seed is not there; its known shape still has to be.
      expect(ours.toString("utf8").split("\n")[0]).toBe("# Infrastructure Planning: {{FEATURE_TITLE}}");
      expect(ours.toString("utf8")).toContain("pnpm wm tasks list --issue={{ISSUE}}");
    }
  });

  it.each(NAMES)(
    "%s: every `wm tasks create` line carries a title, a valid type and --issue={{ISSUE}}",
    (name) => {
      const list = creates(name);
      expect(list.length).toBeGreaterThanOrEqual(5);
      for (const c of list) {
        const where = `${name}.md:${c.line}`;
        expect(c.title, where).toMatch(/^GH#\{\{ISSUE\}\}: \S/);
        expect(BREAKDOWN_TASK_TYPES as readonly string[], where).toContain(c.type);
        expect(c.issue, where).toBe("{{ISSUE}}");
      }
      expect(list.filter((c) => c.type === "epic")).toHaveLength(1);
      expect(list[0]!.type).toBe("epic");
      const b = breakdown(read(name));
      expect(b.bashLines.some((l) => /^(pnpm )?wm tasks list --issue=\{\{ISSUE\}\}$/.test(l.text))).toBe(
        true,
      );
      expect(b.section).toMatch(/### Dependency Graph \(Expected\)\n\n```\n/);
    },
  );

  it("no template but the verbatim seed mentions pnpm", () => {
    for (const name of OURS) expect(read(name), name).not.toMatch(/pnpm/i);
    expect(read("infrastructure")).toContain("pnpm wm tasks create");
  });

  it.each(OURS)("%s keeps the seed's format: no frontmatter, instructions, guidance comments", (name) => {
    const text = read(name);
    expect(text.startsWith("---")).toBe(false);
    expect(text.split("\n")[0]).toMatch(/^# .+: \{\{FEATURE_TITLE\}\}$/);
    expect(text).toContain("> **Instructions for Agent:**");
    expect(text).toContain("Every field must contain ACTUAL");
    expect(text).toContain("| <!-- ");
    expect(text).toMatch(/Yes \/ No|Yes\/No/);
    expect(text).toContain("**Issue:** #{{ISSUE}}");
    // The breakdown comes last.
    expect(h2Headings(text).at(-1)).toMatch(/^\d+\. Task Breakdown$/);
  });

  it.each(OURS)("%s is consistent: one name per variable, one score threshold, generic examples", (name) => {
    const text = read(name);
    const vars = new Set([...text.matchAll(/\{\{([^}]*)\}\}/g)].map((m) => m[1]));
    expect([...vars].sort()).toEqual(["FEATURE_TITLE", "ISSUE"]);
    const scores = [...text.matchAll(/score[^.\n]*?(\d+)/gi)].map((m) => m[1]);
    expect(scores).toEqual(["75"]);
    expect(text).toContain("`wm spec check --issue={{ISSUE}}`");
    // Nothing from the seed's own company codebase.
    expect(text).not.toMatch(/apps\/web|baseplane|\.claude\//i);
  });

  it.each(NAMES)("%s: every phase of the breakdown appears in its dependency graph", (name) => {
    const b = breakdown(read(name));
    const graph = b.section.slice(b.section.indexOf("### Dependency Graph (Expected)"));
    if (name === "infrastructure") {
      expect(graph).toContain("Analysis");
      return;
    }
    for (const p of phases(name)) expect(graph, `phase ${p.number}`).toContain(`P${p.number} `);
  });

  it.each(OURS)("%s: verification-gated phases, numbered in order, ending in a final verify", (name) => {
    const ps = phases(name);
    const first = ps[0]!.number;
    expect(ps.map((p) => p.number)).toEqual(ps.map((_, i) => first + i));
    const isVerifyPhase = (types: string[]) =>
      types.every((t) => t === "verify" || t === "review") && types.at(-1) === "verify";
    for (let i = 0; i < ps.length; i++) {
      const p = ps[i]!;
      // Test-first: inside a phase, no test task comes after an impl task.
      expect(p.types.join(" "), `phase ${p.number}`).not.toMatch(/impl.*test/);
      if (p.types.includes("impl")) {
        expect(isVerifyPhase(ps[i + 1]?.types ?? []), `phase after ${p.number}`).toBe(true);
      }
    }
    const last = ps.at(-1)!;
    expect(last.name).toBe("Final verification");
    expect(isVerifyPhase(last.types)).toBe(true);
  });

  it.each(GATED)("%s: one blocking baseline section and exactly one baseline task, in Phase 0", (name) => {
    const text = read(name);
    expect(h2Headings(text).filter((h) => /Baseline Verification \(BLOCKING\)$/.test(h))).toHaveLength(1);
    expect(text).toContain("there is no other\n> baseline task");
    const baseline = creates(name).filter((c) => /baseline/i.test(c.title));
    expect(baseline).toHaveLength(1);
    expect(baseline[0]!.type).toBe("verify");
    expect(baseline[0]!.phase).toEqual({ number: 0, name: "Baseline" });
    expect(phases(name)[0]).toEqual({ number: 0, name: "Baseline", types: ["verify"] });
    expect(text).toContain("wm gives a warning when production code is edited before a");
  });

  it.each(["epic", "milestone", "research"])("%s changes no code: no baseline phase", (name) => {
    expect(creates(name).some((c) => /baseline/i.test(c.title))).toBe(false);
    expect(phases(name)[0]!.number).toBe(1);
  });

  it("feature: BASELINE -> IMPL -> VERIFY -> IMPL -> VERIFY -> ... -> FINAL", () => {
    const ps = phases("feature");
    expect(ps.map((p) => p.types.join("+"))).toEqual([
      "verify",
      "test+impl",
      "verify",
      "test+impl",
      "verify",
      "test+impl",
      "verify",
      "impl",
      "review+verify",
    ]);
    const text = read("feature");
    for (const h of ["Data Layer", "Backend", "Frontend", "Tests (written first)"]) {
      expect(
        h2Headings(text).some((x) => x.endsWith(h)),
        h,
      ).toBe(true);
    }
    expect(text).toContain("**Migration needed?** Yes / No");
    expect(text).toContain("```sql");
  });

  it("bug: reproduction, root cause with file:line, and the regression test before the fix", () => {
    const text = read("bug");
    const heads = h2Headings(text);
    expect(heads.indexOf("1. Reproduction")).toBeGreaterThanOrEqual(0);
    expect(heads).toContain("3. Root Cause");
    expect(heads).toContain("4. Regression Test (written first)");
    expect(text).toMatch(/\*\*Location:\*\* <!-- file:line/);
    expect(text).toContain("| Step | File:Line | What Happens |");
    const list = creates("bug");
    const firstTest = list.findIndex((c) => c.type === "test");
    const firstImpl = list.findIndex((c) => c.type === "impl");
    expect(firstTest).toBeGreaterThan(0);
    expect(firstTest).toBeLessThan(firstImpl);
  });

  it("epic: child issues and milestones, and no code fields", () => {
    const text = read("epic");
    expect(h2Headings(text)).toEqual(expect.arrayContaining(["1. Child Issues", "2. Milestones"]));
    const headerRows = text
      .split("\n")
      .filter((l, i, all) => l.startsWith("|") && all[i + 1]?.startsWith("|--"));
    expect(headerRows.length).toBeGreaterThan(3);
    for (const row of headerRows) expect(row).not.toMatch(/file|path|lines|change type/i);
    expect(text).not.toContain("```sql");
    expect(text).not.toMatch(/Create\/Modify\/Delete/);
  });

  it("research: question, sources, findings with evidence, recommendation; kept under planning/research/", () => {
    const text = read("research");
    expect(h2Headings(text)).toEqual([
      "0. Research Context",
      "1. Sources Read",
      "2. Findings",
      "3. Options Considered",
      "4. Recommendation",
      "5. Unresolved Questions",
      "6. Task Breakdown",
    ]);
    expect(text).toContain("**Question:**");
    expect(text).toContain("| # | Finding | Evidence | Confidence |");
    expect(text).toContain("`planning/research/` as `YYYY-MM-DD-<slug>.md`");
    expect(BUILTIN_TEMPLATES.find((t) => t.name === "research")!.output).toBe("research");
    expect(BUILTIN_TEMPLATES.filter((t) => t.output === "research")).toHaveLength(1);
  });
});

describe("headingDescription and isTemplateName", () => {
  it("takes the first # heading, without variables and the punctuation they leave", () => {
    expect(headingDescription("# Feature Planning: {{FEATURE_TITLE}}\n\ntext")).toBe("Feature Planning");
    expect(headingDescription("intro\n\n## Sub\n# Team API spec ##\n# Second")).toBe("Team API spec");
    expect(headingDescription("---\n# a yaml comment\ntitle: x\n---\n# Real\n")).toBe("Real");
    expect(headingDescription("```md\n# not this\n```\n# This one\n")).toBe("This one");
    expect(headingDescription("\uFEFF# With BOM\r\n")).toBe("With BOM");
    expect(headingDescription("#hashtag\n## only level two\n")).toBeNull();
    expect(headingDescription("# {{FEATURE_TITLE}}\n")).toBeNull();
    expect(headingDescription("")).toBeNull();
  });

  it("accepts file-name-safe names only", () => {
    for (const ok of ["feature", "api-v2", "Team_Spec.1"]) expect(isTemplateName(ok), ok).toBe(true);
    for (const bad of ["", "../feature", "a/b", ".hidden", "feature.md", "a b", "x\\y", "-flag"]) {
      expect(isTemplateName(bad), bad).toBe(false);
    }
  });
});

describe("template resolution (store)", () => {
  it("finds the package root by its package.json name, from a source or a bundled chunk path", () => {
    expect(packageRoot()).toBe(REPO_ROOT.replace(/\/$/, ""));
    expect(packageRoot(join(REPO_ROOT, "dist", "chunks", "templates-list-XYZ.js"))).toBe(
      REPO_ROOT.replace(/\/$/, ""),
    );
    expect(builtinTemplatesDir()).toBe(DIR);
    // A package.json with another name on the way up is passed over.
    const outer = tempDir();
    writeFileSync(join(outer, "package.json"), JSON.stringify({ name: "wm-workflow" }));
    mkdirSync(join(outer, "inner", "dist", "chunks"), { recursive: true });
    writeFileSync(join(outer, "inner", "package.json"), JSON.stringify({ name: "something-else" }));
    expect(packageRoot(join(outer, "inner", "dist", "chunks", "x.js"))).toBe(outer);
  });

  it("lists built-ins in catalog order, with project overrides in place and new ones after", () => {
    const root = tempDir();
    expect(listTemplates(pathsFor(root)).map((t) => [t.name, t.source])).toEqual(
      NAMES.map((n) => [n, "builtin"]),
    );
    expect(listTemplates(null).map((t) => t.name)).toEqual(NAMES);
    const dir = join(root, ".wm", "templates");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "feature.md"), "# Our Feature Spec: {{FEATURE_TITLE}}\n\nbody\n");
    writeFileSync(join(dir, "zeta.md"), "no heading here\n");
    writeFileSync(join(dir, "alpha.md"), "# Alpha Plan\n");
    writeFileSync(join(dir, "notes.txt"), "# not a template\n");
    writeFileSync(join(dir, ".hidden.md"), "# hidden\n");
    mkdirSync(join(dir, "dir.md"));
    const list = listTemplates(pathsFor(root));
    expect(list.map((t) => `${t.name}:${t.source}`)).toEqual([
      ...NAMES.map((n) => (n === "feature" ? "feature:project" : `${n}:builtin`)),
      "alpha:project",
      "zeta:project",
    ]);
    const feature = list.find((t) => t.name === "feature")!;
    expect(feature).toEqual({
      name: "feature",
      description: "Our Feature Spec",
      source: "project",
      path: join(dir, "feature.md"),
    });
    expect(list.find((t) => t.name === "zeta")!.description).toBe("(no heading)");
    expect(list.find((t) => t.name === "bug")!.path).toBe(join(DIR, "bug.md"));

    expect(readTemplate(pathsFor(root), "feature").content).toBe(
      "# Our Feature Spec: {{FEATURE_TITLE}}\n\nbody\n",
    );
    expect(readTemplate(pathsFor(root), "alpha")).toMatchObject({
      source: "project",
      description: "Alpha Plan",
    });
    const bug = readTemplate(pathsFor(root), "bug");
    expect(bug.source).toBe("builtin");
    expect(bug.content).toBe(read("bug"));
  });

  it("an unknown or unsafe name is a usage error that lists the available templates", () => {
    const root = tempDir();
    mkdirSync(join(root, ".wm", "templates"), { recursive: true });
    writeFileSync(join(root, ".wm", "templates", "custom.md"), "# Custom\n");
    // A file outside .wm/templates/ must not be reachable by a crafted name.
    writeFileSync(join(root, ".wm", "secret.md"), "# secret\n");
    for (const name of ["nope", "../secret", "notes.txt", "custom.md", ""]) {
      let err: unknown;
      try {
        readTemplate(pathsFor(root), name);
      } catch (e) {
        err = e;
      }
      expect(err, name).toBeInstanceOf(UsageError);
      const u = err as UsageError;
      expect(u.exitCode).toBe(2);
      expect(u.rule).toBe("template/unknown");
      expect(u.message).toContain(`unknown template "${name}"`);
      expect(u.message).toContain(`available: ${[...NAMES, "custom"].join(", ")}`);
    }
  });
});
