// Small statistics shared by the benchmarks.

/** The p-th percentile (nearest rank) of ascending-sorted samples; 0 for none. */
export function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? 0;
}

/** One decimal place: benchmark figures are not more precise than that. */
export const round = (value: number) => Number(value.toFixed(1));
