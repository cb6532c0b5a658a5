// The local issue provider: one markdown file per issue, `.wm/issues/<number>-<slug>.md`, YAML frontmatter
// (number, title, state, labels, created, parent) and the body below it. Committed with the project, readable and
// editable by hand. New numbers are the next above the highest file's, taken under the lock
// `.wm/issues.lock`, so parallel creates in one checkout never collide (two branches can still both take
// the same number: local issues are for one person or one machine; GitHub is the shared store).

import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { WmError } from "../core/errors.js";
import {
  ISSUE_STATES,
  type Issue,
  type IssueFilter,
  type IssueProvider,
  type IssueState,
  matchesFilter,
  type NewIssue,
  slugify,
} from "../core/issues.js";
import { writeFileAtomic } from "./atomic.js";
import { withLockAsync } from "./lock.js";
import type { ProjectPaths } from "./paths.js";

const FILE = /^([1-9][0-9]{0,9})(?:-[^/\\]*)?\.md$/;

type YamlModule = typeof import("yaml");
let yamlModule: YamlModule | null = null;
async function yaml(): Promise<YamlModule> {
  yamlModule ??= await import("yaml");
  return yamlModule;
}

export function localIssuesDir(paths: ProjectPaths): string {
  return join(paths.wmDir, "issues");
}

/** number -> file names, for every file in the directory that is named like an issue. */
function scan(dir: string): Map<number, string[]> {
  const found = new Map<number, string[]>();
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return found;
    throw new WmError(`cannot read ${dir}: ${(err as Error).message}`);
  }
  for (const name of names.sort()) {
    const m = FILE.exec(name);
    if (!m) continue;
    const n = Number(m[1]);
    const list = found.get(n);
    if (list) list.push(name);
    else found.set(n, [name]);
  }
  return found;
}

/**
 * Parses one issue file. Without frontmatter (written by hand), the title is the first `# ` heading (or the
 * file name) and the issue is open. `display` names the file in errors.
 */
export function parseIssueFile(text: string, number: number, display: string, y: YamlModule): Issue {
  if (text.includes("\u0000")) throw new WmError(`${display}: not a text file (contains NUL bytes)`);
  const src = text.replace(/^\uFEFF/, "");
  const lines = src.split(/\r?\n/);
  if (lines[0]?.trim() !== "---") {
    const h = /^#\s+(.+?)\s*#*\s*$/.exec(lines[0] ?? "");
    const title = h
      ? h[1]!
      : display
          .replace(/^.*?\d+-?/, "")
          .replace(/\.md$/, "")
          .replace(/-/g, " ");
    return {
      number,
      title: title || `Issue ${number}`,
      body: (h ? lines.slice(1).join("\n") : src).trim(),
      state: "open",
      labels: [],
    };
  }
  const end = lines.findIndex((l, i) => i > 0 && (l.trim() === "---" || l.trim() === "..."));
  if (end < 0) {
    throw new WmError(`${display}:1: the frontmatter is not closed (no second --- line)`, {
      rule: "issue/parse",
      hint: "end the frontmatter with a line holding only ---",
    });
  }
  let data: unknown;
  try {
    data = y.parse(lines.slice(1, end).join("\n"));
  } catch (err) {
    const e = err as { message: string; linePos?: Array<{ line: number }> };
    const line = (e.linePos?.[0]?.line ?? 0) + 1;
    throw new WmError(`${display}:${line}: the frontmatter is not valid YAML: ${e.message.split("\n")[0]}`, {
      rule: "issue/parse",
    });
  }
  const fail = (what: string) =>
    new WmError(`${display}: frontmatter: ${what}`, {
      rule: "issue/parse",
      hint: "fix the file by hand: number, title, state (open|closed), labels (a list), created",
    });
  if (data === null || typeof data !== "object" || Array.isArray(data))
    throw fail("expected keys and values");
  const fm = data as Record<string, unknown>;
  if (fm.number !== undefined && fm.number !== number) {
    throw fail(`number is ${JSON.stringify(fm.number)} but the file name says ${number}`);
  }
  if (typeof fm.title !== "string" || fm.title.trim() === "") throw fail("title must be a non-empty string");
  const state = fm.state ?? "open";
  if (typeof state !== "string" || !(ISSUE_STATES as readonly string[]).includes(state)) {
    throw fail(`state must be one of ${ISSUE_STATES.join(", ")}, got ${JSON.stringify(state)}`);
  }
  const labels = fm.labels ?? [];
  if (!Array.isArray(labels) || labels.some((l) => typeof l !== "string")) {
    throw fail("labels must be a list of strings");
  }
  const issue: Issue = {
    number,
    title: fm.title.trim(),
    body: lines
      .slice(end + 1)
      .join("\n")
      .trim(),
    state: state as IssueState,
    labels: labels as string[],
  };
  if (fm.created instanceof Date) issue.created = fm.created.toISOString();
  else if (typeof fm.created === "string") issue.created = fm.created;
  if (fm.parent !== undefined) {
    if (typeof fm.parent !== "number" || !Number.isSafeInteger(fm.parent) || fm.parent < 1) {
      throw fail(`parent must be an issue number, got ${JSON.stringify(fm.parent)}`);
    }
    issue.parent = fm.parent;
  }
  return issue;
}

