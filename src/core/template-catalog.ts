// The built-in planning templates: name and one-line description of each. The files ship in the package
// at templates/specs/<name>.md (src/store/templates.ts finds them, and the project's overrides).
// None of them has frontmatter: `infrastructure` is the seed verbatim, and the others keep its format.

export interface BuiltinTemplate {
  name: string;
  description: string;
  /** Where a document made from it belongs: planning/specs/<issue>-<slug>.md, or planning/research/<date>-<slug>.md. */
  output: "specs" | "research";
}

export const BUILTIN_TEMPLATES: readonly BuiltinTemplate[] = [
  {
    name: "feature",
    description:
      "a feature across backend, frontend, data and tests; verification-gated from a blocking baseline",
    output: "specs",
  },
  {
    name: "backend",
    description: "backend-only work: API, services, jobs, data access and tests",
    output: "specs",
  },
  {
    name: "frontend",
    description: "frontend-only work: routes, pages, components, state, accessibility and tests",
    output: "specs",
  },
  {
    name: "bug",
    description: "a bug fix: reproduction, root cause at file:line, regression test first",
    output: "specs",
  },
  {
    name: "infrastructure",
    description: "CI/CD, migrations, tooling and developer workflows (the original seed template)",
    output: "specs",
  },
  {
    name: "epic",
    description: "a goal split into child issues and milestones; no code fields",
    output: "specs",
  },
  {
    name: "milestone",
    description: "issues that ship together: scope, exit criteria, schedule and release",
    output: "specs",
  },
  {
    name: "research",
    description: "one question: sources read, findings with file paths, a recommendation",
    output: "research",
  },
];

/**
 * The variables `wm spec new` fills. Our templates use FEATURE_TITLE and ISSUE only (one name per value);
 * ISSUE_NUMBER is the same value under the name the seed also uses.
 */
export const TEMPLATE_VARIABLES = ["FEATURE_TITLE", "ISSUE", "ISSUE_NUMBER"] as const;

/** The task types a template's Task Breakdown may use. */
export const BREAKDOWN_TASK_TYPES = ["epic", "impl", "verify", "test", "review"] as const;

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** A name that can be a file name under .wm/templates/ (no separators, no leading dot). */
export function isTemplateName(name: string): boolean {
  return NAME.test(name) && !name.endsWith(".md") && name.length <= 100;
}

export function builtinTemplate(name: string): BuiltinTemplate | undefined {
  return BUILTIN_TEMPLATES.find((t) => t.name === name);
}

/**
 * The description of a template file: its first `# ` heading, without template variables and the
 * punctuation they leave behind ("# Feature Planning: {{FEATURE_TITLE}}" -> "Feature Planning").
 * Skips YAML frontmatter and fenced code blocks. Null when there is no such heading.
 */
export function headingDescription(text: string): string | null {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  let i = 0;
  if (lines[0]?.trim() === "---") {
    const end = lines.findIndex((l, k) => k > 0 && (l.trim() === "---" || l.trim() === "..."));
    if (end > 0) i = end + 1;
  }
  let fence: string | null = null;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    const f = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (f) {
      if (fence === null) fence = f[1]!;
      else if (f[1]!.startsWith(fence[0]!) && f[1]!.length >= fence.length) fence = null;
      continue;
    }
    if (fence !== null) continue;
    const h = /^ {0,3}#[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/.exec(line);
    if (!h) continue;
    const title = h[1]!
      .replace(/\{\{[^}]*\}\}/g, "")
      .replace(/[\s:\-–—|]+$/u, "")
      .trim();
    return title === "" ? null : title;
  }
  return null;
}
