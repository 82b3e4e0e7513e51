/* biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${XS_*} is the template syntax under test */
import { describe, expect, it } from "vitest";
import { renderTemplate, TemplateError, yamlRegexLiteral } from "./render.ts";

describe("renderTemplate", () => {
  it("fills every placeholder", () => {
    expect(renderTemplate("a: ${XS_A}\nb: ${XS_B}", { XS_A: "x", XS_B: 7 }, "t")).toBe(
      "a: x\nb: 7",
    );
  });

  it("names every missing key", () => {
    expect(() => renderTemplate("${XS_B} ${XS_A} ${XS_A}", {}, "homeserver.yaml")).toThrow(
      new TemplateError("homeserver.yaml: no value for XS_A, XS_B"),
    );
  });

  it("leaves text that is not an XS_ placeholder alone", () => {
    expect(renderTemplate("${HOME} $XS_A", {}, "t")).toBe("${HOME} $XS_A");
  });
});

describe("yamlRegexLiteral", () => {
  it("escapes dots for a YAML double-quoted regex", () => {
    expect(yamlRegexLiteral("example.org")).toBe("example\\\\.org");
  });
});
