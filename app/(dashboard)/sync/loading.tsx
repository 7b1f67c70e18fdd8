import { PageSkeleton } from "@/app/_components/page-skeleton";

export default function Loading() {
  return <PageSkeleton label="GitHub sync runs" cards={2} rows={6} />;
}
