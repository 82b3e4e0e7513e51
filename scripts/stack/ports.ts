// Port checks happen before anything starts, so a clash names the port and the part that wanted
// it instead of surfacing as a cryptic bind error from a child process.
import { createSocket } from "node:dgram";
import { createServer } from "node:net";

export class PortInUseError extends Error {}

function tcpPortIsFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

function udpPortIsFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket("udp4");
    socket.once("error", () => resolve(false));
    socket.bind({ port, address: host, exclusive: true }, () => socket.close(() => resolve(true)));
  });
}

export interface PortClaim {
  port: number;
  part: string;
  protocol?: "tcp" | "udp";
}

/** Throws one error listing every claimed port that is already in use. */
export async function assertPortsFree(claims: readonly PortClaim[], host = "127.0.0.1") {
  const busy: string[] = [];
  for (const claim of claims) {
    const free =
      claim.protocol === "udp"
        ? await udpPortIsFree(claim.port, host)
        : await tcpPortIsFree(claim.port, host);
    if (!free) busy.push(`port ${claim.port}/${claim.protocol ?? "tcp"} (wanted by ${claim.part})`);
  }
  if (busy.length > 0) {
    throw new PortInUseError(
      `already in use: ${busy.join(", ")}. Stop whatever holds it or choose other ports (see README).`,
    );
  }
}

/** A TCP port the kernel reports free on loopback right now. */
export function freeTcpPort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen({ port: 0, host }, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A run of `count` consecutive UDP ports, all free, for LiveKit's media range. */
export async function freeUdpRange(count: number, host = "127.0.0.1"): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const start = 20000 + Math.floor(Math.random() * 20000);
    let allFree = true;
    for (let port = start; port < start + count && allFree; port++) {
      allFree = await udpPortIsFree(port, host);
    }
    if (allFree) return start;
  }
  throw new Error(`no run of ${count} free UDP ports found`);
}
