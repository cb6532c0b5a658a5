// The entry of `wm hook <event>` (dist/hook.cjs, required by bin/wm.cjs): a hook runs on every tool call
// of the agent, so it skips the CLI's argv parser and command map (dist/wm.cjs) and loads the hook bundle
// with a V8 code cache, one per event (each holds the functions that event compiles): the compile of the
// bundle was about a third of a hook's own cost. Whatever happens, the exit code is 0 (see
// commands/hook.ts). `wm hook --help` goes through dist/wm.cjs like every other command.

import { isHookEvent } from "../core/claude-hooks.js";
import { loadWithCodeCache } from "./code-cache.js";

type HookModule = typeof import("./commands/hook.js");

const args = process.argv.slice(3);
const event = args[0] ?? "";
loadWithCodeCache<HookModule>(
  "hook",
  () => import("./commands/hook.js"),
  isHookEvent(event) ? `hook-${event}` : "hook",
).then(
  (m) => m.runHookCli(args),
  () => {
    process.exitCode = 0;
  },
);
