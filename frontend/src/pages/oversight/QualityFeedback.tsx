// PLACEHOLDER: replaced by the page itself.
export function QualityFeedback() {
  return <div className="page" data-testid="page-placeholder" />;
}
