// PLACEHOLDER: replaced by the page itself.
export function MonthlyReports() {
  return <div className="page" data-testid="page-placeholder" />;
}
