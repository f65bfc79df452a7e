/**
 * Status reads of the same run share one store read while it is in flight (request coalescing, "single flight").
 *
 * Why: a run is watched by many pollers at once (a portal page per person, every job of a pipeline waiting on the same
 * cluster), and each GET otherwise costs a Durable read plus parsing and rendering a document of up to 16 KB. Nothing is
 * kept once a read settles, so no answer is older than the read that was already under way when the request arrived
 * (one store round trip). A write this process makes to a run (start, cancel, delete) forgets the read in flight, so
 * the writer's next GET reads afresh.
 */
export interface SharedReads<T> {
  read(key: string, load: () => Promise<T>): Promise<T>;
  forget(key: string): void;
  /** Reads in flight (for tests). */
  readonly inFlight: number;
}

export function sharedReads<T>(): SharedReads<T> {
  const pending = new Map<string, Promise<T>>();
  return {
    read(key, load) {
      const joined = pending.get(key);
      if (joined !== undefined) return joined;
      const started = load().finally(() => {
        if (pending.get(key) === started) pending.delete(key);
      });
      pending.set(key, started);
      return started;
    },
    forget(key) {
      pending.delete(key);
    },
    get inFlight() {
      return pending.size;
    },
  };
}
