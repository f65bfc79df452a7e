/**
 * The URLs the product calls that no azure-rest-api-specs operation describes, each with why it is called and what its
 * answer is held to. Everything else the product sends must be an operation of a kept spec file (armContract.ts), so a
 * new call cannot go unchecked: it needs a kept operation or a row here.
 *
 * Async-operation status URLs are not operations in any spec: the service hands them out in Azure-AsyncOperation and
 * Location headers, with the api-version of the call that started the operation. Their bodies follow common-types'
 * OperationStatusResult, as ARM's async-operation guidelines ask.
 */

export interface OutsideSpecUrl {
  /** Stable code, named in violations and in docs/azure-contract.md. */
  code: string;
  method: string;
  pattern: RegExp;
  apiVersions: string[];
  why: string;
  /** Success statuses the service answers with. */
  statuses: number[];
  /** The kept definition a success body is checked against; null: no body. */
  answer: { file: string; definition: string } | null;
}

const sub = "/subscriptions/[^/]+";
const statusResult = { file: "common-types-v4.json", definition: "OperationStatusResult" };

export const outsideSpecUrls: OutsideSpecUrl[] = [
  {
    code: "aks-operation-status",
    method: "GET",
    pattern: new RegExp(`^${sub}/providers/Microsoft\\.ContainerService/locations/[^/]+/operations/[^/]+$`, "i"),
    apiVersions: ["2026-10-01"],
    why: "Azure-AsyncOperation of an AKS cluster or pool write, delete or abort",
    statuses: [200],
    answer: statusResult,
  },
  {
    code: "aks-operation-result",
    method: "GET",
    pattern: new RegExp(`^${sub}/providers/Microsoft\\.ContainerService/locations/[^/]+/operationresults/[^/]+$`, "i"),
    apiVersions: ["2026-10-01"],
    why: "Location of an AKS delete or abort: 202 while it runs, 204 when done",
    statuses: [202, 204],
    answer: null,
  },
  {
    code: "nrp-operation-status",
    method: "GET",
    pattern: new RegExp(`^${sub}/providers/Microsoft\\.Network/locations/[^/]+/operations/[^/]+$`, "i"),
    apiVersions: ["2026-01-01"],
    why: "Azure-AsyncOperation of a network write",
    statuses: [200],
    answer: statusResult,
  },
  {
    code: "arm-operation-result",
    method: "GET",
    pattern: new RegExp(`^${sub}/operationresults/[^/]+$`, "i"),
    apiVersions: ["2025-04-01"],
    why: "Location of a resource group delete: 202 while it runs, 200 when done",
    statuses: [200, 202],
    answer: null,
  },
  {
    code: "subscription-permissions",
    method: "GET",
    pattern: new RegExp(`^${sub}/providers/Microsoft\\.Authorization/permissions$`, "i"),
    apiVersions: ["2022-04-01"],
    why:
      "The live plan's check of the caller's rights at subscription scope. Azure serves it; the published spec has " +
      "only the resource-group and resource operations, whose answer shape it shares",
    statuses: [200],
    answer: { file: "roleDefinitions-2022-04-01.json", definition: "PermissionGetResult" },
  },
];

export function outsideSpecUrlFor(exchange: { method: string; path: string; apiVersion: string }) {
  return outsideSpecUrls.find(
    (url) =>
      url.method === exchange.method.toUpperCase() &&
      url.apiVersions.includes(exchange.apiVersion) &&
      url.pattern.test(exchange.path),
  );
}
