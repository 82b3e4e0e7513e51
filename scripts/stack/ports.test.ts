import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { freeTcpPort, freeUdpRange } from "./ports.ts";

const ephemeralStart = Number(
  readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0],
);

describe("ports for test stacks", () => {
  it("hands out distinct TCP ports below the kernel's ephemeral range, each one bindable", async () => {
    const ports: number[] = [];
    for (let i = 0; i < 40; i++) ports.push(await freeTcpPort());
    expect(new Set(ports).size).toBe(ports.length);
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(10000);
      expect(port).toBeLessThan(ephemeralStart);
    }
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(ports[0], "127.0.0.1", resolve));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("never hands out a port it already gave to a UDP range", async () => {
    const start = await freeUdpRange(10);
    expect(start + 9).toBeLessThan(ephemeralStart);
    const tcp = new Set<number>();
    for (let i = 0; i < 200; i++) tcp.add(await freeTcpPort());
    expect([...tcp].filter((port) => port >= start && port < start + 10)).toEqual([]);
    const again = await freeUdpRange(10);
    expect(Math.abs(again - start)).toBeGreaterThanOrEqual(10);
  });
});
