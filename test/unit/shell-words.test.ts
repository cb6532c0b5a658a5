// The POSIX shell-words reader used for Task Breakdown lines: its words must be what bash would pass.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { ShellSyntaxError, shellWords, splitShell } from "../../src/core/shell-words.js";

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
