// PLACEHOLDER: replaced by the page itself.
export function RevisitQueue() {
  return <div className="page" data-testid="page-placeholder" />;
}
