import { describe, expect, it } from "vitest";
import { federationPorts } from "./federationCli.ts";

describe("npm run start:federation", () => {
  it("gives the two organisations of npm run start:federation ports that do not overlap", () => {
    const [first, second] = [federationPorts(8400, 0), federationPorts(8400, 1)];
    const all = [first, second].flatMap(({ stack, federation }) => [
      ...Object.entries(stack)
        .filter(([key]) => !key.startsWith("livekitUdp"))
        .map(([, port]) => port),
      federation,
    ]);
    expect(new Set(all).size).toBe(all.length);
    expect(first.federation).toBe(8448);
    expect(second.stack.livekitUdpStart).toBeGreaterThan(first.stack.livekitUdpEnd);
  });
});
