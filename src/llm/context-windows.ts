/**
 * Context windows by model name. Servers do not report it over the Chat Completions API, so we keep a small
 * table; the user can override (config / flag) for anything it gets wrong, e.g. an Ollama model run with a
 * larger num_ctx. Unknown names are assumed to be local models with a modest window.
 */
export const DEFAULT_CONTEXT_WINDOW = 32_768;

/** First match wins, so more specific patterns come before general ones. Matched against the bare model name. */
const TABLE: [RegExp, number][] = [
  // OpenAI
  [/^gpt-4\.1/, 1_047_576],
  [/^(chatgpt-)?gpt-4o|^chatgpt-4o/, 128_000],
  [/^gpt-4-(turbo|1106|0125|vision)/, 128_000],
  [/^gpt-4-32k/, 32_768],
  [/^gpt-4(-|$)/, 8_192],
  [/^gpt-3\.5-turbo/, 16_385],
  [/^gpt-5/, 400_000],
  [/^gpt-oss/, 131_072],
  [/^o1-mini/, 128_000],
  [/^o[134](-|$)/, 200_000],
  // Anthropic, Google
  [/^claude/, 200_000],
  [/^gemini-1\.5-pro/, 2_097_152],
  [/^gemini-(1\.5|2\.0|2\.5|3)/, 1_048_576],
  [/^gemma-?3/, 131_072],
  [/^gemma/, 8_192],
  // Open-weight families (Ollama names like `llama3.1:8b`, HF names like `Meta-Llama-3.1-8B-Instruct`)
  [/llama-?3\.[123]/, 131_072],
  [/llama-?4/, 1_048_576],
  [/llama-?3/, 8_192],
  [/^qwen3-coder/, 262_144],
  [/^qwen-?3/, 40_960],
  [/^qwq/, 131_072],
  [/^qwen-?2\.5/, 32_768],
  [/^codestral/, 262_144],
  [/^(devstral|mistral-(large|medium|small-3))/, 131_072],
  [/^(mistral|mixtral)/, 32_768],
  [/^deepseek/, 131_072],
  [/^phi-?4/, 16_384],
  [/^phi-?3/, 131_072],
  [/^command-r/, 131_072],
  [/^grok-4/, 256_000],
  [/^grok/, 131_072],
  [/^kimi-k2/, 131_072],
  [/^glm-4\.[56]/, 131_072],
];

/** `openai/gpt-4o` (OpenRouter), `Qwen/Qwen2.5-7B` (vLLM), `llama3.1:8b` (Ollama) -> the bare lowercase name. */
function bareName(model: string): string {
  const lower = model.trim().toLowerCase();
  return lower.slice(lower.lastIndexOf("/") + 1);
}

/** Context window in tokens: the override when it is a positive number, else the table, else the default. */
export function contextWindowFor(model: string, override?: number): number {
  if (override !== undefined && Number.isFinite(override) && override > 0) return Math.floor(override);
  const name = bareName(model);
  // Asked for every message a context is built from: the table's walk (~0.2 ms) once per name.
  let window = looked.get(name);
  if (window === undefined) {
    window = TABLE.find(([pattern]) => pattern.test(name))?.[1] ?? DEFAULT_CONTEXT_WINDOW;
    looked.set(name, window);
  }
  return window;
}

const looked = new Map<string, number>();
