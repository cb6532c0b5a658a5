// The library bundles of the built CLI (dist/lib/markdown.cjs: unified, remark, micromark; dist/lib/secrets.cjs:
// secretlint), loaded on first use only: a repeated `wm spec check` of an unchanged spec takes remark's tree
// and the secret scan from .wm/cache and must load neither; an edited spec must load and use both; every
// command that parses markdown uses the one parser bundle; and a rebuilt parser or scanner bundle must
// invalidate what .wm/cache derived from the old one. A preload script records require.cache at exit.

import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSpecRepo, CORPUS, fillShas } from "../../scripts/spec-corpus.mjs";
import { cleanEnv, cleanupTemp, REPO_ROOT, tempDir, tempRepo, wm } from "../helpers/cli.js";

afterAll(cleanupTemp);

const SPEC = "planning/specs/240-backups.md";
const MARKDOWN = "dist/lib/markdown.cjs";
const SECRETS = "dist/lib/secrets.cjs";

interface Finding {
  line: number;
  rule: string;
  message: string;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  /** require.cache at exit, relative to the package's directory. */
  modules: string[];
}

/** One preload for every run: Node's flags key the V8 code cache, so they must not change between runs. */
let preload: string | undefined;

/** Runs the package's wm (default: this checkout's) with a preload that records require.cache at exit. */
function traced(cwd: string, args: string[], opts: { env?: Record<string, string>; pkg?: string } = {}): Run {
  const pkg = opts.pkg ?? REPO_ROOT;
  if (preload === undefined) {
    preload = join(tempDir("wm-require-cache-"), "record.cjs");
    writeFileSync(
      preload,
      "process.on('exit', () => require('node:fs').writeFileSync(process.env.WM_TEST_MODULES, JSON.stringify(Object.keys(require.cache))));\n",
    );
  }
  const out = join(tempDir("wm-modules-"), "modules.json");
  const r = spawnSync(process.execPath, ["-r", preload, join(pkg, "bin", "wm.cjs"), ...args], {
    cwd,
    encoding: "utf8",
    env: cleanEnv({ ...opts.env, WM_TEST_MODULES: out }),
  });
  const modules = (JSON.parse(readFileSync(out, "utf8")) as string[]).map((m) => relative(pkg, m));
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, modules };
}

function specRepo(): { repo: string; original: string } {
  const repo = tempDir("wm-spec-libs-");
  const shas = buildSpecRepo(repo);
  mkdirSync(join(repo, ".wm"));
  mkdirSync(join(repo, "planning/specs"), { recursive: true });
  const original = fillShas(readFileSync(join(CORPUS, "defects-infra.md"), "utf8"), shas);
  writeFileSync(join(repo, SPEC), original);
  return { repo, original };
}

function check(repo: string, opts: { env?: Record<string, string>; pkg?: string } = {}) {
  const r = traced(repo, ["spec", "check", SPEC, "--format", "json", "--min-score", "0"], opts);
  expect(r.code, r.stderr).toBe(1);
  const doc = JSON.parse(r.stdout) as { data: { files: Array<{ findings: Finding[] }> } };
  return { ...r, findings: doc.data.files[0]!.findings };
}

const rules = (fs: Finding[]) => fs.map((f) => `${f.line} ${f.rule}`);

describe("the parser and scanner bundles load only when a spec must be parsed or scanned", () => {
  let repo: string;
  let original: string;
  beforeAll(() => {
    ({ repo, original } = specRepo());
  });

  it("a first check loads both; a repeated check of the unchanged spec loads neither, same findings", () => {
    const first = check(repo);
    expect(first.modules).toEqual(
      expect.arrayContaining([MARKDOWN, SECRETS, "dist/commands/spec-check.cjs"]),
    );
    expect(rules(first.findings)).toContain("85 spec/secret");

    const again = check(repo);
    expect(again.modules).toContain("dist/commands/spec-check.cjs");
    expect(again.modules).not.toContain(MARKDOWN);
    expect(again.modules).not.toContain(SECRETS);
    expect(again.stdout).toBe(first.stdout);
  });

  it("an edited spec loads and uses both: the new text is parsed and scanned", () => {
    const baseline = check(repo);
    // A new section heading with a second pasted secret: only a parse sees the heading's line move the
    // findings after it, only a scan finds the new secret.
    const added = "\n## Pasted\n\nOld notes: mysql://admin:An0therS3cretPw@db2.internal.example:3306/shop\n";
    const lines = original.split("\n");
    writeFileSync(join(repo, SPEC), [...lines.slice(0, 5), added, ...lines.slice(5)].join("\n"));
    const edited = check(repo);
    expect(edited.modules).toEqual(expect.arrayContaining([MARKDOWN, SECRETS]));
    expect(rules(edited.findings)).toContain("90 spec/secret"); // the old one, 5 lines further down
    expect(edited.findings.filter((f) => f.rule === "spec/secret").length).toBe(
      baseline.findings.filter((f) => f.rule === "spec/secret").length + 1,
    );
    writeFileSync(join(repo, SPEC), original);
    expect(check(repo).stdout).toBe(baseline.stdout);
  });
});

