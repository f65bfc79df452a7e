/**
 * api-version checked per resource type, as ARM does before a request reaches the provider. Resource-provider types
 * answer 400 NoRegisteredProviderFound (the message lists the supported versions); types ARM itself serves
 * (subscriptions, resource groups, providers, tenants) answer 400 InvalidApiVersionParameter. The lists are the
 * published GA versions (and the previews the SDKs of this repo and azure-cli 2.45 send), not exhaustive.
 */
import { armError, type SimResponse } from "../http.js";

const range = (dates: string): string[] => dates.split(/\s+/).filter((d) => d !== "");

const resources = range(`2014-04-01 2014-04-01-preview 2015-01-01 2015-11-01 2016-02-01 2016-06-01 2016-07-01 2016-09-01
  2017-05-10 2018-02-01 2018-05-01 2019-03-01 2019-05-01 2019-05-10 2019-06-01 2019-07-01 2019-08-01 2019-10-01
  2019-11-01 2020-01-01 2020-06-01 2020-08-01 2020-10-01 2021-01-01 2021-04-01 2022-01-01 2022-09-01 2022-12-01
  2023-07-01 2024-03-01 2024-07-01 2024-11-01 2025-03-01 2025-04-01`);
const features = range("2014-08-01-preview 2015-12-01 2021-07-01");
const network =
  range(`2015-06-15 2016-03-30 2016-06-01 2016-09-01 2016-12-01 2017-03-01 2017-06-01 2017-08-01 2017-09-01
  2017-10-01 2017-11-01 2018-01-01 2018-02-01 2018-04-01 2018-06-01 2018-07-01 2018-08-01 2018-10-01 2018-11-01
  2018-12-01 2019-02-01 2019-04-01 2019-06-01 2019-07-01 2019-08-01 2019-09-01 2019-11-01 2019-12-01 2020-03-01
  2020-04-01 2020-05-01 2020-06-01 2020-07-01 2020-08-01 2020-11-01 2021-02-01 2021-03-01 2021-05-01 2021-08-01
  2022-01-01 2022-05-01 2022-07-01 2022-09-01 2022-11-01 2023-02-01 2023-04-01 2023-05-01 2023-06-01 2023-09-01
  2023-11-01 2024-01-01 2024-03-01 2024-05-01 2024-07-01 2024-10-01 2025-01-01 2025-03-01 2025-05-01 2026-01-01`);
const msi = range(
  "2015-08-31-preview 2018-11-30 2021-09-30-preview 2022-01-31-preview 2023-01-31 2023-07-31-preview 2024-11-30 2025-01-31-preview",
);
const authorization = range(`2015-07-01 2017-10-01-preview 2018-01-01-preview 2018-09-01-preview 2020-03-01-preview
  2020-04-01-preview 2020-08-01-preview 2020-10-01-preview 2021-04-01-preview 2022-01-01-preview 2022-04-01 2022-05-01-preview`);
const containerService = range(`2017-08-31 2018-03-31 2019-02-01 2019-04-01 2019-06-01 2019-08-01 2019-10-01 2019-11-01
  2020-01-01 2020-02-01 2020-03-01 2020-04-01 2020-06-01 2020-07-01 2020-09-01 2020-11-01 2020-12-01 2021-02-01
  2021-03-01 2021-05-01 2021-07-01 2021-08-01 2021-09-01 2021-10-01 2022-01-01 2022-02-01 2022-03-01 2022-04-01
  2022-06-01 2022-07-01 2022-08-01 2022-09-01 2022-11-01 2023-01-01 2023-02-01 2023-03-01 2023-04-01 2023-05-01
  2023-06-01 2023-07-01 2023-07-02-preview 2023-08-01 2023-09-01 2023-10-01 2023-11-01 2024-01-01 2024-02-01
  2024-05-01 2024-07-01 2024-08-01 2024-09-01 2024-10-01 2025-01-01 2025-02-01 2025-03-01 2025-04-01 2025-05-01
  2025-06-01 2025-07-01 2025-08-01 2025-09-01 2025-10-01 2025-10-02-preview 2026-01-01 2026-02-01 2026-03-01 2026-04-01
  2026-05-01 2026-06-01 2026-07-01 2026-08-01 2026-10-01`);

const compute = range("2023-07-01 2023-09-01 2024-03-01 2024-07-01 2024-11-01 2025-04-01");

interface Owner {
  /** null: served by ARM itself (InvalidApiVersionParameter). */
  namespace: string | null;
  type: string;
  versions: string[];
}

function ownerOf(path: string): Owner | null {
  // The last provider segment owns the request: a role assignment under a VNet belongs to Microsoft.Authorization.
  const provider = [...path.matchAll(/\/providers\/(Microsoft\.[A-Za-z]+)\/([^/]+)/gi)].pop() ?? null;
  const namespace = provider?.[1]?.toLowerCase();
  const type = provider?.[2] ?? "";
  if (/^\/subscriptions\/[^/]+\/providers\/Microsoft\.Features\//i.test(path))
    return { namespace: "Microsoft.Features", type: "features", versions: features };
  if (/^\/subscriptions\/[^/]+\/providers\/[^/]+(\/register)?$/i.test(path))
    return { namespace: null, type: "providers", versions: resources };
  if (namespace === "microsoft.network") return { namespace: "Microsoft.Network", type, versions: network };
  if (namespace === "microsoft.managedidentity") return { namespace: "Microsoft.ManagedIdentity", type, versions: msi };
  if (namespace === "microsoft.authorization")
    return { namespace: "Microsoft.Authorization", type, versions: authorization };
  if (namespace === "microsoft.compute") return { namespace: "Microsoft.Compute", type, versions: compute };
  if (namespace === "microsoft.containerservice")
    return { namespace: "Microsoft.ContainerService", type, versions: containerService };
  if (provider === null)
    return {
      namespace: null,
      type: /resourcegroups/i.test(path) ? "resourceGroups" : "subscriptions",
      versions: resources,
    };
  return null;
}

export function checkApiVersion(path: string, apiVersion: string): SimResponse | null {
  const owner = ownerOf(path);
  if (owner === null || owner.versions.includes(apiVersion)) return null;
  const supported = owner.versions.join(", ");
  if (owner.namespace === null) {
    return armError(
      400,
      "InvalidApiVersionParameter",
      `The api-version '${apiVersion}' is invalid. The supported versions are '${[...owner.versions].reverse().join(",")}'.`,
    );
  }
  return armError(
    400,
    "NoRegisteredProviderFound",
    `No registered resource provider found for location 'eastus' and API version '${apiVersion}' for type '${owner.type}'. The supported api-versions are '${supported}'. The supported locations are 'eastus, eastus2, westus2, westeurope, northeurope, southeastasia'.`,
  );
}
