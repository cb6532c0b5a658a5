// The canonical emitter and the fast recognizer must agree with the real YAML parser: a property test over
// thousands of random tasks with hostile strings, a mutation fuzz (whatever the fast path accepts, the full
// path must read identically), and hand-edited files in other YAML styles (fast path declines, full path reads).
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { newId } from "../../src/core/ids.js";
import {
  type Evidence,
  TASK_KEYS,
  TASK_STATUSES,
  TASK_TYPES,
  type Task,
  type TaskFile,
} from "../../src/core/task.js";
import { emitTask, emitTaskFile, parseCanonical } from "../../src/core/tasks-format.js";
import { parseTasksSlow, parseTasksText } from "../../src/store/tasks-store.js";
import { type Rng, seededRng } from "../helpers/prng.js";

// ---------------------------------------------------------------------------------------------------
// Random data. WM_PROP_SEED=<n> reruns the property tests with another seed.

const SEED = Number(process.env.WM_PROP_SEED ?? 0x5eed_0000);

const ATOMS = [
  '"',
  "'",
  '""',
  ":",
  ": ",
  " :",
  "#",
  " #",
  "# ",
  " ",
  "  ",
  "\t",
  "\n",
  "\r\n",
  "\r",
  "\\",
  "\\n",
  '\\"',
  "-",
  "- x",
  "-x",
  "[a]",
  "[",
  "]",
  "{a}",
  "{a: b}",
  "}",
  "*x",
  "&x",
  "!x",
  "!!str",
  "|",
  ">",
  "|-",
  "|+",
  "~",
  "---",
  "...",
  "%YAML 1.1",
  "@",
  "`",
  ",",
  "?",
  "? x",
  "true",
  "false",
  "True",
  "null",
  "Null",
  "NULL",
  "yes",
  "no",
  "on",
  "off",
  "y",
  "n",
  "123",
  "0",
  "-0",
  "007",
  "0x1F",
  "0o17",
  "1e3",
  ".5",
  "-1",
  "+1",
  "1_000",
  ".inf",
  "-.inf",
  ".nan",
  "2024-05-01",
  "2024-05-01T10:00:00Z",
  "12:30",
  "é",
  "ü",
  "日本語",
  "😀",
  "\u00a0",
  "\u2028",
  "\u2029",
  "\u0085",
  "\ufeff",
  "\u200b",
  "\u0000",
  "\u0001",
  "\u001b",
  "\u007f",
  "\u0080",
  "\ud800",
  "\udfff",
  "<<",
  "=",
  "abc",
  "GH#239",
  "x y",
  "a:b",
  "a: b",
  "%",
  "&",
  "!",
  "<<<<<<< HEAD",
  "=======",
  ">>>>>>> branch",
  "  - id: abcd12",
  "    title: x",
  "tasks:",
  "version: 1",
];

const WORD_FIRST = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_";
const WORD_REST = `${WORD_FIRST}0123456789_./-`;

function word(rng: Rng): string {
  let s = rng.pick([...WORD_FIRST]);
  const n = rng.int(12);
  for (let i = 0; i < n; i++) s += rng.pick([...WORD_REST]);
  return s;
}

function timestamp(rng: Rng): string {
  const d = new Date(Date.UTC(2020, 0, 1) + rng.int(6 * 365 * 24 * 3600) * 1000 + rng.int(1000));
  const iso = d.toISOString();
  return rng.chance(0.3) ? iso.replace(/\.\d+Z$/, "Z") : iso;
}

function line(rng: Rng): string {
  const parts: string[] = [];
  const n = rng.int(5);
  for (let i = 0; i < n; i++)
    parts.push(rng.chance(0.6) ? word(rng) : rng.pick(ATOMS).replace(/[\r\n]/g, ""));
  return parts.join(rng.chance(0.8) ? " " : "");
}

function multiline(rng: Rng): string {
  const lines: string[] = [];
  const n = rng.between(2, 6);
  for (let i = 0; i < n; i++) {
    const indent = rng.chance(0.15) ? rng.pick(["  ", "    ", "\t"]) : "";
    lines.push(rng.chance(0.15) ? "" : indent + line(rng));
  }
  let s = lines.join("\n");
  if (rng.chance(0.4)) s += "\n";
  return s;
}

