// The POSIX shell-words reader used for Task Breakdown lines (wm spec tasks and the spec/task-breakdown rule):
// its words must be what bash would pass, and its parts where a command can start, at their positions.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { type ShellPart, ShellSyntaxError, shellWords, splitShell } from "../../src/core/shell-words.js";

/** What bash itself passes to a command for this line (one NUL-terminated word each). */
function bashWords(line: string): string[] {
  const r = spawnSync("bash", ["-c", `printf '%s\\0' ${line}`], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.split("\0").slice(0, -1);
}

describe("shellWords", () => {
  it("splits on blanks and keeps quoted blanks", () => {
    expect(shellWords("wm  tasks\tcreate --title='a b'")).toEqual(["wm", "tasks", "create", "--title=a b"]);
    expect(
      shellWords('pnpm wm tasks create --title="GH#239: Analyze current infrastructure" --type=impl'),
    ).toEqual([
      "pnpm",
      "wm",
      "tasks",
      "create",
      "--title=GH#239: Analyze current infrastructure",
      "--type=impl",
    ]);
  });

  it("handles escapes as POSIX does: outside quotes, inside double quotes, literal inside single quotes", () => {
    expect(shellWords("a\\ b")).toEqual(["a b"]);
    expect(shellWords('"say \\"hi\\" \\\\ \\n"')).toEqual(['say "hi" \\ \\n']);
    expect(shellWords("'it''s' '\\n'")).toEqual(["its", "\\n"]);
    expect(shellWords("--title=\"x\"'y'z")).toEqual(["--title=xyz"]);
    expect(shellWords('""')).toEqual([""]);
    expect(shellWords("''")).toEqual([""]);
  });

  it("agrees with bash on tricky lines", () => {
    const lines = [
      `--title="GH#239: Create backups/snapshots" --type=impl --issue=239`,
      `a\\ b "c\\"d" 'e"f' g\\'h`,
      `--x="a#b" #comment`,
      `x#y "q \\\\ r" s`,
      `"" '' ""x`,
      `--title='Café: naïve "quotes"'`,
    ];
    for (const line of lines) expect(shellWords(line), line).toEqual(bashWords(line));
  });

  it("a # starts a comment only at the start of a word", () => {
    expect(shellWords("--title=GH#239 # a comment")).toEqual(["--title=GH#239"]);
    const [cmd] = splitShell("wm x # trailing note");
    expect(cmd!.comment).toBe("trailing note");
  });

  it("refuses an unterminated quote with its line and column", () => {
    expect(() => shellWords('wm --title="open')).toThrow(ShellSyntaxError);
    try {
      splitShell("ok\n  x 'never closed");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ShellSyntaxError);
      expect((e as ShellSyntaxError).line).toBe(2);
      expect((e as ShellSyntaxError).column).toBe(5);
    }
  });

  it("refuses more than one command", () => {
    expect(() => shellWords("a\nb")).toThrow(/more than one command/);
  });
});

describe("splitShell", () => {
  it("gives one command per line with its line number, comment-only lines included", () => {
    const script = ["# Phase 1: Preparation", "wm tasks create --title=A", "", "wm tasks list"].join("\n");
    const cmds = splitShell(script);
    expect(cmds.map((c) => [c.line, c.words, c.comment])).toEqual([
      [1, [], "Phase 1: Preparation"],
      [2, ["wm", "tasks", "create", "--title=A"], null],
      [4, ["wm", "tasks", "list"], null],
    ]);
  });

  it("joins backslash-newline continuations and quoted newlines into one command", () => {
    const cmds = splitShell("wm tasks create \\\n  --title='two\nlines' \\\n  --type=impl\nnext");
    expect(cmds).toHaveLength(2);
    expect(cmds[0]!.line).toBe(1);
    expect(cmds[0]!.words).toEqual(["wm", "tasks", "create", "--title=two\nlines", "--type=impl"]);
    expect(cmds[1]!.line).toBe(5);
    expect(cmds[1]!.words).toEqual(["next"]);
  });

  it("flags expansions and operators instead of performing them", () => {
    const [a, b, c, d, e, f] = splitShell(
      [
        'wm --title="$HOME"',
        "id=$(wm tasks create --title=x)",
        "wm tasks list | head",
        "wm --title=`date`",
        "wm --title='$HOME | ; `x`'",
        'wm --title="costs $ 5" --x=a\\;b',
      ].join("\n"),
    );
    expect(a!.unsupported?.message).toMatch(/\$H.*expansion/);
    expect(a!.unsupported?.column).toBe(13); // the `$` in: wm --title="$HOME"
    expect(b!.unsupported?.message).toMatch(/expansion/);
    expect(c!.unsupported?.message).toMatch(/operator/);
    expect(d!.unsupported?.message).toMatch(/backquote/);
    // Single quotes and escapes make all of it literal.
    expect(e!.unsupported).toBeNull();
    expect(e!.words[1]).toBe("--title=$HOME | ; `x`");
    expect(f!.unsupported).toBeNull();
    expect(f!.words.slice(1)).toEqual(["--title=costs $ 5", "--x=a;b"]);
  });

  it("keeps the raw text of each command, comment excluded", () => {
    const [cmd] = splitShell("  wm tasks create --title='{{ISSUE}}'   # note");
    expect(cmd!.raw).toBe("wm tasks create --title='{{ISSUE}}'");
  });
});

