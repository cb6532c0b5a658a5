// `wm hook <event>`, the process side: read stdin to EOF (synchronously, so no stream or timer keeps the
// process alive), parse it, hand it to the hook service, print its answer. Whatever happens, the exit
// code is 0 and stdout holds one JSON object or nothing: a hook must never break the agent's session.
// Problems go to stderr as one line (Claude Code keeps that in its debug log).

import { fstatSync, readSync, writeSync } from "node:fs";
import { createRequire } from "node:module";
import { HOOK_EVENTS, isHookEvent } from "../../core/claude-hooks.js";
import { defaultCtx } from "../../services/context.js";
import { handleHook, type Payload } from "../../services/hook.js";
import type { Command } from "../command.js";

const MAX_INPUT = 16 * 1024 * 1024;
const EAGAIN_DEADLINE_MS = 3000;

/** All of stdin, or "" when it is a terminal, closed or empty. */
export function readStdin(): string {
  try {
    // node:tty costs milliseconds to load (it pulls in net and streams): ask it only about a character
    // device, which is a terminal or something like /dev/null.
    if (fstatSync(0).isCharacterDevice()) {
      const { isatty } = createRequire(import.meta.url)("node:tty") as typeof import("node:tty");
      if (isatty(0)) return "";
    }
  } catch {
    return "";
  }
  const chunks: Buffer[] = [];
  const buf = Buffer.alloc(64 * 1024);
  let total = 0;
  let waited = 0;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    let n: number;
    try {
      n = readSync(0, buf, 0, buf.length, null);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "EAGAIN" && waited < EAGAIN_DEADLINE_MS) {
        // A non-blocking stdin with no data yet: wait a little, never forever.
        Atomics.wait(pause, 0, 0, 5);
        waited += 5;
        continue;
      }
      if (code === "EOF") break;
      if (code === "EAGAIN")
        throw new Error("stdin stayed empty and open; gave up waiting for the hook input");
      break; // EBADF, ENXIO, EINVAL...: no usable stdin
    }
    if (n === 0) break;
    chunks.push(Buffer.from(buf.subarray(0, n)));
    total += n;
    if (total > MAX_INPUT) throw new Error("the hook input is larger than 16 MB");
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Writes to fd 1 or 2 directly: process.stdout and process.stderr are streams whose first use loads
 * net and stream (~2 ms). A non-blocking pipe that is full is waited for briefly, never forever.
 */
function writeAll(fd: number, text: string): void {
  const buf = Buffer.from(text, "utf8");
  const pause = new Int32Array(new SharedArrayBuffer(4));
  let off = 0;
  let waited = 0;
  while (off < buf.length) {
    try {
      off += writeSync(fd, buf, off, buf.length - off);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EAGAIN" || waited >= EAGAIN_DEADLINE_MS) return;
      Atomics.wait(pause, 0, 0, 2);
      waited += 2;
    }
  }
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, " ").slice(0, 500);
}

/** Runs `wm hook <args>`; always leaves exit code 0. */
export async function runHookCli(args: string[]): Promise<void> {
  process.exitCode = 0;
  const event = args[0] ?? "";
  const say = (msg: string) => writeAll(2, `wm hook ${event}: ${oneLine(msg)}\n`);
  const guard = (err: unknown) => {
    say(`internal error: ${(err as Error)?.message ?? String(err)}`);
    process.exitCode = 0;
  };
  process.on("uncaughtException", guard);
  process.on("unhandledRejection", guard);
  try {
    if (!isHookEvent(event)) {
      say(`unknown event "${event}"; events: ${Object.keys(HOOK_EVENTS).join(", ")}`);
      return;
    }
    if (args.length > 1) say(`ignoring extra arguments: ${args.slice(1).join(" ")}`);
    const text = readStdin();
    let payload: Payload | null = null;
    if (text.trim() !== "") {
      let data: unknown;
      try {
        data = JSON.parse(text);
      } catch {
        say("the hook input on stdin is not JSON; nothing to do");
        return;
      }
      if (data === null || typeof data !== "object" || Array.isArray(data)) {
        say("the hook input on stdin is not a JSON object; nothing to do");
        return;
      }
      payload = data as Payload;
    }
    const answer = await handleHook(defaultCtx(process.cwd(), process.env), event, payload);
    if (answer.note) say(answer.note);
    if (answer.output !== null) writeAll(1, `${JSON.stringify(answer.output)}\n`);
  } catch (err) {
    if (process.env.WM_DEBUG === "1" && err instanceof Error && err.stack) writeAll(2, `${err.stack}\n`);
    say((err as Error)?.message ?? String(err));
  } finally {
    process.exitCode = 0;
  }
}

const EVENT_HELP = [
  "session-start       context for the agent: the session's mode, phase, ready tasks, what blocks the end",
  "user-prompt-submit  a one-line reminder of the mode; resets the Stop block count (a new run begins)",
  "pre-tool-use        gates: planning writes, test first, `wm tasks done` out of dependency order",
  "post-tool-use       records the files the session changes with Write/Edit/MultiEdit/NotebookEdit",
  "stop                blocks the end while stop conditions are unmet; never traps (stop_hook_active, max_blocks)",
  "subagent-stop       no opinion (the conditions are the main agent's to meet)",
  "pre-compact         records the compaction in the session (SessionStart re-injects the context after it)",
  "session-end         records the end in the session",
];

const command: Command = {
  usage: "wm hook <event>   (reads Claude Code's hook JSON on stdin)",
  description:
    "Called by Claude Code's hooks (see `wm setup claude`), not by people. Reads the event's JSON from stdin and\n" +
    "answers in Claude Code's protocol: one JSON object on stdout, or nothing when wm has no opinion (never\n" +
    '"allow"). Always exits 0; problems go to stderr as one line. Events:\n  ' +
    EVENT_HELP.join("\n  "),
  options: {},
  positionals: { names: ["<event>"], min: 1, max: 1 },
  examples: ['echo \'{"session_id":"s1","hook_event_name":"Stop","stop_hook_active":false}\' | wm hook stop'],
  async run(_values, positionals) {
    // Normally reached only through src/cli/main.ts, which calls runHookCli directly.
    await runHookCli(positionals);
    return { kind: "hook", data: null, text: "" };
  },
};
export default command;
