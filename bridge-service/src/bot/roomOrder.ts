/**
 * Work on one room, one task at a time, in the order it was queued: a room's events apply in the
 * order they came, and a whole room read afresh never interleaves with one of its events (an
 * event applied while an older snapshot of the room was being read would be undone by it).
 * Rooms do not wait for each other. A task's failure is its caller's; the next task runs anyway.
 */
export type RoomOrder = <T>(roomId: string, task: () => Promise<T>) => Promise<T>;

export function roomOrder(): RoomOrder {
  const queues = new Map<string, Promise<void>>();
  return <T>(roomId: string, task: () => Promise<T>): Promise<T> => {
    const result = (queues.get(roomId) ?? Promise.resolve()).then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    queues.set(roomId, tail);
    void tail.then(() => {
      if (queues.get(roomId) === tail) queues.delete(roomId);
    });
    return result;
  };
}
