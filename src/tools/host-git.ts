import { childProcess } from "../lazy-builtins.js";

/**
 * Config that makes git run a program of the repository's choosing. A repository's `.git/config`
 * is the project's words, not the user's: a cloned repository, or a command the model ran (before
 * the sandbox protected a `.git` it created, or with the sandbox off), may have set any of these,
 * and our own git on the host would run it with the user's full rights. Command-line `-c` beats
 * every config file, so each is emptied (or pointed at nothing) here.
 */
const NEUTRAL: [string, string][] = [
  ["core.fsmonitor", ""],
  ["core.hooksPath", "/dev/null"],
  ["core.sshCommand", ""],
  ["core.pager", "cat"],
  ["core.editor", "true"],
  ["core.askPass", ""],
  ["core.gitProxy", ""],
  ["credential.helper", ""],
  ["diff.external", ""],
  ["sequence.editor", "true"],
  ["gpg.program", "false"],
  ["protocol.ext.allow", "never"],
];

/** Driver settings whose names the repository chooses: found in its config, then each emptied. */
const DRIVER_KEYS = /^(filter\.[^\n]+\.(clean|smudge|process)|diff\.[^\n]+\.(command|textconv)|merge\.[^\n]+\.driver)$/i;

/** Environment for our git: no prompts, no index writes behind the user's back. */
export const HOST_GIT_ENV: Record<string, string> = { GIT_TERMINAL_PROMPT: "0", GIT_OPTIONAL_LOCKS: "0", GIT_PAGER: "cat" };

/**
 * `-c` options to put before the subcommand of every git letta-code itself runs on the host
 * (the search tool's listing today). Reading config runs nothing, so the driver names are read
 * first; without a repository there is nothing to neutralise beyond the fixed list.
 */
export async function hostGitArgs(cwd: string): Promise<string[]> {
  const out: string[] = [];
  for (const [k, v] of NEUTRAL) out.push("-c", `${k}=${v}`);
  const names = await new Promise<string>((resolve) =>
    childProcess().execFile(
      "git",
      ["config", "--null", "--name-only", "--get-regexp", "^(filter|diff|merge)\\."],
      { cwd, encoding: "utf8", env: { ...process.env, ...HOST_GIT_ENV }, timeout: 5000 },
      // Exit 1 is "no such keys"; outside a repository it reads the user's files only. Either way, what it printed.
      (_err, stdout) => resolve(typeof stdout === "string" ? stdout : ""),
    ),
  );
  for (const name of new Set(names.split("\0"))) if (DRIVER_KEYS.test(name)) out.push("-c", `${name}=`);
  return out;
}
