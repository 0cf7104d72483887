import type { Block } from "./access.js";

/** The memory section of the system prompt: each block with its usage, plus what lies outside the window. */
export function renderMemory(blocks: Block[], counts: { archival: number; recall: number; evicted?: number }): string {
  const parts = blocks.map((b) => {
    const attrs = [`label="${b.label}"`, `chars="${b.value.length}/${b.limit}"`];
    if (b.readOnly) attrs.push(`read_only="true"`);
    if (b.shared) attrs.push(`scope="user"`);
    const desc = b.description ? `<description>${b.description}</description>\n` : "";
    return `<block ${attrs.join(" ")}>\n${desc}<value>\n${b.value}\n</value>\n</block>`;
  });
  const meta = [
    `<memory_metadata>`,
    `archival_memory_passages: ${counts.archival} (search with archival_memory_search)`,
    `recall_memory_messages: ${counts.recall} (search with conversation_search)`,
    ...(counts.evicted ? [`messages_evicted_from_context: ${counts.evicted}`] : []),
    `</memory_metadata>`,
  ];
  return `<core_memory>\n${parts.join("\n")}\n</core_memory>\n${meta.join("\n")}`;
}
