// One diagnostic shape shared by the task checker, the spec checker, the hooks and the MCP server.

export type Severity = "error" | "warning" | "info";

export interface Diagnostic {
  severity: Severity;
  /** Stable rule id, e.g. `task/cycle`. Listed in docs/agent-contract.md. */
  rule: string;
  message: string;
  file?: string;
  line?: number;
  column?: number;
  /** What to do about it, when wm knows. */
  fix?: string;
  /** Task ids the finding is about. */
  tasks?: string[];
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}
