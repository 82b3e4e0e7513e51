/**
 * Runs `task` now and then every `intervalMs`, never two runs at once (a tick that finds the last
 * run still going is skipped). A failure goes to `onError` and the next tick tries again. The
 * timer never keeps the process alive. Returns what stops it.
 */
export function repeatEvery(
  intervalMs: number,
  task: () => Promise<void>,
  onError: (error: unknown) => void,
): () => void {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await task();
    } catch (error) {
      onError(error);
    } finally {
      running = false;
    }
  };
  void tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
