// PLACEHOLDER: replaced by the page itself.
export function AuditList() {
  return <div className="page" data-testid="page-placeholder" />;
}
