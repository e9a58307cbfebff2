// PLACEHOLDER: replaced by the page itself.
export function CampaignPage() {
  return <div className="page" data-testid="page-placeholder" />;
}
