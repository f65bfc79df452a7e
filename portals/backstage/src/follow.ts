/**
 * Waits for a run while keeping the task log alive: each step the run reaches is a line, and a quiet spell longer than
 * the heartbeat gets a "still running" line, because Backstage's event stream gives up on a task that says nothing.
 * The task's abort signal (the user pressed Cancel) cancels the provisioning run itself.
 */
import type { LoggerService } from "@backstage/backend-plugin-api";
import type { ClusterDocument, ProvisioningApi } from "./provisioningApi.js";

export interface FollowOptions {
  pollMs: number;
  heartbeatMs: number;
  timeoutMs: number;
  signal: AbortSignal | undefined;
  /** Cancel the run when the task is aborted (a delete is left to finish). */
  cancelOnAbort: boolean;
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

export async function follow(
  api: ProvisioningApi,
  id: string,
  logger: LoggerService,
  done: (document: ClusterDocument) => boolean,
  options: FollowOptions,
): Promise<ClusterDocument> {
  const seen = new Map<string, string>();
  const until = Date.now() + options.timeoutMs;
  let lastLine = Date.now();
  for (;;) {
    if (options.signal?.aborted) {
      if (options.cancelOnAbort) {
        logger.warn(`Task canceled: canceling cluster run ${id}`);
        await api.cancel(id).catch((error: unknown) => logger.warn(`Cancel answered: ${String(error)}`));
      }
      throw new Error(`Canceled while cluster run ${id} was in progress`);
    }
    const document = await api.status(id);
    for (const step of document.steps) {
      const state = `${step.status}|${step.detail ?? ""}`;
      if (step.status === "pending" || seen.get(step.name) === state) continue;
      seen.set(step.name, state);
      logger.info(`${step.name}: ${step.status}${step.detail === null ? "" : ` — ${step.detail}`}`);
      lastLine = Date.now();
    }
    if (done(document)) return document;
    if (Date.now() - lastLine >= options.heartbeatMs) {
      const running = document.steps.find((step) => step.status === "running");
      logger.info(`Still ${document.status}${running === undefined ? "" : `: ${running.name} is running`}`);
      lastLine = Date.now();
    }
    if (Date.now() > until) throw new Error(`Cluster run ${id} is still ${document.status}; stopped waiting`);
    await pause(options.pollMs, options.signal);
  }
}
