// The manufacturer-oversight messages, one file per area, merged under `oversight.<area>`.
import * as audits from './audits';
import * as campaigns from './campaigns';
import * as dashboard from './dashboard';
import * as monthlyReports from './monthlyReports';
import * as outliers from './outliers';

export const oversightEn = {
  dashboard: dashboard.en,
  outliers: outliers.en,
  audits: audits.en,
  campaigns: campaigns.en,
  monthlyReports: monthlyReports.en,
};

export const oversightZhCN = {
  dashboard: dashboard.zhCN,
  outliers: outliers.zhCN,
  audits: audits.zhCN,
  campaigns: campaigns.zhCN,
  monthlyReports: monthlyReports.zhCN,
};
