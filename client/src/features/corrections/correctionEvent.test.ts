import { describe, expect, it } from "vitest";
import { readCorrection } from "../../matrix/corrections";
import { buildCorrectionContent, correctionHtml } from "./correctionEvent";

describe("buildCorrectionContent", () => {
  it("relates to the corrected message and carries both texts, with a readable fallback", () => {
    expect(
      buildCorrectionContent({
        eventId: "$original",
        original: "I has gone to the park",
        corrected: "I went to the park",
        originalSenderId: "@bob:example.org",
      }),
    ).toEqual({
      msgtype: "m.text",
      body: "Correction: “I went to the park”",
      format: "org.matrix.custom.html",
      formatted_body: "Correction: “I <del>has</del><b>went</b> <del>gone </del>to the park”",
      "m.relates_to": { rel_type: "org.xstream.correction", event_id: "$original" },
      "org.xstream.correction": {
        original: "I has gone to the park",
        corrected: "I went to the park",
      },
      "m.mentions": { user_ids: ["@bob:example.org"] },
    });
  });

  it("mentions nobody when the original sender is unknown", () => {
    const content = buildCorrectionContent({ eventId: "$e", original: "a", corrected: "b" });
    expect(content["m.mentions"]).toEqual({});
  });

  it("escapes HTML in both texts and keeps line breaks", () => {
    expect(correctionHtml("<b>x</b> & y", "<i>x</i> & y\nz")).toBe(
      "Correction: “&lt;<del>b</del><b>i</b>&gt;x&lt;/<del>b</del><b>i</b>&gt; &amp; y<b><br>z</b>”",
    );
  });
});

describe("readCorrection", () => {
  it("reads back what buildCorrectionContent wrote", () => {
    const content = buildCorrectionContent({ eventId: "$e", original: "a b", corrected: "a c" });
    expect(readCorrection(content)).toEqual({ eventId: "$e", original: "a b", corrected: "a c" });
  });
});
