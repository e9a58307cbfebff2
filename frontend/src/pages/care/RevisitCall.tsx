// PLACEHOLDER: replaced by the page itself.
export function RevisitCall() {
  return <div className="page" data-testid="page-placeholder" />;
}
