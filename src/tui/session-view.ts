/**
 * Reading the session for display: guarded so a session that fails to answer (a closed store,
 * a switched agent) degrades the view instead of crashing the app.
 */
import type { AgentSession, SessionStats } from "../agent/session.js";
import { newId, type Item } from "./items.js";

const EMPTY_STATS: SessionStats = {
  contextTokens: 0,
  contextWindow: 0,
  coreChars: 0,
  coreLimit: 0,
  archivalCount: 0,
  recallCount: 0,
  sessionUsage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 },
};

export function safeStats(s: AgentSession): SessionStats {
  try {
    return s.stats();
  } catch {
    return EMPTY_STATS;
  }
}

export function headerItem(s: AgentSession): Item {
  return { kind: "header", id: newId(), info: s.info() };
}

/** Exchanges of the current conversation shown on start, unless TuiOptions.resumeLimit says otherwise. */
export const RESUME_LIMIT = 10;

export function startItems(s: AgentSession, limit: number): Item[] {
  const items: Item[] = [headerItem(s)];
  for (const text of s.takeNotices?.() ?? []) items.push({ kind: "note", id: newId(), level: "warn", text });
  try {
    const entries = s.recentTranscript(limit);
    if (entries.length > 0) items.push({ kind: "resumed", id: newId(), entries });
  } catch {
    // A transcript we can't read must not keep the user from starting.
  }
  return items;
}

export const errMessage = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** What to do about an error, in one line. */
export function errorHint(message: string, baseURL?: string): string {
  const m = message.toLowerCase();
  if (/401|403|api key|unauthori[sz]ed|authentication/.test(m)) return "Check your API key (OPENAI_API_KEY or the apiKey in .letta/config), then send your message again.";
  if (/econnrefused|enotfound|fetch failed|network|socket|connect/.test(m))
    return `Is the model server reachable${baseURL ? ` at ${baseURL}` : ""}? Check the base URL, then send your message again.`;
  if (/429|rate limit/.test(m)) return "Rate limited: wait a moment, then send your message again.";
  if (/context|too long|maximum.*tokens|token limit/.test(m)) return "The conversation is too long for the model: run /compact, then resend.";
  if (/model.*(not found|does not exist)|404/.test(m)) return "Check the model name with /model, then resend.";
  return "Send your message again to retry; /help lists commands.";
}

export function safeInfo(s: AgentSession) {
  try {
    return s.info();
  } catch {
    return undefined;
  }
}
