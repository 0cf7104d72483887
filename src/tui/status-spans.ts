/**
 * One row under the input: model, context usage (bar + %), core memory chars/limit,
 * archival passage count and the permission mode. Segments are dropped from the least
 * important end when the terminal is narrow, so it never wraps.
 */
import type { PermissionMode } from "../agent/session.js";
import { stringWidth, type Span } from "./text-layout.js";
import { theme, type ColorName } from "./theme.js";

export interface StatusProps {
  model: string;
  contextTokens: number;
  contextWindow: number;
  coreChars: number;
  coreLimit: number;
  archivalCount: number;
  mode: PermissionMode;
  width: number;
  /** The background reflection pass is running. */
  reflecting?: boolean;
}

export function compactNumber(n: number): string {
  if (n < 1000) return String(n);
  if (n < 10_000) return (n / 1000).toFixed(1).replace(/\.0$/, "") + "k";
  if (n < 1_000_000) return Math.round(n / 1000) + "k";
  return (n / 1_000_000).toFixed(1).replace(/\.0$/, "") + "M";
}

export function contextBar(used: number, total: number, cells = 10): { bar: string; pct: number; color: ColorName } {
  const pct = total > 0 ? Math.min(100, Math.round((used / total) * 100)) : 0;
  const filled = Math.min(cells, Math.round((pct / 100) * cells));
  const c: ColorName = pct >= 85 ? theme.error : pct >= 60 ? theme.warn : theme.ok;
  return { bar: "█".repeat(filled) + "░".repeat(cells - filled), pct, color: c };
}

const MODE_COLOR: Record<PermissionMode, ColorName | undefined> = {
  ask: undefined,
  "accept-edits": theme.accent,
  yolo: theme.error,
  "read-only": theme.user,
};

/** Segments in priority order (most important first). */
export function statusSegments(p: StatusProps): Span[][] {
  const { bar, pct, color } = contextBar(p.contextTokens, p.contextWindow);
  return [
    [{ text: "mode " , dim: true }, { text: p.mode, bold: true, color: MODE_COLOR[p.mode] }],
    [{ text: "ctx ", dim: true }, { text: bar, color }, { text: ` ${pct}%`, color }, { text: ` ${compactNumber(p.contextTokens)}/${compactNumber(p.contextWindow)}`, dim: true }],
    [{ text: p.model, color: theme.accent }],
    [{ text: "core ", dim: true }, { text: `${compactNumber(p.coreChars)}/${compactNumber(p.coreLimit)}` }],
    // Worth a place while it lasts: memory is changing in the background.
    p.reflecting ? [{ text: "✻ reflecting", color: theme.memory }] : [],
    [{ text: "archival ", dim: true }, { text: String(p.archivalCount) }],
    [{ text: "shift+tab mode", dim: true }],
  ];
}

export function statusSpans(p: StatusProps): Span[] {
  const segs = statusSegments(p);
  const width = Math.max(10, p.width - 1);
  const sep: Span = { text: " · ", dim: true };
  // Keep the most important segments that fit, then show them in reading order.
  const keep: number[] = [];
  let used = 0;
  for (let i = 0; i < segs.length; i++) {
    if (segs[i]!.length === 0) continue;
    const w = segs[i]!.reduce((a, s) => a + stringWidth(s.text), 0) + (keep.length > 0 ? 3 : 0);
    if (used + w > width) continue;
    keep.push(i);
    used += w;
  }
  const order = [2, 1, 3, 5, 4, 0, 6].filter((i) => keep.includes(i));
  const out: Span[] = [];
  order.forEach((i, n) => {
    if (n > 0) out.push(sep);
    out.push(...segs[i]!);
  });
  return out;
}
