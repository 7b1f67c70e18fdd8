import { PageSkeleton } from "@/app/_components/page-skeleton";

export default function Loading() {
  return <PageSkeleton label="the commit" cards={3} rows={5} />;
}
