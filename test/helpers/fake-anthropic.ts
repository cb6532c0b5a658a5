// A scripted fake of Anthropic's Messages API on 127.0.0.1 (port 0), for driving the real Claude Code CLI
// in end-to-end tests (see shared/reference/testing-with-real-claude-code.md). Each request of the agent's
// main loop gets the next turn of the script, streamed as server-sent events the way Claude Code asks for
// them (`"stream": true`), or as one JSON message otherwise. Every request is recorded, so a test can
// assert what reached the model: the whole conversation is in each body. Claude Code's side requests
// (token counting, a session title, a quota probe) get minimal answers and do not consume the script.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { closeServer, listenOnLoopback } from "./local-server.js";

export interface ToolCall {
  name: string;
  input: Record<string, unknown>;
}

/** One reply of the model: some text, then tool calls (stop_reason tool_use) or none (end_turn). */
export interface Turn {
  text?: string;
  tools?: ToolCall[];
}

export interface RecordedRequest {
  method: string;
  path: string;
  body: Record<string, unknown> | null;
  /** The raw body, for searching the whole conversation as the model received it. */
  raw: string;
  /** True for a request of the agent's main loop (it consumed a turn of the script). */
  main: boolean;
  /** The script turn it was answered with (index), or -1 for side requests and exhausted scripts. */
  turn: number;
}

/** The reply once the script is used up: ends the turn, and says so, so a test sees the overrun. */
export const EXHAUSTED_TEXT = "(fake model: the script has no more turns)";

const MODEL = "claude-sonnet-4-5-20250929";

export class FakeAnthropic {
  readonly requests: RecordedRequest[] = [];
  baseUrl = "";
  private server: Server | null = null;
  private next = 0;
  private ids = 0;

  constructor(private readonly script: readonly Turn[]) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err) => {
        if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ type: "error", error: { type: "api_error", message: String(err) } }));
      });
    });
    this.baseUrl = await listenOnLoopback(this.server);
    return this;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    await closeServer(this.server);
    this.server = null;
  }

  /** The main-loop requests, in order (request k was answered with turn k while the script lasted). */
  main(): RecordedRequest[] {
    return this.requests.filter((r) => r.main);
  }

  /** How many turns of the script were handed out. */
  turnsUsed(): number {
    return this.next;
  }

  private id(prefix: string): string {
    this.ids += 1;
    return `${prefix}_fake${String(this.ids).padStart(6, "0")}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    let body: Record<string, unknown> | null = null;
    try {
      const parsed: unknown = JSON.parse(raw);
      if (parsed !== null && typeof parsed === "object") body = parsed as Record<string, unknown>;
    } catch {}
    const url = new URL(req.url ?? "/", this.baseUrl);
    const entry: RecordedRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      body,
      raw,
      main: false,
      turn: -1,
    };
    this.requests.push(entry);

    if (entry.method !== "POST" || url.pathname !== "/v1/messages" || body === null) {
      if (url.pathname.endsWith("/count_tokens")) return json(res, 200, { input_tokens: 100 });
      return json(res, 200, {});
    }
    // The agent's loop sends the tools it may call; side requests (a title, a quota probe) send none.
    const tools = body.tools;
    entry.main = Array.isArray(tools) && tools.length > 0;
    let turn: Turn;
    if (!entry.main) {
      turn = { text: "ok" };
    } else if (this.next < this.script.length) {
      entry.turn = this.next;
      turn = this.script[this.next]!;
      this.next += 1;
    } else {
      turn = { text: EXHAUSTED_TEXT };
    }
    const content = this.content(turn);
    const stopReason = content.some((b) => b.type === "tool_use") ? "tool_use" : "end_turn";
    const model = typeof body.model === "string" ? body.model : MODEL;
    const message = {
      id: this.id("msg"),
      type: "message",
      role: "assistant",
      model,
      content: [] as unknown[],
      stop_reason: null as string | null,
      stop_sequence: null,
      usage: {
        input_tokens: 100,
        output_tokens: 1,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
      },
    };
    if (body.stream !== true) {
      return json(res, 200, {
        ...message,
        content,
        stop_reason: stopReason,
        usage: { ...message.usage, output_tokens: 10 },
      });
    }
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      connection: "keep-alive",
      "request-id": this.id("req"),
    });
    const send = (type: string, data: Record<string, unknown>) =>
      res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
    send("message_start", { message });
    content.forEach((block, index) => {
      if (block.type === "text") {
        send("content_block_start", { index, content_block: { type: "text", text: "" } });
        send("content_block_delta", { index, delta: { type: "text_delta", text: block.text } });
      } else {
        send("content_block_start", {
          index,
          content_block: { type: "tool_use", id: block.id, name: block.name, input: {} },
        });
        send("content_block_delta", {
          index,
          delta: { type: "input_json_delta", partial_json: JSON.stringify(block.input) },
        });
      }
      send("content_block_stop", { index });
    });
    send("message_delta", {
      delta: { stop_reason: stopReason, stop_sequence: null },
      usage: { output_tokens: 10 },
    });
    send("message_stop", {});
    res.end();
  }

  private content(
    turn: Turn,
  ): Array<
    | { type: "text"; text: string }
    | { type: "tool_use"; id: string; name: string; input: Record<string, unknown> }
  > {
    const out: Array<
      | { type: "text"; text: string }
      | { type: "tool_use"; id: string; name: string; input: Record<string, unknown> }
    > = [];
    if (turn.text !== undefined && turn.text !== "") out.push({ type: "text", text: turn.text });
    for (const t of turn.tools ?? []) {
      out.push({ type: "tool_use", id: this.id("toolu"), name: t.name, input: t.input });
    }
    if (out.length === 0) out.push({ type: "text", text: "." });
    return out;
  }
}

function json(res: ServerResponse, status: number, data: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(data));
}

/** A fake model on a free port, answering with `script`. */
export function fakeAnthropic(script: readonly Turn[]): Promise<FakeAnthropic> {
  return new FakeAnthropic(script).start();
}
