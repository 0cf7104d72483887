import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { isIP } from "node:net";
import { hostname } from "node:os";
import { join } from "node:path";
import { writeFileAtomic } from "../config/atomic-write.js";
import { userConfigDir } from "../config/user-dirs.js";

export const TOKEN_ENV = "LETTA_CODE_SERVER_TOKEN";

export type TokenSource = "flag" | "config" | "env" | "stored" | "generated";

/** Where a generated token is kept: the user's config folder, never the project (a repository must not pick it). */
export function tokenFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(userConfigDir(env), "serve-token");
}

/**
 * The token clients must send: `--token` (or the user's config), else LETTA_CODE_SERVER_TOKEN, else the
 * one stored on an earlier start, else a new one, stored 0600 so the next start (and the user) can read it.
 */
export function resolveToken(given: { flag?: string; config?: string }, env: NodeJS.ProcessEnv = process.env): { token: string; source: TokenSource; file?: string } {
  if (given.flag) return { token: given.flag, source: "flag" };
  if (given.config) return { token: given.config, source: "config" };
  if (env[TOKEN_ENV]) return { token: env[TOKEN_ENV]!, source: "env" };
  const file = tokenFile(env);
  try {
    const stored = readFileSync(file, "utf8").trim();
    // A token others can read is no secret: tighten it rather than trust it silently.
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    if (stored) return { token: stored, source: "stored", file };
  } catch {
    // Not stored yet.
  }
  const token = `lc-${randomBytes(24).toString("base64url")}`;
  mkdirSync(userConfigDir(env), { recursive: true, mode: 0o700 });
  writeFileAtomic(file, `${token}\n`, 0o600);
  return { token, source: "generated", file };
}

/**
 * Whether an Authorization header carries the token. Both sides are hashed first so the compare takes
 * the same time whatever the length or the first differing byte.
 */
export function authorized(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? "");
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(m?.[1]?.trim() ?? ""), digest(token)) && m !== null;
}

const LOOPBACK_NAMES = ["127.0.0.1", "localhost", "[::1]", "::1"];

export function isLoopback(host: string): boolean {
  return LOOPBACK_NAMES.includes(host) || host.startsWith("127.");
}

/**
 * The Host names a request may carry (DNS rebinding: a web page's own domain resolving to this
 * address must not reach the API). Loopback accepts its usual names; a wildcard bind accepts IP
 * literals and this machine's name, since the names clients use for it are not known here.
 */
export function hostAllowed(hostHeader: string | undefined, bound: string, port: number): boolean {
  if (!hostHeader) return false;
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(hostHeader.trim().toLowerCase());
  if (!m) return false;
  const name = m[1]!;
  if (m[2] !== undefined && Number(m[2]) !== port) return false;
  if (m[2] === undefined && port !== 80) return false;
  const bare = name.replace(/^\[|\]$/g, "");
  if (isLoopback(bound)) return isLoopback(name) || isLoopback(bare);
  if (bound === "0.0.0.0" || bound === "::") return isIP(bare) !== 0 || bare === hostname().toLowerCase() || isLoopback(bare);
  return bare === bound.toLowerCase().replace(/^\[|\]$/g, "");
}
