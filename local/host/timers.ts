/**
 * Durable timers waiting to fire, keyed by instance, execution and timer id so a new execution (continueAsNew, or an
 * id reused after termination) never shares a timer with an old one. `real` mode arms Node timers; `auto` mode only
 * records them and lets the engine jump its virtual clock to the earliest one when idle.
 *
 * `real` mode fires a timer when the extension's Azure Storage provider would. The provider sends a timer as a queue
 * message hidden for `FireAt - now`, and the Storage SDK sends that delay in whole seconds, rounded down (the
 * request carries `visibilitytimeout=0` for a 1 s timer sent a few ms after its episode): so a timer wakes its
 * orchestration up to a second before FireAt, and one shorter than a second wakes it at once.
 */

/** Node clamps setTimeout delays above 2^31-1 ms (24.8 days) to 1 ms; longer timers are re-armed in slices. */
export const maxTimeoutMs = 2 ** 31 - 1;

export interface ArmedTimer {
  instanceId: string;
  executionId: string;
  timerId: number;
  fireAtIso: string;
  /** When the timer fires: FireAt in `auto` mode; in `real` mode, whole seconds of the delay after it was armed. */
  dueAt: number;
  handle: NodeJS.Timeout | null;
}

export class TimerTable {
  private readonly timers = new Map<string, ArmedTimer>();

  constructor(
    private readonly mode: "real" | "auto",
    private readonly now: () => number,
    private readonly onFire: (timer: ArmedTimer) => void,
  ) {}

  get size(): number {
    return this.timers.size;
  }

  arm(instanceId: string, executionId: string, timerId: number, fireAtIso: string): void {
    const key = `${instanceId}|${executionId}|${timerId}`;
    if (this.timers.has(key)) return;
    const fireAt = Date.parse(fireAtIso);
    const dueAt = this.mode === "real" ? wholeSecondsDue(this.now(), fireAt) : fireAt;
    const timer: ArmedTimer = { instanceId, executionId, timerId, fireAtIso, dueAt, handle: null };
    this.timers.set(key, timer);
    if (this.mode === "real") this.schedule(key, timer);
  }

  private schedule(key: string, timer: ArmedTimer): void {
    const wait = Math.min(maxTimeoutMs, Math.max(0, timer.dueAt - this.now()));
    timer.handle = setTimeout(() => {
      if (this.timers.get(key) !== timer) return;
      if (timer.dueAt > this.now()) {
        this.schedule(key, timer);
        return;
      }
      this.timers.delete(key);
      this.onFire(timer);
    }, wait);
  }

  /** Drops an instance's timers, except those of `keepExecution` (the execution that is still current). */
  cancel(instanceId: string, keepExecution?: string): void {
    for (const [key, timer] of this.timers) {
      if (timer.instanceId !== instanceId || timer.executionId === keepExecution) continue;
      if (timer.handle !== null) clearTimeout(timer.handle);
      this.timers.delete(key);
    }
  }

  earliest(): ArmedTimer | undefined {
    let best: ArmedTimer | undefined;
    for (const timer of this.timers.values()) if (best === undefined || timer.dueAt < best.dueAt) best = timer;
    return best;
  }

  /** Auto mode: fire a timer now (if it is still armed). */
  fire(timer: ArmedTimer): void {
    const key = `${timer.instanceId}|${timer.executionId}|${timer.timerId}`;
    if (this.timers.get(key) !== timer) return;
    this.timers.delete(key);
    this.onFire(timer);
  }

  clear(): void {
    for (const timer of this.timers.values()) if (timer.handle !== null) clearTimeout(timer.handle);
    this.timers.clear();
  }
}

/** When a timer armed at `sentAt` for `fireAt` becomes visible: the delay in whole seconds, rounded down, none if due. */
export function wholeSecondsDue(sentAt: number, fireAt: number): number {
  return sentAt + Math.max(0, Math.floor((fireAt - sentAt) / 1_000) * 1_000);
}
