// `wm spec check` end to end: the built CLI against a fixture repository in a temp git repo.

import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSpecRepo, CORPUS, fillShas, runCorpus } from "../../scripts/spec-corpus.mjs";
import { cleanEnv, cleanupTemp, tempDir, WM_BIN, wm } from "../helpers/cli.js";

afterAll(cleanupTemp);

let repo: string;
let shas: Record<string, string>;

function addSpec(name: string, text: string): string {
  mkdirSync(join(repo, "planning/specs"), { recursive: true });
  writeFileSync(join(repo, "planning/specs", name), text);
  return `planning/specs/${name}`;
}

function corpusSpec(name: string, as = name): string {
  return addSpec(as, fillShas(readFileSync(join(CORPUS, name), "utf8"), shas));
}

interface Finding {
  file: string;
  line: number;
  column: number;
  rule: string;
  severity: string;
  message: string;
  fix?: string;
}
interface CheckData {
  files: Array<{ file: string; score: number; findings: Finding[] }>;
}

beforeAll(() => {
  repo = tempDir("wm-spec-");
  shas = buildSpecRepo(repo);
});

describe("wm spec check", () => {
  it("reports a half-filled copy of the seed template with exact file:line:col and exits 1", () => {
    const file = corpusSpec("half-infra.md", "239-smoke-tests.md");
    const r = wm(repo, ["spec", "check", file]);
    expect(r.code).toBe(1);
    const out = r.stdout.split("\n");
    expect(out).toContain(
      'planning/specs/239-smoke-tests.md:49:1  error  spec/unfilled-field  field "Related Infrastructure" holds only a template comment',
    );
    expect(out).toContain(
      'planning/specs/239-smoke-tests.md:62:4  error  spec/missing-path  "scripts/smoke.sh" does not exist (Path column)',
    );
    expect(out).toContain(
      'planning/specs/239-smoke-tests.md:118:58  error  spec/unresolved-choice  "Sensitive?" still offers a choice: pick one',
    );
    expect(out).toContain(
      'planning/specs/239-smoke-tests.md:311:3  error  spec/unfilled-cell  row 1 of the "9.1 Operational Risks" table is not filled in',
    );
    expect(r.stdout).toMatch(
      /^planning\/specs\/239-smoke-tests\.md: score 29\/100 \(below --min-score 75\), 39 findings \(39 errors\)$/m,
    );
    expect(r.stderr).toBe("");
    // The migration section answers "No": nothing in it is reported, though it is still the template's.
    const text = readFileSync(join(repo, file), "utf8").split("\n");
    const from = text.indexOf("## 4. Database Migration") + 1;
    const to = text.indexOf("## 5. Security Considerations") + 1;
    expect(text[from + 3]).toBe("**Migration needed?** No");
    const lines = out.map((l) => Number(/^[^:]+:(\d+):/.exec(l)?.[1] ?? 0));
    expect(lines.filter((n) => n >= from && n < to)).toEqual([]);
  });

  it("passes a fully filled spec with exit 0 and a score of 100", () => {
    const file = corpusSpec("clean-infra.md");
    const r = wm(repo, ["spec", "check", file]);
    expect(r.stdout).toBe("planning/specs/clean-infra.md: score 100/100, no findings\n");
    expect(r.code).toBe(0);
  });

  it("prints the JSON envelope with --json and --format json alike", () => {
    const file = corpusSpec("defects-infra.md");
    const a = wm(repo, ["spec", "check", file, "--json"]);
    const b = wm(repo, ["spec", "check", file, "--format", "json"]);
    expect(a.code).toBe(1);
    expect(b.code).toBe(1);
    expect(a.stdout).toBe(b.stdout);
    const doc = JSON.parse(a.stdout) as { schemaVersion: number; kind: string; data: CheckData };
    expect(doc.schemaVersion).toBe(1);
    expect(doc.kind).toBe("spec-check");
    const [f] = doc.data.files;
    expect(f!.file).toBe("planning/specs/defects-infra.md");
    expect(typeof f!.score).toBe("number");
    const secret = f!.findings.find((d) => d.rule === "spec/secret")!;
    expect(secret).toMatchObject({
      file: "planning/specs/defects-infra.md",
      line: 85,
      column: 23,
      severity: "error",
    });
    expect(a.stdout).not.toContain("Sup3rS3cretPw");
    const marker = f!.findings.find((d) => d.rule === "spec/template-marker")!;
    expect(marker.fix).toBe("the next free number in apps/web/migrations/ is 0004: 0004_backup_log.sql");
    for (const d of f!.findings)
      expect(Object.keys(d).sort()).toEqual(
        expect.arrayContaining(["column", "file", "line", "message", "rule", "severity"]),
      );
  });

  it("prints a valid minimal SARIF 2.1.0 log", () => {
    const file = corpusSpec("defects-infra.md");
    const r = wm(repo, ["spec", "check", file, "--format", "sarif"]);
    expect(r.code).toBe(1);
    const log = JSON.parse(r.stdout);
    expect(log.version).toBe("2.1.0");
    expect(log.$schema).toMatch(/sarif-2\.1\.0/);
    const run = log.runs[0];
    expect(run.tool.driver.name).toBe("wm");
    const ruleIds = run.tool.driver.rules.map((x: { id: string }) => x.id);
    expect(ruleIds).toContain("spec/missing-path");
    expect(ruleIds).toContain("spec/score");
    const result = run.results.find((x: { ruleId: string }) => x.ruleId === "spec/unknown-commit");
    expect(result).toMatchObject({
      level: "error",
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: "planning/specs/defects-infra.md" },
            region: { startLine: 39, startColumn: 12 },
          },
        },
      ],
    });
    expect(result.message.text).toMatch(/1234abcd/);
    for (const x of run.results) expect(ruleIds[x.ruleIndex]).toBe(x.ruleId);
  });

  it("prints GitHub workflow annotations", () => {
    const file = corpusSpec("defects-infra.md");
    const r = wm(repo, ["spec", "check", file, "--format", "github"]);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split("\n");
    expect(lines.every((l) => l.startsWith("::error file=planning/specs/defects-infra.md,line="))).toBe(true);
    expect(lines).toContain(
      '::error file=planning/specs/defects-infra.md,line=29,col=4,title=spec/missing-path::"apps/web/src/db/clinet.ts" does not exist (Path column) (fix: did you mean apps/web/src/db/client.ts?)',
    );
  });

  it("finds planning/specs/N-*.md with --issue and gates on --min-score", () => {
    corpusSpec("clean-infra.md", "239-prod-deploy.md");
    const ok = wm(repo, ["spec", "check", "--issue", "239", "--json"]);
    const data = (JSON.parse(ok.stdout) as { data: CheckData }).data;
    expect(data.files.map((f) => f.file)).toEqual([
      "planning/specs/239-prod-deploy.md",
      "planning/specs/239-smoke-tests.md",
    ]);
    expect(ok.code).toBe(1);
    const half = corpusSpec("half-infra.md", "300-half.md");
    const gated = wm(repo, ["spec", "check", half, "--min-score", "20"]);
    expect(gated.stdout).toMatch(/score 29\/100, 39 findings/);
    expect(gated.stdout).not.toMatch(/below --min-score/);
    const strict = wm(repo, ["spec", "check", half, "--format", "github", "--min-score", "90"]);
    expect(strict.stdout).toContain("title=spec/score::completeness score 29 is below --min-score 90");
    expect(wm(repo, ["spec", "check", "--issue", "404"]).code).toBe(2);
  });

  it("reports a symlink out of the repository and an escaping path without reading them", () => {
    symlinkSync("/etc", join(repo, "etc-link"));
    const file = addSpec(
      "sym.md",
      [
        "# Spec",
        "",
        "**Related files:**",
        "| Path | Relevant Lines |",
        "|---|---|",
        "| `etc-link/hosts` | 1-999999 |",
        "| `../outside.txt` | 1-2 |",
        "",
      ].join("\n"),
    );
    const r = wm(repo, ["spec", "check", file, "--json"]);
    const findings = (JSON.parse(r.stdout) as { data: CheckData }).data.files[0]!.findings;
    expect(findings.map((d) => `${d.line}:${d.column} ${d.rule}`)).toEqual([
      "6:4 spec/path-escapes-repo",
      "7:4 spec/path-escapes-repo",
    ]);
  });
});

