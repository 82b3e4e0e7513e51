import DOMPurify from "dompurify";
import { htmlShape } from "./htmlShape";

/**
 * The HTML a Matrix `formatted_body` may use (the spec's suggested list, minus images: `mxc://`
 * images need authenticated media, and remote ones would leak the reader's address).
 */
const ALLOWED_TAGS = [
  "a",
  "b",
  "blockquote",
  "br",
  "caption",
  "code",
  "del",
  "details",
  "div",
  "em",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "hr",
  "i",
  "li",
  "ol",
  "p",
  "pre",
  "s",
  "span",
  "strike",
  "strong",
  "sub",
  "summary",
  "sup",
  "table",
  "tbody",
  "td",
  "th",
  "thead",
  "tr",
  "u",
  "ul",
];

/** No `style`, no `class` (ours would restyle the page), no event handlers. */
const ALLOWED_ATTR = ["href", "title", "start", "colspan", "rowspan"];

const SAFE_LINK = /^(https?:|mailto:)/i;

/** A reply's quoted fallback, which clients show as a quote of their own instead. */
const REPLY_FALLBACK = /^<mx-reply>[\s\S]*?<\/mx-reply>/i;

let purifier: ReturnType<typeof DOMPurify> | null = null;

/** One DOMPurify instance of our own, so its hooks do not change anyone else's. */
function getPurifier(myUserId: string | null) {
  if (!purifier) purifier = DOMPurify(window);
  purifier.removeAllHooks();
  purifier.addHook("afterSanitizeAttributes", (node) => {
    if (node.nodeName !== "A") return;
    const href = node.getAttribute("href") ?? "";
    if (!SAFE_LINK.test(href)) {
      node.removeAttribute("href");
      return;
    }
    // Links open in a new tab and cannot reach back into the app.
    node.setAttribute("target", "_blank");
    node.setAttribute("rel", "noopener noreferrer");
    if (myUserId && isMentionOf(href, myUserId)) node.setAttribute("class", "mention mention--me");
  });
  return purifier;
}

function isMentionOf(href: string, userId: string): boolean {
  try {
    const url = new URL(href);
    return url.hostname === "matrix.to" && decodeURIComponent(url.hash) === `#/${userId}`;
  } catch {
    return false;
  }
}

/**
 * The largest HTML rendered as HTML. Chat messages use a few dozen elements; thousands of them,
 * deep nesting or huge attribute lists make parsing, sanitising and layout slow (tree builders
 * check the open elements on every tag, and removing attributes one by one is quadratic). The
 * Matrix spec suggests clients limit nesting to 100. Larger HTML shows as the plain `body`: the
 * same words, unformatted.
 */
export const HTML_LIMITS = { elements: 1_000, depth: 100, attributes: 32 } as const;

function isRenderable(html: string): boolean {
  const shape = htmlShape(html);
  return (
    shape.elements <= HTML_LIMITS.elements &&
    shape.depth <= HTML_LIMITS.depth &&
    shape.attributes <= HTML_LIMITS.attributes
  );
}

/**
 * A message's `formatted_body` made safe to put in the page: only the allow-listed tags and
 * attributes stay, scripts and handlers go, links become http(s)/mailto only and open in a new
 * tab. Links mentioning `myUserId` get the class `mention--me`. Null when the HTML is larger than
 * HTML_LIMITS: show the plain `body` instead.
 */
export function sanitizeMessageHtml(html: string, myUserId: string | null = null): string | null {
  if (!isRenderable(html)) return null;
  return getPurifier(myUserId).sanitize(html.replace(REPLY_FALLBACK, ""), {
    ALLOWED_TAGS,
    ALLOWED_ATTR,
    ALLOW_DATA_ATTR: false,
    ALLOW_ARIA_ATTR: false,
    ADD_ATTR: ["target", "rel"],
    RETURN_TRUSTED_TYPE: false,
  });
}
