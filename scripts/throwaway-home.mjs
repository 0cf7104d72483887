// A user nobody is: a fresh HOME with a git project in it and the environment a CLI run gets there (none of
// the developer's settings, no embedding download, reflection only when asked). The build's compile-cache
// training and bench/start.js run the CLI in one.
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function throwawayHome(prefix) {
  const home = mkdtempSync(join(tmpdir(), prefix));
  const project = join(home, "project");
  mkdirSync(join(project, ".git"), { recursive: true });
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    XDG_CACHE_HOME: join(home, ".cache"),
    LETTA_CODE_EMBEDDING_PATH: join(home, "no-models"),
    LETTA_CODE_REFLECTION: "manual",
    TERM: "xterm-256color",
    LANG: "C.UTF-8",
  };
  return { home, project, env };
}
