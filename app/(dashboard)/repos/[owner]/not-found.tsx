import { Missing } from "@/app/_components/missing";

export default function NotFound() {
  return <Missing kind="repository" />;
}
