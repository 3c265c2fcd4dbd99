import { ReviewRefusal } from "@/components/approvals/review-refusal";

/** A review link that shows nothing: an approver it was not routed to learns why, and who can decide. */
export default function ReviewNotFound() {
  return <ReviewRefusal />;
}
