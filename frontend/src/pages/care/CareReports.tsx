// PLACEHOLDER: replaced by the page itself.
export function CareReports() {
  return <div className="page" data-testid="page-placeholder" />;
}
