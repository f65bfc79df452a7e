/** What an API server answers outside its resources: version, health, discovery and OpenAPI documents. */
import { json, type SimResponse } from "../http.js";
import {
  aggregatedDiscovery,
  coreVersions,
  groupList,
  openApiGroupVersion,
  openApiRoot,
  resourceList,
} from "./resources.js";
import { status } from "./requests.js";

function versionInfo(version: string): Record<string, string> {
  const [major = "1", minor = "33"] = version.split(".");
  return {
    major,
    minor,
    gitVersion: `v${version}`,
    gitCommit: "0000000000000000000000000000000000000000",
    gitTreeState: "clean",
    buildDate: "2025-06-17T18:36:35Z",
    goVersion: "go1.24.4",
    compiler: "gc",
    platform: "linux/amd64",
  };
}

function discovery(core: boolean, accept: string, serverAddress: () => string): SimResponse {
  // Aggregated discovery (apidiscovery.k8s.io) when the client lists it in Accept, as kubectl ≥ 1.26 does.
  const aggregated = accept
    .split(",")
    .map((part) => part.trim())
    .find((part) => /g=apidiscovery\.k8s\.io/.test(part) && /as=APIGroupDiscoveryList/.test(part));
  if (aggregated !== undefined) {
    const version = /v=(v2beta1|v2)\b/.exec(aggregated)?.[1] === "v2beta1" ? "v2beta1" : "v2";
    return json(200, aggregatedDiscovery(core, version), {
      "Content-Type": `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`,
    });
  }
  return json(200, core ? coreVersions(serverAddress()) : groupList());
}

/** A length-delimited protobuf field (wire type 2). */
function field(number: number, bytes: Buffer): Buffer {
  const length: number[] = [];
  let n = bytes.length;
  do {
    length.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
    n >>>= 7;
  } while (n > 0);
  return Buffer.concat([Buffer.from([(number << 3) | 2, ...length]), bytes]);
}

/**
 * /openapi/v2 as older kubectl (Debian's kubernetes-client 1.20) reads it: a gnostic openapi_v2.Document in protobuf
 * ({1: swagger, 2: info{1: title, 2: version}}) with no definitions. Client-side validation skips kinds it has no
 * schema for, so `kubectl apply` proceeds; newer kubectl uses /openapi/v3 and server-side validation instead.
 */
function openApiV2(accept: string, version: string): SimResponse {
  if (accept.includes("protobuf")) {
    const info = Buffer.concat([field(1, Buffer.from("Kubernetes")), field(2, Buffer.from(`v${version}`))]);
    const document = Buffer.concat([field(1, Buffer.from("2.0")), field(2, info)]);
    return {
      status: 200,
      body: document,
      raw: true,
      headers: { "Content-Type": "application/com.github.proto-openapi.spec.v2.v1.0+protobuf" },
    };
  }
  return json(200, {
    swagger: "2.0",
    info: { title: "Kubernetes", version: `v${version}` },
    paths: {},
    definitions: {},
  });
}

const missing = () => status(404, "NotFound", "the server could not find the requested resource");

/** The answer to a GET of a non-resource path, or undefined for resource paths. */
export function nonResource(
  path: string,
  accept: string,
  version: string,
  serverAddress: () => string,
): SimResponse | undefined {
  if (path === "/version") return json(200, versionInfo(version));
  if (["/healthz", "/livez", "/readyz"].includes(path)) return { status: 200, body: "ok", raw: true };
  if (path === "/api" || path === "/apis") return discovery(path === "/api", accept, serverAddress);
  if (path === "/api/v1") return json(200, resourceList("", "v1"));
  const groupVersion = /^\/apis\/([^/]+)\/([^/]+)$/.exec(path);
  if (groupVersion !== null) {
    const list = resourceList(groupVersion[1] ?? "", groupVersion[2] ?? "");
    return list === undefined ? missing() : json(200, list);
  }
  const group = /^\/apis\/([^/]+)$/.exec(path);
  if (group !== null) {
    const found = (groupList().groups as { name: string }[]).find((g) => g.name === group[1]);
    return found === undefined ? missing() : json(200, { kind: "APIGroup", apiVersion: "v1", ...found });
  }
  if (path === "/openapi/v2") return openApiV2(accept, version);
  if (path === "/openapi/v3") return json(200, openApiRoot());
  const openApi = /^\/openapi\/v3\/(.+)$/.exec(path);
  if (openApi !== null) {
    const document = openApiGroupVersion(openApi[1] ?? "");
    return document === undefined ? missing() : json(200, document);
  }
  return undefined;
}
