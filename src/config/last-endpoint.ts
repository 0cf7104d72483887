import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { projectKey } from "../trust/record.js";
import { writeFileAtomic } from "./atomic-write.js";
import { userConfigDir } from "./user-dirs.js";

/**
 * The model and base URL a project last ran with, always as a pair: a model name only means
 * something at the endpoint that served it (`mock-model` sent to api.openai.com is a failed request).
 * Kept in the user's config dir, not in `.letta/`: a cloned repository must not be able to choose
 * where the user's API key is sent.
 */
export interface Endpoint {
  model: string;
  baseURL: string;
}

interface EndpointFile {
  version: 1;
  projects: Record<string, Endpoint>;
}

export function lastEndpointPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(userConfigDir(env), "last-endpoint.json");
}

function read(env: NodeJS.ProcessEnv): EndpointFile {
  const file = lastEndpointPath(env);
  if (!existsSync(file)) return { version: 1, projects: {} };
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as Partial<EndpointFile>;
    if (parsed && typeof parsed.projects === "object" && parsed.projects !== null) return { version: 1, projects: parsed.projects };
  } catch {
    // A damaged memory of the last endpoint is only a convenience lost: start afresh.
  }
  return { version: 1, projects: {} };
}

export function lastEndpoint(root: string, env: NodeJS.ProcessEnv = process.env): Endpoint | undefined {
  const e = read(env).projects[projectKey(root)];
  return e && typeof e.model === "string" && typeof e.baseURL === "string" ? e : undefined;
}

export function rememberEndpoint(root: string, endpoint: Endpoint, env: NodeJS.ProcessEnv = process.env): void {
  const data = read(env);
  const key = projectKey(root);
  const had = data.projects[key];
  if (had?.model === endpoint.model && had.baseURL === endpoint.baseURL) return;
  data.projects[key] = { model: endpoint.model, baseURL: endpoint.baseURL };
  const file = lastEndpointPath(env);
  mkdirSync(dirname(file), { recursive: true });
  writeFileAtomic(file, `${JSON.stringify(data, null, 2)}\n`, 0o600);
}

/**
 * Which model at which endpoint a run uses: the configured model at the configured base URL, else
 * the pair this project last ran with when the base URL was not moved elsewhere. undefined: none.
 */
export function configuredEndpoint(
  c: { model?: string; baseURL: string; baseURLSource: string },
  root: string,
  env: NodeJS.ProcessEnv = process.env,
): Endpoint | undefined {
  if (c.model) return { model: c.model, baseURL: c.baseURL };
  const last = lastEndpoint(root, env);
  if (last && (c.baseURLSource === "default" || last.baseURL.replace(/\/+$/, "") === c.baseURL)) return last;
  return undefined;
}
