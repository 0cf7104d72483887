import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

export const LETTA_DIR = ".letta";

/** The project is the enclosing git work tree, else the working directory itself. */
export function findProjectRoot(cwd: string = process.cwd()): string {
  let dir = resolve(cwd);
  for (;;) {
    if (existsSync(join(dir, ".git"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return resolve(cwd);
    dir = parent;
  }
}

const GITIGNORE = `# Written by letta-code. The database is this machine's memory of the project;
# config.json holds shared project settings and is meant to be committed.
*
!.gitignore
!config.json
`;

/** Create `.letta/` with its .gitignore so the database never lands in a commit by accident. */
export function ensureLettaDir(lettaDir: string): void {
  mkdirSync(lettaDir, { recursive: true });
  const ignore = join(lettaDir, ".gitignore");
  if (!existsSync(ignore)) writeFileSync(ignore, GITIGNORE);
}
