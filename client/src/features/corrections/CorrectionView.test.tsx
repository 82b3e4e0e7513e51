import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { CorrectionView } from "./CorrectionView";

describe("CorrectionView", () => {
  it("strikes removed words and marks added ones, in reading order", () => {
    const { container } = render(
      <CorrectionView
        original="She go to school every days"
        corrected="She goes to school every day"
      />,
    );

    const removed = [...container.querySelectorAll("del")].map((node) => node.textContent);
    const added = [...container.querySelectorAll("ins")].map((node) => node.textContent);
    expect(removed).toEqual(["removed: go", "removed: days"]);
    expect(added).toEqual(["added: goes", "added: day"]);
    expect(container.textContent).toBe(
      "She removed: goadded: goes to school every removed: daysadded: day",
    );
  });

  it("labels changes for screen readers with visually hidden text", () => {
    render(<CorrectionView original="I like cats" corrected="I really like cats" />);

    const label = screen.getByText("added:");
    expect(label).toHaveClass("visually-hidden");
    expect(label.closest("ins")).toHaveTextContent("really");
    expect(screen.queryByText("removed:")).not.toBeInTheDocument();
  });

  it("shows text as text, never as HTML", () => {
    const { container } = render(
      <CorrectionView original="<img src=x onerror=alert(1)>" corrected="<b>hi</b>" />,
    );
    expect(container.querySelector("img, b")).toBeNull();
    expect(container.textContent).toContain("onerror=alert(1)");
    expect(container.textContent).toContain("hi</");
  });

  it("ignores changes that are only spacing", () => {
    const { container } = render(<CorrectionView original="a  b" corrected="a b" />);
    expect(container.querySelector("del, ins")).toBeNull();
    expect(container.textContent).toBe("a b");
  });
});
