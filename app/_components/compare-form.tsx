"use client";

import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { compareHref } from "./hrefs";

export interface CompareFormProps {
  repository: string;
  /** This release's SHA: the head of the comparison. */
  head: string;
  /** Shown in the label: "Compare v1.4.0 with". */
  label: string;
}

/** Compares this release with any other event, tag, SHA or environment on the compare page. */
export function CompareForm({ repository, head, label }: CompareFormProps) {
  const router = useRouter();
  const [base, setBase] = useState("");
  const id = useId();
  return (
    <form
      className="compare-form"
      data-testid="compare-form"
      onSubmit={(event) => {
        event.preventDefault();
        const value = base.trim();
        if (value) router.push(compareHref(repository, value, head));
      }}
    >
      <label htmlFor={id}>Compare {label} with</label>
      <input
        id={id}
        value={base}
        onChange={(e) => setBase(e.target.value)}
        placeholder="tag, SHA or environment"
        required
        maxLength={200}
        spellCheck={false}
      />
      <button type="submit" className="button button--secondary">
        Compare
      </button>
    </form>
  );
}
