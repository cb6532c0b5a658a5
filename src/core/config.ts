// The schema of `.wm/config.yaml`. Strict objects everywhere: a misspelt key is an error that names the
// key (and suggests the closest valid one), never silently dropped. Every key has a default
// (src/core/config-defaults.ts). Imported lazily: zod is never loaded on the hot path.

import { z } from "zod";
import {
  CONFIG_VERSION,
  type Config,
  DEFAULT_CONFIG,
  ISSUE_PROVIDERS,
  PLANNING_WRITES_GATES,
  STOP_CONDITIONS,
  type StopCondition,
  TEST_FIRST_GATES,
} from "./config-defaults.js";

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const here = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = here;
    }
  }
  return row[b.length]!;
}

/** The valid key closest to a misspelt one, when it is close enough to be a likely typo. */
export function closestKey(key: string, valid: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  const k = key.toLowerCase().replace(/-/g, "_");
  for (const v of valid) {
    const d = distance(k, v);
    if (d < bestD) {
      best = v;
      bestD = d;
    }
  }
  return best !== undefined && bestD <= Math.max(1, Math.floor(key.length / 3)) ? best : undefined;
}

function unknownKeyMessage(keys: readonly string[], valid: readonly string[]): string {
  const key = keys[0] ?? "";
  const near = closestKey(key, valid);
  const more =
    keys.length > 1
      ? ` (and ${keys
          .slice(1)
          .map((k) => `"${k}"`)
          .join(", ")})`
      : "";
  return `unknown key "${key}"${more}${near ? `; did you mean "${near}"?` : ""} Valid keys here: ${valid.join(", ")}`;
}

/** A strict object whose unknown-key error names the key and the valid ones. */
function strict<T extends z.core.$ZodLooseShape>(shape: T) {
  const valid = Object.keys(shape);
  return z.strictObject(shape, {
    error: (iss) => (iss.code === "unrecognized_keys" ? unknownKeyMessage(iss.keys, valid) : undefined),
  });
}

function shown(v: unknown): string {
  return typeof v === "string" ? `"${v}"` : (JSON.stringify(v) ?? String(v));
}

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: (iss) => `${shown(iss.input)} is not one of: ${values.join(", ")}` });
}

const relativePath = z
  .string()
  .min(1, "must not be empty")
  .refine(
    (p) => !/^([/\\]|[A-Za-z]:)/.test(p) && !p.split(/[/\\]/).includes(".."),
    "must be a path inside the project, relative to its root",
  );

const stopList = (defaults: readonly StopCondition[]) =>
  z.array(oneOf(STOP_CONDITIONS)).default(() => [...defaults]);

const D = DEFAULT_CONFIG;

export const ConfigSchema = strict({
  version: z
    .literal(CONFIG_VERSION, `unsupported config version (this wm reads version ${CONFIG_VERSION})`)
    .default(CONFIG_VERSION),
  specs: strict({
    dir: relativePath.default(D.specs.dir),
    research_dir: relativePath.default(D.specs.research_dir),
  }).prefault({}),
  issues: strict({
    provider: oneOf(ISSUE_PROVIDERS).default(D.issues.provider),
    github: strict({
      repo: z
        .string()
        .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'expected "owner/name"')
        .optional(),
      base_url: z.url({ protocol: /^https?$/, error: "expected an http(s) URL" }).optional(),
    }).optional(),
  }).prefault({}),
  hooks: strict({
    stop: strict({
      max_blocks: z.number().int().positive("must be at least 1").default(D.hooks.stop.max_blocks),
    }).prefault({}),
    gates: strict({
      planning_writes: oneOf(PLANNING_WRITES_GATES).default(D.hooks.gates.planning_writes),
      test_first: oneOf(TEST_FIRST_GATES).default(D.hooks.gates.test_first),
    }).prefault({}),
  }).prefault({}),
  stop_conditions: strict({
    planning: stopList(D.stop_conditions.planning),
    implementation: stopList(D.stop_conditions.implementation),
  }).prefault({}),
  commands: strict({
    test: z.string().min(1, "must not be empty").optional(),
  }).prefault({}),
  spec: strict({
    min_score: z.number().int().min(0).max(100).default(D.spec.min_score),
  }).prefault({}),
});

export type { Config };

// Compile-time proof that the schema yields exactly the documented Config type, both ways.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaMatchesConfig: Same<z.output<typeof ConfigSchema>, Config> = true;
void schemaMatchesConfig;

/**
 * YAML leniency before validation: a key left empty (`commands:` with its children commented out, or
 * `max_blocks:`) means "use the default", like a missing key. Nulls inside lists are kept (and rejected).
 */
export function dropNulls(data: unknown): unknown {
  if (data === null || data === undefined) return {};
  return strip(data);
}

function strip(v: unknown): unknown {
  if (Array.isArray(v)) return v.map((x) => (x !== null && typeof x === "object" ? strip(x) : x));
  if (v !== null && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = strip(x);
    return out;
  }
  return v;
}

export interface ConfigIssue {
  code: string;
  path: PropertyKey[];
  message: string;
  keys?: string[];
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; issues: ConfigIssue[] };

/** Validates parsed YAML data (nulls dropped first). */
export function validateConfig(data: unknown): ConfigResult {
  const r = ConfigSchema.safeParse(dropNulls(data));
  if (r.success) return { ok: true, config: r.data };
  return {
    ok: false,
    issues: r.error.issues.map((i: z.core.$ZodIssue) => {
      const issue: ConfigIssue = { code: i.code, path: [...i.path], message: i.message };
      if (i.code === "unrecognized_keys") issue.keys = [...i.keys];
      return issue;
    }),
  };
}

/** Valid but probably not what was meant. Each warning names the key path it is about. */
export function configWarnings(config: Config): Array<{ path: Array<string | number>; message: string }> {
  const out: Array<{ path: Array<string | number>; message: string }> = [];
  for (const mode of ["planning", "implementation"] as const) {
    if (config.stop_conditions[mode].includes("tests_pass") && config.commands.test === undefined) {
      out.push({
        path: ["stop_conditions", mode],
        message: `stop_conditions.${mode} has tests_pass but commands.test is not set; set commands.test (e.g. "npm test")`,
      });
    }
    const seen = new Set<string>();
    for (const c of config.stop_conditions[mode]) {
      if (seen.has(c)) out.push({ path: ["stop_conditions", mode], message: `${c} is listed twice` });
      seen.add(c);
    }
  }
  return out;
}
