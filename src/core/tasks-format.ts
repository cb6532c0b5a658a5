// The canonical text form of .wm/tasks.yaml: a deterministic emitter and a fast recognizer for exactly
// what the emitter writes. Anything the recognizer does not know (hand edits in another YAML style,
// comments inside the list, unknown keys) makes it return null, and the store falls back to the full
// YAML parser with schema validation. So the fast path is only ever a shortcut, never a second dialect.

import { isValidId } from "./ids.js";
import {
  canonicalTask,
  EVIDENCE_KEYS,
  type Evidence,
  isTaskStatus,
  isTaskType,
  TASK_KEYS,
  type Task,
  type TaskFile,
} from "./task.js";

export const FILE_HEADER = [
  "# wm task graph: one block per task, in creation order. Managed by `wm tasks ...`.",
  "# Hand edits are fine if the file stays valid; wm rewrites it in this canonical form (comments are not kept).",
];

const PLAIN = /^[A-Za-z_][A-Za-z0-9_./-]*$/;
const YAML_WORDS = new Set(["y", "n", "yes", "no", "true", "false", "on", "off", "null"]);
const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
/** A positive issue number (`issue`, `github`) as the emitter writes it; the value must also be a safe integer. */
const POSITIVE_INT = /^[1-9][0-9]{0,15}$/;
/** An exit code as the emitter writes it (String(n) never gives "-0"). */
const EXIT_CODE = /^(0|-?[1-9][0-9]{0,9})$/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function isPlainSafe(s: string): boolean {
  return PLAIN.test(s) && !YAML_WORDS.has(s.toLowerCase());
}

function literalBlockOk(s: string): boolean {
  if (!s.includes("\n") || s.includes("\r") || s.startsWith(" ") || s.startsWith("\n")) return false;
  if (s.endsWith("\n\n")) return false;
  // eslint-style control characters other than tab and newline cannot appear in a literal block.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: detecting them is the point
  if (/[\u0000-\u0008\u000b-\u001f\u007f\u2028\u2029\ufeff]/.test(s)) return false;
  // A lone surrogate cannot be written as UTF-8 (it would come back as U+FFFD); JSON escapes it instead.
  if (LONE_SURROGATE.test(s)) return false;
  const body = s.endsWith("\n") ? s.slice(0, -1) : s;
  for (const line of body.split("\n")) if (line.length > 0 && line.trim() === "") return false;
  return true;
}

function scalar(value: string, indent: string): string {
  if (isPlainSafe(value) || TIMESTAMP.test(value)) return value;
  if (literalBlockOk(value)) {
    const keep = value.endsWith("\n");
    const body = keep ? value.slice(0, -1) : value;
    const lines = body.split("\n").map((l) => (l === "" ? "" : indent + l));
    return `${keep ? "|" : "|-"}\n${lines.join("\n")}`;
  }
  return JSON.stringify(value);
}

function emitEvidence(e: Evidence): string[] {
  const out = ["    evidence:"];
  for (const key of EVIDENCE_KEYS) {
    const v = e[key];
    if (v === undefined) continue;
    out.push(`      ${key}: ${typeof v === "number" ? String(v) : scalar(v, "        ")}`);
  }
  return out;
}

export function emitTask(t: Task): string {
  const out: string[] = [];
  for (const key of TASK_KEYS) {
    const v = t[key];
    if (v === undefined) continue;
    const lead = key === "id" ? "  - " : "    ";
    if (key === "depends_on") {
      const deps = v as string[];
      if (deps.length === 0) continue;
      out.push(
        `${lead}depends_on: [${deps.map((d) => (isPlainSafe(d) ? d : JSON.stringify(d))).join(", ")}]`,
      );
    } else if (key === "evidence") {
      out.push(...emitEvidence(v as Evidence));
    } else if (typeof v === "number") {
      out.push(`${lead}${key}: ${v}`);
    } else {
      out.push(`${lead}${key}: ${scalar(v as string, "      ")}`);
    }
  }
  return out.join("\n");
}

