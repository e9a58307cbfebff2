// The warranty messages, one file per area, merged under `warranty.<area>`.
import * as claims from './claims';
import * as oldParts from './oldParts';
import * as review from './review';
import * as settlement from './settlement';

export const warrantyEn = {
  claims: claims.en,
  review: review.en,
  oldParts: oldParts.en,
  settlement: settlement.en,
};

export const warrantyZhCN = {
  claims: claims.zhCN,
  review: review.zhCN,
  oldParts: oldParts.zhCN,
  settlement: settlement.zhCN,
};
