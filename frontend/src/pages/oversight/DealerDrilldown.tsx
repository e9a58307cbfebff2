// PLACEHOLDER: replaced by the page itself.
export function DealerDrilldown() {
  return <div className="page" data-testid="page-placeholder" />;
}