/** The whole file and where each task's block is in it (same shape as parseCanonicalBlocks). */
export function emitTaskFileBlocks(
  file: TaskFile,
  blockTexts?: readonly string[],
): { text: string; blocks: number[] } {
  const head = `${FILE_HEADER.join("\n")}\nversion: ${file.version}\n`;
  if (file.tasks.length === 0) return { text: `${head}tasks: []\n`, blocks: [] };
  const parts: string[] = [head, "tasks:\n"];
  const blocks: number[] = [];
  let pos = head.length + 7;
  for (let i = 0; i < file.tasks.length; i++) {
    const b = blockTexts?.[i] ?? emitTask(file.tasks[i]!);
    if (i > 0) {
      parts.push("\n\n");
      pos += 2;
    }
    parts.push(b);
    blocks.push(pos, pos + b.length);
    pos += b.length;
  }
  parts.push("\n");
  return { text: parts.join(""), blocks };
}

/** The whole file. Tasks are written in the order given; callers sort with compareTasks. */
export function emitTaskFile(file: TaskFile): string {
  const head = `${FILE_HEADER.join("\n")}\nversion: ${file.version}\n`;
  if (file.tasks.length === 0) return `${head}tasks: []\n`;
  const blocks = new Array<string>(file.tasks.length);
  for (let i = 0; i < file.tasks.length; i++) blocks[i] = emitTask(file.tasks[i]!);
  return `${head}tasks:\n${blocks.join("\n\n")}\n`;
}

// ---------------------------------------------------------------------------------------------------
// Fast recognizer
//
// It accepts the emitter's language: keys in canonical order at the emitter's indentation, scalars in the
// emitter's forms (plain, JSON-quoted, literal block), and the same value rules as the schema (schemas.ts),
// so whatever it accepts the full parser reads to the same data. Anything else returns null and the caller
// takes the full path.

const TASK_KEY_INDEX = new Map<string, number>(TASK_KEYS.map((k, i) => [k, i]));
const EVIDENCE_KEY_INDEX = new Map<string, number>(EVIDENCE_KEYS.map((k, i) => [k, i]));
/** Keys whose value is a free string: the emitter may write them plain, quoted or as a literal block. */
const TEXT_KEYS = new Set([
  "title",
  "phase",
  "session",
  "spec",
  "reason",
  "description",
  "created",
  "updated",
  "text",
  "command",
  "output_sha256",
  "output_tail",
  "at",
]);

/** Parses one single-line scalar as the emitter writes it; undefined when it is not in canonical form. */
function readScalar(raw: string): string | undefined {
  if (raw.startsWith('"')) {
    if (!raw.endsWith('"') || raw.length < 2) return undefined;
    // A JSON string is a YAML double-quoted scalar with the same value. (A value the emitter would have
    // written plain but that is quoted by hand reads the same either way, so it is accepted.)
    try {
      const v: unknown = JSON.parse(raw);
      return typeof v === "string" ? v : undefined;
    } catch {
      return undefined;
    }
  }
  if (isPlainSafe(raw) || TIMESTAMP.test(raw)) return raw;
  return undefined;
}

/** The schema's value rules for one finished task block (see TaskSchema in schemas.ts). */
function validTask(t: Record<string, unknown>): boolean {
  if (typeof t.id !== "string" || !isValidId(t.id)) return false;
  if (typeof t.title !== "string" || t.title === "") return false;
  if (typeof t.type !== "string" || !isTaskType(t.type)) return false;
  if (typeof t.status !== "string" || !isTaskStatus(t.status)) return false;
  if (typeof t.created !== "string" || t.created === "") return false;
  if (typeof t.updated !== "string" || t.updated === "") return false;
  if (t.parent !== undefined && (typeof t.parent !== "string" || !isValidId(t.parent))) return false;
  const e = t.evidence as Record<string, unknown> | undefined;
  if (e !== undefined && (typeof e.at !== "string" || e.at === "")) return false;
  return true;
}

/**
 * Recognizes the canonical form. Returns null as soon as anything is not exactly as the emitter would
 * write it; the caller then uses the full YAML parser, which also produces precise error positions.
 */
