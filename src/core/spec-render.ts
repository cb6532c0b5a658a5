// Turning a planning template into a new spec: the mechanical variables filled, the issue's acceptance
// criteria put under the template's `**Acceptance Criteria:**` field. Pure.
//
// Mechanical variables are those wm knows without reading the code: see SPEC_VARIABLES. Any other `{{name}}`
// (`{{migration_name}}` in the infrastructure template) is for the agent and is left as it is, for
// `wm spec check` to report until it is filled.

export interface SpecVariables {
  /** The spec's title (the issue's, or --title). */
  FEATURE_TITLE: string;
  /** The issue number, as digits. */
  ISSUE: string;
  /** The same number under the name the seed template uses. */
  ISSUE_NUMBER: string;
  /** Today, YYYY-MM-DD (UTC). */
  DATE: string;
  /** The file-name slug. */
  SLUG: string;
  /** The template's name. */
  TEMPLATE: string;
}

export const SPEC_VARIABLES: ReadonlyArray<keyof SpecVariables> = [
  "FEATURE_TITLE",
  "ISSUE",
  "ISSUE_NUMBER",
  "DATE",
  "SLUG",
  "TEMPLATE",
];

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const VARIABLE = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
const SHELL_FENCE = /^ {0,3}(`{3,}|~{3,})\s*(bash|sh|shell|zsh)\b/i;

/** A value as it must be written between double quotes in a shell line to read back as itself. */
export function shellDoubleQuoted(value: string): string {
  return value.replace(/[\\"$`]/g, (c) => `\\${c}`);
}

/**
 * Replaces `{{NAME}}` (spaces inside the braces allowed) for the mechanical names; leaves every other
 * `{{...}}`. Inside ```bash (sh, shell, zsh) blocks the values are escaped for double quotes, where the
 * templates use them (`--title="GH#{{ISSUE}}: {{FEATURE_TITLE}}"`), so a title with `"` or `$` still reads
 * back as itself.
 */
export function fillVariables(text: string, vars: SpecVariables): string {
  const fill = (line: string, shell: boolean) =>
    line.replace(VARIABLE, (whole, name: string) => {
      if (!(SPEC_VARIABLES as readonly string[]).includes(name)) return whole;
      const value = vars[name as keyof SpecVariables];
      return shell ? shellDoubleQuoted(value) : value;
    });
  const lines = text.split("\n");
  let fence: string | null = null;
  let shell = false;
  return lines
    .map((line) => {
      const f = FENCE.exec(line);
      if (f) {
        if (fence === null) {
          fence = f[1]!;
          shell = SHELL_FENCE.test(line);
        } else if (f[1]!.startsWith(fence[0]!) && f[1]!.length >= fence.length) {
          fence = null;
          shell = false;
        }
        return fill(line, false);
      }
      return fill(line, fence !== null && shell);
    })
    .join("\n");
}

const AC_FIELD = /^(\s*)\*\*Acceptance Criteria:?\*\*:?[ \t]*(<!--.*?-->)?[ \t]*$/i;
/** A line that is only a template comment. */
const COMMENT_LINE = /^\s*<!--.*-->\s*$/;
/** A list item (optionally a checkbox) whose only content is a template comment, or nothing. */
const PLACEHOLDER_ITEM = /^\s*[-*+][ \t]+(\[[ xX]\][ \t]*)?(<!--.*-->)?\s*$/;

export interface CriteriaInsertion {
  text: string;
  /** False when the template has no `**Acceptance Criteria:**` field, or that field is not a placeholder. */
  inserted: boolean;
  /** 1-based line of the field in the result, when found. */
  line?: number;
}

/**
 * Puts the criteria under the first `**Acceptance Criteria:**` field outside code blocks, as one
 * `- [ ] criterion` line each. What the field holds in the template is its placeholder: comment-only lines
 * (`<!-- Copy from the issue -->`, multi-line ones too) and empty list items (`- [ ] <!-- -->`) right below
 * it, up to the first blank line or real content; that placeholder is replaced and nothing else is touched.
 * A field that already holds real content is left alone (inserted: false).
 */
export function insertAcceptanceCriteria(text: string, criteria: readonly string[]): CriteriaInsertion {
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const lines = text.split(/\r?\n/);
  let fence: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const f = FENCE.exec(line);
    if (f) {
      if (fence === null) fence = f[1]!;
      else if (f[1]!.startsWith(fence[0]!) && f[1]!.length >= fence.length) fence = null;
      continue;
    }
    if (fence !== null) continue;
    const m = AC_FIELD.exec(line);
    if (!m) continue;
    let j = i + 1;
    while (j < lines.length) {
      const l = lines[j]!;
      if (COMMENT_LINE.test(l) || PLACEHOLDER_ITEM.test(l)) {
        j++;
        continue;
      }
      if (/^\s*<!--/.test(l) && !l.includes("-->")) {
        // A comment over several lines.
        let k = j + 1;
        while (k < lines.length && !lines[k]!.includes("-->")) k++;
        if (k >= lines.length || !/-->\s*$/.test(lines[k]!)) break;
        j = k + 1;
        continue;
      }
      break;
    }
    const placeholder = j > i + 1 || m[2] !== undefined;
    const next = lines[j];
    const hasContent = next !== undefined && next.trim() !== "";
    if (!placeholder && hasContent) return { text, inserted: false, line: i + 1 };
    if (criteria.length === 0) return { text, inserted: false, line: i + 1 };
    const indent = m[1] ?? "";
    const label = line.replace(/[ \t]*<!--.*?-->[ \t]*$/, "");
    const items = criteria.map((c) => `${indent}- [ ] ${c}`);
    // Keep a blank line before whatever followed the placeholder (the next field), as the template had.
    const tail = hasContent ? [""] : [];
    const out = [...lines.slice(0, i), label, ...items, ...tail, ...lines.slice(j)];
    return { text: out.join(eol), inserted: true, line: i + 1 };
  }
  return { text, inserted: false };
}
