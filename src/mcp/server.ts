// `wm mcp`: wm as a stdio MCP server (docs/decisions/0012-mcp.md). stdout carries the JSON-RPC protocol
// and nothing else: console output is sent to stderr before anything else runs. Each tool call gets a fresh
// Ctx (its cwd is the server's, so the project is found the way the CLI finds it) and calls the services
// the CLI calls; a WmError becomes a tool result with isError, the message and the hint, never a crash.

import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { WmError } from "../core/errors.js";
import { type Ctx, defaultCtx } from "../services/context.js";
import { TOOLS, type ToolDef } from "./tools.js";

export interface ServeOptions {
  version: string;
  cwd: string;
  env: Record<string, string | undefined>;
  stdin?: NodeJS.ReadableStream;
  stdout?: NodeJS.WritableStream;
  log?: (line: string) => void;
}

/** A service's answer as one compact text block: JSON, or the text itself (tasks_graph's drawings). */
function ok(data: unknown): CallToolResult {
  return { content: [{ type: "text", text: typeof data === "string" ? data : JSON.stringify(data) }] };
}

export function errorResult(err: unknown, log: (line: string) => void, debug: boolean): CallToolResult {
  let text: string;
  if (err instanceof WmError) {
    text = `error: ${err.message}${err.hint ? `\nhint: ${err.hint}` : ""}`;
  } else {
    text = `internal error: ${(err as Error)?.message ?? String(err)}`;
    log(`wm mcp: ${text}`);
  }
  if (debug && err instanceof Error && err.stack) log(err.stack);
  return { content: [{ type: "text", text }], isError: true };
}

function schemaOf(tool: ToolDef) {
  const object = z.strictObject(tool.shape);
  const refine = tool.refine;
  if (!refine) return object;
  return object.superRefine((args, check) => {
    const message = refine(args as Record<string, unknown>);
    if (message !== null) check.addIssue({ code: "custom", message });
  });
}

export function createServer(opts: ServeOptions): McpServer {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const debug = opts.env.WM_DEBUG === "1";
  const server = new McpServer({ name: "wm", version: opts.version });
  const ctxFor = (): Ctx => defaultCtx(opts.cwd, opts.env);
  for (const tool of TOOLS) {
    server.registerTool(
      tool.name,
      { description: tool.description, inputSchema: schemaOf(tool) },
      async (args: Record<string, unknown>) => {
        try {
          return ok(await tool.run(ctxFor(), args));
        } catch (err) {
          return errorResult(err, log, debug);
        }
      },
    );
  }
  return server;
}

/** Serves until stdin ends (the client went away). */
export async function serveStdio(opts: ServeOptions): Promise<void> {
  // Nothing but the protocol may reach stdout: a stray console.log from any module goes to stderr.
  const toStderr = (...args: unknown[]) => console.error(...args);
  console.log = toStderr;
  console.info = toStderr;
  console.debug = toStderr;
  const stdin = opts.stdin ?? process.stdin;
  const server = createServer(opts);
  const transport = new StdioServerTransport(
    stdin as NodeJS.ReadStream,
    (opts.stdout ?? process.stdout) as NodeJS.WriteStream,
  );
  const closed = new Promise<void>((resolve) => {
    server.server.onclose = () => resolve();
    stdin.once("end", () => void server.close().then(resolve, resolve));
  });
  await server.connect(transport);
  await closed;
}
