// Port checks happen before anything starts, so a clash names the port and the part that wanted
// it instead of surfacing as a cryptic bind error from a child process.
import { createSocket } from "node:dgram";
import { readFileSync } from "node:fs";
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

// Ports for test and bench stacks come from below the kernel's ephemeral range. A port the kernel
// hands out for `listen(0)` lies inside that range, where any outgoing connection (Synapse to
// PostgreSQL, a browser to the edge) may take it as its local port in the seconds before the part
// that was promised it binds; a port below the range is never taken that way.
const LOWEST_PORT = 10000;
const FALLBACK_EPHEMERAL_START = 32768;
/** Ports this process has handed out, so two parts started side by side never share one. */
const handedOut = new Set<number>();

function ephemeralRangeStart(): number {
  try {
    const [first] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8")
      .trim()
      .split(/\s+/);
    const start = Number(first);
    return Number.isInteger(start) && start > LOWEST_PORT + 1000 ? start : FALLBACK_EPHEMERAL_START;
  } catch {
    return FALLBACK_EPHEMERAL_START;
  }
}

function randomPortBelowEphemeral(count = 1): number {
  const span = ephemeralRangeStart() - LOWEST_PORT - count;
  return LOWEST_PORT + Math.floor(Math.random() * span);
}

/** Free on IPv4 loopback and, where the machine has it, on IPv6 loopback too. */
async function loopbackTcpPortIsFree(port: number, host: string): Promise<boolean> {
  if (!(await tcpPortIsFree(port, host))) return false;
  if (host !== "127.0.0.1") return true;
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", (error: NodeJS.ErrnoException) => resolve(error.code !== "EADDRINUSE"));
    server.listen({ port, host: "::1", exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * A TCP port free on loopback right now, below the ephemeral range, that this process has not
 * handed out before.
 */
export async function freeTcpPort(host = "127.0.0.1"): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = randomPortBelowEphemeral();
    if (handedOut.has(port) || !(await loopbackTcpPortIsFree(port, host))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error("no free TCP port found below the ephemeral range");
}

/** A run of `count` consecutive UDP ports, all free, for LiveKit's media range. */
export async function freeUdpRange(count: number, host = "127.0.0.1"): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const start = randomPortBelowEphemeral(count);
    let allFree = true;
    for (let port = start; port < start + count && allFree; port++) {
      allFree = !handedOut.has(port) && (await udpPortIsFree(port, host));
    }
    if (!allFree) continue;
    for (let port = start; port < start + count; port++) handedOut.add(port);
    return start;
  }
  throw new Error(`no run of ${count} free UDP ports found`);
}
