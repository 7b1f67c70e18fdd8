import { PageSkeleton } from "@/app/_components/page-skeleton";

export default function Loading() {
  return <PageSkeleton label="the comparison" cards={2} rows={8} />;
}
