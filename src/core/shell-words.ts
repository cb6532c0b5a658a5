// POSIX shell words, for reading the `wm tasks create ...` lines of a spec's Task Breakdown the way a shell
// would: blanks separate words, '...' is literal, "..." keeps backslash escapes of $ ` " \ and newline,
// a backslash outside quotes escapes the next character (backslash-newline continues the line), and `#` at
// the start of a word starts a comment. Pure.
//
// It is a reader, not a shell: nothing is expanded. What a shell would expand or treat as an operator
// ($VAR, $(...), `...`, ; & | < > ( )) is recorded on the command as `unsupported`, so a caller that
// needs the literal words can refuse that command while other lines of the same block stay readable.
// An unterminated quote is a ShellSyntaxError: it changes where every later command starts.

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
}

const BLANK = new Set([" ", "\t", "\r"]);
const OPERATORS = new Set([";", "&", "|", "<", ">", "(", ")"]);
/** After `$`, these start an expansion ($name, ${...}, $(...), $1, $?, $#, $@, $*, $$, $!, $-). */
const EXPANSION_START = /[A-Za-z0-9_{(?#@*$!-]/;

/** Splits a script into commands, one per (logical) line. Blank lines are left out; comment-only lines are kept. */
export function splitShell(script: string): ShellCommand[] {
  const out: ShellCommand[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const pos = (at: number) => ({ line, column: at - lineStart + 1 });

  let words: string[] = [];
  let cur: string | null = null;
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
      });
    }
    words = [];
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
        const p = pos(i);
        throw new ShellSyntaxError("the line ends with a lone backslash", p.line, p.column);
      }
      if (next === "\n") {
        // Line continuation: neither character is part of the word.
        newline(i + 1);
        i += 2;
        continue;
      }
      cur = (cur ?? "") + next;
      i += 2;
      cmdEnd = i;
      continue;
    }
    if (ch === "'") {
      const close = script.indexOf("'", i + 1);
      if (close < 0) {
        const p = pos(i);
        throw new ShellSyntaxError("unterminated single quote", p.line, p.column);
      }
      const body = script.slice(i + 1, close);
      for (let k = 0; k < body.length; k++) if (body[k] === "\n") newline(i + 1 + k);
      cur = (cur ?? "") + body;
      i = close + 1;
      cmdEnd = i;
      continue;
    }
    if (ch === '"') {
      const open = pos(i);
      let value = "";
      let j = i + 1;
      for (;;) {
        if (j >= script.length) {
          throw new ShellSyntaxError("unterminated double quote", open.line, open.column);
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
      cur = (cur ?? "") + value;
      i = j + 1;
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
    cur = (cur ?? "") + ch;
    i++;
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
