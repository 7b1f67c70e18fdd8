import { PageSkeleton } from "@/app/_components/page-skeleton";

export default function Loading() {
  return <PageSkeleton label="the repository" cards={3} rows={6} />;
}
