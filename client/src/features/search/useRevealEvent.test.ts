import { renderHook } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { MAX_REVEAL_PAGES, type RevealableTimeline, useRevealEvent } from "./useRevealEvent";

function timeline(overrides: Partial<RevealableTimeline> = {}): RevealableTimeline {
  return {
    items: [{ kind: "message", eventId: "$new" }],
    hasMoreHistory: true,
    loadingHistory: false,
    loadOlder: vi.fn(),
    ...overrides,
  };
}

describe("useRevealEvent", () => {
  it("does nothing without a message to open", () => {
    const model = timeline();
    const { result } = renderHook(() => useRevealEvent(model, null));
    expect(result.current).toBe("none");
    expect(model.loadOlder).not.toHaveBeenCalled();
  });

  it("loads older history, one page at a time, until the message is there", () => {
    const loadOlder = vi.fn();
    let model = timeline({ loadOlder });
    const { result, rerender } = renderHook(() => useRevealEvent(model, "$old"));
    expect(result.current).toBe("loading");
    expect(loadOlder).toHaveBeenCalledTimes(1);

    model = { ...model, loadingHistory: true };
    rerender();
    expect(loadOlder).toHaveBeenCalledTimes(1);

    model = {
      ...model,
      loadingHistory: false,
      items: [{ kind: "message", eventId: "$old" }, ...model.items],
    };
    rerender();
    expect(result.current).toBe("found");
    expect(loadOlder).toHaveBeenCalledTimes(1);
  });

  it("gives up at the start of the room or after a bounded number of pages", () => {
    const atStart = timeline({ hasMoreHistory: false });
    expect(renderHook(() => useRevealEvent(atStart, "$gone")).result.current).toBe("notFound");

    const loadOlder = vi.fn();
    let model = timeline({ loadOlder });
    const { result, rerender } = renderHook(() => useRevealEvent(model, "$far"));
    for (let page = 0; page < MAX_REVEAL_PAGES + 5; page++) {
      model = { ...model, loadingHistory: true, items: [...model.items] };
      rerender();
      model = { ...model, loadingHistory: false, items: [...model.items] };
      rerender();
    }
    expect(loadOlder).toHaveBeenCalledTimes(MAX_REVEAL_PAGES);
    expect(result.current).toBe("notFound");
  });
});