export function parseCanonical(text: string): TaskFile | null {
  const lines = text.split("\n");
  const n = lines.length;
  let i = 0;
  for (; i < n && (lines[i]!.startsWith("#") || lines[i] === ""); i++) {
    // The full path refuses a file holding NUL (it is not text); the values below cannot hold one raw.
    if (lines[i]!.includes("\u0000")) return null;
  }
  if (lines[i] !== "version: 1") return null;
  i++;
  if (lines[i] === "tasks: []") {
    i++;
    while (i < n) if (lines[i++] !== "") return null;
    return { version: 1, tasks: [] };
  }
  if (lines[i] !== "tasks:") return null;
  i++;
  const tasks: Task[] = [];
  let cur: Record<string, unknown> | null = null;
  let evidence: Record<string, unknown> | null = null;
  let lastTaskKey = -1;
  let lastEvidenceKey = -1;
  const finish = (): boolean => {
    if (cur === null) return true;
    if (!validTask(cur)) return false;
    if (cur.depends_on === undefined) cur.depends_on = [];
    tasks.push(canonicalTask(cur as unknown as Task));
    cur = null;
    evidence = null;
    return true;
  };
  while (i < n) {
    const line = lines[i]!;
    if (line === "") {
      i++;
      continue;
    }
    let isEvidence = false;
    let startsTask = false;
    let keyStart = 4;
    if (line.startsWith("  - ")) {
      if (!finish()) return null;
      cur = {};
      lastTaskKey = -1;
      startsTask = true;
    } else if (cur !== null && evidence !== null && line.startsWith("      ") && line[6] !== " ") {
      isEvidence = true;
      keyStart = 6;
    } else if (cur !== null && line.startsWith("    ") && line[4] !== " ") {
      evidence = null;
    } else {
      return null;
    }
    const colon = line.indexOf(":", keyStart);
    if (colon < 0) return null;
    const key = line.slice(keyStart, colon);
    // Keys come in canonical order (which also rules out duplicates and unknown keys).
    const order = (isEvidence ? EVIDENCE_KEY_INDEX : TASK_KEY_INDEX).get(key);
    if (order === undefined) return null;
    if (isEvidence) {
      if (order <= lastEvidenceKey) return null;
      lastEvidenceKey = order;
    } else {
      if (order <= lastTaskKey || startsTask !== (key === "id")) return null;
      lastTaskKey = order;
    }
    const target = (isEvidence ? evidence : cur)!;
    const rest = line.slice(colon + 1);
    i++;
    if (!isEvidence && key === "evidence") {
      if (rest !== "") return null;
      evidence = {};
      lastEvidenceKey = -1;
      cur!.evidence = evidence;
      continue;
    }
    if (rest[0] !== " ") return null;
    const raw = rest.slice(1);
    if (raw === "|-" || raw === "|") {
      if (!TEXT_KEYS.has(key)) return null;
      const blockIndent = isEvidence ? "        " : "      ";
      const body: string[] = [];
      while (i < n) {
        const l = lines[i]!;
        if (l.startsWith(blockIndent)) body.push(l.slice(blockIndent.length));
        else if (l === "") body.push("");
        else break;
        i++;
      }
      while (body.length > 0 && body[body.length - 1] === "") body.pop();
      if (body.length === 0) return null;
      // A literal block is only canonical for strings the emitter would write that way.
      const value = body.join("\n") + (raw === "|" ? "\n" : "");
      if (!literalBlockOk(value)) return null;
      target[key] = value;
      continue;
    }
    if (key === "issue" || key === "github") {
      if (!POSITIVE_INT.test(raw)) return null;
      const v = Number(raw);
      if (!Number.isSafeInteger(v)) return null;
      target[key] = v;
    } else if (key === "exit_code") {
      if (!EXIT_CODE.test(raw)) return null;
      target[key] = Number(raw);
    } else if (key === "id" || key === "parent" || key === "type" || key === "status") {
      target[key] = raw; // always plain; validTask checks the id pattern and the enums
    } else if (key === "depends_on") {
      if (!raw.startsWith("[") || !raw.endsWith("]")) return null;
      const inner = raw.slice(1, -1);
      if (inner === "") return null; // the emitter leaves an empty list out
      const deps = inner.split(", ");
      for (const d of deps) if (!isValidId(d)) return null;
      target[key] = deps;
    } else {
      const v = readScalar(raw);
      if (v === undefined) return null;
      target[key] = v;
    }
  }
  if (!finish()) return null;
  return { version: 1, tasks };
}
