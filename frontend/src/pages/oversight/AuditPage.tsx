// PLACEHOLDER: replaced by the page itself.
export function AuditPage() {
  return <div className="page" data-testid="page-placeholder" />;
}
