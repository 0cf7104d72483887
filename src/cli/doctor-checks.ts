import { childProcess } from "../lazy-builtins.js";
import { join, resolve } from "node:path";
import type { ResolvedConfig } from "../config/resolve.js";
import { configuredEndpoint } from "../config/last-endpoint.js";
import { LETTA_DIR } from "../config/project.js";
import { API_KEY_ENV } from "../config/credentials.js";
import { detectSandbox, INSTALL_HINT } from "../permissions/sandbox.js";
import { EmbedderProvider } from "../embeddings/provider.js";
import { storeHealth, SCHEMA_VERSION } from "../store/health.js";
import { baseURLProblem, shownURL } from "../llm/endpoint-url.js";

/**
 * One line of `letta-code doctor`. `ok: false` on a required check fails the run (exit 1); on an
 * optional one it is a warning: letta-code works without it, with the fallback named in `detail`.
 */
export interface Check {
  name: "endpoint" | "sandbox" | "embeddings" | "store" | "ripgrep";
  ok: boolean;
  required: boolean;
  detail: string;
  /** What to do about it, when not ok. */
  fix?: string;
}

/** Long enough for a slow local server to answer, short enough that a dead address is said quickly. */
const ENDPOINT_TIMEOUT_MS = 5000;

export async function endpointCheck(config: ResolvedConfig, root: string, env: NodeJS.ProcessEnv): Promise<Check> {
  const found = configuredEndpoint(config, root, env);
  const base = { name: "endpoint" as const, required: true };
  if (!found) {
    return {
      ...base,
      ok: false,
      detail: `no model configured (base URL ${shownURL(config.baseURL)})`,
      fix: "pass --model NAME (and --base-url URL for a local server), set LETTA_CODE_MODEL, or `letta-code config set model NAME`",
    };
  }
  const at = `${found.model} at ${shownURL(found.baseURL)}`;
  const problem = baseURLProblem(found.baseURL);
  if (problem) return { ...base, ok: false, detail: `${found.model}: ${problem}`, fix: "fix --base-url / OPENAI_BASE_URL / \"baseURL\" in your user config" };
  const headers: Record<string, string> = config.apiKey ? { authorization: `Bearer ${config.apiKey}` } : {};
  const request = async (path: string, init: RequestInit = {}) =>
    fetch(`${found.baseURL}${path}`, { ...init, headers: { ...headers, ...(init.headers as Record<string, string>) }, signal: AbortSignal.timeout(ENDPOINT_TIMEOUT_MS) });
  const authFix = `set ${API_KEY_ENV} (or "apiKey" in your user config) to a key this server accepts`;
  try {
    let res = await request("/models");
    // Some OpenAI-compatible servers have no model list: a one-token completion answers the same question.
    if (res.status === 404 || res.status === 405) {
      res = await request("/chat/completions", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: found.model, messages: [{ role: "user", content: "ping" }], max_tokens: 1 }),
      });
    }
    if (res.status === 401 || res.status === 403) return { ...base, ok: false, detail: `${at}: the server refused the API key (HTTP ${res.status})`, fix: authFix };
    if (!res.ok) return { ...base, ok: false, detail: `${at}: the server answered HTTP ${res.status}`, fix: "check --base-url: it should end in /v1 for most servers" };
    const listed = await listedModels(res);
    const note = listed && !listed.includes(found.model) ? ` (not in its model list: ${listed.slice(0, 5).join(", ")}${listed.length > 5 ? ", …" : ""})` : "";
    return { ...base, ok: true, detail: `${at}: reachable${note}` };
  } catch (err) {
    // undici puts the socket's error (ECONNREFUSED, ENOTFOUND…) in `cause`, several for a host with many addresses.
    const e = err as Error & { cause?: { code?: string; message?: string; errors?: { code?: string }[] } };
    const why = e.name === "TimeoutError" ? `no answer within ${ENDPOINT_TIMEOUT_MS / 1000} s` : (e.cause?.code ?? e.cause?.errors?.[0]?.code ?? e.cause?.message ?? e.message);
    return {
      ...base,
      ok: false,
      detail: `${at}: unreachable (${why})`,
      fix: "start the model server, or point --base-url / OPENAI_BASE_URL at one that is running",
    };
  }
}

