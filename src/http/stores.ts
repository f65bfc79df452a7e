import { NotifySecrets, notifySecrets } from "../store/notifySecrets.js";
import { RequestKeys, requestKeys } from "../store/requestKeys.js";
import { RunIndex, runIndex } from "../store/runIndex.js";

/** The tables the HTTP handlers use besides the Durable store; tests pass in-memory ones. */
export interface HttpStores {
  index: RunIndex;
  keys: RequestKeys;
  secrets: NotifySecrets;
}

export function defaultStores(): HttpStores {
  return { index: runIndex(), keys: requestKeys(), secrets: notifySecrets() };
}

export { NotifySecrets, RequestKeys, RunIndex };
