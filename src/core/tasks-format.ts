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
const INT = /^(0|[1-9][0-9]{0,15})$/;

function isPlainSafe(s: string): boolean {
  return PLAIN.test(s) && !YAML_WORDS.has(s.toLowerCase());
}

function literalBlockOk(s: string): boolean {
  if (!s.includes("\n") || s.includes("\r") || s.startsWith(" ") || s.startsWith("\n")) return false;
  if (s.endsWith("\n\n")) return false;
  // eslint-style control characters other than tab and newline cannot appear in a literal block.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: detecting them is the point
  if (/[\u0000-\u0008\u000b-\u001f\u007f\u2028\u2029\ufeff]/.test(s)) return false;
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

const STRING_KEYS = new Set(["title", "parent", "phase", "description", "session", "spec", "reason"]);
const TASK_KEY_SET = new Set<string>(TASK_KEYS);
const EVIDENCE_KEY_SET = new Set<string>(EVIDENCE_KEYS);

/** Parses one scalar as the emitter writes it; undefined when it is not in canonical form. */
function readScalar(raw: string): string | undefined {
  if (raw.startsWith('"')) {
    if (!raw.endsWith('"') || raw.length < 2) return undefined;
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

/**
 * Recognizes the canonical form. Returns null as soon as anything is not exactly as the emitter would
 * write it; the caller then uses the full YAML parser, which also produces precise error positions.
 */
export function parseCanonical(text: string): TaskFile | null {
  const lines = text.split("\n");
  let i = 0;
  while (i < lines.length && (lines[i]!.startsWith("#") || lines[i] === "")) i++;
  if (lines[i] !== "version: 1") return null;
  i++;
  if (lines[i] === "tasks: []") {
    i++;
    while (i < lines.length) if (lines[i++] !== "") return null;
    return { version: 1, tasks: [] };
  }
  if (lines[i] !== "tasks:") return null;
  i++;
  const tasks: Task[] = [];
  let cur: Record<string, unknown> | null = null;
  let evidence: Record<string, unknown> | null = null;
  const finish = (): boolean => {
    if (cur === null) return true;
    const t = cur as Partial<Task> & Record<string, unknown>;
    if (
      typeof t.id !== "string" ||
      typeof t.title !== "string" ||
      typeof t.type !== "string" ||
      typeof t.status !== "string"
    )
      return false;
    if (typeof t.created !== "string" || typeof t.updated !== "string") return false;
    if (!isTaskType(t.type) || !isTaskStatus(t.status)) return false;
    if (t.depends_on === undefined) t.depends_on = [];
    if (t.evidence !== undefined && typeof (t.evidence as Evidence).at !== "string") return false;
    tasks.push(canonicalTask(t as Task));
    cur = null;
    evidence = null;
    return true;
  };
  const n = lines.length;
  while (i < n) {
    const line = lines[i]!;
    if (line === "") {
      i++;
      continue;
    }
    let target: Record<string, unknown>;
    let keyStart: number;
    let blockIndent: string;
    if (line.startsWith("  - ")) {
      if (!finish()) return null;
      cur = {};
      target = cur;
      keyStart = 4;
      blockIndent = "      ";
    } else if (cur !== null && line.startsWith("      ") && evidence !== null && line[6] !== " ") {
      target = evidence;
      keyStart = 6;
      blockIndent = "        ";
    } else if (cur !== null && line.startsWith("    ") && line[4] !== " ") {
      evidence = null;
      target = cur;
      keyStart = 4;
      blockIndent = "      ";
    } else {
      return null;
    }
    const colon = line.indexOf(":", keyStart);
    if (colon < 0) return null;
    const key = line.slice(keyStart, colon);
    if (key in target) return null;
    const rest = line.slice(colon + 1);
    i++;
    if (target === cur && key === "evidence") {
      if (rest !== "") return null;
      evidence = {};
      cur.evidence = evidence;
      continue;
    }
    if (rest[0] !== " ") return null;
    const raw = rest.slice(1);
    const isEvidence = target === evidence;
    if (isEvidence ? !EVIDENCE_KEY_SET.has(key) : !TASK_KEY_SET.has(key)) return null;
    if (raw === "|-" || raw === "|") {
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
      if (isEvidence ? key === "exit_code" : !STRING_KEYS.has(key)) return null;
      target[key] = value;
      continue;
    }
    if (isEvidence) {
      if (key === "exit_code") {
        if (!/^-?(0|[1-9][0-9]{0,9})$/.test(raw)) return null;
        target[key] = Number(raw);
      } else {
        const v = readScalar(raw);
        if (v === undefined) return null;
        target[key] = v;
      }
      continue;
    }
    if (key === "issue") {
      if (!INT.test(raw)) return null;
      target[key] = Number(raw);
    } else if (key === "depends_on") {
      if (!raw.startsWith("[") || !raw.endsWith("]")) return null;
      const inner = raw.slice(1, -1);
      const deps = inner === "" ? [] : inner.split(", ");
      for (const d of deps) if (!isValidId(d)) return null;
      target[key] = deps;
    } else if (key === "id") {
      if (!isValidId(raw)) return null;
      target[key] = raw;
    } else {
      const v = readScalar(raw);
      if (v === undefined) return null;
      target[key] = v;
    }
  }
  if (!finish()) return null;
  return { version: 1, tasks };
}
