/**
 * Stock kubectl (the one on PATH, or $KUBECTL; CI installs Debian's kubernetes-client 1.20 when none is there)
 * against a simulated seed-1 cluster: the commands of the seed articles, in their order, with the output shaped as a
 * real cluster's. Checked with kubectl 1.27–1.33 and Debian's 1.20.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzureSimulator, type AzureSimulator } from "../../local/azure-sim/index.js";
import { createSeed1 } from "./seedCluster.js";

const run = promisify(execFile);
const binary = process.env.KUBECTL ?? "kubectl";
const fixture = join(import.meta.dirname, "fixtures", "service.yaml");
let sim: AzureSimulator;
let home: string;

async function kubectl(...args: string[]): Promise<string> {
  try {
    const { stdout } = await run(binary, args, {
      env: { ...process.env, HOME: home, KUBECONFIG: join(home, "config") },
      timeout: 15_000,
    });
    return stdout;
  } catch (error) {
    const stderr = String((error as { stdout?: string }).stdout) + String((error as { stderr?: string }).stderr);
    throw new Error(`kubectl ${args.join(" ")}: ${stderr.split("\n").slice(-12).join("\n")}`);
  }
}

/** Rows of kubectl's table output as column → cell maps. */
function rows(output: string): Record<string, string>[] {
  const [header = "", ...lines] = output.trimEnd().split("\n");
  const starts = [...header.matchAll(/\S+(?: \S+)*/g)].map((m) => ({ name: m[0], at: m.index }));
  return lines.map((line) =>
    Object.fromEntries(starts.map((col, i) => [col.name, line.slice(col.at, starts[i + 1]?.at ?? line.length).trim()])),
  );
}

beforeAll(async () => {
  sim = await startAzureSimulator({
    timeScale: 0.002,
    emitRetryAfter: false,
    principalNotFoundWindowMs: 0,
    podStartupMs: 50,
  });
  home = mkdtempSync(join(tmpdir(), "kubectl-home-"));
  writeFileSync(join(home, "config"), await createSeed1(sim));
}, 60_000);

afterAll(async () => {
  await sim?.close();
});

