// PLACEHOLDER: replaced by the page itself.
export function Campaigns() {
  return <div className="page" data-testid="page-placeholder" />;
}
