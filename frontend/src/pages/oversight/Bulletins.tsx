// PLACEHOLDER: replaced by the page itself.
export function Bulletins() {
  return <div className="page" data-testid="page-placeholder" />;
}
