// `wm setup claude`: wires wm into Claude Code for the whole team.
//  - .claude/settings.json (committed): one matcher group per event running
//    `"$CLAUDE_PROJECT_DIR"/node_modules/.bin/wm hook <event>` (docs/decisions/0006-claude-code-hooks.md says
//    why this command form). PreToolUse/PostToolUse only for the tools wm gates or records, never a
//    match-all. Other hooks and settings are untouched; the file is backed up to
//    .claude/settings.json.wm-backup before wm first changes it.
//  - CLAUDE.md: a short section between <!-- wm:begin --> and <!-- wm:end -->.
//  - with --mcp, .mcp.json (committed): the server "wm" running `wm mcp` (docs/decisions/0012-mcp.md).
// Running it again changes nothing; --uninstall removes exactly wm's handlers, the groups and keys that
// only held them, the section, and the "wm" MCP server when it runs wm (the file too when it held only that).

import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, unlinkSync } from "node:fs";
import { dirname, join } from "node:path";
import { WmError } from "../core/errors.js";
import { writeFileAtomic } from "../store/atomic.js";
import { type Ctx, project } from "./context.js";

export const SETTINGS_FILE = ".claude/settings.json";
export const BACKUP_SUFFIX = ".wm-backup";
export const HOOK_PREFIX = '"$CLAUDE_PROJECT_DIR"/node_modules/.bin/wm';
export const BEGIN = "<!-- wm:begin -->";
export const END = "<!-- wm:end -->";

interface WantedHook {
  event: string;
  hook: string;
  matcher?: string;
  timeout: number;
}

/** wm's hooks: Claude Code event, `wm hook` event, matcher, timeout in seconds. */
export const WANTED_HOOKS: readonly WantedHook[] = [
  { event: "SessionStart", hook: "session-start", timeout: 30 },
  { event: "UserPromptSubmit", hook: "user-prompt-submit", timeout: 30 },
  {
    event: "PreToolUse",
    hook: "pre-tool-use",
    matcher: "Write|Edit|MultiEdit|NotebookEdit|Bash",
    timeout: 30,
  },
  { event: "PostToolUse", hook: "post-tool-use", matcher: "Write|Edit|MultiEdit|NotebookEdit", timeout: 30 },
  // Stop may run the project's tests (tests_pass): give it the time they need.
  { event: "Stop", hook: "stop", timeout: 600 },
  { event: "SessionEnd", hook: "session-end", timeout: 10 },
];

export const CLAUDE_SECTION = `${BEGIN}
## wm: the plan for this session

This project uses wm (workflow manager). Its hooks (in .claude/settings.json) give you the session's context
at start, keep a planning session to the spec files, and do not let a session end while its stop conditions
are unmet (open tasks, uncommitted changes, a failing spec).

- Start: \`wm enter <mode> [--issue N]\` (\`wm modes\` lists them); \`wm prime\` shows where you are.
- Work: \`wm tasks ready\`, \`wm tasks start <id>\`, \`wm tasks done <id> --evidence "..."\`.
- Finish: \`wm can-exit\` says what is left; \`wm exit\` leaves the mode.
${END}`;

export interface ClaudeSetupChange {
  file: string;
  action:
    | "add-hook"
    | "update-hook"
    | "remove-hook"
    | "backup"
    | "create-file"
    | "delete-file"
    | "add-section"
    | "update-section"
    | "remove-section"
    | "add-mcp-server"
    | "update-mcp-server"
    | "remove-mcp-server";
  detail: string;
}

