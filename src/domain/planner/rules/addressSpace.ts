/** VNet prefixes and subnets: inside the VNet, apart from each other, clear of the ranges AKS reserves. */
import { contains, overlaps } from "../../cidr.js";
import type { RequestView } from "../../requestView.js";
import type { Violation } from "../../violations.js";
import { aksReservedRanges, ipv4, rangesOf } from "../ranges.js";

export function vnetPrefixesApart(view: RequestView): Violation[] {
  const { vnet: v4, vnet6 } = rangesOf(view);
  const prefixes = [...v4, ...vnet6];
  return prefixes.flatMap((b, i) => {
    const a = prefixes.slice(0, i).find((earlier) => overlaps(earlier.cidr, b.cidr));
    return a === undefined
      ? []
      : [{ path: b.path, code: "ranges-overlap", message: `VNet prefix ${b.cidr.text} overlaps ${a.cidr.text}` }];
  });
}

/** The smallest subnet Azure allows: a VNet prefix smaller than this holds no subnet at all. */
const smallestSubnetPrefix = 29;

/** Named on the prefix itself: the subnets that cannot fit in it are only the symptom. */
export function vnetPrefixesBigEnough(view: RequestView): Violation[] {
  return rangesOf(view).vnet.flatMap(({ path, cidr }) =>
    cidr.prefixLength <= smallestSubnetPrefix
      ? []
      : [
          {
            path,
            code: "vnet-too-small",
            message: `VNet prefix ${cidr.text} is smaller than /${smallestSubnetPrefix}, the smallest subnet Azure allows`,
          },
        ],
  );
}

/** Skipped for an existing VNet whose address space the request does not state (checked at run time). */
export function subnetsInsideVnet(view: RequestView): Violation[] {
  const { vnet, subnets } = rangesOf(view);
  if (vnet.length === 0) return [];
  const space = vnet.map((prefix) => prefix.cidr.text).join(", ");
  return subnets.flatMap((entry) =>
    entry.cidr === null || vnet.some((prefix) => entry.cidr !== null && contains(prefix.cidr, entry.cidr))
      ? []
      : [
          {
            path: `${entry.subnet.path}.addressPrefix`,
            code: "subnet-outside-vnet",
            message: `${entry.label} is not inside the VNet (${space})`,
          },
        ],
  );
}

export function subnetsApart(view: RequestView): Violation[] {
  const { subnets } = rangesOf(view);
  return subnets.flatMap((b, i) => {
    const a = subnets
      .slice(0, i)
      .find((earlier) => earlier.cidr !== null && b.cidr !== null && overlaps(earlier.cidr, b.cidr));
    return a === undefined
      ? []
      : [{ path: `${b.subnet.path}.addressPrefix`, code: "ranges-overlap", message: `${b.label} overlaps ${a.label}` }];
  });
}

/** 169.254/16, 172.30/16, 172.31/16 and 192.0.2/24 are off limits for service, pod and VNet ranges (AKS 2026-05-29). */
export function reservedRangesAvoided(view: RequestView): Violation[] {
  const checks = [
    ...(view.vnet?.prefixes ?? []).map((field) => ({ field, code: "vnet-reserved-range", label: "VNet prefix" })),
    ...view.serviceCidrs.map((field) => ({ field, code: "service-cidr-reserved-range", label: "service CIDR" })),
    ...view.podCidrs.map((field) => ({ field, code: "pod-cidr-reserved-range", label: "pod CIDR" })),
    // Subnets of a VNet whose prefixes are not stated (an existing VNet) are checked themselves.
    ...(view.vnet?.prefixes == null
      ? rangesOf(view).subnets.flatMap((entry) =>
          entry.subnet.prefix === null
            ? []
            : [{ field: entry.subnet.prefix, code: "vnet-reserved-range", label: "subnet" }],
        )
      : []),
  ];
  return checks.flatMap(({ field, code, label }) => {
    const cidr = ipv4(field);
    const reserved = cidr === null ? undefined : aksReservedRanges.find((range) => overlaps(range, cidr));
    return reserved === undefined || cidr === null
      ? []
      : [{ path: field.path, code, message: `${label} ${cidr.text} overlaps ${reserved.text}, which AKS reserves` }];
  });
}

/** Overlay and pod-subnet clusters need subnet, VNet and VNet resource-group names of at most 63 characters. */
export function shortNamesForMode(view: RequestView): Violation[] {
  if (view.traits?.shortNames !== true) return [];
  const limit = 63;
  const named = [
    ...(view.vnet === null
      ? []
      : [
          {
            path: view.vnet.id === null ? "network.vnet.name" : "network.vnet.id",
            name: view.vnet.name,
            what: "VNet name",
          },
        ]),
    ...(view.vnet === null
      ? []
      : [
          {
            // An unstated VNet resource group is the request's own.
            path:
              view.vnet.id !== null
                ? "network.vnet.id"
                : view.vnet.resourceGroup === view.resourceGroup
                  ? "resourceGroup"
                  : "network.vnet.resourceGroup",
            name: view.vnet.resourceGroup,
            what: "VNet resource group name",
          },
        ]),
    ...rangesOf(view).subnets.map((entry) => ({
      path: `${entry.subnet.path}.name`,
      name: entry.subnet.name,
      what: "subnet name",
    })),
  ];
  return named.flatMap(({ path, name, what }) =>
    name.length <= limit
      ? []
      : [
          {
            path,
            code: "name-too-long-for-mode",
            message: `${what} ${name} has ${name.length} characters; ${view.mode ?? ""} mode allows at most ${limit}`,
          },
        ],
  );
}
