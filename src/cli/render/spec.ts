// Renderings of `wm spec check` results: stylish (people), SARIF 2.1.0 (code scanning), GitHub
// workflow annotations. JSON is the envelope, printed by the CLI.

import type { Diagnostic } from "../../core/diagnostics.js";
import { SPEC_RULES } from "../../core/spec/rules/index.js";
import type { SpecCheckResult } from "../../services/spec-check.js";
import { paint } from "../output.js";

export const SCORE_RULE = "spec/score";
const SCORE_DESCRIPTION = "The spec's completeness score is below --min-score (default 75).";

export function stylish(result: SpecCheckResult, color: boolean): string {
  const p = paint(color);
  const lines: string[] = [];
  for (const f of result.files) {
    for (const d of f.findings) {
      const sev =
        d.severity === "error"
          ? p.red("error")
          : d.severity === "warning"
            ? p.yellow("warning")
            : p.blue("info");
      lines.push(`${d.file}:${d.line}:${d.column}  ${sev}  ${p.dim(d.rule)}  ${d.message}`);
      if (d.fix) lines.push(`    ${p.dim(`fix: ${d.fix}`)}`);
    }
    const errors = f.findings.filter((d) => d.severity === "error").length;
    const gate = f.score < result.minScore ? p.red(` (below --min-score ${result.minScore})`) : "";
    const count =
      f.findings.length === 0
        ? p.green("no findings")
        : `${f.findings.length} finding${f.findings.length === 1 ? "" : "s"} (${errors} error${errors === 1 ? "" : "s"})`;
    lines.push(`${p.bold(f.file)}: score ${f.score}/100${gate}, ${count}`);
  }
  return lines.join("\n");
}

function escapeData(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}
function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

/** `::error file=...,line=...,col=...,title=rule::message` lines. */
export function githubAnnotations(result: SpecCheckResult): string {
  const lines: string[] = [];
  for (const f of result.files) {
    for (const d of f.findings) {
      const level = d.severity === "error" ? "error" : d.severity === "warning" ? "warning" : "notice";
      const msg = d.fix ? `${d.message} (fix: ${d.fix})` : d.message;
      lines.push(
        `::${level} file=${escapeProperty(d.file ?? f.file)},line=${d.line ?? 1},col=${d.column ?? 1},title=${escapeProperty(d.rule)}::${escapeData(msg)}`,
      );
    }
    if (f.score < result.minScore) {
      lines.push(
        `::error file=${escapeProperty(f.file)},line=1,col=1,title=${escapeProperty(SCORE_RULE)}::${escapeData(`completeness score ${f.score} is below --min-score ${result.minScore}`)}`,
      );
    }
  }
  return lines.join("\n");
}

const LEVEL: Record<Diagnostic["severity"], "error" | "warning" | "note"> = {
  error: "error",
  warning: "warning",
  info: "note",
};

/** A minimal valid SARIF 2.1.0 log. */
export function sarif(result: SpecCheckResult, version: string): Record<string, unknown> {
  const rules = [
    ...SPEC_RULES.map((r) => ({
      id: r.id,
      shortDescription: { text: r.description },
      defaultConfiguration: { level: LEVEL[r.severity] },
    })),
    {
      id: SCORE_RULE,
      shortDescription: { text: SCORE_DESCRIPTION },
      defaultConfiguration: { level: "error" },
    },
  ];
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const results: Record<string, unknown>[] = [];
  const location = (uri: string, line: number, column: number) => [
    { physicalLocation: { artifactLocation: { uri }, region: { startLine: line, startColumn: column } } },
  ];
  for (const f of result.files) {
    for (const d of f.findings) {
      results.push({
        ruleId: d.rule,
        ruleIndex: index.get(d.rule) ?? 0,
        level: LEVEL[d.severity],
        message: { text: d.fix ? `${d.message} (fix: ${d.fix})` : d.message },
        locations: location(d.file ?? f.file, d.line ?? 1, d.column ?? 1),
      });
    }
    if (f.score < result.minScore) {
      results.push({
        ruleId: SCORE_RULE,
        ruleIndex: index.get(SCORE_RULE),
        level: "error",
        message: { text: `completeness score ${f.score} is below --min-score ${result.minScore}` },
        locations: location(f.file, 1, 1),
      });
    }
  }
  return {
    version: "2.1.0",
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    runs: [
      {
        tool: {
          driver: { name: "wm", version, informationUri: "https://www.npmjs.com/package/wm-workflow", rules },
        },
        results,
      },
    ],
  };
}
