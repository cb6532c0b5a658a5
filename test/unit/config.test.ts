// The config schema and its text parser: defaults, strict keys with positions, enums, warnings.

import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { ConfigSchema, closestKey, validateConfig } from "../../src/core/config.js";
import { DEFAULT_CONFIG, DEFAULT_CONFIG_TEXT, defaultConfig } from "../../src/core/config-defaults.js";
import { WmError } from "../../src/core/errors.js";
import { parseConfigText } from "../../src/store/config-store.js";

const FILE = ".wm/config.yaml";

async function configError(text: string): Promise<WmError> {
  try {
    await parseConfigText(text, FILE);
  } catch (err) {
    expect(err).toBeInstanceOf(WmError);
    return err as WmError;
  }
  throw new Error(`expected an error for:\n${text}`);
}

function leafKeys(v: unknown, prefix = ""): string[] {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return [prefix];
  return Object.entries(v).flatMap(([k, x]) => leafKeys(x, prefix ? `${prefix}.${k}` : k));
}

describe("config defaults", () => {
  it("an empty object, null and a comments-only file all give the defaults", async () => {
    expect(ConfigSchema.parse({})).toEqual(DEFAULT_CONFIG);
    const fromNull = validateConfig(null);
    expect(fromNull.ok && fromNull.config).toEqual(DEFAULT_CONFIG);
    const loaded = await parseConfigText("# nothing here\n", FILE);
    expect(loaded).toEqual({ config: DEFAULT_CONFIG, source: "file", warnings: [] });
    expect(DEFAULT_CONFIG.version).toBe(1);
    expect(DEFAULT_CONFIG.hooks.stop.max_blocks).toBe(3);
    expect(DEFAULT_CONFIG.hooks.gates).toEqual({ planning_writes: "deny", test_first: "warn" });
    expect(DEFAULT_CONFIG.spec.min_score).toBe(75);
  });

  it("the text wm init writes parses to exactly the defaults and mentions every key", async () => {
    const loaded = await parseConfigText(DEFAULT_CONFIG_TEXT, FILE);
    expect(loaded.config).toEqual(DEFAULT_CONFIG);
    expect(loaded.warnings).toEqual([]);
    const withOptional = {
      ...DEFAULT_CONFIG,
      issues: { ...DEFAULT_CONFIG.issues, github: { repo: "o/n", base_url: "https://x" } },
      commands: { test: "npm test" },
    };
    for (const path of leafKeys(withOptional)) {
      const key = path.split(".").pop()!;
      expect(DEFAULT_CONFIG_TEXT, `the default text should mention ${path}`).toMatch(
        new RegExp(`^\\s*#?\\s*${key}:`, "m"),
      );
    }
    // It is a commented file, not a bare dump of the defaults.
    expect(DEFAULT_CONFIG_TEXT.split("\n").filter((l) => l.trim().startsWith("#")).length).toBeGreaterThan(
      15,
    );
  });

  it("a partial file keeps the defaults of every key it does not set; an empty section means defaults", async () => {
    const { config } = await parseConfigText(
      "hooks:\n  stop:\n    max_blocks: 5\ncommands:\nspec:\n  min_score:\n",
      FILE,
    );
    expect(config.hooks.stop.max_blocks).toBe(5);
    expect(config.hooks.gates).toEqual(DEFAULT_CONFIG.hooks.gates);
    expect(config.commands).toEqual({});
    expect(config.spec.min_score).toBe(75);
    expect(config.specs).toEqual(DEFAULT_CONFIG.specs);
  });

  it("defaultConfig() is a fresh copy: changing it does not change the defaults", () => {
    const c = defaultConfig();
    c.stop_conditions.planning.push("pushed");
    c.hooks.stop.max_blocks = 9;
    expect(DEFAULT_CONFIG.stop_conditions.planning).not.toContain("pushed");
    expect(DEFAULT_CONFIG.hooks.stop.max_blocks).toBe(3);
    expect(ConfigSchema.parse({}).stop_conditions.planning).not.toContain("pushed");
  });
});

