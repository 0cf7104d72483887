import type { ServerResponse } from "node:http";

/**
 * Server-Sent Events as the Letta API streams them: one `data: <json>` event per message chunk, then
 * `data: [DONE]`. Each event is written at once (no batching): the first token's latency is the point.
 */
export class SseWriter {
  private open = true;

  constructor(private res: ServerResponse, headers: Record<string, string> = {}) {
    res.writeHead(200, {
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
      connection: "keep-alive",
      "x-accel-buffering": "no",
      ...headers,
    });
    res.flushHeaders();
    // Small writes must leave now, not when Nagle's algorithm decides.
    res.socket?.setNoDelay(true);
  }

  get closed(): boolean {
    return !this.open || this.res.destroyed;
  }

  data(value: unknown): void {
    if (this.closed) return;
    this.res.write(`data: ${JSON.stringify(value)}\n\n`);
  }

  /** An error the client's stream reader throws as an APIError (the `error` event). */
  error(value: unknown): void {
    if (this.closed) return;
    this.res.write(`event: error\ndata: ${JSON.stringify(value)}\n\n`);
  }

  end(): void {
    if (this.closed) return;
    this.open = false;
    this.res.end("data: [DONE]\n\n");
  }
}
