/** Opening $VISUAL / $EDITOR (fallback vi) on a temp file, for `/memory edit`. */
import { childProcess } from "../lazy-builtins.js";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function editorCommand(env: NodeJS.ProcessEnv = process.env): string {
  return env.VISUAL?.trim() || env.EDITOR?.trim() || "vi";
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Run the editor synchronously with the terminal handed over (stdio inherited).
 * Synchronous on purpose: Node's event loop (and so Ink) is parked until the editor exits,
 * so nothing else reads the keyboard or paints the screen meanwhile.
 * The command may carry arguments (`code -w`), hence the shell.
 */
export function runEditor(file: string, env: NodeJS.ProcessEnv = process.env): void {
  const cmd = editorCommand(env);
  const r = childProcess().spawnSync(`${cmd} ${quote(file)}`, { shell: true, stdio: "inherit", env });
  if (r.error) throw new Error(`could not start ${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} exited with status ${r.status ?? r.signal}`);
}

export type OpenEditor = (file: string) => void | Promise<void>;

/** Write `initial` to a temp file, let the user edit it, return the new text. */
export async function editInEditor(initial: string, name: string, open: OpenEditor = runEditor): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "letta-edit-"));
  const file = join(dir, name.replace(/[^\w.-]/g, "_"));
  try {
    writeFileSync(file, initial);
    await open(file);
    return readFileSync(file, "utf8");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
