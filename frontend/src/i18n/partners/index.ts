// The partner-integration messages, one file per area, merged under `partners.<area>`.
import * as apps from './apps';
import * as webhooks from './webhooks';

export const partnersEn = {
  apps: apps.en,
  webhooks: webhooks.en,
};

export const partnersZhCN = {
  apps: apps.zhCN,
  webhooks: webhooks.zhCN,
};
