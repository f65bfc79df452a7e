/**
 * Watch streams: a chunked response of newline-separated {type, object} events, headers sent at once, starting with
 * ADDED events for the current state (no resourceVersion, or "0") or replaying what happened after the given one;
 * with a Table Accept each object is a one-row Table (columns only in the first event, as the API server sends them).
 */
import type { SimRequest, SimResponse } from "../http.js";
import type { KubeObject } from "./model.js";
import { storeKey, type ResourceType } from "./resources.js";
import type { KubeStore } from "./store.js";
import { table, wantsTable } from "./tables.js";

export function watchResponse(
  store: KubeStore,
  request: SimRequest,
  resource: ResourceType,
  matches: (object: KubeObject) => boolean,
  includeObject: "None" | "Metadata" | "Object",
): SimResponse {
  const key = storeKey(resource);
  const asTable = wantsTable(request.headers.accept);
  const since = request.query.get("resourceVersion");
  const timeoutSeconds = Number(request.query.get("timeoutSeconds") ?? "1800");
  return {
    status: 200,
    stream: (response, incoming) => {
      response.writeHead(200, {
        "Content-Type": "application/json",
        "Transfer-Encoding": "chunked",
        "Cache-Control": "no-cache, private",
      });
      // Headers go out at once, as from an API server: clients wait for them before they can cancel a quiet watch.
      response.flushHeaders();
      let first = true;
      const write = (type: string, object: KubeObject) => {
        const payload = asTable
          ? table(resource.kind, [object], object.metadata.resourceVersion, includeObject, first)
          : object;
        first = false;
        response.write(`${JSON.stringify({ type, object: payload })}\n`);
      };
      // Without a resourceVersion (or "0") a watch starts with the current state as ADDED events.
      const initial = since === null || since === "" || since === "0";
      if (initial) for (const object of store.list(key).filter(matches)) write("ADDED", object);
      const stop = store.watch(initial ? null : Number(since), (event) => {
        if (event.storeKey === key && matches(event.object)) write(event.type, event.object);
      });
      const timer = setTimeout(() => response.end(), Math.max(1, timeoutSeconds) * 1000);
      timer.unref();
      const close = () => {
        stop();
        clearTimeout(timer);
      };
      incoming.on("close", close);
      response.on("close", close);
    },
  };
}
