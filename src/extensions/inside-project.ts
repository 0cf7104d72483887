import { realpathSync } from "node:fs";
import { isInside } from "../permissions/paths.js";

/**
 * A project's command or skill file must really be the project's: a symlink in a cloned
 * repository must not put one of the user's other files into the prompt (as with AGENTS.md).
 */
export function outsideProject(file: string, projectRoot: string): string | undefined {
  try {
    const real = realpathSync(file);
    return isInside(realpathSync(projectRoot), real) ? undefined : real;
  } catch {
    return undefined; // missing: the reader reports it
  }
}
