// `wm spec check`: reads the named specs (refusing what is not a text spec inside the repository),
// indexes the repository once, runs the spec rules and scores completeness. Returns data; the CLI renders.

import { readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { basename, isAbsolute, join, relative, resolve, sep } from "node:path";
import type { Diagnostic } from "../core/diagnostics.js";
import { hasErrors } from "../core/diagnostics.js";
import { UsageError, WmError } from "../core/errors.js";
import { fnv64 } from "../core/hash.js";
import { checkModel } from "../core/spec/check.js";
import { reparse } from "../core/spec/incremental.js";
import type { SpecModel } from "../core/spec/model.js";
import { buildModel, parseMarkdown } from "../core/spec/parse.js";
import { askedCommits, recordingRepo, sameAnswers } from "../core/spec/recording-repo.js";
import type { CheckEnv, SpecTools } from "../core/spec/repo.js";
import { commitMentions } from "../core/spec/rules/unknown-commit.js";
import { TASKS_CREATE_OPTIONS } from "../core/task-options.js";
import { loadConfig } from "../store/config-store.js";
import type { ProjectPaths } from "../store/paths.js";
import { RepoIndex } from "../store/repo-index.js";
import { modelKey, readModel, writeModel } from "../store/spec-model-cache.js";
import { readResult, resultKey, writeResult } from "../store/spec-result-cache.js";
import {
  readToolResults,
  readTreeEntry,
  type ToolResults,
  toolsKey as toolResultsKey,
  treeKey,
  writeToolResults,
  writeTree,
} from "../store/spec-tree-cache.js";
import { type Ctx, project } from "./context.js";
import { bashIdentity, specTools, sqlParserIdentity } from "./spec-tools.js";
import { parseIssue, parseType } from "./tasks.js";

/** Specs bigger than this are refused: a planning spec is a few hundred lines. */
export const MAX_SPEC_BYTES = 1024 * 1024;
export const DEFAULT_MIN_SCORE = 75;

export interface SpecCheckOptions {
  files: string[];
  issue?: string;
  minScore?: number;
  /** Read no derived cache (file list, commits, line counts, trees, models, tool answers, results). */
  noCache?: boolean;
}

export interface SpecFileResult {
  /** Repository-relative POSIX path. */
  file: string;
  score: number;
  findings: Diagnostic[];
}

export interface SpecCheckResult {
  files: SpecFileResult[];
  minScore: number;
  /** No error finding and every score at or above the gate. */
  ok: boolean;
}

function posix(p: string): string {
  return p.split(sep).join("/");
}

function inside(root: string, abs: string): boolean {
  const rel = relative(root, abs);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
}

/** Reads one spec, refusing anything that is not a readable UTF-8 text file inside the repository. */
export function readSpec(
  realRoot: string,
  cwd: string,
  input: string,
): { abs: string; rel: string; text: string } {
  const abs = resolve(cwd, input);
  let real: string;
  try {
    real = realpathSync(abs);
  } catch {
    throw new WmError(`${input}: no such file`, {
      rule: "spec/input",
      hint: "name a spec file, e.g. planning/specs/239-*.md, or use --issue N",
    });
  }
  if (!inside(realRoot, real)) {
    throw new WmError(`${input} is outside the repository (${realRoot})`, {
      rule: "spec/input",
      hint: "wm spec check reads specs inside the repository only; copy the spec in, or run wm from its repository",
    });
  }
  const st = statSync(real);
  if (!st.isFile()) throw new WmError(`${input} is not a file`, { rule: "spec/input" });
  if (st.size > MAX_SPEC_BYTES) {
    throw new WmError(
      `${input} is ${(st.size / 1024 / 1024).toFixed(1)} MB; specs over 1 MB are not checked`,
      {
        rule: "spec/input",
        hint: "a planning spec is a few hundred lines: split it, or check that this is the right file",
      },
    );
  }
  const buf = readFileSync(real);
  if (buf.subarray(0, 8192).includes(0)) {
    throw new WmError(`${input} is a binary file, not a markdown spec`, { rule: "spec/input" });
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(buf);
  } catch {
    throw new WmError(`${input} is not UTF-8 text`, { rule: "spec/input", hint: "save the spec as UTF-8" });
  }
  if (text.trim() === "") {
    throw new WmError(`${input} is empty`, {
      rule: "spec/input",
      hint: "create it from a template: wm spec new <template> --issue N",
    });
  }
  return { abs: real, rel: posix(relative(realRoot, real)), text: text.replace(/^\uFEFF/, "") };
}

function specsFor(realRoot: string, dir: string, issue: number | null): string[] {
  const abs = join(realRoot, dir);
  let names: string[];
  try {
    names = readdirSync(abs).filter((n) => n.endsWith(".md"));
  } catch {
    names = [];
  }
  if (issue !== null) names = names.filter((n) => n.startsWith(`${issue}-`));
  return names.sort().map((n) => join(abs, n));
}

/**
 * The spec tools, answering the secret scan and `bash -n` from `known` (an earlier run's results for the
 * same spec text, scanner and bash) and recording every answer in `used`, to be cached in turn.
 */
function rememberingTools(base: SpecTools, known: ToolResults | null, used: ToolResults): SpecTools {
  const id = (text: string) => `${text.length}:${fnv64(text)}`;
  return {
    sqlSyntax: base.sqlSyntax,
    async bashSyntax(script) {
      const h = id(script);
      const r = known?.bash[h] ?? (await base.bashSyntax(script));
      used.bash[h] = r;
      return r;
    },
    async scanSecrets(text) {
      const h = id(text);
      const r = known?.secrets[h] ?? (await base.scanSecrets(text));
      used.secrets[h] = r;
      return r;
    },
  };
}

/**
 * The spec's model: from the model cache when the spec did not change, else built from remark's tree, which
 * comes from the tree cache when only wm's own code changed, or, after an edit, from the previous version's
 * tree with only the edited sections parsed again (core/spec/incremental.ts; same parser build only).
 * `keep`: write the model to its cache. Only for a text checked before (its result is cached but the
 * repository answers differently now): such a text is likely checked again, while a text just edited is
 * likely edited again, and encoding its model would cost more than building it once more.
 */
async function modelOf(
  paths: ProjectPaths,
  rel: string,
  text: string,
  fresh: boolean,
  keep: boolean,
): Promise<SpecModel> {
  const key = treeKey(paths, text);
  const mkey = modelKey(key);
  const known = mkey === null || fresh ? null : readModel(paths, rel, mkey, text);
  if (known !== null) return known;
  const cached = key === null || fresh ? null : readTreeEntry(paths, rel);
  let tree = cached !== null && cached.key === key && cached.text === text ? cached.tree : null;
  if (tree === null) {
    if (cached !== null) {
      const { parseMarkdown: parse } = await import("../lib/markdown.js");
      tree = reparse(cached.text, cached.tree, text, parse);
    }
    tree ??= await parseMarkdown(text);
    if (key !== null) writeTree(paths, rel, key, text, tree);
  }
  const model = buildModel(tree, text, rel);
  if (keep && mkey !== null) writeModel(paths, rel, mkey, model);
  return model;
}

export async function checkSpecs(ctx: Ctx, options: SpecCheckOptions): Promise<SpecCheckResult> {
  const minScore = options.minScore ?? DEFAULT_MIN_SCORE;
  if (!Number.isInteger(minScore) || minScore < 0 || minScore > 100) {
    throw new UsageError(`--min-score must be a whole number from 0 to 100, got ${minScore}`);
  }
  const paths = project(ctx);
  const realRoot = realpathSync(paths.root);
  const issue = options.issue === undefined ? null : parseIssue(options.issue);
  const inputs = [...options.files];
  if (issue !== null || inputs.length === 0) {
    const { config } = await loadConfig(paths);
    const found = specsFor(realRoot, config.specs.dir, issue);
    if (found.length === 0) {
      throw new WmError(
        issue !== null
          ? `no spec for issue ${issue} in ${config.specs.dir}/ (looked for ${issue}-*.md)`
          : `no specs to check in ${config.specs.dir}/`,
        { rule: "spec/input", hint: "create one with `wm spec new <template> --issue N`, or name the file" },
      );
    }
    inputs.push(...found);
  }
  const specs = inputs.map((f) => readSpec(realRoot, ctx.cwd, f));
  const unique = specs.filter((s, i) => specs.findIndex((o) => o.abs === s.abs) === i);

  // git lists the files while the specs are parsed.
  const fresh = options.noCache === true;
  // Without the project's paths, the index neither reads nor writes .wm/cache (file list, commits, lines).
  const indexing = RepoIndex.load(realRoot, fresh ? null : paths);
  indexing.catch(() => {});
  const bash = bashIdentity();
  const sqlParser = sqlParserIdentity();
  const plans = unique.map((spec) => {
    const fromName = /^([1-9][0-9]{0,9})-/.exec(basename(spec.rel))?.[1];
    const specIssue = issue ?? (fromName === undefined ? null : Number(fromName));
    const toolsKey = toolResultsKey(paths, bash);
    const resultAt = resultKey(treeKey(paths, spec.text), toolsKey, specIssue, sqlParser);
    const earlier = resultAt === null || fresh ? null : readResult(paths, spec.rel, resultAt);
    return { spec, specIssue, toolsKey, resultAt, earlier };
  });
  // A spec with an earlier result needs no model unless the repository answers differently now.
  const models: Array<SpecModel | null> = [];
  for (const p of plans)
    models.push(p.earlier ? null : await modelOf(paths, p.spec.rel, p.spec.text, fresh, false));
  const repo = await indexing;
  const base = specTools();
  const files: SpecFileResult[] = [];
  for (const [k, { spec, specIssue, toolsKey, resultAt, earlier }] of plans.entries()) {
    if (earlier !== null) {
      repo.preloadCommits(askedCommits(earlier.queries));
      if (sameAnswers(earlier.queries, repo)) {
        files.push({ file: spec.rel, score: earlier.score, findings: earlier.findings });
        continue;
      }
    }
    const model = models[k] ?? (await modelOf(paths, spec.rel, spec.text, fresh, true));
    const known = toolsKey === null || fresh ? null : readToolResults(paths, spec.rel, toolsKey);
    const used: ToolResults = { secrets: {}, bash: {} };
    const tools = rememberingTools(base, known, used);
    const recorded = resultAt === null ? null : recordingRepo(repo);
    const env: CheckEnv = {
      repo: recorded?.repo ?? repo,
      tools,
      taskArgs: {
        options: TASKS_CREATE_OPTIONS,
        parseType,
        parseIssue: (v) => parseIssue(v),
      },
      issue: specIssue,
    };
    repo.preloadCommits(commitMentions(model).map((c) => c.sha));
    const { findings, completeness } = await checkModel(model, env);
    if (toolsKey !== null && JSON.stringify(used) !== JSON.stringify(known))
      writeToolResults(paths, spec.rel, toolsKey, used);
    if (resultAt !== null && recorded !== null)
      writeResult(paths, spec.rel, resultAt, {
        score: completeness.score,
        findings,
        queries: recorded.queries,
      });
    files.push({ file: spec.rel, score: completeness.score, findings });
  }
  repo.persist();
  const ok = files.every((f) => !hasErrors(f.findings) && f.score >= minScore);
  return { files, minScore, ok };
}
