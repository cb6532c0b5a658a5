// Claude Code's hook protocol, as far as wm speaks it: the events, the exact answer shapes, and the pure
// gate rules (which paths a planning session may write, what is a test, which Bash commands mark a task
// done). Pure. Every answer is exit 0 + one JSON object on stdout, or exit 0 and no output at all when wm
// has no opinion. wm never answers "allow": that would skip the user's permission prompts.

export const HOOK_EVENTS = {
  "session-start": "SessionStart",
  "user-prompt-submit": "UserPromptSubmit",
  "pre-tool-use": "PreToolUse",
  "post-tool-use": "PostToolUse",
  stop: "Stop",
  "subagent-stop": "SubagentStop",
  "pre-compact": "PreCompact",
  "session-end": "SessionEnd",
} as const;

export type HookEvent = keyof typeof HOOK_EVENTS;
export type ClaudeEventName = (typeof HOOK_EVENTS)[HookEvent];

export function isHookEvent(s: string): s is HookEvent {
  return Object.hasOwn(HOOK_EVENTS, s);
}

/** The tools whose input names a file the agent writes. */
export const EDIT_TOOLS: ReadonlySet<string> = new Set(["Write", "Edit", "MultiEdit", "NotebookEdit"]);

/** What a hook prints: one JSON object, or nothing (null). `note` is one line for stderr. */
export interface HookAnswer {
  output: Record<string, unknown> | null;
  note?: string;
}

export const NO_OPINION: HookAnswer = { output: null };

/** Context for the agent (SessionStart, UserPromptSubmit, PreToolUse, PostToolUse). */
export function contextAnswer(event: ClaudeEventName, text: string): HookAnswer {
  return { output: { hookSpecificOutput: { hookEventName: event, additionalContext: text } } };
}

/** PreToolUse: refuse the tool call; the reason is shown to the agent. */
export function denyAnswer(reason: string): HookAnswer {
  return {
    output: {
      hookSpecificOutput: {
        hookEventName: "PreToolUse",
        permissionDecision: "deny",
        permissionDecisionReason: reason,
      },
    },
  };
}

/** PreToolUse: ask the user; the reason is shown to the user. */
export function askAnswer(reason: string): HookAnswer {
  return {
    output: {
      hookSpecificOutput: {
        hookEventName: "PreToolUse",
        permissionDecision: "ask",
        permissionDecisionReason: reason,
      },
    },
  };
}

/** Stop / SubagentStop: keep the agent working; the reason becomes its next instruction. */
export function blockAnswer(reason: string): HookAnswer {
  return { output: { decision: "block", reason } };
}

/** A message for the user, with no decision (the action proceeds). */
export function messageAnswer(message: string): HookAnswer {
  return { output: { systemMessage: message } };
}

/** The file a tool call writes, from its input (Write/Edit/MultiEdit: file_path; NotebookEdit: notebook_path). */
export function editedPath(toolInput: unknown): string | null {
  if (toolInput === null || typeof toolInput !== "object") return null;
  const i = toolInput as Record<string, unknown>;
  const p =
    typeof i.file_path === "string"
      ? i.file_path
      : typeof i.notebook_path === "string"
        ? i.notebook_path
        : null;
  return p !== null && p !== "" ? p : null;
}

/** Whether a repo-relative path (with `/`) is `dir` or inside it. */
export function isWithin(rel: string, dir: string): boolean {
  const d = dir.replace(/\\/g, "/").replace(/^\.\//, "").replace(/\/+$/, "");
  return d === "" || rel === d || rel.startsWith(`${d}/`);
}

const TEST_DIR = /(^|\/)(test|tests|__tests__|__test__|spec|specs|e2e|testdata|fixtures)\//i;
const TEST_NAME =
  /(\.|_|-)(test|spec|e2e)\.[A-Za-z0-9]+$|^test_[^/]*\.py$|_test\.(go|py|rb|exs?)$|Tests?\.(java|kt|cs|swift|scala)$/;

const CODE_EXT =
  /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs|vue|svelte|py|go|rs|java|kt|kts|scala|rb|php|cs|fs|c|cc|cpp|cxx|h|hh|hpp|m|mm|swift|dart|ex|exs|erl|clj|lua|sql|sh|bash|zsh)$/i;

