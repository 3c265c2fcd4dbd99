import { redirect } from "next/navigation";
import { PageHeader } from "@/components/ui/page-header";
import { requireUser } from "@/server/auth/current-user";
import { sectionsFor } from "@/server/auth/sections";

export default async function Home() {
  const user = await requireUser();
  const [first] = sectionsFor(user.roles);
  if (first) redirect(first.href);
  return (
    <PageHeader
      title="No access yet"
      description="Your account has no role. Ask an administrator to give you one."
    />
  );
}
