/**
 * Issue 15's ratios, each against a reference measured in the same run, at a time scale where the product's production
 * poll intervals (cluster 10 s, features 30 s, role retry 10 s) and Azure's durations shrink by the same factor; runs
 * are followed by their completion events, as a fleet's pipeline would, not by polling:
 *  (a) orchestration wall time ÷ the simulated Azure critical path, per mode;
 *  (b) ARM and Kubernetes requests per provision, and AKS operation-status GETs per cluster-minute;
 *  (c) a fleet of concurrent provisions under the simulator's throttling at the published rates: successes, 429s, and
 *      wall time ÷ the minimum the request buckets (and the longest run's simulated critical path) allow.
 */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { startSimulatorProcess } from "../local/azure-sim/childProcess.js";
import { scaledRetryAfterSeconds, simulatedDurations } from "../local/azure-sim/index.js";
import type { RequestLogEntry, SimulatorConfig } from "../local/azure-sim/index.js";
import { startLocalHost } from "../local/host/index.js";
import { newKey } from "../local/host/keys.js";
import { localAppSettings, localCallerKeys, localSimulatorConfig, repoRoot } from "../local/stack.js";
import { ApiClient } from "../cli/src/client.js";
import { median } from "./stats.js";

const modes = ["pod-subnet", "node-subnet", "kubenet", "overlay"] as const;

function example(mode: string, name: string): Record<string, unknown> {
  const body = JSON.parse(readFileSync(join(repoRoot, "docs/examples", `${mode}.json`), "utf8")) as Record<
    string,
    unknown
  >;
  return { ...body, resourceGroup: `rg-${name}`, clusterName: name };
}

const isKubernetes = (entry: RequestLogEntry) => /^\/(api|apis|version)(\/|$)/.test(entry.path);
const isOperationStatus = (entry: RequestLogEntry) =>
  entry.method === "GET" &&
  /\/providers\/Microsoft\.ContainerService\/locations\/[^/]+\/operations\//i.test(entry.path);
const isAks = (entry: RequestLogEntry) => /Microsoft\.ContainerService/i.test(entry.path);
// Cluster GETs and PUTs have per-cluster buckets in AKS; they do not compete across the fleet.
const isPerCluster = (entry: RequestLogEntry) =>
  (entry.method === "GET" || entry.method === "PUT") && /\/managedClusters\/[^/]+$/i.test(entry.path);

/**
 * Simulated critical path of one provision: the VNet (its create, or NRP's Retry-After if longer: a client honouring it
 * cannot see the VNet done sooner), the AKS create (scaled), then the system pods starting, and the demo workload's pods
 * when the request deploys it (the simulator's pod start-up is real time, not scaled).
 */
function criticalPathMs(config: SimulatorConfig, body: Record<string, unknown>): number {
  const durations = simulatedDurations();
  const vnetMs = Math.max(
    durations.vnetCreateMs * config.timeScale,
    scaledRetryAfterSeconds(durations.vnetRetryAfterSeconds, config.timeScale) * 1000,
  );
  const pods = (body.verify as { demoWorkload?: boolean } | undefined)?.demoWorkload === true ? 2 : 1;
  return vnetMs + durations.aksCreateMs * config.timeScale + pods * config.podStartupMs;
}

/**
 * The run's completion events, as a fleet's pipeline would wait for them instead of polling every status: each
 * POST carries `notify.url` pointing here, and the terminal event (succeeded, failed, canceled) resolves its run.
 */
