import { repoName, ZEnvironmentName, ZRepoParams } from "@/lib/api/schemas";

/**
 * "owner/name" from a route's params, validated with the API's schema; null when the text
 * cannot be a repository name (the page then answers "not found").
 */
export function parseRepoParams(params: { owner: string; name: string }): string | null {
  const parsed = ZRepoParams.safeParse(params);
  return parsed.success ? repoName(parsed.data) : null;
}

/** An environment name from a route param; null when it cannot be one. */
export function parseEnvParam(env: string): string | null {
  const parsed = ZEnvironmentName.safeParse(env);
  return parsed.success ? parsed.data : null;
}

/** An event number from a route param; null unless a positive whole number. */
export function parseSeqParam(seq: string): number | null {
  if (!/^\d{1,9}$/.test(seq)) return null;
  return Number(seq);
}

/**
 * A dynamic segment as the visitor typed it. Next 16 hands params over still percent-encoded
 * ("feature%2Fx"), and hrefs.ts encodes every segment once, so decoding once restores the
 * name; text that is not valid percent-encoding is taken as it is.
 */
export function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
