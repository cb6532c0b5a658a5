// POSIX shell words, for reading the `wm tasks create ...` lines of a spec's Task Breakdown the way a shell
// would: blanks separate words, '...' is literal, "..." keeps backslash escapes of $ ` " \ and newline,
// a backslash outside quotes escapes the next character (backslash-newline continues the line), and `#` at
// the start of a word starts a comment. Pure. The one reader for both `wm spec tasks` (breakdown.ts, which
// imports the words) and `wm spec check`'s spec/task-breakdown rule (which reports at the words' positions).
//
// It is a reader, not a shell: nothing is expanded. What a shell would expand or treat as an operator
// ($VAR, $(...), `...`, ; & | < > ( )) is recorded on the command as `unsupported`, so a caller that
// needs the literal words can refuse that command while other lines of the same block stay readable.
// Each command also lists its `parts`: the words split where a command could start or end inside the line
// (`a && wm tasks create ...`, `ID=$(wm tasks create ...)`), with their positions.
// An unterminated quote is a ShellSyntaxError: it changes where every later command starts. Read line by
// line (for a checker that reports each line on its own), a quote ends at the end of its line at the latest.

export class ShellSyntaxError extends Error {
  /** 1-based line and column within the script. */
  readonly line: number;
  readonly column: number;
  constructor(message: string, line: number, column: number) {
    super(message);
    this.name = "ShellSyntaxError";
    this.line = line;
    this.column = column;
  }
}

export interface ShellCommand {
  /** 1-based line within the script where the command (or the comment line) starts. */
  line: number;
  words: string[];
  /** The text of the comment on the command's last line (without the `#`, trimmed), or null. */
  comment: string | null;
  /** The source text of the command, from its first word to its end, comment excluded. */
  raw: string;
  /** The first thing a shell would expand or treat as an operator, with its 1-based position. */
  unsupported: { message: string; line: number; column: number } | null;
  /** The words split at operators (PART_OPERATOR), and the operators, in order. */
  parts: ShellPart[];
}

export interface ShellPart {
  /** The word after quote removal, or the operator. */
  text: string;
  /** An operator: `;`, `&`, `&&`, `|`, `||`, `(`, `)`, `$(` or a backquote. */
  op: boolean;
  /** 1-based line and column of its first character (a word's opening quote) in the script. */
  line: number;
  column: number;
}

export interface SplitOptions {
  /**
   * Read each (backslash-continued) line on its own: a quote still open at the end of the line ends
   * there, and a lone final backslash is dropped, instead of a ShellSyntaxError. A typo's damage stays on
   * its line; a quoted newline, valid in bash, is not read as one.
   */
  lineByLine?: boolean;
}

