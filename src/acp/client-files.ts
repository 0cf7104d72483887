import * as acp from "@agentclientprotocol/sdk";
import type { AgentContext } from "@agentclientprotocol/sdk";
import type { FileAccess } from "../tools/types.js";

/**
 * File tools read and write through the editor when it offers to (so the agent sees unsaved
 * buffers and the editor sees its edits); the tools confine the paths before they get here.
 */
export function clientFiles(client: AgentContext, sessionId: string, caps: { readTextFile?: boolean; writeTextFile?: boolean }): FileAccess | undefined {
  if (!caps.readTextFile && !caps.writeTextFile) return undefined;
  return {
    ...(caps.readTextFile
      ? { readText: async (path: string) => (await client.request(acp.methods.client.fs.readTextFile, { sessionId, path })).content }
      : {}),
    ...(caps.writeTextFile
      ? {
          writeText: async (path: string, content: string) => {
            await client.request(acp.methods.client.fs.writeTextFile, { sessionId, path, content });
          },
        }
      : {}),
  };
}
