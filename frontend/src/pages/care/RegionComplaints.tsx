// PLACEHOLDER: replaced by the page itself.
export function RegionComplaints() {
  return <div className="page" data-testid="page-placeholder" />;
}
