// `wm mcp` through real MCP clients: the SDK's own Client over stdio spawning the built CLI, a raw JSON-RPC
// exchange checking that stdout carries nothing but the protocol, the MCP Inspector CLI, and
// `wm setup claude --mcp` writing .mcp.json.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import {
  cleanEnv,
  cleanupTemp,
  git,
  REPO_ROOT,
  type RunResult,
  runAsync,
  tempDir,
  WM_BIN,
  wm,
  wmJson,
} from "../helpers/cli.js";

afterAll(cleanupTemp);

const TOOL_NAMES = [
  "can_exit",
  "spec_check",
  "spec_new",
  "status",
  "tasks_create",
  "tasks_graph",
  "tasks_list",
  "tasks_ready",
  "tasks_update",
];

interface Task {
  id: string;
  title: string;
  type: string;
  status: string;
  issue?: number;
  depends_on: string[];
  evidence?: { text?: string };
  reason?: string;
}

interface ToolResult {
  content: Array<{ type: string; text?: string }>;
  isError?: boolean;
}

function initRepo(root: string): string {
  git(root, "init", "-q", "-b", "main");
  git(root, "config", "user.email", "test@example.invalid");
  git(root, "config", "user.name", "wm test");
  git(root, "config", "commit.gpgsign", "false");
  expect(wm(root, ["init"]).code).toBe(0);
  git(root, "add", "-A");
  git(root, "commit", "-qm", "init");
  return root;
}

/** A repo inside a directory that has a package.json (see the Inspector CLI test for why). */
function newRepo(): string {
  const dir = tempDir("wm-mcp-");
  writeFileSync(join(dir, "package.json"), '{"name":"outer","version":"1.0.0","private":true}\n');
  const root = join(dir, "repo");
  mkdirSync(root);
  return initRepo(root);
}

const clients: Client[] = [];
afterEach(async () => {
  while (clients.length > 0) await clients.pop()!.close();
});

async function connect(root: string): Promise<{ client: Client; errors: Error[]; stderr: () => string }> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [WM_BIN, "mcp"],
    cwd: root,
    env: cleanEnv() as Record<string, string>,
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (d) => (stderr += d));
  const client = new Client({ name: "wm-test", version: "1.0.0" });
  // A line on stdout that is not JSON-RPC surfaces here as a parse error.
  const errors: Error[] = [];
  client.onerror = (e) => errors.push(e);
  await client.connect(transport);
  clients.push(client);
  return { client, errors, stderr: () => stderr };
}

async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<ToolResult> {
  return (await client.callTool({ name, arguments: args })) as ToolResult;
}

function text(r: ToolResult): string {
  expect(r.content).toHaveLength(1);
  expect(r.content[0]!.type).toBe("text");
  return r.content[0]!.text!;
}

/** The data of a successful call (JSON text). */
async function ok<T>(client: Client, name: string, args: Record<string, unknown> = {}): Promise<T> {
  const r = await call(client, name, args);
  expect(r.isError, text(r)).toBeFalsy();
  return JSON.parse(text(r)) as T;
}

/** The message of a failed call. */
async function fails(client: Client, name: string, args: Record<string, unknown>): Promise<string> {
  const r = await call(client, name, args);
  expect(r.isError, text(r)).toBe(true);
  return text(r);
}

