import { existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { writeFileAtomic } from "./atomic-write.js";
import { ConfigError } from "./layer.js";

/*
 * `letta-code hooks import` edits a config file in place; it reads the file only to keep everything
 * else in it. What the hooks mean for a run is the resolver's (resolve.ts).
 */

/** A JSON settings file as an object ({} when missing); anything else is the user's to fix. */
export function readSettingsObject(file: string): Record<string, unknown> {
  if (!existsSync(file)) return {};
  let o: unknown;
  try {
    o = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new ConfigError(`${file} is not valid JSON: ${(err as Error).message}. Fix or remove it.`);
  }
  if (!o || typeof o !== "object" || Array.isArray(o)) throw new ConfigError(`${file} must hold a JSON object.`);
  return o as Record<string, unknown>;
}

/**
 * Replace a config file's `hooks`, keeping everything else in the file and its mode (a user's
 * config may hold their key); a new file gets `newMode`.
 */
export function writeHooks(file: string, hooks: Record<string, unknown>, newMode: number): void {
  const o = readSettingsObject(file);
  const mode = existsSync(file) ? statSync(file).mode & 0o777 : newMode;
  mkdirSync(dirname(file), { recursive: true });
  writeFileAtomic(file, `${JSON.stringify({ ...o, hooks }, null, 2)}\n`, mode);
}
