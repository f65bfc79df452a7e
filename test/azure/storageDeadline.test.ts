/** Storage calls answer within a bound: a hung call becomes StorageUnavailable, everything else passes through. */
import { describe, expect, it } from "vitest";
import {
  isStorageOutage,
  StorageUnavailable,
  withinDeadline,
  withStorageDeadlines,
} from "../../src/azure/storageDeadline.js";

class Store {
  readonly #rows = new Map<string, string>([["a", "1"]]);
  calls = 0;
  get(key: string): Promise<string | null> {
    this.calls += 1;
    return Promise.resolve(this.#rows.get(key) ?? null);
  }
  hang(): Promise<never> {
    return new Promise(() => undefined);
  }
  refuse(): Promise<never> {
    return Promise.reject(Object.assign(new Error("Conflict"), { statusCode: 409 }));
  }
  name(): string {
    return "store";
  }
}

describe("storage deadlines", () => {
  it("fails a call that does not answer within the bound", async () => {
    const store = withStorageDeadlines(new Store(), "table T", 50);
    const started = Date.now();
    const error = await store.hang().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageUnavailable);
    expect((error as Error).message).toBe("table T hang did not answer within 50 ms");
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("passes answers, refusals, synchronous values and the object's own state through", async () => {
    const inner = new Store();
    const store = withStorageDeadlines(inner, "table T", 50);
    expect(await store.get("a")).toBe("1");
    expect(await store.get("b")).toBeNull();
    expect(inner.calls).toBe(2);
    expect(store.name()).toBe("store");
    const refused = await store.refuse().catch((e: unknown) => e);
    expect(refused).not.toBeInstanceOf(StorageUnavailable);
    expect(isStorageOutage(refused)).toBe(false);
  });

  it("counts a deadline and a connection that cannot be made as an outage", async () => {
    expect(isStorageOutage(await withinDeadline("x", new Promise(() => undefined), 10).catch((e: unknown) => e))).toBe(
      true,
    );
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:10002"), { code: "ECONNREFUSED" });
    expect(isStorageOutage(refused)).toBe(true);
    expect(isStorageOutage(new Error("HTTP 404"))).toBe(false);
  });
});