/** A hostile string; `allowEmpty` false for fields the schema requires non-empty. */
function hostile(rng: Rng, allowEmpty = true): string {
  let s: string;
  const mode = rng.int(10);
  if (mode < 2) s = rng.pick(ATOMS);
  else if (mode < 5) {
    s = "";
    const n = rng.between(1, 6);
    for (let i = 0; i < n; i++) s += rng.chance(0.7) ? rng.pick(ATOMS) : word(rng);
  } else if (mode < 7) s = word(rng);
  else if (mode < 9) s = multiline(rng);
  else s = rng.chance(0.5) ? "" : timestamp(rng);
  if (s === "" && !allowEmpty) return word(rng);
  return s;
}

function randomEvidence(rng: Rng): Evidence {
  const e: Evidence = { at: rng.chance(0.8) ? timestamp(rng) : hostile(rng, false) };
  if (rng.chance(0.5)) e.text = hostile(rng);
  if (rng.chance(0.5)) e.command = hostile(rng);
  if (rng.chance(0.5)) e.exit_code = rng.pick([0, 1, 2, 127, 128, -1, 255, 2147483647, -2147483648]);
  if (rng.chance(0.5)) e.output_sha256 = rng.chance(0.8) ? "e3b0c442".repeat(8) : hostile(rng);
  if (rng.chance(0.5)) e.output_tail = hostile(rng);
  return e;
}

function randomFile(rng: Rng, size: number): TaskFile {
  const ids: string[] = [];
  const taken = new Set<string>();
  for (let i = 0; i < size; i++) {
    const id = newId(
      (n) => rng.bytes(n),
      (x) => taken.has(x),
    );
    taken.add(id);
    ids.push(id);
  }
  const tasks: Task[] = ids.map((id) => {
    const t: Task = {
      id,
      title: hostile(rng, false),
      type: rng.pick(TASK_TYPES),
      status: rng.pick(TASK_STATUSES),
      depends_on: [],
      created: rng.chance(0.9) ? timestamp(rng) : hostile(rng, false),
      updated: rng.chance(0.9) ? timestamp(rng) : hostile(rng, false),
    };
    if (rng.chance(0.5))
      t.issue = rng.chance(0.8) ? rng.between(1, 99999) : rng.pick([1, Number.MAX_SAFE_INTEGER, 2 ** 40]);
    if (rng.chance(0.4))
      t.github = rng.chance(0.8) ? rng.between(1, 99999) : rng.pick([1, Number.MAX_SAFE_INTEGER, 2 ** 40]);
    if (rng.chance(0.4)) t.parent = rng.pick(ids);
    if (rng.chance(0.5)) {
      const n = rng.between(1, 4);
      for (let k = 0; k < n; k++) t.depends_on.push(rng.pick(ids));
    }
    if (rng.chance(0.4)) t.phase = hostile(rng);
    if (rng.chance(0.3)) t.session = hostile(rng);
    if (rng.chance(0.3)) t.spec = hostile(rng);
    if (rng.chance(0.3)) t.reason = hostile(rng);
    if (rng.chance(0.5)) t.description = hostile(rng);
    if (rng.chance(0.4)) t.evidence = randomEvidence(rng);
    // Canonical key order, as the store hands tasks to the emitter.
    const ordered: Record<string, unknown> = {};
    for (const k of TASK_KEYS)
      if ((t as unknown as Record<string, unknown>)[k] !== undefined) ordered[k] = t[k];
    return ordered as unknown as Task;
  });
  return { version: 1, tasks };
}

/** What a plain YAML parser must produce for a file: the data, with the emitter's omission of empty lists. */
function asPlainData(file: TaskFile): unknown {
  return {
    version: 1,
    tasks: file.tasks.map((t) => {
      const o: Record<string, unknown> = { ...t };
      if (t.depends_on.length === 0) delete o.depends_on;
      if (t.evidence) o.evidence = { ...t.evidence };
      return o;
    }),
  };
}

function survivesUtf8(text: string): boolean {
  return Buffer.from(text, "utf8").toString("utf8") === text;
}

// ---------------------------------------------------------------------------------------------------

