// Messages of the webhook screens (partners.webhooks.*).
export const en = {};
export const zhCN = {};
