/**
 * Mail bodies: the plain text is the message; the HTML part is the same lines, escaped,
 * with the deep link as a button. Nothing but what the caller put in the lines is shown,
 * and callers put in the minimum (case key, action, risk, who), never evidence or secrets.
 */
const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

export function textBody(body: string, link: string): string {
  return `${body}\n\nOpen in Casefile: ${link}\n\n— Casefile. Change what you are told at ${notificationsLink(link)}`;
}

function notificationsLink(link: string): string {
  try {
    return new URL("/notifications", link).toString();
  } catch {
    return "/notifications";
  }
}

export function htmlBody(subject: string, body: string, link: string): string {
  const paragraphs = body
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => `<p style="margin:0 0 8px">${escapeHtml(line)}</p>`)
    .join("");
  const href = escapeHtml(link);
  return [
    `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#111;max-width:560px">`,
    `<h2 style="font-size:16px">${escapeHtml(subject)}</h2>`,
    paragraphs,
    `<p><a href="${href}" style="display:inline-block;padding:8px 14px;background:#1d4ed8;color:#fff;border-radius:6px;text-decoration:none">Open in Casefile</a></p>`,
    `<p style="color:#666;font-size:12px">${href}<br>Change what you are told at <a href="${escapeHtml(notificationsLink(link))}">your notifications page</a>.</p>`,
    `</body></html>`,
  ].join("");
}