describe("wm spec check: bad input", () => {
  it("exits 2 with a clear error for a missing, empty, binary, huge or outside spec", () => {
    const cases: Array<[string, RegExp]> = [
      ["planning/specs/nope.md", /no such file/],
      [addSpec("empty.md", "  \n\n"), /is empty/],
      [addSpec("binary.md", "a\u0000b"), /binary file/],
      [
        addSpec("huge.md", `# Huge\n\n${"x".repeat(5 * 1024 * 1024)}\n`),
        /5\.0 MB; specs over 1 MB are not checked/,
      ],
    ];
    const outside = join(tempDir("wm-outside-"), "spec.md");
    writeFileSync(outside, "# Outside\n");
    cases.push([outside, /is outside the repository/]);
    for (const [file, message] of cases) {
      const r = wm(repo, ["spec", "check", file]);
      expect(r.code, file).toBe(2);
      expect(r.stdout, file).toBe("");
      expect(r.stderr, file).toMatch(message);
      expect(r.stderr, file).not.toMatch(/internal error|at .*\.cjs/);
    }
  });

  it("exits 2 on a bad --format or --min-score", () => {
    expect(wm(repo, ["spec", "check", "--format", "xml"]).stderr).toMatch(
      /--format must be one of stylish, json, sarif, github/,
    );
    expect(wm(repo, ["spec", "check", "--min-score", "101"]).code).toBe(2);
    expect(wm(repo, ["spec", "check", "--min-score", "abc"]).code).toBe(2);
  });
});

