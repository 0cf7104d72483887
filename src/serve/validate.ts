import type { z } from "zod";
import { HttpError } from "./errors.js";

/**
 * A body or query checked against its schema, or a 422 naming each field that failed (FastAPI's
 * `loc` path, so a Letta client's error handling reads it as it would the Letta server's).
 */
export function validated<S extends z.ZodType>(schema: S, value: unknown, where: "body" | "query"): z.output<S> {
  const got = schema.safeParse(value ?? {});
  if (got.success) return got.data;
  const fields = got.error.issues.map((i) => ({ loc: [where, ...i.path.map((p) => (typeof p === "symbol" ? String(p) : p))], msg: i.message, type: i.code }));
  const named = fields.map((f) => f.loc.slice(1).join(".") || where).join(", ");
  throw new HttpError(422, `invalid ${where}: ${named}`, fields);
}
