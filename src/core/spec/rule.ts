// A spec rule is plain data plus a check: `{id, severity, description, check(model, env)}`.

import type { Diagnostic, Severity } from "../diagnostics.js";
import type { SpecModel } from "./model.js";
import type { CheckEnv } from "./repo.js";

export interface SpecRule {
  /** Stable id, `spec/...`, listed in docs/agent-contract.md. */
  id: string;
  severity: Severity;
  description: string;
  check(model: SpecModel, env: CheckEnv): Diagnostic[] | Promise<Diagnostic[]>;
}

/** A diagnostic at a source offset of the model's file. */
export function at(
  rule: Pick<SpecRule, "id" | "severity">,
  model: SpecModel,
  offset: number,
  message: string,
  fix?: string,
): Diagnostic {
  const { line, column } = model.at(offset);
  const d: Diagnostic = { severity: rule.severity, rule: rule.id, message, file: model.file, line, column };
  if (fix !== undefined) d.fix = fix;
  return d;
}

/** A diagnostic at a 1-based line and column. */
export function atLine(
  rule: Pick<SpecRule, "id" | "severity">,
  model: SpecModel,
  line: number,
  column: number,
  message: string,
  fix?: string,
): Diagnostic {
  const d: Diagnostic = { severity: rule.severity, rule: rule.id, message, file: model.file, line, column };
  if (fix !== undefined) d.fix = fix;
  return d;
}

/** Quotes a value for a message, shortened. */
export function q(s: string, max = 60): string {
  const one = s.replace(/\s+/g, " ").trim();
  return `"${one.length > max ? `${one.slice(0, max - 1)}…` : one}"`;
}