/** The text of an issue file. */
export function issueFileText(issue: Issue, y: YamlModule): string {
  const fm: Record<string, unknown> = {
    number: issue.number,
    title: issue.title,
    state: issue.state,
    labels: issue.labels,
  };
  if (issue.created !== undefined) fm.created = issue.created;
  if (issue.parent !== undefined) fm.parent = issue.parent;
  const head = y.stringify(fm, { lineWidth: 0 });
  const body = issue.body.trim();
  return `---\n${head}---\n${body === "" ? "" : `\n${body}\n`}`;
}

export class LocalIssues implements IssueProvider {
  readonly name = "local";
  readonly dir: string;
  constructor(
    private readonly paths: ProjectPaths,
    private readonly now: () => string,
  ) {
    this.dir = localIssuesDir(paths);
  }

  private display(name: string): string {
    return relative(this.paths.root, join(this.dir, name)) || name;
  }

  private async read(number: number, names: readonly string[]): Promise<Issue> {
    if (names.length > 1) {
      throw new WmError(
        `issue #${number} has ${names.length} files: ${names.map((n) => this.display(n)).join(", ")}`,
        { rule: "issue/duplicate", hint: "keep one of them (renumber the other, number and file name)" },
      );
    }
    const name = names[0]!;
    let text: string;
    try {
      text = readFileSync(join(this.dir, name), "utf8");
    } catch (err) {
      throw new WmError(`cannot read ${this.display(name)}: ${(err as Error).message}`);
    }
    return parseIssueFile(text, number, this.display(name), await yaml());
  }

  async get(number: number): Promise<Issue | null> {
    const names = scan(this.dir).get(number);
    return names === undefined ? null : this.read(number, names);
  }

  async list(filter: IssueFilter = {}): Promise<Issue[]> {
    const out: Issue[] = [];
    for (const [n, names] of [...scan(this.dir).entries()].sort((a, b) => a[0] - b[0])) {
      const issue = await this.read(n, names);
      if (matchesFilter(issue, filter)) out.push(issue);
    }
    return out;
  }

  async create(input: NewIssue): Promise<Issue> {
    const title = input.title.trim();
    if (title === "") throw new WmError("an issue needs a title", { rule: "usage" });
    const y = await yaml();
    if (input.parent !== undefined && (await this.get(input.parent)) === null) {
      throw new WmError(`--parent: there is no local issue #${input.parent}`, {
        rule: "issue/not-found",
        hint: "see `wm issue list --state=all`",
      });
    }
    mkdirSync(this.dir, { recursive: true });
    return withLockAsync(this.dir, async () => {
      // Re-read the directory inside the lock: the number must be free now, not when we looked.
      const numbers = [...scan(this.dir).keys()];
      const number = numbers.length === 0 ? 1 : Math.max(...numbers) + 1;
      const issue: Issue = {
        number,
        title,
        body: (input.body ?? "").trim(),
        state: "open",
        labels: [...new Set(input.labels ?? [])],
        created: this.now(),
      };
      if (input.parent !== undefined) issue.parent = input.parent;
      const slug = slugify(title) || "issue";
      writeFileAtomic(join(this.dir, `${number}-${slug}.md`), issueFileText(issue, y));
      return issue;
    });
  }
}
