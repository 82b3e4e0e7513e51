import { Tokenizer } from "htmlparser2";

/** How big a message's HTML is as a tree: what rendering it costs grows with these. */
export interface HtmlShape {
  elements: number;
  /** Deepest nesting of elements (an overestimate where HTML closes elements implicitly). */
  depth: number;
  /** Most attributes on one element. */
  attributes: number;
}

// Elements that never contain anything, so never nest.
const VOID_ELEMENTS = new Set([
  "area",
  "base",
  "br",
  "col",
  "embed",
  "hr",
  "img",
  "input",
  "link",
  "meta",
  "source",
  "track",
  "wbr",
]);

const ignore = () => {};

/**
 * The shape of `html`, read with htmlparser2's tokenizer in one pass. No tree is built: browsers
 * and jsdom spend time in proportion to depth on every tag, so the shape is checked before any
 * of them parses the HTML.
 */
export function htmlShape(html: string): HtmlShape {
  const shape: HtmlShape = { elements: 0, depth: 0, attributes: 0 };
  let depth = 0;
  let attributes = 0;
  let voidElement = false;
  let tagName = "";
  // Inside <svg> or <math>, <style> and the like are not raw text (their content is tags), as
  // in browsers; the tokenizer asks.
  let foreign = 0;
  const tokenizer = new Tokenizer(
    { decodeEntities: false },
    {
      onopentagname(start, end) {
        shape.elements++;
        attributes = 0;
        tagName = html.slice(start, end).toLowerCase();
        voidElement = VOID_ELEMENTS.has(tagName);
      },
      onattribname() {
        attributes++;
        if (attributes > shape.attributes) shape.attributes = attributes;
      },
      onopentagend() {
        if (voidElement) return;
        if (tagName === "svg" || tagName === "math") foreign++;
        depth++;
        if (depth > shape.depth) shape.depth = depth;
      },
      onclosetag(start, end) {
        const name = html.slice(start, end).toLowerCase();
        if ((name === "svg" || name === "math") && foreign > 0) foreign--;
        if (depth > 0) depth--;
      },
      isInForeignContext: () => foreign > 0,
      onselfclosingtag: ignore,
      onattribdata: ignore,
      onattribentity: ignore,
      onattribend: ignore,
      oncdata: ignore,
      oncomment: ignore,
      ondeclaration: ignore,
      onend: ignore,
      onprocessinginstruction: ignore,
      ontext: ignore,
      ontextentity: ignore,
    },
  );
  tokenizer.write(html);
  tokenizer.end();
  return shape;
}
