/**
 * `npm run demo`: provisions the two source articles' clusters — seed 1 (Azure CNI with a pod subnet) and seed 2
 * (kubenet in an existing-style VNet) — follows both to the end and prints their IP verification tables. Uses a running
 * API (AKS_PROVISIONING_URL / AKS_PROVISIONING_KEY) or starts the local stack in-process.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ApiClient, follow } from "../cli/src/client.js";
import { formatIpVerification, formatStep } from "../cli/src/format.js";
import { repoRoot, startStack, type Stack } from "./stack.js";

const requested = process.env.AKS_PROVISIONING_URL ?? "http://127.0.0.1:7071";
let client = new ApiClient({ baseUrl: requested, key: process.env.AKS_PROVISIONING_KEY });
let stack: Stack | null = null;
if (!(await client.healthy())) {
  console.log(`No API at ${requested}; starting the local stack in-process…`);
  stack = await startStack({
    port: 0,
    dataDir: null,
    timeScale: Number(process.env.SIM_TIME_SCALE ?? "0.05"),
    env: { CLUSTER_POLL_INTERVAL_SECONDS: "2" },
  });
  client = new ApiClient({ baseUrl: stack.apiBaseUrl, key: stack.apiKey });
}

let failures = 0;
try {
  const runs = await Promise.all(
    ["pod-subnet", "kubenet"].map(async (example) => {
      const request = JSON.parse(readFileSync(join(repoRoot, "docs/examples", `${example}.json`), "utf8")) as unknown;
      const accepted = await client.create(request);
      console.log(`${example}: accepted ${accepted.id}`);
      const printed = new Set<string>();
      return follow(client, accepted.id, {
        timeoutSeconds: 900,
        onUpdate: (document) => {
          for (const step of document.steps) {
            const line = `[${example}] ${formatStep(step)}`;
            if (step.status !== "pending" && step.status !== "running" && !printed.has(line)) {
              printed.add(line);
              console.log(line);
            }
          }
        },
      });
    }),
  );
  for (const document of runs) {
    console.log(
      `\n${document.request?.clusterName ?? document.id} (${document.request?.network.mode ?? ""}): ${document.status}`,
    );
    console.log(formatIpVerification(document));
    if (document.status !== "Succeeded") {
      failures += 1;
      console.error(
        `failed at ${document.error?.step ?? "?"}: ${document.error?.code ?? ""} ${document.error?.message ?? ""}`,
      );
    }
  }
} finally {
  await stack?.close();
}
process.exitCode = failures === 0 ? 0 : 2;