class EventReceiver {
  private readonly waiting = new Map<string, (type: string) => void>();
  private readonly arrived = new Map<string, string>();
  private server: Server | null = null;
  url = "";

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const event = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { type: string; subject: string };
        if (event.type !== "aks.provisioning.step") {
          this.arrived.set(event.subject, event.type);
          this.waiting.get(event.subject)?.(event.type);
        }
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/events`;
  }

  ended(id: string): Promise<string> {
    const known = this.arrived.get(id);
    if (known !== undefined) return Promise.resolve(known);
    return new Promise((resolve) => this.waiting.set(id, resolve));
  }

  close(): void {
    this.server?.close();
  }
}

async function provision(
  client: ApiClient,
  events: EventReceiver,
  body: Record<string, unknown>,
): Promise<{ status: string; ms: number; steps: string; overhead: Record<string, number> }> {
  const start = performance.now();
  const startedAt = Date.now();
  const accepted = await client.create({ ...body, notify: { url: events.url } });
  const acceptedAt = Date.now();
  await events.ended(accepted.id);
  const endedAt = Date.now();
  const ms = performance.now() - start;
  const final = (await client.status(accepted.id)).document;
  const ran = final.steps.filter((step) => step.startedAt !== null && step.completedAt !== null);
  const steps = ran
    .map(
      (step) =>
        `${step.name} ${((Date.parse(step.completedAt ?? "") - Date.parse(step.startedAt ?? "")) / 1000).toFixed(1)}`,
    )
    .join(", ");
  // Time outside the steps: the POST, before the first step, between steps, and from the last step to the event.
  const begins = ran.map((step) => Date.parse(step.startedAt ?? ""));
  const ends = ran.map((step) => Date.parse(step.completedAt ?? ""));
  const overhead = {
    post: acceptedAt - startedAt,
    "to first step": (begins[0] ?? acceptedAt) - acceptedAt,
    // Steps that run side by side (network ‖ identity) leave no gap: each start is measured from the latest end so far.
    "between steps": begins
      .slice(1)
      .reduce((sum, begin, i) => sum + Math.max(0, begin - Math.max(...ends.slice(0, i + 1))), 0),
    "last step to event": endedAt - Math.max(...ends),
  };
  return { status: final.status, ms, steps, overhead };
}

function fmt(value: number, digits = 2): string {
  return value.toFixed(digits);
}

/** One run's time outside its steps, in seconds. */
const outsideSteps = (overhead: Record<string, number>) =>
  Object.entries(overhead)
    .map(([part, value]) => `${part} ${fmt(value / 1000)}`)
    .join(", ");

/** A figure across the fleet: its median and its slowest. */
const medianMax = (name: string, values: number[], digits: number) =>
  `${name} ${fmt(median(values), digits)}/${fmt(Math.max(...values), digits)}`;

const showSteps = process.env.BENCH_STEPS === "1";

export interface FleetOptions {
  /** Simulated time ÷ real time for Azure's durations, its request buckets and the product's poll intervals alike. */
  scale: number;
  /** (a) and (b), one run per mode, before the fleet; off when only the fleet is measured again at another scale. */
  perMode: boolean;
}

export async function benchFleet(fleetSize: number, { scale, perMode }: FleetOptions): Promise<void> {
  // The local stack's pieces, with the simulated Azure in a process of its own: Azure's CPU is not the app's, and
  // a hundred simulated API servers sharing the host's event loop would be measured as the product's overhead.
  const simulator = await startSimulatorProcess({ timeScale: scale, config: localSimulatorConfig });
  const apiKey = newKey();
  const host = await startLocalHost({
    appRoot: repoRoot,
    port: 0,
    storage: { kind: "memory" },
    // Production intervals (cluster 10 s, features 30 s, role retry 10 s, first retry 5 s) × the time scale.
    env: {
      ...localAppSettings(simulator.endpoint, scale),
      AzureWebJobsStorage: "",
      CALLER_KEYS: localCallerKeys(apiKey),
    },
    ...(process.env.BENCH_LOG === "1" ? { log: (line: string) => console.error(line) } : {}),
  });
  const client = new ApiClient({ baseUrl: `${host.baseUrl}/api`, key: apiKey });
  const events = new EventReceiver();
  await events.start();
  const config = await simulator.config();
  const critical = criticalPathMs(config, example("overlay", "reference"));
  try {
    const denominator = Math.round(1 / scale);
    console.log(
      `\n${perMode ? "fleet and ratios" : "the fleet again"} (time scale 1/${denominator}: production poll intervals and Azure durations both ÷${denominator}; throttling on)`,
    );
    console.log(
      `simulated critical path per provision ${fmt(critical / 1000)} s (VNet or its Retry-After + AKS create + pod start; + pod start again with the demo workload)`,
    );
    // One run first, unmeasured: the activities load their Azure SDK clients on first use ((e) measures that apart).
    await provision(client, events, example("overlay", "aks-bench-warmup"));
    for (const mode of perMode ? modes : []) {
      const before = (await simulator.requestLog()).length;
      const body = example(mode, `aks-bench-${mode}`);
      const modeCritical = criticalPathMs(config, body);
      const run = await provision(client, events, body);
      const log = (await simulator.requestLog()).slice(before);
      const kubernetes = log.filter(isKubernetes).length;
      const arm = log.length - kubernetes - log.filter((e) => e.path.includes("oauth2")).length;
      const statusGets = log.filter(isOperationStatus).length;
      const clusterMinutes = critical / scale / 60_000;
      console.log(
        `(a) ${mode.padEnd(11)} ${run.status.padEnd(9)} wall ${fmt(run.ms / 1000)} s ÷ critical path ${fmt(modeCritical / 1000)} s = ${fmt(run.ms / modeCritical)}` +
          `   (b) ARM ${arm}, Kubernetes ${kubernetes} requests; AKS operation-status GETs ${fmt(statusGets / clusterMinutes)} per cluster-minute`,
      );
      if (showSteps) console.log(`    steps (s): ${run.steps}; outside them (s): ${outsideSteps(run.overhead)}`);
    }

    const before = (await simulator.requestLog()).length;
    const start = performance.now();
    const loopBefore = performance.eventLoopUtilization();
    const bodies = Array.from({ length: fleetSize }, (_, i) =>
      example(modes[i % modes.length] ?? "overlay", `aks-fleet-${i}`),
    );
    // The fleet's floor when no bucket binds: the longest simulated critical path among its runs (not a measured wall).
    const criticals = bodies.map((body) => criticalPathMs(config, body));
    const longestCriticalMs = Math.max(...criticals);
    const runs = await Promise.all(bodies.map((body) => provision(client, events, body)));
    const wall = performance.now() - start;
    // The host and the app share this one event loop: near 100 % means the fleet waited on this machine's CPU, not on
    // Azure's buckets or the product's polls.
    const loopBusy = performance.eventLoopUtilization(loopBefore).utilization;
    const log = (await simulator.requestLog()).slice(before);
    const succeeded = runs.filter((run) => run.status === "Succeeded").length;
    const throttled = log.filter((entry) => entry.status === 429).length;
    // A resource created twice would answer 201 to two PUTs of its path (a retried create that was not idempotent).
    const createdPaths = log.filter((e) => e.method === "PUT" && e.status === 201).map((e) => e.path.toLowerCase());
    const createdTwice = createdPaths.length - new Set(createdPaths).size;
    const answered = log.filter(
      (entry) => entry.status !== 429 && !isKubernetes(entry) && !entry.path.includes("oauth2"),
    );
    const seconds = (simulatedSeconds: number) => simulatedSeconds * 1000 * scale;
    // What each bucket lets through: its burst at once, then its refill rate (published limits, simulated clock).
    const bucket = (count: number, burst: number, perSecond: number) => seconds(Math.max(0, count - burst) / perSecond);
    const writes = answered.filter((e) => e.method === "PUT" || e.method === "POST" || e.method === "PATCH").length;
    const reads = answered.filter((e) => e.method === "GET" && !isAks(e)).length;
    const statusGets = answered.filter(isOperationStatus).length;
    const otherAks = answered.filter((e) => isAks(e) && !isOperationStatus(e) && !isPerCluster(e)).length;
    const floors = {
      "the longest run's critical path": longestCriticalMs,
      "ARM writes (200 + 10/s)": bucket(writes, 200, 10),
      "ARM reads (250 + 25/s)": bucket(reads, 250, 25),
      "AKS operation status (200 + 2/s)": bucket(statusGets, 200, 2),
      "other AKS calls (60 + 1/s)": bucket(otherAks, 60, 1),
    };
    const [binding, minimum] = Object.entries(floors).sort(([, a], [, b]) => b - a)[0] ?? ["none", 1];
    console.log(
      `(c) fleet of ${fleetSize}: ${succeeded}/${fleetSize} Succeeded, ${throttled} answers 429, ${createdTwice} resources created twice, wall ${fmt(wall / 1000)} s ÷ minimum ${fmt(minimum / 1000)} s (${binding}) = ${fmt(wall / minimum)}`,
    );
    if (showSteps) {
      // Per step across the fleet: median and slowest, to see which phase a fleet waits on.
      const byStep = new Map<string, number[]>();
      for (const run of runs)
        for (const part of run.steps.split(", ")) {
          const [name, value] = part.split(" ");
          if (name !== undefined && value !== undefined) byStep.set(name, [...(byStep.get(name) ?? []), Number(value)]);
        }
      console.log(
        `    steps (s, median/max): ${[...byStep].map(([name, values]) => medianMax(name, values, 1)).join(", ")}`,
      );
      const parts = Object.keys(runs[0]?.overhead ?? {});
      console.log(
        `    outside the steps (s, median/max): ${parts
          .map((part) =>
            medianMax(
              part,
              runs.map((run) => (run.overhead[part] ?? 0) / 1000),
              2,
            ),
          )
          .join(", ")}`,
      );
      // The run that sets the wall: which mode, and how far past its own critical path each part took it.
      const slowest = runs.reduce((worst, run, i) => (run.ms > (runs[worst]?.ms ?? 0) ? i : worst), 0);
      const run = runs[slowest];
      const own = criticals[slowest];
      if (run !== undefined && own !== undefined) {
        const mode = (bodies[slowest]?.network as { mode?: string } | undefined)?.mode ?? "?";
        console.log(
          `    slowest run (${mode}): ${fmt(run.ms / 1000)} s ÷ its critical path ${fmt(own / 1000)} s = ${fmt(run.ms / own)}; steps (s): ${run.steps}; outside them (s): ${outsideSteps(run.overhead)}`,
        );
      }
      const excess = runs.map((r, i) => r.ms / (criticals[i] ?? Number.NaN));
      console.log(
        `    each run ÷ its own critical path: median ${fmt(median(excess))}, max ${fmt(Math.max(...excess))}`,
      );
      if (throttled > 0) {
        // Which calls met an empty bucket: the method and the resource type (the path's last type segment).
        const kinds = new Map<string, number>();
        for (const entry of log.filter((e) => e.status === 429)) {
          const type = /\/providers\/[^/]+\/([^/]+)(?:\/[^/]+)?(\/[A-Za-z]+)?(?:\/[^/]+)?$/.exec(
            entry.path.split("?")[0] ?? "",
          );
          const kind = `${entry.method} ${type === null ? entry.path.split("/").slice(0, 4).join("/") : `${type[1]}${type[2] ?? ""}`}`;
          kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
        }
        console.log(`    429s by call: ${[...kinds].map(([kind, count]) => `${kind} ${count}`).join(", ")}`);
      }
    }
    console.log(`    event loop of the host (and app) busy ${fmt(loopBusy * 100, 0)} % of the fleet's wall time`);
    console.log(
      `    requests: ${writes} ARM writes, ${reads} ARM reads, ${statusGets} AKS operation-status GETs, ${otherAks} other AKS calls; floors ${Object.entries(
        floors,
      )
        .map(([name, ms]) => `${name} ${fmt(ms / 1000)} s`)
        .join(", ")}`,
    );
  } finally {
    events.close();
    await host.close();
    await simulator.close();
  }
}
