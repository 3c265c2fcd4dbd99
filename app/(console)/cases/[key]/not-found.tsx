import { RequestAccess } from "@/components/cases/request-access";

/** The same page for a missing case and a hidden one, with a way forward: ask the lead. */
export default function CaseNotFound() {
  return <RequestAccess />;
}