describe("wm mcp with the SDK client", () => {
  it("lists the tools: few, short descriptions, plain object input schemas", async () => {
    const { client, errors } = await connect(newRepo());
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(TOOL_NAMES);
    for (const t of tools) {
      expect(t.description!.length, t.name).toBeLessThanOrEqual(120);
      expect(t.inputSchema.type).toBe("object");
      expect(t.inputSchema).not.toHaveProperty("anyOf");
    }
    const create = tools.find((t) => t.name === "tasks_create")!;
    expect(create.inputSchema.required).toEqual(["title"]);
    const type = (create.inputSchema.properties as Record<string, { enum?: string[] }>).type!;
    expect(type.enum).toContain("verify");
    expect(errors).toEqual([]);
  });

  it("creates, lists, updates and draws tasks through the same store as the CLI", async () => {
    const root = newRepo();
    const { client, errors, stderr } = await connect(root);
    const epic = await ok<Task>(client, "tasks_create", { title: "GH#7: Epic", type: "epic", issue: 7 });
    const a = await ok<Task>(client, "tasks_create", { title: "Analyze", type: "impl", issue: "GH#7" });
    const v = await ok<Task>(client, "tasks_create", {
      title: "Verify it",
      type: "verify",
      issue: 7,
      depends_on: [a.id.slice(0, 4)],
    });
    expect(a).toMatchObject({ type: "impl", issue: 7, status: "pending", parent: epic.id });
    expect(v.depends_on).toEqual([a.id]);

    // The CLI sees what the MCP server wrote.
    const listed = wmJson<Task[]>(root, ["tasks", "list", "--issue=7"]);
    expect(listed.map((t) => t.id).sort()).toEqual([epic.id, a.id, v.id].sort());

    const byMcp = await ok<Task[]>(client, "tasks_list", { issue: 7, type: ["impl", "verify"] });
    expect(byMcp.map((t) => t.id).sort()).toEqual([a.id, v.id].sort());

    let ready = await ok<{ ready: Task[] }>(client, "tasks_ready", { issue: 7 });
    expect(ready.ready.map((t) => t.id)).toContain(a.id);
    expect(ready.ready.map((t) => t.id)).not.toContain(v.id);
    const explained = await ok<{ notReady: Array<{ task: { id: string } }> }>(client, "tasks_ready", {
      explain: true,
    });
    expect(explained.notReady.map((x) => x.task.id)).toContain(v.id);

    expect(await ok<Task>(client, "tasks_update", { id: a.id, action: "start" })).toMatchObject({
      status: "in_progress",
    });
    const done = await ok<{ task: Task; unblocked: Task[] }>(client, "tasks_update", {
      id: a.id,
      action: "done",
      evidence: "read the code",
    });
    expect(done.task.status).toBe("done");
    expect(done.unblocked.map((t) => t.id)).toEqual([v.id]);
    ready = await ok<{ ready: Task[] }>(client, "tasks_ready", { issue: 7 });
    expect(ready.ready.map((t) => t.id)).toContain(v.id);

    expect(
      await ok<Task>(client, "tasks_update", { id: v.id, action: "block", reason: "CI is down" }),
    ).toMatchObject({ status: "blocked", reason: "CI is down" });
    expect(await ok<Task>(client, "tasks_update", { id: v.id, action: "reopen" })).toMatchObject({
      status: "pending",
    });
    expect(
      await ok<Task>(client, "tasks_update", { id: v.id, action: "cancel", reason: "dropped" }),
    ).toMatchObject({
      status: "cancelled",
    });
    expect(wmJson<{ task: Task }>(root, ["tasks", "show", v.id]).task.status).toBe("cancelled");

    const mermaid = text(await call(client, "tasks_graph", { issue: 7, format: "mermaid" }));
    expect(mermaid).toMatch(/^(graph|flowchart)/);
    expect(mermaid).toContain(a.id);
    const graph = await ok<{ nodes: Array<{ id: string }>; edges: unknown[] }>(client, "tasks_graph", {
      format: "json",
    });
    expect(graph.nodes.map((n) => n.id).sort()).toEqual([epic.id, a.id, v.id].sort());
    expect(graph.edges).toHaveLength(1);
    const ascii = text(await call(client, "tasks_graph", {}));
    expect(ascii).toContain(v.id);

    expect(errors).toEqual([]);
    expect(stderr()).toBe("");
  });

  it("writes and checks a spec, and reports status and can-exit for a session", async () => {
    const root = newRepo();
    expect(wm(root, ["issue", "create", "--title=Rate limits"]).code).toBe(0);
    const { client, errors } = await connect(root);
    const spec = await ok<{ path: string; title: string; dryRun: boolean }>(client, "spec_new", {
      template: "feature",
      issue: 1,
    });
    expect(spec.title).toBe("Rate limits");
    expect(spec.dryRun).toBe(false);
    expect(existsSync(join(root, spec.path))).toBe(true);
    // The template's placeholders are findings: ok false, not an error result.
    const checked = await ok<{ ok: boolean; files: Array<{ file: string; findings: unknown[] }> }>(
      client,
      "spec_check",
      { files: [spec.path] },
    );
    expect(checked.ok).toBe(false);
    expect(checked.files[0]!.file).toBe(spec.path);
    expect(checked.files[0]!.findings.length).toBeGreaterThan(0);
    // Without the caches: the same answer.
    expect(await ok(client, "spec_check", { files: [spec.path], no_cache: true })).toEqual(checked);
    expect(await fails(client, "spec_new", { template: "feature", issue: 1 })).toMatch(/^error: .*exist/);

    expect(wm(root, ["enter", "planning", "--issue", "1", "--session", "s1"]).code).toBe(0);
    const status = await ok<{ session: string; mode: string; tasks: Task[] }>(client, "status", {
      session: "s1",
    });
    expect(status).toMatchObject({ session: "s1", mode: "planning" });
    expect(status.tasks.length).toBeGreaterThan(0);
    const exit = await ok<{ ok: boolean; conditions: Array<{ id: string; met: boolean }> }>(
      client,
      "can_exit",
      { session: "s1" },
    );
    expect(exit.ok).toBe(false);
    expect(exit.conditions.some((c) => !c.met)).toBe(true);
    // Same answer as the CLI.
    const cli = wm(root, ["can-exit", "--session", "s1", "--json"]);
    expect(cli.code).toBe(1);
    expect(JSON.parse(cli.stdout).data.ok).toBe(false);
    const idle = await ok<{ session: string; mode: string | null }>(client, "status", {});
    expect(idle).toMatchObject({ session: "cli", mode: null });
    expect(errors).toEqual([]);
  });

  it("turns bad input and refused writes into error results and keeps serving", async () => {
    const root = newRepo();
    const { client, errors } = await connect(root);
    const v = await ok<Task>(client, "tasks_create", { title: "Check", type: "verify" });

    // Rejected by the input schemas (the CLI's types, statuses and issue rule), nothing written.
    expect(await fails(client, "tasks_create", { title: "x", type: "nope" })).toMatch(/type/);
    expect(await fails(client, "tasks_create", { title: "x", issue: "abc" })).toMatch(
      /issue must be a positive issue number, got "abc"/,
    );
    expect(await fails(client, "tasks_create", { title: "   " })).toMatch(/title/);
    expect(await fails(client, "tasks_create", { title: "x", colour: "red" })).toMatch(/colour/);
    expect(await fails(client, "tasks_list", { status: ["open"] })).toMatch(/status/);
    expect(await fails(client, "tasks_update", { id: v.id, action: "block" })).toMatch(/reason is required/);
    expect(await fails(client, "tasks_update", { id: v.id, action: "start", evidence: "x" })).toMatch(
      /evidence goes with action done/,
    );
    expect(await fails(client, "spec_check", { min_score: 101 })).toMatch(/min_score/);
    // Refused by the services: the WmError's message and hint.
    const noEvidence = await fails(client, "tasks_update", { id: v.id, action: "done" });
    expect(noEvidence).toMatch(/^error: verify task .* cannot be done without evidence\nhint: /);
    expect(await fails(client, "tasks_update", { id: "zzzzzz", action: "start" })).toMatch(
      /^error: .*zzzzzz/,
    );
    expect(await fails(client, "status", { session: "no spaces allowed" })).toMatch(/not a valid session id/);
    expect(await fails(client, "no_such_tool", {})).toMatch(/no_such_tool/);

    // Still serving, and nothing was written by the refused calls.
    const all = await ok<Task[]>(client, "tasks_list", {});
    expect(all.map((t) => [t.id, t.status])).toEqual([[v.id, "pending"]]);
    expect((await client.listTools()).tools).toHaveLength(TOOL_NAMES.length);
    expect(errors).toEqual([]);
  });

  it("outside a repository a tool call is an error result, not a crash", async () => {
    const dir = tempDir("wm-mcp-nogit-");
    const { client } = await connect(dir);
    const r = await call(client, "tasks_list", {});
    expect(r.isError).toBe(true);
    expect((await client.listTools()).tools).toHaveLength(TOOL_NAMES.length);
  });
});

