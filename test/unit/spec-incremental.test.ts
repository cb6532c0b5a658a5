// Re-parsing only the edited part of a spec (src/core/spec/incremental.ts): differential, against a full
// parse of the new text, over every spec fixture and many seeded random edits, including the edits that
// change what a heading-like line is (fences, HTML comments, tables, setext underlines, definitions).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Root } from "mdast";
import { describe, expect, it } from "vitest";
import { reparse } from "../../src/core/spec/incremental.js";
import { parseMarkdown } from "../../src/lib/markdown.js";
import { REPO_ROOT } from "../helpers/cli.js";
import { seededRng } from "../helpers/prng.js";

const DIR = join(REPO_ROOT, "test/fixtures/specs");
const SPECS = [
  join(DIR, "seed-infrastructure.md"),
  ...readdirSync(join(DIR, "corpus"))
    .filter((n) => n.endsWith(".md"))
    .sort()
    .map((n) => join(DIR, "corpus", n)),
];

/** A seeded generator (test/helpers/prng.ts), so a failure replays. */
function rng(seed: number): () => number {
  const r = seededRng(seed);
  return () => r.next();
}

const CHARS = [
  "#",
  "`",
  "~",
  "<",
  ">",
  "!",
  "-",
  "*",
  "|",
  "[",
  "]",
  ":",
  "^",
  "=",
  " ",
  "\t",
  "\n",
  "\r",
  "a",
  "Z",
  "1",
  "\\",
  "&",
];
const LINES = [
  "```",
  "```bash",
  "~~~",
  "<!--",
  "-->",
  "<!-- a comment -->",
  "<div>",
  "</div>",
  "# A heading",
  "## Another heading",
  "#no space",
  "| a | b |",
  "|---|---|",
  "| --- |",
  "[x]: https://example.com",
  "[^1]: a footnote",
  "see [x] and [^1]",
  "- item",
  "1. item",
  "> quoted",
  "===",
  "---",
  "    indented code",
  "",
  "plain prose with `code` and **bold**",
  "https://example.com/autolink",
];

interface Edit {
  text: string;
  kind: string;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") starts.push(i + 1);
  return starts;
}

function randomEdit(text: string, r: () => number): Edit {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const at = Math.floor(r() * (text.length + 1));
  const starts = lineStarts(text);
  const line = Math.floor(r() * starts.length);
  const ls = starts[line]!;
  const le = line + 1 < starts.length ? starts[line + 1]! : text.length;
  switch (Math.floor(r() * 8)) {
    case 0:
      return { kind: "insert chars", text: text.slice(0, at) + pick(CHARS) + pick(CHARS) + text.slice(at) };
    case 1: {
      const n = 1 + Math.floor(r() * 12);
      return { kind: "delete chars", text: text.slice(0, at) + text.slice(at + n) };
    }
    case 2: {
      const n = 1 + Math.floor(r() * 6);
      return { kind: "replace chars", text: text.slice(0, at) + pick(CHARS).repeat(n) + text.slice(at + n) };
    }
    case 3:
      return { kind: "insert line", text: `${text.slice(0, ls)}${pick(LINES)}\n${text.slice(ls)}` };
    case 4:
      return { kind: "delete line", text: text.slice(0, ls) + text.slice(le) };
    case 5:
      return { kind: "replace line", text: `${text.slice(0, ls)}${pick(LINES)}\n${text.slice(le)}` };
    case 6: {
      // Several lines at once, from one place to another.
      const n = 1 + Math.floor(r() * 20);
      const to = starts[Math.min(starts.length - 1, line + n)]!;
      return { kind: "delete lines", text: text.slice(0, ls) + text.slice(to) };
    }
    default:
      return { kind: "duplicate line", text: text.slice(0, le) + text.slice(ls, le) + text.slice(le) };
  }
}

const json = (t: Root) => JSON.stringify(t);

/** Asserts the re-parse is null or exactly the full parse; returns whether it was used. */
function differential(oldText: string, oldTree: Root, newText: string, what: string): Root | null {
  const full = parseMarkdown(newText);
  const got = reparse(oldText, oldTree, newText, parseMarkdown);
  if (got !== null) expect(json(got), what).toBe(json(full));
  return got;
}

