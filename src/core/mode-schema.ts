// The schema of a mode file's frontmatter. Strict: an unknown key is an error naming the key (and the
// closest valid one). Imported lazily: zod is never loaded on the hook path (which reads modes through
// the JSON cache in .wm/cache/).

import { z } from "zod";
import { closestKey } from "./config.js";
import { STOP_CONDITIONS } from "./config-defaults.js";
import { MODE_GATES, MODE_NAME, PHASE_ID } from "./modes.js";
import { TASK_TYPES } from "./task.js";

function strict<T extends z.core.$ZodLooseShape>(shape: T) {
  const valid = Object.keys(shape);
  return z.strictObject(shape, {
    error: (iss) => {
      if (iss.code !== "unrecognized_keys") return undefined;
      const key = iss.keys[0] ?? "";
      const near = closestKey(key, valid);
      return `unknown key "${key}"${near ? `; did you mean "${near}"?` : ""} Valid keys here: ${valid.join(", ")}`;
    },
  });
}

function shown(v: unknown): string {
  return typeof v === "string" ? `"${v}"` : (JSON.stringify(v) ?? String(v));
}

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: (iss) => `${shown(iss.input)} is not one of: ${values.join(", ")}` });
}

const text = z.string().trim().min(1, "must not be empty");

export const ModeFrontmatterSchema = strict({
  name: z
    .string()
    .regex(MODE_NAME, "a mode name is lower case letters, digits and -, starting with a letter"),
  description: text,
  needs_issue: z.boolean(),
  uses_issue_tasks: z.boolean().optional(),
  gates: z.array(oneOf(MODE_GATES)).optional(),
  phases: z.array(
    strict({
      id: z
        .string()
        .regex(PHASE_ID, "a phase id is lower case letters, digits and -, starting with a letter"),
      name: text,
      tasks: z
        .array(strict({ title: text, type: oneOf(TASK_TYPES) }))
        .min(1, "a phase needs at least one task"),
      depends_on: z.array(z.string()).optional(),
    }),
  ),
  stop_conditions: z.array(oneOf(STOP_CONDITIONS)).optional(),
});

export type ModeFrontmatter = z.output<typeof ModeFrontmatterSchema>;
