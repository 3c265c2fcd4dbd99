const BASE = "http://casefile.invalid";

/**
 * Only same-site paths are followed after sign-in; anything else goes to the console home.
 * Browsers drop TAB, CR and LF inside URLs ("/\t/evil.example/" becomes "//evil.example/")
 * and read "\" as "/", so any control character or backslash is refused outright, as is a
 * second leading slash; what is left must still resolve to this site.
 */
export function safeReturnPath(value: unknown): string {
  if (typeof value !== "string" || !value.startsWith("/") || value.length > 2048) return "/";
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(value) || value.startsWith("//")) return "/";
  try {
    if (new URL(value, BASE).origin !== BASE) return "/";
  } catch {
    return "/";
  }
  return value;
}

/**
 * next-auth's redirect callback: a path on this site or an absolute URL of this site's
 * origin, checked like any return path; anything else, or anything unparseable, is the
 * console home. Never throws (a malformed callbackUrl is no server error).
 */
export function safeRedirectUrl(url: string, baseUrl: string): string {
  let base: URL;
  try {
    base = new URL(baseUrl);
  } catch {
    return "/";
  }
  const home = base.origin + base.pathname.replace(/\/$/, "");
  if (url.startsWith("/")) return home + safeReturnPath(url);
  try {
    const target = new URL(url);
    if (target.origin !== base.origin) return home;
    return home + safeReturnPath(url.slice(target.origin.length) || "/");
  } catch {
    return home;
  }
}