/** A model list is a few hundred KB at most; a body past this is not one, and is not read on into memory. */
const MAX_LIST_BYTES = 8 << 20;

async function listedModels(res: Response): Promise<string[] | undefined> {
  try {
    const body = JSON.parse(await cappedText(res, MAX_LIST_BYTES)) as { data?: { id?: unknown }[] };
    return Array.isArray(body?.data) ? body.data.flatMap((m) => (typeof m.id === "string" ? [m.id] : [])) : undefined;
  } catch {
    return undefined;
  }
}

/** The body as text, or a throw once it passes `max` bytes (the rest is not read). */
async function cappedText(res: Response, max: number): Promise<string> {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      throw new Error(`model list over ${max} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export async function sandboxCheck(config: ResolvedConfig): Promise<Check> {
  const status = await detectSandbox();
  // Only `sandbox: on` makes a missing sandbox fatal: auto runs commands unsandboxed (said once), off never uses it.
  const required = config.sandbox === true;
  if (config.sandbox === false) return { name: "sandbox", ok: true, required, detail: "off (commands run unsandboxed, as configured)" };
  if (status.available) return { name: "sandbox", ok: true, required, detail: `bubblewrap works (${status.bwrap})` };
  return {
    name: "sandbox",
    ok: false,
    required,
    detail: `${status.reason}; ${required ? "sandbox is on, so commands will be refused" : "commands run unsandboxed, after approval"}`,
    fix: status.bwrap ? "allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1) or update bubblewrap" : INSTALL_HINT,
  };
}

export async function embeddingsCheck(config: ResolvedConfig, root: string): Promise<Check> {
  // As the project opens it: a config's paths are relative to the project.
  const emb = { ...config.embeddings };
  if (emb.localPath) emb.localPath = resolve(root, emb.localPath);
  if (emb.cacheDir) emb.cacheDir = resolve(root, emb.cacheDir);
  const provider = new EmbedderProvider(emb);
  const embedder = await provider.get();
  if (embedder) return { name: "embeddings", ok: true, required: false, detail: `${provider.settings.model} loads (${embedder.dim} dimensions)` };
  return {
    name: "embeddings",
    ok: false,
    required: false,
    detail: `${provider.settings.model} not loadable (${provider.reason}); memory search falls back to lexical (full-text only)`,
    fix: provider.settings.localPath
      ? `put the model's files under ${provider.settings.localPath}, or unset LETTA_CODE_EMBEDDING_PATH / embeddings.localPath to download it`
      : "let it download once (needs the Hugging Face hub), or set embeddings.localPath to a downloaded copy",
  };
}

export function storeCheck(root: string): Check {
  const file = join(root, LETTA_DIR, "letta.db");
  const h = storeHealth(file);
  const base = { name: "store" as const, required: true };
  switch (h.state) {
    case "missing":
      return { ...base, ok: true, detail: `${file} not created yet (made on the first run)` };
    case "ok":
      return { ...base, ok: true, detail: `${file} opens, schema version ${h.schemaVersion}, integrity ok` };
    case "needs-migration":
      return { ...base, ok: true, detail: `${file} opens; schema older than ${SCHEMA_VERSION}, migrated on the next run` };
    case "damaged":
      return { ...base, ok: false, detail: `${file} fails integrity_check: ${h.detail}`, fix: `move it aside (mv "${file}" "${file}.corrupt") to start with a fresh memory, or restore a backup` };
    default:
      return { ...base, ok: false, detail: h.detail ?? `${file} does not open` };
  }
}

export function ripgrepCheck(): Check {
  const r = childProcess().spawnSync("rg", ["--pcre2-version"], { encoding: "utf8", timeout: 5000 });
  if (r.status === 0) return { name: "ripgrep", ok: true, required: false, detail: `rg with PCRE2 (${r.stdout.split("\n")[0]?.trim()})` };
  const present = !r.error;
  return {
    name: "ripgrep",
    ok: false,
    required: false,
    detail: `${present ? "rg lacks PCRE2" : "rg not found on PATH"}; search_files uses git grep or its own walker (slower on big trees)`,
    fix: "install ripgrep with PCRE2 (apt-get install ripgrep / brew install ripgrep)",
  };
}
