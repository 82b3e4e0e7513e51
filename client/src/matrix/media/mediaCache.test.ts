import { describe, expect, it, vi } from "vitest";
import { MediaCache } from "./mediaCache";

function setup(idleLimit = 2, idleBytes = 1_000_000) {
  let next = 0;
  const live = new Set<string>();
  const objectUrls = {
    create: vi.fn((_blob: Blob) => {
      next += 1;
      const url = `blob:media/${next}`;
      live.add(url);
      return url;
    }),
    revoke: vi.fn((url: string) => {
      live.delete(url);
    }),
  };
  const cache = new MediaCache({ objectUrls, idleLimit, idleBytes });
  const load = vi.fn(async (_signal: AbortSignal) => new Blob(["png"], { type: "image/png" }));
  return { cache, objectUrls, live, load };
}

describe("MediaCache", () => {
  it("loads a picture once for everyone who shows it", async () => {
    const { cache, load } = setup();

    const first = cache.retain("mxc://hs/a", load);
    const second = cache.retain("mxc://hs/a", load);

    expect(await first.url).toBe("blob:media/1");
    expect(await second.url).toBe("blob:media/1");
    expect(load).toHaveBeenCalledTimes(1);
  });

  it("keeps a released URL while it is idle, and revokes the oldest past the limit", async () => {
    const { cache, live, load } = setup(2);
    const leases = ["a", "b", "c"].map((id) => cache.retain(`mxc://hs/${id}`, load));
    await Promise.all(leases.map((lease) => lease.url));
    expect(live.size).toBe(3);

    // Shown again before it is evicted: no new download.
    leases[0]?.release();
    const again = cache.retain("mxc://hs/a", load);
    expect(await again.url).toBe("blob:media/1");
    expect(load).toHaveBeenCalledTimes(3);

    again.release();
    leases[1]?.release();
    leases[2]?.release();
    // Three idle, two kept: "a" was released first and goes.
    expect([...live]).toEqual(["blob:media/2", "blob:media/3"]);
    expect(cache.size).toBe(2);
  });

  it("keeps idle pictures under a byte budget, dropping the oldest first", async () => {
    const { cache, live } = setup(10, 250);
    const load = async () => new Blob([new Uint8Array(100)]);
    const leases = ["a", "b", "c"].map((id) => cache.retain(`mxc://hs/${id}`, load));
    await Promise.all(leases.map((lease) => lease.url));

    for (const lease of leases) lease.release();

    // 300 bytes idle is over 250: the oldest goes.
    expect([...live]).toEqual(["blob:media/2", "blob:media/3"]);
  });

  it("revokes nothing that someone still holds", async () => {
    const { cache, live, load } = setup(0);
    const held = cache.retain("mxc://hs/a", load);
    const other = cache.retain("mxc://hs/a", load);
    await held.url;

    other.release();
    other.release(); // Releasing twice counts once.
    expect(live.has("blob:media/1")).toBe(true);

    held.release();
    expect(live.size).toBe(0);
  });

  it("stops a download nobody wants any more and makes no URL for it", async () => {
    const { cache, objectUrls } = setup(0);
    let signal: AbortSignal | undefined;
    let finish: (blob: Blob) => void = () => {};
    const lease = cache.retain("mxc://hs/slow", (given) => {
      signal = given;
      return new Promise<Blob>((resolve) => {
        finish = resolve;
      });
    });

    lease.release();
    expect(signal?.aborted).toBe(true);
    finish(new Blob(["late"]));
    await expect(lease.url).rejects.toThrow();
    expect(objectUrls.create).not.toHaveBeenCalled();
  });

  it("forgets a failed download so the next viewer tries again", async () => {
    const { cache, load } = setup();
    load.mockRejectedValueOnce(new Error("502"));

    const failed = cache.retain("mxc://hs/a", load);
    await expect(failed.url).rejects.toThrow("502");
    failed.release();

    expect(await cache.retain("mxc://hs/a", load).url).toBe("blob:media/1");
    expect(load).toHaveBeenCalledTimes(2);
  });

  it("revokes every URL on clear", async () => {
    const { cache, live, load } = setup();
    await cache.retain("mxc://hs/a", load).url;
    await cache.retain("mxc://hs/b", load).url;

    cache.clear();

    expect(live.size).toBe(0);
    expect(cache.size).toBe(0);
  });
});
