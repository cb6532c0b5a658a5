// The entry: argv -> command -> outcome -> stdout/stderr and exit code. Nothing else happens here.

declare const __WM_VERSION__: string;

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-v" || argv[0] === "version")) {
  process.stdout.write(`${__WM_VERSION__}\n`);
} else {
  const { runCli } = await import("./run.js");
  process.exitCode = await runCli(argv, __WM_VERSION__);
}
