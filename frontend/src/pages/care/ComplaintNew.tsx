// PLACEHOLDER: replaced by the page itself.
export function ComplaintNew() {
  return <div className="page" data-testid="page-placeholder" />;
}