describe("stock kubectl against the seed-1 cluster", () => {
  it("kubectl version reaches the server", async () => {
    const output = await kubectl("version");
    // kubectl ≥ 1.28 prints "Server Version: v1.33.2"; older ones the whole version.Info struct.
    expect(output).toMatch(/Client Version: (v1\.\d+|version\.Info\{)/);
    expect(output).toMatch(/Server Version: (v1\.33\.2|version\.Info\{.*GitVersion:"v1\.33\.2")/);
  });

  it("get nodes -o wide shows internal IPs from the node subnet and the node image", async () => {
    const nodes = rows(await kubectl("get", "nodes", "-o", "wide"));
    expect(nodes.map((n) => n["INTERNAL-IP"])).toEqual(["10.243.0.4", "10.243.0.5", "10.243.0.6"]);
    for (const node of nodes) {
      expect(node).toMatchObject({
        STATUS: "Ready",
        ROLES: "<none>",
        VERSION: "v1.33.2",
        "OS-IMAGE": "Ubuntu 22.04.5 LTS",
      });
      expect(node.NAME).toMatch(/^aks-system-\d{8}-vmss00000[0-2]$/);
    }
  });

  it("get pods -A -o wide: hostNetwork pods on node IPs, the others in the pod subnet, each with its node", async () => {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const pods = rows(await kubectl("get", "pods", "-A", "-o", "wide"));
    expect(pods.length).toBeGreaterThan(20);
    for (const pod of pods) {
      expect(pod.STATUS).toBe("Running");
      expect(pod.IP).toMatch(pod.NAME?.startsWith("coredns") ? /^10\.242\./ : /^10\.24[23]\./);
      expect(pod.NODE).toMatch(/vmss/);
    }
    expect(pods.find((p) => p.NAME?.startsWith("kube-proxy"))?.IP).toMatch(/^10\.243\.0\.[4-6]$/);
  });

  it("get all --all-namespaces lists pods, services, daemonsets, deployments and replicasets", async () => {
    const output = await kubectl("get", "all", "--all-namespaces");
    for (const kind of [
      "pod/",
      "service/kubernetes",
      "service/kube-dns",
      "daemonset.apps/kube-proxy",
      "deployment.apps/coredns",
      "replicaset.apps/coredns-",
    ])
      expect(output).toContain(kind);
  });

  it("get services shows kubernetes on the service CIDR's first address", async () => {
    const services = rows(await kubectl("get", "services"));
    expect(services).toEqual([
      expect.objectContaining({
        NAME: "kubernetes",
        TYPE: "ClusterIP",
        "CLUSTER-IP": "10.0.0.1",
        "EXTERNAL-IP": "<none>",
        "PORT(S)": "443/TCP",
      }),
    ]);
    const dns = rows(await kubectl("get", "services", "-n", "kube-system"));
    expect(dns).toContainEqual(
      expect.objectContaining({ NAME: "kube-dns", "CLUSTER-IP": "10.0.0.10", "PORT(S)": "53/UDP,53/TCP" }),
    );
  });

  it("apply -f service.yaml (validated by default), then pods and the internal load balancer inside the VNet", async () => {
    const applied = await kubectl("apply", "-f", fixture);
    expect(applied).toContain("deployment.apps/web created");
    expect(applied).toContain("service/web-service created");
    await kubectl("rollout", "status", "deployment/web", "--timeout=20s");
    // A second apply diffs against the last-applied annotation: nothing to change.
    expect(await kubectl("apply", "-f", fixture)).toMatch(
      /deployment\.apps\/web unchanged\nservice\/web-service unchanged/,
    );
    const pods = rows(await kubectl("get", "pods", "-o", "wide"));
    expect(pods).toHaveLength(3);
    for (const pod of pods) {
      expect(pod.NAME).toMatch(/^web-[b-z2-9]{10}-[b-z2-9]{5}$/);
      expect(pod).toMatchObject({ READY: "1/1", STATUS: "Running" });
      expect(pod.IP).toMatch(/^10\.242\./);
    }
    expect(new Set(pods.map((p) => p.NODE)).size).toBe(3);
    const services = rows(await kubectl("get", "services"));
    const web = services.find((s) => s.NAME === "web-service");
    expect(web).toMatchObject({ TYPE: "LoadBalancer", "EXTERNAL-IP": "10.243.0.7" });
    expect(web?.["CLUSTER-IP"]).toMatch(/^10\.0\./);
    expect(web?.["PORT(S)"]).toMatch(/^80:3\d{4}\/TCP$/);
    // What the scheduler, kubelet and controllers record, as kubectl get events / describe show it.
    const events = rows(await kubectl("get", "events"));
    expect(events.map((e) => e.REASON)).toEqual(
      expect.arrayContaining(["ScalingReplicaSet", "SuccessfulCreate", "Scheduled", "Pulled", "Created", "Started"]),
    );
    expect(await kubectl("describe", "pod", pods[0]?.NAME ?? "")).toMatch(
      /Normal\s+Scheduled\s+\S+\s+default-scheduler\s+Successfully assigned default\/web-/,
    );
    // A changed spec goes out as a strategic merge patch; the ReplicaSet follows it.
    const scaled = join(home, "service-4.yaml");
    writeFileSync(scaled, readFileSync(fixture, "utf8").replace("replicas: 3", "replicas: 4"));
    expect(await kubectl("apply", "-f", scaled)).toContain("deployment.apps/web configured");
    await kubectl("rollout", "status", "deployment/web", "--timeout=20s");
    expect(rows(await kubectl("get", "deployment", "web"))[0]).toMatchObject({ READY: "4/4" });
    expect(await kubectl("scale", "deployment", "web", "--replicas=3")).toContain("deployment.apps/web scaled");
    await kubectl("rollout", "status", "deployment/web", "--timeout=20s");
    expect(rows(await kubectl("get", "pods", "-l", "app=web"))).toHaveLength(3);
    // Only the subresources an API server for these kinds serves: no logs from a simulated container.
    await expect(kubectl("logs", pods[0]?.NAME ?? "")).rejects.toThrow(/NotFound|could not find/);
  });

  it("delete -f removes the deployment, its pods and the service", async () => {
    const deleted = await kubectl("delete", "-f", fixture);
    expect(deleted).toContain('deployment.apps "web" deleted');
    expect(deleted).toContain('service "web-service" deleted');
    expect(await kubectl("get", "pods", "-l", "app in (web)", "-o", "name")).toBe("");
    expect(rows(await kubectl("get", "services")).map((s) => s.NAME)).toEqual(["kubernetes"]);
  });

  it("create namespace / configmap (sent as protobuf by kubectl), get and delete them", async () => {
    expect(await kubectl("create", "namespace", "demo")).toContain("namespace/demo created");
    expect(await kubectl("create", "configmap", "settings", "-n", "demo", "--from-literal=mode=pod-subnet")).toContain(
      "configmap/settings created",
    );
    expect(await kubectl("get", "configmap", "settings", "-n", "demo", "-o", "jsonpath={.data.mode}")).toBe(
      "pod-subnet",
    );
    expect(rows(await kubectl("get", "namespace", "demo"))).toEqual([
      expect.objectContaining({ NAME: "demo", STATUS: "Active" }),
    ]);
    expect(await kubectl("delete", "namespace", "demo")).toContain('namespace "demo" deleted');
  });
});
