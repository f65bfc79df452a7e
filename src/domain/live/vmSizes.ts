/**
 * A VM size's quota family and vCPU count, from the documented Azure VM naming convention
 * (learn.microsoft.com/azure/virtual-machines/vm-naming-conventions): [series][vCPUs][-constrained][features][_vN].
 * The number is the vCPU count for every series from v3 on and for B, Av2 and Fv2; older D/DS/G sizes number by
 * size index (DS2_v2 has 2 vCPUs, DS3_v2 has 4), so those — and anything else that does not parse — are "unknown"
 * and their quota is reported unchecked rather than guessed. The authoritative source, Microsoft.Compute/skus, is
 * megabytes per region: too heavy for a synchronous plan.
 */

export interface VmSizeQuota {
  /** Quota name as Microsoft.Compute usages spell it (compare case-insensitively: Azure's casing varies). */
  family: string;
  vCpus: number;
}

const sizePattern = /^Standard_([A-Z]+)(\d+)(?:-\d+)?([a-z]*)(?:_v(\d+))?$/;

function numberIsVcpus(series: string, version: number | null): boolean {
  if (version !== null && version >= 3) return true;
  if (series === "B") return true;
  return version === 2 && (series === "A" || series === "F");
}

export function vmSizeQuota(vmSize: string): VmSizeQuota | null {
  const match = sizePattern.exec(vmSize);
  if (match === null) return null;
  const [, series = "", digits = "", features = "", versionText] = match;
  const version = versionText === undefined ? null : Number(versionText);
  if (!numberIsVcpus(series, version)) return null;
  const vCpus = Number(digits);
  if (!Number.isSafeInteger(vCpus) || vCpus < 1) return null;
  return {
    family: `standard${series}${features.toUpperCase()}${version === null ? "" : `v${version}`}Family`,
    vCpus,
  };
}
