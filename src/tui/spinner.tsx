/** A progress line with its own timer, so its ticks re-render only itself. */
import React, { memo, useEffect, useState } from "react";
import { Text } from "ink";
import { color, theme } from "./theme.js";

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

export const Spinner = memo(function Spinner({ label, since, hint }: { label: string; since: number; hint?: string }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 120);
    return () => clearInterval(t);
  }, []);
  const secs = Math.max(0, Math.floor((now - since) / 1000));
  const frame = FRAMES[Math.floor(now / 120) % FRAMES.length];
  return (
    <Text wrap="truncate-end">
      <Text color={color(theme.accent)}>{frame} </Text>
      {label}
      <Text dimColor>{` ${secs}s${hint ? " · " + hint : ""}`}</Text>
    </Text>
  );
});