export interface ClaudeSetupResult {
  root: string;
  action: "install" | "uninstall";
  dryRun: boolean;
  changed: boolean;
  changes: ClaudeSetupChange[];
  warnings: string[];
  /** The command prefix the hooks run. */
  command: string;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

const WM_HOOK = /(^|[\s/"'])wm(\.cjs)?["']?\s+hook\s+([a-z-]+)\s*$/;

/** The `wm hook` event a handler runs, or null when it is not one of wm's. */
export function wmHookOf(handler: Json): string | null {
  if (handler === null || typeof handler !== "object" || Array.isArray(handler)) return null;
  if (handler.type !== "command" || typeof handler.command !== "string") return null;
  return WM_HOOK.exec(handler.command)?.[3] ?? null;
}

function isObj(v: Json | undefined): v is Obj {
  return v !== null && v !== undefined && typeof v === "object" && !Array.isArray(v);
}

function handlerFor(w: WantedHook): Obj {
  return { type: "command", command: `${HOOK_PREFIX} hook ${w.hook}`, timeout: w.timeout };
}

function groupFor(w: WantedHook): Obj {
  const g: Obj = {};
  if (w.matcher !== undefined) g.matcher = w.matcher;
  g.hooks = [handlerFor(w)];
  return g;
}

function same(a: Json | undefined, b: Json | undefined): boolean {
  return JSON.stringify(canon(a)) === JSON.stringify(canon(b));
}

function canon(v: Json | undefined): Json | undefined {
  if (Array.isArray(v)) return v.map((x) => canon(x) as Json);
  if (isObj(v)) {
    const out: Obj = {};
    for (const k of Object.keys(v).sort()) out[k] = canon(v[k]) as Json;
    return out;
  }
  return v;
}

function parseSettings(path: string, text: string): Obj {
  let data: Json;
  try {
    data = JSON.parse(text) as Json;
  } catch (err) {
    const m = /position (\d+)/.exec((err as Error).message);
    let where = "";
    if (m) {
      const before = text.slice(0, Number(m[1]));
      where = `:${before.split("\n").length}:${Number(m[1]) - before.lastIndexOf("\n")}`;
    }
    throw new WmError(`${path}${where}: not valid JSON: ${(err as Error).message}`, {
      rule: "setup/settings-parse",
      hint: "fix the file by hand; wm never writes over a settings file it cannot read",
    });
  }
  if (!isObj(data)) {
    throw new WmError(`${path}: expected a JSON object`, { rule: "setup/settings-parse" });
  }
  if (data.hooks !== undefined && !isObj(data.hooks)) {
    throw new WmError(`${path}: "hooks" is not an object`, {
      rule: "setup/settings-parse",
      hint: "Claude Code expects hooks: { <Event>: [ { matcher, hooks: [...] } ] }",
    });
  }
  for (const [event, groups] of Object.entries((data.hooks as Obj | undefined) ?? {})) {
    if (!Array.isArray(groups)) {
      throw new WmError(`${path}: hooks.${event} is not a list of matcher groups`, {
        rule: "setup/settings-parse",
      });
    }
  }
  return data;
}

/** Removes wm's handlers (all of them, or only those running `wm hook <only>`) from one event's groups. */
function stripEvent(groups: Json[], only?: string): { groups: Json[]; removed: number } {
  let removed = 0;
  const out: Json[] = [];
  for (const g of groups) {
    if (!isObj(g) || !Array.isArray(g.hooks)) {
      out.push(g);
      continue;
    }
    const keep = g.hooks.filter((h) => {
      const ev = wmHookOf(h);
      const drop = ev !== null && (only === undefined || ev === only);
      if (drop) removed++;
      return !drop;
    });
    if (keep.length === g.hooks.length) out.push(g);
    else if (keep.length > 0) out.push({ ...g, hooks: keep });
  }
  return { groups: out, removed };
}

function planSettings(settings: Obj, uninstall: boolean): { next: Obj; changes: ClaudeSetupChange[] } {
  const next = structuredClone(settings) as Obj;
  const changes: ClaudeSetupChange[] = [];
  const hooks: Obj = isObj(next.hooks) ? next.hooks : {};
  if (uninstall) {
    for (const event of Object.keys(hooks)) {
      const { groups, removed } = stripEvent(hooks[event] as Json[]);
      if (removed === 0) continue;
      changes.push({
        file: SETTINGS_FILE,
        action: "remove-hook",
        detail: `${event}: ${removed} wm handler${removed === 1 ? "" : "s"}`,
      });
      if (groups.length === 0) delete hooks[event];
      else hooks[event] = groups;
    }
  } else {
    for (const w of WANTED_HOOKS) {
      const groups = (hooks[w.event] as Json[] | undefined) ?? [];
      const want = groupFor(w);
      if (groups.some((g) => same(g, want))) {
        // Exactly wm's group is there; drop any other stray wm handler for this event.
        const rest = groups.filter((g) => !same(g, want));
        const { groups: cleaned, removed } = stripEvent(rest, w.hook);
        if (removed > 0) {
          const at = groups.findIndex((g) => same(g, want));
          cleaned.splice(Math.min(at, cleaned.length), 0, want);
          hooks[w.event] = cleaned;
          changes.push({
            file: SETTINGS_FILE,
            action: "update-hook",
            detail: `${w.event}: removed a duplicate wm handler`,
          });
        }
        continue;
      }
      const { groups: cleaned, removed } = stripEvent(groups, w.hook);
      cleaned.push(want);
      hooks[w.event] = cleaned;
      const what = `${w.event}${w.matcher ? ` (${w.matcher})` : ""}: wm hook ${w.hook}`;
      changes.push({ file: SETTINGS_FILE, action: removed > 0 ? "update-hook" : "add-hook", detail: what });
    }
  }
  if (Object.keys(hooks).length > 0) next.hooks = hooks;
  else delete next.hooks;
  return { next, changes };
}

function sectionBounds(text: string, file: string): { start: number; end: number } | null {
  const b = text.indexOf(BEGIN);
  const e = text.indexOf(END);
  if (b < 0 && e < 0) return null;
  if (b < 0 || e < 0 || e < b || text.indexOf(BEGIN, b + 1) >= 0) {
    throw new WmError(`${file}: the wm section markers are broken (${BEGIN} ... ${END})`, {
      rule: "setup/claude-md",
      hint: "fix or remove the markers by hand; wm will not guess where its section ends",
    });
  }
  return { start: b, end: e + END.length };
}

function planClaudeMd(
  text: string | null,
  uninstall: boolean,
): { next: string | null; change: ClaudeSetupChange | null } {
  const file = "CLAUDE.md";
  const cur = text ?? "";
  const bounds = text === null ? null : sectionBounds(cur, file);
  if (uninstall) {
    if (bounds === null) return { next: text, change: null };
    let before = cur.slice(0, bounds.start);
    let after = cur.slice(bounds.end);
    if (after.startsWith("\r\n")) after = after.slice(2);
    else if (after.startsWith("\n")) after = after.slice(1);
    if (after === "" && before.endsWith("\n\n")) before = before.slice(0, -1);
    const next = before + after;
    return {
      next: next.trim() === "" ? null : next,
      change: {
        file,
        action: next.trim() === "" ? "delete-file" : "remove-section",
        detail: "the wm section",
      },
    };
  }
  const section = cur.includes("\r\n") ? CLAUDE_SECTION.replace(/\n/g, "\r\n") : CLAUDE_SECTION;
  if (bounds !== null) {
    if (cur.slice(bounds.start, bounds.end) === section) return { next: text, change: null };
    return {
      next: cur.slice(0, bounds.start) + section + cur.slice(bounds.end),
      change: { file, action: "update-section", detail: "the wm section" },
    };
  }
  if (text === null)
    return { next: `${section}\n`, change: { file, action: "create-file", detail: "with the wm section" } };
  const eol = cur.includes("\r\n") ? "\r\n" : "\n";
  const base = cur === "" || cur.endsWith("\n") ? cur : cur + eol;
  return {
    next: `${base}${base === "" ? "" : eol}${section}${eol}`,
    change: { file, action: "add-section", detail: "the wm section" },
  };
}

function readIf(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new WmError(`cannot read ${path}: ${(err as Error).message}`);
  }
}

export const MCP_FILE = ".mcp.json";
export const MCP_SERVER = "wm";
/** The `.mcp.json` entry; Claude Code expands ${VAR:-default} in command, and starts it in the project. */
export const MCP_ENTRY = {
  type: "stdio",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: Claude Code's own ${VAR:-default} syntax, kept literally
  command: "${CLAUDE_PROJECT_DIR:-.}/node_modules/.bin/wm",
  args: ["mcp"],
} as const;

/** An entry that runs `wm mcp` (ours, possibly written by an older wm or by hand), not another server. */
function isWmMcp(entry: Json | undefined): boolean {
  if (!isObj(entry) || typeof entry.command !== "string" || !Array.isArray(entry.args)) return false;
  const words = [entry.command, ...entry.args.map(String)].join(" ");
  return /(^|[\s/])wm(\.cjs)?\s+mcp$/.test(words);
}

/** Plans the .mcp.json change: null text = the file does not exist (or is to be deleted). */
function planMcp(
  text: string | null,
  uninstall: boolean,
  warnings: string[],
): { next: string | null; changes: ClaudeSetupChange[] } {
  const data: Obj = text === null ? {} : parseSettings(MCP_FILE, text);
  if (data.mcpServers !== undefined && !isObj(data.mcpServers)) {
    throw new WmError(`${MCP_FILE}: "mcpServers" is not an object`, {
      rule: "setup/settings-parse",
      hint: 'Claude Code expects { "mcpServers": { "<name>": { "command": ..., "args": [...] } } }',
    });
  }
  const servers: Obj = isObj(data.mcpServers) ? { ...data.mcpServers } : {};
  const current = servers[MCP_SERVER];
  const write = (next: Obj) => `${JSON.stringify(next, null, 2)}\n`;
  if (uninstall) {
    if (!isWmMcp(current)) return { next: text, changes: [] };
    delete servers[MCP_SERVER];
    const next: Obj = { ...data, mcpServers: servers };
    if (Object.keys(servers).length === 0) delete next.mcpServers;
    const change: ClaudeSetupChange = { file: MCP_FILE, action: "remove-mcp-server", detail: MCP_SERVER };
    if (Object.keys(next).length === 0) {
      return {
        next: null,
        changes: [change, { file: MCP_FILE, action: "delete-file", detail: "it held only wm's server" }],
      };
    }
    return { next: write(next), changes: [change] };
  }
  const want = MCP_ENTRY as unknown as Json;
  if (same(current, want)) return { next: text, changes: [] };
  if (current !== undefined && !isWmMcp(current)) {
    warnings.push(
      `${MCP_FILE} already has a server named "${MCP_SERVER}" that does not run \`wm mcp\`: left alone`,
    );
    return { next: text, changes: [] };
  }
  servers[MCP_SERVER] = want;
  const changes: ClaudeSetupChange[] = [];
  if (text === null) changes.push({ file: MCP_FILE, action: "create-file", detail: "with wm's MCP server" });
  changes.push({
    file: MCP_FILE,
    action: current === undefined ? "add-mcp-server" : "update-mcp-server",
    detail: `${MCP_SERVER}: ${MCP_ENTRY.command} ${MCP_ENTRY.args.join(" ")}`,
  });
  warnings.push(
    `Claude Code asks each user to approve the project's MCP servers (${MCP_FILE}) before their first use`,
  );
  return { next: write({ ...data, mcpServers: servers }), changes };
}

export function setupClaude(
  ctx: Ctx,
  opts: { dryRun?: boolean; uninstall?: boolean; mcp?: boolean } = {},
): ClaudeSetupResult {
  const paths = project(ctx);
  const root = paths.root;
  const uninstall = opts.uninstall === true;
  const dryRun = opts.dryRun === true;
  const settingsPath = join(root, SETTINGS_FILE);
  const backupPath = settingsPath + BACKUP_SUFFIX;
  const claudeMdPath = join(root, "CLAUDE.md");
  const warnings: string[] = [];

  const settingsText = readIf(settingsPath);
  const settings = settingsText === null ? {} : parseSettings(SETTINGS_FILE, settingsText);
  const claudeText = readIf(claudeMdPath);
  const { next, changes } = planSettings(settings, uninstall);
  const md = planClaudeMd(claudeText, uninstall);
  const all: ClaudeSetupChange[] = [];
  const backupExists = existsSync(backupPath);

  let writeSettings: (() => void) | null = null;
  if (changes.length > 0) {
    if (!uninstall) {
      if (settingsText === null)
        all.push({ file: SETTINGS_FILE, action: "create-file", detail: "with wm's hooks" });
      else if (!backupExists)
        all.push({
          file: SETTINGS_FILE + BACKUP_SUFFIX,
          action: "backup",
          detail: `a copy of ${SETTINGS_FILE} as it was`,
        });
      all.push(...changes);
      writeSettings = () => {
        mkdirSync(dirname(settingsPath), { recursive: true });
        if (settingsText !== null && !existsSync(backupPath)) writeFileAtomic(backupPath, settingsText);
        writeFileAtomic(settingsPath, `${JSON.stringify(next, null, 2)}\n`);
      };
    } else {
      all.push(...changes);
      const empty = Object.keys(next).length === 0;
      let backup: Obj | null = null;
      if (backupExists) {
        try {
          backup = parseSettings(SETTINGS_FILE + BACKUP_SUFFIX, readFileSync(backupPath, "utf8"));
        } catch {}
      }
      const dropFile = empty && !backupExists;
      const dropBackup = backup !== null && same(next, backup);
      if (dropFile)
        all.push({ file: SETTINGS_FILE, action: "delete-file", detail: "it held only wm's hooks" });
      if (dropBackup)
        all.push({
          file: SETTINGS_FILE + BACKUP_SUFFIX,
          action: "delete-file",
          detail: "the settings are back to it",
        });
      writeSettings = () => {
        if (dropFile) unlinkSync(settingsPath);
        else if (dropBackup) {
          // The same settings as before wm: put back the original bytes, formatting included.
          writeFileAtomic(settingsPath, readFileSync(backupPath));
          unlinkSync(backupPath);
        } else writeFileAtomic(settingsPath, `${JSON.stringify(next, null, 2)}\n`);
        const dir = join(root, ".claude");
        try {
          if (readdirSync(dir).length === 0) rmdirSync(dir);
        } catch {}
      };
    }
  }
  if (md.change !== null) all.push(md.change);
  // The MCP server: added only with --mcp; removed by every --uninstall.
  const mcpPath = join(root, MCP_FILE);
  const mcpText = uninstall || opts.mcp === true ? readIf(mcpPath) : null;
  const mcp =
    uninstall || opts.mcp === true
      ? planMcp(mcpText, uninstall, warnings)
      : { next: null, changes: [] as ClaudeSetupChange[] };
  all.push(...mcp.changes);

  if (!uninstall) {
    if (paths.uninitialised)
      warnings.push("this repository has no .wm/ yet: run `wm init` (the hooks do nothing until then)");
    if (!existsSync(join(root, "node_modules", ".bin", "wm"))) {
      warnings.push(
        "node_modules/.bin/wm does not exist here: the hooks run it from the project, so install wm as a dependency " +
          "(npm i -D wm-workflow) and commit package.json; until then the hooks fail open (Claude Code reports a hook error)",
      );
    }
    if (settingsText === null && all.length > 0) {
      warnings.push(
        "a running Claude Code may not notice a new .claude/settings.json: restart it (or open /hooks)",
      );
    }
  }

  if (!dryRun) {
    writeSettings?.();
    if (md.change !== null) {
      if (md.next === null) unlinkSync(claudeMdPath);
      else writeFileAtomic(claudeMdPath, md.next);
    }
    if (mcp.changes.length > 0) {
      if (mcp.next === null) unlinkSync(mcpPath);
      else writeFileAtomic(mcpPath, mcp.next);
    }
  }
  return {
    root,
    action: uninstall ? "uninstall" : "install",
    dryRun,
    changed: all.length > 0,
    changes: all,
    warnings,
    command: `${HOOK_PREFIX} hook <event>`,
  };
}
