// PLACEHOLDER: replaced by the page itself.
export function RegionDashboard() {
  return <div className="page" data-testid="page-placeholder" />;
}