const BLANK = new Set([" ", "\t", "\r"]);
const OPERATORS = new Set([";", "&", "|", "<", ">", "(", ")"]);
/** After `$`, these start an expansion ($name, ${...}, $(...), $1, $?, $#, $@, $*, $$, $!, $-). */
const EXPANSION_START = /[A-Za-z0-9_{(?#@*$!-]/;
/** Where a part ends: the operators a command can start or end at (not redirections, which take a word). */
const PART_OPERATOR = /^(\$\(|&&|\|\||[;|()&`])/;

/** Index of the newline that ends the (backslash-continued) line holding `from`, or the script's length. */
function lineEnd(script: string, from: number): number {
  let k = from;
  while (k < script.length && script[k] !== "\n") k += script[k] === "\\" ? 2 : 1;
  return Math.min(k, script.length);
}

/** Splits a script into commands, one per (logical) line. Blank lines are left out; comment-only lines are kept. */
export function splitShell(script: string, options: SplitOptions = {}): ShellCommand[] {
  const lineByLine = options.lineByLine === true;
  const out: ShellCommand[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const pos = (at: number) => ({ line, column: at - lineStart + 1 });

  let words: string[] = [];
  let cur: string | null = null;
  let parts: ShellPart[] = [];
  let part: ShellPart | null = null;
  /** A word (and its part) starts at `at` unless one is already open. */
  const open = (at: number) => {
    cur ??= "";
    part ??= { text: "", op: false, ...pos(at) };
  };
  const add = (text: string) => {
    cur += text;
    part!.text += text;
  };
  const endPart = () => {
    if (part !== null) parts.push(part);
    part = null;
  };
  let cmdLine = 1;
  let cmdStart = -1;
  let cmdEnd = -1;
  let comment: string | null = null;
  let unsupported: ShellCommand["unsupported"] = null;

  const flag = (at: number, message: string) => {
    if (unsupported === null) unsupported = { message, ...pos(at) };
  };
  const begin = (at: number) => {
    if (cmdStart < 0) {
      cmdStart = at;
      cmdLine = line;
    }
  };
  const endWord = () => {
    if (cur !== null) words.push(cur);
    cur = null;
    endPart();
  };
  const endCommand = () => {
    endWord();
    if (words.length > 0 || comment !== null) {
      out.push({
        line: cmdLine,
        words,
        comment,
        raw: cmdStart < 0 ? "" : script.slice(cmdStart, cmdEnd).trimEnd(),
        unsupported,
        parts,
      });
    }
    words = [];
    parts = [];
    comment = null;
    unsupported = null;
    cmdStart = -1;
    cmdEnd = -1;
  };
  const newline = (at: number) => {
    line++;
    lineStart = at + 1;
  };

  while (i < script.length) {
    const ch = script[i]!;
    if (ch === "\n") {
      endCommand();
      newline(i);
      i++;
      continue;
    }
    if (BLANK.has(ch)) {
      endWord();
      i++;
      continue;
    }
    if (ch === "#" && cur === null) {
      let j = script.indexOf("\n", i);
      if (j < 0) j = script.length;
      if (cmdStart < 0) cmdLine = line;
      comment = script.slice(i + 1, j).trim();
      i = j;
      continue;
    }
    begin(i);
    if (ch === "\\") {
      const next = script[i + 1];
      if (next === undefined) {
        if (lineByLine) break;
        const p = pos(i);
        throw new ShellSyntaxError("the line ends with a lone backslash", p.line, p.column);
      }
      if (next === "\n") {
        // Line continuation: neither character is part of the word.
        newline(i + 1);
        i += 2;
        continue;
      }
      open(i);
      add(next);
      i += 2;
      cmdEnd = i;
      continue;
    }
    if (ch === "'") {
      const limit = lineByLine ? lineEnd(script, i) : script.length;
      let close = script.indexOf("'", i + 1);
      let past = close + 1;
      if (close < 0 || close > limit) {
        if (!lineByLine) {
          const p = pos(i);
          throw new ShellSyntaxError("unterminated single quote", p.line, p.column);
        }
        close = limit;
        past = close;
      }
      open(i);
      const body = script.slice(i + 1, close);
      for (let k = 0; k < body.length; k++) if (body[k] === "\n") newline(i + 1 + k);
      add(body);
      i = past;
      cmdEnd = i;
      continue;
    }
    if (ch === '"') {
      const start = pos(i);
      open(i);
      const end = lineByLine ? lineEnd(script, i) : script.length;
      let value = "";
      let j = i + 1;
      for (;;) {
        if (j >= end) {
          if (lineByLine) break;
          throw new ShellSyntaxError("unterminated double quote", start.line, start.column);
        }
        const c = script[j]!;
        if (c === '"') break;
        if (c === "\\") {
          const n = script[j + 1];
          if (n === "\n") {
            newline(j + 1);
            j += 2;
            continue;
          }
          if (n === "$" || n === "`" || n === '"' || n === "\\") {
            value += n;
            j += 2;
            continue;
          }
          value += c;
          j++;
          continue;
        }
        if (c === "$" && EXPANSION_START.test(script[j + 1] ?? "")) {
          flag(
            j,
            `"$${script[j + 1]}" is a shell expansion; write the value literally (or in single quotes)`,
          );
        } else if (c === "`") {
          flag(j, "backquotes are command substitution; write the value literally (or in single quotes)");
        }
        if (c === "\n") newline(j);
        value += c;
        j++;
      }
      add(value);
      i = Math.min(j + 1, end);
      cmdEnd = i;
      continue;
    }
    if (ch === "$" && EXPANSION_START.test(script[i + 1] ?? "")) {
      flag(i, `"$${script[i + 1]}" is a shell expansion; write the value literally (or in single quotes)`);
    } else if (ch === "`") {
      flag(i, "backquotes are command substitution; write the value literally (or in single quotes)");
    } else if (OPERATORS.has(ch)) {
      flag(i, `"${ch}" is a shell operator; write one command per line, without redirections or pipes`);
    }
    const op = PART_OPERATOR.exec(script.slice(i, i + 2))?.[0];
    if (op) {
      // Still part of `words` (which keep the line as one command); a part of its own.
      endPart();
      parts.push({ text: op, op: true, ...pos(i) });
      cur = (cur ?? "") + op;
      i += op.length;
    } else {
      open(i);
      add(ch);
      i++;
    }
    cmdEnd = i;
  }
  endCommand();
  return out;
}

/** The words of one command. Throws a ShellSyntaxError for an unterminated quote or more than one command. */
export function shellWords(text: string): string[] {
  const commands = splitShell(text).filter((c) => c.words.length > 0);
  if (commands.length > 1) {
    throw new ShellSyntaxError("more than one command", commands[1]!.line, 1);
  }
  return commands[0]?.words ?? [];
}