describe("splitShell parts", () => {
  const show = (parts: ShellPart[]) =>
    parts.map((p) => `${p.op ? "op " : ""}${p.text}@${p.line}:${p.column}`);

  it("splits words at the operators a command can start or end at, with each part's position", () => {
    const [cmd] = splitShell("a&&wm tasks create --title='x y'; b|c || (d) & `e` $(f)");
    expect(show(cmd!.parts)).toEqual([
      "a@1:1",
      "op &&@1:2",
      "wm@1:4",
      "tasks@1:7",
      "create@1:13",
      "--title=x y@1:20",
      "op ;@1:33",
      "b@1:35",
      "op |@1:36",
      "c@1:37",
      "op ||@1:39",
      "op (@1:42",
      "d@1:43",
      "op )@1:44",
      "op &@1:46",
      "op `@1:48",
      "e@1:49",
      "op `@1:50",
      "op $(@1:52",
      "f@1:54",
      "op )@1:55",
    ]);
    // The words still keep the line as one command, operators glued, for wm spec tasks to refuse.
    expect(cmd!.words.slice(0, 3)).toEqual(["a&&wm", "tasks", "create"]);
  });

  it("finds a command inside a substitution, and keeps redirections in the words", () => {
    const [sub] = splitShell('EPIC=$(wm tasks create --title="GH#1: E")');
    expect(show(sub!.parts)).toEqual([
      "EPIC=@1:1",
      "op $(@1:6",
      "wm@1:8",
      "tasks@1:11",
      "create@1:17",
      "--title=GH#1: E@1:24",
      "op )@1:41",
    ]);
    const [redir] = splitShell("wm x >out 2>&1");
    expect(show(redir!.parts)).toEqual(["wm@1:1", "x@1:4", ">out@1:6", "2>@1:11", "op &@1:13", "1@1:14"]);
  });

  it("places parts across continuation lines and quoted newlines, at the opening quote", () => {
    const [cmd] = splitShell("wm tasks create \\\n  --title='two\nlines' \\\n  --type=impl");
    expect(show(cmd!.parts).slice(3)).toEqual(["--title=two\nlines@2:3", "--type=impl@4:3"]);
    const [quoted] = splitShell("  \"a b\"c 'd'");
    expect(show(quoted!.parts)).toEqual(["a bc@1:3", "d@1:10"]);
  });

  it("treats operators inside quotes or escaped as text", () => {
    const [cmd] = splitShell("wm --title='a && b' \"c; d\" e\\|f");
    expect(cmd!.parts.every((p) => !p.op)).toBe(true);
    expect(cmd!.parts.map((p) => p.text)).toEqual(["wm", "--title=a && b", "c; d", "e|f"]);
  });
});

describe("splitShell line by line", () => {
  it("ends a quote left open at the end of its line and reads the lines after it", () => {
    const script = 'wm tasks create --title="open --type=impl\nwm tasks create --title=\'two\nwm "next"';
    // Read whole, line 1's quote closes on line 3 and line 3's second quote is left open.
    expect(() => splitShell(script)).toThrow(ShellSyntaxError);
    const cmds = splitShell(script, { lineByLine: true });
    expect(cmds.map((c) => [c.line, c.words])).toEqual([
      [1, ["wm", "tasks", "create", "--title=open --type=impl"]],
      [2, ["wm", "tasks", "create", "--title=two"]],
      [3, ["wm", "next"]],
    ]);
    expect(cmds[2]!.parts.map((p) => `${p.text}@${p.line}:${p.column}`)).toEqual(["wm@3:1", "next@3:4"]);
  });

  it("still joins backslash-continued lines, and drops a lone final backslash", () => {
    const [a] = splitShell("wm tasks create \\\n  --title='a b' \\\n  --type=impl", { lineByLine: true });
    expect(a!.words).toEqual(["wm", "tasks", "create", "--title=a b", "--type=impl"]);
    expect(() => splitShell("x \\")).toThrow(/lone backslash/);
    expect(splitShell("x \\", { lineByLine: true })[0]!.words).toEqual(["x"]);
  });
});
