/** The status line under the input, as an Ink component (what it shows: status-spans.ts). */
import React, { memo } from "react";
import { Text } from "ink";
import { SpanText } from "./lines-view.js";
import { statusSpans, type StatusProps } from "./status-spans.js";

export const StatusLine = memo(function StatusLine(p: StatusProps) {
  const spans = statusSpans(p);
  return (
    <Text wrap="truncate-end">
      {" "}
      {spans.map((s, i) => (
        <SpanText key={i} span={s} />
      ))}
    </Text>
  );
});
