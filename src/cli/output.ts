// Colours, the JSON envelope and error printing: the only place (with the renderers) that knows about
// terminals.

import { WmError } from "../core/errors.js";

export const SCHEMA_VERSION = 1;

export function envelope(kind: string, data: unknown): string {
  return JSON.stringify({ schemaVersion: SCHEMA_VERSION, kind, data });
}

export function useColor(
  env: Record<string, string | undefined>,
  isTTY: boolean,
  noColorFlag: boolean,
): boolean {
  if (noColorFlag) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "" && env.FORCE_COLOR !== "0") return true;
  return isTTY && env.TERM !== "dumb";
}

export interface Paint {
  bold: (s: string) => string;
  dim: (s: string) => string;
  red: (s: string) => string;
  green: (s: string) => string;
  yellow: (s: string) => string;
  blue: (s: string) => string;
  cyan: (s: string) => string;
}

const wrap = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;
const id = (s: string) => s;

export function paint(color: boolean): Paint {
  if (!color) return { bold: id, dim: id, red: id, green: id, yellow: id, blue: id, cyan: id };
  return {
    bold: wrap(1, 22),
    dim: wrap(2, 22),
    red: wrap(31, 39),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    blue: wrap(34, 39),
    cyan: wrap(36, 39),
  };
}

export interface ErrorReport {
  message: string;
  exitCode: number;
  rule?: string;
  hint?: string;
  details?: unknown;
}

export function toReport(err: unknown): ErrorReport {
  if (err instanceof WmError) {
    const r: ErrorReport = { message: err.message, exitCode: err.exitCode };
    if (err.rule !== undefined) r.rule = err.rule;
    if (err.hint !== undefined) r.hint = err.hint;
    if (err.details !== undefined) r.details = err.details;
    return r;
  }
  const e = err as Error;
  return {
    message: `internal error: ${e?.message ?? String(err)}`,
    exitCode: 2,
    rule: "internal",
    hint: "this is a bug in wm; rerun with WM_DEBUG=1 for the stack trace and report it",
  };
}
