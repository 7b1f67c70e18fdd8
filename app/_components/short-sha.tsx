"use client";

import { useState } from "react";

export interface ShortShaProps {
  /** The full 40-hex SHA (shown in the title, copied by the button). */
  sha: string;
  /** Where the SHA links to (e.g. the commit page); plain text when absent. */
  href?: string;
  /** Hide the copy button (dense tables that show many SHAs still get the title). */
  copy?: boolean;
}

/** 7 characters, monospace, the full SHA on hover and a copy button. */
export function ShortSha({ sha, href, copy = true }: ShortShaProps) {
  const [copied, setCopied] = useState(false);
  const short = sha.slice(0, 7);
  const code = (
    <code className="sha" title={sha} data-testid="sha">
      {short}
    </code>
  );
  return (
    <span className="sha-wrap">
      {href ? (
        <a href={href} className="sha-link">
          {code}
        </a>
      ) : (
        code
      )}
      {copy ? (
        <button
          type="button"
          className="icon-button"
          aria-label={copied ? `Copied ${sha}` : `Copy full SHA ${sha}`}
          title={copied ? "Copied" : "Copy full SHA"}
          onClick={() => {
            void navigator.clipboard?.writeText(sha).then(
              () => {
                setCopied(true);
                setTimeout(() => setCopied(false), 1500);
              },
              () => {},
            );
          }}
        >
          {copied ? (
            <span aria-hidden="true">✓</span>
          ) : (
            <svg
              aria-hidden="true"
              width="13"
              height="13"
              viewBox="0 0 16 16"
              fill="none"
              stroke="currentColor"
              strokeWidth="1.5"
            >
              <rect x="5.5" y="5.5" width="8" height="8" rx="1.5" />
              <path d="M3.5 10.5h-1a1 1 0 0 1-1-1v-7a1 1 0 0 1 1-1h7a1 1 0 0 1 1 1v1" />
            </svg>
          )}
        </button>
      ) : null}
    </span>
  );
}
