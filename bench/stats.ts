export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function summarise(samples: number[]): { p50: number; p95: number; n: number } {
  return { p50: percentile(samples, 50), p95: percentile(samples, 95), n: samples.length };
}
