/**
 * Durable timers longer than Node's setTimeout cap (2^31-1 ms, 24.8 days) are re-armed in slices: with a fake clock,
 * a 30-day timer fires once, at 30 days, not after 1 ms (Node clamps longer delays) and not after 24.8 days.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { TimerTable, maxTimeoutMs, type ArmedTimer } from "../../local/host/timers.js";

afterEach(() => {
  vi.useRealTimers();
});

describe("timer slicing", () => {
  it("fires a 30-day timer at 30 days", () => {
    vi.useFakeTimers({ now: Date.parse("2026-01-01T00:00:00Z") });
    const fired: { timer: ArmedTimer; at: number }[] = [];
    const table = new TimerTable(
      "real",
      () => Date.now(),
      (timer) => fired.push({ timer, at: Date.now() }),
    );
    const thirtyDays = 30 * 24 * 3600 * 1000;
    const due = Date.now() + thirtyDays;
    table.arm("i", "e", 0, new Date(due).toISOString());
    vi.advanceTimersByTime(1);
    expect(fired).toHaveLength(0);
    vi.advanceTimersByTime(maxTimeoutMs);
    expect(fired).toHaveLength(0);
    vi.advanceTimersByTime(thirtyDays - maxTimeoutMs - 2);
    expect(fired).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(fired.map((f) => f.at)).toEqual([due]);
    expect(table.size).toBe(0);
  });

  it("keeps timers of different executions apart and cancels all but the current one", () => {
    vi.useFakeTimers({ now: Date.parse("2026-01-01T00:00:00Z") });
    const fired: string[] = [];
    const table = new TimerTable(
      "real",
      () => Date.now(),
      (timer) => fired.push(timer.executionId),
    );
    table.arm("i", "old", 0, new Date(Date.now() + 100).toISOString());
    table.arm("i", "new", 0, new Date(Date.now() + 1_000).toISOString());
    expect(table.size).toBe(2);
    table.cancel("i", "new");
    vi.advanceTimersByTime(1_000);
    expect(fired).toEqual(["new"]);
  });
});
