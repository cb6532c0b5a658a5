// From a local issue to a spec to a task graph, through the built CLI: `wm issue create`, `wm spec new`,
// `wm spec tasks`, `wm tasks graph`.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cleanupTemp, REPO_ROOT, tempRepo, wm, wmAsync, wmJson } from "../helpers/cli.js";
import { traceAscii } from "../helpers/graph-parse.js";

afterAll(cleanupTemp);

const ISSUE_BODY = `Our CI still runs Node 18.

## Acceptance Criteria

- [ ] CI runs on Node 22 with \`npm ci\`
- [x] The deploy job
  waits for the tests
* Rollback is documented in [the runbook](docs/runbook.md)

## Notes

Not a criterion.
`;

function issue(repo: string, title: string, body = ISSUE_BODY): number {
  writeFileSync(join(repo, "issue.md"), body);
  const r = wm(repo, ["issue", "create", `--title=${title}`, "--type=feature", "--body-file=issue.md"]);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^[0-9]+\n$/);
  return Number(r.stdout);
}

interface T {
  id: string;
  title: string;
  type: string;
  parent?: string;
  depends_on: string[];
  spec?: string;
  issue?: number;
  phase?: string;
}

const short = (title: string) => title.replace(/^GH#\d+: /, "");

/** The seed's "Dependency Graph (Expected)", as edges between task titles. */
const SEED_EDGES = [
  "Analyze current infrastructure -> Create backups/snapshots",
  "Create backups/snapshots -> Implement infrastructure changes",
  "Implement infrastructure changes -> Update configuration",
  "Update configuration -> Deploy and verify on staging",
  "Deploy and verify on staging -> Test rollback procedure",
  "Deploy and verify on staging -> Update documentation",
].sort();

describe("wm issue", () => {
  it("creates numbered markdown files with frontmatter; show and list read them back", () => {
    const repo = tempRepo();
    expect(issue(repo, "Upgrade the CI pipeline")).toBe(1);
    expect(issue(repo, "Second one", "")).toBe(2);
    const files = readdirSync(join(repo, ".wm", "issues")).sort();
    expect(files).toEqual(["1-upgrade-the-ci-pipeline.md", "2-second-one.md"]);
    const text = readFileSync(join(repo, ".wm", "issues", files[0]!), "utf8");
    expect(text).toMatch(
      /^---\nnumber: 1\ntitle: Upgrade the CI pipeline\nstate: open\nlabels:\n {2}- feature\ncreated: \S+\n---\n\nOur CI/,
    );
    const shown = wmJson<{ number: number; title: string; body: string; labels: string[]; state: string }>(
      repo,
      ["issue", "show", "1"],
    );
    expect(shown).toMatchObject({
      number: 1,
      title: "Upgrade the CI pipeline",
      labels: ["feature"],
      state: "open",
    });
    expect(shown.body).toBe(ISSUE_BODY.trim());
    const listed = wmJson<Array<{ number: number }>>(repo, ["issue", "list"]);
    expect(listed.map((i) => i.number)).toEqual([1, 2]);
    const missing = wm(repo, ["issue", "show", "9"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no issue #9/);
  });

  it("parallel creates never take the same number", async () => {
    const repo = tempRepo();
    const runs = await Promise.all(
      Array.from({ length: 6 }, (_, i) => wmAsync(repo, ["issue", "create", `--title=Parallel ${i}`])),
    );
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    expect(runs.map((r) => Number(r.stdout)).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(readdirSync(join(repo, ".wm", "issues")).filter((f) => f.endsWith(".md"))).toHaveLength(6);
  });
});

describe("wm spec new", () => {
  it("writes the spec with the issue's title and acceptance criteria, and prints only its path", () => {
    const repo = tempRepo();
    const n = issue(repo, "Upgrade the CI pipeline");
    const r = wm(repo, ["spec", "new", "infrastructure", `--issue=${n}`]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("planning/specs/1-upgrade-the-ci-pipeline.md\n");
    const spec = readFileSync(join(repo, r.stdout.trim()), "utf8");
    const lines = spec.split("\n");
    expect(lines[0]).toBe("# Infrastructure Planning: Upgrade the CI pipeline");
    expect(spec).toContain("**GitHub Issue:** #1\n");
    const at = lines.indexOf("**Acceptance Criteria:**");
    expect(lines.slice(at, at + 6)).toEqual([
      "**Acceptance Criteria:**",
      "- [ ] CI runs on Node 22 with `npm ci`",
      "- [ ] The deploy job waits for the tests",
      "- [ ] Rollback is documented in [the runbook](docs/runbook.md)",
      "",
      "**Related Infrastructure:**",
    ]);
    expect(spec).not.toContain("Copy from GitHub issue");
    expect(spec).not.toContain("Not a criterion");
    // Mechanical variables filled; the agent's are left for `wm spec check` to report.
    expect(spec).not.toMatch(/\{\{(ISSUE|ISSUE_NUMBER|FEATURE_TITLE)\}\}/);
    expect(spec).toContain("XXXX_{{migration_name}}.sql");
    expect(spec).toContain(
      'pnpm wm tasks create --title="GH#1: Upgrade the CI pipeline" --type=epic --issue=1',
    );
    // Everything else is the template as it was.
    const template = readFileSync(join(REPO_ROOT, "templates", "specs", "infrastructure.md"), "utf8");
    expect(
      spec.replace(
        /\n\*\*Acceptance Criteria:\*\*\n(- \[ \] .*\n)+/,
        "\n**Acceptance Criteria:**\n<!-- Copy from GitHub issue or spec -->\n",
      ),
    ).toBe(
      template
        .replaceAll("{{ISSUE}}", "1")
        .replaceAll("{{ISSUE_NUMBER}}", "1")
        .replaceAll("{{FEATURE_TITLE}}", "Upgrade the CI pipeline"),
    );
  });

  it("replaces the checkbox placeholder of our own templates; --json gives path, template, issue, title", () => {
    const repo = tempRepo();
    issue(repo, "Rate limits for the API");
    const data = wmJson<{
      path: string;
      template: string;
      issue: number;
      title: string;
      acceptanceCriteria: string[];
    }>(repo, ["spec", "new", "feature", "--issue=#1", "--slug=rate-limits"]);
    expect(data).toMatchObject({
      path: "planning/specs/1-rate-limits.md",
      template: "feature",
      issue: 1,
      title: "Rate limits for the API",
    });
    expect(data.acceptanceCriteria).toHaveLength(3);
    const spec = readFileSync(join(repo, data.path), "utf8");
    expect(spec).toContain(
      "**Acceptance Criteria:**\n- [ ] CI runs on Node 22 with `npm ci`\n- [ ] The deploy job waits for the tests\n- [ ] Rollback is documented in [the runbook](docs/runbook.md)\n\n",
    );
    expect(spec).not.toContain("- [ ] <!-- -->\n\n**");
  });

  it("never overwrites without --force (exit 2, naming the path); --force replaces the file", () => {
    const repo = tempRepo();
    issue(repo, "Upgrade the CI pipeline");
    const path = wm(repo, ["spec", "new", "infrastructure", "--issue=1"]).stdout.trim();
    const file = join(repo, path);
    const original = readFileSync(file, "utf8");
    writeFileSync(file, "my filled spec\n");
    const again = wm(repo, ["spec", "new", "infrastructure", "--issue=1"]);
    expect(again.code).toBe(2);
    expect(again.stdout).toBe("");
    expect(again.stderr).toContain(`${path} already exists`);
    expect(again.stderr).toContain("--force");
    expect(readFileSync(file, "utf8")).toBe("my filled spec\n");
    const forced = wm(repo, ["spec", "new", "infrastructure", "--issue=1", "--force"]);
    expect(forced.code).toBe(0);
    expect(forced.stdout.trim()).toBe(path);
    expect(readFileSync(file, "utf8")).toBe(original);
  });

  it("a missing issue needs --title; --dry-run writes nothing; research goes to its dated directory", () => {
    const repo = tempRepo();
    const missing = wm(repo, ["spec", "new", "feature", "--issue=42"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no issue #42/);
    expect(missing.stderr).toContain("wm issue create");
    expect(missing.stderr).toContain("--title");
    expect(existsSync(join(repo, "planning"))).toBe(false);

    const dry = wm(repo, ["spec", "new", "feature", "--issue=42", "--title=Café: déjà vu!", "--dry-run"]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toBe("planning/specs/42-cafe-deja-vu.md\n");
    expect(existsSync(join(repo, "planning"))).toBe(false);

    const made = wm(repo, ["spec", "new", "feature", "--issue=42", "--title=Café: déjà vu!"]);
    expect(made.code).toBe(0);
    expect(readFileSync(join(repo, made.stdout.trim()), "utf8").split("\n")[0]).toBe(
      "# Feature Planning: Café: déjà vu!",
    );

    const research = wmJson<{ path: string }>(repo, [
      "spec",
      "new",
      "research",
      "--issue=42",
      "--title=Which queue?",
    ]);
    expect(research.path).toMatch(/^planning\/research\/\d{4}-\d{2}-\d{2}-which-queue\.md$/);
    expect(existsSync(join(repo, research.path))).toBe(true);

    const badSlug = wm(repo, ["spec", "new", "feature", "--issue=42", "--title=x", "--slug=../up"]);
    expect(badSlug.code).toBe(2);
    const noIssue = wm(repo, ["spec", "new", "feature", "--title=x"]);
    expect(noIssue.code).toBe(2);
    expect(noIssue.stderr).toContain("--issue");
  });

  it("writes to the configured specs.dir", () => {
    const repo = tempRepo();
    expect(wm(repo, ["init"]).code).toBe(0);
    const config = join(repo, ".wm", "config.yaml");
    writeFileSync(config, readFileSync(config, "utf8").replace("dir: planning/specs", "dir: docs/plans"));
    const r = wm(repo, ["spec", "new", "bug", "--issue=3", "--title=Crash on start"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("docs/plans/3-crash-on-start.md\n");
  });
});

describe("wm spec tasks", () => {
  function infraSpec(repo: string): string {
    // Issue 239, as in the seed, written by hand as a person would.
    mkdirSync(join(repo, ".wm", "issues"), { recursive: true });
    writeFileSync(
      join(repo, ".wm", "issues", "239-infrastructure-upgrade.md"),
      "---\nnumber: 239\ntitle: Infrastructure upgrade\nstate: open\nlabels: []\n---\n\nUpgrade it.\n",
    );
    const r = wm(repo, ["spec", "new", "infrastructure", "--issue=239"]);
    expect(r.code).toBe(0);
    return r.stdout.trim();
  }

  it("imports the seed's breakdown as 8 tasks with the seed's graph; a re-run changes nothing", () => {
    const repo = tempRepo();
    const spec = infraSpec(repo);
    expect(spec).toBe("planning/specs/239-infrastructure-upgrade.md");

    const dry = wm(repo, ["spec", "tasks", spec, "--dry-run"]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("8 to create");
    expect(existsSync(join(repo, ".wm", "tasks.yaml"))).toBe(false);

    const result = wmJson<{
      created: number;
      kept: number;
      updated: number;
      tasks: Array<{ action: string }>;
    }>(repo, ["spec", "tasks", spec]);
    expect([result.created, result.updated, result.kept]).toEqual([8, 0, 0]);

    const tasks = wmJson<T[]>(repo, ["tasks", "list", "--issue=239"]);
    expect(tasks).toHaveLength(8);
    const byId = new Map(tasks.map((t) => [t.id, t]));
    const edges = tasks.flatMap((t) =>
      t.depends_on.map((d) => `${short(byId.get(d)!.title)} -> ${short(t.title)}`),
    );
    expect(edges.sort()).toEqual(SEED_EDGES);
    const epic = tasks.filter((t) => t.type === "epic");
    expect(epic.map((t) => t.title)).toEqual(["GH#239: Infrastructure upgrade"]);
    for (const t of tasks) {
      expect(t.spec).toBe(spec);
      expect(t.issue).toBe(239);
      if (t.type !== "epic") expect(t.parent).toBe(epic[0]!.id);
    }
    expect(wm(repo, ["tasks", "check"]).code).toBe(0);

    const before = readFileSync(join(repo, ".wm", "tasks.yaml"), "utf8");
    const again = wmJson<{ created: number; kept: number; updated: number }>(repo, ["spec", "tasks", spec]);
    expect([again.created, again.updated, again.kept]).toEqual([0, 0, 8]);
    expect(readFileSync(join(repo, ".wm", "tasks.yaml"), "utf8")).toBe(before);

    // A dry run on an imported spec writes nothing either, and says so.
    const dry2 = wm(repo, ["spec", "tasks", spec, "--dry-run"]);
    expect(dry2.stdout).toContain("0 to create, 0 to update, 8 unchanged");
    expect(readFileSync(join(repo, ".wm", "tasks.yaml"), "utf8")).toBe(before);
  });

  it("`wm tasks graph --issue=239` draws the seed's boxes in the seed's order", () => {
    const repo = tempRepo();
    const spec = infraSpec(repo);
    expect(wm(repo, ["spec", "tasks", spec]).code).toBe(0);
    const tasks = wmJson<T[]>(repo, ["tasks", "list", "--issue=239"]);
    const idOf = (s: string) => tasks.find((t) => short(t.title) === s)!.id;
    const g = wm(repo, ["tasks", "graph", "--issue=239"]);
    expect(g.code).toBe(0);
    const traced = traceAscii(g.stdout);
    expect(traced.problems).toEqual([]);
    expect(traced.noted).toEqual([]);
    const expected = SEED_EDGES.map((e) => e.split(" -> ").map(idOf).join("->")).sort();
    expect(traced.drawn).toEqual(expected);
    const top = (s: string) => traced.boxes.find((b) => b.id === idOf(s))!.top;
    const chain = [
      "Analyze current infrastructure",
      "Create backups/snapshots",
      "Implement infrastructure changes",
      "Update configuration",
      "Deploy and verify on staging",
    ].map(top);
    expect(chain).toEqual([...chain].sort((a, b) => a - b));
    expect(new Set(chain).size).toBe(5);
    expect(top("Test rollback procedure")).toBe(top("Update documentation"));
    expect(top("Test rollback procedure")).toBeGreaterThan(chain[4]!);
  });

  it("refuses a spec whose breakdown still has {{ISSUE}}, naming the line, and writes nothing", () => {
    const repo = tempRepo();
    const dir = join(repo, "planning", "specs");
    wm(repo, ["init"]);
    const template = readFileSync(join(REPO_ROOT, "templates", "specs", "infrastructure.md"), "utf8");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "239-raw.md"), template);
    const lineNo = template.split("\n").findIndex((l) => l.includes("--type=epic")) + 1;
    const r = wm(repo, ["spec", "tasks", "planning/specs/239-raw.md"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(
      `planning/specs/239-raw.md:${lineNo}: the breakdown still has template variables`,
    );
    expect(readFileSync(join(repo, ".wm", "tasks.yaml"), "utf8")).not.toContain("id:");

    // An --issue that is not the spec's.
    const other = template
      .replaceAll("{{ISSUE}}", "239")
      .replaceAll("{{FEATURE_TITLE}}", "X")
      .replaceAll("{{ISSUE_NUMBER}}", "239");
    const bad = other.replace(
      'Update configuration" --type=impl --issue=239',
      'Update configuration" --type=impl --issue=240',
    );
    writeFileSync(join(dir, "239-raw.md"), bad);
    const badLine = bad.split("\n").findIndex((l) => l.includes("--issue=240")) + 1;
    const r2 = wm(repo, ["spec", "tasks", "planning/specs/239-raw.md"]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain(
      `planning/specs/239-raw.md:${badLine}: --issue=240 differs from the spec's issue (#239)`,
    );
    expect(readFileSync(join(repo, ".wm", "tasks.yaml"), "utf8")).not.toContain("id:");
  });

  it("a re-import after the spec changed creates the new task and re-links the next one", () => {
    const repo = tempRepo();
    const spec = infraSpec(repo);
    wm(repo, ["spec", "tasks", spec]);
    const file = join(repo, spec);
    const text = readFileSync(file, "utf8");
    const added = text.replace(
      'pnpm wm tasks create --title="GH#239: Update configuration"',
      'pnpm wm tasks create --title="GH#239: Dry-run the change" --type=impl --issue=239\npnpm wm tasks create --title="GH#239: Update configuration"',
    );
    writeFileSync(file, added);
    const r = wmJson<{
      created: number;
      updated: number;
      kept: number;
      tasks: Array<{ title: string; action: string; changes: string[] }>;
    }>(repo, ["spec", "tasks", spec]);
    expect([r.created, r.updated, r.kept]).toEqual([1, 1, 7]);
    expect(r.tasks.find((t) => t.action === "update")).toMatchObject({
      title: "GH#239: Update configuration",
      changes: ["depends_on"],
    });
    const tasks = wmJson<T[]>(repo, ["tasks", "list", "--issue=239"]);
    expect(tasks).toHaveLength(9);
    const t = (s: string) => tasks.find((x) => short(x.title) === s)!;
    expect(t("Dry-run the change").depends_on).toEqual([t("Implement infrastructure changes").id]);
    expect(t("Update configuration").depends_on).toEqual([t("Dry-run the change").id]);
  });

  it("usage errors: a missing spec, a spec outside the repository, a spec without a breakdown", () => {
    const repo = tempRepo();
    const missing = wm(repo, ["spec", "tasks", "nope.md"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("nope.md: no such file");
    const outside = wm(repo, ["spec", "tasks", join(REPO_ROOT, "package.json")]);
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain("outside the repository");
    writeFileSync(join(repo, "empty.md"), "# Nothing\n\nNo tasks here.\n");
    const none = wm(repo, ["spec", "tasks", "empty.md"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no "Task Breakdown" section');
  });
});
