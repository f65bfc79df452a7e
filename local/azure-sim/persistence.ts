/**
 * The simulator's state on disk (option `stateDir`): one JSON document written atomically (temp file + rename) at
 * most 200 ms after a change, so a SIGKILLed simulator loses at most that much, and a restarted one resumes the
 * same simulated Azure — resources, operations (finished by the clock on load), identities, the issued secret and
 * tokens, the CA and certificates, its port and every cluster's Kubernetes objects and port.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { KubeClusterData } from "./kube/model.js";
import type { AksRecord, Certificates, OperationRecord, SimulatorState, StoredResource } from "./state.js";

export interface PersistedState {
  version: 1;
  port: number;
  clientSecret: string;
  issuedTokens: string[];
  certificates: Certificates;
  resources: StoredResource[];
  operations: OperationRecord[];
  aks: AksRecord[];
  kube: KubeClusterData[];
  features: [string, number][];
  providers: [string, number][];
}

export const stateFileName = "azure-sim-state.json";
/** At most 200 ms of changes are lost to a SIGKILL; a fleet's state is megabytes, so write at most five times a second. */
const debounceMs = 200;

export function loadState(directory: string): PersistedState | null {
  const file = join(directory, stateFileName);
  if (!existsSync(file)) return null;
  const parsed = JSON.parse(readFileSync(file, "utf8")) as PersistedState;
  return parsed.version === 1 ? parsed : null;
}

export function applyState(state: SimulatorState, saved: PersistedState): void {
  state.clientSecret = saved.clientSecret;
  saved.issuedTokens.forEach((token) => state.issuedTokens.add(token));
  saved.resources.forEach((resource) => state.put(resource));
  saved.operations.forEach((operation) => state.operations.set(operation.id, operation));
  saved.aks.forEach((record) => state.aks.set(record.id, record));
  saved.kube.forEach((data) => state.kube.set(data.key, data));
  saved.features.forEach(([key, at]) => state.features.set(key, at));
  saved.providers.forEach(([key, at]) => state.providers.set(key, at));
}

export function snapshot(state: SimulatorState, port: number, certificates: Certificates): PersistedState {
  return {
    version: 1,
    port,
    clientSecret: state.clientSecret,
    issuedTokens: [...state.issuedTokens],
    certificates,
    resources: [...state.resources.values()],
    operations: [...state.operations.values()],
    aks: [...state.aks.values()],
    kube: [...state.kube.values()],
    features: [...state.features.entries()],
    providers: [...state.providers.entries()],
  };
}

export class StateWriter {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly directory: string,
    private readonly take: () => PersistedState,
  ) {
    mkdirSync(directory, { recursive: true });
  }

  schedule(): void {
    if (this.timer !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, debounceMs);
  }

  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const file = join(this.directory, stateFileName);
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(this.take()));
    renameSync(temporary, file);
  }
}
