import { render, screen } from "@testing-library/react";
import { Suspense } from "react";
import { describe, expect, it, vi } from "vitest";
import { LazyPage, LazyPageView } from "./lazyPage";

function Greeting({ name }: { name: string }) {
  return <p>Hello, {name}</p>;
}

const inSuspense = (page: LazyPage<{ name: string }>, name = "Ana") => (
  <Suspense fallback={<p>Loading…</p>}>
    <LazyPageView page={page} props={{ name }} />
  </Suspense>
);

describe("LazyPage", () => {
  it("renders a preloaded page at once, never the fallback", async () => {
    const load = vi.fn(async () => Greeting);
    const page = new LazyPage(load);
    await page.preload();
    render(inSuspense(page));
    expect(screen.getByText("Hello, Ana")).toBeInTheDocument();
    expect(screen.queryByText("Loading…")).not.toBeInTheDocument();
    expect(load).toHaveBeenCalledTimes(1);
  });

  it("loads a page that was not preloaded behind the fallback, once", async () => {
    const load = vi.fn(async () => Greeting);
    const page = new LazyPage(load);
    const { rerender } = render(inSuspense(page));
    expect(screen.getByText("Loading…")).toBeInTheDocument();
    const shown = await screen.findByText("Hello, Ana");
    // A later render keeps the mounted page instead of swapping in the loaded one.
    rerender(inSuspense(page, "Ana"));
    expect(screen.getByText("Hello, Ana")).toBe(shown);
    await page.preload();
    expect(load).toHaveBeenCalledTimes(1);
  });

  it("tries a failed load again", async () => {
    const load = vi
      .fn<() => Promise<typeof Greeting>>()
      .mockRejectedValueOnce(new Error("offline"))
      .mockResolvedValue(Greeting);
    const page = new LazyPage(load);
    await expect(page.preload()).rejects.toThrow("offline");
    await page.preload();
    render(inSuspense(page));
    expect(screen.getByText("Hello, Ana")).toBeInTheDocument();
    expect(load).toHaveBeenCalledTimes(2);
  });
});
