import { homedir } from "node:os";
import { join } from "node:path";

/**
 * Where letta-code keeps the user's own state: settings, the trust record, skills and commands
 * (`~/.config/letta-code`), the memory shared across projects (`~/.letta`), and the cache of models and
 * tokenizer tables (`~/.cache/letta-code`). Nothing a project's
 * commands or file tools do may write here, even when the project contains them (a project at $HOME).
 */
export function userConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), ".config");
  return join(base, "letta-code");
}

export function userLettaDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.LETTA_CODE_USER_DIR || join(env.HOME || homedir(), ".letta");
}

export function userStateDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  return [userConfigDir(env), userLettaDir(env), userCacheDir(env)];
}

/**
 * The per-user cache (downloaded models, the tokenizer's rank tables), following each platform's convention.
 * Never inside a project: what is read back from here is trusted as letta-code's own.
 */
export function userCacheDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const home = env.HOME || homedir();
  if (platform === "darwin") return join(home, "Library", "Caches", "letta-code");
  if (platform === "win32" && env.LOCALAPPDATA) return join(env.LOCALAPPDATA, "letta-code");
  return join(env.XDG_CACHE_HOME || join(home, ".cache"), "letta-code");
}
