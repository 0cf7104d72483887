/**
 * Why a request's messages are not a valid chat sequence (the API rejects them, or a model would
 * read another turn's prompt as its own), or null when they are: every assistant message with
 * tool_calls is followed by exactly one tool message per call, before anything else.
 */
export function chatSequenceProblem(messages: { role: string; tool_calls?: { id: string }[]; tool_call_id?: string }[]): string | null {
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    if (m.role === "tool") return `message ${i}: a tool result that answers no call just before it`;
    if (m.role !== "assistant" || !m.tool_calls?.length) continue;
    const open = new Set(m.tool_calls.map((c) => c.id));
    let j = i + 1;
    for (; j < messages.length && messages[j]!.role === "tool"; j++) {
      const id = messages[j]!.tool_call_id!;
      if (!open.delete(id)) return `message ${j}: tool result ${id} answers no open call`;
    }
    if (open.size) return `message ${i}: calls ${[...open].join(", ")} have no result before message ${j} (${messages[j]?.role ?? "end"})`;
    i = j - 1;
  }
  return null;
}
