// Planning templates on disk. Built-ins ship in the package at templates/specs/<name>.md, found from this
// module's own location (src/store/ in development, the bundle under dist/ when built, and that under
// node_modules/wm-workflow/ when installed) by walking up to the package.json named "wm-workflow". A project file
// .wm/templates/<name>.md overrides the built-in of that name or adds a new template. Nothing is copied
// into the project: the built-ins are always read from the installed package.

import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { UsageError, WmError } from "../core/errors.js";
import {
  BUILTIN_TEMPLATES,
  builtinTemplate,
  headingDescription,
  isTemplateName,
} from "../core/template-catalog.js";
import type { ProjectPaths } from "./paths.js";

export const PACKAGE_NAME = "wm-workflow";

export type TemplateSource = "builtin" | "project";

export interface TemplateEntry {
  name: string;
  description: string;
  source: TemplateSource;
  /** Absolute path of the file that is used. */
  path: string;
}

export interface TemplateDoc extends TemplateEntry {
  content: string;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function packageName(dir: string): string | null {
  try {
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: unknown };
    return typeof pkg.name === "string" ? pkg.name : null;
  } catch {
    return null;
  }
}

const rootCache = new Map<string, string>();

/** The directory of wm's own package.json, found by walking up from `from` (a file URL or path). */
export function packageRoot(from: string = import.meta.url): string {
  const cached = rootCache.get(from);
  if (cached !== undefined) return cached;
  const start = from.startsWith("file:") ? fileURLToPath(from) : from;
  let dir = dirname(start);
  for (;;) {
    if (packageName(dir) === PACKAGE_NAME) {
      rootCache.set(from, dir);
      return dir;
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new WmError(
    `cannot find the ${PACKAGE_NAME} package (no package.json named "${PACKAGE_NAME}" above ${start})`,
    {
      rule: "internal",
      hint: "wm's installation is incomplete; reinstall it",
    },
  );
}

export function builtinTemplatesDir(): string {
  return join(packageRoot(), "templates", "specs");
}

export function projectTemplatesDir(paths: ProjectPaths): string {
  return join(paths.wmDir, "templates");
}

/** name -> path of the project's templates, for file names that are valid template names. */
function projectTemplates(paths: ProjectPaths | null): Map<string, string> {
  const found = new Map<string, string>();
  if (paths === null) return found;
  const dir = projectTemplatesDir(paths);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return found;
    throw new WmError(`cannot read ${dir}: ${(err as Error).message}`);
  }
  for (const file of names.sort()) {
    if (!file.endsWith(".md")) continue;
    const name = file.slice(0, -3);
    const path = join(dir, file);
    if (isTemplateName(name) && isFile(path)) found.set(name, path);
  }
  return found;
}

function readText(path: string, name: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new WmError(`cannot read template "${name}" at ${path}: ${code ?? (err as Error).message}`, {
      hint: code === "ENOENT" ? "wm's installation is incomplete; reinstall it" : undefined,
    });
  }
}

function describeProject(name: string, content: string): string {
  return headingDescription(content) ?? builtinTemplate(name)?.description ?? "(no heading)";
}

function projectEntry(name: string, path: string): TemplateEntry {
  let description: string;
  try {
    description = describeProject(name, readFileSync(path, "utf8"));
  } catch (err) {
    // One unreadable file does not hide the others from the list; reading it reports the error.
    description = `(cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
  }
  return { name, description, source: "project", path };
}

/**
 * Every template: the built-ins in catalog order (a project file of the same name replaces one in place),
 * then the project's own templates by name. `paths` null: outside a project, built-ins only.
 */
export function listTemplates(paths: ProjectPaths | null): TemplateEntry[] {
  const project = projectTemplates(paths);
  const dir = builtinTemplatesDir();
  const out: TemplateEntry[] = [];
  for (const t of BUILTIN_TEMPLATES) {
    const override = project.get(t.name);
    if (override !== undefined) {
      out.push(projectEntry(t.name, override));
      project.delete(t.name);
    } else {
      out.push({
        name: t.name,
        description: t.description,
        source: "builtin",
        path: join(dir, `${t.name}.md`),
      });
    }
  }
  for (const [name, path] of project) out.push(projectEntry(name, path));
  return out;
}

/** One template with its text. An unknown name is a UsageError that lists the available ones. */
export function readTemplate(paths: ProjectPaths | null, name: string): TemplateDoc {
  if (isTemplateName(name)) {
    const own = projectTemplates(paths).get(name);
    if (own !== undefined) {
      const content = readText(own, name);
      return { name, description: describeProject(name, content), source: "project", path: own, content };
    }
    const builtin = builtinTemplate(name);
    if (builtin !== undefined) {
      const path = join(builtinTemplatesDir(), `${name}.md`);
      return {
        name,
        description: builtin.description,
        source: "builtin",
        path,
        content: readText(path, name),
      };
    }
  }
  const names = listTemplates(paths).map((t) => t.name);
  throw new UsageError(`unknown template "${name}"; available: ${names.join(", ")}`, {
    rule: "template/unknown",
    hint: "see `wm templates list`; add your own as .wm/templates/<name>.md",
    details: { available: names },
  });
}
