// zod schemas for the files wm reads. Imported lazily: zod is only loaded on the slow, precise path
// (a hand-edited tasks file, config, doctor), never on the hot path of hooks and `wm tasks ready`.

import { z } from "zod";
import { ID_PATTERN } from "./ids.js";
import { TASK_STATUSES, TASK_TYPES } from "./task.js";

const id = z.string().regex(ID_PATTERN, "not a wm task id (letters and digits, starting with a letter)");
const timestamp = z.string().min(1);

export const EvidenceSchema = z.strictObject({
  text: z.string().optional(),
  command: z.string().optional(),
  exit_code: z.number().int().optional(),
  output_sha256: z.string().optional(),
  output_tail: z.string().optional(),
  at: timestamp,
});

export const TaskSchema = z.strictObject({
  id,
  title: z.string().min(1, "a task needs a title"),
  type: z.enum(TASK_TYPES),
  status: z.enum(TASK_STATUSES),
  issue: z.number().int().positive().optional(),
  github: z.number().int().positive().optional(),
  parent: id.optional(),
  depends_on: z.array(id).default([]),
  phase: z.string().optional(),
  session: z.string().optional(),
  spec: z.string().optional(),
  reason: z.string().optional(),
  description: z.string().optional(),
  evidence: EvidenceSchema.optional(),
  created: timestamp,
  updated: timestamp,
});

export const TaskFileSchema = z.strictObject({
  version: z.literal(1, "unsupported tasks file version (this wm reads version 1)"),
  tasks: z
    .array(TaskSchema)
    .nullable()
    .transform((t) => t ?? []),
});
