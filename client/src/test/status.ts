import { screen, waitFor } from "@testing-library/react";
import { expect } from "vitest";

/**
 * Waits until the page's status region says `text`. The region is always in the page (a live
 * region must exist before it speaks), so `findByRole("status")` finds it still empty.
 */
export async function statusSays(text: string | RegExp): Promise<void> {
  await waitFor(() => expect(screen.getByRole("status")).toHaveTextContent(text));
}
