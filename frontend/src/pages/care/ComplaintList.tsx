// PLACEHOLDER: replaced by the page itself.
export function ComplaintList() {
  return <div className="page" data-testid="page-placeholder" />;
}
