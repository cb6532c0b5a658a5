// Precision and recall of `wm spec check` on a labelled corpus.
//
//   node scripts/spec-corpus.mjs [--json] [--verbose]
//
// Builds the fixture repository (test/fixtures/spec-repo.txt) in a temp git repo, copies each corpus
// spec (test/fixtures/specs/corpus/*.md) into it, runs the BUILT CLI (`npm run build` first) with
// --format json, and compares the findings with the spec's labels (<name>.expect: one `LINE RULE` per
// expected finding; no .expect file means the spec must be clean). A finding matches a label with the
// same line and rule. Prints per-spec counts and the totals; --json prints one JSON document instead.
// Exit 0 when precision and recall are both >= 0.95, 1 otherwise.

import { spawnSync } from "node:child_process";
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const MANIFEST = join(ROOT, "test/fixtures/spec-repo.txt");
export const CORPUS = join(ROOT, "test/fixtures/specs/corpus");

function git(cwd, args, env = {}) {
  const r = spawnSync("git", args, { cwd, encoding: "utf8", env: { ...process.env, ...env } });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")} failed: ${r.stderr}`);
  return r.stdout.trim();
}

/**
 * Writes the manifest's files into `dir`, a fresh git repository, committing at each `=== commit`
 * marker with fixed dates and identity. Returns the commits' shas by name.
 */
export function buildSpecRepo(dir, manifest = MANIFEST) {
  git(dir, ["init", "-q", "-b", "main"]);
  git(dir, ["config", "user.email", "fixture@example.invalid"]);
  git(dir, ["config", "user.name", "fixture"]);
  git(dir, ["config", "commit.gpgsign", "false"]);
  const shas = {};
  let current = null;
  let body = [];
  let n = 0;
  const flush = () => {
    if (current !== null) {
      mkdirSync(dirname(join(dir, current)), { recursive: true });
      writeFileSync(join(dir, current), `${body.join("\n")}\n`);
    }
    current = null;
    body = [];
  };
  for (const line of readFileSync(manifest, "utf8").split("\n")) {
    if (current === null && line.startsWith("#")) continue;
    const file = /^=== file (.+)$/.exec(line);
    const commit = /^=== commit ([\w-]+): (.+)$/.exec(line);
    if (file) {
      flush();
      current = file[1];
    } else if (commit) {
      flush();
      n++;
      const date = `2024-01-0${Math.min(n, 9)}T12:00:00Z`;
      git(dir, ["add", "-A"]);
      git(dir, ["commit", "-q", "-m", commit[2]], { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date });
      shas[commit[1]] = git(dir, ["rev-parse", "HEAD"]);
    } else if (current !== null) body.push(line);
  }
  flush();
  return shas;
}

/** Replaces @@sha:NAME@@ and @@short:NAME@@ with the fixture commits' shas. */
export function fillShas(text, shas) {
  return text.replace(/@@(sha|short):([\w-]+)@@/g, (_, kind, name) => {
    const sha = shas[name];
    if (!sha) throw new Error(`unknown fixture commit ${name}`);
    return kind === "sha" ? sha : sha.slice(0, 7);
  });
}

function labels(path) {
  let text;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return [];
  }
  return text
    .split("\n")
    .map((l) => l.replace(/#.*$/, "").trim())
    .filter((l) => l !== "")
    .map((l) => {
      const [line, rule] = l.split(/\s+/);
      return { line: Number(line), rule };
    });
}

export function runCorpus({ verbose = false } = {}) {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "wm-corpus-")));
  try {
    const shas = buildSpecRepo(dir);
    mkdirSync(join(dir, "planning/specs"), { recursive: true });
    const specs = readdirSync(CORPUS)
      .filter((f) => f.endsWith(".md"))
      .sort();
    const perSpec = [];
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const name of specs) {
      const target = join(dir, "planning/specs", name);
      writeFileSync(target, fillShas(readFileSync(join(CORPUS, name), "utf8"), shas));
      const r = spawnSync(
        process.execPath,
        [
          join(ROOT, "bin/wm.cjs"),
          "spec",
          "check",
          `planning/specs/${name}`,
          "--format",
          "json",
          "--min-score",
          "0",
        ],
        { cwd: dir, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } },
      );
      if (r.status !== 0 && r.status !== 1)
        throw new Error(`wm spec check ${name} exited ${r.status}: ${r.stderr}`);
      const findings = JSON.parse(r.stdout).data.files[0].findings;
      const expected = labels(join(CORPUS, name.replace(/\.md$/, ".expect")));
      const open = [...expected];
      const falsePositives = [];
      for (const f of findings) {
        const i = open.findIndex((e) => e.line === f.line && e.rule === f.rule);
        if (i >= 0) open.splice(i, 1);
        else falsePositives.push(f);
      }
      const hits = findings.length - falsePositives.length;
      tp += hits;
      fp += falsePositives.length;
      fn += open.length;
      perSpec.push({
        spec: name,
        expected: expected.length,
        found: findings.length,
        truePositives: hits,
        falsePositives: falsePositives.map((f) => `${f.line}:${f.column} ${f.rule} ${f.message}`),
        missed: open.map((e) => `${e.line} ${e.rule}`),
      });
      if (verbose) {
        for (const f of falsePositives)
          process.stderr.write(`FP ${name}:${f.line}:${f.column} ${f.rule} ${f.message}\n`);
        for (const e of open) process.stderr.write(`FN ${name}:${e.line} ${e.rule}\n`);
      }
    }
    const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
    const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
    return { specs: perSpec, truePositives: tp, falsePositives: fp, falseNegatives: fn, precision, recall };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === realpathSync(process.argv[1])) {
  const json = process.argv.includes("--json");
  const result = runCorpus({ verbose: process.argv.includes("--verbose") });
  if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else {
    for (const s of result.specs) {
      process.stdout.write(
        `${s.spec.padEnd(36)} expected ${String(s.expected).padStart(3)}  found ${String(s.found).padStart(3)}  ` +
          `fp ${s.falsePositives.length}  missed ${s.missed.length}\n`,
      );
    }
    process.stdout.write(
      `precision ${result.precision.toFixed(3)}  recall ${result.recall.toFixed(3)}  ` +
        `(tp ${result.truePositives}, fp ${result.falsePositives}, fn ${result.falseNegatives})\n`,
    );
  }
  process.exitCode = result.precision >= 0.95 && result.recall >= 0.95 ? 0 : 1;
}
