import { describe, expect, it } from "vitest";
import { roomOrder } from "./roomOrder.js";

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe("roomOrder", () => {
  it("runs one room's tasks one at a time in queued order, other rooms beside them", async () => {
    const inRoomOrder = roomOrder();
    const log: string[] = [];
    const task = (name: string) => async () => {
      log.push(`${name} start`);
      await tick();
      log.push(`${name} end`);
      return name;
    };
    const results = await Promise.all([
      inRoomOrder("!a", task("a1")),
      inRoomOrder("!a", task("a2")),
      inRoomOrder("!b", task("b1")),
    ]);
    expect(results).toEqual(["a1", "a2", "b1"]);
    expect(log.indexOf("a1 end")).toBeLessThan(log.indexOf("a2 start"));
    expect(log.indexOf("b1 start")).toBeLessThan(log.indexOf("a1 end"));
  });

  it("gives a failure to its caller and still runs the next task", async () => {
    const inRoomOrder = roomOrder();
    const failed = inRoomOrder("!a", async () => {
      throw new Error("boom");
    });
    const next = inRoomOrder("!a", async () => "ran");
    await expect(failed).rejects.toThrow("boom");
    await expect(next).resolves.toBe("ran");
  });
});
