// The entry: argv -> command -> outcome -> stdout/stderr and exit code. Nothing else happens here.

import { writeFd } from "./fd-write.js";
import { runCli } from "./run.js";

declare const __WM_VERSION__: string;

const argv = process.argv.slice(2);
if (argv[0] === "hook" && !argv.includes("--help") && !argv.includes("-h")) {
  // Hooks take their own path: exit 0 whatever happens, one JSON object or nothing on stdout.
  import("./commands/hook.js").then(
    (m) => m.runHookCli(argv.slice(1)),
    () => {
      process.exitCode = 0;
    },
  );
} else if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-v" || argv[0] === "version")) {
  writeFd(1, `${__WM_VERSION__}\n`);
} else {
  runCli(argv, __WM_VERSION__).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`wm: internal error: ${(err as Error)?.message ?? String(err)}\n`);
      process.exitCode = 2;
    },
  );
}
