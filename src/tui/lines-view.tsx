/** Renders pre-wrapped rows (see text-layout.ts) as one Ink <Text>: one yoga node per block, not per row. */
import React, { Fragment, memo } from "react";
import { Text } from "ink";
import type { Line, Span } from "./text-layout.js";
import { color } from "./theme.js";

export function SpanText({ span }: { span: Span }) {
  return (
    <Text
      color={color(span.color)}
      bold={span.bold}
      italic={span.italic}
      dimColor={span.dim}
      underline={span.underline}
      strikethrough={span.strike}
      inverse={span.inverse}
    >
      {span.text}
    </Text>
  );
}

export const LinesView = memo(function LinesView({ lines }: { lines: Line[] }) {
  if (lines.length === 0) return null;
  return (
    <Text>
      {lines.map((line, i) => (
        <Fragment key={i}>
          {i > 0 ? "\n" : ""}
          {line.length === 0 ? " " : line.map((s, j) => <SpanText key={j} span={s} />)}
        </Fragment>
      ))}
    </Text>
  );
});
