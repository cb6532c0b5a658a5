// Runs the rules over one parsed spec and scores how much of it is really filled.

import type { Diagnostic } from "../diagnostics.js";
import type { SpecModel } from "./model.js";
import type { CheckEnv } from "./repo.js";
import type { SpecRule } from "./rule.js";
import { SPEC_RULES } from "./rules/index.js";

export interface Completeness {
  /** 0-100: the share of fillable slots really filled, not-applicable sections left out. */
  score: number;
  filled: number;
  total: number;
}

/**
 * Completeness: fields, table cells, lists, paragraph slots and code blocks that ask to be filled count;
 * those in N/A sections, No-gated sections and untouched optional sections do not. A slot holding a
 * `{{variable}}` or an unresolved choice is not filled.
 */
export function completeness(model: SpecModel): Completeness {
  let filled = 0;
  let total = 0;
  for (const slot of model.slots) {
    if (model.skipped(slot.offset)) continue;
    total++;
    if (slot.state === "filled") filled++;
  }
  return { score: total === 0 ? 100 : Math.floor((100 * filled) / total), filled, total };
}

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

export function sortFindings(findings: Diagnostic[]): Diagnostic[] {
  return findings.sort(
    (a, b) =>
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0) ||
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      a.rule.localeCompare(b.rule),
  );
}

export async function checkModel(
  model: SpecModel,
  env: CheckEnv,
  rules: readonly SpecRule[] = SPEC_RULES,
): Promise<{ findings: Diagnostic[]; completeness: Completeness }> {
  const results = await Promise.all(rules.map((r) => r.check(model, env)));
  return { findings: sortFindings(results.flat()), completeness: completeness(model) };
}
