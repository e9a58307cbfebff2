// PLACEHOLDER: replaced by the page itself.
export function Outliers() {
  return <div className="page" data-testid="page-placeholder" />;
}
