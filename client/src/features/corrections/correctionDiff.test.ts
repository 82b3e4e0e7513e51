import { describe, expect, it } from "vitest";
import { correctionDiff, isUnchanged } from "./correctionDiff";

describe("correctionDiff", () => {
  it("marks replaced words as removed then added, keeping what is shared", () => {
    expect(correctionDiff("She go to school every days", "She goes to school every day")).toEqual([
      { kind: "same", text: "She " },
      { kind: "removed", text: "go" },
      { kind: "added", text: "goes" },
      { kind: "same", text: " to school every " },
      { kind: "removed", text: "days" },
      { kind: "added", text: "day" },
    ]);
  });

  it("handles pure insertions and deletions", () => {
    expect(correctionDiff("I like cats", "I really like cats")).toEqual([
      { kind: "same", text: "I " },
      { kind: "added", text: "really " },
      { kind: "same", text: "like cats" },
    ]);
    expect(correctionDiff("I have went home", "I went home")).toEqual([
      { kind: "same", text: "I " },
      { kind: "removed", text: "have " },
      { kind: "same", text: "went home" },
    ]);
  });

  it("keeps punctuation, accents and line breaks intact", () => {
    const segments = correctionDiff(
      "Olá, como vai voce?\nTudo bem.",
      "Olá, como vai você?\nTudo bem!",
    );
    expect(
      segments
        .filter((s) => s.kind !== "added")
        .map((s) => s.text)
        .join(""),
    ).toBe("Olá, como vai voce?\nTudo bem.");
    expect(
      segments
        .filter((s) => s.kind !== "removed")
        .map((s) => s.text)
        .join(""),
    ).toBe("Olá, como vai você?\nTudo bem!");
    expect(segments).toContainEqual({ kind: "removed", text: "voce" });
    expect(segments).toContainEqual({ kind: "added", text: "você" });
  });

  it("is a single shared run when nothing changed, and empty for two empty texts", () => {
    expect(correctionDiff("Hola amigo", "Hola amigo")).toEqual([
      { kind: "same", text: "Hola amigo" },
    ]);
    expect(correctionDiff("", "")).toEqual([]);
  });

  it("isUnchanged ignores surrounding whitespace only", () => {
    expect(isUnchanged(" hola ", "hola")).toBe(true);
    expect(isUnchanged("hola", "Hola")).toBe(false);
  });
});
