// The webhooks of one partner application (subscriptions, delivery log, replay).
export function AppWebhooks({ appId }: { appId: string }) {
  void appId;
  return null;
}
