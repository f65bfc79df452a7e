/**
 * `npm run bench`: prints numbers, asserts nothing. Planner and IP-classification throughput (pure domain code, on the
 * hot path of every POST and of every verification poll), and memory per plan.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { repoRoot } from "../local/stack.js";
import { classifyIpPlacement } from "../src/domain/ipClassification.js";
import { planCluster } from "../src/domain/planner.js";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

function measure(label: string, iterations: number, body: (i: number) => void): void {
  for (let i = 0; i < Math.min(1_000, iterations); i += 1) body(i); // warm-up
  const heapBefore = process.memoryUsage().heapUsed;
  const start = performance.now();
  for (let i = 0; i < iterations; i += 1) body(i);
  const elapsed = performance.now() - start;
  const heapDelta = process.memoryUsage().heapUsed - heapBefore;
  console.log(
    `${label.padEnd(44)} ${iterations.toString().padStart(7)} runs  ${((elapsed / iterations) * 1_000).toFixed(1).padStart(8)} µs/run  ${Math.round(
      iterations / (elapsed / 1_000),
    )
      .toString()
      .padStart(8)} runs/s  heap Δ ${(heapDelta / 1024 / 1024).toFixed(1)} MiB`,
  );
}

const seed1 = JSON.parse(readFileSync(join(repoRoot, "docs/examples/pod-subnet.json"), "utf8")) as {
  network: Record<string, unknown>;
};

const invalid = {
  ...seed1,
  clusterName: "-bad-",
  network: {
    ...seed1.network,
    nodeSubnet: { name: "snet-nodes", addressPrefix: "10.242.0.0/16" },
    dnsServiceIp: "10.0.0.0",
  },
};

console.log(`node ${process.version}, ${process.arch}`);
measure("planCluster (seed 1, valid)", 20_000, () => {
  if (!planCluster(seed1).ok) throw new Error("seed 1 should plan");
});
measure("planCluster (4 violations)", 20_000, () => {
  if (planCluster(invalid).ok) throw new Error("should fail");
});

for (const podCount of [100, 5_000]) {
  const nodes = Array.from({ length: Math.ceil(podCount / 30) }, (_, i) => ({
    name: `node-${i}`,
    internalIp: `10.243.${Math.floor(i / 250)}.${(i % 250) + 4}`,
  }));
  const pods = Array.from({ length: podCount }, (_, i) => ({
    namespace: "default",
    name: `pod-${i}`,
    ip: i % 10 === 0 ? `10.243.0.${(i % 250) + 4}` : `10.242.${Math.floor(i / 250)}.${(i % 250) + 4}`,
    hostNetwork: i % 10 === 0,
    phase: "Running",
  }));
  const expected = {
    mode: "pod-subnet" as const,
    nodeSubnetCidr: "10.243.0.0/16",
    podSubnetCidr: "10.242.0.0/16",
    podCidr: null,
  };
  measure(`classifyIpPlacement (${podCount} pods)`, podCount > 1_000 ? 200 : 5_000, () => {
    if (!classifyIpPlacement(expected, { nodes, pods }).passed) throw new Error("should pass");
  });
}

/** Runs a bench entry in a process of its own (one local host per process) and shows only its own lines. */
function runApart(entry: string, env: Record<string, string> = {}): void {
  const child = spawnSync(process.execPath, [fileURLToPath(new URL(entry, import.meta.url))], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
    encoding: "utf8",
  });
  // The app's audit lines go to stdout too; the bench shows only its own numbers.
  process.stdout.write(
    child.stdout
      .split("\n")
      .filter((line) => !line.startsWith('{"audit"'))
      .join("\n"),
  );
  if (child.status !== 0) process.exitCode = child.status ?? 1;
}

// BENCH_ONLY=api runs just the portal read numbers; BENCH_FLEET sets the fleet size (default 100).
if (process.env.BENCH_ONLY !== "api") {
  runApart("./fleetMain.js");
  // The same fleet at 1/10: at 1/30 a hundred runs' worth of host work, which Azure's minutes would spread out, lands
  // in about 13 s on this machine's two cores; the two figures together separate that compression from the product.
  runApart("./fleetMain.js", { BENCH_SCALE: "0.1" });
}
// A second stack (with Azurite) needs a process of its own too.
runApart("./apiMain.js");
