/**
 * Security tests run twice when we are root: as root, and as nobody (a refusal must not depend on
 * file permissions that root ignores).
 */
import { chmodSync, lstatSync, readdirSync } from "node:fs";
import { join } from "node:path";

/** Prefix for a command run as nobody. */
export const NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"];

/** The current user, and nobody too when the current user is root: for `describe.each`. */
export const USERS: { who: string; wrap?: string[] }[] = [{ who: "as the current user" }, ...(process.getuid?.() === 0 ? [{ who: "as nobody", wrap: NOBODY }] : [])];

/**
 * Everything the test made, writable by whoever runs the CLI (nobody included); executables stay
 * executable. Links are not followed: a planted link must not open up what it points to.
 */
export function openUp(...dirs: string[]): void {
  const walk = (d: string) => {
    chmodSync(d, 0o777);
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      const st = lstatSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile()) chmodSync(p, st.mode & 0o111 ? 0o777 : 0o666);
    }
  };
  for (const d of dirs) walk(d);
}
