// PLACEHOLDER: replaced by the page itself.
export function MonthlyReportPage() {
  return <div className="page" data-testid="page-placeholder" />;
}
