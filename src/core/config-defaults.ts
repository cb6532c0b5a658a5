// The default configuration, as data and as the commented text `wm init` writes. Kept apart from the
// zod schema (src/core/config.ts) so that a project without a config file gets its defaults without
// loading zod or yaml. test/unit/config.test.ts checks that the schema, this object and this text agree.

export const CONFIG_VERSION = 1 as const;

export const ISSUE_PROVIDERS = ["local", "github"] as const;
export type IssueProvider = (typeof ISSUE_PROVIDERS)[number];

export const PLANNING_WRITES_GATES = ["deny", "ask", "off"] as const;
export type PlanningWritesGate = (typeof PLANNING_WRITES_GATES)[number];

export const TEST_FIRST_GATES = ["warn", "ask", "off"] as const;
export type TestFirstGate = (typeof TEST_FIRST_GATES)[number];

export const STOP_CONDITIONS = [
  "tasks_complete",
  "spec_valid",
  "committed",
  "pushed",
  "tests_pass",
  "verify_evidence",
] as const;
export type StopCondition = (typeof STOP_CONDITIONS)[number];

/** The configuration after defaults are applied. src/core/config.ts checks that its schema yields exactly this. */
export interface Config {
  version: 1;
  specs: { dir: string; research_dir: string };
  issues: { provider: IssueProvider; github?: { repo?: string; base_url?: string } };
  hooks: {
    stop: { max_blocks: number };
    gates: { planning_writes: PlanningWritesGate; test_first: TestFirstGate };
  };
  stop_conditions: { planning: StopCondition[]; implementation: StopCondition[] };
  commands: { test?: string };
  spec: { min_score: number };
}

export const DEFAULT_CONFIG: Config = {
  version: 1,
  specs: { dir: "planning/specs", research_dir: "planning/research" },
  issues: { provider: "local" },
  hooks: { stop: { max_blocks: 3 }, gates: { planning_writes: "deny", test_first: "warn" } },
  stop_conditions: {
    planning: ["spec_valid", "committed"],
    implementation: ["tasks_complete", "verify_evidence", "committed"],
  },
  commands: {},
  spec: { min_score: 75 },
};

/** A fresh, mutable copy of the defaults. */
export function defaultConfig(): Config {
  return structuredClone(DEFAULT_CONFIG);
}

/** What `wm init` writes to `.wm/config.yaml`: the defaults, every key explained. */
export const DEFAULT_CONFIG_TEXT = `# wm configuration. Every key is optional: a missing key takes the default shown here.
# A misspelt key is an error (wm names it, with its line), never silently ignored.
# Check this file with \`wm doctor\`.

# Format version of this file. Only 1 exists.
version: 1

specs:
  # Where \`wm spec new\` writes planning specs and \`wm spec check\` looks for them (relative to the root).
  dir: planning/specs
  # Where research notes go.
  research_dir: planning/research

issues:
  # Where issues come from: "local" (files in .wm/issues/, works offline) or "github".
  provider: local
  # With provider github, and for \`wm github sync\` (token: GH_TOKEN, GITHUB_TOKEN or \`gh auth token\`):
  # github:
  #   repo: owner/name                                # default: the repository of the origin remote
  #   base_url: https://github.example.com/api/v3     # GitHub Enterprise only

hooks:
  stop:
    # How many times in a row the Stop hook may block a session that wants to end before it lets it go
    # (so an agent is never trapped in a loop). The reasons are still reported.
    max_blocks: 3
  gates:
    # Edits to source files during a planning session: "deny" (refused), "ask" (the user decides) or "off".
    planning_writes: deny
    # Editing code before a test for it exists: "warn" (a reminder), "ask" (the user decides) or "off".
    test_first: warn

# What must hold before a session in each mode may end. Any of: tasks_complete (the session's tasks are
# done or cancelled), spec_valid (\`wm spec check\` passes), committed (no uncommitted changes to tracked
# files), pushed (the branch is pushed), tests_pass (commands.test exits 0), verify_evidence (done
# verify tasks carry evidence).
stop_conditions:
  planning: [spec_valid, committed]
  implementation: [tasks_complete, verify_evidence, committed]

commands:
  # The project's test command, run for the tests_pass stop condition, e.g. "npm test".
  # test: npm test

spec:
  # The completeness score (0-100) a spec needs for \`wm spec check\` to pass.
  min_score: 75
`;
