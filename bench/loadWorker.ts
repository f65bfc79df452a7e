/**
 * Load generator, in a worker thread so it does not share an event loop with the server under test: `connections`
 * keep-alive loops, each sending the next GET as soon as the previous answer is read, for `seconds`.
 */
import { Agent, request } from "node:http";
import { performance } from "node:perf_hooks";
import { parentPort, workerData } from "node:worker_threads";

interface Job {
  url: string;
  headers: Record<string, string>;
  connections: number;
  seconds: number;
}

const job = workerData as Job;
const agent = new Agent({ keepAlive: true, maxSockets: job.connections });
const latencies: number[] = [];
let errors = 0;

function once(): Promise<void> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = request(job.url, { agent, headers: job.headers }, (response) => {
      response.on("data", () => undefined);
      response.on("end", () => {
        if (response.statusCode !== 200 && response.statusCode !== 304) errors += 1;
        latencies.push(performance.now() - started);
        resolve();
      });
    });
    req.on("error", () => {
      errors += 1;
      resolve();
    });
    req.end();
  });
}

const until = performance.now() + job.seconds * 1_000;
const start = performance.now();
await Promise.all(
  Array.from({ length: job.connections }, async () => {
    while (performance.now() < until) await once();
  }),
);
const elapsed = (performance.now() - start) / 1_000;
agent.destroy();
parentPort?.postMessage({ latencies, errors, elapsed });
