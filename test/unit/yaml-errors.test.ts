// The shared YAML position helper, and the tasks file messages that use it (pinned as they were before
// the helper was factored out of tasks-store.ts).

import { describe, expect, it } from "vitest";
import { LineCounter, parseDocument } from "yaml";
import { parseTasksText } from "../../src/store/tasks-store.js";
import { firstSyntaxError, locateIssue } from "../../src/store/yaml-errors.js";

function parse(text: string) {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  return { doc, lineCounter };
}

describe("locateIssue", () => {
  const text = "a:\n  b:\n    c: 1\n    typo: 2\n  list: [x, y]\n";

  it("points at a value, a list item, and the enclosing map of a missing key", () => {
    const { doc, lineCounter } = parse(text);
    expect(locateIssue(doc, lineCounter, { path: ["a", "b", "c"], message: "" })).toEqual({
      pos: { line: 3, col: 8 },
      path: ["a", "b", "c"],
    });
    expect(locateIssue(doc, lineCounter, { path: ["a", "list", 1], message: "" }).pos).toEqual({
      line: 5,
      col: 13,
    });
    expect(locateIssue(doc, lineCounter, { path: ["a", "b", "missing"], message: "" }).pos).toEqual({
      line: 3,
      col: 5,
    });
  });

  it("points an unknown key at its map by default, at the key itself on request", () => {
    const { doc, lineCounter } = parse(text);
    const issue = { code: "unrecognized_keys", keys: ["typo"], path: ["a", "b"], message: "" };
    expect(locateIssue(doc, lineCounter, issue)).toEqual({ pos: { line: 3, col: 5 }, path: ["a", "b"] });
    expect(locateIssue(doc, lineCounter, issue, { unknownKeyAt: "key" })).toEqual({
      pos: { line: 4, col: 5 },
      path: ["a", "b", "typo"],
    });
  });

  it("falls back to 1:1 for an empty document", () => {
    const { doc, lineCounter } = parse("");
    expect(locateIssue(doc, lineCounter, { path: ["x"], message: "" }).pos).toEqual({ line: 1, col: 1 });
  });

  it("firstSyntaxError gives the position and the first line of the message", () => {
    const { doc, lineCounter } = parse("a: 1\na: 2\n");
    expect(firstSyntaxError(doc, lineCounter)).toEqual({
      pos: { line: 2, col: 1 },
      message: "Map keys must be unique",
    });
    const ok = parse("a: 1\n");
    expect(firstSyntaxError(ok.doc, ok.lineCounter)).toBeNull();
  });
});

describe("tasks file messages (unchanged by the shared helper)", () => {
  const task =
    "version: 1\ntasks:\n  - id: abc123\n    title: x\n    type: impl\n    status: pending\n    created: a\n    updated: a\n";
  const cases: Array<[string, string]> = [
    [`${task}    colour: red\n`, '.wm/tasks.yaml:3:5: tasks.0: Unrecognized key: "colour"'],
    [
      `${task}    evidence:\n      at: x\n      bogus: 1\n`,
      '.wm/tasks.yaml:10:7: tasks.0.evidence: Unrecognized key: "bogus"',
    ],
    [task.replace("    title: x\n", ""), ".wm/tasks.yaml:3:5: tasks.0.title: "],
    [`${task}    depends_on: [1, b2]\n`, ".wm/tasks.yaml:9:18: tasks.0.depends_on.0: "],
    ["version: 1\ntasks: {a: 1}\n", ".wm/tasks.yaml:2:8: tasks: "],
    ["- a\n- b\n", ".wm/tasks.yaml:1:1: file: "],
    [
      "version: 1\ntasks:\n  - id: abc\n   title: x\n",
      ".wm/tasks.yaml:4:1: not valid YAML: Sequence item without - indicator",
    ],
  ];
  for (const [text, prefix] of cases) {
    it(`reports ${prefix}`, async () => {
      const err = await parseTasksText(text, ".wm/tasks.yaml").catch((e: Error) => e);
      expect((err as Error).message.startsWith(prefix)).toBe(true);
    });
  }
});
