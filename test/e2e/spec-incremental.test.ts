// `wm spec check` after an edit re-parses only the edited sections, from the previous version's text and
// tree kept in .wm/cache/spec-tree-*.json (src/core/spec/incremental.ts). Through the built CLI: after each
// kind of edit the check must report exactly what a check with no caches reports, and the previous tree must
// really be what the check starts from (and only one made by the same parser build).

import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanupTemp, tempDir, wm } from "../helpers/cli.js";
import { FIXTURE_SPEC, specFixture } from "../helpers/spec-fixture.js";

afterAll(cleanupTemp);

let repo: string;
let original: string;
const SPEC = FIXTURE_SPEC;

beforeAll(() => {
  ({ repo, original } = specFixture("wm-spec-incremental-"));
});

function check(): string {
  const r = wm(repo, ["spec", "check", SPEC, "--format", "json", "--min-score", "0"]);
  expect(r.code, r.stderr).toBe(1);
  return r.stdout;
}

/** The same check with no .wm/cache at all; the cache is put back afterwards, as it was. */
function uncached(): string {
  const cache = join(repo, ".wm/cache");
  const aside = tempDir("wm-cache-aside-");
  cpSync(cache, aside, { recursive: true });
  rmSync(cache, { recursive: true });
  try {
    return check();
  } finally {
    rmSync(cache, { recursive: true, force: true });
    cpSync(aside, cache, { recursive: true });
  }
}

const treeFile = () => {
  const [f] = readdirSync(join(repo, ".wm/cache")).filter((n) => /^spec-tree-[0-9a-f]{16}\.json$/.test(n));
  expect(f).toBeDefined();
  return join(repo, ".wm/cache", f!);
};
const write = (text: string) => writeFileSync(join(repo, SPEC), text);
/** Removes the model and result caches, which would answer for a text checked before without any tree. */
const dropModelAndResult = () => {
  for (const n of readdirSync(join(repo, ".wm/cache")))
    if (/^spec-(model|result)-[0-9a-f]{16}\.json$/.test(n)) rmSync(join(repo, ".wm/cache", n));
};
const rules = (stdout: string) =>
  (JSON.parse(stdout).data.files[0].findings as Array<{ line: number; rule: string }>).map(
    (f) => `${f.line} ${f.rule}`,
  );

describe("wm spec check after an edit", () => {
  it("reports exactly what a check with no caches reports, edit after edit", () => {
    write(original);
    check();
    const edits: Array<[string, (t: string) => string]> = [
      ["a flag fixed in the last section", (t) => t.replace("--isue=240", "--issue=240")],
      [
        "prose in the first section",
        (t) => t.replace("## 0. Feature Context\n", "## 0. Feature Context\n\nMore.\n"),
      ],
      [
        "the stray fi removed from a bash block",
        (t) => t.replace('  echo "dump written"\nfi\nfi\n', '  echo "dump written"\nfi\n'),
      ],
      [
        "a fence opened that swallows the next headings",
        (t) => t.replace("### 5.1 Access Control", "```\n### 5.1 Access Control"),
      ],
      ["the fence closed again", (t) => t.replace("```\n### 5.1 Access Control", "### 5.1 Access Control")],
      ["a comment opened before a heading", (t) => t.replace("## 6. Testing", "<!--\n## 6. Testing")],
      ["the comment removed", (t) => t.replace("<!--\n## 6. Testing", "## 6. Testing")],
      [
        "a link definition added",
        (t) => t.replace("## 8. Task Breakdown", "[x]: https://example.com\n\n## 8. Task Breakdown"),
      ],
      ["the definition removed", (t) => t.replace("[x]: https://example.com\n\n", "")],
      [
        "a table row added",
        (t) =>
          t.replace(
            "| <!-- --> | <!-- --> | <!-- --> |",
            "| <!-- --> | <!-- --> | <!-- --> |\n| `scripts/nope.sh` | runs | by hand |",
          ),
      ],
      ["text appended at the end", (t) => `${t}\n<!-- edit -->\n`],
      ["a heading turned into prose", (t) => t.replace("### 4.2 Rollback Plan", "4.2 Rollback Plan")],
    ];
    // Edits no rule reports on.
    const quiet = new Set(["text appended at the end", "a heading turned into prose"]);
    let text = original;
    let before = check();
    for (const [name, edit] of edits) {
      const next = edit(text);
      expect(next, name).not.toBe(text);
      write(next);
      const cached = check();
      expect(JSON.parse(readFileSync(treeFile(), "utf8")).value.text, name).toBe(next);
      expect(cached, `${name}: the cached check differs from one with no caches`).toBe(uncached());
      if (!quiet.has(name)) expect(cached, `${name}: the edit should show`).not.toBe(before);
      before = cached;
      text = next;
    }
  });

  it("starts from the previous version's tree, when the same parser made it", () => {
    write(original);
    const first = check();
    expect(first).toBe(uncached());
    expect(rules(first)).toContain("138 spec/bash-syntax");
    // The cached tree of the text just checked, with the bash block in 6.1 taken out of it.
    const file = treeFile();
    const entry = JSON.parse(readFileSync(file, "utf8"));
    expect(entry.value.text).toBe(original);
    const kids = entry.value.tree.children as Array<{ type: string; value?: string }>;
    const block = kids.findIndex((n) => n.type === "code" && n.value?.includes("dump written"));
    expect(block).toBeGreaterThan(0);
    kids.splice(block, 1);
    const edited = original.replace("--isue=240", "--issue=240");

    // An edit in a later section: the sections before it come from the cached tree, block-less.
    writeFileSync(file, JSON.stringify(entry));
    write(edited);
    dropModelAndResult();
    expect(rules(check())).not.toContain("138 spec/bash-syntax");

    // The same entry under another parser build's key is not used: the whole text is parsed.
    write(original);
    entry.key = entry.key.replace(/^[^:]+/, "another-parser");
    writeFileSync(file, JSON.stringify(entry));
    write(edited);
    dropModelAndResult();
    const full = check();
    expect(rules(full)).toContain("138 spec/bash-syntax");
    expect(full).toBe(uncached());
  });
});
