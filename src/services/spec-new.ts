// `wm spec new <template> --issue N`: a new planning spec from a template, with the mechanical variables
// filled and the issue's title and acceptance criteria put in. Never overwrites without `force`.

import { closeSync, mkdirSync, openSync, statSync, writeSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { UsageError, WmError } from "../core/errors.js";
import { acceptanceCriteria, isSlug, slugify } from "../core/issues.js";
import { fillVariables, insertAcceptanceCriteria } from "../core/spec-render.js";
import { builtinTemplate } from "../core/template-catalog.js";
import { writeFileAtomic } from "../store/atomic.js";
import { loadConfig } from "../store/config-store.js";
import { readTemplate } from "../store/templates.js";
import { type Ctx, project } from "./context.js";
import { issueProvider } from "./issues.js";
import { parseIssue } from "./tasks.js";

export interface SpecNewInput {
  template: string;
  issue: string | number;
  title?: string;
  slug?: string;
  force?: boolean;
  dryRun?: boolean;
  /** Messages while waiting for the issue provider (GitHub rate limits, retries). */
  notify?: (line: string) => void;
}

export interface SpecNewResult {
  /** Repository-relative, POSIX separators. */
  path: string;
  /** Absolute. */
  absolutePath: string;
  template: string;
  issue: number;
  title: string;
  /** The acceptance criteria put under the template's field (empty when none were found or there is no field). */
  acceptanceCriteria: string[];
  /** The issue the title and criteria came from; false when it does not exist and --title was given. */
  fromIssue: boolean;
  /** An existing file was replaced (--force). */
  overwritten: boolean;
  dryRun: boolean;
  /** The spec's text (also when nothing was written). */
  content: string;
}

const toPosix = (p: string) => p.split(sep).join("/");

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** What `wm spec new --json` and the MCP tool `spec_new` answer: the result without machine-local paths. */
export function specNewData(r: SpecNewResult) {
  return {
    path: r.path,
    template: r.template,
    issue: r.issue,
    title: r.title,
    acceptanceCriteria: r.acceptanceCriteria,
    overwritten: r.overwritten,
    dryRun: r.dryRun,
  };
}

export async function specNew(ctx: Ctx, input: SpecNewInput): Promise<SpecNewResult> {
  const paths = project(ctx);
  const issueNumber = parseIssue(input.issue);
  if (input.slug !== undefined && !isSlug(input.slug)) {
    throw new UsageError(
      `--slug "${input.slug}" is not a slug: use lower-case letters, digits and single dashes (e.g. add-rate-limits)`,
    );
  }
  if (input.title !== undefined && input.title.trim() === "") {
    throw new UsageError("--title must not be empty");
  }
  const template = readTemplate(paths, input.template);
  const { config } = await loadConfig(paths);

  const provider = await issueProvider(ctx, input.notify ? { notify: input.notify } : {});
  const issue = await provider.get(issueNumber);
  if (issue === null && input.title === undefined) {
    throw new UsageError(
      `there is no issue #${issueNumber} in the ${provider.name} issues to take the title from`,
      {
        rule: "issue/not-found",
        hint: `create it first (wm issue create --title="..." --body-file=issue.md), or pass --title="..."`,
      },
    );
  }
  // One line: it goes into a heading and into `--title="..."` lines.
  const title = (input.title ?? issue!.title).replace(/\s+/g, " ").trim();
  const criteria = issue === null ? [] : await acceptanceCriteria(issue.body);

  const slug = input.slug ?? (slugify(title) || `issue-${issueNumber}`);
  const now = ctx.now();
  const date = now.slice(0, 10);
  const research = (builtinTemplate(template.name)?.output ?? "specs") === "research";
  const dir = research ? config.specs.research_dir : config.specs.dir;
  const name = research ? `${date}-${slug}.md` : `${issueNumber}-${slug}.md`;
  const absolutePath = join(paths.root, dir, name);
  const path = toPosix(relative(paths.root, absolutePath));

  let content = fillVariables(template.content, {
    FEATURE_TITLE: title,
    ISSUE: String(issueNumber),
    ISSUE_NUMBER: String(issueNumber),
    DATE: date,
    SLUG: slug,
    TEMPLATE: template.name,
  });
  let inserted: string[] = [];
  if (criteria.length > 0) {
    const r = insertAcceptanceCriteria(content, criteria);
    if (r.inserted) {
      content = r.text;
      inserted = criteria;
    }
  }

  const already = exists(absolutePath);
  if (already && !input.force) {
    throw new WmError(`${path} already exists; wm spec new does not overwrite it`, {
      rule: "spec/exists",
      hint: "pass --force to replace it, or --slug=... to write another file",
      details: { path },
    });
  }
  const result: SpecNewResult = {
    path,
    absolutePath,
    template: template.name,
    issue: issueNumber,
    title,
    acceptanceCriteria: inserted,
    fromIssue: issue !== null,
    overwritten: already,
    dryRun: Boolean(input.dryRun),
    content,
  };
  if (input.dryRun) return result;

  mkdirSync(dirname(absolutePath), { recursive: true });
  if (input.force) {
    writeFileAtomic(absolutePath, content);
  } else {
    // Exclusive create: a file that appeared since we looked is not overwritten either.
    let fd: number;
    try {
      fd = openSync(absolutePath, "wx", 0o644);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "EEXIST") {
        throw new WmError(`${path} already exists; wm spec new does not overwrite it`, {
          rule: "spec/exists",
          hint: "pass --force to replace it, or --slug=... to write another file",
          details: { path },
        });
      }
      throw new WmError(`cannot write ${path}: ${(err as Error).message}`);
    }
    try {
      const buf = Buffer.from(content, "utf8");
      let off = 0;
      while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    } finally {
      closeSync(fd);
    }
  }
  return result;
}