describe("the labelled corpus", () => {
  it("keeps precision and recall at or above 0.95", () => {
    const result = runCorpus();
    expect(result.specs.length).toBeGreaterThanOrEqual(3);
    expect(
      result.falsePositives + result.falseNegatives,
      JSON.stringify(result.specs, null, 1),
    ).toBeLessThanOrEqual(Math.floor(result.truePositives * 0.05));
    expect(result.precision).toBeGreaterThanOrEqual(0.95);
    expect(result.recall).toBeGreaterThanOrEqual(0.95);
    // Every clean spec (no .expect file) has no finding at all.
    for (const s of result.specs.filter((x) => x.expected === 0))
      expect(s.falsePositives, s.spec).toEqual([]);
  });
});

describe("loading", () => {
  // Logs every module request, CommonJS (Module._load) and ESM (a resolve hook), to WM_LOAD_LOG.
  const PRELOAD = `
const fs = require("node:fs");
const Module = require("node:module");
const log = process.env.WM_LOAD_LOG;
const load = Module._load;
Module._load = function (request, ...rest) {
  fs.appendFileSync(log, "cjs " + request + "\\n");
  return load.call(this, request, ...rest);
};
const hook = "import { appendFileSync } from 'node:fs'; export async function resolve(s, c, n) { appendFileSync(" +
  JSON.stringify(log) + ", 'esm ' + s + String.fromCharCode(10)); return n(s, c); }";
Module.register("data:text/javascript," + encodeURIComponent(hook));
`;
  // The spec checker's code (picomatch is bundled into it), its library bundles (remark, secretlint) and
  // the packages it requires.
  const HEAVY =
    /\b(spec-check\.cjs|lib\/markdown\.cjs|lib\/secrets\.cjs|unified|remark-parse|remark-gfm|micromark[\w-]*|@secretlint\/[\w-]+|node-sql-parser[\w/.-]*|picomatch)\b/g;

  function loaded(args: string[]): string[] {
    const dir = tempDir("wm-load-");
    writeFileSync(join(dir, "preload.cjs"), PRELOAD);
    const log = join(dir, "load.log");
    writeFileSync(log, "");
    const r = spawnSync(process.execPath, ["-r", join(dir, "preload.cjs"), WM_BIN, ...args], {
      cwd: repo,
      encoding: "utf8",
      env: cleanEnv({ WM_LOAD_LOG: log }),
    });
    expect(r.stdout + r.stderr).not.toBe("");
    expect(r.status, r.stderr).not.toBe(2);
    return [...new Set(readFileSync(log, "utf8").match(HEAVY) ?? [])].sort();
  }

  it("wm tasks commands load none of the spec checker's dependencies; wm spec check does", () => {
    expect(loaded(["tasks", "list"])).toEqual([]);
    expect(loaded(["tasks", "create", "--title=x", "--type=impl"])).toEqual([]);
    const spec = corpusSpec("defects-infra.md", "load.md");
    expect(loaded(["spec", "check", spec])).toEqual(
      expect.arrayContaining(["spec-check.cjs", "lib/markdown.cjs", "lib/secrets.cjs"]),
    );
  });
});