describe("canonical emitter and recognizer agree with the YAML parser", () => {
  it("round-trips thousands of random tasks with hostile strings", () => {
    const rng = seededRng(SEED + 1);
    let tasksSeen = 0;
    for (let f = 0; f < 400; f++) {
      const file = randomFile(rng, f === 0 ? 0 : rng.between(1, 16));
      tasksSeen += file.tasks.length;
      const text = emitTaskFile(file);
      const where = `file #${f}`;
      // When a file disagrees, name the first task that disagrees on its own: a far shorter failure.
      const fast = parseCanonical(text);
      if (fast === null || JSON.stringify(fast) !== JSON.stringify(file)) {
        for (const t of file.tasks) {
          const one: TaskFile = { version: 1, tasks: [t] };
          expect(parseCanonical(emitTaskFile(one)), `${where}: ${emitTask(t)}`).toStrictEqual(one);
        }
      }
      expect(fast, where).toStrictEqual(file);
      expect(YAML.parse(text), where).toStrictEqual(asPlainData(file));
      expect(survivesUtf8(text), `${where}: the text must survive being written as UTF-8`).toBe(true);
      expect(text.endsWith("\n")).toBe(true);
      // Deterministic: emitting what was read gives the same bytes.
      expect(emitTaskFile(fast!)).toBe(text);
    }
    expect(tasksSeen).toBeGreaterThan(3000);
  });

  it("each hostile atom alone, in every string field, round-trips", () => {
    const fields = [
      "title",
      "phase",
      "session",
      "spec",
      "reason",
      "description",
      "created",
      "updated",
    ] as const;
    for (const atom of ATOMS) {
      for (const field of fields) {
        const t: Task = {
          id: "abcd12",
          title: "t",
          type: "impl",
          status: "pending",
          depends_on: [],
          created: "2024-05-01T10:00:00.000Z",
          updated: "2024-05-01T10:00:00.000Z",
        };
        t[field] = atom;
        const file: TaskFile = { version: 1, tasks: [t] };
        const text = emitTaskFile(file);
        const label = `${field} = ${JSON.stringify(atom)}:\n${text}`;
        expect(parseCanonical(text), label).toStrictEqual(file);
        expect(YAML.parse(text), label).toStrictEqual(asPlainData(file));
        expect(survivesUtf8(text), label).toBe(true);
      }
    }
  });

  it("writes an empty graph as `tasks: []` and reads it back", () => {
    const text = emitTaskFile({ version: 1, tasks: [] });
    expect(text).toMatch(/\nversion: 1\ntasks: \[\]\n$/);
    expect(parseCanonical(text)).toStrictEqual({ version: 1, tasks: [] });
    expect(YAML.parse(text)).toStrictEqual({ version: 1, tasks: [] });
  });

  it("whatever the fast path accepts from a mutated file, the full parser reads identically", async () => {
    const rng = seededRng(SEED + 2);
    let accepted = 0;
    let acceptedChanged = 0;
    const edits: Array<(lines: string[]) => void> = [
      (ls) => {
        const i = rng.int(ls.length);
        const l = ls[i]!;
        const at = rng.int(l.length + 1);
        ls[i] = l.slice(0, at) + l.slice(at + 1);
      },
      (ls) => {
        const i = rng.int(ls.length);
        const l = ls[i]!;
        const at = rng.int(l.length + 1);
        ls[i] = l.slice(0, at) + rng.pick(ATOMS) + l.slice(at);
      },
      (ls) => {
        // Replace the value of a `key: value` line with something hostile (or nothing).
        const i = rng.int(ls.length);
        const m = /^(\s*(?:- )?[a-z_0-9]+:)( .*)?$/.exec(ls[i]!);
        if (m) ls[i] = `${m[1]} ${rng.chance(0.2) ? "" : rng.chance(0.5) ? rng.pick(ATOMS) : word(rng)}`;
      },
      (ls) => {
        const i = rng.int(ls.length);
        ls.splice(i, 0, ls[i]!);
      },
      (ls) => {
        ls.splice(rng.int(ls.length), 1);
      },
      (ls) => {
        const i = rng.int(Math.max(1, ls.length - 1));
        [ls[i], ls[i + 1]] = [ls[i + 1]!, ls[i]!];
      },
      (ls) => {
        const i = rng.int(ls.length);
        ls[i] = rng.chance(0.5) ? ` ${ls[i]}` : ls[i]!.replace(/^ /, "");
      },
      (ls) => {
        // Numbers at their edges.
        const i = rng.int(ls.length);
        ls[i] = ls[i]!.replace(
          /^(\s*(?:issue|github|exit_code): ).*$/,
          `$1${rng.pick(["0", "-1", "9007199254740993", "99999999999999999", "1.5", "01", "1e3", "0x10"])}`,
        );
      },
    ];
    for (let f = 0; f < 250; f++) {
      const original = emitTaskFile(randomFile(rng, rng.between(1, 5)));
      for (let m = 0; m < 12; m++) {
        const lines = original.split("\n");
        const n = rng.between(1, 2);
        for (let k = 0; k < n; k++) rng.pick(edits)(lines);
        const text = lines.join("\n");
        const fast = parseCanonical(text);
        if (fast === null) continue;
        accepted++;
        if (text !== original) acceptedChanged++;
        let slow: TaskFile | Error;
        try {
          slow = await parseTasksSlow(text, ".wm/tasks.yaml");
        } catch (e) {
          slow = e as Error;
        }
        expect(slow, `the fast path accepted a file the full parser rejects:\n${text}`).not.toBeInstanceOf(
          Error,
        );
        expect(fast, `fast and full parsers disagree on:\n${text}`).toStrictEqual(slow);
      }
    }
    // The fuzz must exercise the accepting side, not only the refusals.
    expect(accepted).toBeGreaterThan(100);
    expect(acceptedChanged).toBeGreaterThan(20);
  });

  it("declines values the schema would refuse, so both paths give the same answer", async () => {
    const base = [
      "version: 1",
      "tasks:",
      "  - id: abcd12",
      "    title: Ship it",
      "    type: impl",
      "    status: pending",
      "    created: 2024-05-01T10:00:00.000Z",
      "    updated: 2024-05-01T10:00:00.000Z",
      "",
    ];
    const variants: Array<[string, string[]]> = [
      ["empty title", base.map((l) => (l === "    title: Ship it" ? '    title: ""' : l))],
      ["issue 0", [...base.slice(0, 6), "    issue: 0", ...base.slice(6)]],
      ["issue beyond 2^53", [...base.slice(0, 6), "    issue: 9999999999999999", ...base.slice(6)]],
      ["github 0", [...base.slice(0, 6), "    github: 0", ...base.slice(6)]],
      ["github not a number", [...base.slice(0, 6), "    github: abc", ...base.slice(6)]],
      ["parent that is not an id", [...base.slice(0, 6), "    parent: Not-an-id", ...base.slice(6)]],
      ["empty created", base.map((l) => (l.startsWith("    created:") ? '    created: ""' : l))],
      ["evidence with empty at", [...base.slice(0, 6), "    evidence:", '      at: ""', ...base.slice(6)]],
    ];
    variants.push(["a NUL byte in the header comment", [`# a\u0000b`, ...base]]);
    for (const [name, lines] of variants) {
      const text = lines.join("\n");
      expect(parseCanonical(text), name).toBeNull();
      await expect(parseTasksText(text, ".wm/tasks.yaml"), name).rejects.toThrow(/\.wm\/tasks\.yaml:\d+:\d+/);
    }
  });
});

