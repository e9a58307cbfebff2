// PLACEHOLDER: replaced by the page itself.
export function CareSettings() {
  return <div className="page" data-testid="page-placeholder" />;
}
