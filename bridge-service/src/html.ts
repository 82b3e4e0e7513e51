// HTML escaping for text we put into markup: the bot's formatted replies and the partner mails.
// Quotes too, since the text also lands in attribute values (`href="…"`).

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}
