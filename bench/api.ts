/**
 * The portal read paths through the local stack (local host + simulator + Azurite), against a bare node:http server
 * answering the same bytes, measured in the same run:
 *   - status GET: throughput and p99 at 20 connections, as a share of the bare server's, the two measured in
 *     alternating rounds (this machine's speed drifts within a minute; alternation gives both the same conditions);
 *   - GET /api/clusters?top=20: p50 with 20 and with 2,000 runs in the index.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import type { LoadJob, LoadResult } from "./loadWorker.js";
import { percentile } from "./stats.js";
import { TableClient } from "@azure/data-tables";
import { startStack } from "../local/stack.js";
import { toEntity } from "../src/store/runIndex.js";
import type { StatusSummary } from "../src/domain/statusDocument.js";

interface Load {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
}

/** The load generator's thread, kept for the whole benchmark so each server's connections stay warm between jobs. */
class LoadGenerator {
  private readonly worker = new Worker(new URL("./loadWorker.js", import.meta.url));

  run(job: LoadJob): Promise<LoadResult> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      this.worker.once("error", onError);
      this.worker.once("message", (result: LoadResult) => {
        this.worker.off("error", onError);
        resolve(result);
      });
      this.worker.postMessage(job);
    });
  }

  async close(): Promise<void> {
    this.worker.postMessage(null);
    await new Promise((resolve) => this.worker.once("exit", resolve));
  }
}

function summarise(results: LoadResult[]): Load {
  const sorted = results.flatMap((result) => result.latencies).sort((a, b) => a - b);
  const elapsed = results.reduce((sum, result) => sum + result.elapsed, 0);
  return {
    requestsPerSecond: sorted.length / elapsed,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    errors: results.reduce((sum, result) => sum + result.errors, 0),
  };
}

/** A job on one URL, or with several, connection i on urls[i % n] (pollers of different runs). */
function jobFor(
  url: string | string[],
  headers: Record<string, string>,
  connections: number,
  seconds: number,
): LoadJob {
  return typeof url === "string"
    ? { url, headers, connections, seconds }
    : { url: url[0] ?? "", urls: url, headers, connections, seconds };
}

async function load(
  generator: LoadGenerator,
  url: string | string[],
  headers: Record<string, string>,
  connections: number,
  seconds: number,
): Promise<Load> {
  return summarise([await generator.run(jobFor(url, headers, connections, seconds))]);
}

/**
 * The server under test and its reference measured in alternation, `rounds` slices each: this machine's speed drifts
 * by a third from one minute to the next (other tenants), and alternating gives both the same conditions. The share is
 * the median of the per-round ratios; throughput and percentiles are over all of a side's slices.
 */
async function alternate(
  generator: LoadGenerator,
  subject: { url: string | string[]; headers: Record<string, string> },
  reference: { url: string; headers: Record<string, string> },
  rounds: number,
  seconds: number,
): Promise<{ subject: Load; reference: Load; share: number; shares: number[] }> {
  const subjectJob = jobFor(subject.url, subject.headers, 20, seconds);
  const referenceJob = jobFor(reference.url, reference.headers, 20, seconds);
  const subjects: LoadResult[] = [];
  const references: LoadResult[] = [];
  const shares: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const ref = await generator.run(referenceJob);
    const sub = await generator.run(subjectJob);
    references.push(ref);
    subjects.push(sub);
    shares.push(sub.latencies.length / sub.elapsed / (ref.latencies.length / ref.elapsed));
  }
  shares.sort((a, b) => a - b);
  return {
    subject: summarise(subjects),
    reference: summarise(references),
    share: percentile(shares, 50),
    shares,
  };
}

async function get(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string; headers: Record<string, string> }> {
  const response = await fetch(url, { headers });
  const out: Record<string, string> = {};
  response.headers.forEach((value, name) => (out[name] = value));
  return { status: response.status, body: await response.text(), headers: out };
}

/** One connection, `count` GETs in a row: the latency a portal page load sees. */
async function sequentialP50(url: string, headers: Record<string, string>, count: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const started = performance.now();
    const response = await get(url, headers);
    if (response.status !== 200) throw new Error(`${url}: ${response.status}`);
    times.push(performance.now() - started);
  }
  return percentile(
    times.sort((a, b) => a - b),
    50,
  );
}

async function bareServer(body: string, headers: Record<string, string>): Promise<{ url: string; server: Server }> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { ...headers, "Content-Length": String(Buffer.byteLength(body)) });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

