// Reading .wm/config.yaml. A missing file means the defaults (without loading yaml or zod). A file that
// does not parse or does not match the schema is a WmError (exit 2) naming file:line:col for every
// problem; wm never writes this file after `wm init` created it.

import { readFileSync } from "node:fs";
import { relative } from "node:path";
import type { Config } from "../core/config.js";
import { defaultConfig } from "../core/config-defaults.js";
import type { Diagnostic } from "../core/diagnostics.js";
import { WmError } from "../core/errors.js";
import type { ProjectPaths } from "./paths.js";
import { firstSyntaxError, locateIssue } from "./yaml-errors.js";

export interface LoadedConfig {
  config: Config;
  source: "file" | "defaults";
  /** Valid but suspicious settings, each with file and line. */
  warnings: Diagnostic[];
}

/** One schema problem, as carried in the WmError's `details`. */
export interface ConfigProblem {
  file: string;
  line: number;
  column: number;
  path: string;
  message: string;
}

const HINT = "fix the file by hand (see `wm doctor`); wm never writes over a config file";

export async function loadConfig(paths: ProjectPaths): Promise<LoadedConfig> {
  let text: string;
  try {
    text = readFileSync(paths.configFile, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") {
      return { config: defaultConfig(), source: "defaults", warnings: [] };
    }
    throw new WmError(`cannot read ${paths.configFile}: ${(err as Error).message}`, { rule: "config/read" });
  }
  return parseConfigText(text, relative(paths.root, paths.configFile) || paths.configFile);
}

/** Parses config file text. `displayPath` is used in messages. */
export async function parseConfigText(text: string, displayPath: string): Promise<LoadedConfig> {
  if (text.includes("\u0000")) {
    throw new WmError(`${displayPath}: not a text file (contains NUL bytes)`, {
      rule: "config/parse",
      hint: HINT,
    });
  }
  const [{ parseDocument, LineCounter }, { validateConfig, configWarnings }] = await Promise.all([
    import("yaml"),
    import("../core/config.js"),
  ]);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const syntax = firstSyntaxError(doc, lineCounter);
  if (syntax !== null) {
    throw new WmError(
      `${displayPath}:${syntax.pos.line}:${syntax.pos.col}: not valid YAML: ${syntax.message}`,
      { rule: "config/parse", hint: HINT },
    );
  }
  let data: unknown;
  try {
    data = doc.toJS();
  } catch (err) {
    throw new WmError(`${displayPath}: cannot read the YAML: ${(err as Error).message}`, {
      rule: "config/parse",
      hint: HINT,
    });
  }
  const result = validateConfig(data);
  if (!result.ok) {
    const problems: ConfigProblem[] = result.issues
      .map((issue) => {
        const { pos, path } = locateIssue(doc, lineCounter, issue, { unknownKeyAt: "key" });
        return {
          file: displayPath,
          line: pos.line,
          column: pos.col,
          path: path.join("."),
          message: issue.message,
        };
      })
      .sort((a, b) => a.line - b.line || a.column - b.column);
    const lines = problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.path || "file"}: ${p.message}`);
    throw new WmError(lines.join("\n"), { rule: "config/schema", hint: HINT, details: problems });
  }
  const warnings: Diagnostic[] = configWarnings(result.config).map((w) => {
    const { pos } = locateIssue(doc, lineCounter, { path: w.path, message: w.message });
    return {
      severity: "warning",
      rule: "config/suspicious",
      message: w.message,
      file: displayPath,
      line: pos.line,
      column: pos.col,
    };
  });
  return { config: result.config, source: "file", warnings };
}
