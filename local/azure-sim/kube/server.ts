/**
 * Each simulated cluster's API endpoint: its own HTTPS server on its own loopback port with its own certificate
 * (signed by the simulator CA, naming localhost, 127.0.0.1 and the cluster FQDN), no path prefix — so kubeconfigs,
 * `kubectl get --raw /api/...` and discovery caches behave as against a real API server.
 */
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { matchFault } from "../control.js";
import { fireFault, kubernetesFault } from "../faults.js";
import { readRequest, send } from "../http.js";
import type { SimulatorState } from "../state.js";
import { KubeApi } from "./api.js";
import { status } from "./requests.js";
import { KubeCluster } from "./cluster.js";
import type { KubeClusterData } from "./model.js";

export interface RunningCluster {
  cluster: KubeCluster;
  server: Server;
  port: number;
}

async function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      server.off("listening", onListening);
      reject(error);
    };
    const onListening = () => {
      server.off("error", onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen(port, host);
  });
}

export class KubeServers {
  readonly running = new Map<string, RunningCluster>();

  constructor(
    private readonly state: SimulatorState,
    private readonly host: string,
    private readonly log?: (line: string) => void,
  ) {}

  /** Serves a cluster, on its remembered port when that port is free (a restarted simulator keeps kubeconfigs valid). */
  async start(data: KubeClusterData, bootstrap: boolean): Promise<RunningCluster> {
    const cluster = new KubeCluster(data, this.state);
    if (bootstrap) cluster.bootstrap();
    let port = 0;
    const api = new KubeApi(cluster, () => `127.0.0.1:${port}`);
    const server = createServer(
      { key: data.certificate.keyPem, cert: data.certificate.certPem },
      (incoming, outgoing) => {
        void (async () => {
          const request = { ...(await readRequest(incoming)), params: [] };
          const fault = matchFault(this.state, request);
          const faulted = fault === undefined ? undefined : await fireFault(fault, incoming, kubernetesFault);
          if (faulted === null) return;
          const result =
            faulted ??
            (request.headers.authorization === `Bearer ${data.token}`
              ? api.handle(request)
              : status(401, "Unauthorized", "Unauthorized"));
          this.log?.(
            `k8s ${data.key} ${request.method} ${request.path} → ${result.stream === undefined ? result.status : "watch"}`,
          );
          // In the one request log with ARM's, so tests and benchmarks count every service the product calls.
          this.state.log.push({
            method: request.method,
            path: request.path,
            apiVersion: null,
            status: result.status,
            time: new Date().toISOString(),
          });
          // No state.changed() here: the store reports every write itself, and reads change nothing.
          send(outgoing, result, incoming);
        })().catch((error: unknown) => {
          send(outgoing, status(500, "InternalError", error instanceof Error ? error.message : String(error)));
        });
      },
    );
    try {
      port = await listen(server, this.host, data.port ?? 0);
    } catch {
      port = await listen(server, this.host, 0);
    }
    data.port = port;
    const running = { cluster, server, port };
    this.running.set(data.key, running);
    this.state.changed();
    return running;
  }

  async stop(key: string): Promise<void> {
    const running = this.running.get(key);
    if (running === undefined) return;
    this.running.delete(key);
    running.cluster.stop();
    await new Promise<void>((resolve) => {
      running.server.closeAllConnections();
      running.server.close(() => resolve());
    });
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.running.keys()].map((key) => this.stop(key)));
  }
}
