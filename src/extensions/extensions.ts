import { discoverCommands, type CustomCommand } from "./commands.js";
import type { HooksSection } from "../config/sections.js";
import type { HookSpec } from "./hook-config.js";
import { projectHooksNotice } from "./hook-approval-text.js";
import { discoverSkills, type Skill } from "./skills.js";

/** A project's hooks, custom commands and skills, found once when it is opened. */
export interface Extensions {
  hooks: HookSpec[];
  /** Project config files whose hooks wait for trust. */
  skippedHookFiles: string[];
  commands: CustomCommand[];
  skills: Skill[];
  /** Malformed files and entries, each naming its path. */
  warnings: string[];
}

/** `hooks`: the resolved config's section (trust already applied there). */
export function loadExtensions(opts: { projectRoot: string; env?: NodeJS.ProcessEnv; hooks: HooksSection }): Extensions {
  const env = opts.env ?? process.env;
  const hooks = opts.hooks;
  const commands = discoverCommands(opts.projectRoot, env);
  const skills = discoverSkills(opts.projectRoot, env);
  return {
    hooks: hooks.hooks,
    skippedHookFiles: hooks.skippedFiles,
    commands: commands.commands,
    skills: skills.skills,
    warnings: [
      ...hooks.warnings,
      ...(hooks.project && hooks.project.state !== "approved" ? [projectHooksNotice(hooks.project)] : []),
      ...commands.warnings,
      ...skills.warnings,
    ],
  };
}
