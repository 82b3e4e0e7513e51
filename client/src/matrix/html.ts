/** Escapes text for use in Matrix `formatted_body` HTML (element content or attribute values). */
export function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** Plain text as HTML: escaped, with line breaks kept as `<br>`. */
export function textToHtml(text: string): string {
  return escapeHtml(text).replaceAll("\n", "<br>");
}

/** A matrix.to permalink to a user, as Element and other clients write mention pills. */
export function userPermalink(userId: string): string {
  return `https://matrix.to/#/${userId}`;
}