// ---------------------------------------------------------------------------------------------------
// Hand-edited files in other YAML styles

const A: Task = {
  id: "abcd12",
  title: "Analyze the infra: now",
  type: "epic",
  status: "in_progress",
  issue: 239,
  depends_on: [],
  phase: "BASELINE",
  description: "line one\nline two\n",
  created: "2024-05-01T10:00:00.000Z",
  updated: "2024-05-01T11:00:00.000Z",
};
const B: Task = {
  id: "bcde23",
  title: "true",
  type: "verify",
  status: "done",
  parent: "abcd12",
  depends_on: ["abcd12"],
  evidence: { command: "npm test", exit_code: 0, output_sha256: "ab".repeat(32), at: "2024-05-02T09:00:00Z" },
  created: "2024-05-01T10:05:00.000Z",
  updated: "2024-05-02T09:00:00.000Z",
};
const EXPECTED: TaskFile = { version: 1, tasks: [A, B] };
const CANONICAL = emitTaskFile(EXPECTED);

const HAND_EDITED: Record<string, string> = {
  "flow maps": `version: 1
tasks:
  - {id: abcd12, title: "Analyze the infra: now", type: epic, status: in_progress, issue: 239, phase: BASELINE, description: "line one\\nline two\\n", created: 2024-05-01T10:00:00.000Z, updated: 2024-05-01T11:00:00.000Z}
  - {id: bcde23, title: "true", type: verify, status: done, parent: abcd12, depends_on: [abcd12], evidence: {command: npm test, exit_code: 0, output_sha256: ${"ab".repeat(32)}, at: 2024-05-02T09:00:00Z}, created: 2024-05-01T10:05:00.000Z, updated: 2024-05-02T09:00:00.000Z}
`,
  "comments between tasks": CANONICAL.replace(
    "\n\n  - id: bcde23",
    "\n  # the verify step\n\n  - id: bcde23",
  ),
  "comment at the end of a line": CANONICAL.replace(
    "    phase: BASELINE",
    "    phase: BASELINE # set by the spec",
  ),
  "column-0 comment inside the list": CANONICAL.replace("\n\n  - id: bcde23", "\n# verify\n  - id: bcde23"),
  "sequence not indented": CANONICAL.split("\n")
    .map((l) => (l.startsWith("  ") ? l.slice(2) : l))
    .join("\n"),
  "four-space indentation": CANONICAL.split("\n")
    .map((l) => (l.startsWith("  ") ? `  ${l}` : l))
    .join("\n"),
  "reordered task keys": CANONICAL.replace(
    '    title: "Analyze the infra: now"\n    type: epic',
    '    type: epic\n    title: "Analyze the infra: now"',
  ),
  "title before id": CANONICAL.replace(
    '  - id: abcd12\n    title: "Analyze the infra: now"',
    '  - title: "Analyze the infra: now"\n    id: abcd12',
  ),
  "reordered evidence keys": CANONICAL.replace(
    '      command: "npm test"\n      exit_code: 0',
    '      exit_code: 0\n      command: "npm test"',
  ),
  "tasks before version": CANONICAL.replace("version: 1\ntasks:\n", "tasks:\n").replace(
    /\n$/,
    "\nversion: 1\n",
  ),
  "block list for depends_on": CANONICAL.replace(
    "    depends_on: [abcd12]",
    "    depends_on:\n      - abcd12",
  ),
  "single-quoted strings": CANONICAL.replace('    title: "true"', "    title: 'true'").replace(
    '    title: "Analyze the infra: now"',
    "    title: 'Analyze the infra: now'",
  ),
  "plain strings that the emitter would quote": CANONICAL.replace(
    '    command: "npm test"',
    "    command: npm test",
  ),
  "folded and keep block scalars": CANONICAL.replace(
    "    description: |\n      line one\n      line two",
    "    description: >+\n      line one\n\n      line two",
  ),
  "block scalar with an indentation indicator": CANONICAL.replace(
    "    description: |\n      line one\n      line two",
    "    description: |2\n      line one\n      line two",
  ),
  "quoted id": CANONICAL.replace("  - id: bcde23", '  - id: "bcde23"'),
  "document start marker": `---\n${CANONICAL}`,
  "CRLF line endings": CANONICAL.replace(/\n/g, "\r\n"),
  "byte order mark": `\ufeff${CANONICAL}`,
  "an anchor": CANONICAL.replace("    phase: BASELINE", "    phase: &ph BASELINE"),
};

describe("hand-edited but valid YAML in other styles", () => {
  it("the canonical text itself takes the fast path", () => {
    expect(parseCanonical(CANONICAL)).toStrictEqual(EXPECTED);
    expect(CANONICAL).toContain("    description: |\n      line one\n      line two\n");
  });

  for (const [name, text] of Object.entries(HAND_EDITED)) {
    it(`${name}: the fast path declines, the full parser reads the same tasks`, async () => {
      expect(text, "the variant must differ from the canonical text").not.toBe(CANONICAL);
      expect(parseCanonical(text)).toBeNull();
      const { file, canonical } = await parseTasksText(text, ".wm/tasks.yaml");
      expect(canonical).toBe(false);
      expect(file).toStrictEqual(EXPECTED);
      // And writing it back gives the canonical text.
      expect(emitTaskFile(file)).toBe(CANONICAL);
    });
  }
});
