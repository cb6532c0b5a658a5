// Parses argv strictly (an unknown command or flag is an error, exit 2), runs the command, prints.

import { parseArgs } from "node:util";
import { UsageError } from "../core/errors.js";
import { defaultCtx } from "../services/context.js";
import { type Command, GLOBAL_OPTIONS, type Io, type OptionSpec } from "./command.js";
import { isTerminal, writeFd } from "./fd-write.js";
import { envelope, paint, toReport, useColor } from "./output.js";
import { COMMANDS, groups } from "./registry.js";

function topHelp(version: string): string {
  const names = Object.keys(COMMANDS);
  const width = Math.max(...names.map((n) => n.length)) + 2;
  const lines = [
    `wm ${version}: workflow manager for AI coding agents`,
    "",
    "Usage: wm <command> [options]        wm <command> --help for details and examples",
    "",
    "Commands:",
    ...names.map((n) => `  ${n.padEnd(width)}${COMMANDS[n]!.summary}`),
    "",
    "Every command that reports takes --json (one JSON document on stdout).",
    "Exit codes: 0 ok, 1 findings (a check failed), 2 usage, config or input error.",
  ];
  return lines.join("\n");
}

function groupHelp(group: string): string {
  const names = Object.keys(COMMANDS).filter((n) => n.startsWith(`${group} `));
  const width = Math.max(...names.map((n) => n.length)) + 2;
  return [
    `Usage: wm ${group} <command> [options]`,
    "",
    "Commands:",
    ...names.map((n) => `  ${n.padEnd(width)}${COMMANDS[n]!.summary}`),
  ].join("\n");
}

function optionLine(name: string, spec: OptionSpec): [string, string] {
  const short = spec.short ? `-${spec.short}, ` : "";
  const arg = spec.type === "string" ? `=${spec.arg ?? "VALUE"}` : "";
  return [`${short}--${name}${arg}`, spec.description + (spec.multiple ? " (repeatable)" : "")];
}

export function commandHelp(name: string, cmd: Command): string {
  const opts = Object.entries({ ...cmd.options, ...GLOBAL_OPTIONS }).map(([n, s]) => optionLine(n, s));
  const width = Math.max(...opts.map(([l]) => l.length)) + 2;
  const lines = [`Usage: ${cmd.usage}`, "", COMMANDS[name]?.summary ?? ""];
  if (cmd.description) lines.push("", cmd.description);
  lines.push("", "Options:", ...opts.map(([l, d]) => `  ${l.padEnd(width)}${d}`));
  if (cmd.examples.length > 0) lines.push("", "Examples:", ...cmd.examples.map((e) => `  ${e}`));
  return lines.join("\n");
}

function resolveCommand(words: string[]): { name: string; rest: number } | null {
  for (let k = Math.min(words.length, 3); k >= 1; k--) {
    const name = words.slice(0, k).join(" ");
    if (COMMANDS[name]) return { name, rest: k };
  }
  return null;
}

export async function runCli(argv: string[], version: string): Promise<number> {
  const env = process.env;
  const json = argv.includes("--json");
  const color = useColor(env, isTerminal(1), argv.includes("--no-color"));
  const out = (s: string) => writeFd(1, s.endsWith("\n") ? s : `${s}\n`);
  const err = (s: string) => writeFd(2, s.endsWith("\n") ? s : `${s}\n`);
  try {
    const words: string[] = [];
    for (const a of argv) {
      if (a.startsWith("-")) break;
      words.push(a);
    }
    if (argv.length === 0 || (words.length === 0 && (argv[0] === "--help" || argv[0] === "-h"))) {
      out(topHelp(version));
      return 0;
    }
    if (words[0] === "help") {
      const target = resolveCommand(words.slice(1));
      if (target) out(commandHelp(target.name, (await COMMANDS[target.name]!.load()).default));
      else if (words[1] && groups().includes(words[1])) out(groupHelp(words[1]));
      else out(topHelp(version));
      return 0;
    }
    const found = resolveCommand(words);
    if (found === null) {
      if (words[0] && groups().includes(words[0])) {
        if (words.length === 1) {
          const wantsHelp = argv.includes("--help") || argv.includes("-h");
          (wantsHelp ? out : err)(groupHelp(words[0]));
          return wantsHelp ? 0 : 2;
        }
        throw new UsageError(`unknown command "wm ${words.slice(0, 2).join(" ")}"`, {
          hint: `see \`wm ${words[0]} --help\` for the ${words[0]} commands`,
        });
      }
      throw new UsageError(`unknown command "${words[0] ?? argv[0]}"`, {
        hint: "see `wm --help` for the commands",
      });
    }
    const cmd = (await COMMANDS[found.name]!.load()).default;
    const options = { ...cmd.options, ...GLOBAL_OPTIONS };
    let parsed: ReturnType<typeof parseArgs>;
    try {
      parsed = parseArgs({
        args: argv.slice(found.rest),
        options: Object.fromEntries(
          Object.entries(options).map(([n, s]) => [
            n,
            {
              type: s.type,
              ...(s.short ? { short: s.short } : {}),
              ...(s.multiple ? { multiple: true } : {}),
            },
          ]),
        ),
        strict: true,
        allowPositionals: true,
      });
    } catch (e) {
      const msg = (e as Error).message.replace(/\. To specify a positional argument.*$/s, "");
      throw new UsageError(`wm ${found.name}: ${msg}`, { hint: `see \`wm ${found.name} --help\`` });
    }
    if (parsed.values.help) {
      out(commandHelp(found.name, cmd));
      return 0;
    }
    const pos = cmd.positionals ?? { names: [], min: 0, max: 0 };
    if (parsed.positionals.length < pos.min) {
      throw new UsageError(
        `wm ${found.name}: missing ${pos.names.slice(parsed.positionals.length).join(" ")}`,
        {
          hint: `usage: ${cmd.usage}`,
        },
      );
    }
    if (parsed.positionals.length > pos.max) {
      throw new UsageError(`wm ${found.name}: unexpected argument "${parsed.positionals[pos.max]}"`, {
        hint: `usage: ${cmd.usage}`,
      });
    }
    const io: Io = {
      ctx: defaultCtx(process.cwd(), env),
      json,
      color,
      interactive: isTerminal(2),
      stderr: err,
    };
    const outcome = await cmd.run(parsed.values, parsed.positionals, io);
    if (json) out(envelope(outcome.kind, outcome.data));
    else if (outcome.text !== undefined && outcome.text !== "") out(outcome.text);
    return outcome.exitCode ?? 0;
  } catch (e) {
    const report = toReport(e);
    if (env.WM_DEBUG === "1" && e instanceof Error && e.stack) err(e.stack);
    if (json) {
      err(JSON.stringify({ schemaVersion: 1, kind: "error", error: report }));
    } else {
      const p = paint(useColor(env, isTerminal(2), argv.includes("--no-color")));
      err(`${p.red("error:")} ${report.message}`);
      if (report.hint) err(`${p.dim("hint:")} ${report.hint}`);
    }
    return report.exitCode;
  }
}
