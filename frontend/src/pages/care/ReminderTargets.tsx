// PLACEHOLDER: replaced by the page itself.
export function ReminderTargets() {
  return <div className="page" data-testid="page-placeholder" />;
}
