/** Pod CIDRs (kubenet, overlay): clear of the VNet, the subnets and the service CIDRs. */
import { overlaps } from "../../cidr.js";
import type { RequestView } from "../../requestView.js";
import type { Violation } from "../../violations.js";
import { rangesOf } from "../ranges.js";

export function podCidrsClear(view: RequestView): Violation[] {
  const avoid = [
    ...rangesOf(view).network,
    ...view.serviceCidrs.flatMap((field) =>
      field.cidr === null ? [] : [{ label: `service CIDR ${field.cidr.text}`, cidr: field.cidr }],
    ),
  ];
  return view.podCidrs.flatMap((field) => {
    const cidr = field.cidr;
    const hit = cidr === null ? undefined : avoid.find((range) => overlaps(range.cidr, cidr));
    return hit === undefined || cidr === null
      ? []
      : [
          {
            path: field.path,
            code: "pod-cidr-overlaps-network",
            message: `pod CIDR ${cidr.text} overlaps ${hit.label}`,
          },
        ];
  });
}
