// What a value means: filled, unfilled (empty, a template comment, TBD), a leftover template variable,
// or a template's list of alternatives left unresolved. Regexes here only ever see one value's text.

import { type FillState, plainText, type Seg } from "./model.js";

/** `{{NAME}}` as templates write them; `${{ ... }}` (GitHub Actions expressions) is not one. */
export const TEMPLATE_VARIABLE = /(?<!\$)\{\{\s*[A-Za-z_][A-Za-z0-9_.-]*\s*\}\}/g;

export function hasTemplateVariable(text: string): boolean {
  TEMPLATE_VARIABLE.lastIndex = 0;
  const found = TEMPLATE_VARIABLE.test(text);
  TEMPLATE_VARIABLE.lastIndex = 0;
  return found;
}

const PLACEHOLDERS = new Set([
  "tbd",
  "tbc",
  "todo",
  "fixme",
  "...",
  "…",
  "?",
  "??",
  "???",
  "xxx",
  "<todo>",
  "<tbd>",
]);

export function isPlaceholder(text: string): boolean {
  return PLACEHOLDERS.has(text.trim().toLowerCase());
}

/**
 * Groups of words a template offers as alternatives. A value made only of words of one group, separated
 * by `/` or `|`, is a choice left unresolved (`Yes / No`, `Create/Modify/Delete`). `CI/CD` or
 * `staging/prod` are not: their words belong to no group.
 */
const CHOICE_GROUPS: ReadonlyArray<ReadonlySet<string>> = [
  new Set(["yes", "no", "y", "n"]),
  new Set(["create", "modify", "delete", "update", "remove", "rename", "add", "new", "edit"]),
  new Set(["low", "medium", "high", "critical"]),
  new Set(["true", "false"]),
  new Set(["required", "optional"]),
  new Set(["additive", "destructive", "data migration", "safe", "risky"]),
];

function normaliseChoice(part: string): string {
  return part
    .replace(/\([^)]*\)/g, "")
    .trim()
    .toLowerCase();
}

/** True for `Yes / No`, `Yes/No`, `Create/Modify/Delete`, `Additive (safe) | Destructive (risky) | Data migration`. */
export function isUnresolvedChoice(text: string): boolean {
  const t = text.trim();
  if (t === "" || t.length > 120) return false;
  // `|` always separates alternatives in a value; `/` does unless the value has `|` too.
  const parts = (t.includes("|") ? t.split("|") : t.split("/")).map(normaliseChoice);
  if (parts.length < 2 || parts.some((p) => p === "")) return false;
  if (new Set(parts).size < 2) return false;
  if (t.includes("|") && parts.length >= 3 && parts.every((p) => p.split(/\s+/).length <= 3)) return true;
  return CHOICE_GROUPS.some((group) => parts.every((p) => group.has(p)));
}

/** The fill state of a value given as inline segments. */
export function fillState(segs: readonly Seg[]): FillState {
  const meaningful = segs.filter((s) => !(s.kind === "text" && s.text.trim() === ""));
  if (meaningful.length === 0) return "empty";
  if (meaningful.every((s) => s.kind === "comment")) return "comment";
  const text = plainText(segs);
  // `#<!-- -->`: a prefix the template wrote before the comment is not an answer.
  if (meaningful.some((s) => s.kind === "comment") && !/[\p{L}\p{N}]/u.test(text)) return "comment";
  return textState(text);
}

/** The fill state of a value's plain text (comments already removed). */
export function textState(raw: string): FillState {
  const text = raw.trim();
  if (text === "") return "empty";
  if (isPlaceholder(text)) return "placeholder";
  if (hasTemplateVariable(text)) return "variable";
  if (isUnresolvedChoice(text)) return "choice";
  return "filled";
}

export function isUnfilled(state: FillState): boolean {
  return state === "empty" || state === "comment" || state === "placeholder";
}

/** A paragraph that says the section does not apply: `N/A`, `N/A: reason`, `**N/A** - reason`. */
export function notApplicable(text: string): { reason: string } | null {
  const m = /^\W*n\/a\b(.*)$/is.exec(text.trim());
  if (!m) return null;
  const reason = m[1]!.replace(/^[\s\p{P}\p{S}]+|[\s\p{P}\p{S}]+$/gu, "");
  return { reason };
}

/** A "No" (or N/A, None) answer to a yes/no question. */
export function isNoAnswer(text: string): boolean {
  return /^(no|none|n\/a)\b/i.test(text.trim());
}

/** Table columns that may be left empty. */
export const OPTIONAL_COLUMN = /^(notes?|comments?|remarks?)$/i;
