// `wm templates list|show` from the built CLI: built-ins found from dist/, project overrides, errors, and
// every built-in Task Breakdown run as written through bash against the real CLI.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BUILTIN_TEMPLATES } from "../../src/core/template-catalog.js";
import { cleanEnv, cleanupTemp, REPO_ROOT, tempDir, tempRepo, WM_BIN, wm, wmJson } from "../helpers/cli.js";
import { breakdown } from "../helpers/template-text.js";

afterAll(cleanupTemp);

const NAMES = BUILTIN_TEMPLATES.map((t) => t.name);
const SPECS = join(REPO_ROOT, "templates", "specs");
const SEED = join(REPO_ROOT, "..", "shared", "seed", "infrastructure-planning-template.md");

interface Entry {
  name: string;
  description: string;
  source: "builtin" | "project";
  path: string;
}

describe("wm templates list", () => {
  it("lists every built-in with its description, resolved from the built package", () => {
    const repo = tempRepo();
    const list = wmJson<Entry[]>(repo, ["templates", "list"]);
    expect(list.map((t) => t.name)).toEqual(NAMES);
    for (const t of list) {
      expect(t.source).toBe("builtin");
      expect(t.path).toBe(join(SPECS, `${t.name}.md`));
      expect(existsSync(t.path)).toBe(true);
      expect(t.description).toBe(BUILTIN_TEMPLATES.find((b) => b.name === t.name)!.description);
    }
    const text = wm(repo, ["templates", "list"]);
    expect(text.code).toBe(0);
    expect(text.stderr).toBe("");
    const lines = text.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(NAMES.length);
    expect(lines[0]).toMatch(/^feature\s+builtin\s+a feature across backend/);
    expect(text.stdout).toContain("infrastructure");
  });

  it("a .wm/templates/feature.md override wins and is marked project; a new template appears", () => {
    const repo = tempRepo();
    const dir = join(repo, ".wm", "templates");
    mkdirSync(dir, { recursive: true });
    const override = "# Team Feature Spec: {{FEATURE_TITLE}}\n\n## 1. Our own section\n";
    writeFileSync(join(dir, "feature.md"), override);
    writeFileSync(join(dir, "security-review.md"), "# Security Review\n\n| Threat | Mitigation |\n");
    const list = wmJson<Entry[]>(repo, ["templates", "list"]);
    expect(list.map((t) => `${t.name}:${t.source}`)).toEqual([
      ...NAMES.map((n) => (n === "feature" ? "feature:project" : `${n}:builtin`)),
      "security-review:project",
    ]);
    expect(list[0]).toEqual({
      name: "feature",
      description: "Team Feature Spec",
      source: "project",
      path: join(dir, "feature.md"),
    });
    expect(list.at(-1)!.description).toBe("Security Review");

    const text = wm(repo, ["templates", "list"]);
    expect(text.stdout).toMatch(/^feature\s+project\s+Team Feature Spec \(\.wm\/templates\/feature\.md\)$/m);
    expect(text.stdout).toMatch(/^security-review\s+project\s+Security Review/m);

    // show follows the override, from a subdirectory too.
    mkdirSync(join(repo, "src", "deep"), { recursive: true });
    const shown = wm(join(repo, "src", "deep"), ["templates", "show", "feature"]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toBe(override);
    const doc = wmJson<Entry & { content: string }>(repo, ["templates", "show", "security-review"]);
    expect(doc).toEqual({
      name: "security-review",
      source: "project",
      path: join(dir, "security-review.md"),
      content: "# Security Review\n\n| Threat | Mitigation |\n",
    });
  });

  it("works outside any project, with the built-ins only", () => {
    const bare = tempDir("wm-bare-");
    const list = wmJson<Entry[]>(bare, ["templates", "list"]);
    expect(list.map((t) => t.name)).toEqual(NAMES);
    const shown = wm(bare, ["templates", "show", "bug"]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toBe(readFileSync(join(SPECS, "bug.md"), "utf8"));
  });
});

describe("wm templates show", () => {
  it("prints the infrastructure template exactly as the seed, and --json gives name, source, path, content", () => {
    const repo = tempRepo();
    const expected = readFileSync(existsSync(SEED) ? SEED : join(SPECS, "infrastructure.md"), "utf8");
    const r = wm(repo, ["templates", "show", "infrastructure"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(expected);
    const raw = wm(repo, ["templates", "show", "infrastructure", "--json"]);
    const doc = JSON.parse(raw.stdout);
    expect(doc).toEqual({
      schemaVersion: 1,
      kind: "template",
      data: {
        name: "infrastructure",
        source: "builtin",
        path: join(SPECS, "infrastructure.md"),
        content: expected,
      },
    });
  });

  it("an unknown name exits 2 and lists the available names", () => {
    const repo = tempRepo();
    mkdirSync(join(repo, ".wm", "templates"), { recursive: true });
    writeFileSync(join(repo, ".wm", "templates", "custom.md"), "# Custom\n");
    const r = wm(repo, ["templates", "show", "featur"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`unknown template "featur"; available: ${[...NAMES, "custom"].join(", ")}`);

    const j = wm(repo, ["templates", "show", "../config", "--json"]);
    expect(j.code).toBe(2);
    expect(j.stdout).toBe("");
    const err = JSON.parse(j.stderr);
    expect(err.error.rule).toBe("template/unknown");
    expect(err.error.details.available).toEqual([...NAMES, "custom"]);

    expect(wm(repo, ["templates", "show"]).code).toBe(2);
    expect(wm(repo, ["templates", "show", "bug", "extra"]).code).toBe(2);
    expect(wm(repo, ["templates", "list", "--bogus"]).code).toBe(2);
  });

  it("resolves the built-ins from an installed copy of the package, wherever it lives", () => {
    // The package as npm installs it: the "files" of package.json plus package.json, in node_modules/.
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as {
      files: string[];
      bin: { wm: string };
    };
    expect(pkg.files).toContain("templates");
    const home = tempDir("wm-install-");
    const installed = join(home, "node_modules", "wm-workflow");
    mkdirSync(installed, { recursive: true });
    for (const f of [...pkg.files, "package.json"])
      cpSync(join(REPO_ROOT, f), join(installed, f), { recursive: true });
    const repo = tempRepo();
    const run = (args: string[]) =>
      spawnSync(process.execPath, [join(installed, pkg.bin.wm), ...args], {
        cwd: repo,
        encoding: "utf8",
        env: cleanEnv(),
      });
    const r = run(["templates", "list", "--json"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const list = JSON.parse(r.stdout).data as Entry[];
    expect(list.map((t) => t.name)).toEqual(NAMES);
    for (const t of list) expect(t.path).toBe(join(installed, "templates", "specs", `${t.name}.md`));
    const shown = run(["templates", "show", "feature"]);
    expect(shown.status).toBe(0);
    expect(shown.stdout).toBe(readFileSync(join(SPECS, "feature.md"), "utf8"));
  });
});

describe("every built-in Task Breakdown runs as written", () => {
  it.each(NAMES)("%s: its bash blocks create the tasks it lists, under one epic", (name) => {
    const repo = tempRepo();
    const text = readFileSync(join(SPECS, `${name}.md`), "utf8");
    const b = breakdown(text);
    const script = [
      "set -e",
      `wm() { node ${JSON.stringify(WM_BIN)} "$@"; }`,
      // The seed writes `pnpm wm ...`; stand in for pnpm's script runner.
      'pnpm() { [ "$1" = wm ] || return 1; shift; wm "$@"; }',
      ...b.bashLines.map((l) => l.text),
    ]
      .join("\n")
      .replaceAll("{{ISSUE}}", "239")
      .replaceAll("{{FEATURE_TITLE}}", "Sample work");
    const r = spawnSync("bash", ["-c", script], { cwd: repo, encoding: "utf8", env: cleanEnv() });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const tasks = wmJson<Array<{ id: string; title: string; type: string; issue: number; parent?: string }>>(
      repo,
      ["tasks", "list", "--issue=239"],
    );
    expect(tasks).toHaveLength(b.creates.length);
    const epics = tasks.filter((t) => t.type === "epic");
    expect(epics).toHaveLength(1);
    expect(epics[0]!.title).toBe("GH#239: Sample work");
    for (const t of tasks) {
      expect(t.title).toMatch(/^GH#239: /);
      if (t.type !== "epic") expect(t.parent, t.title).toBe(epics[0]!.id);
    }
    const expectedTypes = b.creates.map((l) => /--type=(\w+)/.exec(l.text)![1]).sort();
    expect(tasks.map((t) => t.type).sort()).toEqual(expectedTypes);
  });
});
