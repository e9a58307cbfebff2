// PLACEHOLDER: replaced by the page itself.
export function ContactChecks() {
  return <div className="page" data-testid="page-placeholder" />;
}
