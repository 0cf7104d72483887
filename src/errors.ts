/**
 * A failure someone can act on (bad arguments, a missing file, a refused command, a malformed
 * date): a tool returns its message to the model as-is. Anything else thrown is a crash and is
 * labelled as one. Told apart by this type, never by a name or message text.
 */
export class ExpectedError extends Error {
  readonly expected = true;
}

export function isExpectedError(err: unknown): err is ExpectedError {
  return err instanceof ExpectedError;
}
