/**
 * The variable letta-code reads the model endpoint's key from. It is ours, for the model endpoint:
 * what we start for the model never inherits it (see child-env.ts).
 */
export const API_KEY_ENV = "OPENAI_API_KEY";
