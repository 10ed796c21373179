/**
 * Polls `probe` until it returns a value (anything but undefined) and resolves with it; fails
 * with "timed out … waiting for <what>" after `timeoutMs`. `what` may be a function, called only
 * on timeout, to say what the probe saw last. Shared by the e2e, package and in-host VS Code
 * tests, which all wait on things that happen asynchronously in the workbench.
 */
export async function until<T>(
  what: string | (() => string),
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
