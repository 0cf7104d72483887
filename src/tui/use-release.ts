/**
 * Giving back the rows a prompt took. An approval box (or a choice list) grows the live region; on
 * a full screen that pushed the transcript up into the scrollback, and when the prompt closes Ink
 * can only erase its rows: the input would sit high with blank rows under it, since a terminal
 * cannot scroll back what left the screen. So when a prompt closes on a full screen, the transcript
 * is repainted, which puts the input back at the bottom. On a screen that was not full nothing
 * scrolled, nothing is left blank, and nothing is repainted (a repaint also clears the scrollback).
 */
import { useEffect, useRef } from "react";
import type { Item } from "./items.js";
import { itemGap, itemLines } from "./item-lines.js";

/** Rows each finished item takes at a width (items never change once finished). */
const heights = new WeakMap<Item, { width: number; rows: number }>();

function transcriptRows(items: readonly Item[], width: number): number {
  let total = 0;
  for (const item of items) {
    let h = heights.get(item);
    if (!h || h.width !== width) {
      h = { width, rows: itemLines(item, width).length + itemGap(item) };
      heights.set(item, h);
    }
    total += h.rows;
  }
  return total;
}

/**
 * `promptRows`: rows the open prompt takes (0 when none); `otherRows`: the rest of the live region
 * and the chrome under it, as laid out while the prompt was open.
 */
export function useReleaseRows(opts: { promptRows: number; otherRows: number; rows: number; width: number; done: readonly Item[]; repaint(): void }): void {
  const open = useRef<{ promptRows: number; otherRows: number } | null>(null);
  const { promptRows, otherRows, rows, width, done, repaint } = opts;
  useEffect(() => {
    if (promptRows > 0) {
      open.current = { promptRows, otherRows };
      return;
    }
    const was = open.current;
    open.current = null;
    if (was && transcriptRows(done, width) + was.promptRows + was.otherRows > rows) repaint();
    // Only the prompt's opening and closing matter; the rest is read as it is then.
  }, [promptRows]);
}
