/**
 * `@server:uri` mentions: on submit, each named MCP resource is read and appended to the message
 * like an `@path` file, capped the same way. A mention whose server is unknown stays text.
 */
import type { Attachment } from "./input-types.js";
import { ATTACH_CAP } from "./file-mentions.js";

export interface ResourceReader {
  serverNames(): string[];
  readResource(server: string, uri: string): Promise<{ text: string; bytes: number }>;
}

export function mentionedResources(text: string, servers: readonly string[]): { server: string; uri: string }[] {
  const out: { server: string; uri: string }[] = [];
  for (const m of text.matchAll(/(^|\s)@([\w.@-]+):(\S+)/g)) {
    const uri = m[3]!.replace(/[.,;!?)\]]+$/, "");
    if (servers.includes(m[2]!) && uri && !out.some((r) => r.server === m[2] && r.uri === uri)) out.push({ server: m[2]!, uri });
  }
  return out;
}

export async function expandResources(
  text: string,
  reader: ResourceReader,
  cap = ATTACH_CAP,
): Promise<{ text: string; attachments: Attachment[]; failed: string[] }> {
  const wanted = mentionedResources(text, reader.serverNames());
  if (wanted.length === 0) return { text, attachments: [], failed: [] };
  const blocks: string[] = [];
  const attachments: Attachment[] = [];
  const failed: string[] = [];
  for (const { server, uri } of wanted) {
    try {
      const r = await reader.readResource(server, uri);
      const truncated = Buffer.byteLength(r.text) > cap;
      const body = truncated ? Buffer.from(r.text).subarray(0, cap).toString("utf8") : r.text;
      let longest = 2;
      for (const m of body.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
      const fence = "`".repeat(longest + 1);
      blocks.push(`${fence}${server}:${uri}\n${body}${body.endsWith("\n") ? "" : "\n"}${fence}${truncated ? `\n(truncated to ${Math.round(cap / 1024)} KB)` : ""}`);
      attachments.push({ path: `${server}:${uri}`, bytes: r.bytes, truncated });
    } catch (e) {
      failed.push(`${server}:${uri} (${e instanceof Error ? e.message : String(e)})`);
    }
  }
  if (blocks.length === 0) return { text, attachments, failed };
  return { text: `${text}\n\nAttached resources:\n\n${blocks.join("\n\n")}`, attachments, failed };
}
