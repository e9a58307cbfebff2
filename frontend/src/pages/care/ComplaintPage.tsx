// PLACEHOLDER: replaced by the page itself.
export function ComplaintPage() {
  return <div className="page" data-testid="page-placeholder" />;
}
