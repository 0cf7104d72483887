/** The terminal's size, read without Ink: the opening screen is laid out before Ink has loaded. */
export interface TermSize {
  columns: number;
  rows: number;
}

export const terminalSize = (s: NodeJS.WriteStream): TermSize => ({
  // Non-TTY streams (pipes, test doubles) may not report a size: assume a classic 80x24.
  columns: s.columns > 0 ? s.columns : 80,
  rows: s.rows > 0 ? s.rows : 24,
});