describe("wm mcp on the wire", () => {
  it("writes only JSON-RPC lines on stdout and exits 0 when stdin closes", async () => {
    const root = newRepo();
    const child = spawn(process.execPath, [WM_BIN, "mcp"], { cwd: root, env: cleanEnv() });
    let stdout = "";
    child.stdout.on("data", (d) => (stdout += d));
    const send = (msg: object) => child.stdin.write(`${JSON.stringify(msg)}\n`);
    const responses = (n: number) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (stdout.split("\n").filter((l) => l.includes('"id"')).length >= n) resolve();
          else setTimeout(check, 20);
        };
        check();
      });
    send({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
    });
    await responses(1);
    send({ jsonrpc: "2.0", method: "notifications/initialized" });
    send({
      jsonrpc: "2.0",
      id: 2,
      method: "tools/call",
      params: { name: "tasks_create", arguments: { title: 5 } },
    });
    send({
      jsonrpc: "2.0",
      id: 3,
      method: "tools/call",
      params: { name: "tasks_create", arguments: { title: "On the wire" } },
    });
    send({ jsonrpc: "2.0", id: 4, method: "tools/call", params: { name: "spec_check", arguments: {} } });
    await responses(4);
    const code = await new Promise<number | null>((resolve) => {
      child.on("close", resolve);
      child.stdin.end();
    });
    expect(code).toBe(0);
    const lines = stdout.split("\n").filter((l) => l !== "");
    const messages = lines.map((l) => JSON.parse(l) as { jsonrpc: string; id?: number; result?: ToolResult });
    expect(messages.every((m) => m.jsonrpc === "2.0")).toBe(true);
    expect(messages.map((m) => m.id)).toEqual([1, 2, 3, 4]);
    expect(messages[1]!.result!.isError).toBe(true);
    expect(messages[2]!.result!.isError).toBeFalsy();
    expect(wmJson<Task[]>(root, ["tasks", "list"]).map((t) => t.title)).toEqual(["On the wire"]);
  });

  it("refuses --json: its stdout is the protocol", () => {
    const r = wm(newRepo(), ["mcp", "--json"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
  });
});

