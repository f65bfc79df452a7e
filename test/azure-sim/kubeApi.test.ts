/**
 * The simulated API server's contract below kubectl: stable object identity, Table columns, set-based label and
 * field selectors, watch streams, refusals an API server gives, and where addresses come from per network mode and
 * podIPAllocationMode (AKS docs "Dynamic IP allocation": DynamicIndividual = 16-IP batches per node, non-contiguous;
 * StaticBlock = /28 blocks per node), services (kubernetes = first service address, kube-dns = dnsServiceIP) and
 * internal load balancers (next free address of the subnet; azure-load-balancer-internal-subnet / -ipv4 honoured).
 */
import { request } from "node:https";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzureSimulator, type AzureSimulator } from "../../local/azure-sim/index.js";
import { createSeed1 } from "./seedCluster.js";

let sim: AzureSimulator;
let server: string;
let token: string;
let ca: string;

function kube(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any; text: string }> {
  return new Promise((resolve, reject) => {
    const r = request(
      `${server}${path}`,
      {
        method,
        agent: false,
        ca,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
          ...headers,
        },
      },
      (response) => {
        let text = "";
        response.on("data", (chunk: Buffer) => (text += chunk.toString()));
        response.on("end", () => {
          let parsed: unknown = null;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = null;
          }
          resolve({ status: response.statusCode ?? 0, body: parsed, text });
        });
      },
    );
    r.on("error", reject);
    if (body !== undefined) r.write(typeof body === "string" ? body : JSON.stringify(body));
    r.end();
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const toNumber = (ip: string) => ip.split(".").reduce((n, part) => n * 256 + Number(part), 0);

beforeAll(async () => {
  sim = await startAzureSimulator({
    timeScale: 0.002,
    emitRetryAfter: false,
    principalNotFoundWindowMs: 0,
    podStartupMs: 10,
  });
  const kubeconfig = await createSeed1(sim);
  server = /server: (\S+)/.exec(kubeconfig)?.[1] ?? "";
  token = /token: (\S+)/.exec(kubeconfig)?.[1] ?? "";
  ca = Buffer.from(/certificate-authority-data: (\S+)/.exec(kubeconfig)?.[1] ?? "", "base64").toString();
  await sleep(100);
}, 60_000);

afterAll(async () => {
  await sim?.close();
});

describe("API server basics", () => {
  it("has its own endpoint with no path prefix, refuses a wrong token, and keeps uid/resourceVersion/creationTimestamp stable", async () => {
    expect(server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(new URL(server).port).not.toBe(new URL(sim.url).port);
    const saved = token;
    token = "wrong";
    expect((await kube("GET", "/api/v1/pods")).status).toBe(401);
    token = saved;
    const [a, b] = [await kube("GET", "/api/v1/pods"), await kube("GET", "/api/v1/pods")];
    const meta = (list: any) =>
      list.body.items.map((p: any) => [p.metadata.uid, p.metadata.resourceVersion, p.metadata.creationTimestamp]);
    expect(meta(a)).toEqual(meta(b));
    expect(meta(a)[0][2]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it("answers Table requests with the API server's columns, -o wide ones at priority 1", async () => {
    const accept = { accept: "application/json;as=Table;v=v1;g=meta.k8s.io,application/json" };
    const nodes = (await kube("GET", "/api/v1/nodes", undefined, accept)).body;
    expect(nodes.kind).toBe("Table");
    expect(nodes.columnDefinitions.map((c: any) => `${c.name}:${c.priority}`)).toEqual([
      "Name:0",
      "Status:0",
      "Roles:0",
      "Age:0",
      "Version:0",
      "Internal-IP:1",
      "External-IP:1",
      "OS-Image:1",
      "Kernel-Version:1",
      "Container-Runtime:1",
    ]);
    expect(nodes.rows[0].object).toMatchObject({ kind: "PartialObjectMetadata" });
    const pods = (await kube("GET", "/api/v1/namespaces/kube-system/pods", undefined, accept)).body;
    expect(pods.columnDefinitions.filter((c: any) => c.priority === 1).map((c: any) => c.name)).toEqual([
      "IP",
      "Node",
      "Nominated Node",
      "Readiness Gates",
    ]);
  });

  it("filters with set-based label selectors and spec.nodeName / status.phase field selectors", async () => {
    const names = async (query: string) =>
      (await kube("GET", `/api/v1/pods?${query}`)).body.items.map((p: any) => p.metadata.labels["k8s-app"]);
    expect(new Set(await names(`labelSelector=${encodeURIComponent("k8s-app in (kube-dns,metrics-server)")}`))).toEqual(
      new Set(["kube-dns", "metrics-server"]),
    );
    expect(
      new Set(
        await names(
          `labelSelector=${encodeURIComponent("k8s-app in (kube-dns,metrics-server),k8s-app!=metrics-server")}`,
        ),
      ),
    ).toEqual(new Set(["kube-dns"]));
    expect(await names(`labelSelector=${encodeURIComponent("!k8s-app")}`)).toEqual([]);
    const node = (await kube("GET", "/api/v1/nodes")).body.items[0].metadata.name;
    const onNode = (
      await kube(
        "GET",
        `/api/v1/pods?fieldSelector=${encodeURIComponent(`spec.nodeName=${node},status.phase=Running`)}`,
      )
    ).body.items;
    expect(onNode.length).toBeGreaterThan(5);
    expect(onNode.every((p: any) => p.spec.nodeName === node)).toBe(true);
    expect((await kube("GET", `/api/v1/pods?fieldSelector=spec.bogus%3Dx`)).status).toBe(400);
  });

  it("streams watch events from a list's resourceVersion", async () => {
    const list = (await kube("GET", "/api/v1/namespaces/default/configmaps")).body;
    const events: string[] = [];
    const watching = new Promise<void>((resolve, reject) => {
      const r = request(
        `${server}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${list.metadata.resourceVersion}`,
        { agent: false, ca, headers: { authorization: `Bearer ${token}` } },
        (response) => {
          response.on("data", (chunk: Buffer) => {
            for (const line of chunk
              .toString()
              .split("\n")
              .filter((l) => l !== ""))
              events.push(`${JSON.parse(line).type} ${JSON.parse(line).object.metadata.name}`);
            if (events.length >= 2) {
              r.destroy();
              resolve();
            }
          });
        },
      );
      r.on("error", (error) => (events.length >= 2 ? resolve() : reject(error)));
      r.end();
    });
    await sleep(50);
    await kube("POST", "/api/v1/namespaces/default/configmaps", { metadata: { name: "settings" }, data: { a: "1" } });
    await kube("DELETE", "/api/v1/namespaces/default/configmaps/settings");
    await watching;
    expect(events).toEqual(["ADDED settings", "DELETED settings"]);
  });

  it("refuses what an API server refuses: no name (422), unknown fields under Strict (400), duplicates (409), a protobuf body (415)", async () => {
    expect((await kube("POST", "/api/v1/namespaces", { metadata: {} })).body).toMatchObject({
      code: 422,
      reason: "Invalid",
    });
    expect(
      (await kube("POST", "/api/v1/namespaces?fieldValidation=Strict", { metadata: { name: "x1" }, bogus: 1 })).status,
    ).toBe(400);
    expect((await kube("POST", "/api/v1/namespaces", { metadata: { name: "x2" } })).status).toBe(201);
    expect((await kube("POST", "/api/v1/namespaces", { metadata: { name: "x2" } })).body).toMatchObject({
      code: 409,
      reason: "AlreadyExists",
    });
    expect(
      (await kube("POST", "/api/v1/namespaces", "k8s\u0000", { "content-type": "application/vnd.kubernetes.protobuf" }))
        .status,
    ).toBe(415);
    expect((await kube("DELETE", "/api/v1/namespaces/kube-system")).status).toBe(403);
  });
});

describe("addresses", () => {
  it("gives each node a non-contiguous batch of 16 pod-subnet IPs at creation (DynamicIndividual)", async () => {
    const pods = (await kube("GET", "/api/v1/pods")).body.items.filter((p: any) => p.spec.hostNetwork !== true);
    const byNode = new Map<string, number[]>();
    for (const pod of pods)
      byNode.set(pod.spec.nodeName, [...(byNode.get(pod.spec.nodeName) ?? []), toNumber(pod.status.podIP)]);
    expect(byNode.size).toBe(3);
    for (const ips of byNode.values()) {
      const sorted = [...ips].sort((a, b) => a - b);
      expect(sorted.every((ip) => ip >= toNumber("10.242.0.4") && ip < toNumber("10.242.0.52"))).toBe(true);
      // Interleaved batches: consecutive pods of one node are never adjacent addresses.
      expect(sorted.slice(1).every((ip, i) => ip - (sorted[i] ?? 0) > 1)).toBe(true);
    }
  });

  it("puts kubernetes and kube-dns on the service CIDR's first address and dnsServiceIP, others from the CIDR", async () => {
    const services = (await kube("GET", "/api/v1/services")).body.items;
    const ip = (name: string) => services.find((s: any) => s.metadata.name === name)?.spec.clusterIP;
    expect(ip("kubernetes")).toBe("10.0.0.1");
    expect(ip("kube-dns")).toBe("10.0.0.10");
    expect(ip("metrics-server")).toMatch(/^10\.0\.\d+\.\d+$/);
  });

  it("places internal load balancers on the next free address, in the named subnet, or on the requested IP", async () => {
    const lb = async (name: string, annotations: Record<string, string>) => {
      await kube("POST", "/api/v1/namespaces/default/services", {
        metadata: {
          name,
          annotations: { "service.beta.kubernetes.io/azure-load-balancer-internal": "true", ...annotations },
        },
        spec: { type: "LoadBalancer", ports: [{ port: 80 }] },
      });
      return (await kube("GET", `/api/v1/namespaces/default/services/${name}`)).body.status.loadBalancer.ingress?.[0]
        ?.ip;
    };
    expect(await lb("ilb1", {})).toBe("10.243.0.7");
    expect(await lb("ilb2", {})).toBe("10.243.0.8");
    expect(
      await lb("ilb3", { "service.beta.kubernetes.io/azure-load-balancer-internal-subnet": "snet-services" }),
    ).toBe("10.241.0.4");
    expect(await lb("ilb4", { "service.beta.kubernetes.io/azure-load-balancer-ipv4": "10.243.0.100" })).toBe(
      "10.243.0.100",
    );
    // A requested address already taken stays pending, as the cloud provider leaves it.
    expect(await lb("ilb5", { "service.beta.kubernetes.io/azure-load-balancer-ipv4": "10.243.0.100" })).toBeUndefined();
  });

  it("gives StaticBlock nodes /28 blocks instead", async () => {
    const other = await startAzureSimulator({
      timeScale: 0.002,
      emitRetryAfter: false,
      principalNotFoundWindowMs: 0,
      podStartupMs: 10,
    });
    try {
      const kubeconfig = await createSeed1(other, other.subscriptionId, { podIPAllocationMode: "StaticBlock" });
      const [savedServer, savedToken, savedCa] = [server, token, ca];
      server = /server: (\S+)/.exec(kubeconfig)?.[1] ?? "";
      token = /token: (\S+)/.exec(kubeconfig)?.[1] ?? "";
      ca = Buffer.from(/certificate-authority-data: (\S+)/.exec(kubeconfig)?.[1] ?? "", "base64").toString();
      await sleep(100);
      const pods = (await kube("GET", "/api/v1/pods")).body.items.filter((p: any) => p.spec.hostNetwork !== true);
      [server, token, ca] = [savedServer, savedToken, savedCa];
      // maxPods 30 → ceil(30/16) = 2 blocks of 16 per node: node i owns 10.242.0.(32i) … (32i + 31).
      const blocks = new Map<string, Set<number>>();
      for (const pod of pods)
        blocks.set(
          pod.spec.nodeName,
          new Set([
            ...(blocks.get(pod.spec.nodeName) ?? []),
            Math.floor((toNumber(pod.status.podIP) - toNumber("10.242.0.0")) / 32),
          ]),
        );
      expect([...blocks.values()].every((set) => set.size === 1)).toBe(true);
      expect(new Set([...blocks.values()].map((set) => [...set][0])).size).toBe(3);
    } finally {
      await other.close();
    }
  }, 60_000);
});
