import type { ServerResponse } from "node:http";

/**
 * An expected failure of a request, answered with its status and a Letta-style body (`{"detail": …}`,
 * as the Letta server's FastAPI answers). Anything else thrown by a route is a bug: 500, logged, no stack sent.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** A 422's per-field problems, FastAPI's shape: `[{loc: ["body", "name"], msg, type}]`. */
    readonly fields?: { loc: (string | number)[]; msg: string; type: string }[],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export const notFound = (what: string) => new HttpError(404, `${what} not found`);

/** 409s the official clients would retry by default; these never get better by retrying. */
export const conflict = (message: string) => new HttpError(409, message, undefined, { "x-should-retry": "false" });

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendError(res: ServerResponse, err: HttpError): void {
  sendJson(res, err.status, { detail: err.fields ?? err.message }, err.headers);
}