describe("one markdown parser for every command", () => {
  it("no command bundle carries remark/micromark or secretlint: they are in dist/lib/ only", () => {
    const dist = join(REPO_ROOT, "dist");
    const bundles = [
      "wm.cjs",
      "hook.cjs",
      ...readdirSync(join(dist, "commands")).map((f) => `commands/${f}`),
    ];
    // A token type of micromark and a message of secretlint's preset, as the minifier keeps them.
    expect(readFileSync(join(dist, "lib/markdown.cjs"), "utf8")).toContain('"setextHeadingLineSequence"');
    expect(readFileSync(join(dist, "lib/secrets.cjs"), "utf8")).toContain("GitHub personal access tokens");
    for (const b of bundles) {
      const code = readFileSync(join(dist, b), "utf8");
      expect(code.includes("setextHeadingLineSequence"), b).toBe(false);
      expect(code.includes("GitHub personal access tokens"), b).toBe(false);
    }
  });

  it("wm spec new and wm spec tasks parse with dist/lib/markdown.cjs", () => {
    const repo = tempRepo();
    expect(wm(repo, ["init"]).code).toBe(0);
    writeFileSync(
      join(repo, "issue.md"),
      "CI is old.\n\n## Acceptance Criteria\n\n- [ ] CI runs on Node 22\n",
    );
    expect(
      wm(repo, ["issue", "create", "--title=Upgrade CI", "--type=feature", "--body-file=issue.md"]).code,
    ).toBe(0);
    const made = traced(repo, ["spec", "new", "infrastructure", "--issue=1"]);
    expect(made.code, made.stderr).toBe(0);
    const path = made.stdout.trim();
    // The criterion came from the issue, through the parser.
    expect(readFileSync(join(repo, path), "utf8")).toContain("CI runs on Node 22");
    expect(made.modules).toContain(MARKDOWN);
    expect(made.modules).not.toContain(SECRETS);

    const imported = traced(repo, ["spec", "tasks", path, "--json"]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.modules).toContain(MARKDOWN);
    expect(imported.modules).not.toContain(SECRETS);
  });
});

describe("a rebuilt library bundle invalidates what .wm/cache derived from it", () => {
  /** A copy of the built package, whose dist/lib/ bundles a test may replace. */
  function packageCopy(): string {
    const pkg = tempDir("wm-pkg-");
    for (const part of ["bin", "dist", "package.json"])
      cpSync(join(REPO_ROOT, part), join(pkg, part), { recursive: true });
    symlinkSync(join(REPO_ROOT, "node_modules"), join(pkg, "node_modules"));
    return pkg;
  }

  /** Rewrites a library bundle so that its export `name` is `wrapper(original)`. */
  function wrapExport(pkg: string, lib: string, name: string, wrapper: string): string {
    const file = join(pkg, lib);
    const code = readFileSync(file, "utf8");
    writeFileSync(
      file,
      `${code}\n;{const real=module.exports;module.exports={${name}:(${wrapper})(real.${name}.bind(real))};}\n`,
    );
    return code;
  }

  it("a new parser bundle re-parses the unchanged spec; a new scanner bundle re-scans it", () => {
    const { repo } = specRepo();
    const pkg = packageCopy();
    const baseline = check(repo, { pkg });
    expect(check(repo, { pkg }).modules).not.toContain(MARKDOWN); // cached from here on

    // A parser that keeps only the document's first node: the same spec now lacks every section.
    const markdown = wrapExport(
      pkg,
      MARKDOWN,
      "parseMarkdown",
      "(p)=>(s)=>{const t=p(s);t.children=t.children.slice(0,1);return t}",
    );
    const reparsed = check(repo, { pkg });
    expect(reparsed.modules).toContain(MARKDOWN);
    expect(reparsed.stdout).not.toBe(baseline.stdout);
    expect(rules(reparsed.findings)).not.toContain("138 spec/bash-syntax"); // no code block parsed
    writeFileSync(join(pkg, MARKDOWN), markdown);
    expect(check(repo, { pkg }).stdout).toBe(baseline.stdout);

    // A scanner that finds nothing: the cached scan of the same text must not be reused.
    const secrets = wrapExport(pkg, SECRETS, "scanSecrets", "()=>async()=>[]");
    const rescanned = check(repo, { pkg });
    expect(rescanned.modules).toContain(SECRETS);
    expect(rescanned.modules).not.toContain(MARKDOWN); // the tree did not depend on the scanner
    expect(rules(rescanned.findings)).toEqual(
      rules(baseline.findings).filter((r) => !r.endsWith(" spec/secret")),
    );
    writeFileSync(join(pkg, SECRETS), secrets);
    expect(check(repo, { pkg }).stdout).toBe(baseline.stdout);
  });

  it("each library bundle has a V8 code cache of its own per command, accepted on the next load", () => {
    const { repo, original } = specRepo();
    const dir = join(tempDir("wm-lib-code-cache-"), "cc");
    const env = { WM_CODE_CACHE_DIR: dir };
    const baseline = check(repo, { env });
    const caches = readdirSync(dir).sort();
    expect(caches).toEqual([
      expect.stringMatching(/^lib-markdown\.spec-check-[0-9a-f]{16}\.bin$/),
      expect.stringMatching(/^lib-secrets\.spec-check-[0-9a-f]{16}\.bin$/),
      expect.stringMatching(/^spec-check-[0-9a-f]{16}\.bin$/),
    ]);
    const written = caches.map((f) => statSync(join(dir, f)));
    for (const s of written) expect(s.mode & 0o077).toBe(0);

    // An edit makes the next check load both bundles again: from their caches, which are not rewritten.
    writeFileSync(join(repo, SPEC), `${original}\n<!-- edited -->\n`);
    const edited = check(repo, { env });
    expect(edited.modules).toEqual(expect.arrayContaining([MARKDOWN, SECRETS]));
    expect(rules(edited.findings)).toEqual(rules(baseline.findings));
    expect(readdirSync(dir).sort()).toEqual(caches);
    expect(caches.map((f) => statSync(join(dir, f)).mtimeMs)).toEqual(written.map((s) => s.mtimeMs));
  });
});