describe("wm mcp with the MCP Inspector CLI", () => {
  // @modelcontextprotocol/inspector-cli 1.0.3 (the Inspector's CLI; the Inspector 2.x itself needs Node 22).
  // It looks for its own package.json at "../package.json" relative to the working directory, so it runs
  // from a repository whose parent directory has one (newRepo() makes that layout).
  const INSPECTOR = join(
    REPO_ROOT,
    "node_modules",
    "@modelcontextprotocol",
    "inspector-cli",
    "build",
    "cli.js",
  );

  function inspect(cwd: string, args: string[]): Promise<RunResult> {
    return runAsync(process.execPath, [INSPECTOR, "--cli", process.execPath, WM_BIN, "mcp", ...args], cwd);
  }

  it("lists the tools and calls one", async () => {
    const root = newRepo();
    const list = await inspect(root, ["--method", "tools/list"]);
    expect(list.code, list.stderr).toBe(0);
    const { tools } = JSON.parse(list.stdout) as { tools: Array<{ name: string }> };
    expect(tools.map((t) => t.name).sort()).toEqual(TOOL_NAMES);

    const created = await inspect(root, [
      "--method",
      "tools/call",
      "--tool-name",
      "tasks_create",
      "--tool-arg",
      "title=From the inspector",
      "type=chore",
    ]);
    expect(created.code, created.stderr).toBe(0);
    const result = JSON.parse(created.stdout) as ToolResult;
    expect(result.isError).toBeFalsy();
    expect(JSON.parse(result.content[0]!.text!)).toMatchObject({
      title: "From the inspector",
      type: "chore",
    });
    expect(wmJson<Task[]>(root, ["tasks", "list"]).map((t) => t.title)).toEqual(["From the inspector"]);
  });
});

