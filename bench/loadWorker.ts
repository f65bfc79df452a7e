/**
 * Load generator, in a worker thread so it does not share an event loop with the server under test. It takes jobs
 * one after another (so the server and its reference can be measured in alternation with warm connections): each job
 * runs `connections` keep-alive loops, each sending the next GET as soon as the previous answer is read, for `seconds`.
 * With `urls`, connection i asks for urls[i % urls.length] (many pollers of different runs rather than of one).
 */
import { Agent, request } from "node:http";
import { performance } from "node:perf_hooks";
import { parentPort } from "node:worker_threads";

export interface LoadJob {
  url: string;
  urls?: string[];
  headers: Record<string, string>;
  connections: number;
  seconds: number;
}

export interface LoadResult {
  latencies: number[];
  errors: number;
  elapsed: number;
}

// One pool for every job: connections to each server stay open between its measurements.
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function once(url: string, headers: Record<string, string>, out: LoadResult): Promise<void> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = request(url, { agent, headers }, (response) => {
      response.on("data", () => undefined);
      response.on("end", () => {
        if (response.statusCode !== 200 && response.statusCode !== 304) out.errors += 1;
        out.latencies.push(performance.now() - started);
        resolve();
      });
    });
    req.on("error", () => {
      out.errors += 1;
      resolve();
    });
    req.end();
  });
}

async function run(job: LoadJob): Promise<LoadResult> {
  const out: LoadResult = { latencies: [], errors: 0, elapsed: 0 };
  const until = performance.now() + job.seconds * 1_000;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: job.connections }, async (_, i) => {
      const url = job.urls === undefined ? job.url : (job.urls[i % job.urls.length] ?? job.url);
      while (performance.now() < until) await once(url, job.headers, out);
    }),
  );
  out.elapsed = (performance.now() - start) / 1_000;
  return out;
}

parentPort?.on("message", (job: LoadJob | null) => {
  if (job === null) {
    agent.destroy();
    parentPort?.close();
    return;
  }
  void run(job).then((result) => parentPort?.postMessage(result));
});