/** A test file: source code in a test directory or with a test file name (`x.test.ts`, `test_x.py`, ...). */
export function isTestPath(rel: string): boolean {
  if (!CODE_EXT.test(rel)) return false;
  const base = rel.slice(rel.lastIndexOf("/") + 1);
  return TEST_NAME.test(base) || TEST_DIR.test(rel);
}

/** Production code: a source file that is not a test and not wm's or the agent's own files. */
export function isProductionCode(rel: string): boolean {
  if (!CODE_EXT.test(rel) || isTestPath(rel)) return false;
  return !(rel.startsWith(".wm/") || rel.startsWith(".claude/") || rel.startsWith("node_modules/"));
}

/**
 * Splits a shell command line into simple commands, each a list of words (quotes removed, `\` escapes
 * honoured). Operators (; & && || | newlines, parentheses, `$(`, backticks) end a simple command. This
 * is not a shell; it is enough to find `wm tasks done <id>` in what an agent runs.
 */
export function shellCommands(line: string): string[][] {
  const out: string[][] = [];
  let words: string[] = [];
  let word = "";
  let inWord = false;
  const endWord = () => {
    if (inWord) words.push(word);
    word = "";
    inWord = false;
  };
  const endCommand = () => {
    endWord();
    if (words.length > 0) out.push(words);
    words = [];
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "'") {
      const j = line.indexOf("'", i + 1);
      word += j < 0 ? line.slice(i + 1) : line.slice(i + 1, j);
      inWord = true;
      i = j < 0 ? line.length : j;
    } else if (c === '"') {
      inWord = true;
      for (i++; i < line.length && line[i] !== '"'; i++) {
        if (line[i] === "\\" && i + 1 < line.length && '"\\$`'.includes(line[i + 1]!)) i++;
        word += line[i];
      }
    } else if (c === "\\") {
      if (i + 1 < line.length && line[i + 1] !== "\n") word += line[i + 1];
      inWord = true;
      i++;
    } else if (c === " " || c === "\t") endWord();
    else if (";&|\n()`".includes(c)) endCommand();
    else if (c === "$" && line[i + 1] === "(") {
      endCommand();
      i++;
    } else if (c === "#" && !inWord) {
      const j = line.indexOf("\n", i);
      i = j < 0 ? line.length : j - 1;
    } else {
      word += c;
      inWord = true;
    }
  }
  endCommand();
  return out;
}

const WM_NAMES = new Set(["wm", "wm.cjs", "wm.js", "wm-workflow"]);
/** `wm tasks done` options that take a value as the next word. */
const DONE_VALUE_FLAGS = new Set(["--evidence", "--evidence-cmd", "--session"]);

/** The task ids a command line marks done with `wm tasks done <id>` (any launcher: npx, pnpm, a path). */
export function tasksDoneIds(line: string): string[] {
  if (!line.includes("done")) return [];
  const ids: string[] = [];
  for (const words of shellCommands(line)) {
    for (let i = 0; i + 2 < words.length; i++) {
      const w = words[i]!;
      const base = w.slice(w.lastIndexOf("/") + 1);
      if (!WM_NAMES.has(base) || words[i + 1] !== "tasks" || words[i + 2] !== "done") continue;
      for (let k = i + 3; k < words.length; k++) {
        const a = words[k]!;
        if (a === "--") continue;
        if (a.startsWith("-")) {
          if (DONE_VALUE_FLAGS.has(a)) k++;
          continue;
        }
        ids.push(a);
      }
      break;
    }
  }
  return ids;
}