describe("wm setup claude --mcp", () => {
  it("registers the server in .mcp.json, merged and idempotent; --uninstall removes exactly it", () => {
    const root = newRepo();
    const mcpPath = join(root, ".mcp.json");
    const other = { mcpServers: { db: { command: "db-mcp", args: ["--ro"] } }, extra: true };
    writeFileSync(mcpPath, `${JSON.stringify(other, null, 2)}\n`);

    const first = wm(root, ["setup", "claude", "--mcp", "--json"]);
    expect(first.code, first.stderr).toBe(0);
    const written = JSON.parse(readFileSync(mcpPath, "utf8"));
    expect(written.mcpServers.db).toEqual(other.mcpServers.db);
    expect(written.extra).toBe(true);
    expect(written.mcpServers.wm).toEqual({
      type: "stdio",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Claude Code's ${VAR:-default}, kept literally
      command: "${CLAUDE_PROJECT_DIR:-.}/node_modules/.bin/wm",
      args: ["mcp"],
    });
    const before = readFileSync(mcpPath, "utf8");
    const again = JSON.parse(wm(root, ["setup", "claude", "--mcp", "--json"]).stdout).data;
    expect(again.changed).toBe(false);
    expect(readFileSync(mcpPath, "utf8")).toBe(before);

    expect(wm(root, ["setup", "claude", "--uninstall"]).code).toBe(0);
    expect(JSON.parse(readFileSync(mcpPath, "utf8"))).toEqual(other);
  });

  it("creates .mcp.json when missing and deletes it when it held only wm; leaves another 'wm' alone", () => {
    const root = newRepo();
    const mcpPath = join(root, ".mcp.json");
    expect(wm(root, ["setup", "claude"]).code).toBe(0);
    expect(existsSync(mcpPath)).toBe(false);
    expect(wm(root, ["setup", "claude", "--mcp"]).code).toBe(0);
    expect(Object.keys(JSON.parse(readFileSync(mcpPath, "utf8")).mcpServers)).toEqual(["wm"]);
    expect(wm(root, ["setup", "claude", "--uninstall"]).code).toBe(0);
    expect(existsSync(mcpPath)).toBe(false);

    const foreign = { mcpServers: { wm: { command: "some-other-wm", args: ["serve"] } } };
    writeFileSync(mcpPath, JSON.stringify(foreign));
    const r = wm(root, ["setup", "claude", "--mcp"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/does not run `wm mcp`: left alone/);
    expect(JSON.parse(readFileSync(mcpPath, "utf8"))).toEqual(foreign);
    expect(wm(root, ["setup", "claude", "--uninstall"]).code).toBe(0);
    expect(JSON.parse(readFileSync(mcpPath, "utf8"))).toEqual(foreign);

    writeFileSync(mcpPath, "{ not json");
    const bad = wm(root, ["setup", "claude", "--mcp"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/\.mcp\.json.*not valid JSON/);
    expect(readFileSync(mcpPath, "utf8")).toBe("{ not json");
  });
});
