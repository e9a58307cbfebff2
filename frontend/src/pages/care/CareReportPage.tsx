// PLACEHOLDER: replaced by the page itself.
export function CareReportPage() {
  return <div className="page" data-testid="page-placeholder" />;
}
