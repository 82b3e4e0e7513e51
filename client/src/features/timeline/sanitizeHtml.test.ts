import { describe, expect, it } from "vitest";
import { sanitizeMessageHtml } from "./sanitizeHtml";

function parse(html: string | null): HTMLElement {
  const container = document.createElement("div");
  expect(html).not.toBeNull();
  container.innerHTML = html ?? "";
  return container;
}

describe("sanitizeMessageHtml", () => {
  it("removes scripts, event handlers, styles, iframes and images", () => {
    const html = sanitizeMessageHtml(
      '<p style="color:red" onclick="alert(1)">hi<script>alert(1)</script></p>' +
        "<img src=x onerror=alert(1)><iframe src='https://evil.example'></iframe><style>*{}</style>",
    );
    const safe = parse(html);
    expect(
      safe.querySelector("script, img, iframe, style, [style], [onclick], [onerror]"),
    ).toBeNull();
    expect(safe.textContent).toBe("hi");
    expect(html).not.toContain("alert");
  });

  it("keeps the spec's formatting and makes links safe", () => {
    const safe = parse(
      sanitizeMessageHtml(
        "<b>bold</b> <em>em</em> <code>x</code><ul><li>one</li></ul>" +
          '<a href="https://example.org/a">ok</a><a href="javascript:alert(1)">bad</a>' +
          '<a href="data:text/html,hi">data</a>',
      ),
    );
    expect(safe.querySelector("b")?.textContent).toBe("bold");
    expect(safe.querySelector("ul li")?.textContent).toBe("one");
    const [ok, bad, data] = safe.querySelectorAll("a");
    expect(ok).toHaveAttribute("href", "https://example.org/a");
    expect(ok).toHaveAttribute("target", "_blank");
    expect(ok).toHaveAttribute("rel", "noopener noreferrer");
    expect(bad).not.toHaveAttribute("href");
    expect(data).not.toHaveAttribute("href");
  });

  it("drops a reply's quoted fallback and marks mentions of the reader", () => {
    const safe = parse(
      sanitizeMessageHtml(
        '<mx-reply><blockquote>quoted</blockquote></mx-reply>hi <a href="https://matrix.to/#/@ana:example.org">Ana</a>',
        "@ana:example.org",
      ),
    );
    expect(safe.textContent).toBe("hi Ana");
    expect(safe.querySelector("a")).toHaveClass("mention--me");
  });

  it("never lets a class through from the sender", () => {
    const safe = parse(sanitizeMessageHtml('<span class="message--own">x</span>'));
    expect(safe.querySelector("[class]")).toBeNull();
  });
});
