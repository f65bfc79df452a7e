/**
 * Durable timers fire when the extension's Azure Storage provider would deliver them: after the whole seconds of their
 * delay, rounded down. Timers longer than Node's setTimeout cap (2^31-1 ms, 24.8 days) are re-armed in slices: with a
 * fake clock, a 30-day timer fires once, at 30 days, not after 1 ms (Node clamps longer delays) nor after 24.8 days.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { TimerTable, maxTimeoutMs, wholeSecondsDue, type ArmedTimer } from "../../local/host/timers.js";

afterEach(() => {
  vi.useRealTimers();
});

describe("timer delivery", () => {
  it("fires after the whole seconds of the delay: 2.4 s after 2 s, 0.9 s at once", () => {
    vi.useFakeTimers({ now: Date.parse("2026-01-01T00:00:00Z") });
    const start = Date.now();
    const fired: { id: number; after: number }[] = [];
    const table = new TimerTable(
      "real",
      () => Date.now(),
      (timer) => fired.push({ id: timer.timerId, after: Date.now() - start }),
    );
    table.arm("i", "e", 0, new Date(start + 2_400).toISOString());
    table.arm("i", "e", 1, new Date(start + 900).toISOString());
    table.arm("i", "e", 2, new Date(start - 5_000).toISOString());
    vi.advanceTimersByTime(0);
    expect(fired).toEqual([
      { id: 1, after: 0 },
      { id: 2, after: 0 },
    ]);
    vi.advanceTimersByTime(1_999);
    expect(fired).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(fired[2]).toEqual({ id: 0, after: 2_000 });
  });

  it("auto mode jumps to FireAt itself", () => {
    const table = new TimerTable(
      "auto",
      () => 0,
      () => undefined,
    );
    table.arm("i", "e", 0, new Date(2_400).toISOString());
    expect(table.earliest()?.dueAt).toBe(2_400);
  });

  it("wholeSecondsDue rounds the delay down to whole seconds", () => {
    expect(wholeSecondsDue(1_000, 1_999)).toBe(1_000);
    expect(wholeSecondsDue(1_000, 2_000)).toBe(2_000);
    expect(wholeSecondsDue(1_000, 12_345)).toBe(12_000);
    expect(wholeSecondsDue(1_000, 0)).toBe(1_000);
  });
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
