/**
 * Status reads of the same run share one store read (request coalescing, "single flight"), and its answer for a
 * moment after it settles.
 *
 * Why: a run is watched by many pollers at once (a portal page per person, every job of a pipeline waiting on the same
 * cluster), and each GET otherwise costs a Durable read plus parsing and rendering a document of up to 16 KB. While a
 * read is in flight, every GET of that run joins it; once it settles, GETs within `reuseMs` (100 ms) get the same
 * answer. Without that window the pollers would queue behind one store round trip after another, and the host would
 * sit idle while each is under way. So no answer is older than the request by more than one store round trip plus
 * `reuseMs`. A write this process makes to a run (start, cancel, delete) forgets the shared read, so the writer's next
 * GET reads afresh.
 */
export interface SharedReads<T> {
  read(key: string, load: () => Promise<T>): Promise<T>;
  forget(key: string): void;
  /** Reads in flight or still within their reuse window (for tests). */
  readonly held: number;
}

export interface SharedReadsOptions {
  /** How long a settled read still answers GETs of its run, in ms. */
  reuseMs?: number;
  now?: () => number;
}

interface Entry<T> {
  promise: Promise<T>;
  settledAt: number | null;
}

export function sharedReads<T>(options: SharedReadsOptions = {}): SharedReads<T> {
  const reuseMs = options.reuseMs ?? 100;
  const now = options.now ?? (() => performance.now());
  const entries = new Map<string, Entry<T>>();
  return {
    read(key, load) {
      const held = entries.get(key);
      if (held !== undefined && (held.settledAt === null || now() - held.settledAt < reuseMs)) return held.promise;
      const entry: Entry<T> = { promise: load(), settledAt: null };
      entries.set(key, entry);
      const settle = (failed: boolean) => {
        // A failed read is not reused: the next GET tries the store again.
        if (failed || reuseMs <= 0) {
          if (entries.get(key) === entry) entries.delete(key);
          return;
        }
        entry.settledAt = now();
        // Nothing outlives its window: a fleet's thousand runs leave no entries behind.
        setTimeout(() => {
          if (entries.get(key) === entry) entries.delete(key);
        }, reuseMs).unref();
      };
      entry.promise.then(
        () => settle(false),
        () => settle(true),
      );
      return entry.promise;
    },
    forget(key) {
      entries.delete(key);
    },
    get held() {
      return entries.size;
    },
  };
}
