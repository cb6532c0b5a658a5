// Bundles src/ into CommonJS: dist/wm.cjs (argv parsing, help, the command map) and one bundle per
// command in dist/commands/, loaded with require() when that command runs. Why CommonJS, why one bundle per
// command: on Node 20 an ES module entry costs ~5 ms before any code runs, and compiling code costs time
// whether it runs or not, so `wm tasks ready` or a hook must compile only what it uses
// (docs/decisions/0009-build-and-startup.md). Third-party packages (yaml, zod, ...) stay in node_modules
// and load on first use.
import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";

const root = new URL("..", import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
// Build beside dist/ and swap it in, so a test run reading dist/ meanwhile never sees it half-built.
const tmp = join(root, `dist.${process.pid}.tmp`);
const commands = readdirSync(join(root, "src/cli/commands")).filter(
  (f) => f.endsWith(".ts") && !f.endsWith(".test.ts"),
);

// `import("./commands/x.js")` in the command map stays a separate bundle.
const commandsExternal = {
  name: "commands-external",
  setup(b) {
    b.onResolve({ filter: /^\.\/commands\/.*\.js$/ }, (a) => ({
      path: a.path.replace(/\.js$/, ".cjs"),
      external: true,
    }));
  },
};

// The library bundles (dist/lib/): the markdown parser (unified, remark-parse, remark-gfm, micromark) and
// secretlint, each of which only src/lib/<name>.ts imports. A dynamic `import("…/lib/<name>.js")` in the
// sources becomes, in every bundle that has one, a small module that loads dist/lib/<name>.cjs on first use
// through a V8 code cache of its own (src/cli/code-cache.ts requireLib): a repeated `wm spec check` takes
// remark's tree and the secret scan from .wm/cache and loads neither, and the commands that parse markdown
// share one copy of the parser (docs/decisions/0013-spec-check-speed.md).
const LIBS = ["markdown", "secrets"];
const LIB_IMPORT = new RegExp(`(?:^|/)lib/(${LIBS.join("|")})\\.js$`);
const libsExternal = {
  name: "libs-external",
  setup(b) {
    b.onResolve({ filter: LIB_IMPORT }, (a) => {
      if (a.kind === "entry-point" || !a.importer.startsWith(join(root, "src/"))) return undefined;
      if (a.kind !== "dynamic-import") {
        return { errors: [{ text: `import ${a.path} with a dynamic import(): it is a bundle of its own` }] };
      }
      return { path: LIB_IMPORT.exec(a.path)[1], namespace: "wm-lib" };
    });
    b.onLoad({ filter: /.*/, namespace: "wm-lib" }, (a) => ({
      contents: `module.exports = require(${JSON.stringify(join(root, "src/cli/code-cache.ts"))}).requireLib(${JSON.stringify(a.path)});`,
      loader: "js",
      resolveDir: root,
    }));
  },
};

// The ES-module-only packages the spec checker needs (remark, secretlint) are bundled (into dist/lib/):
// require() of an ES module needs Node >= 20.19, and their ~100 small modules load slower than one bundle
// (docs/decisions/0006-spec-check-dependencies.md). picomatch (CommonJS) is bundled into the commands that
// match globs, so that the code cache covers it (six module files from node_modules cost ~3 ms a check).
// Every other package stays external.
const BUNDLED = /^(unified|remark-parse|remark-gfm|@secretlint\/|picomatch$)/;
const externals = {
  name: "externals",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (a) =>
      BUNDLED.test(a.path) || a.importer.includes("/node_modules/")
        ? undefined
        : { path: a.path, external: true },
    );
  },
};

await build({
  entryPoints: [
    { in: join(root, "src/cli/main.ts"), out: "wm" },
    // `wm hook <event>` skips dist/wm.cjs (bin/wm.cjs requires this one directly).
    { in: join(root, "src/cli/hook-entry.ts"), out: "hook" },
    ...commands.map((f) => ({
      in: join(root, "src/cli/commands", f),
      out: `commands/${f.replace(/\.ts$/, "")}`,
    })),
    ...LIBS.map((name) => ({ in: join(root, "src/lib", `${name}.ts`), out: `lib/${name}` })),
  ],
  outdir: tmp,
  outExtension: { ".js": ".cjs" },
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  minify: process.env.WM_NO_MINIFY !== "1",
  legalComments: "none",
  define: { __WM_VERSION__: JSON.stringify(pkg.version), "import.meta.url": "__wm_meta.url" },
  // Computed on first use: building the URL costs ~0.5 ms, which a hook that never asks should not pay.
  banner: {
    js: 'const __wm_meta={get url(){return this.u??=require("node:url").pathToFileURL(__filename).href}};',
  },
  plugins: [commandsExternal, libsExternal, externals],
  logLevel: "warning",
});

// esbuild keeps a dynamic import() of an external module as import(), which in CommonJS goes through the
// ES module loader (~5 ms). Every such target here is CommonJS (our command bundles), a builtin (node:fs)
// or ships CommonJS (yaml, zod, ...), so require() it instead, except the ES-module-only packages below
// (loaded only by the GitHub code), which keep their real import(): require() of an ES module needs Node
// 20.19 or later.
const ESM_ONLY = /^"@octokit\//;
const DYNAMIC_IMPORT = /\bimport\(("(?:\.\/commands\/[a-z0-9-]+\.cjs|[@a-z][a-z0-9@/._:-]*)")\)/g;
for (const file of [
  "wm.cjs",
  "hook.cjs",
  ...commands.map((f) => `commands/${f.replace(/\.ts$/, ".cjs")}`),
  ...LIBS.map((name) => `lib/${name}.cjs`),
]) {
  const path = join(tmp, file);
  const code = readFileSync(path, "utf8");
  writeFileSync(
    path,
    code.replace(DYNAMIC_IMPORT, (m, spec) =>
      ESM_ONLY.test(spec) ? m : `Promise.resolve().then(()=>require(${spec}))`,
    ),
  );
}

rmSync(join(root, "dist"), { recursive: true, force: true });
renameSync(tmp, join(root, "dist"));
