import { describe, expect, it } from "vitest";
import {
  COMMAND_HTML_MAX_LENGTH,
  COMMAND_MAX_LENGTH,
  htmlToText,
  messageText,
} from "./messageText.js";

const html = (body: string, formatted: string) => ({
  msgtype: "m.text",
  body,
  format: "org.matrix.custom.html",
  formatted_body: formatted,
});

describe("messageText", () => {
  it("is the body of plain messages", () => {
    expect(messageText({ msgtype: "m.text", body: "match" })).toEqual({
      kind: "text",
      text: "match",
    });
    expect(messageText({ msgtype: "m.text" })).toEqual({ kind: "none" });
  });

  it("reads mention pills as user ids and links as addresses", () => {
    expect(
      messageText(
        html(
          "block Troll Face",
          'block <a href="https://matrix.to/#/%40troll%3Aother.example">Troll Face</a>',
        ),
      ),
    ).toEqual({ kind: "text", text: "block @troll:other.example" });
    expect(
      messageText(
        html(
          "report Troll said &lt;b&gt;",
          '<mx-reply><blockquote>old <a href="https://x.example">x</a></blockquote></mx-reply>report <a href="https://matrix.to/#/@troll:hs">Troll</a> said &lt;b&gt; in <a href="https://matrix.to/#/!r:hs/$e1?via=hs&amp;via=x">this</a>',
        ),
      ),
    ).toEqual({
      kind: "text",
      text: "report @troll:hs said <b> in https://matrix.to/#/!r:hs/$e1?via=hs&via=x",
    });
  });

  it("keeps the body when the HTML has no links", () => {
    expect(messageText(html("learn en B1", "<p>learn en <strong>B1</strong></p>"))).toEqual({
      kind: "text",
      text: "learn en B1",
    });
  });

  it("refuses to read messages longer than a command", () => {
    expect(messageText({ msgtype: "m.text", body: "x".repeat(COMMAND_MAX_LENGTH + 1) })).toEqual({
      kind: "too_long",
      length: COMMAND_MAX_LENGTH + 1,
    });
    const hostile = '<a href="x" '.repeat(2_000);
    expect(messageText(html("help", hostile))).toEqual({
      kind: "too_long",
      length: hostile.length,
    });
    expect(hostile.length).toBeGreaterThan(COMMAND_HTML_MAX_LENGTH);
    // Under the HTML limit, but the text its links make is too long.
    const links = '<a href="https://example.org/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">x</a>'.repeat(
      100,
    );
    expect(links.length).toBeLessThan(COMMAND_HTML_MAX_LENGTH);
    expect(messageText(html("x", links))).toEqual({ kind: "too_long", length: 5_300 });
  });
});

describe("htmlToText", () => {
  it("keeps line breaks and drops markup", () => {
    expect(htmlToText("<p>one <em>two</em></p><p>three<br/>four<br>five</p>")).toEqual({
      text: "one two\nthree\nfour\nfive",
      links: 0,
    });
  });

  it("decodes entities in text and in addresses", () => {
    expect(htmlToText("<A HREF='https://matrix.to/#/@a:b'>A</A> b&amp;c&#x41;&#66;")).toEqual({
      text: "@a:b b&cAB",
      links: 1,
    });
    expect(htmlToText('<a href="https://e.org/?a=1&amp;b=2">x</a>').text).toBe(
      "https://e.org/?a=1&b=2",
    );
  });

  it("reads the first of repeated href attributes, as browsers do", () => {
    expect(htmlToText('<a href="https://one.example" href="https://two.example">x</a>').text).toBe(
      "https://one.example",
    );
  });

  it("survives the message that froze the bridge, and unclosed or stray tags", () => {
    expect(htmlToText('<a href="x" '.repeat(2_000))).toEqual({ text: "", links: 0 });
    expect(htmlToText("</a></mx-reply>help<mx-reply>quoted").text).toBe("help");
    expect(htmlToText('<a href="https://x.example">label').text).toBe("https://x.example");
  });
});
