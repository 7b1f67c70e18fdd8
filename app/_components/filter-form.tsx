"use client";

import { useRouter } from "next/navigation";
import type { ReactNode } from "react";
import { filterQuery } from "./filter-query";

/**
 * A GET form whose submission leaves cleared fields out of the address, so a shared link holds
 * only the filters in force. Without JavaScript it submits natively and the page drops the
 * empty keys with a redirect.
 */
export function FilterForm({
  action,
  label,
  className,
  testId,
  children,
}: {
  /** The page's path, without a query. */
  action: string;
  label: string;
  className?: string;
  testId?: string;
  children: ReactNode;
}) {
  const router = useRouter();
  return (
    <form
      className={className}
      method="get"
      action={action}
      aria-label={label}
      data-testid={testId}
      onSubmit={(event) => {
        event.preventDefault();
        router.push(`${action}${filterQuery(new FormData(event.currentTarget))}`);
      }}
    >
      {children}
    </form>
  );
}
