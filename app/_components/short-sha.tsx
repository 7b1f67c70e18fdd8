export function ShortSha({ sha }: { sha: string }) {
  return (
    <code className="sha" title={sha} data-testid="sha">
      {sha.slice(0, 7)}
    </code>
  );
}
