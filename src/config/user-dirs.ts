import { homedir } from "node:os";
import { join } from "node:path";

/**
 * Where letta-code keeps the user's own state: settings, the trust record, skills and commands
 * (`~/.config/letta-code`), and the memory shared across projects (`~/.letta`). Nothing a project's
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
  return [userConfigDir(env), userLettaDir(env)];
}