describe("config errors name the key and its file:line:col", () => {
  it("a misspelt nested key is an error at the key, with a suggestion", async () => {
    const text = "version: 1\nhooks:\n  stop:\n    max_block: 5\n";
    const err = await configError(text);
    expect(err.exitCode).toBe(2);
    expect(err.rule).toBe("config/schema");
    expect(err.message).toBe(
      `${FILE}:4:5: hooks.stop.max_block: unknown key "max_block"; did you mean "max_blocks"? Valid keys here: max_blocks`,
    );
    expect(err.details).toEqual([
      { file: FILE, line: 4, column: 5, path: "hooks.stop.max_block", message: expect.any(String) },
    ]);
  });

  it("a misspelt top-level key names the valid keys", async () => {
    const err = await configError("# header\nstop_condition:\n  planning: [spec_valid]\n");
    expect(err.message).toContain(`${FILE}:2:1: stop_condition: unknown key "stop_condition"`);
    expect(err.message).toContain('did you mean "stop_conditions"?');
    expect(err.message).toContain(
      "Valid keys here: version, specs, issues, hooks, stop_conditions, commands, spec",
    );
  });

  it("a key far from any valid one gets no suggestion", async () => {
    const err = await configError("specs:\n  colour: red\n");
    expect(err.message).toBe(
      `${FILE}:2:3: specs.colour: unknown key "colour" Valid keys here: dir, research_dir`,
    );
  });

  it("a wrong enum value points at the value and lists the valid ones", async () => {
    const err = await configError("hooks:\n  gates:\n    planning_writes: maybe\n");
    expect(err.message).toBe(
      `${FILE}:3:22: hooks.gates.planning_writes: "maybe" is not one of: deny, ask, off`,
    );
    const provider = await configError("issues:\n  provider: jira\n");
    expect(provider.message).toBe(`${FILE}:2:13: issues.provider: "jira" is not one of: local, github`);
  });

  it("a wrong stop condition in a list points at the item", async () => {
    const err = await configError("stop_conditions:\n  planning: [spec_valid, tests_passing]\n");
    expect(err.message).toMatch(
      /^\.wm\/config\.yaml:2:26: stop_conditions\.planning\.1: "tests_passing" is not one of: /,
    );
    expect(err.message).toContain(
      "tasks_complete, spec_valid, committed, pushed, tests_pass, verify_evidence",
    );
  });

  it("reports every problem, in file order", async () => {
    const err = await configError("spec:\n  min_score: 120\nversion: 2\nhooks:\n  stopp: {}\n");
    const lines = err.message.split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^\.wm\/config\.yaml:2:14: spec\.min_score: /);
    expect(lines[1]).toMatch(/^\.wm\/config\.yaml:3:10: version: unsupported config version/);
    expect(lines[2]).toMatch(
      /^\.wm\/config\.yaml:5:3: hooks\.stopp: unknown key "stopp"; did you mean "stop"\?/,
    );
  });

  it("wrong types and values: numbers, paths, repo, URL", async () => {
    expect((await configError("hooks:\n  stop:\n    max_blocks: three\n")).message).toMatch(
      /^\.wm\/config\.yaml:3:17: hooks\.stop\.max_blocks: /,
    );
    expect((await configError("hooks:\n  stop:\n    max_blocks: 0\n")).message).toContain(
      "must be at least 1",
    );
    expect((await configError("specs:\n  dir: /etc\n")).message).toContain(
      "specs.dir: must be a path inside the project",
    );
    expect((await configError("specs:\n  dir: ../elsewhere\n")).message).toContain(
      "must be a path inside the project",
    );
    expect((await configError("issues:\n  github:\n    repo: nope\n")).message).toContain(
      'issues.github.repo: expected "owner/name"',
    );
    expect((await configError("issues:\n  github:\n    base_url: ftp://x\n")).message).toContain(
      "issues.github.base_url: expected an http(s) URL",
    );
    expect((await configError("- a\n- b\n")).message).toMatch(
      /^\.wm\/config\.yaml:1:1: file: .*expected object/,
    );
  });

  it("YAML that does not parse is a config/parse error with its position", async () => {
    const err = await configError("hooks:\n  stop:\n   max_blocks: 3\n  gates: [\n");
    expect(err.rule).toBe("config/parse");
    expect(err.exitCode).toBe(2);
    expect(err.message).toMatch(/^\.wm\/config\.yaml:\d+:\d+: not valid YAML: /);
    const dup = await configError("spec:\n  min_score: 1\nspec:\n  min_score: 2\n");
    expect(dup.message).toMatch(/^\.wm\/config\.yaml:3:1: not valid YAML: Map keys must be unique/);
  });
});

describe("config warnings", () => {
  it("tests_pass without commands.test warns at the list's line", async () => {
    const text = "stop_conditions:\n  implementation: [tasks_complete, tests_pass]\n";
    const { config, warnings } = await parseConfigText(text, FILE);
    expect(config.stop_conditions.implementation).toEqual(["tasks_complete", "tests_pass"]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ severity: "warning", file: FILE, line: 2, column: 19 });
    expect(warnings[0]!.message).toContain("commands.test is not set");
    const ok = await parseConfigText(`${text}commands:\n  test: npm test\n`, FILE);
    expect(ok.warnings).toEqual([]);
  });
});

describe("closestKey", () => {
  it("suggests near misses only", () => {
    expect(closestKey("max_block", ["max_blocks"])).toBe("max_blocks");
    expect(closestKey("research-dir", ["dir", "research_dir"])).toBe("research_dir");
    expect(closestKey("colour", ["dir", "research_dir"])).toBeUndefined();
  });
});

describe("the yaml package is the parser", () => {
  it("agrees with the default text's structure", () => {
    const doc = parseDocument(DEFAULT_CONFIG_TEXT);
    expect(doc.errors).toEqual([]);
    expect(Object.keys(doc.toJS() as object)).toEqual(Object.keys(DEFAULT_CONFIG));
  });
});
