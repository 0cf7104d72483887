/** The variable letta-code reads the model endpoint's key from. */
export const API_KEY_ENV = "OPENAI_API_KEY";

/**
 * The environment for commands the agent runs. The key is letta-code's, for the model endpoint;
 * a repository's scripts (its tests, its build) have no need of it, and an approved `npm test`
 * with network (unsandboxed, or `--sandbox-network`) could otherwise send it anywhere.
 */
export function commandEnvironment(env: NodeJS.ProcessEnv, extra: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && k !== API_KEY_ENV) out[k] = v;
  return { ...out, ...extra };
}
