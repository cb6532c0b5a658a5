// What a command module exports, and the shared flag fragments.

import type { Ctx } from "../services/context.js";

export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  multiple?: boolean;
  /** Shown in help, e.g. "N" for --issue=N. */
  arg?: string;
  description: string;
}

export interface Io {
  ctx: Ctx;
  json: boolean;
  color: boolean;
  /** stderr is a terminal: progress may be shown. */
  interactive: boolean;
  stderr: (line: string) => void;
}

/** What a command returns: data for --json, a text rendering for people, and an exit code. */
export interface Outcome {
  kind: string;
  data: unknown;
  text?: string;
  exitCode?: number;
}

export type Values = Record<string, string | boolean | Array<string | boolean> | undefined>;

export interface Command {
  usage: string;
  description?: string;
  options: Record<string, OptionSpec>;
  /** Names of positional arguments, for help; `...` suffix means any number. */
  positionals?: { names: string[]; min: number; max: number };
  examples: string[];
  /** False for commands that only act and print nothing to report (none yet): they still take --json. */
  run(values: Values, positionals: string[], io: Io): Promise<Outcome>;
}

export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  json: { type: "boolean", description: "print one JSON document on stdout: {schemaVersion, kind, data}" },
  help: { type: "boolean", short: "h", description: "show this help" },
  "no-color": {
    type: "boolean",
    description: "no colours (also NO_COLOR=1, or when stdout is not a terminal)",
  },
};

/** `--session=ID` of the session commands (enter, exit, status, can-exit, prime). */
export const SESSION_OPTION: OptionSpec = {
  type: "string",
  arg: "ID",
  description: "the session (default: WM_SESSION, CLAUDE_CODE_SESSION_ID, cli)",
};

export function str(values: Values, name: string): string | undefined {
  const v = values[name];
  return typeof v === "string" ? v : undefined;
}

export function list(values: Values, name: string): string[] | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  const raw = Array.isArray(v) ? v.map(String) : [String(v)];
  const out = raw
    .flatMap((s) => s.split(","))
    .map((s) => s.trim())
    .filter((s) => s !== "");
  return out;
}

export function bool(values: Values, name: string): boolean {
  return values[name] === true;
}
