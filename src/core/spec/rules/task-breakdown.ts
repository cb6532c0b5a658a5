import { parseArgs } from "node:util";
import { breakdownBlocks, readBreakdown } from "../../breakdown.js";
import type { Diagnostic } from "../../diagnostics.js";
import type { WmError } from "../../errors.js";
import { type ShellPart, splitShell } from "../../shell-words.js";
import type { TaskType } from "../../task.js";
import type { SpecModel } from "../model.js";
import { at, atLine, type SpecRule } from "../rule.js";
import { hasTemplateVariable } from "../values.js";

const BREAKDOWN = /\btask\s+breakdown\b/i;
const SCRIPT_LANGS = new Set(["", "bash", "sh", "shell", "console", "zsh"]);

/** Global flags every wm command takes (src/cli/command.ts GLOBAL_OPTIONS). */
const GLOBAL = {
  json: { type: "boolean" as const },
  help: { type: "boolean" as const, short: "h" },
  "no-color": { type: "boolean" as const },
};

export interface CreateLine {
  args: string[];
  /** 1-based source line and column of `wm`. */
  line: number;
  column: number;
  /** Source line/column of each argument. */
  argPos: Array<{ line: number; column: number }>;
}

/** Every `wm tasks create` command in the Task Breakdown section(s), with its arguments. */
export function createLines(model: SpecModel): { lines: CreateLine[]; sections: number[] } {
  const sections = model.sections.filter((s) => BREAKDOWN.test(s.title) && !model.skipped(s.offset));
  const lines: CreateLine[] = [];
  for (const block of model.codeBlocks) {
    if (!SCRIPT_LANGS.has(block.lang ?? "")) continue;
    if (!sections.some((s) => block.offset >= s.offset && block.offset < s.end)) continue;
    // Line by line: a quote left open is read to the end of its line, and the lines after it still count.
    for (const cmd of splitShell(block.value, { lineByLine: true })) {
      const parts = cmd.parts;
      for (let i = 0; i + 2 < parts.length; i++) {
        const [a, b, c] = [parts[i]!, parts[i + 1]!, parts[i + 2]!];
        if (a.op || b.op || c.op || a.text !== "wm" || b.text !== "tasks" || c.text !== "create") continue;
        const rest = parts.slice(i + 3);
        const stop = rest.findIndex((p) => p.op);
        const args = stop < 0 ? rest : rest.slice(0, stop);
        const place = (p: ShellPart) => ({
          line: block.contentLine + p.line - 1,
          column: block.indent + p.column,
        });
        lines.push({ args: args.map((p) => p.text), ...place(a), argPos: args.map(place) });
      }
    }
  }
  return { lines, sections: sections.map((s) => s.id) };
}

const rule: SpecRule = {
  id: "spec/task-breakdown",
  severity: "error",
  description:
    "A `wm tasks create` line in the Task Breakdown would fail or mis-file: an unknown flag, no --title, a " +
    "type that is not a task type, or an --issue other than the spec's issue. Read with the real CLI's option " +
    "table and parsers; `pnpm wm`, `npx wm` and `wm` prefixes are all accepted.",
  check(model, env) {
    const out: Diagnostic[] = [];
    const { lines, sections } = createLines(model);
    const issue = model.issue ?? env.issue;
    if (lines.length === 0) {
      for (const id of sections) {
        const s = model.sections[id]!;
        if (s.parent !== null && sections.includes(s.parent)) continue;
        out.push(
          at(
            rule,
            model,
            s.offset,
            "the Task Breakdown has no `wm tasks create` lines",
            "list the tasks as `wm tasks create --title=... --type=... --issue=N` lines in a bash block",
          ),
        );
      }
      return out;
    }
    const reported = new Set<number>();
    for (const cl of lines) {
      const report = (message: string, argIndex: number | null, fix?: string) => {
        const p = argIndex === null ? cl : (cl.argPos[argIndex] ?? cl);
        reported.add(cl.line);
        out.push(atLine(rule, model, p.line, p.column, `wm tasks create: ${message}`, fix));
      };
      let values: Record<string, string | boolean | Array<string | boolean> | undefined>;
      let positionals: string[];
      try {
        const parsed = parseArgs({
          args: cl.args,
          options: { ...env.taskArgs.options, ...GLOBAL },
          strict: true,
          allowPositionals: true,
        });
        values = parsed.values;
        positionals = parsed.positionals;
      } catch (e) {
        const msg = (e as Error).message.replace(/\. To specify a positional argument.*$/s, "");
        const opt = /'(-[^']+)'/.exec(msg)?.[1];
        const idx = opt ? cl.args.findIndex((a) => a === opt || a.startsWith(`${opt}=`)) : -1;
        report(msg, idx >= 0 ? idx : null, "see `wm tasks create --help` for its flags");
        continue;
      }
      if (positionals.length > 0) {
        report(
          `unexpected argument "${positionals[0]}" (quote the title: --title="...")`,
          cl.args.indexOf(positionals[0]!),
        );
        continue;
      }
      const argIndex = (name: string) => {
        const i = cl.args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
        return i >= 0 ? i : null;
      };
      const title = values.title;
      if (typeof title !== "string" || title.trim() === "")
        report("no --title (or an empty one)", argIndex("title"), 'add --title="GH#N: what the task does"');
      const type = values.type;
      if (typeof type === "string" && !hasTemplateVariable(type)) {
        try {
          env.taskArgs.parseType(type);
        } catch (e) {
          report((e as Error).message, argIndex("type"));
        }
      }
      const given = values.issue;
      if (typeof given === "string") {
        if (!hasTemplateVariable(given)) {
          try {
            const n = env.taskArgs.parseIssue(given);
            if (issue !== null && n !== issue)
              report(
                `--issue=${given} but this spec is for issue ${issue}`,
                argIndex("issue"),
                `use --issue=${issue}`,
              );
          } catch (e) {
            report((e as Error).message, argIndex("issue"));
          }
        }
      } else if (issue !== null)
        report(`no --issue: the task would not be linked to issue ${issue}`, null, `add --issue=${issue}`);
    }
    // What `wm spec tasks` would refuse on import (one epic, distinct titles, plain lines without
    // substitutions): the same reader, so that a spec that passes the check also imports.
    const found = breakdownBlocks(model);
    if (found) {
      try {
        readBreakdown(model.file, found.blocks, issue, {
          options: { ...env.taskArgs.options, ...GLOBAL },
          parseType: (v) => env.taskArgs.parseType(v) as TaskType,
          parseIssue: (v) => env.taskArgs.parseIssue(v),
        });
      } catch (e) {
        const err = e as WmError;
        const m = /^[^\n]*?:(\d+): ([\s\S]*)$/.exec(err.message ?? "");
        if (m && err.rule !== "spec-tasks/template-variable" && !reported.has(Number(m[1]))) {
          const line = Number(m[1]);
          const text = model.source.split("\n")[line - 1] ?? "";
          const column = text.length - text.trimStart().length + 1;
          const message = `wm spec tasks would refuse this line: ${m[2]!.replace(/^wm tasks create: /, "")}`;
          out.push(atLine(rule, model, line, column, message, err.hint));
        }
      }
    }
    return out;
  },
};
export default rule;
