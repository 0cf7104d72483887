/** Transcript items as Ink components: finished ones written once by <Static>, each through item-lines.ts. */
import React, { memo, useMemo } from "react";
import { Box, Static } from "ink";
import type { Item } from "./items.js";
import { itemGap, safeItemLines } from "./item-lines.js";
import { LinesView } from "./lines-view.js";

export const ItemView = memo(function ItemView({ item, width, expanded }: { item: Item; width: number; expanded: boolean }) {
  const lines = useMemo(() => safeItemLines(item, width, expanded), [item, width, expanded]);
  return (
    <Box marginTop={itemGap(item)} flexDirection="column">
      <LinesView lines={lines} />
    </Box>
  );
});

/**
 * Finished items, written once into the terminal's scrollback by <Static>.
 * `generation` remounts it (after Ctrl-L, /clear, a resize or Ctrl-O on a finished tool)
 * so everything is re-rendered at the current width.
 */
export const FinishedItems = memo(function FinishedItems({
  items,
  width,
  expandedIds,
  generation,
  printed = 0,
}: {
  items: Item[];
  width: number;
  expandedIds: ReadonlySet<number>;
  generation: number;
  /** How many leading items were written to the terminal before the first frame (printed-transcript.ts); a repaint draws them again. */
  printed?: number;
}) {
  const shown = useMemo(() => (generation === 0 && printed > 0 ? items.slice(printed) : items), [items, generation, printed]);
  return (
    <Static key={generation} items={shown}>
      {(item) => <ItemView key={item.id} item={item} width={width} expanded={expandedIds.has(item.id)} />}
    </Static>
  );
});

