// Issues and the providers that hold them. `wm spec new` takes a spec's title and acceptance criteria from
// an issue; the provider is the local store (.wm/issues/, src/store/local-issues.ts) or GitHub
// (src/integrations/github/provider.ts), behind the same interface. Pure: types, and functions on issue text.

export const ISSUE_STATES = ["open", "closed"] as const;
export type IssueState = (typeof ISSUE_STATES)[number];

/** The kinds `wm issue create --type` knows; stored as a label of the same name. */
export const ISSUE_TYPES = ["feature", "bug", "epic"] as const;
export type IssueType = (typeof ISSUE_TYPES)[number];

export interface Issue {
  number: number;
  title: string;
  /** Markdown. */
  body: string;
  state: IssueState;
  labels: string[];
  /** Where people read it (GitHub); absent for local issues. */
  url?: string;
  /** ISO 8601, when the provider knows it. */
  created?: string;
  /** The parent issue (an epic's sub-issue), when the provider knows it. */
  parent?: number;
}

export interface IssueFilter {
  /** Default "open". */
  state?: IssueState | "all";
  /** Issues that carry every one of these labels. */
  labels?: string[];
}

export interface NewIssue {
  title: string;
  body?: string;
  labels?: string[];
  /** Make the new issue a sub-issue of this one (which must exist). */
  parent?: number;
}

/**
 * Where issues come from. Every method may do I/O (files, the network) and throws WmError for what the user
 * can fix (a malformed file, a missing token, a rate limit) with a hint saying how.
 */
export interface IssueProvider {
  /** "local" or "github": shown in messages. */
  readonly name: string;
  /** The issue, or null when the provider has no issue with that number. */
  get(number: number): Promise<Issue | null>;
  /** Matching issues, by number ascending. */
  list(filter?: IssueFilter): Promise<Issue[]>;
  create(input: NewIssue): Promise<Issue>;
}

export function matchesFilter(issue: Issue, filter: IssueFilter = {}): boolean {
  const state = filter.state ?? "open";
  if (state !== "all" && issue.state !== state) return false;
  return (filter.labels ?? []).every((l) => issue.labels.includes(l));
}

/**
 * A file-name slug: lower case ASCII letters and digits joined by single dashes, accents folded
 * ("Café" -> "cafe"), at most `max` characters, cut at a dash when one is near the limit. "" when the text
 * has no ASCII letters or digits at all.
 */
export function slugify(text: string, max = 50): string {
  const ascii = text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase();
  const slug = ascii.replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  if (slug.length <= max) return slug;
  const cut = slug.slice(0, max);
  const dash = cut.lastIndexOf("-");
  return (dash >= max / 2 ? cut.slice(0, dash) : cut).replace(/-+$/, "");
}

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** A slug given by hand (`--slug`): the same alphabet slugify produces, so file names stay portable. */
export function isSlug(value: string): boolean {
  return SLUG.test(value) && value.length <= 100;
}

const AC_HEADING = /^acceptance\s+criteria\s*:?$/i;

type MdNode = {
  type: string;
  depth?: number;
  value?: string;
  children?: MdNode[];
  position?: { start: { offset?: number }; end: { offset?: number } };
};

let parseMarkdown: ((text: string) => MdNode) | null = null;

async function markdownParser(): Promise<(text: string) => MdNode> {
  if (parseMarkdown) return parseMarkdown;
  // The same parser as the spec checker's (src/lib/markdown.ts: the built CLI's dist/lib/markdown.cjs).
  const { parseMarkdown: parse } = await import("../lib/markdown.js");
  parseMarkdown = (text) => parse(text) as unknown as MdNode;
  return parseMarkdown;
}

function textOf(node: MdNode): string {
  if (typeof node.value === "string") return node.value;
  return (node.children ?? []).map(textOf).join("");
}

function sourceOf(text: string, node: MdNode): string {
  const from = node.position?.start.offset;
  const to = node.position?.end.offset;
  if (from === undefined || to === undefined) return textOf(node);
  return text.slice(from, to);
}

/** One line: inner line breaks become spaces, runs of blanks one space. */
function oneLine(s: string): string {
  return s
    .replace(/\s*\n\s*/g, " ")
    .replace(/[ \t]+/g, " ")
    .trim();
}

/**
 * The acceptance criteria of an issue body: the items of the lists (and the paragraphs) under its
 * "Acceptance Criteria" heading (any level, case-insensitive, a trailing colon allowed), up to the next
 * heading of the same or a higher level. Each criterion is one line of markdown as written (inline code and
 * links kept), without its list marker or checkbox; nested lists are not separate criteria. A bold
 * `**Acceptance Criteria:**` paragraph counts as a heading too. [] when there is no such section.
 */
export async function acceptanceCriteria(body: string): Promise<string[]> {
  if (!/acceptance\s+criteria/i.test(body)) return [];
  const tree = (await markdownParser())(body);
  const blocks = tree.children ?? [];
  let start = -1;
  let depth = 7;
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i]!;
    if (b.type === "heading" && AC_HEADING.test(textOf(b).trim())) {
      start = i + 1;
      depth = b.depth ?? 1;
      break;
    }
    if (b.type === "paragraph" && b.children?.[0]?.type === "strong") {
      const label = textOf(b.children[0]).trim();
      const rest = textOf({ type: "x", children: b.children.slice(1) }).trim();
      if (AC_HEADING.test(label) && rest.replace(/^:/, "").trim() === "") {
        start = i + 1;
        depth = 7; // runs to the next heading of any level
        break;
      }
    }
  }
  if (start < 0) return [];
  const out: string[] = [];
  for (let i = start; i < blocks.length; i++) {
    const b = blocks[i]!;
    if (b.type === "heading" && (b.depth ?? 1) <= depth) break;
    if (b.type === "heading") continue;
    if (b.type === "list") {
      for (const item of b.children ?? []) {
        const first = (item.children ?? []).find((c) => c.type === "paragraph");
        if (first === undefined) continue;
        const line = oneLine(sourceOf(body, first));
        if (line !== "") out.push(line);
      }
    } else if (b.type === "paragraph") {
      const line = oneLine(sourceOf(body, b));
      if (line !== "") out.push(line);
    }
  }
  return out;
}
