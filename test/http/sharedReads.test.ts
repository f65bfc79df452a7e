import { describe, expect, it } from "vitest";
import { sharedReads } from "../../src/http/sharedReads.js";

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("sharedReads", () => {
  it("lets concurrent reads of one key share the read in flight", async () => {
    const reads = sharedReads<string>();
    const pending = deferred<string>();
    let loads = 0;
    const load = () => {
      loads += 1;
      return pending.promise;
    };
    const first = reads.read("a", load);
    const second = reads.read("a", load);
    pending.resolve("doc-1");
    expect(await Promise.all([first, second])).toEqual(["doc-1", "doc-1"]);
    expect(loads).toBe(1);
  });

  it("keeps nothing once the read settles: the next read loads again", async () => {
    const reads = sharedReads<number>();
    let loads = 0;
    const load = async () => (loads += 1);
    expect(await reads.read("a", load)).toBe(1);
    expect(await reads.read("a", load)).toBe(2);
    expect(reads.inFlight).toBe(0);
  });

  it("does not share between keys", async () => {
    const reads = sharedReads<string>();
    const [a, b] = await Promise.all([reads.read("a", async () => "A"), reads.read("b", async () => "B")]);
    expect([a, b]).toEqual(["A", "B"]);
  });

  it("hands a failed read's error to every sharer and forgets it", async () => {
    const reads = sharedReads<string>();
    const pending = deferred<string>();
    const first = reads.read("a", () => pending.promise);
    const second = reads.read("a", () => Promise.resolve("never"));
    pending.reject(new Error("store down"));
    await expect(first).rejects.toThrow("store down");
    await expect(second).rejects.toThrow("store down");
    expect(await reads.read("a", async () => "fresh")).toBe("fresh");
  });

  it("after forget, a read starts afresh even while the old one is in flight", async () => {
    const reads = sharedReads<string>();
    const old = deferred<string>();
    const stale = reads.read("a", () => old.promise);
    reads.forget("a");
    const fresh = reads.read("a", async () => "after-write");
    // The old read settling later must not evict the fresh one's entry or change its answer.
    old.resolve("before-write");
    expect(await fresh).toBe("after-write");
    expect(await stale).toBe("before-write");
    expect(reads.inFlight).toBe(0);
  });
});
