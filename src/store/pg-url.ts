// A PostgreSQL URL's password masked, apart from the driver's module (team-pg.ts): every session shows the
// team's status, and the driver's module should load only in a project that joined a team.

/** The URL with its password replaced, for status lines and errors. */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "****";
    return u.toString();
  } catch {
    return url.replace(/(\/\/[^:/@]*:)[^@]*@/, "$1****@");
  }
}

/** An error's message with any password-bearing URL in it masked. */
export function maskError(err: unknown, url: string): string {
  let m = err instanceof Error ? err.message : String(err);
  try {
    const pw = new URL(url).password;
    if (pw) m = m.split(decodeURIComponent(pw)).join("****").split(pw).join("****");
  } catch {
    // not a URL: nothing of it to mask
  }
  return m.replace(/(postgres(?:ql)?:\/\/[^:/@\s]*:)[^@\s]*@/g, "$1****@");
}
