import { describe, expect, it } from "vitest";
import {
  healthSocket,
  parseWorkerRoles,
  sharedWorkerValues,
  socketPath,
  synapseEdgeUpstreams,
  WorkerSettingError,
  workerLayout,
  workerValues,
} from "./synapseWorkers.ts";

describe("XSTREAM_SYNAPSE_WORKERS", () => {
  it("reads all, none and lists in a fixed order", () => {
    expect(parseWorkerRoles(undefined)).toEqual([]);
    expect(parseWorkerRoles(" none ")).toEqual([]);
    expect(parseWorkerRoles("all")).toEqual(["sync", "events", "federation"]);
    expect(parseWorkerRoles("Federation, sync,,")).toEqual(["sync", "federation"]);
  });

  it("names every unknown worker at once", () => {
    expect(() => parseWorkerRoles("sync,media,pusher")).toThrow(/"media", "pusher"/);
    expect(() => parseWorkerRoles("all,sync")).toThrow(WorkerSettingError);
  });
});

describe("worker configuration", () => {
  const layout = (roles: Parameters<typeof workerLayout>[2]) =>
    workerLayout("/state/synapse", "/state/redis/redis.sock", roles);

  it("makes the event persister the events stream writer only when it runs", () => {
    const withEvents = sharedWorkerValues(layout(["events"]), "secret");
    expect(JSON.parse(withEvents.XS_STREAM_WRITERS)).toEqual({ events: ["synapse-events"] });
    expect(Object.keys(JSON.parse(withEvents.XS_INSTANCE_MAP))).toEqual(["main", "synapse-events"]);
    const syncOnly = sharedWorkerValues(layout(["sync"]), "secret");
    expect(JSON.parse(syncOnly.XS_STREAM_WRITERS)).toEqual({});
    expect(JSON.parse(syncOnly.XS_FEDERATION_SENDERS)).toEqual([]);
  });

  it("routes each group to its worker, or to the main process", () => {
    expect(synapseEdgeUpstreams("127.0.0.1:8008", undefined)).toEqual({
      XSTREAM_SYNAPSE_UPSTREAM: "127.0.0.1:8008",
      XSTREAM_SYNAPSE_SYNC_UPSTREAM: "127.0.0.1:8008",
      XSTREAM_SYNAPSE_EVENTS_UPSTREAM: "127.0.0.1:8008",
    });
    const routes = synapseEdgeUpstreams("127.0.0.1:8008", layout(["sync"]));
    expect(routes.XSTREAM_SYNAPSE_SYNC_UPSTREAM).toBe("unix//state/synapse/run/synapse-sync.sock");
    expect(routes.XSTREAM_SYNAPSE_EVENTS_UPSTREAM).toBe("127.0.0.1:8008");
  });

  it("probes a worker's health on a listener of its own, apart from client traffic", () => {
    const all = layout(["sync", "events", "federation"]);
    const listeners = (role: "sync" | "events" | "federation") =>
      JSON.parse(workerValues(all, role).XS_WORKER_LISTENERS) as {
        path: string;
        resources: { names: string[] }[];
      }[];
    for (const role of ["sync", "events"] as const) {
      const probed = listeners(role).find((listener) => listener.path === healthSocket(all, role));
      expect(probed?.resources).toEqual([{ names: ["health"] }]);
      const client = listeners(role).find((listener) =>
        listener.resources[0]?.names.includes("client"),
      );
      expect(client?.path).not.toBe(healthSocket(all, role));
    }
    // The federation sender serves no client: its one listener is health-only already.
    expect(listeners("federation")).toEqual([
      { type: "http", path: healthSocket(all, "federation"), resources: [{ names: ["health"] }] },
    ]);
  });

  it("refuses a socket path longer than Unix sockets allow", () => {
    expect(() => socketPath(`/${"x".repeat(120)}`, "synapse-sync")).toThrow(/107 bytes/);
  });
});