async function seedIndex(connectionString: string, from: number, to: number): Promise<void> {
  const table = TableClient.fromConnectionString(connectionString, "ClusterRuns", { allowInsecureConnection: true });
  await table.createTable().catch(() => undefined);
  const base = Date.parse("2026-01-01T00:00:00Z");
  for (let start = from; start < to; start += 100) {
    const batch = [];
    for (let i = start; i < Math.min(to, start + 100); i += 1) {
      const at = new Date(base + i * 60_000).toISOString();
      const summary: StatusSummary = {
        id: `c${i.toString(16).padStart(24, "0")}`,
        status: i % 3 === 0 ? "Failed" : "Succeeded",
        subscriptionId: "11111111-2222-3333-4444-555555555555",
        resourceGroup: `rg-bench-${i % 40}`,
        clusterName: `aks-bench-${i}`,
        requestedBy: `user${i % 25}@contoso.example`,
        createdAt: at,
        updatedAt: at,
      };
      batch.push(["upsert", toEntity(summary), "Replace"] as const);
    }
    await table.submitTransaction(batch.map(([action, entity, mode]) => [action, entity, mode]));
  }
}

export async function benchApi(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "bench-api-"));
  const stack = await startStack({
    port: 0,
    dataDir,
    timeScale: 0.002,
    env: { CLUSTER_POLL_INTERVAL_SECONDS: "1", FEATURE_POLL_INTERVAL_SECONDS: "1", ROLE_ASSIGNMENT_RETRY_SECONDS: "1" },
  });
  const key = { "x-api-key": stack.apiKey };
  try {
    console.log(
      "\nportal reads through the local host + Azurite, against a bare node:http server (same machine, same run)",
    );
    const body = {
      subscriptionId: "11111111-2222-3333-4444-555555555555",
      resourceGroup: "rg-bench-status",
      location: "eastus2",
      clusterName: "aks-bench-status",
      nodePool: { count: 3 },
      network: {
        mode: "overlay",
        vnet: { name: "vnet-aks", addressPrefixes: ["10.20.0.0/16"] },
        nodeSubnet: { name: "snet-nodes", addressPrefix: "10.20.0.0/24" },
        podCidr: "192.168.0.0/16",
      },
    };
    // One run polled by every connection, and 19 more so that 20 connections can each poll a run of their own.
    const ids = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const started = await fetch(`${stack.apiBaseUrl}/clusters`, {
          method: "POST",
          headers: { ...key, "content-type": "application/json" },
          body: JSON.stringify(
            i === 0 ? body : { ...body, resourceGroup: `rg-bench-status-${i}`, clusterName: `aks-bench-status-${i}` },
          ),
        });
        return ((await started.json()) as { id: string }).id;
      }),
    );
    const id = ids[0] ?? "";
    const statusUrl = `${stack.apiBaseUrl}/clusters/${id}`;
    const statusUrls = ids.map((each) => `${stack.apiBaseUrl}/clusters/${each}`);
    // Hosts that guard the Durable API with a system key (as Azure does) expose it; older ones have none.
    const systemKey = (stack.host as { systemKey?: string }).systemKey;
    const durableStatusUrl = `${stack.host.baseUrl}/runtime/webhooks/durabletask/instances/${id}?showInput=true${
      systemKey === undefined ? "" : `&code=${encodeURIComponent(systemKey)}`
    }`;
    for (const url of statusUrls) {
      for (;;) {
        const doc = JSON.parse((await get(url, key)).body) as { status: string };
        if (["Succeeded", "Failed"].includes(doc.status)) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    await stack.host.whenIdle();
    const sample = await get(statusUrl, key);
    const bare = await bareServer(sample.body, {
      "Content-Type": sample.headers["content-type"] ?? "application/json",
      ETag: sample.headers.etag ?? "",
    });
    const generator = new LoadGenerator();
    const rounds = 5;
    const seconds = 2;
    // Warm-up: both servers' connections opened and their code paths compiled before anything counts.
    await load(generator, statusUrl, key, 20, 1);
    await load(generator, bare.url, {}, 20, 1);
    const status = await alternate(
      generator,
      { url: statusUrl, headers: key },
      { url: bare.url, headers: {} },
      rounds,
      seconds,
    );
    const line = (label: string, result: Load) =>
      `  ${label.padEnd(28)} ${result.requestsPerSecond.toFixed(0).padStart(6)} req/s  p50 ${result.p50.toFixed(1).padStart(6)} ms  p99 ${result.p99.toFixed(1).padStart(6)} ms${result.errors > 0 ? `  errors ${result.errors}` : ""}`;
    const range = (shares: number[]) =>
      `${((shares[0] ?? 0) * 100).toFixed(1)}–${((shares.at(-1) ?? 0) * 100).toFixed(1)} %`;
    console.log(
      `status GET (${sample.body.length} B document), 20 connections, ${rounds} rounds of ${seconds} s on each server in alternation:`,
    );
    console.log(line("bare node:http", status.reference));
    console.log(line("GET /api/clusters/{id}", status.subject));
    console.log(
      `  → ${(status.share * 100).toFixed(1)} % of the bare server's throughput (median of the rounds; range ${range(status.shares)}; target ≥ 25 %), p99 ${status.subject.p99.toFixed(1)} ms (target ≤ 20 ms)`,
    );
    // Pollers of one run share its store read while it is in flight; pollers of different runs cannot.
    const distinct = await alternate(
      generator,
      { url: statusUrls, headers: key },
      { url: bare.url, headers: {} },
      3,
      seconds,
    );
    console.log(line("… 20 runs, one per connection", distinct.subject));
    console.log(
      `  → ${(distinct.share * 100).toFixed(1)} % of the bare server's throughput when no two connections poll the same run (range ${range(distinct.shares)})`,
    );
    bare.server.close();
    const notModified = await load(generator, statusUrl, { ...key, "If-None-Match": sample.headers.etag ?? "" }, 20, 2);
    console.log(line("… with If-None-Match (304)", notModified));
    // Where the time goes: the same load on the host's cheapest trigger (no store, no Durable client), and on the
    // host's own Durable HTTP API for this instance (the one store read the handler makes, without the trigger).
    const health = await load(generator, `${stack.apiBaseUrl}/health`, {}, 20, 2);
    const durable = await load(generator, durableStatusUrl, {}, 20, 2);
    await generator.close();
    console.log("where the time goes (same load):");
    console.log(line("host trigger only (/health)", health));
    console.log(line("host Durable API read", durable));
    console.log(
      `  → one Durable read costs ${(1000 / durable.requestsPerSecond).toFixed(2)} ms of server time at this load and the trigger ${(1000 / health.requestsPerSecond).toFixed(2)} ms; the host's ceiling without any store read is ${((health.requestsPerSecond / status.reference.requestsPerSecond) * 100).toFixed(1)} % of the bare server`,
    );

    const connection = stack.azurite?.connectionString ?? "";
    // The same layers one request at a time (one connection, p50 of 200): what each hop adds to a status read.
    const bareAgain = await bareServer(sample.body, { "Content-Type": "application/json" });
    const table = TableClient.fromConnectionString(connection, "ClusterRuns", { allowInsecureConnection: true });
    const azuriteTimes: number[] = [];
    for (let i = 0; i < 200; i += 1) {
      const begun = performance.now();
      await table.getEntity("ids", id);
      azuriteTimes.push(performance.now() - begun);
    }
    const layers = [
      ["bare node:http", await sequentialP50(bareAgain.url, {}, 200)],
      [
        "Azurite point read (SDK)",
        percentile(
          azuriteTimes.sort((a, b) => a - b),
          50,
        ),
      ],
      ["host trigger only (/health)", await sequentialP50(`${stack.apiBaseUrl}/health`, {}, 200)],
      ["host Durable API read", await sequentialP50(durableStatusUrl, {}, 200)],
      ["GET /api/clusters/{id}", await sequentialP50(statusUrl, key, 200)],
    ] as const;
    bareAgain.server.close();
    console.log("one request at a time (p50 of 200):");
    for (const [label, ms] of layers) console.log(`  ${label.padEnd(28)} ${ms.toFixed(2).padStart(7)} ms`);
    const listUrl = `${stack.apiBaseUrl}/clusters?top=20`;
    // Azurite persists its in-memory tables to disk a moment after writes; let that pass before each measurement.
    const settle = () => new Promise((resolve) => setTimeout(resolve, 3_000));
    await seedIndex(connection, 0, 19); // 19 + the run above = 20
    await settle();
    await sequentialP50(listUrl, key, 20); // warm-up
    const small = await sequentialP50(listUrl, key, 200);
    const seedStart = performance.now();
    await seedIndex(connection, 19, 1_999);
    const seeded = performance.now() - seedStart;
    await settle();
    await sequentialP50(listUrl, key, 20);
    const large = await sequentialP50(listUrl, key, 200);
    const filtered = await sequentialP50(`${listUrl}&requestedBy=user7%40contoso.example&status=Succeeded`, key, 100);
    console.log(
      `GET /api/clusters?top=20, one connection, p50 of 200 (index seeded in ${(seeded / 1000).toFixed(1)} s):`,
    );
    console.log(
      `  20 runs ${small.toFixed(1)} ms, 2,000 runs ${large.toFixed(1)} ms → ×${(large / small).toFixed(2)} (target ≤ ×2)`,
    );
    console.log(`  2,000 runs filtered by requestedBy and status: ${filtered.toFixed(1)} ms`);
  } finally {
    await stack.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
