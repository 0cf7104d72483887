/** Local OpenAI-compatible servers on their default ports, to suggest when no model is configured. */
const CANDIDATES = [
  { name: "Ollama", baseURL: "http://127.0.0.1:11434/v1" },
  { name: "LM Studio", baseURL: "http://127.0.0.1:1234/v1" },
  { name: "llama.cpp server", baseURL: "http://127.0.0.1:8080/v1" },
];

export async function detectLocalServer(timeoutMs = 300): Promise<{ name: string; baseURL: string; model?: string } | null> {
  const probes = CANDIDATES.map(async (c) => {
    const res = await fetch(`${c.baseURL}/models`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) throw new Error(String(res.status));
    const body = (await res.json()) as { data?: { id?: string }[] };
    return { ...c, model: body.data?.[0]?.id };
  });
  try {
    return await Promise.any(probes);
  } catch {
    return null;
  }
}
