import { describe, expect, it } from "vitest";
import { readCorrection } from "./corrections";

describe("readCorrection", () => {
  it("rejects ordinary and malformed messages", () => {
    expect(readCorrection({ msgtype: "m.text", body: "hi" })).toBeNull();
    expect(readCorrection(null)).toBeNull();
    expect(
      readCorrection({
        "m.relates_to": { rel_type: "org.xstream.correction", event_id: "$e" },
        "org.xstream.correction": { original: 1, corrected: "x" },
      }),
    ).toBeNull();
    expect(
      readCorrection({
        "m.relates_to": { rel_type: "m.replace", event_id: "$e" },
        "org.xstream.correction": { original: "a", corrected: "b" },
      }),
    ).toBeNull();
  });
});
