/**
 * Load generator, in a worker thread so it does not share an event loop with the server under test: `connections`
 * keep-alive loops, each sending the next GET as soon as the previous answer is read, for `seconds`. With `urls`,
 * connection i asks for urls[i % urls.length] (many pollers of different runs rather than of one).
 */
import { Agent, request } from "node:http";
import { performance } from "node:perf_hooks";
import { parentPort, workerData } from "node:worker_threads";

interface Job {
  url: string;
  urls?: string[];
  headers: Record<string, string>;
  connections: number;
  seconds: number;
}

const job = workerData as Job;
const agent = new Agent({ keepAlive: true, maxSockets: job.connections });
const latencies: number[] = [];
let errors = 0;

function once(url: string): Promise<void> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = request(url, { agent, headers: job.headers }, (response) => {
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
  Array.from({ length: job.connections }, async (_, i) => {
    const url = job.urls === undefined ? job.url : (job.urls[i % job.urls.length] ?? job.url);
    while (performance.now() < until) await once(url);
  }),
);
const elapsed = (performance.now() - start) / 1_000;
agent.destroy();
parentPort?.postMessage({ latencies, errors, elapsed });
