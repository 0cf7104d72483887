import type { IncomingMessage } from "node:http";
import { HttpError } from "./errors.js";

/** Letta's own server takes far less than this per message; a bigger body is a mistake or an attack. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/**
 * The request's JSON body (undefined when empty). Over `limit` bytes is a 413 before anything is parsed
 * (the rest is not read); text that is not JSON is a 400. Nothing is changed by either.
 */
export async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(req.headers["content-length"] ?? NaN);
  if (declared > limit) throw new HttpError(413, `request body over ${limit} bytes`);
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new HttpError(413, `request body over ${limit} bytes`);
    parts.push(chunk);
  }
  const text = Buffer.concat(parts).toString("utf8");
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, "request body is not valid JSON");
  }
}
