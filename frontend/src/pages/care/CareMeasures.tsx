// PLACEHOLDER: replaced by the page itself.
export function CareMeasures() {
  return <div className="page" data-testid="page-placeholder" />;
}