describe("reparse: differential against a full parse", () => {
  it.each(SPECS.map((f) => [f.slice(DIR.length + 1), f]))(
    "%s: random edits give the full parse or null",
    (name, file) => {
      const original = readFileSync(file, "utf8");
      const originalTree = parseMarkdown(original);
      const r = rng(name.length * 7919 + original.length);
      const used = new Map<string, [number, number]>();
      for (let i = 0; i < 70; i++) {
        const e = randomEdit(original, r);
        const got = differential(original, originalTree, e.text, `${name} edit ${i} (${e.kind})`);
        const [yes, all] = used.get(e.kind) ?? [0, 0];
        used.set(e.kind, [yes + (got ? 1 : 0), all + 1]);
      }
      // A chain, as an agent edits: each tree comes from the previous (re-parsed or full) one.
      let text = original;
      let tree = originalTree;
      for (let i = 0; i < 40; i++) {
        const e = randomEdit(text, r);
        tree = differential(text, tree, e.text, `${name} chain ${i} (${e.kind})`) ?? parseMarkdown(e.text);
        text = e.text;
      }
      // The edits that change no construct's kind are re-parsed almost always.
      const [deleted, all] = used.get("delete chars") ?? [0, 0];
      expect(all).toBeGreaterThan(0);
      expect(deleted / all).toBeGreaterThan(0.3);
    },
  );

  it("re-parses at least 60 % of single-line edits in prose, always exactly", () => {
    let used = 0;
    let all = 0;
    for (const file of SPECS) {
      const text = readFileSync(file, "utf8");
      const tree = parseMarkdown(text);
      const starts = lineStarts(text);
      // Lines of top-level paragraphs: prose.
      const prose = tree.children
        .filter((n) => n.type === "paragraph")
        .flatMap((n) => {
          const out: number[] = [];
          for (let l = n.position!.start.line; l <= n.position!.end.line; l++) out.push(l);
          return out;
        });
      expect(prose.length, file).toBeGreaterThan(0);
      const r = rng(all + 17);
      for (let i = 0; i < 30; i++) {
        const line = prose[Math.floor(r() * prose.length)]!;
        const ls = starts[line - 1]!;
        const le = text.indexOf("\n", ls) === -1 ? text.length : text.indexOf("\n", ls);
        const at = ls + Math.floor(r() * (le - ls + 1));
        const edits = [
          `${text.slice(0, at)}word ${text.slice(at)}`,
          text.slice(0, at) + text.slice(Math.min(at + 3, le)),
          `${text.slice(0, ls)}A rewritten line of prose.${text.slice(le)}`,
        ];
        const edited = edits[i % 3]!;
        all++;
        if (differential(text, tree, edited, `${file}:${line}`)) used++;
      }
    }
    expect(used / all).toBeGreaterThanOrEqual(0.6);
  });
});

describe("reparse: the cases that need the whole document", () => {
  const doc = "# T\n\nintro\n\n## A\n\ntext a\n\n## B\n\ntext b\n\n## C\n\ntext c\n";
  const tree = parseMarkdown(doc);

  it("re-parses an edit inside one section, and text appended at the end", () => {
    expect(differential(doc, tree, doc.replace("text b", "text bb"), "inside B")).not.toBeNull();
    expect(differential(doc, tree, `${doc}\n<!-- edit 1 -->\n`, "appended")).not.toBeNull();
    expect(differential(doc, tree, doc.replace("intro", "intro, longer"), "before the first")).not.toBeNull();
  });

  it("gives null, not a wrong tree, when a fence or comment opened in one section swallows the next", () => {
    for (const opener of ["```", "~~~", "<!--", "<script>", "<?"]) {
      const edited = doc.replace("text b", `text\n${opener}\nb`);
      // The full parse has lost heading C: re-using the old one would be wrong.
      const headings = parseMarkdown(edited).children.filter((n) => n.type === "heading");
      expect(headings.length, opener).toBe(3);
      expect(reparse(doc, tree, edited, parseMarkdown), opener).toBeNull();
      // Opened right before C, the chunk runs to the end of the document and is right.
      const before = doc.replace("text b\n", `text b\n\n${opener}\n`);
      differential(doc, tree, before, `${opener} before C`);
    }
    // And closing it again within the section gives the full parse back.
    const closed = doc.replace("text b", "text\n```\n## not a heading\n```\nb");
    expect(differential(doc, tree, closed, "closed fence")).not.toBeNull();
  });

  it("gives null when a definition, footnote or reference is in the tree or the edit", () => {
    const withRef = doc.replace("text c", "see [x]\n\n[x]: https://example.com");
    expect(
      reparse(withRef, parseMarkdown(withRef), withRef.replace("text b", "text bb"), parseMarkdown),
    ).toBeNull();
    // The definition added in B turns `[x]` in A into a link: the edit reaches outside its section.
    const a = doc.replace("text a", "see [x]");
    const defined = a.replace("text b", "[x]: https://example.com");
    expect(json(parseMarkdown(defined))).toContain("linkReference");
    expect(reparse(a, parseMarkdown(a), defined, parseMarkdown)).toBeNull();
    const footnote = a.replace("text b", "[^x]: a note").replace("see [x]", "see [^x]");
    expect(reparse(doc, tree, footnote, parseMarkdown)).toBeNull();
  });

  it("keeps the line and offset of every later node right across CR LF and CR line endings", () => {
    for (const eol of ["\r\n", "\r"]) {
      const d = doc.replaceAll("\n", eol);
      const t = parseMarkdown(d);
      expect(
        differential(d, t, d.replace(`text a${eol}`, `text a${eol}more${eol}${eol}`), eol),
      ).not.toBeNull();
      differential(d, t, d.replace(`text a${eol}`, `text a\r`), `${JSON.stringify(eol)} to CR`);
    }
  });

  it("returns the old tree for the same text", () => {
    expect(reparse(doc, tree, doc, parseMarkdown)).toBe(tree);
  });
});
